#!/bin/sh
# t4100-original-client.sh: the original React client's logic
# (tests/original/), served by one server, streams from another: refused
# from a foreign origin by default, shown with --allow-origin, and with
# --auth-file through a share link as its backend (not with a forged one).
test_description='the original React client logic, served from another origin'
. "$(dirname "$0")/test-lib.sh"

need_browser

# The page comes from one server (its own origin), the stream from
# another, as with the original's Vite dev server and backend.
test_expect_success 'serve the original client from a second server' '
	start_server --source test --size 320x240 --web "$TOP/tests/original" &&
	PAGE=$BASE && PAGE_PID=$SERVER_PID && SERVER_PID= &&
	test_atexit "kill $PAGE_PID"
'

# Its page is the owner's own: no script or connection rule of ours
# (it has an inline script and connects elsewhere), but never framed.
test_expect_success 'a --web page: framing refused, its scripts its own' '
	curl -sI "$PAGE/" >head &&
	grep -i "^Content-Security-Policy: frame-ancestors .none.\s*\$" head &&
	! grep -i "default-src" head &&
	grep -i "^X-Frame-Options: DENY" head &&
	grep -i "^Referrer-Policy: no-referrer" head
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

test_expect_success 'with two cameras it shows the first, unchanged' '
	start_server --camera first=test,size=320x240 \
		--camera second=test,size=160x120 --allow-origin "$PAGE" &&
	node "$TOP/tests/original.mjs" "$PAGE/?backend=$WSBASE" >out &&
	cat out &&
	test "$(kv status <out)" = open &&
	test "$(kv frames <out)" -gt 30 &&
	test "$(kv width <out)" = 320 &&
	node "$TOP/tests/original.mjs" "$PAGE/?backend=$WSBASE/c/second" \
		>out2 &&
	cat out2 &&
	test "$(kv width <out2)" = 160
'

# With accounts the original client has no login of its own: a share
# link, given as its backend, is what lets it in.
test_expect_success 'accounts, and a share link made offline' '
	echo "alice-pw-$$" | "$RR" passwd auth alice --role admin &&
	"$RR" share --auth-file auth --expires 1h >link &&
	LINK=$(sed -n "s|^http://[^/]*\(/s/[0-9a-f]*\)/\$|\1|p" link) &&
	test -n "$LINK" &&
	# One hex digit moved on by one: a token with one byte changed.
	c=$(printf %s "$LINK" | cut -c30) &&
	d=$(printf %s "$c" | tr 0123456789abcdef 123456789abcdef0) &&
	BAD=$(printf %s "$LINK" | sed "s/^\(.\{29\}\)./\1$d/") &&
	test "$BAD" != "$LINK" && test ${#BAD} = ${#LINK}
'

test_expect_success 'with --auth-file, without a link: no frames' '
	start_server --source test --size 320x240 --allow-origin "$PAGE" \
		--auth-file "$TRASH/auth" &&
	node "$TOP/tests/original.mjs" "$PAGE/?backend=$WSBASE" >out &&
	cat out &&
	test "$(kv frames <out)" = 0 &&
	test "$(kv status <out)" != open
'

test_expect_success 'a share link as its backend: the original shows frames' '
	node "$TOP/tests/original.mjs" "$PAGE/?backend=$WSBASE$LINK" >out &&
	cat out &&
	test "$(kv status <out)" = open &&
	test "$(kv frames <out)" -gt 30 &&
	test "$(kv width <out)" = 320
'

test_expect_success 'the link with one byte changed: no frames' '
	node "$TOP/tests/original.mjs" "$PAGE/?backend=$WSBASE$BAD" >out &&
	cat out &&
	test "$(kv frames <out)" = 0 &&
	test "$(kv status <out)" != open &&
	curl -s "$BASE$BAD/snapshot" >why &&
	grep "^403 Forbidden: this share link is not valid" why
'

test_done
