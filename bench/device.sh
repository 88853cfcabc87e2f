#!/bin/sh
# bench/device.sh (make bench-device): the host made a slow board. The
# server in a CPU cgroup with a quota (bench/cgroup-lib.sh), under the
# emulated camera (tests/fakecam.so) at 1280x720, 30 fps.
#
# (a) One q80 MJPEG client: the smallest quota, found by bisection over
#     DEVICE_LO..100 % of one core to DEVICE_RES %, at which the client
#     still gets >= 29 fps; rerocctv beside µStreamer, each server in
#     the cgroup.
# (b) At DEVICE_QUOTA (30) % of one core, 14 WebSocket clients at q30..q95:
#     every client's fps with the encode budget (--max-rungs auto, the
#     default) and without it (--max-rungs 28), and what the budget did
#     second by second (/state).
#
# Usage: sh bench/device.sh (root). Environment: DEVICE_PARTS ("a b"),
# BENCH_SECS (seconds per step of (a), default 6), DEVICE_BSECS (seconds
# measured in (b), 20, after DEVICE_BWARM 6 s), DEVICE_LO (5), DEVICE_RES
# (1), DEVICE_QUOTA (30), CG_PERIOD_US, DEVICE_CAMERA (out: the emulated
# camera's thread leaves the cgroup once it streams; "in": it stays, and
# its work counts against the quota and in the CPU figures).
#
# Why out by default: what stands for the camera in fakecam's thread (a
# copy of each frame into the capture buffer) is on a board the kernel's
# work (uvcvideo copies USB packets into the buffer in its own workers),
# charged to no process's cgroup. Inside, it costs both servers the same
# 1.2 % of a core on top of their own. cgroup v2 keeps a process's
# threads in one cgroup: there the camera stays in, and the report says
# so.
# Work files go to build/bench/device/, the report to
# build/bench/device.md, which is printed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/bench/device
REPORT=$ROOT/build/bench/device.md
RR=$ROOT/rerocctv
WSC=$ROOT/tests/wsclient
FAKECAM=$ROOT/tests/fakecam.so
PARTS=" ${DEVICE_PARTS:-a b} "
SECS=${BENCH_SECS:-6}
BSECS=${DEVICE_BSECS:-20}
BWARM=${DEVICE_BWARM:-6}
LO=${DEVICE_LO:-5}
RES=${DEVICE_RES:-1}
BQUOTA=${DEVICE_QUOTA:-30}
GOAL_FPS=29
DEV=/nonexistent/fakecam-video0
CAMENV="LD_PRELOAD=$FAKECAM FAKECAM_DEVICE=$DEV"
CAMENV="$CAMENV FAKECAM_MODES=yuyv:1280x720@30,mjpeg:1280x720@30"
QUALITIES="30 35 40 45 50 55 60 65 70 75 80 85 90 95"
SPID=
LPIDS=
CG_TAG=bench-$$
. "$ROOT/bench/cgroup-lib.sh"

die () {
	echo >&2 "bench-device: $*"
	exit 1
}

