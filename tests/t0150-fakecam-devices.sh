#!/bin/sh
test_description='the emulated camera itself, with several cameras at once
(FAKECAM_DEVICES): each its own sizes, rate, picture and controls, grabbed
from one thread each (tests/camgrab); an unplug that takes one camera and
leaves the others; a camera that comes back at another node, its by-id
name following it; the single camera of FAKECAM_DEVICE as before'
. "$(dirname "$0")/test-lib.sh"

need_fakecam
test -x "$CAMGRAB" || test_skip_all "no tests/camgrab: run make"

D2=$(cam_dev 2) D3=$(cam_dev 3) D4=$(cam_dev 4) D5=$(cam_dev 5)
D6=$(cam_dev 6)

# grab 'FAKECAM_X=...' "$CAMGRAB" ARGS...: camgrab on the fake cameras,
# its lines in "out" (stderr in "err"), each KEY=VALUE of its Nth line
# (from 0) in the variable cN_KEY (the last run's only).
grab () {
	unset $(set | sed -n "s/^\(c[0-9][0-9]*_[a-z_]*\)=.*/\1/p") &&
	fakecam_run "$@" >out 2>err &&
	cat out err &&
	eval "$(awk '{
		n = substr($1, 5)
		for (i = 2; i <= NF; i++) {
			k = $i
			sub(/=.*/, "", k)
			print "c" n "_" k "=\047" substr($i, length(k) + 2) "\047"
		}
	}' out)"
}

# cam N KEY: what camgrab's Nth line says of KEY.
cam () {
	eval "echo \"\${c${1}_$2-}\""
}

# is N KEY VALUE: camgrab's Nth line says KEY=VALUE.
is () {
	test "$(cam "$1" "$2")" = "$3" ||
		{ echo "cam $1: $2=$(cam "$1" "$2"), not $3"; return 1; }
}

test_expect_success 'four cameras at once, each of its own size and rate' '
	grab "FAKECAM_DEVICES=$D2,modes=yuyv:640x480@30;$D3,modes=yuyv:640x480@30;$D4,modes=yuyv:320x240@15,ctrls=0;$D5,modes=mjpeg:424x240@10+yuyv:424x240@5" \
		"$CAMGRAB" -t 1500 $D2,size=640x480,fps=30,bright=200 \
		$D3,size=640x480,fps=30 $D4,size=320x240,fps=15 \
		$D5,size=424x240,fps=10,format=mjpeg &&
	test ! -s err &&
	is 0 w 640 && is 0 h 480 && is 1 w 640 && is 1 h 480 &&
	is 2 w 320 && is 2 h 240 &&
	is 3 w 424 && is 3 h 240 && is 3 fmt mjpeg &&
	for i in 0 1 2 3
	do
		is $i bad 0 && is $i losses 0 && is $i opens 1 || return 1
	done &&
	cam 0 fps | between 22 45 &&
	cam 1 fps | between 22 45 &&
	cam 2 fps | between 11 21 &&
	cam 3 fps | between 7 14 &&
	cam 0 frames | between 15 50 &&
	cam 2 frames | between 8 25
'

test_expect_success '... each names itself and shows a picture of its own' '
	is 0 card Fake_Camera && is 1 card Fake_Camera_2 &&
	is 3 card Fake_Camera_4 &&
	# frame 1 of each, the same size: only the camera differs
	test "$c0_sum" != "$c1_sum"
'

test_expect_success '... and has controls of its own' '
	is 0 ctrls 19 && is 1 ctrls 19 && is 2 ctrls 0 &&
	is 0 bright 200 && is 1 bright 128 && is 2 bright - &&
	# brightness shows in the picture of the camera it was set on
	echo $((c0_y - c1_y)) | between 60 80
'

test_expect_success 'an unplug takes one camera; the others go on' '
	# (the one unplugged second: its own frames count, not the first'"'"'s)
	grab "FAKECAM_DEVICES=$D3,modes=yuyv:160x120@15;$D2,modes=yuyv:320x240@30,unplug_after=15" \
		"$CAMGRAB" -t 1000 $D2,size=320x240 $D3,size=160x120 \
		$D2,probe &&
	is 0 losses 1 && is 0 opens 1 && is 0 after 0 && is 0 err ENOENT &&
	cam 0 frames | between 10 15 &&
	is 1 losses 0 && is 1 bad 0 &&
	cam 1 fps | between 11 21 &&
	cam 1 frames | between 10 20 &&
	# gone for good (no unplug_ms), and access() agrees with open()
	cam 2 states | grep -Exe "\+[0-9]+,-[0-9]+" &&
	is 2 disagree 0
'

