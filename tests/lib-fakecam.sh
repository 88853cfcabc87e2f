# lib-fakecam.sh: the emulated camera: tests/fakecam.so, an LD_PRELOAD
# stand-in for libv4l2, answers for DEV, a path that does not exist; or,
# with FAKECAM_DEVICES, for several cameras at once (paths from cam_dev,
# stable names under BYID). Sourced by test-lib.sh; POSIX sh.

FAKECAM=$TESTS_DIR/fakecam.so
CAMGRAB=$TESTS_DIR/camgrab
DEV=/nonexistent/fakecam-video0
BYID=/dev/v4l/by-id

# need_fakecam: skips the whole file without fakecam.so.
need_fakecam () {
	test -f "$FAKECAM" || test_skip_all "no tests/fakecam.so: run make"
}

# cam_dev N: the path of emulated camera node N, like DEV (N = 0).
cam_dev () {
	echo "/nonexistent/fakecam-video$1"
}

# cam_start 'FAKECAM_X=... ...' SERVER-ARGS...: the server on the fake
# camera, with those FAKECAM_* settings.
cam_start () {
	cs_wrap_=$RR_WRAP
	RR_WRAP="env LD_PRELOAD=$FAKECAM FAKECAM_DEVICE=$DEV $1 $cs_wrap_"
	shift
	start_server --source v4l2 --device "$DEV" "$@"
	cs_st_=$?
	RR_WRAP=$cs_wrap_
	return $cs_st_
}

# cams_start 'FAKECAM_DEVICES=SPEC;SPEC... FAKECAM_X=...' SERVER-ARGS...:
# the server on several fake cameras (no FAKECAM_DEVICE, no --device: the
# SERVER-ARGS name the cameras). The settings are words: no spaces inside
# one. E.g.
#	cams_start "FAKECAM_DEVICES=$(cam_dev 2),modes=yuyv:640x480@30;$(cam_dev 4),modes=mjpeg:1280x720@15" \
#		--camera a=$(cam_dev 2) --camera b=$(cam_dev 4),size=1280x720
cams_start () {
	cs_wrap_=$RR_WRAP
	RR_WRAP="env LD_PRELOAD=$FAKECAM $1 $cs_wrap_"
	shift
	start_server "$@"
	cs_st_=$?
	RR_WRAP=$cs_wrap_
	return $cs_st_
}

# fakecam_run 'FAKECAM_X=... ...' COMMAND...: any command on the fake
# cameras (FAKECAM_DEVICE or FAKECAM_DEVICES in the settings), such as
# "$CAMGRAB".
fakecam_run () {
	fr_env_=$1
	shift
	env LD_PRELOAD="$FAKECAM" $fr_env_ "$@"
}
