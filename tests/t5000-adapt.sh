#!/bin/sh
test_description='adaptation behind a shaped link (short bench/adapt.sh)'
. "$(dirname "$0")/test-lib.sh"

# The scenario of `make bench-adapt`, shortened (8 s at 40 Mbit/s, 12 s
# at 4, 8 s at 40) with the auto client alone under the host's default
# congestion control, judged with margins rather than the bench's
# figures.
AD_DIR=$TRASH
AD_TAG=rrt$$
PHASES="8:40 12:4 8:40"
. "$TOP/bench/adapt-lib.sh"

why=$(ad_cannot)
test -z "$why" || test_skip_all "$why (network namespaces, tbf)"
tc_ok=$(ip netns add "$AD_TAG-x" &&
	ip -n "$AD_TAG-x" link set lo up &&
	tc -n "$AD_TAG-x" qdisc add dev lo root tbf rate 4mbit burst 20000 \
		latency 400ms && echo ok; ip netns del "$AD_TAG-x" 2>/dev/null)
case $tc_ok in
*ok) ;;
*) test_skip_all "no tbf qdisc" ;;
esac
CC=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
test_atexit 'ad_net_down'

test_expect_success 'measure the frame size of every rung' '
	ad_measure sizes &&
	test $(wc -l <sizes) = $(echo $AD_RUNGS | wc -w)
'

test_expect_success "auto client through 40/4/40 Mbit/s ($CC)" '
	ad_scenario auto $CC "$PHASES" c=auto &&
	awk -f "$TOP/bench/adapt-eval.awk" -v sizes=sizes \
		-v phases="$PHASES" -v share=1 -v src_fps=30 -v src_w=1280 \
		-v name=auto $CC-auto-c >result &&
	cat $CC-auto-c result
'

test_expect_success 'rung near the oracle, frame rate near what the link allows' '
	test $(kv rung_ok <result) -ge 70 &&
	test $(kv fps_ratio <result) -ge 75
'

test_expect_success 'frame age stays low behind the deep queue' '
	test $(kv age_p95 <result) -le 500
'

test_expect_success 'no reconnects, no stalls' '
	test $(kv reconnects <result) = 0 &&
	test $(kv stalls <result) = 0
'

test_done
