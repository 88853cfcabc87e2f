#!/bin/sh
# bench/run.sh: every figure in the README: encode cost, CPU/RSS/fps/latency
# under load, the camera path, µStreamer beside us, binary size (Markdown).
#
# Usage: sh bench/run.sh   (make bench). Environment: BENCH_SECS (measured
# seconds per run, default 8), BENCH_REPS (runs per figure, default 3).
# Everything it writes goes under build/bench/; the report is printed and
# kept in build/bench/report.md.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/bench
RR=$ROOT/rerocctv
WSC=$ROOT/tests/wsclient
FAKECAM=$ROOT/tests/fakecam.so
TJB=$ROOT/build/tjbench
SECS=${BENCH_SECS:-8}
REPS=${BENCH_REPS:-3}
DEV=/nonexistent/fakecam-video0
MODES=yuyv:1280x720@30,mjpeg:1280x720@30
CAMENV="LD_PRELOAD=$FAKECAM FAKECAM_DEVICE=$DEV FAKECAM_MODES=$MODES"
HZ=$(getconf CLK_TCK)
SPID=
LPIDS=

die () {
	echo >&2 "bench: $*"
	exit 1
}

# Only what we started, by pid: the server and the load subshells.
cleanup () {
	for p in $SPID $LPIDS
	do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for f in "$RR" "$WSC" "$FAKECAM"
do
	test -x "$f" || test -f "$f" || die "missing $f: run make"
done
command -v ustreamer >/dev/null || die "ustreamer not installed"
mkdir -p "$OUT" || die "cannot create $OUT"
rm -f "$OUT"/*.out "$OUT"/*.err "$OUT"/*.times "$OUT"/*.rss "$OUT"/*.reps
cc -O2 -std=c99 -Wall -Wextra -o "$TJB" "$ROOT/bench/tjbench.c" \
	-lturbojpeg || die "cannot build tjbench"

# --- helpers -------------------------------------------------------------

# med: the median of the numbers on stdin ("-" when there are none).
med () {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# kv KEY FILE: the value of KEY=VALUE in a wsclient result line.
kv () {
	awk -v k="$1" '{ for (i = 1; i <= NF; i++) { n = index($i, "=");
		if (substr($i, 1, n - 1) == k) print substr($i, n + 1) } }' "$2"
}

# ticks PID: "TOTAL FAKECAM" CPU ticks (utime + stime) of the process and
# of its threads named fakecam (the emulated camera's own work).
ticks () {
	t_tot=$(sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }')
	t_fc=$(cat /proc/"$1"/task/*/stat 2>/dev/null | awk '
		{ a = index($0, "("); p = 0; s = $0
		  while ((k = index(substr(s, p + 1), ")")) > 0) p += k
		  if (substr(s, a + 1, p - a - 1) != "fakecam") next
		  split(substr(s, p + 2), f, " "); t += f[12] + f[13] }
		END { print t + 0 }')
	echo "$t_tot $t_fc"
}

now_ms () {
	echo $(($(date +%s%N) / 1000000))
}

# frames: rerocctv's source frames so far (0 for anything else).
frames () {
	test -n "$RRBASE" || { echo 0; return; }
	curl -s -m 2 "$RRBASE/metrics" |
		awk '/^rerocctv_source_frames_total / { v = $2 }
		     END { print v + 0 }'
}

# start_rr NAME ENV ARGS...: rerocctv on a free port, env ENV (may be "").
start_rr () {
	sr_log=$OUT/$1.log
	sr_env=$2
	shift 2
	# shellcheck disable=SC2086
	env $sr_env "$RR" --listen 127.0.0.1:0 "$@" >"$sr_log" 2>&1 &
	SPID=$!
	sr_i=0
	PORT=
	while test -z "$PORT" && test $sr_i -lt 50
	do
		sleep 0.1
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$sr_log")
		sr_i=$((sr_i + 1))
	done
	test -n "$PORT" || { cat >&2 "$sr_log"; die "rerocctv did not start"; }
	RRBASE=http://127.0.0.1:$PORT
	BASE=$RRBASE
	WSBASE=ws://127.0.0.1:$PORT
}

# free_port: a TCP port nobody listens on, from a random base.
free_port () {
	fp=$(($(od -An -N2 -tu2 /dev/urandom) % 20000 + 30000))
	while ss -Hltn "sport = :$fp" | grep -q .
	do
		fp=$((fp + 1))
	done
	echo $fp
}

