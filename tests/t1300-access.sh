#!/bin/sh
test_description='access: every endpoint against every way in (nobody, a
wrong password, an unknown user, viewer, admin, session cookies, share
links good, expired, altered and from another secret), SIGHUP, the
brute-force delay, changes from other sites, CORS, Host'
. "$(dirname "$0")/test-lib.sh"

command -v openssl >/dev/null 2>&1 || test_skip_all 'openssl is missing'

# hexbin HEX: the bytes HEX spells.
hexbin () {
	perl -e "print pack(q(H*), q($1))"
}
ID=a1b2c3d4e5f6		# names the links made here in the log
# sign SECRET_HEX SIGNED_HEX: the token, its HMAC appended.
sign () {
	s_m_=$(hexbin "$2" | openssl dgst -sha256 -mac HMAC \
		-macopt "hexkey:$1" | sed "s/.*= *//" | cut -c1-32)
	echo "$2$s_m_"
}
# forge SECRET_HEX EXPIRES MAXQ [VERSION]: a share token made here,
# independently of share.c, by the format doc/security.md documents
# (version 1, or another version laid out as it is).
forge () {
	sign "$1" "$(printf %02x "${4:-1}")$(printf %016x "$2")$(printf %02x "$3")$ID"
}
# camtag NAME: the tag a token names camera NAME by, in hex: the first 4
# bytes of SHA-256 of "camera:NAME".
camtag () {
	printf "camera:%s" "$1" | openssl dgst -sha256 | sed "s/.*= *//" |
		cut -c1-8
}
# forge2 SECRET_HEX EXPIRES MAXQ [CAMERA]: a version 2 token, for CAMERA
# or every one.
forge2 () {
	if test -n "$4"
	then
		f_t_=$(camtag "$4")
	else
		f_t_=00000000
	fi
	sign "$1" "02$(printf %08x "$2")$(printf %02x "$3")$ID$f_t_"
}
# code ARGS...: the status of a curl request, body in body.out.
code () {
	curl -s -o body.out -w "%{http_code}" --max-time 5 "$@"
}
json_post () {
	curl -s -o body.out -w "%{http_code}" -H "Content-Type: application/json" \
		--max-time 5 "$@"
}

test_expect_success 'accounts and share links' '
	printf "alicepass1\n" | "$RR" passwd users alice --role admin &&
	printf "bobpass12\n" | "$RR" passwd users bob &&
	printf "carolpass1\n" | "$RR" passwd users carol &&
	printf "erinpass12\n" | "$RR" passwd users erin --cameras a,door &&
	printf "davepass12\n" | "$RR" passwd users dave --role admin --cameras door &&
	test "$(stat -c %a users)" = 600 &&
	grep -cF "\$pbkdf2-sha256\$100000\$" users >n && test "$(cat n)" = 5 &&
	! grep -q alicepass1 users &&
	"$RR" share --auth-file users --expires 1h --url http://x >link &&
	test "$(stat -c %a users.secret)" = 600 &&
	TOKEN=$(sed -n "s|^http://x/s/\([0-9a-f]*\)/$|\1|p" link) &&
	test ${#TOKEN} = 64 &&
	"$RR" share --auth-file users --expires 1h --camera door \
		--url http://x/ >link &&
	DOOR=$(sed -n "s|^http://x/s/\([0-9a-f]*\)/#/c/door$|\1|p" link) &&
	test ${#DOOR} = 64 &&
	test "$(printf %s "$DOOR" | cut -c25-32)" = "$(camtag door)" &&
	SECRET=$(cat users.secret) &&
	test "$(printf %s "$TOKEN" | cut -c1,2)" = 02 &&
	EXPIRED=$(forge "$SECRET" $(($(date +%s) - 10)) 0) &&
	OTHER=$(forge 0000000000000000000000000000000000000000000000000000000000000000 $(($(date +%s) + 3600)) 0) &&
	FORGED=$(forge "$SECRET" $(($(date +%s) + 3600)) 40) &&
	FORGED2=$(forge2 "$SECRET" $(($(date +%s) + 3600)) 50) &&
	VERSION3=$(forge "$SECRET" $(($(date +%s) + 3600)) 0 3) &&
	last=$(printf %s "$TOKEN" | cut -c64) &&
	case $last in 0) flip=1 ;; *) flip=0 ;; esac &&
	FLIPPED=$(printf %s "$TOKEN" | cut -c1-63)$flip &&
	start_server --source test --size 320x240 --fps 30 --auth-file users
