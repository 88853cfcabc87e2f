#!/bin/sh
# t4200-login.sh: the web client against a server with accounts, in
# headless Chromium (tests/login.mjs): login view, wrong and right
# passwords, the HttpOnly session, logout, a share link made from the page
# and watched without an account, a session gone, access revoked.
test_description='browser client: login, logout, share links'
. "$(dirname "$0")/test-lib.sh"

need_browser

test_expect_success 'accounts: admin alice, viewer bob' '
	echo "alice-pw-$$" | "$RR" passwd auth alice --role admin &&
	echo "bob-pw-$$" | "$RR" passwd auth bob &&
	test "$(cut -d: -f1,2 auth)" = "alice:admin
bob:viewer"
'

test_expect_success 'start the server with --auth-file' '
	start_server --source test --size 640x480 --fps 30 \
		--auth-file "$TRASH/auth"
'

test_expect_success 'login, logout, share, a session gone, access revoked' '
	RR_ADMIN="alice:alice-pw-$$" RR_VIEWER="bob:bob-pw-$$" \
	RR_AUTH_FILE="$TRASH/auth" RR_SERVER_PID=$SERVER_PID \
		node "$TOP/tests/login.mjs" "$BASE" "$SHOTS" >login.out 2>&1
	rc=$?
	cat login.out
	test $rc = 0
'

test_expect_success 'the server logged the share link and the revocation' '
	grep "alice made a share link" server.log &&
	grep "access revoked" server.log
'

test_done
