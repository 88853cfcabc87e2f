#!/bin/sh
test_description='several cameras in one server: each at its own size and
rate to its own viewers, under /c/NAME/ (the first also at the plain
paths); /state lists them; bad names and unknown cameras are refused'
. "$(dirname "$0")/test-lib.sh"

command -v jq >/dev/null || test_skip_all "no jq"

test_expect_success 'a camera option that is wrong is refused clearly' '
	for bad in "Front=test" "all=test" "a b=test" "a=video0" "a=test,size=9" \
		"a=test,bogus=1" "a=test,fps=0" "$(printf "%033d" 0)=test"
	do
		test_must_fail "$RR" --listen 127.0.0.1:0 --camera "$bad" \
			2>err &&
		cat err &&
		grep -q -- "--camera" err || return 1
	done &&
	test_must_fail "$RR" --listen 127.0.0.1:0 --camera a=test \
		--camera a=test 2>err && grep "named twice" err &&
	test_must_fail "$RR" --listen 127.0.0.1:0 --camera a=test \
		--source test 2>err && grep "with --camera" err &&
	args= && for i in 1 2 3 4 5 6 7 8 9; do
		args="$args --camera c$i=test"
	done &&
	test_must_fail "$RR" --listen 127.0.0.1:0 $args 2>err &&
	grep "8 cameras at most" err
'

test_expect_success 'two cameras start, each logged under its name' '
	start_server --camera front=test,size=640x480 \
		--camera back=test,size=320x240,fps=15 &&
	wait_log "front: test: yuv420p 640x480 at 30 fps" &&
	wait_log "back: test: yuv420p 320x240 at 15 fps"
'