# start_us NAME ARGS...: µStreamer under fakecam on a free port.
start_us () {
	su_log=$OUT/$1.log
	shift
	PORT=$(free_port)
	# shellcheck disable=SC2086
	env $CAMENV ustreamer --device "$DEV" --host 127.0.0.1 \
		--port "$PORT" -r 1280x720 -f 30 "$@" >"$su_log" 2>&1 &
	SPID=$!
	RRBASE=
	BASE=http://127.0.0.1:$PORT
	su_i=0
	until curl -s -m 1 -o /dev/null "$BASE/state"
	do
		su_i=$((su_i + 1))
		test $su_i -lt 50 || { cat >&2 "$su_log"; die "no ustreamer"; }
		sleep 0.1
	done
}

stop_server () {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# warm URL: wait until frames flow (fakecam encodes its JPEGs at start).
warm () {
	w_i=0
	until curl -s -m 3 -o "$OUT/warm.jpg" "$1" &&
		test -s "$OUT/warm.jpg"
	do
		w_i=$((w_i + 1))
		test $w_i -lt 10 || die "no frames from $1"
		sleep 0.5
	done
	sleep 1
}

# rep TAG N@URL...: one run: wsclient groups for SECS+2 s; the server's
# CPU (minus fakecam threads) and frames over the middle SECS s, RSS each
# second. Appends one line to TAG.reps:
#   cpu% ms/frame rss_MB fps fps_min p50 p99 load_cpu% recv_fps errors
rep () {
	r_tag=$1
	shift
	r_t=$((SECS + 2))
	r_i=0
	LPIDS=
	for g in "$@"
	do
		r_i=$((r_i + 1))
		r_f=$OUT/$r_tag.$REP.g$r_i
		(
			"$WSC" load -n "${g%%@*}" -t $r_t "${g#*@}" \
				>"$r_f.out" 2>"$r_f.err"
			times >"$r_f.times"
		) &
		LPIDS="$LPIDS $!"
	done
	sleep 1
	r_c0=$(ticks "$SPID")
	r_f0=$(frames)
	r_w0=$(now_ms)
	: >"$OUT/$r_tag.$REP.rss"
	r_k=0
	while test $r_k -lt "$SECS"
	do
		sleep 1
		awk '/^VmRSS:/ { print $2 / 1024 }' "/proc/$SPID/status" \
			>>"$OUT/$r_tag.$REP.rss"
		r_k=$((r_k + 1))
	done
	r_c1=$(ticks "$SPID")
	r_f1=$(frames)
	r_w1=$(now_ms)
	# shellcheck disable=SC2086
	wait $LPIDS
	LPIDS=
	r_rss=$(med <"$OUT/$r_tag.$REP.rss")
	r_srv=$(echo "$r_c0 $r_c1" |
		awk '{ print ($3 - $1) - ($4 - $2) }')
	r_load=0
	for tf in "$OUT/$r_tag.$REP".g*.times
	do
		r_load=$(sed -n 2p "$tf" | tr 'ms' '  ' |
			awk -v s="$r_load" '{ print s + $1 * 60 + $2 + \
				$3 * 60 + $4 }')
	done
	cat "$OUT/$r_tag.$REP".g*.out >"$OUT/$r_tag.$REP.all"
	awk -v srv="$r_srv" -v hz="$HZ" -v ms=$((r_w1 - r_w0)) \
	    -v fr=$((r_f1 - r_f0)) -v rss="$r_rss" -v load="$r_load" \
	    -v t=$r_t '
		function kv(k,   i, n) {
			for (i = 1; i <= NF; i++) {
				n = index($i, "=")
				if (substr($i, 1, n - 1) == k)
					return substr($i, n + 1)
			}
			return 0
		}
		/^clients=/ {
			g++
			fps[g] = kv("fps"); p50[g] = kv("lat_p50")
			m = kv("fps_min") + 0
			if (g == 1 || m < fmin) fmin = m
			p = kv("lat_p99") + 0
			if (p > p99) p99 = p
			recv += kv("frames") + kv("invalid")
			ncl += kv("clients")
			err += kv("errors") + kv("clients") - kv("connected")
		}
		function median(a, n,   i, j, x) {
			for (i = 2; i <= n; i++) {
				x = a[i]
				for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--)
					a[j + 1] = a[j]
				a[j + 1] = x
			}
			return n % 2 ? a[(n + 1) / 2] \
				: (a[n / 2] + a[n / 2 + 1]) / 2
		}
		END {
			if (g == 0) { print "no wsclient output" > "/dev/stderr";
				exit 1 }
			cpu = srv / hz / (ms / 1000) * 100
			mpf = fr > 0 ? srv / hz * 1000 / fr : -1
			printf "%.2f %.3f %.1f %.2f %.2f %.1f %.1f %.2f %.2f %d\n",
				cpu, mpf, rss, median(fps, g), fmin,
				median(p50, g), p99, load / t * 100,
				recv / ncl / t, err
		}' "$OUT/$r_tag.$REP.all" >>"$OUT/$r_tag.reps" ||
		die "$r_tag: no result"
}

