#!/bin/sh
# t4500-grid.sh: a server with several cameras, in headless Chromium
# (tests/grid.mjs): the page's grid of every camera, each tile its own
# auto stream no larger than the tile, tiles out of view and hidden tabs
# with no socket, a tile opening its camera's single view at #/c/NAME and
# the back button returning, one column on a phone, three columns for
# five cameras; a share link for one camera, and accounts that may see
# one camera of two; screenshots in $TRASH.
test_description='browser client: the grid of cameras'
. "$(dirname "$0")/test-lib.sh"

need_browser

test_expect_success 'start two cameras: front 640x480, back 320x240 at 15 fps' '
	start_server --camera front=test,size=640x480 \
		--camera back=test,size=320x240,fps=15
'

test_expect_success 'the grid, small rungs, hidden, single views, a phone' '
	node "$TOP/tests/grid.mjs" "$BASE" "$SHOTS" two >two.out 2>&1
	rc=$?
	cat two.out
	test $rc = 0
'

test_expect_success 'start five cameras' '
	start_server --camera a=test,size=320x240,fps=10 \
		--camera b=test,size=320x240,fps=10 \
		--camera c=test,size=320x240,fps=10 \
		--camera d=test,size=320x240,fps=10 \
		--camera e=test,size=320x240,fps=10
'

test_expect_success 'three columns; on a phone, tiles out of view stream nothing' '
	node "$TOP/tests/grid.mjs" "$BASE" "$SHOTS" many >many.out 2>&1
	rc=$?
	cat many.out
	test $rc = 0
'

test_expect_success 'accounts: alice an admin, bob a viewer of back, carol an admin of back' '
	echo "alice-pw-$$" | "$RR" passwd auth alice --role admin &&
	echo "bob-pw-$$" | "$RR" passwd auth bob --cameras back &&
	echo "carol-pw-$$" | "$RR" passwd auth carol --role admin --cameras back
'

test_expect_success 'start front and back with --auth-file' '
	start_server --camera front=test,size=640x480 \
		--camera back=test,size=320x240,fps=15 --auth-file "$TRASH/auth"
'

test_expect_success 'a link for back alone; accounts that see back alone' '
	RR_ADMIN="alice:alice-pw-$$" RR_VIEWER="bob:bob-pw-$$" \
	RR_LIMITED="carol:carol-pw-$$" \
		node "$TOP/tests/grid.mjs" "$BASE" "$SHOTS" accounts \
		>accounts.out 2>&1
	rc=$?
	cat accounts.out
	test $rc = 0
'

test_done
