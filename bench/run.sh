#!/bin/sh
# bench/run.sh (make bench): encode cost against bare
# TurboJPEG (4:2:0 and 4:2:2), frame size and SSIM beside µStreamer,
# CPU/RSS/fps/latency under load, the camera path, RSS by picture size,
# µStreamer beside us, binary size (Markdown).
#
# Usage: sh bench/run.sh   (make bench). Environment: BENCH_SECS (measured
# seconds per run, default 8), BENCH_REPS (runs per figure, default 3).
# Everything it writes goes under build/bench/; the report is printed and
# kept in build/bench/report.md.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/bench
RR=$ROOT/rerocctv
WSC=$ROOT/tests/wsclient
FAKECAM=$ROOT/tests/fakecam.so
TJB=$ROOT/build/tjbench
SECS=${BENCH_SECS:-8}
REPS=${BENCH_REPS:-3}
DEV=/nonexistent/fakecam-video0
MODES=yuyv:1280x720@30,mjpeg:1280x720@30,yuyv:320x240@30,mjpeg:320x240@30
MODES=$MODES,yuyv:1920x1080@5,mjpeg:1920x1080@30
CAMENV="LD_PRELOAD=$FAKECAM FAKECAM_DEVICE=$DEV FAKECAM_MODES=$MODES"
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
command -v ffmpeg >/dev/null || die "ffmpeg not installed"
mkdir -p "$OUT" || die "cannot create $OUT"
rm -f "$OUT"/*.out "$OUT"/*.err "$OUT"/*.times "$OUT"/*.rss "$OUT"/*.reps \
	"$OUT"/*.ssim
cc -O2 -std=c99 -Wall -Wextra -o "$TJB" "$ROOT/bench/tjbench.c" \
	-lturbojpeg || die "cannot build tjbench"

# --- helpers -------------------------------------------------------------

# kv KEY FILE: the value of KEY=VALUE in a wsclient result line.
kv () {
	awk -v k="$1" '{ for (i = 1; i <= NF; i++) { n = index($i, "=");
		if (substr($i, 1, n - 1) == k) print substr($i, n + 1) } }' "$2"
}

# ticks PID: "TOTAL FAKECAM" CPU time in ns of the process's threads and
# of those named fakecam (the emulated camera's own work), from each
# thread's schedstat (run time in ns: clock ticks are too coarse to tell
# 5 % of a 2 ms encode). The servers' threads live as long as they do.
ticks () {
	for t_d in /proc/"$1"/task/*
	do
		echo "$(cat "$t_d/comm" 2>/dev/null)" \
			"$(cut -d' ' -f1 "$t_d/schedstat" 2>/dev/null)"
	done | awk '{ t += $NF; if ($1 == "fakecam") f += $NF }
		END { printf "%.0f %.0f\n", t, f }'
}

now_ms () {
	echo $(($(date +%s%N) / 1000000))
}

# frames: rerocctv's source frames so far (0 for anything else).
frames () {
	test -n "$RRBASE" || { echo 0; return; }
	curl -s -m 2 "$RRBASE/metrics" |
		awk '/^rerocctv_source_frames_total[{ ]/ { v = $2 }
		     END { print v + 0 }'
}

# start_rr NAME ENV ARGS...: rerocctv on a free port, env ENV (may be "").
# Every load client comes from 127.0.0.1: the per-address limit (32 by
# default) is raised above the 100 clients of the largest run.
start_rr () {
	sr_log=$OUT/$1.log
	sr_env=$2
	shift 2
	# shellcheck disable=SC2086
	env $sr_env "$RR" --listen 127.0.0.1:0 --max-per-ip 200 "$@" \
		>"$sr_log" 2>&1 &
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

# start_us NAME ARGS...: µStreamer under fakecam on a free port; extra
# environment for fakecam in USENV.
start_us () {
	su_log=$OUT/$1.log
	shift
	PORT=$(free_port)
	# shellcheck disable=SC2086
	env $CAMENV ${USENV:-} ustreamer --device "$DEV" --host 127.0.0.1 \
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
	awk -v srv="$r_srv" -v ms=$((r_w1 - r_w0)) \
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
			cpu = srv / 1e9 / (ms / 1000) * 100
			mpf = fr > 0 ? srv / 1e6 / fr : -1
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
		echo "$i_c0 $i_c1" | awk -v ms=$((i_w1 - i_w0)) \
		    -v fr=$((i_f1 - i_f0)) '{ srv = ($3 - $1) - ($4 - $2)
			mpf = fr > 0 ? srv / 1e6 / fr : -1
			printf "%.2f %.3f\n", srv / 1e9 / (ms / 1000) * 100,
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

# added SRV IDLE: what one client adds per frame, ms (3 decimals).
added () {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'
}

# ssim DIST.jpg REF.yuyv W H: "Y U V All" SSIM of a server's JPEG against
# fakecam's raw YUYV frame. Both go to 4:4:4 first with the same ffmpeg
# chroma upsampling (the reference from its 4:2:2, the JPEG from its
# 4:2:0 or 4:2:2), so chroma detail a subsampling loses counts; sample
# values are compared as they are (the servers put the camera's Y'CbCr
# into the JPEG unchanged, so no range conversion on either side).
ssim () {
	ffmpeg -v error -y -f rawvideo -pix_fmt yuyv422 -s "$3x$4" -i "$2" \
		-f rawvideo -pix_fmt yuv444p "$OUT/ref.yuv" &&
	ffmpeg -v error -y -i "$1" -f rawvideo -pix_fmt yuvj444p \
		"$OUT/dist.yuv" &&
	ffmpeg -v info -nostats -f rawvideo -pix_fmt yuv444p -s "$3x$4" \
		-i "$OUT/dist.yuv" -f rawvideo -pix_fmt yuv444p -s "$3x$4" \
		-i "$OUT/ref.yuv" -lavfi ssim -f null - 2>&1 |
		sed -n 's/.*SSIM Y:\([0-9.]*\).*U:\([0-9.]*\).*V:\([0-9.]*\).*All:\([0-9.]*\).*/\1 \2 \3 \4/p'
}

