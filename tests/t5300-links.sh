#!/bin/sh
test_description='viewers behind an emulated LTE link (short bench/links.sh)'
. "$(dirname "$0")/test-lib.sh"

# Two runs of `make bench-links`, shortened: 30 s of the T-Mobile trace
# (its .up on the ACK path, 40 ms each way, a 1 s queue) under the host's
# default congestion control, an auto viewer on one fresh link and a
# fixed q95 viewer on another. The marks are generous: this checks that
# viewers are served all along on a busy host, not how well. The
# keepalive is shortened (ping at 6 s, its pong due 8 s later, instead of
# 15 and 20) so that a 30 s run sees it at work behind a full queue.
LS_OUT=$TRASH
LK_TAG=rrs$$
LS_SRV_ARGS="--stall-timeout 8"
. "$TOP/bench/links-lib.sh"

why=$(ls_cannot)
test -z "$why" || test_skip_all "$why"
CC=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
DOWN=$TESTS_DIR/traces/TMobile-LTE-short.down
UP=$TESTS_DIR/traces/TMobile-LTE-short.up
test_atexit 'ls_down'

# judge: links-eval.awk on the last run's viewer (no oracle: the rung
# sizes are the bench's to measure).
judge () {
	awk -f "$TOP/bench/links-eval.awk" -v meta="$LS_RUN/meta" -v viewer=c \
		"$LS_RUN/c.frames"
}

# show: the run's story, for the log.
show () {
	cat "$LS_RUN/meta" "$LS_RUN/c.trace" "$LS_RUN/c.texts" \
		"$LS_RUN/server.log"
	awk '$2 == "down"' "$LS_RUN/link.log"
}

test_expect_success "auto viewer, T-Mobile LTE, 30 s ($CC)" '
	ls_run "$DOWN" "$UP" $CC auto 30 auto &&
	show && judge >auto.result && cat auto.result &&
	test $(kv frames <auto.result) -gt 0
'

test_expect_success 'auto: no stall over 3 s, age p95 < 1.5 s, fps >= 10' '
	test $(kv stall_max <auto.result) -lt 3000 &&
	test $(kv age_p95 <auto.result) -lt 1500 &&
	kv fps_p50 <auto.result | between 10 31
'

test_expect_success "fixed q95 viewer over the same trace ($CC)" '
	ls_run "$DOWN" "$UP" $CC q95 30 q95 &&
	show && judge >q95.result && cat q95.result &&
	test $(kv frames <q95.result) -gt 0
'

# A viewer that asked for more than the link carries is served less
# often, fresh, and never dropped: the server closes it for nothing (no
# reconnect), no 5 s pass without a frame, and its frames are paced, not
# queued behind each other for seconds.
test_expect_success 'q95: never closed by the server, frames every 5 s, fresh' '
	grep ", closing$" q95/server.log; echo &&
	test $(kv reconnects <q95.result) = 0 &&
	test $(kv stall_max <q95.result) -lt 5000 &&
	test $(kv age_p95 <q95.result) -lt 1500
'

test_expect_success 'nothing left: no namespace, no process' '
	ls_down &&
	! ip netns list | grep "^$LK_TAG-" &&
	left= &&
	for p in $LS_PIDS
	do
		! test -d /proc/$p || left="$left $p"
	done &&
	echo "left:$left" && test -z "$left"
'

test_done