'

test_expect_success 'unit: a token made by share.c checks here, and back' '
	m=$(printf %s "$TOKEN" | cut -c33-64) &&
	want=$(hexbin "$(printf %s "$TOKEN" | cut -c1-32)" |
		openssl dgst -sha256 -mac HMAC -macopt "hexkey:$SECRET" |
		sed "s/.*= *//" | cut -c1-32) &&
	test "$m" = "$want" &&
	# Version 1, from before cameras: still taken.
	test "$(code "$BASE/s/$FORGED/session")" = 200 &&
	jq -e ".max_quality == 40 and .via == \"share\"" body.out &&
	test "$(code "$BASE/s/$FORGED2/session")" = 200 &&
	jq -e ".max_quality == 50 and .via == \"share\"" body.out &&
	test "$(code "$BASE/s/$DOOR/session")" = 200 &&
	# Signed, but of a version this server does not know.
	test "$(code "$BASE/s/$VERSION3/session")" = 403
'

# The ways in: curl arguments for each.
way () {
	case $1 in
	nobody) ;;
	wrong) echo "-u alice:wrongpass" ;;
	unknown) echo "-u mallory:alicepass1" ;;
	viewer) echo "-u bob:bobpass12" ;;
	admin) echo "-u alice:alicepass1" ;;
	cookie-viewer) echo "-b bob.jar" ;;
	cookie-admin) echo "-b alice.jar" ;;
	esac
}
# url WAY PATH: the URL for PATH, behind a share link for link ways.
url () {
	case $1 in
	link) echo "$BASE/s/$TOKEN$2" ;;
	expired) echo "$BASE/s/$EXPIRED$2" ;;
	flipped) echo "$BASE/s/$FLIPPED$2" ;;
	other-secret) echo "$BASE/s/$OTHER$2" ;;
	*) echo "$BASE$2" ;;
	esac
}

test_expect_success 'session cookies for a viewer and an admin' '
	json_post -c bob.jar -d "{\"user\":\"bob\",\"password\":\"bobpass12\"}" \
		"$BASE/login" >code && test "$(cat code)" = 200 &&
	json_post -c alice.jar -d "{\"user\":\"alice\",\"password\":\"alicepass1\"}" \
		"$BASE/login" >code && test "$(cat code)" = 200 &&
	grep -i "httponly.*rerocctv_session" bob.jar &&
	test "$(code -b bob.jar "$BASE/session")" = 200 &&
	jq -e ".user == \"bob\" and .role == \"viewer\" and .via == \"session\"" body.out
'

#            nobody wrong unknown viewer admin c-view c-adm link expired flipped other
MATRIX='
/            200 401 401 200 200 200 200 200 403 403 403
/app.js      200 401 401 200 200 200 200 200 403 403 403
/session     200 401 401 200 200 200 200 200 403 403 403
/state       401 401 401 200 200 200 200 200 403 403 403
/metrics     401 401 401 403 200 403 200 403 403 403 403
/snapshot    401 401 401 200 200 200 200 200 403 403 403
/?action=snapshot 401 401 401 200 200 200 200 200 403 403 403
/stream      401 401 401 200 200 200 200 200 403 403 403
'
WAYS="nobody wrong unknown viewer admin cookie-viewer cookie-admin link expired flipped other-secret"

