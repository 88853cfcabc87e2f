#!/bin/sh
# bench/cameras.sh (make bench-cameras): what each camera costs. The
# server on 1, 2 and 4 emulated cameras (tests/fakecam.so, YUYV
# 1280x720 at 30 fps each), with nobody watching and with one q80
# WebSocket viewer per camera: the server's CPU (user + system, % of one
# core, from /proc/PID/stat) and RSS (VmRSS) over CAMS_SECS seconds after
# CAMS_WARM, CAMS_RUNS runs, medians; then, on two cameras, each one's
# frames per second while the other is unplugged and plugged in again.
#
# The emulated camera runs inside the server's process: its copy of each
# frame into the capture buffer (on a board, the kernel's uvcvideo work,
# charged to no process) counts in the CPU figures here.
#
# Usage: sh bench/cameras.sh. Environment: CAMS_SECS (10), CAMS_WARM (3),
# CAMS_RUNS (3), CAMS_COUNTS ("1 2 4"). The report goes to
# build/bench/cameras.md, which is printed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/bench/cameras
REPORT=$ROOT/build/bench/cameras.md
RR=$ROOT/rerocctv
WSC=$ROOT/tests/wsclient
FAKECAM=$ROOT/tests/fakecam.so
SECS=${CAMS_SECS:-10}
WARM=${CAMS_WARM:-3}
RUNS=${CAMS_RUNS:-3}
COUNTS=${CAMS_COUNTS:-1 2 4}
HZ=$(getconf CLK_TCK)

die () {
	echo >&2 "bench-cameras: $*"
	exit 1
}

trap fakecams_stop EXIT
trap 'exit 1' INT TERM

for f in "$RR" "$WSC" "$FAKECAM"
do
	test -x "$f" || test -f "$f" || die "no $f: run make and make tests"
done
mkdir -p "$OUT"

rss_kb () {
	awk '/^VmRSS:/ { print $2 }' "/proc/$SPID/status"
}

# measure N WATCHED RUN: one line "cpu rss fps" (fps: the viewers'
# median, or - with none).
measure () {
	n=$1
	fakecams_serve "$n" "$OUT/server.log" || die "a camera gives no snapshot"
	pids=
	if test "$2" = 1
	then
		i=0
		while test $i -lt "$n"
		do
			"$WSC" load -t $((WARM + SECS + 1)) \
				"ws://127.0.0.1:$PORT/c/c$i/websocket/80" \
				>"$OUT/v.$n.$3.$i" 2>&1 &
			pids="$pids $!"
			i=$((i + 1))
		done
	fi
	sleep "$WARM"
	t0=$(cpu_ticks)
	sleep "$SECS"
	t1=$(cpu_ticks)
	rss=$(rss_kb)
	test -n "$pids" && wait $pids
	fps=-
	if test "$2" = 1
	then
		fps=$(cat "$OUT"/v.$n.$3.* | awk '{ for (i = 1; i <= NF; i++)
			if ($i ~ /^fps=/) print substr($i, 5) }' | med)
	fi
	fakecams_stop
	awk -v d=$((t1 - t0)) -v hz="$HZ" -v s="$SECS" -v r="$rss" -v f="$fps" \
		'BEGIN { printf "%.1f %.1f %s\n", 100 * d / hz / s, r / 1024, f }'
}

{
	report_head bench-cameras "cost per camera, and one camera's unplug"
	echo
	echo "emulated YUYV cameras at 1280x720, 30 fps; CPU in % of one core"
	echo "over $SECS s after $WARM s, RSS at the end; medians of $RUNS runs."
	echo
	echo "| cameras | viewers | CPU % | RSS MiB | viewer fps |"
	echo "|---|---|---|---|---|"
} >"$REPORT"

for n in $COUNTS
do
	for w in 0 1
	do
		: >"$OUT/runs"
		for r in $(seq "$RUNS")
		do
			measure "$n" "$w" "$r" >>"$OUT/runs"
		done
		cpu=$(cut -d" " -f1 "$OUT/runs" | med)
		rss=$(cut -d" " -f2 "$OUT/runs" | med)
		fps=$(cut -d" " -f3 "$OUT/runs" | grep -v -- - | med)
		echo "| $n | $(test $w = 1 && echo "one q80 each" || echo none)" \
			"| $cpu | $rss | $fps |" >>"$REPORT"
	done
done

# The unplug: camera c1 unplugged after 150 frames (5 s), plugged in
# again 3 s later; a q80 viewer on each camera for 14 s, frames counted
# per second of arrival.
fakecams_serve 2 "$OUT/server.log" ",unplug_after=150,unplug_ms=3000" ||
	die "a camera gives no snapshot"
"$WSC" load -t 14 --luma "$OUT/u0.luma" \
	"ws://127.0.0.1:$PORT/c/c0/websocket/80" >"$OUT/u0" 2>&1 &
p0=$!
"$WSC" load -t 14 --luma "$OUT/u1.luma" \
	"ws://127.0.0.1:$PORT/c/c1/websocket/80" >"$OUT/u1" 2>&1
wait $p0
fakecams_stop
persec () {
	awk '{ s = int($1 / 1000000); n[s]++; if (!lo || s < lo) lo = s
		if (s > hi) hi = s }
		END { for (s = lo + 1; s < hi; s++) printf "%d ", n[s] }' "$1"
}
{
	echo
	echo "Two cameras, a q80 viewer on each; c1 unplugged after 5 s and"
	echo "plugged in again 3 s later. Frames a second, second by second:"
	echo
	echo "| camera | frames each second |"
	echo "|---|---|"
	echo "| c0 (stays) | $(persec "$OUT/u0.luma")|"
	echo "| c1 (unplugged, back) | $(persec "$OUT/u1.luma")|"
	echo
	echo "c1 shows the NO SIGNAL card at 2 fps while it is away."
} >>"$REPORT"
cat "$REPORT"
