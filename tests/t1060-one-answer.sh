#!/bin/sh
test_description='one answer per request: an error answer to HEAD has no
body (a keep-alive client would read it as the next answer), and a
snapshot that waited for its password check is answered once'
. "$(dirname "$0")/test-lib.sh"

# heads FILE: the status lines in FILE, wherever they are.
heads () {
	grep -a -o "HTTP/1\.1 [0-9][0-9][0-9] " "$1"
}

test_expect_success 'an error answer to HEAD has a head only' '
	printf "alicepass1\n" | "$RR" passwd users alice --role admin &&
	start_server --source test --size 320x240 --fps 15 --auth-file users &&
	req "HEAD /nothing-here HTTP/1.1\r\nHost: localhost\r\n\r\nHEAD /session HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	heads out >got &&
	printf "HTTP/1.1 404 \nHTTP/1.1 200 \n" >want &&
	test_cmp want got &&
	! tr -d "\r" <out | grep -a "^404 Not Found" &&
	req "HEAD /stream HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out401 &&
	test "$(status <out401)" = "HTTP/1.1 401 Unauthorized" &&
	len=$(tr -d "\r" <out401 | sed -n "s/^Content-Length: //p") &&
	test "$len" -gt 0 &&
	test "$(tr -d "\r" <out401 | sed "1,/^\$/d" | wc -c)" = 0
'

test_expect_success 'a snapshot held for its password check is answered once' '
	auth=$(printf alice:alicepass1 | base64) &&
	req "GET /snapshot HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic $auth\r\n\r\nGET /session HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" 10 >out &&
	heads out >got &&
	printf "HTTP/1.1 200 \nHTTP/1.1 200 \n" >want &&
	test_cmp want got &&
	stop_server
'

test_done