# Only what we started, by pid; then the cgroup.
cleanup () {
	for p in $SPID $LPIDS
	do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	cg_remove
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for f in "$RR" "$WSC" "$FAKECAM"
do
	test -f "$f" || die "missing $f: run make"
done
command -v jq >/dev/null || die "jq not installed"
mkdir -p "$OUT" || die "cannot create $OUT"
rm -f "$OUT"/*
HAVE_US=t
command -v ustreamer >/dev/null || HAVE_US=

WHY=$(cg_cannot)
if test -n "$WHY"
then
	echo "## Slow board (CPU quota)" >"$REPORT"
	echo >>"$REPORT"
	echo "Skipped: $WHY." >>"$REPORT"
	cat "$REPORT"
	exit 0
fi
cg_make || die "cannot make the cgroup"
CAMERA=${DEVICE_CAMERA:-out}
test "$CG_KIND" = v1 || CAMERA=in

# --- helpers -------------------------------------------------------------

# kv KEY FILE: the value of KEY=VALUE in a wsclient result line (0).
kv () {
	awk -v k="$1" '{ for (i = 1; i <= NF; i++) { n = index($i, "=");
		if (substr($i, 1, n - 1) == k) v = substr($i, n + 1) } }
		END { print v + 0 }' "$2"
}

now_ns () {
	date +%s%N
}

# cpu_ns PID: run time of the process's threads (schedstat, ns): all of
# them, or with CAMERA=out all but the emulated camera's.
cpu_ns () {
	for cn_t in /proc/"$1"/task/*
	do
		test "$CAMERA" = out &&
		test "$(cat "$cn_t/comm" 2>/dev/null)" = fakecam && continue
		cat "$cn_t/schedstat" 2>/dev/null
	done | awk '{ t += $1 } END { printf "%.0f\n", t }'
}

# camera_out PID: with CAMERA=out, the emulated camera's thread (named
# fakecam; it runs once the server streams) back to the parent cgroup.
# cgroup v1 moves single threads; v2 keeps a process's threads together.
camera_out () {
	test "$CAMERA" = out || return 0
	co_n=0
	for co_t in /proc/"$1"/task/*
	do
		test "$(cat "$co_t/comm" 2>/dev/null)" = fakecam || continue
		echo "${co_t##*/}" 2>/dev/null >"${CG_DIR%/*}/tasks" ||
			die "cannot move the camera's thread ${co_t##*/} out"
		co_n=$((co_n + 1))
	done
	test $co_n -gt 0 || die "no fakecam thread in $1"
}

# in_cgroup PID: every thread of PID is in our cgroup.
in_cgroup () {
	for ic_t in /proc/"$1"/task/*
	do
		grep -q "/${CG_DIR##*/}\$" "$ic_t/cgroup" || return 1
	done
}

# join PID: into the cgroup with no limit yet, checked.
join () {
	cg_quota max && cg_add "$1" && in_cgroup "$1" ||
		die "cannot put $1 into $CG_DIR"
}

