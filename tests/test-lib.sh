# test-lib.sh: the harness every tests/tNNNN-name.sh sources (git t/ style).
# Prints TAP; each file runs in a fresh tests/trash.NAME, kept on failure.
#
#	test_description='what this file tests'
#	. "$(dirname "$0")/test-lib.sh"
#	test_expect_success 'desc' 'commands'
#	test_done
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
export TOP RR WSC TRASH RR_MEMCHECK

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
SERVER_PID=

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

# Prints the value of KEY from key=value words on stdin (the last one);
# fails if there is none.
kv () {
	awk -v k="$1" '{
		for (i = 1; i <= NF; i++)
			if (index($i, k "=") == 1) { v = substr($i, length(k) + 2); f = 1 }
	} END { if (f) print v; else exit 1 }'
}

# sof FILE: "WxH HV" from a JPEG's frame header (segments walked from
# SOI): its size and the luma sampling factors, 22 for 4:2:0, 21 for
# 4:2:2; then "com" when a COM segment comes right after SOI.
sof () {
	head -c 8192 "$1" | od -An -v -tu1 | awk '
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			if (b[0] != 255 || b[1] != 216) exit 1
			for (i = 2; i + 11 < n && b[i] == 255; ) {
				m = b[i + 1]
				if (m >= 192 && m <= 194) {
					printf "%dx%d %d%d%s\n",
						b[i + 7] * 256 + b[i + 8],
						b[i + 5] * 256 + b[i + 6],
						int(b[i + 11] / 16), b[i + 11] % 16,
						b[3] == 254 ? " com" : ""
					exit 0
				}
				i += 2 + b[i + 2] * 256 + b[i + 3]
			}
			exit 1
		}'
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

# Shared helpers for the tests.

# req 'RAW REQUEST' [SECONDS] sends a raw request (printf escapes) and
# prints the server's whole answer.
req () {
	printf "$1" | "$WSC" http -T "${2:-3}" 127.0.0.1:$PORT
}

# status: the status line of the answer on stdin, without CR.
status () {
	head -n 1 | tr -d '\r'
}

# between MIN MAX: the number on stdin lies in [MIN, MAX].
between () {
	awk -v lo="$1" -v hi="$2" '{ v = $1 + 0 }
		END { if (NR != 1 || v < lo || v > hi) { print "not in [" lo \
		", " hi "]: " $0; exit 1 } }'
}

# nfds: how many fds the server has open.
nfds () {
	ls "/proc/$SERVER_PID/fd" | wc -l
}

# fds_back FD0: waits up to 6 s for the server to hold no more than FD0
# descriptors (two more allowed: a lingering close), saying how many.
fds_back () {
	fb_n_=60
	while fb_fd_=$(nfds) && test "$fb_fd_" -gt $(($1 + 2)) &&
		test $fb_n_ -gt 0
	do
		sleep 0.1
		fb_n_=$((fb_n_ - 1))
	done
	echo "fds before $1, after $fb_fd_"
	test "$fb_fd_" -le $(($1 + 2))
}

# need_browser: skips the whole file without node, the Debian Chromium or
# playwright-core (tests/deps.sh installs all three; no test installs
# anything); sets CHROMIUM, and SHOTS for screenshots (RR_SHOTS=DIR keeps
# them, else they go with $TRASH).
need_browser () {
	CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
	command -v node >/dev/null 2>&1 ||
		test_skip_all 'node is not installed (sh tests/deps.sh)'
	test -x "$CHROMIUM" ||
		test_skip_all "$CHROMIUM is not installed (sh tests/deps.sh)"
	(cd "$TESTS_DIR" && node -e "require.resolve('playwright-core')") \
		>/dev/null 2>&1 ||
		test_skip_all 'playwright-core is missing (sh tests/deps.sh)'
	SHOTS=${RR_SHOTS:-$TRASH}
	export CHROMIUM SHOTS
}

# state_until JQ: polls /state for up to ~5 s until the jq test holds.
state_until () {
	su_n_=50
	while test $su_n_ -gt 0
	do
		curl -sf "$BASE/state" >state.json &&
		jq -e "$1" state.json >/dev/null && return 0
		su_n_=$((su_n_ - 1))
		sleep 0.1
	done
	echo >&2 "state never matched: $1"
	cat >&2 state.json
	return 1
}

