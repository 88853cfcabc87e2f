#!/bin/sh
# t4250-controls-browser.sh: the camera controls in the web client, in
# headless Chromium (tests/controls.mjs), on the emulated camera: an open
# server (the section, its rows, inactive ones disabled, changes reaching
# the server, resets), a server with accounts (an admin's, not a
# viewer's), and the test pattern (no section); screenshots in $TRASH.
test_description='browser client: camera controls'
. "$(dirname "$0")/test-lib.sh"

need_browser
need_fakecam

# $TRASH goes away when the test passes: RR_SHOTS=DIR keeps the screenshots.
SHOTS=${RR_SHOTS:-$TRASH}
export CHROMIUM

# cam640 SERVER-ARGS...: the server on the fake camera, YUYV 640x480.
cam640 () {
	cam_start "" --format yuyv --size 640x480 "$@"
}

# run_page MODE: controls.mjs against $BASE; its TAP in MODE.out.
run_page () {
	node "$TOP/tests/controls.mjs" "$BASE" "$SHOTS" "$1" >"$1.out" 2>&1
	rp_rc_=$?
	cat "$1.out"
	test $rp_rc_ = 0
}

test_expect_success 'open server: the controls shown, set, reset' '
	cam640 &&
	run_page open &&
	grep "127.0.0.1 set brightness=190" server.log
'

test_expect_success 'with accounts: an admin sees them, a viewer does not' '
	echo "alice-pw-$$" | "$RR" passwd auth alice --role admin &&
	echo "bob-pw-$$" | "$RR" passwd auth bob &&
	cam640 --auth-file "$TRASH/auth" &&
	RR_ADMIN="alice:alice-pw-$$" RR_VIEWER="bob:bob-pw-$$" run_page accounts &&
	grep "127.0.0.1: alice set brightness=170" server.log &&
	! grep "bob set" server.log
'

test_expect_success 'the test pattern: no camera section' '
	start_server --source test --size 640x480 --fps 30 &&
	run_page none
'

test_done