# quality TAG URL N: frame bytes and SSIM of the q80 snapshot at URL,
# from a server just started on fakecam with FAKECAM_STILL=N (picture N
# in every frame) and FAKECAM_DUMP (its raw frame); appends
# "bytes ssimY ssimU ssimV ssimAll" to TAG.ssim.
quality () {
	q_i=0
	# µStreamer serves a small blank picture until its first frame.
	until curl -sf -m 3 -o "$OUT/$1.$3.jpg" "$2" &&
		test "$(ffprobe -v error -show_entries stream=width -of \
			csv=p=0 "$OUT/$1.$3.jpg")" = 1280 &&
		test -s "$OUT/still-$3.yuyv"
	do
		q_i=$((q_i + 1))
		test $q_i -lt 20 || die "no snapshot from $2"
		sleep 0.5
	done
	echo "$(stat -c %s "$OUT/$1.$3.jpg")" \
		"$(ssim "$OUT/$1.$3.jpg" "$OUT/still-$3.yuyv" 1280 720)" \
		>>"$OUT/$1.ssim"
}

# qcol TAG N: the mean over the still pictures of column N of TAG.ssim.
qcol () {
	awk -v n="$2" '{ s += $n; k++ }
		END { f = n == 1 ? "%.0f" : "%.4f"
		      if (k) printf f, s / k; else printf "-" }' "$OUT/$1.ssim"
}

# quick TAG N@URL: one short run (4 s) for the RSS-by-size figures.
quick () {
	q_secs=$SECS
	q_reps=$REPS
	SECS=4
	REPS=1
	measure "$@"
	SECS=$q_secs
	REPS=$q_reps
}

echo >&2 "bench: $REPS runs of ${SECS}s per figure, about" \
	"$((19 * REPS * (SECS + 3) / 60 + 5)) minutes"

# --- pictures for the bare TurboJPEG figures ------------------------------
# Fetched first, then every server stopped, so tjbench runs on an idle box.
# snap NAME ENV ARGS...: a q95 snapshot of that server, as NAME.jpg.
snap () {
	sn_name=$1
	shift
	start_rr "prep-$sn_name" "$@"
	warm "$BASE/snapshot?quality=95"
	curl -s -m 5 -o "$OUT/$sn_name.jpg" "$BASE/snapshot?quality=95" ||
		die "no snapshot"
	stop_server
}
snap test420 "" --source test
snap test422 "" --source test --subsampling 422
snap yuyv420 "$CAMENV" --source v4l2 --device "$DEV" --format yuyv
snap yuyv422 "$CAMENV" --source v4l2 --device "$DEV" --format yuyv \
	--subsampling 422
