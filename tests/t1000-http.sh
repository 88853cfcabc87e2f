#!/bin/sh
test_description='HTTP: assets, status codes, keep-alive, slow and idle clients'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'start on the test pattern' '
	start_server --source test --size 320x240 --fps 30 --timeout 2
'

test_expect_success 'GET / serves the embedded client' '
	req "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	grep -i "^content-type: text/html" out &&
	grep -i "<html" out
'

test_expect_success 'assets have their content types' '
	req "GET /app.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >js &&
	grep -i "^content-type: text/javascript" js &&
	req "GET /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >css &&
	grep -i "^content-type: text/css" css
'

test_expect_success 'HEAD sends the head only' '
	req "HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	len=$(tr -d "\r" <out | sed -n "s/^[Cc]ontent-[Ll]ength: //p") &&
	test "$len" -gt 100 &&
	! grep -i "<html" out
'

test_expect_success '404 for an unknown path' '
	req "GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 404 Not Found"
'

test_expect_success '405 with Allow for another method' '
	req "DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 405 Method Not Allowed" &&
	grep -i "^allow: GET, HEAD" out
'

test_expect_success '400 for garbage, and the connection closes' '
	req "HELLO THERE\r\n\r\n" 5 >out &&
	test "$(status <out)" = "HTTP/1.1 400 Bad Request" &&
	grep -i "^connection: close" out
'

test_expect_success '400 for a missing Host on HTTP/1.1' '
	req "GET / HTTP/1.1\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 400 Bad Request"
'

test_expect_success '505 for another HTTP version' '
	req "GET / HTTP/2.0\r\nHost: localhost\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 505 HTTP Version Not Supported"
'

test_expect_success '431 for a head past the limit' '
	pad=$(head -c 9000 /dev/zero | tr "\0" a) &&
	req "GET / HTTP/1.1\r\nHost: localhost\r\nX-Pad: $pad\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 431 Request Header Fields Too Large"
'

test_expect_success 'header names are case-insensitive' '
	req "GET / HTTP/1.1\r\nhOsT: localhost\r\nCONNECTION: close\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	grep -i "^connection: close" out
'

test_expect_success 'keep-alive answers pipelined requests in order' '
	req "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nope HTTP/1.1\r\nHost: localhost\r\n\r\nGET /app.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >out &&
	grep "^HTTP/1.1" out | tr -d "\r" >got &&
	printf "HTTP/1.1 200 OK\nHTTP/1.1 404 Not Found\nHTTP/1.1 200 OK\n" >want &&
	test_cmp want got
'

test_expect_success 'HTTP/1.0 closes unless asked to keep alive' '
	req "GET /style.css HTTP/1.0\r\n\r\n" >out &&
	grep -i "^connection: close" out &&
	req "GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" 1 >out &&
	grep -i "^connection: keep-alive" out
'

test_expect_success 'a client sending one byte at a time is served' '
	printf "GET /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" |
	"$WSC" http --slow 5 -T 5 127.0.0.1:$PORT >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK"
'

test_expect_success 'an unfinished head times out with 408' '
	req "GET / HTTP/1.1\r\nHost: localhost\r\n" 5 >out &&
	test "$(status <out)" = "HTTP/1.1 408 Request Timeout"
'

test_expect_success 'an idle keep-alive connection is closed' '
	start=$(date +%s) &&
	req "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n" 8 >out &&
	end=$(date +%s) &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	test $((end - start)) -lt 7
'

test_expect_success '/state is JSON describing the source' '
	curl -sf "$BASE/state" >state.json &&
	jq -e ".source.name == \"test\" and .source.w == 320 and .source.h == 240" state.json &&
	jq -e ".clients | type == \"array\"" state.json
'

test_expect_success '/metrics is Prometheus text' '
	curl -sf "$BASE/metrics" >m &&
	grep "^rerocctv_source_fps{camera=\"test\"} " m &&
	grep "^rerocctv_connections " m
'

test_expect_success 'the server answers while a slow client dawdles' '
	{ printf "GET / HTTP/1.1\r\n" | "$WSC" http --slow 200 -T 3 127.0.0.1:$PORT >slow & } &&
	curl -sf -o /dev/null "$BASE/style.css" &&
	wait
'

test_expect_success '--web DIR serves a directory and nothing outside it' '
	stop_server &&
	mkdir -p site/sub && echo "<html>mine</html>" >site/index.html &&
	echo secret >outside.txt && ln -s ../outside.txt site/link.txt &&
	echo deep >site/sub/a.txt &&
	start_server --source test --size 320x240 --web site &&
	curl -sf "$BASE/" | grep mine &&
	curl -sf "$BASE/sub/a.txt" | grep deep &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$BASE/link.txt")" = 404 &&
	req "GET /../outside.txt HTTP/1.1\r\nHost: localhost\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 404 Not Found" &&
	req "GET /sub/../../outside.txt HTTP/1.1\r\nHost: localhost\r\n\r\n" >out &&
	test "$(status <out)" = "HTTP/1.1 404 Not Found"
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_expect_success '--congestion: one the kernel lacks is refused clearly' '
	! "$RR" --source test --listen 127.0.0.1:0 --congestion nosuch \
		2>err &&
	grep "congestion nosuch:.*tcp_available_congestion_control" err
'

test_expect_success '--congestion: the clients get it' '
	cc=$(tr " " "\n" </proc/sys/net/ipv4/tcp_available_congestion_control |
		grep -v "^$(cat /proc/sys/net/ipv4/tcp_congestion_control)\$" |
		head -n 1) &&
	test -n "$cc" &&
	start_server --source test --size 320x240 --congestion "$cc" &&
	{ curl -s -o /dev/null --max-time 3 "$BASE/stream" & } &&
	sleep 1 &&
	ss -tin "sport = :$PORT" >ss.out &&
	grep -w "$cc" ss.out &&
	stop_server
'

test_done
