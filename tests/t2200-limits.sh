#!/bin/sh
test_description='fair share: limits per server and per address, eviction of
idle heads, the fd budget, the encode budget, and memory that stays flat
whatever 200 hostile clients do'
. "$(dirname "$0")/test-lib.sh"

HOSTILE=$TESTS_DIR/hostile

rss_kb () {
	sed -n "s/^VmRSS:[^0-9]*\([0-9]*\) kB$/\1/p" "/proc/$SERVER_PID/status"
}
# ms_snapshot ADDR: milliseconds for a /snapshot from source address ADDR.
ms_snapshot () {
	curl -s -o snap.jpg --interface "$1" -w "%{http_code} %{time_total}\n" \
		"$BASE/snapshot?quality=50" >t &&
	cat t >&2 &&
	test "$(cut -d" " -f1 t)" = 200 &&
	awk "{ printf \"%d\n\", \$2 * 1000 }" t
}
# encodes_per_frame SECS: source frames and encodes over SECS seconds,
# as "encodes/frame".
encodes_per_frame () {
	curl -sf "$BASE/state" >s0.json &&
	sleep "$1" &&
	curl -sf "$BASE/state" >s1.json &&
	jq -rn --slurpfile a s0.json --slurpfile b s1.json \
		'(($b[0].source.encoded - $a[0].source.encoded) /
		  ($b[0].source.seq - $a[0].source.seq)) * 100 | floor / 100'
}

test_expect_success 'a second loopback address exists' '
	curl -s -o /dev/null --interface 127.0.0.2 http://127.0.0.1:1/ ;
	test $? != 45 || test_skip_all "cannot bind 127.0.0.2"
'

test_expect_success 'start with the default limits' '
	start_server --source test --size 320x240 --fps 30
'

test_expect_success '500 idle connections from one host do not delay another' '
	{ "$HOSTILE" idle -n 500 -t 6 127.0.0.1:$PORT >idle.out & } &&
	sleep 2 &&
	ms=$(ms_snapshot 127.0.0.2) &&
	echo "snapshot from 127.0.0.2 with 500 idle connections: $ms ms" &&
	test "$ms" -lt 1000 &&
	curl -sf "$BASE/state" >state.json &&
	jq -e ".connections <= 64 + 64 + 2" state.json &&
	wait &&
	cat idle.out &&
	test "$(kv closed <idle.out)" -ge 400 &&
	test "$(kv answered <idle.out)" -ge 400
'

test_expect_success 'half-sent heads are evicted the same way' '
	{ "$HOSTILE" idle --partial -n 300 -t 4 127.0.0.1:$PORT >idle.out & } &&
	sleep 1.5 &&
	ms=$(ms_snapshot 127.0.0.2) &&
	test "$ms" -lt 1000 &&
	ms=$(ms_snapshot 127.0.0.1) &&
	echo "from the flooding address itself: $ms ms" &&
	test "$ms" -lt 1000 &&
	wait
'

# wait_conns N: until the server holds N client connections (seen from
# its fds, so that asking does not add one).
wait_conns () {
	wc_n_=50
	until test "$(($(nfds) - base_fds))" -ge "$1" || test $wc_n_ = 0
	do
		sleep 0.1
		wc_n_=$((wc_n_ - 1))
	done
	test "$(($(nfds) - base_fds))" -ge "$1"
}

test_expect_success 'per address: streams are kept, the new one gets 503' '
	stop_server &&
	start_server --source test --size 320x240 --fps 30 --max-per-ip 3 &&
	base_fds=$(nfds) &&
	{ "$WSC" load -n 3 -t 4 "$WSBASE/websocket/40" >three.out & } &&
	wait_conns 3 && sleep 0.5 &&
	curl -s -o out -w "%{http_code}" "$BASE/state" >code &&
	test "$(cat code)" = 503 &&
	grep "too many connections" out &&
	test "$(curl -s -o /dev/null --interface 127.0.0.2 -w "%{http_code}" \
		"$BASE/state")" = 200 &&
	wait &&
	cat three.out &&
	test "$(kv connected <three.out)" = 3 &&
	test "$(kv errors <three.out)" = 0
'