start_rr prep-mjpeg "$CAMENV" --source v4l2 --device "$DEV" --format mjpeg
warm "$BASE/snapshot?quality=95"
# One camera frame as the camera sent it: the start of the passthrough
# stream (curl stops at -m; tjbench takes the first whole JPEG).
curl -s -m 1 -o "$OUT/cam-mjpeg.raw" "$BASE/stream?quality=source"
stop_server

TJN=100
TJR=7
# tj NAME ARGS...: tjbench's median ms per frame into TJ_NAME.
tj () {
	tj_name=$1
	shift
	"$TJB" "$@" >"$OUT/tj-$tj_name.out" || die "tjbench $* failed"
	eval "TJ_$tj_name=\$(kv ms_median \"\$OUT/tj-\$tj_name.out\")"
}
# Hot: the same planes every time (in cache). Cold: the planes cycled
# through 16 copies (22-29 MB), so they come from memory as a fresh
# frame's would.
for ss in 420 422
do
	tj "test$ss" enc "$OUT/test$ss.jpg" 80 $TJN $TJR
	tj "testc$ss" enc "$OUT/test$ss.jpg" 80 $TJN $TJR 16
	tj "yuyv$ss" enc "$OUT/yuyv$ss.jpg" 80 $TJN $TJR
	tj "yuyvc$ss" enc "$OUT/yuyv$ss.jpg" 80 $TJN $TJR 16
	tj "mjpeg$ss" decenc "$OUT/cam-mjpeg.raw" 80 $TJN $TJR 1 $ss
done
# Paced: one frame each 1/30 s, as the server gets them (thread CPU of
# the work only). After 33 ms of other work or sleep a frame starts with
# colder caches and clocks than in a back-to-back loop, and costs 8-20 %
# more CPU for the very same calls: this is the bare cost a 30 fps
# stream can have.
export TJBENCH_FPS=30
for ss in 420 422
do
	tj "testp$ss" enc "$OUT/test$ss.jpg" 80 60 5
	tj "yuyvp$ss" enc "$OUT/yuyv$ss.jpg" 80 60 5
	tj "mjpegp$ss" decenc "$OUT/cam-mjpeg.raw" 80 60 5 1 $ss
done
unset TJBENCH_FPS

# --- (a), (b): the test pattern over WebSocket ----------------------------
start_rr test422 "" --source test --subsampling 422
warm "$BASE/snapshot?quality=80"
idle idle-test422
measure ws1-422 "1@$WSBASE/websocket/80"
stop_server
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
start_rr cam-yuyv422 "$CAMENV" --source v4l2 --device "$DEV" --format yuyv \
	--subsampling 422
warm "$BASE/snapshot?quality=80"
idle idle-yuyv422
measure cy1-422 "1@$WSBASE/websocket/80"
stop_server
start_rr cam-mjpeg422 "$CAMENV" --source v4l2 --device "$DEV" \
	--format mjpeg --subsampling 422
warm "$BASE/snapshot?quality=80"
idle idle-mjpeg422
measure cm1-422 "1@$WSBASE/websocket/80"
stop_server
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

# --- frame bytes and SSIM on one picture, beside µStreamer ----------------
for n in 0 11 23
do
	e="FAKECAM_STILL=$n FAKECAM_DUMP=$OUT/still-$n.yuyv"
	rm -f "$OUT/still-$n.yuyv"
	start_rr "still420-$n" "$CAMENV $e" --source v4l2 --device "$DEV" \
		--format yuyv
	quality q420 "$BASE/snapshot?quality=80" $n
	stop_server
	start_rr "still422-$n" "$CAMENV $e" --source v4l2 --device "$DEV" \
		--format yuyv --subsampling 422
	quality q422 "$BASE/snapshot?quality=80" $n
	stop_server
	USENV=$e start_us "us-still-$n" -m YUYV -q 80
	quality qus "$BASE/snapshot" $n
	stop_server
done

# --- RSS by picture size, one q80 client ----------------------------------
for sz in 320x240 1920x1080
do
	start_rr "test-$sz" "" --source test --size $sz
	warm "$BASE/snapshot?quality=80"
	quick "rss-test-$sz" "1@$WSBASE/websocket/80"
	stop_server
done
for m in yuyv:320x240:30 yuyv:1920x1080:5 mjpeg:320x240:30 \
	mjpeg:1920x1080:30
