# test-lib.sh: the harness every tests/tNNNN-name.sh sources (git t/ style).
# Prints TAP; each file runs in a fresh tests/trash.NAME, kept on failure.
#
#	test_description='what this file tests'
#	. "$(dirname "$0")/test-lib.sh"
#	test_expect_success 'desc' 'commands'
#	test_done
#
# This file is the harness: tests and their assertions, cleanups at exit,
# skips, the trash. The helpers are in tests/lib-*.sh, sourced at the end:
# lib-server.sh (start_server, wait_log, fds_back), lib-client.sh (req,
# state_until, kv, between, sof), lib-fakecam.sh (cam_start) and
# lib-browser.sh (need_browser); lib-link.sh (an emulated network link,
# root only) is sourced by the tests that use it.
#
# Options: -v shows each test's output instead of logging it. Environment:
# RR_WRAP prefixes the server (e.g. "valgrind --error-exitcode=99 -q"),
# RR_BIN names another build of it (make check-asan), RR_MEMCHECK says
# its memory is inflated by a checker.

TEST_NAME=$(basename "$0" .sh)
TESTS_DIR=$(cd "$(dirname "$0")" && pwd) || exit 1
TOP=$(cd "$TESTS_DIR/.." && pwd) || exit 1
RR=${RR_BIN:-$TOP/rerocctv}
WSC=$TESTS_DIR/wsclient
TRASH=$TESTS_DIR/trash.$TEST_NAME
# Under a memory checker (RR_WRAP valgrind, or an ASan build) the server's
# memory figures mean nothing: tests skip their bounds.
test -z "$RR_WRAP" || RR_MEMCHECK=1
# Where the lib-*.sh are: inherited by a copy of this file run elsewhere
# (t0000's sub-tests).
RR_LIBDIR=${RR_LIBDIR:-$TESTS_DIR}
export TOP RR WSC TRASH RR_MEMCHECK RR_LIBDIR

verbose=
for arg
do
	case $arg in
	-v|--verbose) verbose=t ;;
	-h|--help) printf '%s\n' "$test_description"; exit 0 ;;
	esac
done

test_count=0
test_failed=0
test_cleanup=
test_finished=

say () {
	printf '# %s\n' "$*"
}

# Runs $1 in this shell (so variables such as $PORT persist) from $TRASH.
test_run_ () {
	cd "$TRASH" || return 1
	if test -n "$verbose"
	then
		eval "$1" >&2
	else
		eval "$1" >"$TRASH/.log" 2>&1
	fi
}

test_report_ () {
	test_count=$((test_count + 1))
	if test "$1" = 0
	then
		printf 'ok %d - %s\n' "$test_count" "$2"
		return
	fi
	test_failed=$((test_failed + 1))
	printf 'not ok %d - %s\n' "$test_count" "$2"
	printf '%s\n' "$3" | sed 's/^/#	/'
	test -n "$verbose" || sed 's/^/# /' "$TRASH/.log"
}

test_expect_success () {
	test $# = 2 || { echo >&2 "bug: test_expect_success needs 2 args"; exit 1; }
	test_run_ "$2"
	test_report_ $? "$1" "$2"
}

# Succeeds when "$@" fails normally; a crash (signal) or a missing
# command is still a failure.
test_must_fail () {
	"$@"
	tmf_=$?
	if test $tmf_ = 0
	then
		echo >&2 "test_must_fail: command succeeded: $*"
		return 1
	elif test $tmf_ -gt 128 || test $tmf_ = 127 || test $tmf_ = 126
	then
		echo >&2 "test_must_fail: died or not found ($tmf_): $*"
		return 1
	fi
	return 0
}

test_cmp () {
	diff -u "$@"
}

# Registers commands to run at exit, even on failure; last in, first out.
test_atexit () {
	test_cleanup="{ $*
} && (exit \"\$tac_\"); tac_=\$?; $test_cleanup"
}

# Runs the cleanups once; fails if any did.
test_run_cleanup_ () {
	tcu_=$test_cleanup
	test_cleanup=
	test -n "$tcu_" || return 0
	tac_=0
	test_run_ "$tcu_(exit \"\$tac_\")"
}

test_skip_all () {
	test_run_cleanup_
	printf '1..0 # SKIP %s\n' "$1"
	test_finished=t
	cd "$TESTS_DIR" && rm -rf "$TRASH"
	exit 0
}

test_done () {
	if ! test_run_cleanup_
	then
		test_report_ 1 "cleanup at exit" "$tcu_"
	fi
	printf '1..%d\n' "$test_count"
	test_finished=t
	cd "$TESTS_DIR" || exit 1
	if test "$test_failed" = 0
	then
		rm -rf "$TRASH"
		exit 0
	fi
	say "failed $test_failed of $test_count; see $TRASH"
	exit 1
}

test_exit_ () {
	test -n "$test_finished" && return
	test_run_cleanup_
	say "$TEST_NAME exited before test_done"
	exit 1
}

trap 'test_exit_' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
rm -rf "$TRASH" && mkdir -p "$TRASH" && cd "$TRASH" || exit 1

. "$RR_LIBDIR/lib-server.sh"
. "$RR_LIBDIR/lib-client.sh"
. "$RR_LIBDIR/lib-fakecam.sh"
. "$RR_LIBDIR/lib-browser.sh"
