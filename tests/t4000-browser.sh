#!/bin/sh
# t4000-browser.sh: headless Debian Chromium loads the web client, shows
# live frames, locks a quality in-band; on an open server no login, and
# the exposed banner only when the server says so; screenshots in $TRASH.
test_description='browser client in headless Chromium'
. "$(dirname "$0")/test-lib.sh"

need_browser

test_expect_success 'start the test-pattern server' '
	start_server --source test --size 640x480 --fps 30
'

test_expect_success 'chromium shows live frames, locks q40 in-band' '
	node "$TOP/tests/browser.mjs" "$BASE" "$SHOTS" >"$TRASH/browser.out" 2>&1
	rc=$?
	cat "$TRASH/browser.out"
	test $rc = 0
'

test_done