# idle TAG: the server with no client: REPS windows of SECS/2 s; appends
# "cpu% ms/frame" lines to TAG.reps.
idle () {
	i_r=0
	while test $i_r -lt "$REPS"
	do
		i_c0=$(ticks "$SPID")
		i_f0=$(frames)
		i_w0=$(now_ms)
		sleep $((SECS / 2))
		i_c1=$(ticks "$SPID")
		i_f1=$(frames)
		i_w1=$(now_ms)
		echo "$i_c0 $i_c1" | awk -v hz="$HZ" -v ms=$((i_w1 - i_w0)) \
		    -v fr=$((i_f1 - i_f0)) '{ srv = ($3 - $1) - ($4 - $2)
			mpf = fr > 0 ? srv / hz * 1000 / fr : -1
			printf "%.2f %.3f\n", srv / hz / (ms / 1000) * 100,
				mpf }' \
			>>"$OUT/$1.reps"
		i_r=$((i_r + 1))
	done
}

# measure TAG N@URL...: REPS runs of rep.
measure () {
	REP=1
	while test $REP -le "$REPS"
	do
		rep "$@"
		REP=$((REP + 1))
	done
}

# col TAG N: the median over the runs of column N of TAG.reps.
col () {
	awk -v n="$2" '{ print $n }' "$OUT/$1.reps" | med
}

# row TAG LABEL: a Markdown row with the medians of TAG.
row () {
	echo "| $2 | $(col "$1" 1) | $(col "$1" 3) | $(col "$1" 4) |" \
		"$(col "$1" 5) | $(col "$1" 9) | $(col "$1" 6) |" \
		"$(col "$1" 7) | $(col "$1" 8) | $(col "$1" 10) |"
}

# mrow TAG LABEL: server CPU/RSS/received fps, for the MJPEG comparison.
mrow () {
	echo "| $2 | $(col "$1" 1) | $(col "$1" 3) | $(col "$1" 9) |" \
		"$(col "$1" 8) |"
}

ratio () {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a > 0)
		printf "%.2f", a / b; else print "-" }'
}

echo >&2 "bench: $REPS runs of ${SECS}s per figure, about" \
	"$((16 * REPS * (SECS + 3) / 60 + 1)) minutes"

# --- pictures for the bare TurboJPEG figures ------------------------------
# Fetched first, then every server stopped, so tjbench runs on an idle box.
start_rr prep-test "" --source test
warm "$BASE/snapshot?quality=95"
curl -s -m 5 -o "$OUT/test-q95.jpg" "$BASE/snapshot?quality=95" ||
	die "no snapshot"
stop_server
start_rr prep-yuyv "$CAMENV" --source v4l2 --device "$DEV" --format yuyv
warm "$BASE/snapshot?quality=95"
curl -s -m 5 -o "$OUT/cam-yuyv-q95.jpg" "$BASE/snapshot?quality=95" ||
	die "no snapshot"
stop_server
start_rr prep-mjpeg "$CAMENV" --source v4l2 --device "$DEV" --format mjpeg
warm "$BASE/snapshot?quality=95"
# One camera frame as the camera sent it: the start of the passthrough
# stream (curl stops at -m; tjbench takes the first whole JPEG).
curl -s -m 1 -o "$OUT/cam-mjpeg.raw" "$BASE/stream?quality=source"
stop_server

TJN=100
TJR=7
"$TJB" enc "$OUT/test-q95.jpg" 80 $TJN $TJR >"$OUT/tj-test.out" &&
"$TJB" enc "$OUT/cam-yuyv-q95.jpg" 80 $TJN $TJR >"$OUT/tj-yuyv.out" &&
"$TJB" decenc "$OUT/cam-mjpeg.raw" 80 $TJN $TJR >"$OUT/tj-mjpeg.out" ||
	die "tjbench failed"
