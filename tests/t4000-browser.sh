#!/bin/sh
# t4000-browser.sh: headless Debian Chromium loads the web client, shows
# live frames, locks a quality in-band; on an open server no login, and
# the exposed banner only when the server says so; screenshots in $TRASH.
test_description='browser client in headless Chromium'
. "$(dirname "$0")/test-lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 ||
	test_skip_all 'node is not installed'
test -x "$CHROMIUM" ||
	test_skip_all "$CHROMIUM is not installed"

# playwright-core drives the system Chromium; it never downloads a browser.
has_playwright () {
	(cd "$TOP/tests" && node -e "require.resolve('playwright-core')") \
		>/dev/null 2>&1
}
if ! test -d "$TOP/tests/node_modules" && command -v npm >/dev/null 2>&1
then
	npm install --no-audit --no-fund --no-package-lock \
		--prefix "$TOP/tests" >"$TRASH/npm.log" 2>&1
fi
has_playwright ||
	test_skip_all 'playwright-core is missing (npm install --prefix tests)'

# $TRASH goes away when the test passes: RR_SHOTS=DIR keeps the screenshots.
SHOTS=${RR_SHOTS:-$TRASH}
export CHROMIUM

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
