#!/bin/sh
# bench/profile.sh (make bench-profile): where the poll thread's time goes
# with many MJPEG viewers. bench/viewers.sh's setup (VIEWERS_N viewers,
# default 1000, of the emulated camera at 720p q80), one run, and over its
# measured seconds `perf record` on the server (cpu-clock samples with
# DWARF call graphs) and `perf stat` of the poll thread's system calls.
# Prints the poll thread's functions by their own samples, its functions
# with what they call (the C library and ours), in % of all the server's
# samples, and its system calls per frame per viewer.
#
# Usage: sh bench/profile.sh. Environment as for bench/viewers.sh
# (BENCH_SECS defaults to 10 here; VIEWERS_RR another binary);
# PROFILE_TOP (lines per table, default 25). The recording stays in
# build/bench/profile.data (`perf report -i` it for more); the report goes
# to build/bench/profile.txt. Needs perf (linux-perf), run as root or
# with perf_event_paranoid low enough, and a build with symbols (the
# default CFLAGS has -g).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=$ROOT/build/bench/profile.data
OUT=$ROOT/build/bench/profile.txt
RUNS=$ROOT/build/bench/viewers/runs
TOP=${PROFILE_TOP:-25}
N=${VIEWERS_N:-1000}
SECS=${BENCH_SECS:-10}

command -v perf >/dev/null || { echo >&2 "profile: no perf"; exit 1; }
mkdir -p "$ROOT/build/bench" || exit 1
rm -f "$DATA" "$DATA.stat"
BENCH_SECS=$SECS BENCH_REPS=1 VIEWERS_PERF=$DATA \
	sh "$ROOT/bench/viewers.sh" >/dev/null || exit 1
# The poll thread: the task whose id is the process's (perf record -p).
TID=$(perf report -i "$DATA" --stdio --header-only 2>/dev/null |
	sed -n 's/^# cmdline :.* -p \([0-9]*\) .*/\1/p')
test -n "$TID" || { echo >&2 "profile: no pid in $DATA"; exit 1; }

# report ARGS...: perf report's table lines for the poll thread.
report () {
	perf report -i "$DATA" --stdio --tid "$TID" --sort symbol -g none \
		"$@" 2>/dev/null | grep -v '^#' | grep -v '^$'
}

{
	echo "# $N viewers: $(cut -d' ' -f1 "$RUNS") fps per viewer" \
		"(median), poll thread $(cut -d' ' -f6 "$RUNS") % of a core," \
		"$(cut -d' ' -f12 "$RUNS") µs per frame per viewer"
	echo "# samples by thread (the poll thread is $TID)"
	perf report -i "$DATA" --stdio --no-children --sort pid -g none \
		2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 6
	echo
	echo "# poll thread: samples in the function itself"
	report --no-children --percent-limit 0.3 | head -n "$TOP"
	echo
	echo "# poll thread, user space: samples in the function and below"
	report --children --percent-limit 0.5 | grep '\[\.\]' | head -n "$TOP"
	echo
	echo "# poll thread: system calls per second, per frame per viewer"
	awk -F, -v n="$N" -v s="$SECS" -v fps="$(cut -d' ' -f1 "$RUNS")" '
		$3 ~ /^syscalls:sys_enter_/ {
			sub(/^syscalls:sys_enter_/, "", $3)
			printf "%-12s %9.0f/s %7.3f\n", $3, $1 / s,
				(fps > 0 ? $1 / s / (n * fps) : 0)
		}' "$DATA.stat"
} >"$OUT"
cat "$OUT"
