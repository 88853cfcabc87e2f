#!/bin/sh
test_description='delivery: frame rate, sizes, many clients, stalls, fds'
. "$(dirname "$0")/test-lib.sh"

# ok_load FILE: a load summary with no failure in it.
ok_load () {
	test "$(kv invalid <"$1")" = 0 &&
	test "$(kv errors <"$1")" = 0 &&
	test "$(kv clients <"$1")" = "$(kv connected <"$1")"
}
# rss_kb prints the server's resident set in kB.
rss_kb () {
	sed -n "s/^VmRSS:[^0-9]*\([0-9]*\) kB$/\1/p" "/proc/$SERVER_PID/status"
}
test_expect_success 'a 15 fps source delivers about 15 fps' '
	start_server --source test --size 320x240 --fps 15 &&
	"$WSC" load -t 3 --decode "$WSBASE/websocket/70" >out &&
	ok_load out &&
	kv fps <out | between 12 17
'

# These are about delivery: a fixed budget of 8 rungs keeps every quality
# asked for its own, where the CPU budget would merge rungs on a machine
# busy with other work (t2300 tests that), and every client comes from
# one address, which may otherwise cause only 3 (t2200 tests that).
test_expect_success 'a 30 fps source delivers about 30 fps, valid JPEGs' '
	start_server --source test --size 640x480 --fps 30 --max-rungs 8 \
		--max-rungs-per-ip 0 &&
	"$WSC" load -t 3 --decode "$WSBASE/websocket/70" >out &&
	ok_load out &&
	test "$(kv w <out)" = 640 && test "$(kv h <out)" = 480 &&
	kv fps <out | between 25 33 &&
	"$WSC" load -t 2 --decode "$BASE/stream?quality=70" >out &&
	ok_load out &&
	kv fps <out | between 25 33
'

test_expect_success 'lower quality gives smaller frames' '
	for q in 30 60 90
	do
		"$WSC" load -f 15 "$WSBASE/websocket/$q" >q$q &&
		test "$(kv q <q$q)" = $q || return 1
	done &&
	test "$(kv avg_size <q30)" -lt "$(kv avg_size <q60)" &&
	test "$(kv avg_size <q60)" -lt "$(kv avg_size <q90)"
'

test_expect_success '30 clients at 5 qualities all get the full rate' '
	for q in 30 45 60 75 90
	do
		{ "$WSC" load -n 6 -t 4 "$WSBASE/websocket/$q" >many$q & } ||
		return 1
	done &&
	wait &&
	prev=0 &&
	for q in 30 45 60 75 90
	do
		cat many$q &&
		ok_load many$q &&
		test "$(kv clients <many$q)" = 6 &&
		test "$(kv q <many$q)" = $q &&
		kv fps_min <many$q | between 25 33 &&
		size=$(kv avg_size <many$q) &&
		test "$size" -gt "$prev" &&
		prev=$size || return 1
	done &&
	state_until ".clients == []"
'

test_expect_success 'stalled clients do not slow a live one, memory bounded' '
	rss0=$(rss_kb) &&
	stalls= &&
	for u in websocket/90 websocket/90 websocket/95 websocket/auto \
		websocket/85 stream?quality=90
	do
		case $u in
		stream*) url=$BASE/$u ;;
		*) url=$WSBASE/$u ;;
		esac &&
		{ "$WSC" load --stall -t 12 "$url" >/dev/null 2>&1 & } &&
		stalls="$stalls $!" || return 1
	done &&
	"$WSC" load -t 5 --decode "$WSBASE/websocket/80" >live &&
	ok_load live &&
	kv fps <live | between 27 33 &&
	rss1=$(rss_kb) &&
	echo "rss before $rss0 kB, while stalled $rss1 kB" &&
	{ test -n "$RR_MEMCHECK" || test "$rss1" -lt 65536; } &&
	sleep 1 &&
	rss2=$(rss_kb) &&
	echo "rss a second later $rss2 kB" &&
	{ test -n "$RR_MEMCHECK" || test "$rss2" -lt 65536; } &&
	kill $stalls &&
	wait &&
	state_until ".clients == []"
'

test_expect_success 'behind a slow link the newest frame goes out, not an old one' '
	start_server --source test --size 640x480 --fps 30 &&
	"$WSC" load -t 1 "$WSBASE/websocket/95" >fast &&
	size=$(kv avg_size <fast) &&
	"$WSC" load -t 5 --rate 400 --rcvbuf 8192 "$WSBASE/websocket/95" >slow &&
	cat slow &&
	test "$(kv errors <slow)" = 0 &&
	test "$(kv skipped <slow)" -gt 50 &&
	send_ms=$((size / 400)) &&
	bound=$((send_ms * 3 / 2 + 200)) &&
	echo "a frame takes $send_ms ms to send; age p50 must stay under $bound ms" &&
	kv lat_p50 <slow | between 0 $bound
