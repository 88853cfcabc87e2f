#!/bin/sh
# links-report.sh DIR VERSION SECS CONST_SECS: the Markdown report of
# bench/links.sh on stdout, from DIR/results (links-eval.awk lines),
# DIR/sizes, DIR/runs (the runs made, one name a line), DIR/notes and
# each run's server.log.
dir=$1 ver=$2 secs=$3 csecs=$4
cpu=$(sed -n 's/^model name[	 ]*: *//p' /proc/cpuinfo | head -n 1)

echo "# rerocctv behind emulated links"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(hostname): ${cpu:-unknown CPU}," \
	"$(nproc) cores, Linux $(uname -r); rerocctv $ver."
echo
echo "The server on its 1280x720 test pattern at 30 fps in one network" \
	"namespace, the viewers (tests/wsclient trace) in another, joined by" \
	"tests/linkemu: the trace's capacity toward the viewers, 40 ms one" \
	"way each way, a drop-tail queue of 1 s at the trace's mean rate," \
	"a recorded trace's .up on the ACK path (constant links: none)." \
	"Each run $secs s on a fresh link (constant links" \
	"$(test "$csecs" -lt "$secs" && echo "$csecs" || echo "$secs") s)."
if test -s "$dir/notes"
then
	echo
	sed 's/^/- /' "$dir/notes"
fi

echo
echo "## Rung sizes"
echo
echo "Mean frame size of each rung of the auto ladder, unshaped."
echo
echo "| rung | bytes | Mbit/s at 30 fps |"
echo "|---|---|---|"
awk '{ printf "| %s | %d | %.1f |\n", $1, $2, $2 * 8 * 30 / 1e6 }' \
	"$dir/sizes"

if test -s "$dir/floor"
then
	echo
	echo "## What the link alone allows"
	echo
	echo "The frame age a frame of a rung's size gets when it is handed" \
		"to the link with an empty queue (bench/links-floor.awk): its" \
		"packets wait for the trace's delivery opportunities, plus 40" \
		"ms; percentiles over every 7th millisecond of the trace. No" \
		"sender gets under it at those moments: a frame sent into an" \
		"outage waits it out. Measured ages sample frames, not time" \
		"(a sender that skips frames in an outage samples it less), so" \
		"they can fall under it."
	echo
	echo "| trace | rung (bytes) | age p50 / p95 / p99 |"
	echo "|---|---|---|"
	awk 'NR == FNR { b[$1] = $2; next }
	     { printf "| %s | %s (%d) | %d / %d / %d ms |\n", $1, $2, b[$2],
		$3, $4, $5 }' "$dir/sizes" "$dir/floor"
fi

echo
echo "## Viewers"
echo
echo "fps: frames in each second of the run, median / 10th percentile." \
	"Frame age: arrival - capture over all frames, ms. Stalls: gaps" \
	"without a frame over 0.5 s (from the start, between frames, to the" \
	"end). Throughput: frame bytes received; capacity: the link's," \
	"both over the whole run. Oracle: in each 10 s window, the highest" \
	"rung whose frames at 30 fps fit in 90 % of the window's capacity" \
	"(half of it for each of two viewers; the smallest rung when none" \
	"fits); the viewer's rung is the one" \
	"that carried most of its frames there. Need: bits received / bits" \
	"the oracle's rungs need over those windows."
echo
echo "| trace (mean capacity) | cc | viewer | fps median / p10 |" \
	"frame age p50 / p95 / p99 | stalls > 0.5 s (longest) |" \
	"throughput / capacity | at oracle or one below |" \
	"throughput / oracle need |"
echo "|---|---|---|---|---|---|---|---|---|"
awk '
function v(k,   i) {
	for (i = 1; i <= NF; i++)
		if (index($i, k "=") == 1) return substr($i, length(k) + 2)
	return "-"
}
function pc(x) { return x == "-" ? "-" : x " %" }
{
	who = v("case")
	if (who == "two") who = who " " v("viewer")
	if (v("reconnects") > 0)
		who = who " (" v("reconnects") " reconnect" \
		      (v("reconnects") > 1 ? "s" : "") ")"
	st = v("stalls")
	if (st > 0) st = sprintf("%d (%.1f s)", st, v("stall_max") / 1000)
	printf "| %s (%.1f Mbit/s) | %s | %s | %s / %s | %s / %s / %s ms | " \
	       "%s | %.2f / %.2f Mbit/s (%s %%) | %s | %s |\n", v("trace"),
	       v("trace_mbit"), v("cc"), who, v("fps_p50"), v("fps_p10"),
	       v("age_p50"), v("age_p95"), v("age_p99"), st, v("mbps"),
	       v("cap_mbps"), v("util"), pc(v("oracle_ok")),
	       pc(v("oracle_need"))
}' "$dir/results"

if grep -q "case=two" "$dir/results"
then
	echo
	echo "## Two viewers on one link"
	echo
	echo "| trace | cc | a | b | smaller / larger |"
	echo "|---|---|---|---|---|"
	awk '
	function v(k,   i) {
		for (i = 1; i <= NF; i++)
			if (index($i, k "=") == 1) return substr($i, length(k) + 2)
		return "-"
	}
	/case=two/ && / viewer=a / {
		printf "| %s | %s | %.2f Mbit/s | %.2f Mbit/s | %s %% |\n",
		       v("trace"), v("cc"), v("mbps"), v("peer_mbps"), v("fair")
	}' "$dir/results"
fi

echo
echo "## Server"
echo
echo "CPU time (user + system) of the server in each run, and the" \
	"connections it closed itself (its log's reasons)."
echo
echo "| run | CPU s | % of a core | closed by the server |"
echo "|---|---|---|---|"
while read -r run
do
	m=$dir/$run/meta
	test -f "$m" || continue
	closes=$(grep -v ': stopping: ' "$dir/$run/server.log" |
		sed -n 's/^rerocctv: [^ ]*: \(.*, closing\)$/\1/p' |
		sed 's/[0-9][0-9.]*/N/g' | sort | uniq -c |
		awk '{ n = $1; $1 = ""; printf "%s%d x%s", s, n, $0; s = ", " }')
	awk -v closes="${closes:--}" '{
		for (i = 1; i <= NF; i++) {
			k = index($i, "="); m[substr($i, 1, k - 1)] = substr($i, k + 1)
		}
		printf "| %s | %s | %.0f | %s |\n", m["name"], m["cpu_s"],
		       m["secs"] ? 100 * m["cpu_s"] / m["secs"] : 0, closes
	}' "$m"
done <"$dir/runs"

echo
echo "## Charts"
echo
echo "Per run: capacity, received bitrate, what the viewer's rung and the" \
	"oracle's need at 30 fps; below, each frame's age."
echo
while read -r run
do
	test -f "$dir/$run.svg" && echo "- [$run]($run.svg)"
done <"$dir/runs"