test_expect_success 'every GET endpoint, every way in: the right status' '
	printf "%s\n" "$MATRIX" | while read path codes
	do
		test -n "$path" || continue
		set -- $codes
		for w in $WAYS
		do
			want=$1; shift
			u=$(url $w "$path")
			got=$(code --max-time 2 $(way $w) "$u")
			# A stream that is let in runs until curl gives up.
			test "$got" = "$want" || { echo "$path $w: $got, want $want"; exit 1; }
			if test "$want" != 200
			then
				# Refused: nothing of a picture in the answer.
				! od -An -tx1 body.out | tr -d " \n" | grep -q ffd8 ||
				{ echo "$path $w: a picture in the refusal"; exit 1; }
				test "$(wc -c <body.out)" -lt 200 ||
				{ echo "$path $w: a long refusal"; exit 1; }
			fi
		done
	done
'

test_expect_success '401 challenges Basic; a refusal streams nothing' '
	curl -s -D head -o body.out "$BASE/stream" &&
	tr -d "\r" <head | grep "^WWW-Authenticate: Basic realm=\"rerocctv\", charset=\"UTF-8\"$" &&
	test "$(wc -c <body.out)" -lt 200
'

test_expect_success 'WebSocket: nobody 401, viewer, cookie and link 101' '
	"$WSC" ws -T 2 "$WSBASE/websocket/80" >out &&
	test "$(head -n 1 out)" = "status 401" &&
	"$WSC" ws -T 2 --frames 1 "ws://bob:bobpass12@127.0.0.1:$PORT/websocket/80" >out;
	test "$(head -n 1 out)" = "status 101" &&
	"$WSC" ws -T 2 --frames 1 "$WSBASE/s/$TOKEN/websocket/80" >out &&
	test "$(head -n 1 out)" = "status 101" && grep "^binary" out &&
	"$WSC" ws -T 2 "$WSBASE/s/$FLIPPED/websocket/80" >out &&
	test "$(head -n 1 out)" = "status 403" && ! grep "^binary" out &&
	"$WSC" ws -T 2 "$WSBASE/s/$EXPIRED/websocket/80" >out &&
	test "$(head -n 1 out)" = "status 403" && grep expired out
'

test_expect_success 'a link capped at q40 serves at most q40' '
	"$WSC" load -f 5 "$WSBASE/s/$FORGED/websocket/90" >out &&
	test "$(kv q <out)" = 40 &&
	"$WSC" load -f 5 "$BASE/s/$FORGED/stream?quality=95" >out &&
	test "$(kv q <out)" = 40 &&
	"$WSC" load -f 5 "$WSBASE/s/$FORGED/websocket/source" >out &&
	test "$(kv q <out)" = 40 &&
	"$WSC" load -f 5 "$BASE/s/$FORGED/stream?quality=source" >out &&
	test "$(kv q <out)" = 40
'

test_expect_success 'POST /share: admin only, JSON only, not from another site' '
	test "$(json_post -u alice:alicepass1 -d "{\"expires\":\"2h\"}" "$BASE/share")" = 200 &&
	jq -e ".path | test(\"^/s/[0-9a-f]{64}/$\")" body.out &&
	test "$(json_post -u bob:bobpass12 -d "{}" "$BASE/share")" = 403 &&
	test "$(json_post -d "{}" "$BASE/share")" = 401 &&
	test "$(json_post -d "{}" "$BASE/s/$TOKEN/share")" = 403 &&
	test "$(code -u alice:alicepass1 -H "Content-Type: text/plain" -d "{}" "$BASE/share")" = 415 &&
	test "$(code -u alice:alicepass1 -d "expires=1h" "$BASE/share")" = 415 &&
	test "$(json_post -u alice:alicepass1 -H "Origin: http://evil.example" -d "{}" "$BASE/share")" = 403 &&
	test "$(json_post -u alice:alicepass1 -H "Sec-Fetch-Site: cross-site" -d "{}" "$BASE/share")" = 403 &&
	test "$(json_post -u alice:alicepass1 -H "Origin: http://127.0.0.1:$PORT" -d "{}" "$BASE/share")" = 200 &&
	test "$(json_post -u alice:alicepass1 -d "{\"expires\":\"10y\"}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"max_quality\":100}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"max_quality\":96}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"max_quality\":29}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"max_quality\":95}" "$BASE/share")" = 200 &&
	test "$(code -u alice:alicepass1 "$BASE/share")" = 405