# start_rr NAME ARGS...: rerocctv under fakecam in the cgroup; sets BASE.
start_rr () {
	sr_log=$OUT/$1.log
	shift
	# shellcheck disable=SC2086
	env $CAMENV "$RR" --listen 127.0.0.1:0 --source v4l2 --device "$DEV" \
		"$@" >"$sr_log" 2>&1 &
	SPID=$!
	join $SPID
	sr_i=0
	PORT=
	while test -z "$PORT" && test $sr_i -lt 100
	do
		sleep 0.1
		PORT=$(sed -n \
			's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$sr_log")
		sr_i=$((sr_i + 1))
	done
	test -n "$PORT" || { cat >&2 "$sr_log"; die "rerocctv did not start"; }
	BASE=http://127.0.0.1:$PORT
	SNAP="$BASE/snapshot?quality=80"
	# No request before the first camera frame: one that waits for it
	# leaves the budget at 0 ms (hub.c: the first one-second window
	# is measured from time 0, "the source fell to 0 fps").
	sr_i=0
	until curl -sf -m 1 "$BASE/state" | jq -e '.source.seq > 0' \
		>/dev/null
	do
		sr_i=$((sr_i + 1))
		test $sr_i -lt 100 || die "no camera frames"
		sleep 0.1
	done
}

# start_us NAME ARGS...: µStreamer under fakecam in the cgroup.
start_us () {
	su_log=$OUT/$1.log
	shift
	PORT=$(free_port)
	# shellcheck disable=SC2086
	env $CAMENV ustreamer --device "$DEV" --host 127.0.0.1 --port "$PORT" \
		-r 1280x720 -f 30 "$@" >"$su_log" 2>&1 &
	SPID=$!
	join $SPID
	BASE=http://127.0.0.1:$PORT
	SNAP=$BASE/snapshot
}

stop_server () {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# warm: until a full-size frame comes (fakecam encodes its JPEGs first;
# µStreamer serves a small blank picture until its first frame).
# Then the camera's thread leaves the cgroup (camera_out).
warm () {
	w_i=0
	until curl -sf -m 3 -o "$OUT/warm.jpg" "$SNAP" &&
		test "$(stat -c %s "$OUT/warm.jpg")" -gt 20000
	do
		w_i=$((w_i + 1))
		test $w_i -lt 40 || die "no frames from $SNAP"
		sleep 0.5
	done
	camera_out "$SPID"
}

# --- (a) one q80 client: the smallest quota for >= 29 fps ----------------

# try TAG QUOTA URL: one step: the quota, 2 s for the server to settle
# under it (a client watching), then a client for SECS s. Frames
# received / SECS (µStreamer's frames carry no COM timestamp, so wsclient
# counts them as "invalid": received all the same) and the process's CPU
# meanwhile. Appends "quota fps cpu% pass" to TAG.steps; fails below
# GOAL_FPS.
try () {
	if test "$2" = max
	then
		cg_quota max
	else
		cg_quota "$2"
	fi || die "cannot set the quota"
	"$WSC" load -t 2 "$3" >/dev/null 2>&1
	t_c0=$(cpu_ns $SPID)
	t_w0=$(now_ns)
	"$WSC" load -t "$SECS" "$3" >"$OUT/$1.$2.out" 2>"$OUT/$1.$2.err"
	t_c1=$(cpu_ns $SPID)
	t_w1=$(now_ns)
	t_n=$(($(kv frames "$OUT/$1.$2.out") + $(kv invalid "$OUT/$1.$2.out")))
	awk -v n="$t_n" -v s="$SECS" -v q="$2" -v g=$GOAL_FPS \
	    -v c=$((t_c1 - t_c0)) -v w=$((t_w1 - t_w0)) 'BEGIN {
		f = n / s
		printf "%s %.2f %.1f %s\n", q, f, c / w * 100,
			(f >= g ? "pass" : "fail") }' >>"$OUT/$1.steps"
	tail -n 1 "$OUT/$1.steps" >&2
	tail -n 1 "$OUT/$1.steps" | grep -q ' pass$'
}

# verdict TAG QUOTA URL: passes when a run passes; a run that fails is
# run again, and the quota fails only if that fails too. On a shared
# machine a run can lose frames to something else for a moment (a
# hiccup costs frames, nothing adds any), so one bad run is not enough.
verdict () {
	try "$@" || try "$@"
}

# bisect TAG URL: the smallest quota (LO..100, to RES) that passes.
# Writes "quota fps cpu% lo lo_fps free_cpu%" to TAG.res (the figures at
# quota from its last run, at lo from its last, failing, run), quota
# ">100" or "<=LO" when out of range.
bisect () {
	: >"$OUT/$1.steps"
	echo >&2 "bench-device: $1"
	try "$1" max "$2" 2>/dev/null
	b_free=$(awk '$1 == "max" { print $3 }' "$OUT/$1.steps")
	if ! verdict "$1" 100 "$2"
	then
		echo ">100 - - - - $b_free" >"$OUT/$1.res"
		return
	fi
	if verdict "$1" "$LO" "$2"
	then
		awk -v lo="$LO" -v free="$b_free" '$1 == lo { f = $2; c = $3 }
			END { print "<=" lo, f, c, "-", "-", free }' \
			"$OUT/$1.steps" >"$OUT/$1.res"
		return
	fi
	b_lo=$LO b_hi=100
	while test $((b_hi - b_lo)) -gt "$RES"
	do
		b_mid=$(((b_lo + b_hi) / 2))
		if verdict "$1" $b_mid "$2"
		then
			b_hi=$b_mid
		else
			b_lo=$b_mid
		fi
	done
	awk -v hi="$b_hi" -v lo="$b_lo" -v free="$b_free" '
		$1 == hi && $4 == "pass" { f = $2; c = $3 } $1 == lo { lf = $2 }
		END { print hi, f, c, lo, lf, free }' \
		"$OUT/$1.steps" >"$OUT/$1.res"
}

# part a|b: whether DEVICE_PARTS asks for it.
part () {
	case $PARTS in *" $1 "*) return 0 ;; esac
	return 1
}

T0=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

