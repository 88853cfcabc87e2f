#!/bin/sh
test_description='one encode budget across cameras on a slow board: the
server in a CPU cgroup at 40 % of one core with two 720p cameras; one
camera'"'"'s many viewers do not starve the other: rungs are merged on the
camera that has many before any camera loses its last one'
. "$(dirname "$0")/test-lib.sh"

command -v jq >/dev/null || test_skip_all "no jq"
CG_TAG=t2310-$$
. "$TOP/bench/cgroup-lib.sh"
why=$(cg_cannot)
test -z "$why" || test_skip_all "$why"
cg_make || test_skip_all "cannot make a cpu cgroup"
test_atexit cg_remove

test_expect_success 'two 720p cameras in a cgroup' '
	start_server --camera a=test,size=1280x720 \
		--camera b=test,size=1280x720 --max-rungs-per-ip 0 &&
	cg_add "$SERVER_PID" &&
	curl -sf -o /dev/null "$BASE/c/a/snapshot" &&
	curl -sf -o /dev/null "$BASE/c/b/snapshot"
'

# Camera a is asked for ten rungs first; b for one, after. With one
# budget per camera (or first asked first across cameras) b would get
# nothing, or a would keep its ten. The margins are wide: make check
# runs two files at once on the same cores.
test_expect_success 'ten rungs on a, then one on b, at 40 % of a core' '
	cg_quota 40 &&
	pids= &&
	for q in 50 55 60 65 70 75 80 85 90 95
	do
		"$WSC" load -t 10 "$WSBASE/c/a/websocket/$q" >a.$q 2>&1 &
		pids="$pids $!"
	done &&
	sleep 2 &&
	{ "$WSC" load -t 7 "$WSBASE/c/b/websocket/40" >b.40 2>&1 & } &&
	pids="$pids $!" &&
	sleep 5 &&
	curl -sf "$BASE/c/a/state" >a.json &&
	curl -sf "$BASE/c/b/state" >b.json &&
	wait $pids &&
	cat b.40 &&
	for q in 50 55 60 65 70 75 80 85 90 95
	do
		echo "q$q $(kv fps <a.$q)"
	done >fps-a &&
	cat fps-a &&
	jq -c "[.encoder[].rung], .merged, .budget_why" a.json b.json
'

test_expect_success 'b kept its rung and its rate' '
	jq -e "[.encoder[].rung] == [\"q40\"]" b.json &&
	kv fps <b.40 | between 15 31
'

test_expect_success 'a lost rungs, not its last one, and still streams' '
	n=$(jq "[.encoder[] | select(.quality > 0)] | length" a.json) &&
	echo "a encodes $n of 10" &&
	test "$n" -ge 1 && test "$n" -lt 10 &&
	jq -e "(.merged | length) > 0" a.json &&
	awk "\$2 < 10 { bad++ } END { exit bad > 0 || NR != 10 }" fps-a &&
	grep "CPU budget" server.log
'

test_done
