#!/bin/sh
# bench/auth.sh (make bench-auth): what accounts cost. The time of one
# password check (a request with a password never seen, against one whose
# verdict is kept), and server CPU and latency of 100 WebSocket clients
# with Basic credentials against 100 on an open server. Medians of
# BENCH_REPS (3) runs of BENCH_SECS (8) s; the report goes to
# build/bench/auth.md.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/bench
RR=$ROOT/rerocctv
WSC=$ROOT/tests/wsclient
SECS=${BENCH_SECS:-8}
REPS=${BENCH_REPS:-3}
SPID=

die () {
	echo >&2 "bench-auth: $*"
	exit 1
}
trap 'test -z "$SPID" || kill $SPID 2>/dev/null' EXIT
trap 'exit 1' INT TERM

test -x "$RR" && test -x "$WSC" || die "run make first"
mkdir -p "$OUT/auth" || die "cannot create $OUT"
cd "$OUT/auth" || exit 1
rm -f users users.secret ./*.out

kv () {
	tr ' ' '\n' | sed -n "s/^$1=//p"
}
# cpu_ticks PID: utime + stime in clock ticks.
cpu_ticks () {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# start ARGS...: the server on the test pattern, 720p30, a free port.
start () {
	test -z "$SPID" || { kill $SPID; wait $SPID 2>/dev/null; }
	"$RR" --source test --size 1280x720 --fps 30 --listen 127.0.0.1:0 \
		--max-per-ip 200 "$@" >server.log 2>&1 &
	SPID=$!
	PORT=
	i=0
	while test -z "$PORT" && test $i -lt 50
	do
		sleep 0.1
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			server.log)
		i=$((i + 1))
	done
	test -n "$PORT" || die "the server did not start"
}

printf "alicepass1\n" | "$RR" passwd users alice --role admin 2>/dev/null ||
	die "passwd failed"

# 1. One password check: distinct passwords (and addresses, so that no
# address reaches the failure delay), then the same request again.
start --auth-file users
: >check.ms
: >kept.ms
i=2
while test $i -le $((2 + REPS * 3))
do
	curl -s -o /dev/null -w "%{time_total}\n" --interface 127.0.0.$i \
		-u "alice:wrong$i" "http://127.0.0.1:$PORT/state" |
		awk '{ print $1 * 1000 }' >>check.ms
	curl -s -o /dev/null -w "%{time_total}\n" --interface 127.0.0.$i \
		-u "alice:wrong$i" "http://127.0.0.1:$PORT/state" |
		awk '{ print $1 * 1000 }' >>kept.ms
	i=$((i + 1))
done
check=$(med <check.ms)
kept=$(med <kept.ms)

# 2. 100 WebSocket clients at q80, open and with Basic credentials.
# run TAG URL: one run, appends "cpu% p50 p99 fps_min" to TAG.reps.
run () {
	"$WSC" load -n 100 -t $((SECS + 2)) "$2" >"$1.out" 2>/dev/null &
	lp=$!
	sleep 1
	t0=$(cpu_ticks $SPID)
	sleep "$SECS"
	t1=$(cpu_ticks $SPID)
	wait $lp
	hz=$(getconf CLK_TCK)
	echo "$(( (t1 - t0) * 10000 / hz / SECS ))" \
		"$(kv lat_p50 <"$1.out")" "$(kv lat_p99 <"$1.out")" \
		"$(kv fps_min <"$1.out")" "$(kv errors <"$1.out")" >>"$1.reps"
}
rm -f open.reps auth.reps
r=0
while test $r -lt "$REPS"
do
	start
	run open "ws://127.0.0.1:$PORT/websocket/80"
	start --auth-file users
	run auth "ws://alice:alicepass1@127.0.0.1:$PORT/websocket/80"
	r=$((r + 1))
done
kill $SPID
SPID=

col () {
	awk -v c="$2" '{ print $c }' "$1.reps" | med
}
cpu_of () {
	col "$1" 1 | awk '{ printf "%.2f", $1 / 100 }'
}
{
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- Machine: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
		head -n 1), $(nproc) cores, Linux $(uname -r)"
	echo "- Method: medians of $REPS runs; a check is a request whose" \
	     "password the server has not seen (one PBKDF2-HMAC-SHA-256," \
	     "100 000 iterations, on the verifier thread), against the same" \
	     "request again (its verdict kept); clients: 100 WebSocket q80" \
	     "at 1280x720 30 fps for $SECS s, server CPU from /proc/PID/stat."
	echo
	echo "| figure | open | with accounts |"
	echo "|---|---|---|"
	echo "| one request, ms: a new password / a kept verdict | - |" \
	     "$check / $kept |"
	echo "| 100 WebSocket clients: server CPU % of a core |" \
	     "$(cpu_of open) | $(cpu_of auth) |"
	echo "| latency p50 / p99, ms | $(col open 2) / $(col open 3) |" \
	     "$(col auth 2) / $(col auth 3) |"
	echo "| slowest client, fps | $(col open 4) | $(col auth 4) |"
	echo "| errors | $(col open 5) | $(col auth 5) |"
} | tee "$OUT/auth.md"
