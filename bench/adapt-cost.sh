#!/bin/sh
# bench/adapt-cost.sh (make bench-adapt-cost): what adaptation costs the
# server per viewer. N WebSocket viewers on loopback watch the 1280x720
# test pattern at 30 fps through a share link capped at q80, either all at
# the fixed q80 or all on `auto` (which the cap holds at q80 too): the same
# frames, the same encodes, the same bytes, so what differs is the
# adaptation (the path tick's TCP_INFO, pacing, the rung decisions). Runs
# alternate fixed and auto; the report gives each run's server CPU and
# viewers' fps, and the medians' difference per viewer.
#
# Usage: sh bench/adapt-cost.sh. Environment: AC_VIEWERS (100), AC_SECS
# (20), AC_REPS (3). Writes build/adapt-cost/report.md and prints it.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/adapt-cost
RR=$ROOT/rerocctv
WSC=$ROOT/tests/wsclient
N=${AC_VIEWERS:-100}
SECS=${AC_SECS:-20}
REPS=${AC_REPS:-3}
SPID=

cleanup () {
	test -z "$SPID" || kill "$SPID" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# cpu_s PID: the process's user + system CPU seconds so far.
cpu_s () {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' \
		"/proc/$1/stat"
}

rm -rf "$OUT" && mkdir -p "$OUT" || exit 1
ulimit -n 4096 2>/dev/null
printf 'admin-pw-%s\n' "$$" | "$RR" passwd "$OUT/users" admin --role admin ||
	exit 1
PORT=$(free_port)
"$RR" --source test --size 1280x720 --fps 30 --listen "127.0.0.1:$PORT" \
	--auth-file "$OUT/users" --max-clients $((N + 50)) \
	--max-per-ip $((N + 50)) >"$OUT/server.log" 2>&1 &
SPID=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/" || test $i = 50
do
	sleep 0.1
	i=$((i + 1))
done
LINK=$("$RR" share --auth-file "$OUT/users" --max-quality 80 --expires 1h \
	--url "http://127.0.0.1:$PORT") || exit 1
TOK=$(printf %s "$LINK" | sed -n 's|.*\(/s/[0-9a-f]*\)/$|\1|p')
test -n "$TOK" || exit 1

# run KIND REP: one run of N viewers of KIND (80 or auto); prints
# "KIND cpu_percent fps".
run () {
	c0=$(cpu_s "$SPID")
	t0=$(date +%s.%N)
	"$WSC" load -n "$N" -t "$SECS" \
		"ws://127.0.0.1:$PORT$TOK/websocket/$1" >"$OUT/$1-$2.out" 2>&1
	c1=$(cpu_s "$SPID")
	t1=$(date +%s.%N)
	fps=$(sed -n 's/.* fps=\([0-9.]*\).*/\1/p' "$OUT/$1-$2.out")
	q=$(sed -n 's/.* q=\([0-9]*\).*/\1/p' "$OUT/$1-$2.out")
	echo "$1 $(echo "$c0 $c1 $t0 $t1" |
		awk '{ printf "%.1f", 100 * ($2 - $1) / ($4 - $3) }') \
		${fps:--} ${q:--}"
}

r=1
while test $r -le "$REPS"
do
	run 80 $r
	run auto $r
	r=$((r + 1))
done >"$OUT/runs"

cpu=$(sed -n 's/^model name[	 ]*: *//p' /proc/cpuinfo | head -n 1)
{
	echo "# What adaptation costs per viewer"
	echo
	echo "$(date -u '+%Y-%m-%d'), ${cpu:-unknown CPU}, $(nproc) cores;" \
		"$N WebSocket viewers on loopback, the 1280x720 test pattern" \
		"at 30 fps, a share link capped at q80, $SECS s a run," \
		"$REPS runs each (sh bench/adapt-cost.sh)."
	echo
	echo "| viewers | server CPU, median (runs) | fps per viewer, median | quality |"
	echo "|---|---|---|---|"
	for k in 80 auto
	do
		runs=$(awk -v k=$k '$1 == k { printf "%s%s", s, $2; s = ", " }' \
			"$OUT/runs")
		echo "| $(test $k = 80 && echo "fixed q80" || echo auto) |" \
			"$(awk -v k=$k '$1 == k { print $2 }' "$OUT/runs" | med) %" \
			"($runs) |" \
			"$(awk -v k=$k '$1 == k { print $3 }' "$OUT/runs" | med) |" \
			"$(awk -v k=$k '$1 == k { print $4 }' "$OUT/runs" | sort -u |
				tr '\n' ' ')|"
	done
	f=$(awk '$1 == 80 { print $2 }' "$OUT/runs" | med)
	a=$(awk '$1 == "auto" { print $2 }' "$OUT/runs" | med)
	echo
	echo "Adaptation: $(echo "$a $f $N" |
		awk '{ printf "%.3f", ($1 - $2) / $3 }') % of a core per viewer" \
		"(the medians' difference over $N viewers)."
} >"$OUT/report.md"
cat "$OUT/report.md"
