#!/bin/sh
test_description='WebSocket: handshake, origins, protocol errors, control'
. "$(dirname "$0")/test-lib.sh"

# hs PATH [HEADER...] prints the answer to a handshake with the RFC 6455
# sample key, plus the extra header lines given.
hs () {
	hs_p_=$1
	shift
	hs_h_=
	for h
	do
		hs_h_="$hs_h_$h\r\n"
	done
	req "GET $hs_p_ HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n$hs_h_\r\n" 0.5
}
# ev SPEC... runs one connection at q30 sending SPECs; the events other
# than binary frames go to ev.out.
ev () {
	"$WSC" ws -T 3 "$WSBASE/websocket/30" "$@" >ev.raw &&
	grep -v "^binary " ev.raw >ev.out
	cat ev.out
}
# closes_with CODE: ev.out holds a 101, a close with CODE, then eof.
closes_with () {
	test "$(head -n 1 ev.out)" = "status 101" &&
	test "$(sed -n "s/^close \([0-9]*\).*/\1/p" ev.out)" = "$1" &&
	test "$(tail -n 1 ev.out)" = eof &&
	kill -0 "$SERVER_PID"
}
# A normal client still gets frames.
alive () {
	"$WSC" load -f 5 -t 5 "$WSBASE/websocket/30" >alive.out &&
	test "$(kv frames <alive.out)" = 5
}

test_expect_success 'start on the test pattern' '
	start_server --source test --size 320x240 --fps 30
'

test_expect_success 'handshake: 101 then binary frames' '
	"$WSC" ws -T 3 --frames 3 "$WSBASE/websocket/80" "close:#1000" >out &&
	test "$(head -n 1 out)" = "status 101" &&
	test $(grep -c "^binary " out) -ge 3
'

test_expect_success 'handshake: the RFC 6455 sample key gets its accept' '
	hs /websocket/80 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
		"Sec-WebSocket-Version: 13" >out &&
	test "$(status <out)" = "HTTP/1.1 101 Switching Protocols" &&
	tr -d "\r" <out | grep -a -i "^sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=$" &&
	tr -d "\r" <out | grep -a -i "^upgrade: websocket$"
'

test_expect_success 'handshake: a bad key is 400' '
	hs /websocket/80 "Sec-WebSocket-Key: short" \
		"Sec-WebSocket-Version: 13" >out &&
	test "$(status <out)" = "HTTP/1.1 400 Bad Request" &&
	grep -i "key" out &&
	hs /websocket/80 "Sec-WebSocket-Version: 13" >out &&
	test "$(status <out)" = "HTTP/1.1 400 Bad Request"
'

test_expect_success 'handshake: version 8 is 426 naming version 13' '
	hs /websocket/80 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
		"Sec-WebSocket-Version: 8" >out &&
	test "$(status <out)" = "HTTP/1.1 426 Upgrade Required" &&
	tr -d "\r" <out | grep -i "^sec-websocket-version: 13$"
'

test_expect_success 'bad qualities are 400 with a reason' '
	for q in 20 100 abc 1000 29 96 -50 7x
	do
		"$WSC" ws "$WSBASE/websocket/$q" >out &&
		test "$(head -n 1 out)" = "status 400" &&
		grep "quality must be" out || return 1
	done
'

test_expect_success '/websocket/72 snaps to q=70' '
	"$WSC" load -f 5 "$WSBASE/websocket/72" >out &&
	test "$(kv q <out)" = 70 &&
	"$WSC" load -f 5 "$WSBASE/websocket/33" >out &&
	test "$(kv q <out)" = 35 &&
	"$WSC" load -f 5 "$WSBASE/websocket/auto" >out
'

test_expect_success 'a plain GET on a WebSocket endpoint is 426' '
	curl -s -D head -o body "$BASE/websocket/80" &&
	test "$(status <head)" = "HTTP/1.1 426 Upgrade Required" &&
	tr -d "\r" <head | grep -i "^sec-websocket-version: 13$" &&
	tr -d "\r" <head | grep -i "^upgrade: websocket$"