test_expect_success 'per address: the oldest head idle past the grace period makes room' '
	{ "$HOSTILE" idle -n 2 -t 5 127.0.0.1:$PORT >old.out & } &&
	wait_conns 2 &&
	sleep 1.2 &&
	{ "$HOSTILE" idle -n 1 -t 3.5 127.0.0.1:$PORT >mid.out & } &&
	wait_conns 3 &&
	sleep 1.2 &&
	"$HOSTILE" idle -n 2 -t 1 127.0.0.1:$PORT >new.out &&
	wait &&
	cat old.out mid.out new.out &&
	test "$(kv closed <old.out)" = 2 &&
	test "$(kv answered <old.out)" = 2 &&
	test "$(kv closed <mid.out)" = 0 &&
	test "$(kv closed <new.out)" = 0
'

test_expect_success 'per address: heads just opened are kept, the newest told 503' '
	{ "$HOSTILE" idle -n 3 -t 3 127.0.0.1:$PORT >old.out & } &&
	wait_conns 3 &&
	"$HOSTILE" idle -n 2 -t 1 127.0.0.1:$PORT >new.out &&
	wait &&
	cat old.out new.out &&
	test "$(kv closed <old.out)" = 0 &&
	test "$(kv closed <new.out)" = 2 &&
	test "$(kv answered <new.out)" = 2
'

test_expect_success 'per server: streams are kept, another address gets 503' '
	stop_server &&
	start_server --source test --size 320x240 --fps 30 --max-clients 4 &&
	base_fds=$(nfds) &&
	{ "$WSC" load -n 4 -t 8 "$WSBASE/websocket/40" >four.out & } &&
	wait_conns 4 && sleep 0.5 &&
	test "$(curl -s -m 5 -o /dev/null --interface 127.0.0.2 \
		-w "%{http_code}" "$BASE/state")" = 503 &&
	wait &&
	test "$(kv errors <four.out)" = 0
'

test_expect_success 'per server: idle heads of any address make room' '
	{ "$HOSTILE" idle -n 4 -t 6 127.0.0.1:$PORT >idle.out & } &&
	wait_conns 4 &&
	sleep 1.2 &&
	test "$(curl -s -m 5 -o /dev/null --interface 127.0.0.2 \
		-w "%{http_code}" "$BASE/state")" = 200 &&
	wait &&
	test "$(kv closed <idle.out)" = 1
'

test_expect_success '--max-clients beyond the hard fd limit refuses to start' '
	stop_server &&
	test_must_fail sh -c "ulimit -n 200 && \"$RR\" --source test \
		--listen 127.0.0.1:0 --max-clients 1000" 2>err &&
	cat err &&
	grep "max-clients 1000 needs .* file descriptors" err &&
	grep "hard limit is 200" err
'

test_expect_success 'the soft fd limit is raised to what --max-clients needs' '
	hard=$(ulimit -Hn) &&
	{ test "$hard" = unlimited || test "$hard" -ge 700; } ||
		{ echo "hard limit $hard: nothing to test"; return 0; }
	( ulimit -Sn 100 && exec "$RR" --source test --listen 127.0.0.1:0 \
		--max-clients 600 >raise.log 2>&1 ) &
	pid=$! &&
	n=0 &&
	until grep -q listening raise.log || test $n = 50
	do
		sleep 0.1
		n=$((n + 1))
	done &&
	soft=$(awk "/Max open files/ { print \$4 }" /proc/$pid/limits) &&
	kill $pid &&
	wait $pid &&
	echo "soft limit now $soft" &&
	test "$soft" -ge 600
'