'

# The server this test runs has one camera, and no camera named door
# (until it is told names, none at all).
test_expect_success 'POST /share: a camera or every one; a limited admin only his' '
	test "$(json_post -u alice:alicepass1 -d "{}" "$BASE/share")" = 200 &&
	jq -e ".camera == null" body.out &&
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":null}" "$BASE/share")" = 200 &&
	jq -e ".camera == null" body.out &&
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":\"Door\"}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":\"\"}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":7}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":\"$(printf %033d 0)\"}" "$BASE/share")" = 400 &&
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":\"door\"}" "$BASE/share")" = 400 &&
	grep "no camera of that name" body.out &&
	test "$(json_post -u dave:davepass12 -d "{}" "$BASE/share")" = 403 &&
	grep "name a camera" body.out &&
	test "$(json_post -u dave:davepass12 -d "{\"camera\":\"garden\"}" "$BASE/share")" = 403 &&
	grep "may not see this camera" body.out &&
	test "$(json_post -u dave:davepass12 -d "{\"camera\":\"door\"}" "$BASE/share")" = 400
'

test_expect_success '/session: the cameras one may see, null for every one' '
	test "$(code -u alice:alicepass1 "$BASE/session")" = 200 &&
	jq -e ".cameras == null" body.out &&
	test "$(code -u dave:davepass12 "$BASE/session")" = 200 &&
	jq -e ".role == \"admin\" and (.cameras | type == \"array\")" body.out &&
	test "$(code "$BASE/s/$DOOR/session")" = 200 &&
	jq -e ".cameras | type == \"array\"" body.out &&
	test "$(code "$BASE/s/$FORGED/session")" = 200 &&
	jq -e ".cameras == null" body.out &&
	test "$(code "$BASE/session")" = 200 &&
	jq -e ".user == null and .cameras == null" body.out
'

test_expect_success 'a cross-site login or logout is refused' '
	test "$(json_post -H "Origin: http://evil.example" -d "{\"user\":\"bob\",\"password\":\"bobpass12\"}" "$BASE/login")" = 403 &&
	test "$(code -H "Content-Type: text/plain" -d "{\"user\":\"bob\",\"password\":\"bobpass12\"}" "$BASE/login")" = 415 &&
	test "$(code -d "user=bob&password=bobpass12" "$BASE/login")" = 415 &&
	test "$(json_post -H "Origin: http://evil.example" -b bob.jar -d "{}" "$BASE/logout")" = 403
'

test_expect_success '/state shows addresses to an admin only' '
	{ "$WSC" load -t 3 "ws://bob:bobpass12@127.0.0.1:$PORT/websocket/40" >/dev/null & } &&
	sleep 1 &&
	test "$(code -u alice:alicepass1 "$BASE/state")" = 200 &&
	jq -e ".clients[0].peer | test(\"^127.0.0.1:\")" body.out &&
	jq -e ".clients[0].user == \"bob\"" body.out &&
	test "$(code -u bob:bobpass12 "$BASE/state")" = 200 &&
	jq -e ".clients[0] | has(\"peer\") | not" body.out &&
	jq -e ".clients[0] | has(\"user\") | not" body.out &&
	test "$(code "$BASE/s/$TOKEN/state")" = 200 &&
	! grep -q "127.0.0.1" body.out &&
	wait
'

test_expect_success 'who watched: a line at the start and the end' '
	grep "127.0.0.1: bob: websocket q40 started" server.log &&
	grep -E "127.0.0.1: bob: websocket q40 ended after [0-9]+ s, [0-9]+ bytes" server.log &&
	grep -E "127.0.0.1: share:a1b2c3d4e5f6: websocket q40 started" server.log