part a && {
start_rr rr-yuyv --format yuyv
warm
bisect rr-yuyv "$BASE/stream?quality=80"
stop_server
start_rr rr-mjpeg --format mjpeg
warm
bisect rr-mjpeg "$BASE/stream?quality=80"
bisect rr-pass "$BASE/stream?quality=source"
stop_server
if test -n "$HAVE_US"
then
	start_us us-yuyv -m YUYV -q 80
	warm
	bisect us-yuyv "$BASE/stream"
	stop_server
	start_us us-pass -m MJPEG --encoder=HW
	warm
	bisect us-pass "$BASE/stream"
	stop_server
fi
}
TA=$(($(date +%s) - T0))

# --- (b) 14 clients at 14 qualities at BQUOTA % ---------------------------

# state_sample TAG T: one line of TAG.trace from /state (none at 0, the
# start of the window):
# t fps_produced budget_ms busy encoded merged client_fps_min
# client_fps_median encode_ms (the sum over the encoded rungs: what the
# budget counts against budget_ms) encoded_rungs; the clients' frames
# so far into
# TAG.frames.T ("asked frames rung").
state_sample () {
	curl -sf -m 1 -o "$OUT/state.json" "$BASE/state" || return 0
	now_ns >>"$OUT/$1.times"
	test "$2" = 0 || jq -r --arg t "$2" '[$t, .source.fps_produced,
		(.budget_ms // "-"), .busy, (.encoder | length),
		(.merged | length), ([.clients[].fps] | min),
		([.clients[].fps] | sort | .[length / 2 | floor]),
		([.encoder[].encode_ms] | add // 0 | . * 100 | round / 100),
		([.encoder[].rung] | join(","))] | @tsv' \
		"$OUT/state.json" >>"$OUT/$1.trace"
	jq -r '.clients[] | "\(.asked) \(.frames) \(.rung) \(.fps)"' \
		"$OUT/state.json" >"$OUT/$1.frames.$2"
}

# crowd TAG ARGS...: the server on the YUYV camera with ARGS, the quota
# BQUOTA, 14 clients; BWARM s to settle, then BSECS s sampled each second.
# Writes TAG.trace, TAG.clients ("asked fps min_fps own_share rung"),
# TAG.log (the server's) and TAG.sum.
crowd () {
	cr_tag=$1
	shift
	echo >&2 "bench-device: $cr_tag: 14 clients at $BQUOTA %"
	start_rr "$cr_tag" --format yuyv "$@"
	warm
	cg_quota "$BQUOTA" || die "cannot set the quota"
	: >"$OUT/$cr_tag.trace"
	: >"$OUT/$cr_tag.times"
	LPIDS=
	for q in $QUALITIES
	do
		"$WSC" load -t $((BWARM + BSECS + 3)) \
			"ws://127.0.0.1:$PORT/websocket/$q" \
			>"$OUT/$cr_tag.q$q.out" 2>"$OUT/$cr_tag.q$q.err" &
		LPIDS="$LPIDS $!"
	done
	sleep "$BWARM"
	cr_thr0=$(cg_stat nr_throttled)
	cr_per0=$(cg_stat nr_periods)
	cr_log0=$(grep -c 'encoder:' "$OUT/$cr_tag.log")
	cr_c0=$(cpu_ns $SPID)
	cr_w0=$(now_ns)
	state_sample "$cr_tag" 0
	cr_k=1
	while test $cr_k -le "$BSECS"
	do
		sleep 1
		state_sample "$cr_tag" $cr_k
		cr_k=$((cr_k + 1))
	done
	cr_c1=$(cpu_ns $SPID)
	cr_w1=$(now_ns)
	cr_log1=$(grep -c 'encoder:' "$OUT/$cr_tag.log")
	cr_thr1=$(cg_stat nr_throttled)
	cr_per1=$(cg_stat nr_periods)
	# shellcheck disable=SC2086
	wait $LPIDS
	LPIDS=
	stop_server
	# Per client: frames over the window from /state (first and last
	# sample, at their own times), the lowest one-second fps, the share
	# of seconds on its own rung, the rung serving it at the end.
	cr_span=$(awk 'NR == 1 { a = $1 } { b = $1 }
		END { print (b - a) / 1e9 }' "$OUT/$cr_tag.times")
	awk -v span="$cr_span" -v f0="$OUT/$cr_tag.frames.0" \
	    -v fl="$OUT/$cr_tag.frames.$BSECS" '
		FILENAME == f0 { a0[$1] = $2; next }
		FILENAME == fl { a1[$1] = $2; rung[$1] = $3 }
		{ n[$1]++; if ($1 == $3) own[$1]++
		  if (!($1 in lo) || $4 + 0 < lo[$1]) lo[$1] = $4 + 0 }
		END { for (c in a1) printf "%s %.2f %.1f %.0f %s\n", c,
			(a1[c] - a0[c]) / span, lo[c], own[c] / n[c] * 100,
			rung[c] }' "$OUT/$cr_tag.frames.0" \
			"$OUT/$cr_tag".frames.* |
		sort -k 1.2n >"$OUT/$cr_tag.clients"
	{
		echo "cpu $(awk -v c=$((cr_c1 - cr_c0)) \
			-v w=$((cr_w1 - cr_w0)) \
			'BEGIN { printf "%.1f", c / w * 100 }')"
		echo "window $(awk -v w=$((cr_w1 - cr_w0)) \
			'BEGIN { printf "%.1f", w / 1e9 }')"
		echo "throttled $((cr_thr1 - cr_thr0))" \
			"of $((cr_per1 - cr_per0))"
		echo "changes $((cr_log1 - cr_log0))"
	} >"$OUT/$cr_tag.sum"
}

T1=$(date +%s)
part b && crowd b-auto && crowd b-off --max-rungs 28
TB=$(($(date +%s) - T1))
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the report -----------------------------------------------------------

# res TAG N: column N of TAG.res ("-" when TAG did not run).
res () {
	if test -f "$OUT/$1.res"
	then
		awk -v n="$2" '{ print $n }' "$OUT/$1.res"
	else
		echo -
	fi
}

# arow TAG LABEL: a row of table (a).
arow () {
	echo "| $2 | **$(res "$1" 1)** | $(res "$1" 2) | $(res "$1" 3) |" \
		"$(res "$1" 4) ($(res "$1" 5) fps) | $(res "$1" 6) |"
}

# ratio A B: A / B to two places, or "-".
ratio () {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0)
		printf "%.2f", a / b; else print "-" }'
}