# The same with the planes cycled through 16 copies (29 MB), so they come
# from memory as a fresh frame's would, not from the cache.
"$TJB" enc "$OUT/test-q95.jpg" 80 $TJN $TJR 16 >"$OUT/tj-test-cold.out" &&
"$TJB" enc "$OUT/cam-yuyv-q95.jpg" 80 $TJN $TJR 16 >"$OUT/tj-yuyv-cold.out" ||
	die "tjbench failed"
TJ_TEST=$(kv ms_median "$OUT/tj-test.out")
TJ_YUYV=$(kv ms_median "$OUT/tj-yuyv.out")
TJC_TEST=$(kv ms_median "$OUT/tj-test-cold.out")
TJC_YUYV=$(kv ms_median "$OUT/tj-yuyv-cold.out")
TJ_MJPEG=$(kv ms_median "$OUT/tj-mjpeg.out")

# --- (a), (b): the test pattern over WebSocket ----------------------------
start_rr test "" --source test
warm "$BASE/snapshot?quality=80"
idle idle-test
measure ws1 "1@$WSBASE/websocket/80"
measure ws10 "10@$WSBASE/websocket/80"
measure ws100 "100@$WSBASE/websocket/80"
# 100 clients over the 14 qualities 30..95: 8 each for the first two.
set --
for q in 30 35 40 45 50 55 60 65 70 75 80 85 90 95
do
	n=7
	test $# -lt 2 && n=8
	set -- "$@" "$n@$WSBASE/websocket/$q"
done
measure wsmix "$@"
stop_server

# --- (c), (d): the emulated camera, ours ----------------------------------
start_rr cam-yuyv "$CAMENV" --source v4l2 --device "$DEV" --format yuyv
warm "$BASE/snapshot?quality=80"
idle idle-yuyv
measure cy1 "1@$WSBASE/websocket/80"
measure cy100 "100@$WSBASE/websocket/80"
measure my1 "1@$BASE/stream?quality=80"
measure my100 "100@$BASE/stream?quality=80"
stop_server
start_rr cam-mjpeg "$CAMENV" --source v4l2 --device "$DEV" --format mjpeg
warm "$BASE/snapshot?quality=80"
idle idle-mjpeg
measure cm1 "1@$WSBASE/websocket/80"
measure cm100 "100@$WSBASE/websocket/80"
measure mm1 "1@$BASE/stream?quality=source"
measure mm100 "100@$BASE/stream?quality=source"
stop_server

# --- (d): µStreamer under the same fakecam --------------------------------
start_us us-yuyv -m YUYV -q 80
warm "$BASE/snapshot"
measure uy1 "1@$BASE/stream"
measure uy100 "100@$BASE/stream"
stop_server
start_us us-mjpeg -m MJPEG --encoder=HW
warm "$BASE/snapshot"
measure um1 "1@$BASE/stream"
measure um100 "100@$BASE/stream"
stop_server

# --- (e) ------------------------------------------------------------------
strip -o "$OUT/rerocctv.stripped" "$RR" || die "strip failed"
SIZE=$(stat -c %s "$OUT/rerocctv.stripped")

# --- the report -----------------------------------------------------------
A_SRV=$(col ws1 2)
CY_SRV=$(col cy1 2)
CM_SRV=$(col cm1 2)
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
echo "## Benchmarks"
echo
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- Machine: $CPU, $(nproc) cores, Linux $(uname -r)"
echo "- rerocctv $("$RR" --version 2>&1 | awk '{ print $2 }')," \
	"libturbojpeg $(dpkg-query -W -f '${Version}' libturbojpeg0 \
	2>/dev/null), µStreamer $(ustreamer --version)"
echo "- Method: every figure is the median of $REPS runs; each run" \
	"measures ${SECS} s after 1 s of warm-up (the load client runs" \
	"$((SECS + 2)) s). Server CPU = utime+stime delta from" \
	"/proc/PID/stat (camera runs: minus the threads named fakecam," \
	"i.e. the emulated camera's work), in % of one core. RSS = VmRSS," \
	"median of 1 s samples. fps, fps min, latency come from" \
	"tests/wsclient (fps: median per client; fps min: slowest client;" \
	"latency: arrival minus the frame's capture timestamp); with several" \
	"wsclient processes, the median of their p50 and the highest p99." \
	"wsclient's fps counts from a client's first to its last frame, so" \
	"\"recv fps\" = frames received / clients / client run time shows" \
	"any stall it would hide (connect time makes it read a hair low)." \
	"Per-run figures: build/bench/*.reps (cpu% ms/frame rss fps fps_min" \
	"p50 p99 client_cpu% recv_fps errors)." \
	"The load client runs on the same cores; its CPU (utime+stime over" \
	"its whole run) is shown as \"client CPU %\"."