'

test_expect_success 'logout ends the session' '
	cp bob.jar bob2.jar &&
	test "$(json_post -b bob.jar -c bob.jar -d "{}" "$BASE/logout")" = 200 &&
	test "$(code -b bob2.jar "$BASE/state")" = 401
'

test_expect_success 'logout ends the streams of that session within a second' '
	json_post -c dave.jar -d "{\"user\":\"bob\",\"password\":\"bobpass12\"}" "$BASE/login" >code &&
	cookie=$(awk "/rerocctv_session/ { print \$7 }" dave.jar) &&
	{ "$WSC" ws -T 5 -H "Cookie: rerocctv_session=$cookie" \
		"$WSBASE/websocket/30" >dave.ws & } &&
	sleep 1 &&
	test "$(json_post -b dave.jar -d "{}" "$BASE/logout")" = 200 &&
	wait &&
	grep "^status 101" dave.ws &&
	grep "^close 1008 access revoked" dave.ws
'

test_expect_success 'a share link ends its stream when it expires' '
	SOON=$(forge "$SECRET" $(($(date +%s) + 3)) 0) &&
	{ "$WSC" ws -T 8 "$WSBASE/s/$SOON/websocket/30" >soon.ws & } &&
	wait &&
	grep "^status 101" soon.ws &&
	grep "^close 1008 access revoked" soon.ws &&
	test "$(code "$BASE/s/$SOON/state")" = 403 &&
	grep "expired" body.out
'

test_expect_success 'SIGHUP after removing a user ends their streams, not others' '
	json_post -c carol.jar -d "{\"user\":\"carol\",\"password\":\"carolpass1\"}" "$BASE/login" >code &&
	test "$(cat code)" = 200 &&
	{ "$WSC" ws -T 6 "ws://carol:carolpass1@127.0.0.1:$PORT/websocket/30" >carol.ws & } &&
	{ "$WSC" load -t 5 "ws://bob:bobpass12@127.0.0.1:$PORT/websocket/30" >bob.out & } &&
	{ "$WSC" load -t 5 "$WSBASE/s/$TOKEN/websocket/30" >link.out & } &&
	sleep 1.5 &&
	sed -i "/^carol:/d" users &&
	kill -HUP $SERVER_PID &&
	sleep 1 &&
	test "$(code -b carol.jar "$BASE/state")" = 401 &&
	test "$(code -u carol:carolpass1 "$BASE/state")" = 401 &&
	wait &&
	grep "^close 1008 access revoked" carol.ws &&
	test "$(kv errors <bob.out)" = 0 &&
	test "$(kv errors <link.out)" = 0 &&
	grep "access ended for 1 connection$" server.log
'

test_expect_success 'passwd: --cameras sets the list, keeps it, all clears it' '
	grep -q "^erin:viewer:\$pbkdf2-sha256\$[^:]*:a,door$" users &&
	printf "erinpass12\n" | "$RR" passwd users erin --role admin &&
	grep -q "^erin:admin:[^:]*:a,door$" users &&
	test_must_fail "$RR" passwd users erin --cameras a,Door </dev/null 2>err &&
	grep "cameras a,Door: a camera.s name must be 1 to 32 of a-z 0-9 -" err &&
	test_must_fail "$RR" passwd users erin --cameras a,a </dev/null 2>err &&
	grep "named twice" err &&
	grep -q "^erin:admin:[^:]*:a,door$" users &&
	printf "erinpass12\n" | "$RR" passwd users erin --cameras all &&
	grep -q "^erin:admin:[^:]*$" users &&
	printf "erinpass12\n" | "$RR" passwd users erin --role viewer --cameras test,door &&
	grep -q "^erin:viewer:[^:]*:test,door$" users &&
	test_must_fail "$RR" share --auth-file users --camera Door 2>err &&
	grep "camera Door: a camera.s name is 1 to 32 of a-z 0-9 -" err
'