# bcol TAG N: column N of TAG.clients, median and min ("MED / MIN").
bcol () {
	echo "$(awk -v n="$2" '{ print $n }' "$OUT/$1.clients" | med) /" \
		"$(awk -v n="$2" '{ print $n }' "$OUT/$1.clients" | sort -g |
			head -n 1)"
}

# tcol TAG N: column N of TAG.trace: "median (min-max)".
tcol () {
	awk -v n="$2" '$n != "-" && $n != "" { print $n }' "$OUT/$1.trace" |
		sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"
			exit } m = NR % 2 ? v[(NR + 1) / 2] \
			: (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%g (%g-%g)\n", m, v[1], v[NR] }'
}

# sets TAG: how often the set of encoded rungs changed between samples.
sets () {
	awk -F'\t' 'NR > 1 && $10 != prev { n++ } { prev = $10 }
		END { print n + 0 }' "$OUT/$1.trace"
}

# lat TAG: frame age (capture to arrival) over the clients' whole runs:
# the median of their p50 and the highest p99, "P50 / P99".
lat () {
	echo "$(for lt_f in "$OUT/$1".q*.out; do kv lat_p50 "$lt_f"; done |
		med) / $(for lt_f in "$OUT/$1".q*.out; do kv lat_p99 "$lt_f"
		done | sort -g | tail -n 1)"
}

# at_rate TAG: how many clients got >= 90 % of the source rate (27 fps)
# over the window, and how many seconds of all clients fell below it.
at_rate () {
	awk '$2 >= 27 { n++ } END { printf "%d of %d", n, NR }' \
		"$OUT/$1.clients"
}

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
RRA=$(res rr-yuyv 1)
USA=$(res us-yuyv 1)
{
echo "## Slow board (CPU quota)"
echo
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); (a) took $TA s," \
	"(b) $TB s"
