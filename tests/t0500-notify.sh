#!/bin/sh
test_description='the service manager hears from us (sd_notify by hand):
READY=1 once listening, STATUS= with the clients streaming, WATCHDOG=1
every WATCHDOG_USEC/2 from the poll loop, STOPPING=1 on SIGTERM; pings
only for the WATCHDOG_PID named; an abstract socket; a NOTIFY_SOCKET
nobody reads is logged once; nothing at all without NOTIFY_SOCKET'
. "$(dirname "$0")/test-lib.sh"

command -v python3 >/dev/null 2>&1 || test_skip_all 'python3 is missing'

# listen NAME LOG: a datagram socket at NAME (a path, or @name for the
# abstract namespace) standing in for systemd's; each message becomes a
# line of LOG: "SECONDS MESSAGE" (monotonic, newlines as |), READY=1
# followed by whether server.log had the listening line when it came.
cat >listen.py <<\EOF
import os, socket, sys, time
name, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + name[1:] if name[0] == "@" else name)
with open(log, "a") as out:
	out.write("bound\n")
	out.flush()
	while True:
		m = s.recv(4096).decode(errors="replace").replace("\n", "|")
		if m == "READY=1":
			with open("server.log") as f:
				m += " listening" if "listening on" in f.read() else " early"
		out.write("%.6f %s\n" % (time.monotonic(), m))
		out.flush()
EOF
# WATCHDOG_PID is the server's own pid: the wrapper execs it.
cat >wd.sh <<\EOF
WATCHDOG_PID=$$
export WATCHDOG_PID
exec "$@"
EOF
WRAP0=$RR_WRAP

# start_listener NAME LOG: starts listen.py, waits until it is bound.
start_listener () {
	python3 listen.py "$1" "$2" &
	test_atexit "kill $! 2>/dev/null; true"
	sl_n_=100
	until grep -q bound "$2" 2>/dev/null
	do
		sl_n_=$((sl_n_ - 1))
		test $sl_n_ -gt 0 || return 1
		sleep 0.05
	done
}
# until_seen PATTERN LOG: waits up to 5 s for a line matching PATTERN.
until_seen () {
	us_n_=100
	until grep -q "$1" "$2"
	do
		us_n_=$((us_n_ - 1))
		test $us_n_ -gt 0 || { echo >&2 "never saw $1:"; cat >&2 "$2"; return 1; }
		sleep 0.05
	done
}

test_expect_success 'READY=1 comes first, after the listening line' '
	start_listener "$TRASH/notify.sock" notify.log &&
	NOTIFY_SOCKET=$TRASH/notify.sock WATCHDOG_USEC=400000 &&
	export NOTIFY_SOCKET WATCHDOG_USEC &&
	RR_WRAP="sh $TRASH/wd.sh $WRAP0" &&
	start_server --source test --size 320x240 --fps 10 &&
	RR_WRAP=$WRAP0 &&
	until_seen READY=1 notify.log &&
	sed -n 2p notify.log | grep " READY=1 listening$" &&
	ls -l /proc/$SERVER_PID/fd | grep -c "socket:" >n &&
	test "$(cat n)" = 2
'

test_expect_success 'STATUS= says how many clients a stream goes to' '
	until_seen "STATUS=streaming to 0 clients" notify.log &&
	{ curl -s --max-time 2 -o /dev/null "$BASE/stream" & } &&
	until_seen "STATUS=streaming to 1 client$" notify.log &&
	until_seen "STATUS=streaming to 0 clients" notify.log &&
	grep -c STATUS= notify.log >n &&
	test "$(cat n)" -le 4
'

test_expect_success 'WATCHDOG=1 every WATCHDOG_USEC/2 (200 ms), never 400 ms apart' '
	sleep 2 &&
	grep " WATCHDOG=1$" notify.log | awk "
		{ if (n) { g = \$1 - t; sum += g; if (g > max) max = g }
		  t = \$1; n++ }
		END {
			printf \"%d pings, mean gap %.3f s, longest %.3f s\n\",
				n, sum / (n - 1), max
			exit !(n >= 10 && sum / (n - 1) >= 0.17 &&
			       sum / (n - 1) <= 0.23 && max < 0.4)
		}"
'

test_expect_success 'STOPPING=1 on SIGTERM, then a clean exit' '
	! grep -q STOPPING=1 notify.log &&
	stop_server &&
	grep -q "stopping: closing" server.log &&
	until_seen STOPPING=1 notify.log &&
	test "$(grep -c READY=1 notify.log)" = 1
'

test_expect_success 'an abstract socket; no pings for another WATCHDOG_PID' '
	start_listener @rerocctv-t0500-$$ abstract.log &&
	NOTIFY_SOCKET=@rerocctv-t0500-$$ WATCHDOG_PID=1 &&
	export NOTIFY_SOCKET WATCHDOG_PID &&
	start_server --source test --size 320x240 --fps 10 &&
	unset WATCHDOG_PID &&
	until_seen "READY=1 listening" abstract.log &&
	sleep 1 &&
	! grep -q WATCHDOG=1 abstract.log &&
	stop_server &&
	until_seen STOPPING=1 abstract.log
'

test_expect_success 'a NOTIFY_SOCKET nobody reads: said once, serving on' '
	NOTIFY_SOCKET=$TRASH/nobody.sock &&
	export NOTIFY_SOCKET &&
	RR_WRAP="sh $TRASH/wd.sh $WRAP0" &&
	start_server --source test --size 320x240 --fps 10 &&
	RR_WRAP=$WRAP0 &&
	sleep 1 &&
	curl -sf --max-time 5 -o snap.jpg "$BASE/snapshot" &&
	test "$(grep -c NOTIFY_SOCKET server.log)" = 1 &&
	grep "sending READY=1" server.log &&
	stop_server
'

test_expect_success 'without NOTIFY_SOCKET: no socket, not a word' '
	unset NOTIFY_SOCKET &&
	RR_WRAP="sh $TRASH/wd.sh $WRAP0" &&
	start_server --source test --size 320x240 --fps 10 &&
	RR_WRAP=$WRAP0 &&
	ls -l /proc/$SERVER_PID/fd | grep -c "socket:" >n &&
	test "$(cat n)" = 1 &&
	stop_server &&
	! grep -q NOTIFY server.log
'

test_done
