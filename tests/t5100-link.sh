#!/bin/sh
test_description='linkemu: a trace-driven link between two namespaces'
. "$(dirname "$0")/test-lib.sh"

# The emulator is checked before anything trusts it: delay, rate and
# queue against what the trace says, with margins for a busy machine.
# In link.log (one line a second per direction): $1 second, $2 dir,
# $3 capacity, $4 arrived, $5 delivered, $6 unused, $7 drops, $8 queue,
# $9 mean and $10 max queueing delay (ms).
LK_DIR=$TRASH
LK_TAG=rrl$$
. "$TESTS_DIR/lib-link.sh"

why=$(lk_cannot)
test -z "$why" || test_skip_all "$why"
# LK_CC=reno (any of tcp_available_congestion_control) tries another.
CC=${LK_CC:-$(cat /proc/sys/net/ipv4/tcp_congestion_control)}
test_atexit 'lk_down'

# mbit FROM TO: the mean Mbit/s of `SECOND BYTES` lines FROM <= SECOND
# < TO.
mbit () {
	awk -v a="$1" -v b="$2" '$1 >= a && $1 < b { n += $2 }
		END { printf "%.2f\n", n * 8 / (b - a) / 1e6 }'
}

# capacity_is TRACE: the log's capacity column is, second by second,
# what the trace offers.
capacity_is () {
	awk '$2 == "down" { print $1, $3 }' link.log >cap.log &&
	lk_capacity "$1" $(wc -l <cap.log) >cap.want &&
	test_cmp cap.want cap.log
}

# saturated MIN: over the seconds in which the queue never ran dry for
# more than 1 % of the capacity (at least MIN of them), what the link
# delivered is within 5 % of the capacity.
saturated () {
	awk -v min="$1" '$2 == "down" && $3 > 0 && $6 < $3 / 100 {
			n++; c += $3; d += $5 }
		END { r = n ? d / c : 0
			printf "saturated seconds %d, " \
				"delivered/capacity %.4f\n", n, r
			exit !(n >= min && r > 0.95 && r < 1.05) }' link.log
}

# cpu_percent TICKS NS: TICKS of CPU time in NS ns of wall time, in %.
cpu_percent () {
	awk -v t="$1" -v ns="$2" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f\n", t / hz / (ns / 1e9) * 100 }'
}

test_expect_success 'constant 12 Mbit/s, 40 ms each way: RTT about 80 ms' '
	echo 1 >c12.trace &&
	lk_up c12.trace c12.trace 40 200ms $CC &&
	lk_ping 20 >rtt &&
	cat rtt &&
	test $(wc -l <rtt) -ge 15 &&
	lk_median <rtt | between 78 95
'

test_expect_success "bulk TCP ($CC) gets about 12 Mbit/s" '
	lk_bulk 8 >bulk &&
	cat bulk bulk.ss &&
	grep -q "^[	 ]*$CC" bulk.ss &&
	mbit 2 8 <bulk >goodput &&
	cat goodput &&
	between 10 12.5 <goodput
'

test_expect_success 'the log: capacity as the trace says, delivered as much' '
	lk_down && test "$LK_STATUS" = 0 &&
	cat link.log &&
	capacity_is c12.trace &&
	saturated 4
'

# A slice of a recorded trace (tests/traces/, see its README).
tm_trace () {
	lk_slice "$TESTS_DIR/traces/TMobile-LTE-short.down" 20 30
}

test_expect_success 'T-Mobile trace (10 s), flooded: delivered = capacity' '
	tm_trace >tm.trace &&
	lk_up tm.trace none 20 200ms $CC &&
	lk_flood 8 60 &&
	lk_down &&
	cat link.log &&
	capacity_is tm.trace &&
	saturated 5
'

test_expect_success 'a 20 ms drop-tail queue drops, and delays 20 ms at most' '
	lk_up c12.trace none 10 20ms $CC &&
	lk_flood 3 20 &&
	lk_down &&
	cat link.log &&
	awk "\$2 == \"down\" { d += \$7; if (\$10 > m) m = \$10;
			if (\$8 > q) q = \$8 }
		END { print \"drops\", d, \"max delay\", m, \"max queue\", q
			exit !(d > 100 && m >= 15 && m <= 20 && q <= 30000) }" \
		link.log
'

test_expect_success 'at 16 Mbit/s, linkemu uses little CPU' '
	printf "1\n2\n3\n3\n" >c16.trace &&
	lk_up c16.trace c16.trace 20 200ms $CC &&
	t0=$(date +%s%N) && cpu0=$(lk_cpu) &&
	lk_bulk 6 >bulk16 &&
	cpu1=$(lk_cpu) && t1=$(date +%s%N) &&
	mbit 1 6 <bulk16 | tee goodput16 &&
	between 13 16.5 <goodput16 &&
	cpu_percent $((cpu1 - cpu0)) $((t1 - t0)) | tee cpu &&
	between 0 30 <cpu
'

test_expect_success 'nothing left: no namespace, no linkemu' '
	pid=$LK_PID &&
	lk_down && lk_down &&
	test "$LK_STATUS" = 0 &&
	! ip netns list | grep "^$LK_TAG-" &&
	! test -d /proc/$pid
'

test_done
