#!/bin/sh
# t4300-view.sh: the picture fits the screen: headless Chromium in a phone
# viewport gets half-resolution frames from auto, a large window full size.
test_description='the page tells the server its view size; auto fits it'
. "$(dirname "$0")/test-lib.sh"

need_browser

test_expect_success 'start the test pattern at 1280x720' '
	start_server --source test --size 1280x720 --fps 30
'

test_expect_success 'phone: half size; sideways and desktop: full size' '
	node "$TOP/tests/view.mjs" "$BASE" "$SHOTS" >view.out 2>&1
	rc=$?
	cat view.out
	test $rc = 0
'

test_done