echo "- Machine: $CPU, $(nproc) cores, Linux $(uname -r); load average" \
	"$LOAD0 before, $LOAD1 after (other work on the machine competes" \
	"for the same cores)"
echo "- rerocctv $("$RR" --version 2>&1 | awk '{ print $2 }')," \
	"µStreamer $(test -n "$HAVE_US" && ustreamer --version || echo -)," \
	"libjpeg-turbo $(dpkg-query -W -f '${Version}' \
	"libjpeg62-turbo:$(dpkg --print-architecture)" 2>/dev/null)"
if test "$CAMERA" = out
then
	CAMTEXT="every thread of the server inside but the emulated camera's,"
	CAMTEXT="$CAMTEXT which leaves once it streams and is not counted in"
	CAMTEXT="$CAMTEXT the CPU figures (on a board its work, copying"
	CAMTEXT="$CAMTEXT frames into the capture buffers, is the kernel's)"
else
	CAMTEXT="the server's whole process inside, the emulated camera's"
	CAMTEXT="$CAMTEXT thread included (its copy of each frame stands for"
	CAMTEXT="$CAMTEXT what a camera's USB transfers cost), and counted"
fi
echo "- The cgroup: $CG_KIND, a quota of N % of one core per period of" \
	"$((CG_PERIOD_US / 1000)) ms; $CAMTEXT. Clients run outside it." \
	"Camera: tests/fakecam.so, 1280x720 at 30 fps, YUYV or MJPEG."
echo
if part a
then
echo "### (a) One q80 MJPEG client: the smallest quota that keeps" \
	"$GOAL_FPS fps"
echo
echo "Bisection over $LO..100 % to $RES %: each step sets the quota," \
	"lets a client watch 2 s, then counts what a new client" \
	"(\`wsclient load\`, \`/stream\`) receives in $SECS s; a step passes" \
	"at >= $GOAL_FPS fps (frames / $SECS s); a step that fails is run" \
	"again and fails only if it fails twice (on a shared machine a run" \
	"can lose frames to other work for a moment; nothing adds" \
	"frames). CPU is the server's threads (schedstat; the camera's" \
	"$(test "$CAMERA" = out && echo "not ")counted) over" \
	"that run; *unlimited* is the same client with no quota."
echo
echo "| server, camera → stream | quota needed, % of a core | fps there |" \
	"CPU % used there | highest quota failing (its fps) |" \
	"CPU % unlimited |"
echo "|---|---|---|---|---|---|"
arow rr-yuyv "rerocctv, YUYV → q80 (split + encode)"
arow us-yuyv "µStreamer, YUYV → -q 80 (to RGB, encode)"
arow rr-mjpeg "rerocctv, MJPEG → q80 (decode + encode)"
arow rr-pass "rerocctv, MJPEG passed through (quality=source)"
arow us-pass "µStreamer, MJPEG passed through (--encoder=HW)"
echo
echo "Like for like is the YUYV camera: both servers encode every frame" \
	"at q80 from the camera's YUYV. rerocctv / µStreamer quota:" \
	"**$(ratio "$RRA" "$USA")**. With an MJPEG" \
	"camera µStreamer 4.9 cannot re-encode (\`-q\` only asks the" \
	"camera; its CPU encoder switches to passing the camera's JPEG" \
	"through), so the q80 re-encode has no µStreamer counterpart:" \
	"passthrough is compared with passthrough; both need less than" \
	"the lowest quota tried ($LO %: at a $((CG_PERIOD_US / 1000)) ms" \
	"period, 1 ms, the kernel's smallest). Steps:" \
	"build/bench/device/*.steps (quota fps cpu% verdict)."