test_expect_success 'SIGHUP after changing a user'"'"'s cameras ends their session and streams' '
	kill -HUP $SERVER_PID &&
	json_post -c erin.jar -d "{\"user\":\"erin\",\"password\":\"erinpass12\"}" "$BASE/login" >code &&
	test "$(cat code)" = 200 &&
	{ "$WSC" ws -T 6 "ws://erin:erinpass12@127.0.0.1:$PORT/websocket/30" >erin.ws & } &&
	sleep 1.5 &&
	# Her cameras only, not her password (passwd would salt it anew).
	sed -i "s/^\(erin:viewer:[^:]*\):test,door$/\1:test/" users &&
	grep -q "^erin:viewer:[^:]*:test$" users &&
	kill -HUP $SERVER_PID &&
	sleep 1 &&
	test "$(code -b erin.jar "$BASE/state")" = 401 &&
	wait &&
	grep "^close 1008 access revoked" erin.ws
'

test_expect_success 'rotating the secret revokes every link' '
	{ "$WSC" ws -T 5 "$WSBASE/s/$TOKEN/websocket/30" >link.ws & } &&
	sleep 1 &&
	rm users.secret &&
	printf "%064d\n" 7 >users.secret && chmod 600 users.secret &&
	kill -HUP $SERVER_PID &&
	wait &&
	grep "^close 1008" link.ws &&
	test "$(code "$BASE/s/$TOKEN/state")" = 403
'

test_expect_success 'a bad auth file is refused at start with its line' '
	printf "alice:admin:nohash\n" >bad && chmod 600 bad &&
	test_must_fail "$RR" --source test --listen 127.0.0.1:0 --auth-file bad 2>err &&
	grep "bad:1: the hash must be" err &&
	cp users open && chmod 644 open &&
	test_must_fail "$RR" --source test --listen 127.0.0.1:0 --auth-file open 2>err &&
	grep "open: others may read or write it (mode 644)" err &&
	printf "# comment\n\nbob:root:x\n" >bad &&
	test_must_fail "$RR" --source test --listen 127.0.0.1:0 --auth-file bad 2>err &&
	grep "bad:3: the role must be viewer or admin" err &&
	sed -n "s/^\(bob:viewer:[^:]*\)$/\1:a,,b/p" users >bad &&
	test_must_fail "$RR" --source test --listen 127.0.0.1:0 --auth-file bad 2>err &&
	grep "bad:1: a camera.s name must be" err
'

test_expect_success 'a bad auth file on SIGHUP keeps the old one' '
	cp users users.good &&
	echo "garbage" >>users &&
	kill -HUP $SERVER_PID &&
	sleep 0.5 &&
	grep "reload: users:[0-9]*: expected NAME:ROLE:HASH\\[:CAMERAS\\] (keeping" server.log &&
	test "$(code -u bob:bobpass12 "$BASE/state")" = 200 &&
	cp users.good users
'

test_expect_success 'brute force: after 5 failures answers slow down, others unaffected' '
	i=0 &&
	while test $i -lt 5
	do
		test "$(code --interface 127.0.0.2 -u alice:guess$i "$BASE/state")" = 401 || return 1
		i=$((i + 1))
	done &&
	t0=$(date +%s%N) &&
	test "$(code --interface 127.0.0.2 -u alice:guess9 "$BASE/state")" = 401 &&
	t1=$(date +%s%N) &&
	ms=$(((t1 - t0) / 1000000)) &&
	echo "the 6th failure took $ms ms" &&
	test $ms -ge 900 &&
	t0=$(date +%s%N) &&
	test "$(code -u bob:bobpass12 "$BASE/state")" = 200 &&
	t1=$(date +%s%N) &&
	test $(((t1 - t0) / 1000000)) -lt 500 &&
	grep -c "127.0.0.2: 5 failed logins for alice: answering it slowly" server.log >n &&
	test "$(cat n)" = 1
'

