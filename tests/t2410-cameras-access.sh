#!/bin/sh
test_description='several cameras and the access decision: an account or a
share link limited to one camera gets 403 on every path of the others
(the plain paths are the first camera'"'"'s), and /state, /session and
POST /share show and make only what it may see'
. "$(dirname "$0")/test-lib.sh"

command -v jq >/dev/null || test_skip_all "no jq"

# code ARGS...: the status of a curl request, body in body.out.
code () {
	curl -s -o body.out -w "%{http_code}" --max-time 5 "$@"
}
json_post () {
	code -H "Content-Type: application/json" -X POST "$@"
}
# ws_code USER:PASS PATH: the status a WebSocket upgrade gets.
ws_code () {
	printf "GET $2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" \
		"$(printf %s "$1" | base64)" |
	"$WSC" http -T 2 127.0.0.1:$PORT | head -n 1 | cut -d" " -f2
}

test_expect_success 'two cameras, an admin, a viewer of back, an admin of back' '
	printf "alicepass1\n" | "$RR" passwd users alice --role admin &&
	printf "carolpass1\n" | "$RR" passwd users carol --cameras back &&
	printf "davepass12\n" | "$RR" passwd users dave --role admin \
		--cameras back &&
	start_server --auth-file users --camera front=test,size=320x240 \
		--camera back=test,size=160x120
'

test_expect_success 'the viewer of back: 403 on every path of front' '
	for p in /stream /snapshot /c/front/stream /c/front/snapshot \
		/c/front/state "/c/front/?action=snapshot" "/?action=stream"
	do
		echo "$(code -u carol:carolpass1 "$BASE$p") $p" || return 1
	done >codes &&
	cat codes && ! grep -v "^403 " codes &&
	test "$(ws_code carol:carolpass1 /c/front/websocket/auto)" = 403 &&
	test "$(ws_code carol:carolpass1 /websocket/auto)" = 403
'

test_expect_success '... and sees back' '
	test "$(code -u carol:carolpass1 "$BASE/c/back/snapshot")" = 200 &&
	test "$(ws_code carol:carolpass1 /c/back/websocket/auto)" = 101 &&
	test "$(code -u carol:carolpass1 "$BASE/state")" = 200 &&
	jq -e "[.cameras[].name] == [\"back\"] and .camera == \"back\" and
		.source.w == 160" body.out &&
	test "$(code -u carol:carolpass1 "$BASE/session")" = 200 &&
	jq -e ".cameras == [\"back\"]" body.out
'

test_expect_success 'an admin of back: no controls of front, no link to it' '
	test "$(code -u dave:davepass12 "$BASE/c/front/controls")" = 403 &&
	test "$(code -u dave:davepass12 "$BASE/controls")" = 403 &&
	test "$(code -u dave:davepass12 "$BASE/c/back/controls")" = 200 &&
	test "$(json_post -u dave:davepass12 -d "{\"camera\":\"front\"}" \
		"$BASE/share")" = 403 &&
	test "$(json_post -u dave:davepass12 -d "{}" "$BASE/share")" = 403 &&
	test "$(json_post -u dave:davepass12 -d "{\"camera\":\"back\"}" \
		"$BASE/share")" = 200
'

test_expect_success 'a share link for back: 403 on front, 200 on back' '
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":\"back\"}" \
		"$BASE/share")" = 200 &&
	jq -e ".camera == \"back\"" body.out &&
	S=$(jq -r .path body.out) &&
	test "$(code "$BASE${S}c/back/snapshot")" = 200 &&
	test "$(code "$BASE${S}c/front/snapshot")" = 403 &&
	test "$(code "$BASE${S}snapshot")" = 403 &&
	test "$(code "$BASE${S}state")" = 200 &&
	jq -e "[.cameras[].name] == [\"back\"]" body.out &&
	test "$(json_post -u alice:alicepass1 -d "{\"camera\":\"side\"}" \
		"$BASE/share")" = 400
'

test_expect_success 'the admin of every camera sees both; a link for all too' '
	test "$(code -u alice:alicepass1 "$BASE/state")" = 200 &&
	jq -e "[.cameras[].name] == [\"front\", \"back\"]" body.out &&
	test "$(code -u alice:alicepass1 "$BASE/c/front/snapshot")" = 200 &&
	test "$(json_post -u alice:alicepass1 -d "{}" "$BASE/share")" = 200 &&
	S=$(jq -r .path body.out) &&
	test "$(code "$BASE${S}c/front/snapshot")" = 200 &&
	test "$(code "$BASE${S}c/back/snapshot")" = 200
'

test_expect_success 'nobody: 401 before any camera is looked at' '
	test "$(code "$BASE/c/front/snapshot")" = 401 &&
	test "$(code "$BASE/c/nope/snapshot")" = 404
'

test_expect_success 'a camera'"'"'s paths: foreign Host, foreign Origin, a form, odd names' '
	test "$(code -u alice:alicepass1 -H "Host: evil.example" \
		"$BASE/c/back/snapshot")" = 421 &&
	printf "GET /c/back/websocket/auto HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nAuthorization: Basic %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" \
		"$(printf alice:alicepass1 | base64)" |
	"$WSC" http -T 2 127.0.0.1:$PORT | head -n 1 | grep " 403 " &&
	test "$(code -u alice:alicepass1 -X POST \
		-H "Content-Type: application/x-www-form-urlencoded" \
		-d "brightness=1" "$BASE/c/back/controls")" = 415 &&
	test "$(code -u carol:carolpass1 "$BASE/c/front%2fstream")" = 403 &&
	test "$(code -u carol:carolpass1 "$BASE/c%2ffront/stream")" = 403 &&
	for p in /c/%2e%2e/stream /c/$(printf "%040d" 0)/stream \
		"/c/back/../front/stream" /c/BACK/stream
	do
		echo "$(code -u alice:alicepass1 --path-as-is "$BASE$p") $p" ||
			return 1
	done >codes &&
	cat codes && ! grep -v "^40[04] " codes
'

test_expect_success 'a reload that takes back from carol ends her stream' '
	"$WSC" load -t 8 "ws://carol:carolpass1@127.0.0.1:$PORT/c/back/websocket/60" \
		>carol.out 2>&1 &
	p=$! &&
	sleep 1 &&
	printf "carolpass1\n" | "$RR" passwd users carol --cameras front &&
	kill -HUP "$SERVER_PID" &&
	wait_log "reload: accounts read again" &&
	wait $p; cat carol.out &&
	grep -q "server closed with 1008" carol.out &&
	test "$(kv frames <carol.out)" -lt 120 &&
	test "$(code -u carol:carolpass1 "$BASE/c/back/snapshot")" = 403 &&
	test "$(code -u carol:carolpass1 "$BASE/c/front/snapshot")" = 200
'

test_done
