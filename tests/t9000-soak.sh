#!/bin/sh
test_description='soak (make soak, not in make check): RR_SOAK_SECS (default
600) seconds of 100 clients that connect, stream, change quality, stall,
reconnect and send garbage, beside well-behaved viewers that must keep the
source rate throughout; RSS and fds at the start and the end'
. "$(dirname "$0")/test-lib.sh"

HOSTILE=$TESTS_DIR/hostile
SECS=${RR_SOAK_SECS:-600}
SEG=30				# viewers are judged per segment
FPS=30

rss_kb () {
	sed -n "s/^VmRSS:[^0-9]*\([0-9]*\) kB$/\1/p" "/proc/$SERVER_PID/status"
}

test_expect_success 'start on the test pattern' '
	start_server --source test --size 640x480 --fps $FPS \
		--max-per-ip 1000 --max-clients 512 --stall-timeout 5 \
		--timeout 5 &&
	sleep 2 &&
	rss0=$(rss_kb) && fd0=$(nfds) &&
	echo "start: rss $rss0 kB, $fd0 fds" | tee start.txt
'

# The bad crowd: 100 at any time, in waves of 20 s.
bad_crowd () {
	end=$(($(date +%s) + SECS))
	while test "$(date +%s)" -lt "$end"
	do
		"$HOSTILE" flood -n 40 -t 20 -k mix 127.0.0.1:$PORT \
			>>flood.log 2>&1 &
		"$HOSTILE" idle --partial -n 20 -t 20 127.0.0.1:$PORT \
			>>idle.log 2>&1 &
		# stream, switch quality, leave, come back
		"$WSC" load -n 20 -t 20 --send "{\"quality\":40}@30" \
			--protocol rerocctv.v1 "$WSBASE/websocket/auto" \
			>>switch.log 2>&1 &
		"$WSC" load -n 10 -t 20 --stall "$BASE/stream?quality=95" \
			>>stall.log 2>&1 &
		i=0
		while test $i -lt 10
		do
			"$WSC" load -n 1 -f 5 "$WSBASE/websocket/h$((30 + i * 5))" \
				>>short.log 2>&1
			printf "GET /%%zz HTTP/1.1\r\n\r\nGARBAGE\r\n\r\n" |
				"$WSC" http -T 0.3 127.0.0.1:$PORT >/dev/null 2>&1
			i=$((i + 1))
		done
		wait
	done
}

test_expect_success "$SECS s: every viewer keeps the source rate" '
	bad_crowd &
	crowd=$! &&
	end=$(($(date +%s) + SECS)) &&
	seg=0 &&
	: >viewers.log &&
	while test "$(date +%s)" -lt $((end - SEG))
	do
		# Each viewer waited for by its pid: a bare wait would wait
		# for the crowd too, all SECS of it.
		"$WSC" load -n 3 -t $SEG "$WSBASE/websocket/80" >v.ws &
		vws=$!
		"$WSC" load -n 2 -t $SEG "$BASE/stream?quality=60" >v.mjpeg &
		wait $! &&
		wait $vws &&
		for v in v.ws v.mjpeg
		do
			echo "segment $seg $v: $(cat $v)" >>viewers.log &&
			test "$(kv errors <$v)" = 0 &&
			kv fps_min <$v | between $((FPS * 9 / 10)) $((FPS + 2)) ||
			{ cat viewers.log; kill $crowd; return 1; }
		done
		echo "segment $seg: rss $(rss_kb) kB, $(nfds) fds, viewers at" \
			"$(kv fps_min <v.ws) / $(kv fps_min <v.mjpeg) fps" |
			tee -a segments.log
		seg=$((seg + 1))
	done &&
	wait $crowd
'

# Flat: what the server holds once the crowd has come (the first loaded
# segment) it still holds at the last one and after everyone left, give
# or take 4 MB (8 MB in the ASan build, whose allocator keeps more);
# the start, before any client, is only reported: heaps grow to a
# working set and keep it. fds go back to where they started.
test_expect_success 'RSS stays flat under the crowd, fds come back' '
	state_until ".clients == []" &&
	sleep 6 &&
	rss1=$(rss_kb) && fd1=$(nfds) &&
	cat start.txt &&
	echo "end: rss $rss1 kB, $fd1 fds" &&
	test "$fd1" -le $((fd0 + 2)) &&
	first=$(sed -n "1s/.*rss \([0-9]*\) kB.*/\1/p" segments.log) &&
	last=$(sed -n "\$s/.*rss \([0-9]*\) kB.*/\1/p" segments.log) &&
	echo "under load: segment 0 rss $first kB, last segment $last kB" &&
	{ cat start.txt segments.log && echo "end: rss $rss1 kB, $fd1 fds"; } \
		>"$TOP/build/soak.txt" &&
	{ test -z "$RR_MEMCHECK" || slack=8192; } &&
	test "$last" -lt $((first + ${slack:-4096})) &&
	test "$rss1" -lt $((first + ${slack:-4096}))
'

test_expect_success 'the server stops cleanly (no sanitizer report)' '
	stop_server &&
	! grep -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" \
		server.log
'

test_done
