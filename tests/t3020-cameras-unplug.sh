#!/bin/sh
test_description='several emulated cameras: each at its own size to its own
viewers; one unplugged leaves the others at full rate, and comes back by
its stable /dev/v4l/by-id name under another /dev/videoN'
. "$(dirname "$0")/test-lib.sh"

need_fakecam
command -v jq >/dev/null || test_skip_all "no jq"

A=$(cam_dev 0)
B=$(cam_dev 2)
B2=$(cam_dev 4)

# per_second FILE: frames a second from wsclient --luma lines (arrival
# time first, µs), one line per whole second, the first and last cut.
per_second () {
	awk '{ s = int($1 / 1000000); n[s]++; if (!lo || s < lo) lo = s
		if (s > hi) hi = s }
		END { for (s = lo + 1; s < hi; s++) print n[s] + 0 }' "$1"
}

# b is unplugged after 90 frames (3 s), back 2 s later as another node.
test_expect_success 'two cameras: a by its node, b by its stable name' '
	cams_start "FAKECAM_DEVICES=$A,modes=yuyv:640x480@30;$B,modes=yuyv:320x240@30,id=cam-b,unplug_after=90,unplug_ms=2000,replug_as=$B2" \
		--camera a=$A,size=640x480,format=yuyv \
		--camera b=$BYID/cam-b,size=320x240,format=yuyv &&
	wait_log "a: v4l2:$A: yuyv 640x480 at 30 fps" &&
	wait_log "b: v4l2:$BYID/cam-b: yuyv 320x240 at 30 fps"
'

test_expect_success 'b unplugged and back: a keeps its full rate throughout' '
	{ "$WSC" load -t 9 --luma a.luma "$WSBASE/c/a/websocket/70" \
		>a.out 2>&1 & } &&
	pa=$! &&
	"$WSC" load -t 9 --luma b.luma "$WSBASE/c/b/websocket/70" \
		>b.out 2>&1 &&
	wait $pa &&
	cat a.out b.out &&
	per_second a.luma >a.fps &&
	per_second b.luma >b.fps &&
	echo "a per second: $(tr "\n" " " <a.fps)" &&
	echo "b per second: $(tr "\n" " " <b.fps)" &&
	awk "\$1 < 24 { bad++ } END { exit bad > 0 || NR < 6 }" a.fps &&
	awk "\$1 < 5 { low++ } END { exit low == 0 }" b.fps
'

test_expect_success 'b was lost, logged under its name, and found again' '
	wait_log "b: .*(lost|No such device|ENODEV|no frame)" &&
	wait_log "b: v4l2:$BYID/cam-b: yuyv 320x240 at 30 fps" 2 &&
	! grep -E "^rerocctv: a: .*(lost|No such device)" server.log &&
	state_until "[.cameras[].source.signal] == [true, true]"
'

test_expect_success 'after the replug b streams at its rate again' '
	"$WSC" load -t 3 --size 320x240 "$WSBASE/c/b/websocket/70" >b2.out 2>&1 &&
	cat b2.out &&
	kv fps <b2.out | between 24 31
'

test_done
