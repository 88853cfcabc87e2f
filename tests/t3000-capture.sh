#!/bin/sh
test_description='the V4L2 source against the emulated camera (fakecam.so):
formats, sizes, rates, auto format choice, --list-formats, a missing
camera, corrupt frames, frames of another size, and unplug/replug without
leaking fds'
. "$(dirname "$0")/test-lib.sh"

need_fakecam

# load URL [wsclient options]: 3 s of frames into "out", key=value words,
# once frames flow (the fake camera encodes its JPEGs when it starts).
load () {
	ld_url_=$1
	shift
	"$WSC" load -f 3 -t 5 "$ld_url_" >/dev/null &&
	"$WSC" load -t 3 "$@" "$ld_url_" >out &&
	cat out &&
	test "$(kv invalid <out)" = 0
}

# quick URL [wsclient options]: as load, 1 s of frames.
quick () {
	qk_url_=$1
	shift
	"$WSC" load -f 3 -t 5 "$qk_url_" >/dev/null &&
	"$WSC" load -t 1 "$@" "$qk_url_" >out &&
	cat out &&
	test "$(kv invalid <out)" = 0
}

test_expect_success '--list-formats prints formats, sizes and rates' '
	env LD_PRELOAD="$FAKECAM" FAKECAM_DEVICE=$DEV \
		"$RR" --list-formats --device $DEV >out &&
	cat out &&
	grep "Fake Camera" out &&
	grep "^ *YUYV" out &&
	grep "^ *MJPG" out &&
	grep "^ *640x480  *30 25 20 15 10 5 fps" out &&
	grep "^ *1280x720  *10 5 fps" out &&
	grep "^ *1280x720  *30 25 20 15 10 5 fps" out
'

test_expect_success '--list-formats names a missing device and fails' '
	test_must_fail env LD_PRELOAD="$FAKECAM" FAKECAM_DEVICE=$DEV \
		FAKECAM_MISSING=-1 "$RR" --list-formats --device $DEV \
		>out 2>err &&
	cat err &&
	grep "$DEV" err &&
	grep "No such file" err
'

test_expect_success 'YUYV 640x480 at 30 fps to WebSocket and MJPEG' '
	cam_start "" --format yuyv --size 640x480 --fps 30 &&
	wait_log "yuyv 640x480 at 30 fps" &&
	load $WSBASE/websocket/80 --decode &&
	test "$(kv w <out)" = 640 && test "$(kv h <out)" = 480 &&
	kv fps <out | between 26 32 &&
	load $BASE/stream --decode &&
	test "$(kv w <out)" = 640 &&
	kv fps <out | between 26 32
'

test_expect_success 'YUYV 1280x720 runs at the 10 fps the camera gives' '
	cam_start "" --format yuyv --size 1280x720 --fps 30 &&
	wait_log "yuyv 1280x720 at 10 fps" &&
	load $WSBASE/websocket/80 --decode &&
	test "$(kv w <out)" = 1280 && test "$(kv h <out)" = 720 &&
	kv fps <out | between 8 11
'

test_expect_success 'YUYV 1280x720 at 30 fps when the camera has it' '
	cam_start "FAKECAM_MODES=yuyv:1280x720@30" \
		--format yuyv --size 1280x720 --fps 30 &&
	wait_log "yuyv 1280x720 at 30 fps" &&
	load $WSBASE/websocket/80 -n 3 &&
	test "$(kv clients <out)" = 3 &&
	kv fps <out | between 26 32
'

test_expect_success 'MJPEG 1280x720 at 30 fps to WebSocket and MJPEG' '
	cam_start "" --format mjpeg --size 1280x720 --fps 30 &&
	wait_log "mjpeg 1280x720 at 30 fps" &&
	load $WSBASE/websocket/80 --decode &&
	test "$(kv w <out)" = 1280 && test "$(kv h <out)" = 720 &&
	kv fps <out | between 26 32 &&
	load $BASE/stream --decode &&
	kv fps <out | between 26 32
'