'

test_expect_success 'POST is 405' '
	curl -s -D head -o body -X POST "$BASE/websocket/80" &&
	test "$(status <head)" = "HTTP/1.1 405 Method Not Allowed" &&
	tr -d "\r" <head | grep -i "^allow: GET"
'

test_expect_success 'a foreign Origin is 403' '
	"$WSC" ws --origin http://evil.example "$WSBASE/websocket/80" >out &&
	test "$(head -n 1 out)" = "status 403" &&
	grep -i "origin" out
'

test_expect_success 'origins that only look like ours are 403' '
	for o in "http://127.0.0.1:$PORT.evil.example" \
		"http://127.0.0.1:${PORT}0" "http://127.0.0.1:$PORT/" \
		"http://127.0.0.1" "ftp://127.0.0.1:$PORT" \
		"http://evil.example/127.0.0.1:$PORT" "null" \
		"http://app.example:51730"
	do
		"$WSC" ws --origin "$o" "$WSBASE/websocket/80" >out &&
		test "$(head -n 1 out)" = "status 403" ||
		{ echo "let in: $o"; return 1; }
	done
'

test_expect_success 'the same origin and no origin are allowed' '
	"$WSC" ws -T 3 --frames 1 --origin "http://127.0.0.1:$PORT" \
		"$WSBASE/websocket/80" "close:#1000" >out &&
	test "$(head -n 1 out)" = "status 101" &&
	"$WSC" ws -T 3 --frames 1 "$WSBASE/websocket/80" "close:#1000" >out &&
	test "$(head -n 1 out)" = "status 101"
'

test_expect_success '--allow-origin lets a named origin in, * any' '
	start_server --source test --size 320x240 --fps 30 \
		--allow-origin http://app.example:5173 &&
	"$WSC" ws -T 3 --frames 1 --origin http://app.example:5173 \
		"$WSBASE/websocket/80" "close:#1000" >out &&
	test "$(head -n 1 out)" = "status 101" &&
	"$WSC" ws --origin http://evil.example "$WSBASE/websocket/80" >out &&
	test "$(head -n 1 out)" = "status 403" &&
	for o in http://app.example:51730 http://app.example:517 \
		http://app.example:5173.evil.example
	do
		"$WSC" ws --origin $o "$WSBASE/websocket/80" >out &&
		test "$(head -n 1 out)" = "status 403" || return 1
	done &&
	start_server --source test --size 320x240 --fps 30 \
		--allow-origin "*" &&
	"$WSC" ws -T 3 --frames 1 --origin http://evil.example \
		"$WSBASE/websocket/80" "close:#1000" >out &&
	test "$(head -n 1 out)" = "status 101"
'

test_expect_success 'an unmasked frame is 1002' '
	ev utext:hi && closes_with 1002
'

test_expect_success 'an RSV bit is 1002' '
	ev r1text:hi && closes_with 1002 &&
	ev r3bin:x && closes_with 1002
'

test_expect_success 'reserved opcodes are 1002' '
	ev 3:x && closes_with 1002 &&
	ev 11 && closes_with 1002
'

test_expect_success 'a ping over 125 bytes is 1002' '
	ev "ping:*126" && closes_with 1002
'

test_expect_success 'a fragmented ping is 1002' '
	ev fping:a cont:b && closes_with 1002
'

test_expect_success 'a continuation without a start is 1002' '
	ev cont:x && closes_with 1002
'

test_expect_success 'a new text inside a fragmented text is 1002' '
	ev ftext:a text:b && closes_with 1002
'

test_expect_success 'invalid UTF-8 text is 1007' '
	ev text:x:ff && closes_with 1007 &&
	ev ftext:x:c3 cont:x:28 && closes_with 1007
'

test_expect_success 'a close is answered with its own code' '
	ev "close:#4001:bye" && closes_with 4001 &&
	ev "close:#1001" && closes_with 1001 &&
	ev close && closes_with 1000
'

test_expect_success 'a close with a 1-byte payload is 1002' '
	ev close:x:03 && closes_with 1002