test_expect_success '29 rungs asked at once cost at most --max-rungs encodes' '
	start_server --source test --size 320x240 --fps 30 --max-rungs 5 \
		--max-per-ip 100 --max-rungs-per-ip 0 &&
	for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
	do
		{ "$WSC" load -t 5 "$WSBASE/websocket/$q" >q$q.out & } &&
		{ "$WSC" load -t 5 "$WSBASE/websocket/h$q" >h$q.out & } ||
		return 1
	done &&
	{ "$WSC" load -t 5 "$WSBASE/websocket/source" >src.out & } &&
	state_until ".clients | length == 29" &&
	jq -e ".max_rungs == 5 and (.encoder | length) == 5" state.json &&
	jq -e ".merged | length == 24" state.json &&
	e=$(encodes_per_frame 2) &&
	echo "encodes per source frame: $e" &&
	awk -v e="$e" "BEGIN { exit !(e > 4.5 && e <= 5) }" &&
	wait &&
	for f in q*.out h*.out src.out
	do
		test "$(kv errors <$f)" = 0 &&
		kv fps <$f | between 25 33 || return 1
	done &&
	# Every client is served a rung being encoded: its own, or, merged,
	# the one /state names (the frames say which: asked vs rung).
	# s1.json: /state two seconds into the run, every client served.
	jq -e "[.encoder[].rung] as \$enc | .clients | length == 29 and
		all(.rung as \$r | \$enc | index(\$r) != null)" s1.json &&
	jq -e "[.encoder[].rung] as \$enc | .merged |
		all(.served as \$r | \$enc | index(\$r) != null)" s1.json &&
	jq -e ".clients | map(select(.asked != .rung)) | length == 24" \
		s1.json
'

test_expect_success 'a merged rung gets its own again when the budget frees' '
	{ "$WSC" load -t 6 "$WSBASE/websocket/30" >a.out & } &&
	{ "$WSC" load -t 6 "$WSBASE/websocket/40" >b.out & } &&
	{ "$WSC" load -t 6 "$WSBASE/websocket/50" >c.out & } &&
	{ "$WSC" load -t 6 "$WSBASE/websocket/60" >d.out & } &&
	{ "$WSC" load -t 6 "$WSBASE/websocket/70" >e.out & } &&
	state_until ".clients | length == 5" &&
	{ "$WSC" load -t 3 "$WSBASE/websocket/90" >f.out & } &&
	sleep 1 &&
	state_until ".merged | map(.rung) == [\"q90\"]" &&
	jq -e ".merged[0].served == \"q70\"" state.json &&
	wait $! &&
	test "$(kv q <f.out)" = 70 &&
	{ "$WSC" load -t 2 "$WSBASE/websocket/90" >g.out & } &&
	sleep 0.5 &&
	kill %1 2>/dev/null;
	wait &&
	grep -q "(--max-rungs 5)" server.log
'

test_expect_success 'nothing is encoded while nobody watches' '
	state_until ".clients == [] and .encoder == []" &&
	e0=$(jq .source.encoded state.json) &&
	sleep 1 &&
	curl -sf "$BASE/state" >state.json &&
	test "$(jq .source.encoded state.json)" = "$e0"
'

test_expect_success '200 hostile clients of every kind: memory stays flat' '
	stop_server &&
	start_server --source test --size 640x480 --fps 30 --max-per-ip 1000 \
		--stall-timeout 3 --timeout 3 &&
	rss0=$(rss_kb) &&
	fd0=$(nfds) &&
	# Each kind alone is in make soak; here ping and text floods, and
	# the mix of all of them, 200 connections each.
	for kind in ping text mix
	do
		{ "$HOSTILE" flood -n 200 -t 5 -k $kind 127.0.0.1:$PORT \
			>flood.$kind & } &&
		sleep 2 &&
		rss1=$(rss_kb) &&
		sleep 2.5 &&
		rss2=$(rss_kb) &&
		echo "$kind: rss $rss0 -> $rss1 -> $rss2 kB" &&
		{ test -n "$RR_MEMCHECK" || test "$rss2" -lt $((rss0 + 8192)); } &&
		{ test -n "$RR_MEMCHECK" || test "$rss2" -lt $((rss1 + 2048)); } &&
		wait $! || return 1
	done &&
	"$WSC" load -t 2 "$WSBASE/websocket/80" >live &&
	test "$(kv errors <live)" = 0 &&
	fds_back $fd0
'

# Many viewers from one address at once (a wall display, an office
# behind one NAT, a load test): each is served or told so, never dropped.
test_expect_success 'a burst of 40 from one address: each one answered' '
	stop_server &&
	start_server --source test --size 320x240 --fps 30 --max-per-ip 32 &&
	"$HOSTILE" burst -n 40 127.0.0.1:$PORT >burst.out &&
	cat burst.out &&
	test "$(kv silent <burst.out)" = 0 &&
	test "$(kv answered <burst.out)" = 40 &&
	test "$(kv codes <burst.out)" = "200:32,503:8" &&
	test "$(grep -c "too many connections" server.log)" -le 2
