#!/bin/sh
test_description='the encode budget on a slow board (short bench/device.sh):
the server and its emulated camera in a CPU cgroup at 30 % of one core,
14 WebSocket clients at 14 qualities; with --max-rungs auto every client
keeps most of the source rate, some rungs merged'
. "$(dirname "$0")/test-lib.sh"

need_fakecam
command -v jq >/dev/null || test_skip_all "no jq"
CG_TAG=t2300-$$
. "$TOP/bench/cgroup-lib.sh"
why=$(cg_cannot)
test -z "$why" || test_skip_all "$why"
cg_make || test_skip_all "cannot make a cpu cgroup"
test_atexit cg_remove

# A snapshot first, so that frames flow before the clients ask and the
# budget's first judged seconds see the source at its rate. (hub.c opens
# the source's first one-second window at its first frame: waiting for
# that frame does not read as a source fallen to 0 fps.)
test_expect_success 'the server and its camera thread in a cgroup' '
	RR_WRAP="env LD_PRELOAD=$FAKECAM FAKECAM_DEVICE=$DEV
		FAKECAM_MODES=yuyv:1280x720@30" \
		start_server --source v4l2 --device "$DEV" --format yuyv \
		--max-rungs-per-ip 0 &&
	cg_add "$SERVER_PID" &&
	for t in /proc/$SERVER_PID/task/*
	do
		grep -q "/rerocctv-$CG_TAG\$" "$t/cgroup" || return 1
	done &&
	grep -q fakecam /proc/$SERVER_PID/task/*/comm &&
	state_until ".source.seq > 0" &&
	curl -sf -o warm.jpg "$BASE/snapshot?quality=80"
'

# The margins are wide: make check runs two files at once on the same
# cores, and the budget needs its first seconds to find its size.
test_expect_success '14 clients at 30 % of a core: every one >= 24 fps' '
	cg_quota 30 &&
	thr0=$(cg_stat nr_throttled) &&
	pids= &&
	for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
	do
		"$WSC" load -t 8 "$WSBASE/websocket/$q" >out.$q 2>&1 &
		pids="$pids $!"
	done &&
	sleep 5 &&
	curl -sf "$BASE/state" >state.json &&
	wait $pids &&
	for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
	do
		echo "q$q $(kv fps <out.$q)"
	done >fps &&
	cat fps &&
	awk "\$2 < 24 { bad++ } END { exit bad > 0 || NR != 14 }" fps &&
	test $(cg_stat nr_throttled) -gt "$thr0"
'

test_expect_success 'the budget merged rungs and said why' '
	jq -e ".max_rungs == \"auto\" and (.merged | length) > 0" state.json &&
	grep "CPU budget" server.log
'

test_expect_success 'without the budget the same clients fall far behind' '
	cg_quota max &&
	stop_server &&
	RR_WRAP="env LD_PRELOAD=$FAKECAM FAKECAM_DEVICE=$DEV
		FAKECAM_MODES=yuyv:1280x720@30" \
		start_server --source v4l2 --device "$DEV" --format yuyv \
		--max-rungs 28 --max-rungs-per-ip 0 &&
	cg_add "$SERVER_PID" &&
	state_until ".source.seq > 0" &&
	cg_quota 30 &&
	pids= &&
	for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
	do
		"$WSC" load -t 6 "$WSBASE/websocket/$q" >off.$q 2>&1 &
		pids="$pids $!"
	done &&
	wait $pids &&
	for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
	do
		echo "q$q $(kv fps <off.$q)"
	done >fps-off &&
	cat fps-off &&
	awk "\$2 >= 20 { bad++ } END { exit bad > 0 || NR != 14 }" fps-off
'

test_done