test_expect_success '/state lists both; /c/NAME/state is the camera'"'"'s' '
	curl -sf "$BASE/state" >s.json &&
	jq -e "[.cameras[].name] == [\"front\", \"back\"] and
		.camera == \"front\" and .source.w == 640 and
		.cameras[1].path == \"c/back/\" and
		.cameras[1].source.w == 320 and .cameras[1].source.fps == 15" \
		s.json &&
	curl -sf "$BASE/c/back/state" >b.json &&
	jq -e ".camera == \"back\" and .source.w == 320 and
		.source.h == 240 and (has(\"cameras\") | not)" b.json
'

test_expect_success 'snapshots: each camera its own size, the first at /' '
	curl -sf -o a.jpg "$BASE/snapshot" &&
	curl -sf -o f.jpg "$BASE/c/front/snapshot" &&
	curl -sf -o b.jpg "$BASE/c/back/snapshot?quality=50" &&
	test "$(sof a.jpg)" = "640x480 22 com" &&
	test "$(sof f.jpg)" = "640x480 22 com" &&
	test "$(sof b.jpg)" = "320x240 22 com"
'

test_expect_success 'unknown cameras and paths no camera has: 404' '
	for p in /c/side/stream /c/Front/stream /c/back /c/ /c//stream \
		/c/back/login /c/back/metrics /c/back/ /c/back/share \
		/c/back/c/front/stream
	do
		curl -s -o /dev/null -w "%{http_code} $p\n" "$BASE$p" >>codes
	done &&
	cat codes &&
	! grep -v "^404 " codes
'

test_expect_success 'viewers of each camera get its frames at its rate' '
	"$WSC" load -t 4 --decode --size 640x480 \
		"$WSBASE/c/front/websocket/70" >front.out 2>&1 &
	p1=$! &&
	{ "$WSC" load -t 4 --decode --size 320x240 \
		"$WSBASE/c/back/websocket/70" >back.out 2>&1 & } &&
	p2=$! &&
	"$WSC" load -t 4 --decode --size 640x480 \
		"$WSBASE/websocket/50" >plain.out 2>&1 &&
	wait $p1 && wait $p2 &&
	cat front.out back.out plain.out &&
	kv fps <front.out | between 24 31 &&
	kv fps <back.out | between 11 16 &&
	kv fps <plain.out | between 24 31 &&
	test "$(kv invalid <front.out)" = 0 &&
	test "$(kv invalid <back.out)" = 0
'

test_expect_success 'readers of back that never read: front keeps its rate' '
	{ "$WSC" load -n 20 --stall -t 5 "$WSBASE/c/back/websocket/95" \
		>stall.out 2>&1 & } &&
	ps=$! &&
	sleep 1 &&
	"$WSC" load -t 3 --size 640x480 "$WSBASE/c/front/websocket/70" \
		>front2.out 2>&1 &&
	wait $ps &&
	cat front2.out &&
	kv fps <front2.out | between 24 31 &&
	curl -sf -o /dev/null "$BASE/c/back/snapshot"
'

test_expect_success 'ffmpeg reads /c/NAME/stream' '
	command -v ffmpeg >/dev/null || { say "no ffmpeg"; return 0; }
	ffmpeg -nostdin -loglevel error -t 2 -i "$BASE/c/back/stream" \
		-frames:v 10 -f image2 -y "ff%02d.jpg" &&
	test -f ff10.jpg &&
	test "$(sof ff10.jpg | cut -d" " -f1)" = "320x240"
'

test_expect_success 'MJPEG and mjpg-streamer paths under /c/NAME/' '
	"$WSC" load -t 2 --size 320x240 "$BASE/c/back/stream?quality=60" \
		>m.out 2>&1 && cat m.out && test "$(kv invalid <m.out)" = 0 &&
	curl -sf -o act.jpg "$BASE/c/back/?action=snapshot" &&
	test "$(sof act.jpg | cut -d" " -f1)" = "320x240"
'

test_expect_success '/state: each viewer under its camera; metrics per camera' '
	"$WSC" load -t 3 "$WSBASE/c/back/websocket/60" >/dev/null 2>&1 &
	p=$! &&
	state_until "(.clients | length) == 1" &&
	curl -sf "$BASE/c/back/state" >b.json &&
	curl -sf "$BASE/c/front/state" >f.json &&
	jq -e "(.clients | length) == 1" b.json &&
	jq -e "(.clients | length) == 0" f.json &&
	curl -sf "$BASE/state" >s.json &&
	jq -e ".cameras[1].encoding == [\"q60\"] and
		.cameras[1].encode_ms_per_s > 0 and
		.cameras[0].encoding == [] and .cameras[0].encode_ms_per_s == 0" \
		s.json &&
	curl -sf "$BASE/metrics" >m &&
	grep "^rerocctv_source_fps{camera=\"back\"} " m &&
	grep "^rerocctv_source_fps{camera=\"front\"} " m &&
	wait $p
'

test_expect_success 'without --camera: one camera named after its device' '
	stop_server &&
	start_server --source test --size 320x240 &&
	curl -sf "$BASE/state" >s.json &&
	jq -e "[.cameras[].name] == [\"test\"]" s.json &&
	curl -sf -o t.jpg "$BASE/c/test/snapshot" &&
	test "$(sof t.jpg | cut -d" " -f1)" = "320x240"
'

test_expect_success 'four cameras: every one streams at its rate at once' '
	stop_server &&
	start_server --camera a=test,size=320x240 --camera b=test,size=352x288 \
		--camera c=test,size=320x240,fps=10 --camera d=test,size=160x120 &&
	pids= &&
	for c in a b c d
	do
		"$WSC" load -t 4 "$WSBASE/c/$c/websocket/60" >$c.out 2>&1 &
		pids="$pids $!"
	done &&
	wait $pids &&
	cat a.out b.out c.out d.out &&
	kv fps <a.out | between 24 31 &&
	kv fps <b.out | between 24 31 &&
	kv fps <c.out | between 8 11 &&
	kv fps <d.out | between 24 31
'

test_done
