#!/bin/sh
# bench/grid.sh (make bench-grid): what the page's grid of four cameras
# costs the server and the link, against each camera's single view in a
# window of its own. Four emulated YUYV cameras at 1280x720, 30 fps;
# headless Chromium at 1280x800 (bench/grid.mjs) holds the page(s) open
# GRID_SECS (20) seconds; over the middle GRID_MEAS (10) the server's CPU
# (% of one core, /proc/PID/stat) and the bytes it wrote (/proc/PID/io
# wchar: the frames, and a few log lines) are read, and /state says
# which rungs are encoded. GRID_RUNS (3) runs, medians. Report:
# build/bench/grid.md, printed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/bench/grid
REPORT=$ROOT/build/bench/grid.md
RR=$ROOT/rerocctv
FAKECAM=$ROOT/tests/fakecam.so
SECS=${GRID_SECS:-20}
MEAS=${GRID_MEAS:-10}
RUNS=${GRID_RUNS:-3}
HZ=$(getconf CLK_TCK)
CAMS="c0 c1 c2 c3"

die () {
	echo >&2 "bench-grid: $*"
	exit 1
}

trap fakecams_stop EXIT
trap 'exit 1' INT TERM

test -x "$RR" && test -f "$FAKECAM" || die "run make and make tests first"
command -v node >/dev/null || die "no node"
mkdir -p "$OUT"

wchar () {
	awk '/^wchar:/ { print $2 }' "/proc/$SPID/io"
}

# run MODE R: "cpu MB/s fps" of one run (fps: the frames a second the
# server sends, every stream together); the rungs into $OUT/rungs.MODE.
run () {
	fakecams_serve 4 "$OUT/server.log" || die "a camera gives no snapshot"
	node "$ROOT/bench/grid.mjs" "http://127.0.0.1:$PORT" "$1" "$SECS" \
		$CAMS >"$OUT/node.$1.$2" 2>&1 &
	np=$!
	sleep $(((SECS - MEAS) / 2 + 2))
	t0=$(cpu_ticks)
	w0=$(wchar)
	sleep "$MEAS"
	t1=$(cpu_ticks)
	w1=$(wchar)
	curl -sf "http://127.0.0.1:$PORT/state" >"$OUT/state.$1.$2"
	wait $np
	fakecams_stop
	jq -r '[.cameras[] | .name + ": " + (.encoding | join(" "))] |
		join(", ")' "$OUT/state.$1.$2" >"$OUT/rungs.$1"
	fps=$(jq "[.clients[].fps] | add" "$OUT/state.$1.$2")
	awk -v d=$((t1 - t0)) -v w=$((w1 - w0)) -v hz="$HZ" -v s="$MEAS" \
		-v f="$fps" 'BEGIN { printf "%.1f %.2f %.0f\n", 100 * d / hz / s,
		w / s / 1e6, f }'
}

{
	report_head bench-grid "the grid of four cameras against four single views"
	echo
	echo "Four emulated"
	echo "YUYV cameras at 1280x720, 30 fps, headless Chromium at 1280x800;"
	echo "server CPU in % of one core and MB a second written, over $MEAS s;"
	echo "medians of $RUNS runs."
	echo
	echo "| page | server CPU % | MB/s to the browser | frames/s sent, all streams | rungs encoded |"
	echo "|---|---|---|---|---|"
} >"$REPORT"
for mode in grid singles
do
	: >"$OUT/runs"
	for r in $(seq "$RUNS")
	do
		run $mode "$r" >>"$OUT/runs"
	done
	echo "| $(test $mode = grid && echo "the grid, one tab" ||
		echo "four single views, a window each") |" \
		"$(cut -d" " -f1 "$OUT/runs" | med) |" \
		"$(cut -d" " -f2 "$OUT/runs" | med) |" \
		"$(cut -d" " -f3 "$OUT/runs" | med) |" \
		"$(cat "$OUT/rungs.$mode") |" >>"$REPORT"
done
cat "$REPORT"
