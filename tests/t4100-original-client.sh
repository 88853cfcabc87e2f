#!/bin/sh
test_description='the original React client logic, served from another origin'
. "$(dirname "$0")/test-lib.sh"

command -v node >/dev/null 2>&1 || test_skip_all 'node is not installed'
test -x "${CHROMIUM:-/usr/bin/chromium}" || test_skip_all 'no chromium'
(cd "$TOP/tests" && node -e "require.resolve('playwright-core')") \
	>/dev/null 2>&1 ||
	test_skip_all 'playwright-core is missing (npm install --prefix tests)'

# The page comes from one server (its own origin), the stream from
# another, as with the original's Vite dev server and backend.
test_expect_success 'serve the original client from a second server' '
	start_server --source test --size 320x240 --web "$TOP/tests/original" &&
	PAGE=$BASE && PAGE_PID=$SERVER_PID && SERVER_PID= &&
	test_atexit "kill $PAGE_PID"
'

test_expect_success 'a foreign origin is refused by default' '
	start_server --source test --size 320x240 &&
	node "$TOP/tests/original.mjs" "$PAGE/?backend=$WSBASE" >out &&
	cat out &&
	test "$(kv frames <out)" = 0 &&
	test "$(kv status <out)" != open
'

test_expect_success 'with --allow-origin the original client shows frames' '
	start_server --source test --size 320x240 --allow-origin "$PAGE" &&
	node "$TOP/tests/original.mjs" "$PAGE/?backend=$WSBASE" >out &&
	cat out &&
	test "$(kv status <out)" = open &&
	test "$(kv frames <out)" -gt 30 &&
	test "$(kv width <out)" = 320 &&
	test "$(kv quality <out)" = 95
'

test_done