test_expect_success 'YUYV 1920x1080 at the 5 fps of a USB 2 camera, 4:2:0' '
	cam_start "FAKECAM_MODES=yuyv:1920x1080@5" --format yuyv \
		--size 1920x1080 --fps 30 &&
	wait_log "yuyv 1920x1080 at 5 fps" &&
	load $WSBASE/websocket/80 --decode &&
	test "$(kv w <out)" = 1920 && test "$(kv h <out)" = 1080 &&
	kv fps <out | between 4 6 &&
	curl -sf -o full.jpg "$BASE/snapshot?quality=80" &&
	test "$(sof full.jpg)" = "1920x1080 22 com"
'

test_expect_success 'MJPEG 1920x1080 at 30 fps: re-encoded 4:2:0, source as sent' '
	cam_start "FAKECAM_MODES=mjpeg:1920x1080@30" --format mjpeg \
		--size 1920x1080 --fps 30 &&
	wait_log "mjpeg 1920x1080 at 30 fps" &&
	load $WSBASE/websocket/80 --decode &&
	test "$(kv w <out)" = 1920 && test "$(kv h <out)" = 1080 &&
	kv fps <out | between 26 32 &&
	curl -sf -o full.jpg "$BASE/snapshot?quality=80" &&
	test "$(sof full.jpg)" = "1920x1080 22 com" &&
	curl -sf -o half.jpg "$BASE/snapshot?quality=h50" &&
	test "$(sof half.jpg)" = "960x540 22 com" &&
	curl -sf -o src.jpg "$BASE/snapshot?quality=source" &&
	test "$(sof src.jpg)" = "1920x1080 21 com"
'

test_expect_success '320x240: YUYV in 4:2:2 when asked, MJPEG in 4:2:0' '
	cam_start "FAKECAM_MODES=yuyv:320x240@30" --format yuyv \
		--size 320x240 --fps 30 --subsampling 422 &&
	wait_log "yuyv 320x240 at 30 fps" &&
	quick $WSBASE/websocket/80 --decode &&
	test "$(kv w <out)" = 320 && kv fps <out | between 26 32 &&
	curl -sf -o s.jpg "$BASE/snapshot?quality=80" &&
	test "$(sof s.jpg)" = "320x240 21 com" &&
	cam_start "FAKECAM_MODES=mjpeg:320x240@30" --format mjpeg \
		--size 320x240 --fps 30 &&
	wait_log "mjpeg 320x240 at 30 fps" &&
	quick $WSBASE/websocket/80 --decode &&
	test "$(kv h <out)" = 240 && kv fps <out | between 26 32 &&
	curl -sf -o s.jpg "$BASE/snapshot?quality=80" &&
	test "$(sof s.jpg)" = "320x240 22 com"
'

test_expect_success 'MJPEG without Huffman tables (FAKECAM_NODHT)' '
	cam_start "FAKECAM_NODHT=1" --format mjpeg --size 640x480 --fps 30 &&
	wait_log "mjpeg 640x480 at 30 fps" &&
	load $WSBASE/websocket/60 --decode &&
	kv fps <out | between 26 32 &&
	load "$BASE/stream?quality=source" --decode &&
	kv fps <out | between 26 32
'

test_expect_success '--format auto takes MJPEG for 720p30 on a USB 2 camera' '
	cam_start "" --format auto --size 1280x720 --fps 30 &&
	wait_log "mjpeg 1280x720 at 30 fps" &&
	load $WSBASE/websocket/80 &&
	kv fps <out | between 26 32
'

test_expect_success '--format auto prefers YUYV when both give the mode' '
	cam_start "" --format auto --size 640x480 --fps 30 &&
	wait_log "yuyv 640x480 at 30 fps" &&
	cam_start "FAKECAM_MODES=mjpeg:1280x720@30,yuyv:1280x720@30" \
		--format auto --size 1280x720 --fps 30 &&
	wait_log "yuyv 1280x720 at 30 fps"
'

test_expect_success '--format auto on a camera that only has MJPEG' '
	cam_start "FAKECAM_MODES=mjpeg:640x480@30" \
		--format auto --size 640x480 --fps 30 &&
	wait_log "mjpeg 640x480 at 30 fps"
'