test_expect_success 'replug_as: back at another node, by-id following it' '
	grab "FAKECAM_DEVICES=$D2,modes=yuyv:320x240@30,unplug_after=15,unplug_ms=500,replug_as=$D6,id=usb-fake-a;$D3,modes=yuyv:160x120@30" \
		"$CAMGRAB" -t 1500 $BYID/usb-fake-a,size=320x240 \
		$D2,size=320x240 $D3,size=160x120 \
		$D2,probe $D6,probe $BYID/usb-fake-a,probe &&
	# through its stable name: lost, then back at the new node
	is 0 opens 2 && is 0 losses 1 && is 0 bad 0 && is 0 w 320 &&
	cam 0 after | between 10 60 &&
	echo $((c0_back_ms - c0_lost_ms)) | between 400 1000 &&
	# through its old node: lost for good
	is 1 opens 1 && is 1 losses 1 && is 1 after 0 && is 1 err ENOENT &&
	# the other camera never noticed
	is 2 losses 0 && is 2 bad 0 && cam 2 fps | between 22 45 &&
	# old node: there, gone; new node: absent, there; by-id: both
	cam 3 states | grep -Exe "\+[0-9]+,-[0-9]+" &&
	cam 4 states | grep -Exe "-[0-9]+,\+[0-9]+" &&
	cam 5 states | grep -Exe "\+[0-9]+,-[0-9]+,\+[0-9]+" &&
	is 5 node $D6 && is 4 node - &&
	for i in 3 4 5
	do
		is $i disagree 0 || return 1
	done &&
	# the link went with the old node and came with the new one
	IFS=, && set -- $c3_states $c4_states $c5_states && unset IFS &&
	gone=${2#-} new=${4#+} &&
	echo $((${6#-} - gone)) | between -80 80 &&
	echo $((${7#+} - new)) | between -80 80 &&
	echo $((new - gone)) | between 400 750
'

test_expect_success 'missing=M: one camera late, the other there at once' '
	grab "FAKECAM_DEVICES=$D2,modes=yuyv:160x120@30,missing=600;$D3,modes=yuyv:160x120@30" \
		"$CAMGRAB" -t 900 $D2,size=160x120 $D3,size=160x120 &&
	cam 0 first_ms | between 600 900 &&
	cam 1 first_ms | between 0 400 &&
	is 0 opens 1 && is 1 opens 1
'

test_expect_success 'the FAKECAM_* settings are every camera'"'"'s defaults' '
	grab "FAKECAM_MODES=yuyv:320x240@15 FAKECAM_CTRLS=0 FAKECAM_DEVICES=$D2;$D3,modes=yuyv:160x120@30,ctrls=1" \
		"$CAMGRAB" -t 400 $D2 $D3 &&
	is 0 w 320 && is 0 ctrls 0 && is 1 w 160 && is 1 ctrls 19
'

test_expect_success 'a bad spec is reported, the good ones kept' '
	grab "FAKECAM_DEVICES=$D2,bogus=1;relative;$D3,modes=yuyv:640x480@30x;;" \
		"$CAMGRAB" -t 400 $D2 $D3 &&
	grep "fakecam: $D2: bad setting bogus=1" err &&
	grep "fakecam: FAKECAM_DEVICES: not a path relative" err &&
	grep "fakecam: bad mode: yuyv:640x480@30x" err &&
	is 0 w 640 && is 0 bad 0 && is 1 w 640 && is 1 bad 0
'

SIZES="160x120 176x144 320x240 352x288 424x240 640x360 640x480 800x600"

test_expect_success 'eight cameras streaming from eight threads' '
	spec= args= n=0 &&
	for s in $SIZES
	do
		spec="$spec;$(cam_dev 1$n),modes=yuyv:$s@30" &&
		args="$args $(cam_dev 1$n),size=$s" &&
		n=$((n + 1)) || return 1
	done &&
	grab "FAKECAM_DEVICES=${spec#;}" "$CAMGRAB" -t 800 $args &&
	test $(wc -l <out) = 8 &&
	n=0 &&
	for s in $SIZES
	do
		is $n w ${s%x*} && is $n h ${s#*x} && is $n bad 0 &&
		is $n losses 0 && cam $n fps | between 22 45 &&
		n=$((n + 1)) || return 1
	done
'

test_expect_success 'without FAKECAM_DEVICES: the one camera of FAKECAM_DEVICE' '
	grab "FAKECAM_DEVICE=$DEV FAKECAM_MODES=yuyv:320x240@15 FAKECAM_UNPLUG_AFTER=8" \
		"$CAMGRAB" -t 800 $DEV,size=640x480 $D2 &&
	is 0 w 320 && is 0 losses 1 && is 0 err ENOENT &&
	is 0 card Fake_Camera && is 0 ctrls 19 &&
	# not emulated: passed on to libv4l2, and not there
	is 1 opens 0 && is 1 err ENOENT
'

test_done