'

test_expect_success 'many short connections do not leak fds' '
	state_until ".clients == []" &&
	fd0=$(nfds) &&
	i=0 &&
	args= &&
	while test $i -lt 100
	do
		args="$args -o /dev/null $BASE/snapshot?quality=50"
		i=$((i + 1))
	done &&
	timeout 30 curl -s -m 6 -H "Connection: close" -w "%{http_code}\\n" $args >codes &&
	test "$(grep -c "^200$" codes)" = 100 &&
	i=0 &&
	while test $i -lt 4
	do
		"$WSC" load -n 25 -f 1 "$WSBASE/websocket/60" >out &&
		ok_load out || return 1
		i=$((i + 1))
	done &&
	i=0 &&
	while test $i -lt 20
	do
		"$WSC" ws -T 2 "$WSBASE/websocket/60" "close:#1000" >out &&
		grep "^close 1000" out &&
		{ timeout 0.2 curl -s -o /dev/null "$BASE/stream"; true; } &&
		printf "GET / HTTP/1.1\r\n" |
			"$WSC" http -T 0.05 127.0.0.1:$PORT >/dev/null || return 1
		i=$((i + 1))
	done &&
	state_until ".clients == []" &&
	fds_back $fd0
'

# snap NAME [QUERY]: a snapshot into NAME.jpg.
snap () {
	curl -sf -m 6 -o "$1.jpg" "$BASE/snapshot${2:+?$2}"
}

test_expect_success '4:2:0 by default, at full and half resolution' '
	start_server --source test --size 320x240 &&
	snap full quality=80 && snap half quality=h40 &&
	snap quarter quality=t60 &&
	test "$(sof full.jpg)" = "320x240 22 com" &&
	test "$(sof half.jpg)" = "160x120 22 com" &&
	test "$(sof quarter.jpg)" = "80x60 22 com" &&
	"$WSC" load -t 1 --decode "$WSBASE/websocket/80" >out &&
	ok_load out && test "$(kv w <out)" = 320
'

test_expect_success '--subsampling 422 gives 4:2:2, and bigger frames' '
	start_server --source test --size 320x240 --subsampling 422 &&
	snap full422 quality=80 && snap half422 quality=h40 &&
	test "$(sof full422.jpg)" = "320x240 21 com" &&
	test "$(sof half422.jpg)" = "160x120 21 com" &&
	test "$(wc -c <full422.jpg)" -gt "$(wc -c <full.jpg)" &&
	test_must_fail "$RR" --subsampling 444 2>err &&
	grep "expected 420 or 422" err
'

test_expect_success 'odd sizes: 1278x718 and 1279x719, full and half' '
	for size in 1278x718 1279x719
	do
		start_server --source test --size $size &&
		snap odd quality=80 && snap oddh quality=h60 &&
		snap oddt quality=t60 &&
		test "$(sof odd.jpg)" = "$size 22 com" &&
		test "$(sof oddh.jpg)" = "638x358 22 com" &&
		test "$(sof oddt.jpg)" = "318x178 22 com" &&
		"$WSC" load -t 1 --decode "$WSBASE/websocket/80" >out &&
		ok_load out &&
		test "$(kv w <out)x$(kv h <out)" = $size || return 1
	done
'

# A viewer that does not read (its receive buffer full, frames backed
# up behind it) is still heard: what it sends is read and acted on, its
# pongs and closes seen while frames wait.
test_expect_success 'a viewer whose frames back up is still heard' '
	start_server --source test --size 640x480 --fps 30 &&
	{ "$TESTS_DIR/hostile" backed -w 1 -t 4 127.0.0.1:$PORT \
		/websocket/95 "{\"quality\":40}" >backed.out & } &&
	sleep 2.5 &&
	curl -sf "$BASE/state" >state.json &&
	wait &&
	cat backed.out state.json &&
	test "$(kv sent <backed.out)" = 1 &&
	jq -e ".clients[0].asked == \"q40\"" state.json
'

test_expect_success 'SIGTERM: a WebSocket client gets 1001, the server exits 0' '
	{ "$WSC" ws -T 10 "$WSBASE/websocket/50" >ws.out & } &&
	wspid=$! &&
	n=50 &&
	until grep -q "^binary" ws.out 2>/dev/null || test $n = 0
	do
		sleep 0.1
		n=$((n - 1))
	done &&
	stop_server &&
	wait $wspid &&
	grep -v "^binary" ws.out &&
	grep "^close 1001" ws.out &&
	test "$(tail -n 1 ws.out)" = eof &&
	test "$(cat server.status)" = 0
'

test_done
