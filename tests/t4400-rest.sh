#!/bin/sh
# t4400-rest.sh: a hidden tab rests (no stream, no encode, no CPU), comes
# back at once; the snapshot downloads named with the time.
test_description='tabs that rest, the snapshot download, picture-in-picture'
. "$(dirname "$0")/test-lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 || test_skip_all 'node is not installed'
test -x "$CHROMIUM" || test_skip_all "$CHROMIUM is not installed"
(cd "$TOP/tests" && node -e "require.resolve('playwright-core')") \
	>/dev/null 2>&1 ||
	test_skip_all 'playwright-core is missing (sh tests/deps.sh)'
export CHROMIUM

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