'

test_expect_success 'close codes 999, 1005 and 5000 are 1002' '
	ev "close:#999" && closes_with 1002 &&
	ev "close:#1005" && closes_with 1002 &&
	ev "close:#5000" && closes_with 1002
'

test_expect_success 'a close reason that is not UTF-8 is 1007' '
	ev close:x:03e8ff && closes_with 1007
'

test_expect_success 'a 5000-byte message is 1009, whole or in fragments' '
	ev "bin:*5000" && closes_with 1009 &&
	ev "ftext:*3000" "cont:*2000" && closes_with 1009
'

test_expect_success 'a ping gets a pong with the same payload' '
	ev ping:hello "ping:x:00ff" "close:#1000" &&
	grep "^pong hello$" ev.out &&
	test $(grep -c "^pong" ev.out) = 2 &&
	closes_with 1000
'

test_expect_success 'a client close 1000 is echoed, then eof' '
	ev "close:#1000:bye" &&
	printf "status 101\nclose 1000\neof\n" >want &&
	test_cmp want ev.out &&
	ev close &&
	closes_with 1000
'

test_expect_success 'the server still serves after all of these' '
	alive &&
	curl -sf -o /dev/null "$BASE/state"
'

test_expect_success 'a text message switches the quality in-band' '
	"$WSC" load --send "{\"quality\":40}@10" -f 40 \
		"$WSBASE/websocket/80" >out &&
	test "$(kv q <out)" = 40 &&
	test "$(kv frames <out)" = 40 &&
	test "$(kv connected <out)" = 1 &&
	test "$(kv errors <out)" = 0 &&
	"$WSC" load --send "{\"quality\":\"auto\"}@5" -f 20 \
		"$WSBASE/websocket/80" >out &&
	test "$(kv frames <out)" = 20
'

test_expect_success 'invalid control text leaves the stream running' '
	"$WSC" load --send "{\"quality\":7}@5" -f 30 \
		"$WSBASE/websocket/80" >out &&
	test "$(kv q <out)" = 80 &&
	"$WSC" load --send "nonsense@5" -f 30 "$WSBASE/websocket/80" >out &&
	test "$(kv q <out)" = 80 &&
	test "$(kv errors <out)" = 0
'

test_expect_success 'rerocctv.v1: the subprotocol, then hello first' '
	"$WSC" ws -T 2 --protocol rerocctv.v1 "$WSBASE/websocket/auto" >out;
	test "$(sed -n 2p out)" = "protocol rerocctv.v1" &&
	grep "^text " out | head -n 1 | sed "s/^text //" >hello.json &&
	jq -e ".type == \"hello\" and .w == 320 and .h == 240" hello.json &&
	grep "^text " out | sed "s/^text //" | jq -e -s \
		"map(select(.type == \"stats\")) | length >= 1"
'

test_expect_success 'without the subprotocol no text arrives' '
	"$WSC" ws -T 1.5 "$WSBASE/websocket/auto" >out;
	test "$(head -n 1 out)" = "status 101" &&
	! grep "^protocol" out &&
	! grep "^text" out
'

test_expect_success 'rerocctv.v1: bad control text gets an error message' '
	"$WSC" ws -T 0.5 --frames 2 --protocol rerocctv.v1 \
		"$WSBASE/websocket/80" "text:{\"quality\":7}" >out;
	grep "^text " out | sed "s/^text //" | jq -e -s \
		"map(select(.type == \"error\")) | length == 1"
'

test_expect_success 'hNN is the half-resolution rung of quality NN' '
	"$WSC" load -t 1 "$WSBASE/websocket/h40" >out &&
	test "$(kv q <out)" = 40 &&
	test "$(kv w <out)" = 160 && test "$(kv h <out)" = 120
'

test_expect_success 'source without a camera JPEG is our best quality' '
	"$WSC" load -t 1 "$WSBASE/websocket/source" >out &&
	test "$(kv q <out)" = 95 &&
	test "$(kv w <out)" = 320
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_done
