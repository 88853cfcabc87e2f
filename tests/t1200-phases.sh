#!/bin/sh
test_description='connection phases: one answer per request whatever the
reader speed, what follows a response, the deadline of each phase, and the
HTTP details real clients and proxies send'
. "$(dirname "$0")/test-lib.sh"

HOSTILE=$TESTS_DIR/hostile

# answers 'RAW REQUESTS' [hostile responses options]: what came back, one
# line per response, then how the connection ended.
answers () {
	a_req_=$1
	shift
	printf "$a_req_" | "$HOSTILE" responses "$@" 127.0.0.1:$PORT
}

test_expect_success 'start on the test pattern, short time limits' '
	start_server --source test --size 640x480 --fps 30 --timeout 2 \
		--stall-timeout 3
'

test_expect_success 'a slow reader gets one answer per pipelined request' '
	answers "GET /snapshot?quality=60 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" \
		--rcvbuf 4096 --chunk 1024 --every 40 -T 20 >out &&
	cat out &&
	grep "^response" out | cut -d" " -f2-3 >got &&
	printf "200 image/jpeg\n200 text/plain;\n" >want &&
	test_cmp want got &&
	grep "^eof" out &&
	! grep -E "^(extra|garbage|partial)" out
'

test_expect_success 'a snapshot taking over 5 s to read is still one answer' '
	answers "GET /snapshot?quality=95 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" \
		--rcvbuf 4096 --chunk 512 --every 20 -T 30 >out &&
	cat out &&
	test "$(grep -c "^response" out)" = 1 &&
	grep "^response 200 image/jpeg" out &&
	! grep -E "^(extra|garbage)" out
'

test_expect_success 'HTTP/1.0 closes after the answer; what follows is not served' '
	answers "GET /state HTTP/1.0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n" -T 5 >out &&
	cat out &&
	test "$(grep -c "^response" out)" = 1 &&
	grep "^response 200 application/json [0-9]* close$" out &&
	eof=$(sed -n "s/^eof //p" out) &&
	test -n "$eof" && test "$eof" -lt 1000
'

test_expect_success 'Connection: close closes after the answer' '
	answers "GET /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n" -T 5 >out &&
	cat out &&
	test "$(grep -c "^response" out)" = 1 &&
	eof=$(sed -n "s/^eof //p" out) &&
	test -n "$eof" && test "$eof" -lt 1000
'

test_expect_success 'close is a token of any Connection line' '
	answers "GET /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: foo\r\nConnection: Close\r\n\r\n" -T 5 >out &&
	grep "^response 200 text/css.* close$" out &&
	grep "^eof" out
'

test_expect_success 'an error that closes does not serve what follows' '
	answers "GET /%%zz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /state HTTP/1.1\r\nHost: localhost\r\n\r\n" -T 5 >out &&
	cat out &&
	test "$(grep -c "^response" out)" = 1 &&
	grep "^response 400 .* close$" out &&
	grep "^eof" out
'

test_expect_success 'HTTP/1.0 with keep-alive stays open, until the idle limit' '
	answers "GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" -T 1 >out &&
	grep "^response 200 .* keep-alive$" out &&
	grep "^open$" out &&
	answers "GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" -T 5 >out &&
	eof=$(sed -n "s/^eof //p" out) &&
	test "$eof" -ge 1500 && test "$eof" -lt 3500
'

test_expect_success 'a half-sent head gets 408 within the head limit, then close' '
	answers "GET / HTTP/1.1\r\nHost: localhost\r\n" -T 5 >out &&
	cat out &&
	grep "^response 408 .* close$" out &&
	grep "^eof" out
'

test_expect_success 'a client that sends its head and its FIN still gets the answer' '
	printf "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\nGET /app.js HTTP/1.1\r\nHost: localhost\r\n\r\n" >reqs &&
	{ cat reqs; } | timeout 5 "$WSC" http -T 3 127.0.0.1:$PORT >out &&
	test "$(grep -ac "^HTTP/1.1 200" out)" = 2