test_expect_success 'a missing camera: the server runs and shows NO SIGNAL' '
	cam_start "FAKECAM_MISSING=-1" --size 640x480 &&
	wait_log "No such file or directory" &&
	"$WSC" load -f 2 -t 5 $BASE/stream >out &&
	cat out && test "$(kv invalid <out)" = 0 &&
	"$WSC" load -f 2 -t 5 $WSBASE/websocket/80 >out &&
	cat out && test "$(kv invalid <out)" = 0 &&
	curl -sf $BASE/state >state &&
	grep "\"signal\":false" state &&
	test "$(grep -c "No such file" "$TRASH/server.log")" = 1
'

test_expect_success 'a camera that comes late is picked up' '
	cam_start "FAKECAM_MISSING=1500" --format mjpeg --size 640x480 &&
	wait_log "mjpeg 640x480 at 30 fps" 1 10 &&
	load $WSBASE/websocket/80 &&
	kv fps <out | between 26 32
'

test_expect_success 'corrupt MJPEG frames are dropped, never sent' '
	cam_start "FAKECAM_CORRUPT=%5" --format mjpeg --size 640x480 &&
	wait_log "mjpeg 640x480 at 30 fps" &&
	load $WSBASE/websocket/80 --decode &&
	kv fps <out | between 21 26 &&
	load $BASE/stream --decode &&
	kv fps <out | between 21 26
'

# dropped_count: /state's source.dropped.
dropped_count () {
	curl -sf $BASE/state | jq -e .source.dropped
}

# One MJPEG frame in 5 is not 640x480: in turn 320x240, and one whose SOF
# claims 65000x65000. They are dropped before anything decodes or passes
# them on; the other 24 fps stream on, every one 640x480.
test_expect_success 'MJPEG frames of another size are dropped, counted, logged once' '
	cam_start "FAKECAM_WRONG_SIZE=5" --format mjpeg --size 640x480 &&
	wait_log "mjpeg 640x480 at 30 fps" &&
	d1=$(dropped_count) &&
	load $WSBASE/websocket/80 --decode --size 640x480 &&
	kv fps <out | between 21 26 &&
	load $BASE/stream --decode --size 640x480 &&
	kv fps <out | between 21 26 &&
	d2=$(dropped_count) &&
	echo "dropped: $d1, then $d2" &&
	test $((d2 - d1)) -ge 24 &&
	wait_log "dropped a 320x240 frame: the camera was set to 640x480" &&
	wait_log "dropped a 65000x65000 frame: the camera was set to 640x480" &&
	test "$(grep -c "dropped" "$TRASH/server.log")" = 2
'

test_expect_success '... and never passed through (quality=source)' '
	cam_start "FAKECAM_WRONG_SIZE=5" --format mjpeg --size 640x480 &&
	wait_log "mjpeg 640x480 at 30 fps" &&
	d1=$(dropped_count) &&
	load "$BASE/stream?quality=source" --decode --size 640x480 &&
	test "$(kv q <out)" = 0 &&
	kv fps <out | between 21 26 &&
	load $WSBASE/websocket/source --decode --size 640x480 &&
	kv fps <out | between 21 26 &&
	d2=$(dropped_count) &&
	echo "dropped: $d1, then $d2" &&
	test $((d2 - d1)) -ge 24 &&
	test "$(grep -c "dropped" "$TRASH/server.log")" = 2
'

test_expect_success 'dropped frames just lower the rate' '
	cam_start "FAKECAM_DROP=2" --format yuyv --size 640x480 &&
	wait_log "yuyv 640x480 at 30 fps" &&
	load $WSBASE/websocket/80 &&
	kv fps <out | between 13 17
'

test_expect_success 'unplug and replug: streams resume, no fd leaks' '
	cam_start "FAKECAM_UNPLUG_AFTER=60 FAKECAM_UNPLUG_MS=1500" \
		--format mjpeg --size 640x480 --fps 30 &&
	wait_log "mjpeg 640x480 at 30 fps" &&
	before=$(nfds) &&
	{ "$WSC" load -t 6 $WSBASE/websocket/80 >out & } &&
	wsc=$! &&
	wait_log "No such device" &&
	wait_log "mjpeg 640x480 at 30 fps" 2 &&
	wait $wsc &&
	cat out && test "$(kv invalid <out)" = 0 &&
	test "$(kv errors <out)" = 0 &&
	after=$(nfds) &&
	echo "fds before $before, after $after" &&
	test "$before" = "$after" &&
	load $WSBASE/websocket/80 &&
	kv fps <out | between 26 32
'

test_done
