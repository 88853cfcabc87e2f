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
SPID=

die () {
	echo >&2 "bench-grid: $*"
	exit 1
}

stop () {
	if test -n "$SPID"
	then
		kill "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
	fi
	SPID=
}
trap stop EXIT
trap 'exit 1' INT TERM

test -x "$RR" && test -f "$FAKECAM" || die "run make and make tests first"
command -v node >/dev/null || die "no node"
mkdir -p "$OUT"

start () {
	specs=
	args=
	i=0
	for c in $CAMS
	do
		specs="$specs${specs:+;}/nonexistent/fakecam-video$i,modes=yuyv:1280x720@30"
		args="$args --camera $c=/nonexistent/fakecam-video$i,size=1280x720,format=yuyv"
		i=$((i + 1))
	done
	PORT=$(free_port)
	env LD_PRELOAD="$FAKECAM" FAKECAM_DEVICES="$specs" "$RR" \
		--listen 127.0.0.1:$PORT $args >"$OUT/server.log" 2>&1 &
	SPID=$!
	for t in $(seq 50)
	do
		grep -q "listening on" "$OUT/server.log" && break
		sleep 0.1
	done
}

ticks () {
	awk '{ print $14 + $15 }' "/proc/$SPID/stat"
}

wchar () {
	awk '/^wchar:/ { print $2 }' "/proc/$SPID/io"
}

# run MODE R: "cpu MB/s" of one run; the rungs into $OUT/rungs.MODE.
run () {
	start
	node "$ROOT/bench/grid.mjs" "http://127.0.0.1:$PORT" "$1" "$SECS" \
		$CAMS >"$OUT/node.$1.$2" 2>&1 &
	np=$!
	sleep $(((SECS - MEAS) / 2 + 2))
	t0=$(ticks)
	w0=$(wchar)
	sleep "$MEAS"
	t1=$(ticks)
	w1=$(wchar)
	curl -sf "http://127.0.0.1:$PORT/state" >"$OUT/state.$1.$2"
	wait $np
	stop
	jq -r '[.cameras[] | .name + ": " + (.encoding | join(" "))] |
		join(", ")' "$OUT/state.$1.$2" >"$OUT/rungs.$1"
	awk -v d=$((t1 - t0)) -v w=$((w1 - w0)) -v hz="$HZ" -v s="$MEAS" \
		'BEGIN { printf "%.1f %.2f\n", 100 * d / hz / s, w / s / 1e6 }'
}

{
	echo "# The grid of four cameras against four single views"
	echo
	echo "$(date -u +%Y-%m-%d), $(uname -srm),"
	echo "$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed "s/^ //"),"
	echo "$(nproc) cores. \`make bench-grid\` (bench/grid.sh): four emulated"
	echo "YUYV cameras at 1280x720, 30 fps, headless Chromium at 1280x800;"
	echo "server CPU in % of one core and MB a second written, over $MEAS s;"
	echo "medians of $RUNS runs."
	echo
	echo "| page | server CPU % | MB/s to the browser | rungs encoded |"
	echo "|---|---|---|---|"
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
		"$(cat "$OUT/rungs.$mode") |" >>"$REPORT"
done
cat "$REPORT"
