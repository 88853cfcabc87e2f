# lib-server.sh: the server under test: started on a kernel-chosen port
# and stopped at exit (start_server, stop_server), and watched from
# outside: its log and its descriptors. Sourced by test-lib.sh; POSIX sh.

SERVER_PID=

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
