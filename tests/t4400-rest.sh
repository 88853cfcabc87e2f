#!/bin/sh
# t4400-rest.sh: a hidden tab rests (no stream, no encode, no CPU), comes
# back at once; the snapshot downloads named with the time.
test_description='tabs that rest, the snapshot download, picture-in-picture'
. "$(dirname "$0")/test-lib.sh"

need_browser

test_expect_success 'start the test pattern' '
	start_server --source test --size 1280x720 --fps 30
'

test_expect_success 'hidden: no stream, no encode; shown: at once' '
	node "$TOP/tests/rest.mjs" "$BASE" "$SERVER_PID" >rest.out 2>&1
	rc=$?
	cat rest.out
	test $rc = 0
'

test_done