'

test_expect_success 'every response carries Date' '
	req "GET /state HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	tr -d "\r" <out | grep -E "^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$" &&
	req "GET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	tr -d "\r" <out | grep "^Date: "
'

test_expect_success 'absolute-form targets route' '
	req "GET http://127.0.0.1:$PORT/state HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nConnection: close\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	grep -a "\"source\"" out &&
	req "GET http://127.0.0.1:$PORT HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	grep -ai "<html" out
'

test_expect_success 'percent-encoded targets route; a bad escape is 400' '
	req "GET /%%73tate HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	grep -a "\"source\"" out &&
	"$WSC" ws -T 1 --frames 1 "$WSBASE/web%73ocket/%38%30" >out &&
	grep "^status 101" out &&
	grep "^binary" out &&
	for bad in "/st%%00ate" "/state%%" "/%%zz" "/a%%0a"
	do
		req "GET $bad HTTP/1.1\r\nHost: localhost\r\n\r\n" >out &&
		test "$(status <out)" = "HTTP/1.1 400 Bad Request" || return 1
	done
'

test_expect_success 'HTTP/1.2 is answered as 1.1; HTTP/2.0 is 505' '
	req "GET /state HTTP/1.2\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	req "GET /state HTTP/2.0\r\nHost: localhost\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 505 HTTP Version Not Supported"
'

test_expect_success 'bare LF line ends are accepted, as nginx does' '
	req "GET /state HTTP/1.1\nHost: localhost\nConnection: close\n\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	req "GET /state HTTP/1.1\r\nHost: localhost\nConnection: close\r\n\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK"
'

test_expect_success 'a request line longer than the head limit is 414' '
	long=$(head -c 9000 /dev/zero | tr "\0" a) &&
	req "GET /$long HTTP/1.1\r\nHost: localhost\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 414 URI Too Long" &&
	pad=$(head -c 9000 /dev/zero | tr "\0" a) &&
	req "GET / HTTP/1.1\r\nHost: localhost\r\nX-Pad: $pad\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 431 Request Header Fields Too Large"
'

test_expect_success 'a slow reader that keeps reading is no stall' '
	n0=$(grep -c "output stalled" server.log || true) &&
	"$WSC" load -t 6 --rate 150 --rcvbuf 8192 \
		"$BASE/stream?quality=95" >slow &&
	cat slow &&
	test "$(kv errors <slow)" = 0 &&
	test "$(kv frames <slow)" -ge 6 &&
	test "$(grep -c "output stalled" server.log || true)" = "$n0"
'

test_expect_success 'a stalled stream is closed after --stall-timeout' '
	{ "$WSC" load --stall -t 8 "$BASE/stream?quality=95" >/dev/null 2>&1 & } &&
	state_until ".clients | length == 1" &&
	n=0 &&
	until grep -q "output stalled for 3 s" server.log || test $n = 80
	do
		sleep 0.1
		n=$((n + 1))
	done &&
	grep "output stalled for 3 s" server.log &&
	state_until ".clients == []" &&
	wait
'

# A client taking frames is alive: its pong may be late (a busy browser,
# a pong behind a queue on its uplink), but one that never comes closes
# it after three times the limit.
test_expect_success 'a WebSocket client that never pongs is closed' '
	"$WSC" ws -T 14 --no-pong "$WSBASE/websocket/30" >out;
	grep "^ping" out &&
	grep "^binary" out | tail -1 &&
	grep "^eof" out &&
	grep -E "no pong in (9|10) s" server.log
'

test_expect_success 'a WebSocket client that pongs stays' '
	"$WSC" ws -T 6 "$WSBASE/websocket/30" >out;
	test "$(grep -c "^ping" out)" -ge 2 &&
	grep "^timeout" out &&
	! grep "^eof" out
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_done