# Starts the server on a kernel-chosen port and waits for its readiness
# line; sets PORT, SERVER_PID, BASE, WSBASE. Stopped at exit. The server
# runs under an orphaned monitor that writes its exit status to
# server.status, so a bare `wait` in a test never waits for the server.
start_server () {
	stop_server || return 1
	test -x "$RR" || { echo >&2 "no $RR: run make"; return 1; }
	rm -f "$TRASH/server.pid" "$TRASH/server.status"
	: >"$TRASH/server.log"
	(
		(
			$RR_WRAP "$RR" --listen 127.0.0.1:0 "$@" \
				>"$TRASH/server.log" 2>&1 &
			echo $! >"$TRASH/server.pid"
			wait $!
			echo $? >"$TRASH/server.status.tmp"
			mv "$TRASH/server.status.tmp" "$TRASH/server.status"
		) &
	) </dev/null >/dev/null 2>&1
	test -n "$ss_once_" || test_atexit stop_server
	ss_once_=t
	ss_tries_=1000		# 10 s of 10 ms polls; slower under a wrapper
	test -z "$RR_WRAP" || ss_tries_=6000
	SERVER_PID=
	while :
	do
		test -n "$SERVER_PID" || SERVER_PID=$(cat "$TRASH/server.pid" 2>/dev/null)
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' \
			"$TRASH/server.log" | head -n 1)
		test -n "$PORT" && test -n "$SERVER_PID" && break
		if test -f "$TRASH/server.status"
		then
			echo >&2 "server exited ($(cat "$TRASH/server.status")) before listening:"
			cat >&2 "$TRASH/server.log"
			SERVER_PID=
			return 1
		fi
		ss_tries_=$((ss_tries_ - 1))
		if test $ss_tries_ -le 0
		then
			echo >&2 "server not listening in time"
			stop_server
			return 1
		fi
		sleep 0.01
	done
	BASE=http://127.0.0.1:$PORT
	WSBASE=ws://127.0.0.1:$PORT
	export PORT BASE WSBASE SERVER_PID
}

# SIGTERM, then up to 5 s (more under a wrapper) for a zero exit status.
stop_server () {
	test -n "$SERVER_PID" || return 0
	sp_pid_=$SERVER_PID
	SERVER_PID=
	kill -TERM "$sp_pid_" 2>/dev/null
	sp_tries_=500
	test -z "$RR_WRAP" || sp_tries_=3000
	sp_killed_=
	while ! test -f "$TRASH/server.status"
	do
		sp_tries_=$((sp_tries_ - 1))
		if test $sp_tries_ = 0 && test -n "$sp_killed_"
		then
			echo >&2 "server $sp_pid_ survived SIGKILL"
			return 1
		elif test $sp_tries_ = 0
		then
			kill -KILL "$sp_pid_" 2>/dev/null
			sp_killed_=t
			sp_tries_=500
		fi
		sleep 0.01
	done
	sp_st_=$(cat "$TRASH/server.status")
	if test -n "$sp_killed_"
	then
		echo >&2 "server ignored SIGTERM and was killed"
		return 1
	fi
	if test "$sp_st_" != 0
	then
		echo >&2 "server exited with status $sp_st_:"
		tail -n 20 "$TRASH/server.log" >&2
		return 1
	fi
}

trap 'test_exit_' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
rm -rf "$TRASH" && mkdir -p "$TRASH" && cd "$TRASH" || exit 1

# The emulated camera (tests/fakecam.so, an LD_PRELOAD stand-in for
# libv4l2) answers for DEV, a path that does not exist.
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

# wait_log PATTERN [COUNT [SECONDS]]: until server.log has COUNT lines
# matching the extended regex PATTERN.
wait_log () {
	wl_tries_=$((${3:-10} * 10))
	while test "$(grep -Ec -- "$1" "$TRASH/server.log")" -lt "${2:-1}"
	do
		wl_tries_=$((wl_tries_ - 1))
		if test $wl_tries_ -le 0
		then
			echo >&2 "server.log: no $1 (x${2:-1}):"
			cat >&2 "$TRASH/server.log"
			return 1
		fi
		sleep 0.1
	done
}