test_expect_success 'an unknown user costs the same as a wrong password' '
	for u in "alice:nope-$$-1" "nobody$$:nope-1" "alice:nope-$$-2" "nobody$$:nope-2"
	do
		curl -s -o /dev/null -w "%{time_total}\n" -u "$u" "$BASE/state"
	done >times &&
	cat times &&
	awk "NR % 2 == 1 { k += \$1 } NR % 2 == 0 { u += \$1 }
		END { r = u / k; print \"unknown / known:\", r; exit !(r > 0.5 && r < 2) }" times
'

test_expect_success 'Host: addresses, localhost and our name; others 421' '
	test "$(code -H "Host: evil.example" "$BASE/")" = 421 &&
	test "$(code -H "Host: evil.example:$PORT" -u bob:bobpass12 "$BASE/state")" = 421 &&
	test "$(code -H "Host: 127.0.0.1.evil.example" "$BASE/")" = 421 &&
	test "$(code -H "Host: localhost.evil.example" "$BASE/")" = 421 &&
	test "$(code -H "Host: localhostx" "$BASE/")" = 421 &&
	test "$(code -H "Host: $(hostname).evil.example" "$BASE/")" = 421 &&
	test "$(code -H "Host: $(hostname)x.local" "$BASE/")" = 421 &&
	test "$(code -H "Host: localhost" "$BASE/")" = 200 &&
	test "$(code -H "Host: LOCALHOST.:$PORT" "$BASE/")" = 200 &&
	test "$(code -H "Host: [::1]:$PORT" "$BASE/")" = 200 &&
	test "$(code -H "Host: 10.1.2.3" "$BASE/")" = 200 &&
	test "$(code -H "Host: $(hostname)" "$BASE/")" = 200 &&
	test "$(code -H "Host: $(hostname).local:$PORT" "$BASE/")" = 200 &&
	"$WSC" ws -T 1 "ws://127.0.0.1:$PORT/websocket/80" >/dev/null &&
	req "GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 421 Misdirected Request"
'

test_expect_success '--allow-host names another; a foreign Origin gets no CORS' '
	start_server --source test --size 320x240 --fps 30 \
		--allow-host cam.example --allow-origin http://app.example:5173 &&
	test "$(code -H "Host: cam.example" "$BASE/state")" = 200 &&
	test "$(code -H "Host: cam.example.org" "$BASE/state")" = 421 &&
	curl -s -D head -o /dev/null -H "Origin: http://evil.example" "$BASE/state" &&
	! grep -i "^access-control" head &&
	curl -s -D head -o /dev/null -H "Origin: http://app.example:5173" "$BASE/state" &&
	tr -d "\r" <head | grep "^Access-Control-Allow-Origin: http://app.example:5173$" &&
	tr -d "\r" <head | grep "^Vary: Origin$" &&
	curl -s -D head -o /dev/null --max-time 1 "$BASE/stream";
	! grep -i "^access-control" head
'

test_expect_success 'open server: everything open, /state without addresses' '
	{ "$WSC" load -t 2 "$WSBASE/websocket/40" >/dev/null & } &&
	sleep 1 &&
	test "$(code "$BASE/metrics")" = 200 &&
	test "$(code "$BASE/state")" = 200 &&
	jq -e ".clients | length == 1 and (.[0] | has(\"peer\") | not)" body.out &&
	test "$(code "$BASE/session")" = 200 &&
	jq -e ".accounts == false and .exposed == false" body.out &&
	wait
'

test_expect_success 'ffmpeg reads /stream with user:pass in the URL' '
	start_server --source test --size 320x240 --fps 30 --auth-file users &&
	timeout 30 ffmpeg -nostdin -loglevel error \
		-i "http://bob:bobpass12@127.0.0.1:$PORT/stream" \
		-frames:v 10 -f null - &&
	test_must_fail timeout 30 ffmpeg -nostdin -loglevel error \
		-i "http://bob:wrong@127.0.0.1:$PORT/stream" \
		-frames:v 10 -f null -
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_done
