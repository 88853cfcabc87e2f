#!/bin/sh
test_description='the edges of the access path: sessions capped per user,
each login a check of its own, guessing counted per address and per user
(IPv6 by its /64, charged when queued), a reload during a check, limits
behind a trusted proxy, files someone else could plant, passwords kept
whole, JSON escapes'
. "$(dirname "$0")/test-lib.sh"

command -v openssl >/dev/null 2>&1 || test_skip_all 'openssl is missing'

hexbin () {
	perl -e "print pack(q(H*), q($1))"
}
# user_line NAME ROLE PASSWORD ITERATIONS: an accounts line made with
# openssl, independently of account.c, with its own iteration count.
user_line () {
	ul_salt_=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")
	ul_key_=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 \
		-kdfopt "pass:$3" -kdfopt "hexsalt:$ul_salt_" \
		-kdfopt "iter:$4" PBKDF2 | tr -d ":\n")
	printf "%s:%s:\$pbkdf2-sha256\$%s\$%s\$%s\n" "$1" "$2" "$4" \
		"$(hexbin "$ul_salt_" | base64)" "$(hexbin "$ul_key_" | base64)"
}
code () {
	curl -s -o body.out -w "%{http_code}" --max-time 15 "$@"
}
# login USER PASSWORD [curl args]: POST /login; prints the status.
login () {
	lg_u_=$1 lg_p_=$2
	shift 2
	curl -s -o body.out -w "%{http_code}" --max-time 15 \
		-H "Content-Type: application/json" \
		-d "{\"user\":\"$lg_u_\",\"password\":\"$lg_p_\"}" "$@" \
		"$BASE/login"
}
# secs CMD...: how long CMD took, in seconds with a fraction.
secs () {
	sc_t0_=$(date +%s%N)
	"$@" >/dev/null
	echo "$(($(date +%s%N) - sc_t0_))" | awk '{ printf "%.2f\n", $1 / 1e9 }'
}
# refused ARGS...: the server refuses to start with ARGS: exit status 1
# within 5 s, its words in err (one that starts is stopped, and fails).
refused () {
	timeout 5 "$RR" --source test --listen 127.0.0.1:0 "$@" 2>err
	test $? = 1
}
checks () {
	curl -s -u alice:alicepass1 "$BASE/metrics" |
		sed -n "s/^rerocctv_password_checks_total //p"
}

test_expect_success 'accounts made with openssl, a line with its own rounds' '
	user_line alice admin alicepass1 1000 >users &&
	user_line bob viewer bobpass12 1000 >>users &&
	chmod 600 users &&
	start_server --source test --size 320x240 --fps 15 --auth-file users &&
	test "$(code -u alice:alicepass1 "$BASE/state")" = 200 &&
	test "$(code -u bob:bobpass12 "$BASE/metrics")" = 403
'

test_expect_success 'each login costs a password check of its own' '
	c0=$(checks) &&
	for i in 1 2 3 4 5 6 7 8 9 10
	do
		test "$(login bob bobpass12)" = 200 || return 1
	done &&
	c1=$(checks) &&
	echo "checks $c0 -> $c1" &&
	test $((c1 - c0)) -ge 10
'

test_expect_success "a viewer's 300 logins leave an admin's session working" '
	test "$(login alice alicepass1 -c alice.jar)" = 200 &&
	test "$(login bob bobpass12 -c bob1.jar)" = 200 &&
	cookie=$(awk "/rerocctv_session/ { print \$7 }" alice.jar) &&
	{ "$WSC" ws -T 12 -H "Cookie: rerocctv_session=$cookie" \
		"$WSBASE/websocket/30" >alice.ws & } &&
	seq 300 | xargs -P 4 -I{} curl -s -o /dev/null -w "%{http_code}\n" \
		--max-time 15 -H "Content-Type: application/json" \
		-d "{\"user\":\"bob\",\"password\":\"bobpass12\"}" \
		"$BASE/login" >codes &&
	sort codes | uniq -c &&
	test "$(grep -c "^200$" codes)" = 300 &&
	test "$(code -b alice.jar "$BASE/session")" = 200 &&
	jq -e ".user == \"alice\" and .via == \"session\"" body.out &&
	test "$(code -b alice.jar "$BASE/metrics")" = 200 &&
	# Sixteen sessions each: bob ended his own oldest.
	test "$(code -b bob1.jar "$BASE/state")" = 401 &&
	wait &&
	grep "^status 101" alice.ws &&
	! grep "^close" alice.ws &&
	! grep "access revoked" server.log
'