echo "- All 1280x720, 30 fps, loopback."
echo
echo "### Encode cost (1280x720, q80, 4:2:2)"
echo
echo "Bare TurboJPEG: bench/tjbench.c, thread CPU per frame," \
	"median of $TJR runs of $TJN frames, same flags as the server" \
	"(TJFLAG_FASTDCT), on a picture fetched from the server" \
	"(\`/snapshot?quality=95\` decoded to planes; for MJPEG a camera" \
	"frame from \`/stream?quality=source\`, decoded + encoded per frame)." \
	"*hot*: the same planes every time (in cache); *cold*: cycling" \
	"through 16 copies, so they come from memory like a new frame's." \
	"Server: CPU ms per source frame with one WebSocket client at q80;" \
	"*idle*: the same with no client (pattern drawing / capture only)."
echo
echo "| input | bare ms/frame (hot / cold) | server ms/frame," \
	"1 client | server idle ms/frame | server / bare (hot / cold) |"
echo "|---|---|---|---|---|"
echo "| test pattern: encode | $TJ_TEST / $TJC_TEST | $A_SRV |" \
	"$(col idle-test 2) | $(ratio "$A_SRV" "$TJ_TEST") /" \
	"$(ratio "$A_SRV" "$TJC_TEST") |"
echo "| camera YUYV: split + encode (bare: encode) | $TJ_YUYV /" \
	"$TJC_YUYV | $CY_SRV | $(col idle-yuyv 2) |" \
	"$(ratio "$CY_SRV" "$TJ_YUYV") / $(ratio "$CY_SRV" "$TJC_YUYV") |"
echo "| camera MJPEG: decode + encode | $TJ_MJPEG | $CM_SRV |" \
	"$(col idle-mjpeg 2) | $(ratio "$CM_SRV" "$TJ_MJPEG") |"
echo
echo "Server CPU with no client: test pattern $(col idle-test 1) %," \
	"camera YUYV $(col idle-yuyv 1) %, camera MJPEG $(col idle-mjpeg 1) %" \
	"of one core."
echo
echo "### WebSocket clients, test pattern"
echo
echo "| clients | server CPU % | RSS MB | fps | fps min | recv fps |" \
	"p50 ms | p99 ms | client CPU % | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
row ws1 "1 x q80"
row ws10 "10 x q80"
row ws100 "100 x q80"
row wsmix "100 over q30..95 (14 qualities, 7-8 each)"
echo
echo "### Camera (fakecam), WebSocket q80"
echo
echo "Capture-to-arrival latency; server CPU excludes the fakecam threads."
echo
echo "| camera format | clients | server CPU % | RSS MB | fps | fps min |" \
	"recv fps | p50 ms | p99 ms | client CPU % | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
row cy1 "YUYV | 1"
row cy100 "YUYV | 100"
row cm1 "MJPEG | 1"
row cm100 "MJPEG | 100"
echo
echo "### Beside µStreamer (same fakecam, MJPEG over HTTP)"
echo
echo "Both read by \`wsclient load http://.../stream\`; received fps =" \
	"frames received / clients / client run time (wsclient counts" \
	"µStreamer's frames as invalid because they carry no COM timestamp," \
	"but reads them all). RSS of both includes fakecam's own buffers" \
	"(its pictures and the memfd frame buffers)."
echo
echo "| server, camera, clients | server CPU % | RSS MB | received fps |" \
	"client CPU % |"
echo "|---|---|---|---|---|"
mrow my1 "rerocctv, YUYV -> q80, 1"
mrow uy1 "µStreamer, YUYV -> q80, 1"
mrow my100 "rerocctv, YUYV -> q80, 100"
mrow uy100 "µStreamer, YUYV -> q80, 100"
mrow mm1 "rerocctv, MJPEG passthrough (quality=source), 1"
mrow um1 "µStreamer, MJPEG passthrough (--encoder=HW), 1"
mrow mm100 "rerocctv, MJPEG passthrough (quality=source), 100"
mrow um100 "µStreamer, MJPEG passthrough (--encoder=HW), 100"
echo
echo "### Binary"
echo
echo "Stripped rerocctv (web client included): $SIZE bytes" \
	"($(awk -v s="$SIZE" 'BEGIN { printf "%.0f", s / 1024 }') KiB)."
} >"$OUT/report.md"
cat "$OUT/report.md"