'

test_expect_success '50 WebSocket viewers at once, default options: all 101' '
	stop_server &&
	start_server --source test --size 320x240 --fps 30 &&
	"$WSC" load -n 50 -f 20 "$WSBASE/websocket/auto" >fifty.out &&
	cat fifty.out &&
	test "$(kv connected <fifty.out)" = 50 &&
	test "$(kv errors <fifty.out)" = 0 &&
	kv first_max <fifty.out | between 0 3000
'

test_expect_success '28 rungs from one address cost at most 3 encodes' '
	stop_server &&
	start_server --source test --size 320x240 --fps 30 --max-per-ip 100 &&
	for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
	do
		{ "$WSC" load -t 6 "$WSBASE/websocket/$q" >q$q.out & } &&
		{ "$WSC" load -t 6 "$WSBASE/websocket/h$q" >h$q.out & } ||
		return 1
	done &&
	state_until ".clients | length == 28" &&
	sleep 1 &&
	e=$(encodes_per_frame 2) &&
	echo "encodes per source frame: $e" &&
	awk -v e="$e" "BEGIN { exit !(e <= 3.05) }" &&
	jq -e "[.clients[] | select(.address_capped)] | length == 25" \
		s1.json &&
	jq -e "[.clients[].rung] | unique | length == 3" s1.json &&
	test "$(grep -c "asks for more than 3 rungs" server.log)" -le 2 &&
	wait &&
	for f in q*.out h*.out
	do
		test "$(kv errors <$f)" = 0 &&
		kv fps <$f | between 25 33 || return 1
	done
'

test_expect_success 'the cap is per address: 28 addresses get 28 rungs' '
	for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
	do
		{ "$WSC" load -t 6 --bind 127.0.0.$((q / 5)) \
			"$WSBASE/websocket/$q" >q$q.out & } &&
		{ "$WSC" load -t 6 --bind 127.0.1.$((q / 5)) \
			"$WSBASE/websocket/h$q" >h$q.out & } ||
		return 1
	done &&
	state_until ".clients | length == 28" &&
	sleep 1 &&
	e=$(encodes_per_frame 2) &&
	echo "encodes per source frame: $e" &&
	jq -e "[.clients[] | select(.address_capped)] | length == 0" s1.json &&
	awk -v e="$e" "BEGIN { exit !(e > 3.5) }" &&
	wait
'

test_expect_success 'a capped address gets its own rungs back when another leaves' '
	{ "$WSC" load -t 4 --bind 127.0.0.9 "$WSBASE/websocket/60" >x.out & } &&
	{ "$WSC" load -t 4 --bind 127.0.0.9 "$WSBASE/websocket/70" >y.out & } &&
	{ "$WSC" load -t 4 --bind 127.0.0.9 "$WSBASE/websocket/80" >z.out & } &&
	state_until ".clients | length == 3" &&
	{ "$WSC" load -t 8 --bind 127.0.0.9 "$WSBASE/websocket/95" >w.out & } &&
	state_until "[.clients[] | select(.address_capped)] | length == 1" &&
	state_until ".clients | length == 1" &&
	state_until ".clients[0].rung == \"q95\" and
		(.clients[0].address_capped | not)" &&
	wait
'

test_expect_success 'the budget says why, in the present' '
	state_until ".budget_why | test(\"keeps|fell|busy|trying\")"
'

test_expect_success 'an unwatched rung lets its last frame go' '
	state_until ".clients == [] and .source.frames_alive == 0"
'

test_expect_success 'rerocctv.v1 error replies are rate-limited' '
	specs= &&
	i=0 &&
	while test $i -lt 50
	do
		specs="$specs text:bad"
		i=$((i + 1))
	done &&
	"$WSC" ws -T 1.5 --protocol rerocctv.v1 "$WSBASE/websocket/30" \
		$specs >out &&
	n=$(grep -c "^text .*\"error\"" out) &&
	echo "$n error replies to 50 bad messages" &&
	test "$n" -ge 1 && test "$n" -le 4
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_done
