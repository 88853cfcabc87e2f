# lib-fakecam.sh: the emulated camera: tests/fakecam.so, an LD_PRELOAD
# stand-in for libv4l2, answers for DEV, a path that does not exist.
# Sourced by test-lib.sh; POSIX sh.

FAKECAM=$TESTS_DIR/fakecam.so
DEV=/nonexistent/fakecam-video0

# need_fakecam: skips the whole file without fakecam.so.
need_fakecam () {
	test -f "$FAKECAM" || test_skip_all "no tests/fakecam.so: run make"
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