test_expect_success "guesses between a viewer's good logins slow down all the same" '
	t=0 &&
	for i in 1 2 3 4 5 6 7
	do
		test "$(login bob bobpass12 --interface 127.0.0.3)" = 200 &&
		s=$(secs login alice guess$i --interface 127.0.0.3) || return 1
		echo "guess $i: $s s"
		test $i -lt 6 || t=$(echo "$t $s" | awk "{ print \$1 + \$2 }")
	done &&
	echo "guesses 6 and 7: $t s" &&
	awk -v t="$t" "BEGIN { exit !(t >= 2.5) }" &&
	grep "127.0.0.3: 5 failed logins for alice: answering it slowly" \
		server.log
'

test_expect_success "a good login elsewhere clears nothing here" '
	for i in 1 2 3 4 5
	do
		test "$(login alice nope$i --interface 127.0.0.4)" = 403 ||
		return 1
	done &&
	test "$(login alice alicepass1)" = 200 &&
	test "$(login bob bobpass12 --interface 127.0.0.5)" = 200 &&
	s=$(secs login alice nope6 --interface 127.0.0.4) &&
	echo "the 6th guess from 127.0.0.4 took $s s" &&
	awk -v s="$s" "BEGIN { exit !(s >= 0.9) }"
'

test_expect_success '15 guesses at once are charged before they finish' '
	for i in $(seq 15)
	do
		{ curl -s -o /dev/null -w "%{http_code} %{time_total}\n" \
			--max-time 15 --interface 127.0.0.6 \
			-u alice:parallel$i "$BASE/state" >par.$i & }
	done &&
	wait &&
	cat par.* | sort -k2 -n >par &&
	cat par &&
	fast=$(awk "\$2 < 0.8" par | wc -l) &&
	echo "answered within 0.8 s: $fast" &&
	test "$fast" -le 5 &&
	test "$(wc -l <par)" = 15
'

test_expect_success 'an escape that is not four hex digits is 400' '
	test "$(curl -s -o body.out -w "%{http_code}" \
		-H "Content-Type: application/json" \
		-d "{\"user\":\"\\u03fx\",\"password\":\"x\"}" "$BASE/login")" = 400 &&
	test "$(curl -s -o body.out -w "%{http_code}" \
		-H "Content-Type: application/json" \
		-d "{\"user\":\"b\\u006fb\",\"password\":\"bobpass12\"}" \
		"$BASE/login")" = 200
'

test_expect_success 'a reload while a check is under way judges by the new file' '
	user_line carol admin carolpass1 1500000 >>users &&
	kill -HUP $SERVER_PID &&
	wait_log "reload: accounts read again" &&
	c0=$(checks) &&
	{ login carol carolpass1 -c carol.jar >carol.code & } &&
	# Her check (1.5 M rounds: most of a second, several under
	# ASan, within the 10 s a login waits) is under way once counted.
	n=0 &&
	while test "$(checks)" = "$c0" && test $n -lt 100
	do
		sleep 0.05
		n=$((n + 1))
	done &&
	sed -i "/^carol:/d" users &&
	kill -HUP $SERVER_PID &&
	wait &&
	echo "carol: $(cat carol.code)" &&
	test "$(cat carol.code)" = 403 &&
	test "$(code -b carol.jar "$BASE/session")" = 200 &&
	jq -e ".user == null" body.out &&
	test "$(code -u carol:carolpass1 "$BASE/state")" = 401
'

test_expect_success 'a file of another user is refused, at start and on SIGHUP' '
	test "$(id -u)" = 0 || { echo "not root: cannot chown"; return 0; }
	"$RR" share --auth-file users --expires 1h --url http://x >link &&
	TOKEN=$(sed -n "s|^http://x/s/\([0-9a-f]*\)/$|\1|p" link) &&
	cp users theirs && chown nobody theirs &&
	refused --auth-file theirs &&
	grep "theirs: belongs to uid 65534, not to this user" err &&
	cp users.secret planted && chown nobody planted &&
	refused --auth-file users --secret-file planted &&
	grep "planted: belongs to uid 65534" err &&
	test "$(code "$BASE/s/$TOKEN/state")" = 200 &&
	cp users.secret users.secret.good &&
	printf "%064d\n" 0 >users.secret && chown nobody users.secret &&
	kill -HUP $SERVER_PID &&
	wait_log "reload: users.secret: belongs to uid 65534" &&
	test "$(code "$BASE/s/$TOKEN/state")" = 200 &&
	mv users.secret.good users.secret
'

test_expect_success 'a group-readable file, or one in a directory others write' '
	cp users grp && chmod 640 grp &&
	refused --auth-file grp &&
	grep "grp: others may read or write it (mode 640)" err &&
	mkdir -p open && chmod 777 open && cp users open/users &&
	refused --auth-file open/users &&
	grep "others may write the directory .*/open (mode 777)" err &&
	chmod 1777 open &&
	{ "$RR" --source test --listen 127.0.0.1:0 --auth-file open/users \
		>sticky.log 2>&1 & } &&
	pid=$! &&
	for i in $(seq 50)
	do
		grep -q "listening on" sticky.log && break
		sleep 0.1
	done &&
	grep "listening on" sticky.log &&
	kill $pid && wait $pid