do
	f=${m%%:*}
	sz=${m#*:}
	sz=${sz%:*}
	start_rr "cam-$f-$sz" "$CAMENV" --source v4l2 --device "$DEV" \
		--format "$f" --size "$sz" --fps "${m##*:}"
	warm "$BASE/snapshot?quality=80"
	quick "rss-$f-$sz" "1@$WSBASE/websocket/80"
	stop_server
done

# --- (e) ------------------------------------------------------------------
strip -o "$OUT/rerocctv.stripped" "$RR" || die "strip failed"
SIZE=$(stat -c %s "$OUT/rerocctv.stripped")

# --- the report -----------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
# encrow LABEL SS TAG IDLE BARE-HOT BARE-COLD BARE-PACED: a row of the
# encode table.
encrow () {
	er_srv=$(col "$3" 2)
	er_idle=$(col "$4" 2)
	er_add=$(added "$er_srv" "$er_idle")
	echo "| $1 | 4:2:$2 | $5 / $6 / $7 | $er_srv | $er_idle | $er_add |" \
		"**$(ratio "$er_add" "$7")** ($(ratio "$er_add" "$5") /" \
		"$(ratio "$er_add" "$6")) |"
}
{
echo "## Benchmarks"
echo
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- Machine: $CPU, $(nproc) cores, Linux $(uname -r)"
echo "- rerocctv $("$RR" --version 2>&1 | awk '{ print $2 }')," \
	"libjpeg-turbo $(dpkg-query -W -f '${Version}' \
	"libjpeg62-turbo:$(dpkg --print-architecture)" 2>/dev/null)," \
	"µStreamer $(ustreamer --version)"
echo "- Method: every figure is the median of $REPS runs; each run" \
	"measures ${SECS} s after 1 s of warm-up (the load client runs" \
	"$((SECS + 2)) s). Server CPU = the run time of the server's threads" \
	"(/proc/PID/task/*/schedstat, ns; camera runs: minus the threads" \
	"named fakecam, i.e. the emulated camera's work), in % of one core." \
	"RSS = VmRSS, median of 1 s samples. fps, fps min, latency come from" \
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
echo "- 1280x720, 30 fps, loopback, 4:2:0 (the default) unless a table" \
	"says otherwise."
echo
echo "### Encode cost against bare TurboJPEG (1280x720, q80)"
echo
echo "Bare: bench/tjbench.c, thread CPU per frame, median of $TJR runs" \
	"of $TJN frames, TurboJPEG with the server's flags (TJFLAG_FASTDCT)" \
	"on the server's own picture (\`/snapshot?quality=95\` of that" \
	"source and subsampling, decoded to planes once): an encode from" \
	"ready planes. For the MJPEG camera a camera frame" \
	"(\`/stream?quality=source\`, 4:2:2) decoded to planes per frame" \
	"plus an encode from planes in the subsampling asked for (made once," \
	"before the clock runs). *hot*: the same planes every time (in" \
	"cache); *cold*: cycling through 16 copies, so they come from memory" \
	"like a new frame's; *paced*: the same planes, one frame each 1/30 s" \
	"(the thread sleeps between frames; only the work is timed), as the" \
	"server gets them. Server: CPU ms per source frame with one" \
	"WebSocket client at q80, and *idle* with no client (the pattern's" \
	"drawing, the capture); *added* = one client - idle, i.e. what" \
	"encoding and sending one q80 stream costs (its send included)." \
	"Ratio = added / bare paced (in brackets: / hot, / cold)."
echo
echo "| input | subsampling | bare ms/frame (hot / cold / paced) |" \
	"server ms/frame, 1 client | idle ms/frame | added ms/frame |" \
	"added / bare paced (hot / cold) |"
echo "|---|---|---|---|---|---|---|"
encrow "test pattern: encode" 0 ws1 idle-test "$TJ_test420" \
	"$TJ_testc420" "$TJ_testp420"
encrow "test pattern: encode" 2 ws1-422 idle-test422 "$TJ_test422" \
	"$TJ_testc422" "$TJ_testp422"
encrow "camera YUYV: split + encode (bare: encode)" 0 cy1 idle-yuyv \
	"$TJ_yuyv420" "$TJ_yuyvc420" "$TJ_yuyvp420"
encrow "camera YUYV: split + encode (bare: encode)" 2 cy1-422 \
	idle-yuyv422 "$TJ_yuyv422" "$TJ_yuyvc422" "$TJ_yuyvp422"
encrow "camera MJPEG: decode + encode" 0 cm1 idle-mjpeg "$TJ_mjpeg420" \
	"$TJ_mjpeg420" "$TJ_mjpegp420"
encrow "camera MJPEG: decode + encode" 2 cm1-422 idle-mjpeg422 \
	"$TJ_mjpeg422" "$TJ_mjpeg422" "$TJ_mjpegp422"
echo
echo "Server CPU with no client: test pattern $(col idle-test 1) %," \
	"camera YUYV $(col idle-yuyv 1) %, camera MJPEG $(col idle-mjpeg 1) %" \
	"of one core."
echo
echo "### Frame size and SSIM at q80, beside µStreamer"
echo
echo "The emulated YUYV camera at 1280x720 showing one still picture" \
	"(FAKECAM_STILL: pictures 0, 11 and 23, means over the three); a" \
	"q80 \`/snapshot\` of each server. The source picture is fakecam's" \
	"raw YUYV frame (FAKECAM_DUMP). SSIM from ffmpeg's ssim filter, the" \
	"JPEG against the source picture, both taken to 4:4:4 by the same" \
	"ffmpeg chroma upsampling first (so what a subsampling drops counts)" \
	"and compared sample for sample (rerocctv puts the camera's Y'CbCr" \
	"values into the JPEG as they are; µStreamer 4.9 goes through RGB" \
	"and back with JFIF's equations, so its values match but for what" \
	"that round trip clips and rounds). Bytes are whole frames as" \
	"sent (rerocctv's include its ~50-byte COM segment)."
echo
echo "| server | frame bytes | SSIM Y | SSIM U | SSIM V | SSIM all |"
echo "|---|---|---|---|---|---|"
for t in q420:"rerocctv, 4:2:0 (default)" q422:"rerocctv, 4:2:2" \
	qus:"µStreamer, -q 80 (YUYV to RGB to libjpeg, 4:2:0)"
do
	echo "| ${t#*:} | $(qcol "${t%%:*}" 1) | $(qcol "${t%%:*}" 2) |" \
		"$(qcol "${t%%:*}" 3) | $(qcol "${t%%:*}" 4) |" \
		"$(qcol "${t%%:*}" 5) |"
done
echo
echo "rerocctv 4:2:0 / µStreamer bytes: $(ratio "$(qcol q420 1)" \
	"$(qcol qus 1)"); 4:2:2 / 4:2:0: $(ratio "$(qcol q422 1)" \
	"$(qcol q420 1)")."
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
echo "### RSS by picture size, one q80 WebSocket client"
echo
echo "One run of 4 s each (RSS hardly moves). Camera RSS includes" \
	"fakecam's own buffers (its pictures, the memfd frame buffers)."
echo
echo "| source | size, fps | server CPU % | RSS MB | fps |"
echo "|---|---|---|---|---|"
echo "| test pattern | 320x240, 30 | $(col rss-test-320x240 1) |" \
	"$(col rss-test-320x240 3) | $(col rss-test-320x240 4) |"
echo "| test pattern | 1280x720, 30 | $(col ws1 1) | $(col ws1 3) |" \
	"$(col ws1 4) |"
echo "| test pattern | 1920x1080, 30 | $(col rss-test-1920x1080 1) |" \
	"$(col rss-test-1920x1080 3) | $(col rss-test-1920x1080 4) |"
echo "| camera YUYV | 320x240, 30 | $(col rss-yuyv-320x240 1) |" \
	"$(col rss-yuyv-320x240 3) | $(col rss-yuyv-320x240 4) |"
echo "| camera YUYV | 1280x720, 30 | $(col cy1 1) | $(col cy1 3) |" \
	"$(col cy1 4) |"
echo "| camera YUYV | 1920x1080, 5 | $(col rss-yuyv-1920x1080 1) |" \
	"$(col rss-yuyv-1920x1080 3) | $(col rss-yuyv-1920x1080 4) |"
echo "| camera MJPEG | 320x240, 30 | $(col rss-mjpeg-320x240 1) |" \
	"$(col rss-mjpeg-320x240 3) | $(col rss-mjpeg-320x240 4) |"
echo "| camera MJPEG | 1280x720, 30 | $(col cm1 1) | $(col cm1 3) |" \
	"$(col cm1 4) |"
echo "| camera MJPEG | 1920x1080, 30 | $(col rss-mjpeg-1920x1080 1) |" \
	"$(col rss-mjpeg-1920x1080 3) | $(col rss-mjpeg-1920x1080 4) |"
echo
echo "### Binary"
echo
echo "Stripped rerocctv (web client included): $SIZE bytes" \
	"($(awk -v s="$SIZE" 'BEGIN { printf "%.0f", s / 1024 }') KiB)."
} >"$OUT/report.md"
cat "$OUT/report.md"