echo
fi
if part b
then
echo "### (b) 14 clients at 14 qualities, $BQUOTA % of one core"
echo
echo "rerocctv on the YUYV camera; 14 WebSocket clients, one at each of" \
	"q30, q35 ... q95; the quota is set before they connect. $BWARM s" \
	"to settle, then $BSECS s sampled once a second from \`/state\`." \
	"Client fps = frames sent over the window / its length (the" \
	"clients' own counts, wsclient, agree: build/bench/device/*.out);" \
	"*worst second*: the lowest one-second fps of any client; *own" \
	"rung*: the share of seconds a client was served its own quality" \
	"rather than the nearest encoded one."
echo
echo "| | budget on (\`--max-rungs auto\`, default) |" \
	"budget off (\`--max-rungs 28\`) |"
echo "|---|---|---|"
echo "| client fps over $BSECS s, median / min | $(bcol b-auto 2) |" \
	"$(bcol b-off 2) |"
echo "| clients at >= 27 fps (90 % of 30) | $(at_rate b-auto) |" \
	"$(at_rate b-off) |"
echo "| worst second of a client, median / min over clients |" \
	"$(bcol b-auto 3) | $(bcol b-off 3) |"
echo "| source fps (fps_produced), median (min-max) | $(tcol b-auto 2) |" \
	"$(tcol b-off 2) |"
echo "| rungs encoded, median (min-max) | $(tcol b-auto 5) |" \
	"$(tcol b-off 5) |"
echo "| rungs merged, median (min-max) | $(tcol b-auto 6) |" \
	"$(tcol b-off 6) |"
echo "| budget_ms, median (min-max) | $(tcol b-auto 3) | - |"
echo "| busy, median (min-max) | $(tcol b-auto 4) | $(tcol b-off 4) |"
echo "| seconds the encoded set changed / log lines \"encoder:\" |" \
	"$(sets b-auto) / $(awk '$1 == "changes" { print $2 }' \
	"$OUT/b-auto.sum") | $(sets b-off) / $(awk '$1 == "changes" \
	{ print $2 }' "$OUT/b-off.sum") |"
echo "| own rung, % of seconds, median / min | $(bcol b-auto 4) |" \
	"$(bcol b-off 4) |"
echo "| frame age p50 / p99, ms (median of the clients' p50, highest" \
	"p99; wsclient, whole run) | $(lat b-auto) | $(lat b-off) |"
echo "| server CPU % (its threads$(test "$CAMERA" = out &&
	echo ", not the camera's")) | $(awk '$1 == "cpu" { print $2 }' \
	"$OUT/b-auto.sum") | $(awk '$1 == "cpu" { print $2 }' \
	"$OUT/b-off.sum") |"
echo "| periods throttled | $(awk '$1 == "throttled" { print $2, $3, $4 }' \
	"$OUT/b-auto.sum") | $(awk '$1 == "throttled" { print $2, $3, $4 }' \
	"$OUT/b-off.sum") |"
echo
echo "Per client (fps over the window, worst second, own rung %, the rung" \
	"serving it at the end):"
echo
echo "| asked | on: fps | worst s | own % | served | off: fps | worst s |"
echo "|---|---|---|---|---|---|---|"
join_clients () {
	awk 'NR == FNR { off[$1] = $2 " | " $3; next }
		{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4,
			$5, off[$1] }' "$OUT/b-off.clients" \
			"$OUT/b-auto.clients"
}
join_clients
echo
echo "The budget second by second (build/bench/device/b-auto.trace: t," \
	"fps_produced, budget_ms, busy, rungs encoded, merged, client fps" \
	"min, median, *used*: the encoded rungs' encode_ms added up, what" \
	"the budget weighs against budget_ms; the encoded rungs); the" \
	"order the clients asked in and the budget's log lines:" \
	"build/bench/device/b-auto.log."
echo
echo '```'
echo "asked in this order: $(sed -n 's/.*websocket \(q[0-9]*\) started.*/\1/p' \
	"$OUT/b-auto.log" | tr '\n' ' ')"
awk -F'\t' '{ printf "%3s %5s fps budget %6s ms used %6s ms busy %5s" \
	" enc %2s merged %2s min %5s  %s\n", $1, $2, $3, $9, $4, $5, $6, $7,
	$10 }' "$OUT/b-auto.trace"
echo '```'
fi
} >"$REPORT"
cat "$REPORT"