'

test_expect_success 'passwd never writes through a link planted beside the file' '
	echo untouched >victim && chmod 644 victim &&
	ln -s victim users.tmp &&
	printf "davepass12\n" | "$RR" passwd users dave &&
	test "$(cat victim)" = untouched &&
	test -L users.tmp && test ! -L users &&
	test "$(stat -c %a users)" = 600 &&
	grep "^dave:viewer:" users &&
	# No temporary file left behind either.
	test -z "$(ls users.* | grep -v "^users\.\(secret\|tmp\)$")"
'

test_expect_success 'a password too long to keep whole is refused, not cut' '
	head -c 300 /dev/zero | tr "\0" a >long && echo >>long &&
	test_must_fail "$RR" passwd users erin <long 2>err &&
	grep "longer than 255 bytes" err &&
	! grep "^erin:" users &&
	ok=$(head -c 255 /dev/zero | tr "\0" b) &&
	printf "%s\n" "$ok" | "$RR" passwd users erin &&
	kill -HUP $SERVER_PID &&
	sleep 0.5 &&
	test "$(login erin "$ok")" = 200
'

# Behind a trusting proxy every client arrives from the proxy's address:
# the limits, the slowdown and the log go by the address it forwards.
test_expect_success 'behind a proxy: a held address leaves another served' '
	stop_server &&
	start_server --source test --size 320x240 --fps 15 --auth-file users \
		--trust-proxy 127.0.0.1 --max-per-ip 8 &&
	for i in 1 2 3 4 5
	do
		test "$(login alice nope$i -H "X-Forwarded-For: 10.9.9.9")" = 403 ||
		return 1
	done &&
	grep "10.9.9.9: 5 failed logins for alice" server.log &&
	for i in $(seq 12)
	do
		{ curl -s -o held.$i.body -w "%{http_code}" --max-time 15 \
			-H "Content-Type: application/json" \
			-H "X-Forwarded-For: 10.9.9.9" \
			-d "{\"user\":\"alice\",\"password\":\"held$i\"}" \
			"$BASE/login" >held.$i & }
	done &&
	sleep 1.5 &&
	t0=$(date +%s%N) &&
	test "$(login bob bobpass12 -H "X-Forwarded-For: 10.9.9.10")" = 200 &&
	ms=$((($(date +%s%N) - t0) / 1000000)) &&
	echo "10.9.9.10 logged in in $ms ms" &&
	test $ms -lt 1000 &&
	wait &&
	for i in $(seq 12); do cat held.$i; echo; done >held &&
	sort held | uniq -c &&
	test "$(cat held.*.body | grep -c "too many connections")" -ge 4 &&
	# Held or not, each one answered.
	! grep 000 held &&
	grep "10.9.9.9: too many connections" server.log
'

# One /64 is one host to the limits: so it is to guessing.
test_expect_success 'guesses from one IPv6 /64 are counted as one address' '
	test "$(id -u)" = 0 || { echo "not root: no namespace"; return 0; }
	ns=rr6-$$ &&
	test_atexit "ip netns del $ns 2>/dev/null; true" &&
	ip netns add $ns &&
	ip -n $ns link set lo up &&
	for i in $(seq 10)
	do
		ip -n $ns addr add fd00:77::$i/64 dev lo nodad || return 1
	done &&
	{ ip netns exec $ns "$RR" --source test --size 160x120 --fps 5 \
		--listen "[fd00:77::1]:0" --auth-file users >v6.log 2>&1 & } &&
	v6pid=$! &&
	test_atexit "kill $v6pid 2>/dev/null; true" &&
	for i in $(seq 50)
	do
		p=$(sed -n "s/.*listening on \[fd00:77::1\]:\([0-9]*\).*/\1/p" v6.log)
		test -n "$p" && break
		sleep 0.1
	done &&
	test -n "$p" &&
	t=0 &&
	for i in 2 3 4 5 6 7 8
	do
		s=$(secs ip netns exec $ns curl -s -g -o /dev/null --max-time 15 \
			--interface fd00:77::$i -u alice:v6guess$i \
			"http://[fd00:77::1]:$p/state") &&
		echo "guess from fd00:77::$i: $s s" &&
		{ test $i -lt 7 || t=$(echo "$t $s" | awk "{ print \$1 + \$2 }"); } ||
		return 1
	done &&
	echo "guesses 6 and 7: $t s" &&
	awk -v t="$t" "BEGIN { exit !(t >= 2.5) }" &&
	grep "5 failed logins for alice" v6.log &&
	kill $v6pid
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_done
