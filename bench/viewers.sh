#!/bin/sh
# bench/viewers.sh (make bench-viewers): many MJPEG viewers of one camera.
# The server under the emulated camera (tests/fakecam.so, YUYV 1280x720 at
# 30 fps), every viewer over loopback from 127.0.0.1 (--max-clients and
# --max-per-ip raised above them), read by wsclient. With every viewer at
# one quality, one rung is encoded and nearly all the server's work is
# delivery: the poll thread's cost per frame per viewer.
#
# Usage: sh bench/viewers.sh. Environment: VIEWERS_N (viewers, default
# 1000), VIEWERS_QUALITY (default 80; a list such as "60 70 80 auto"
# splits the viewers evenly, one wsclient each), BENCH_SECS (seconds
# measured per run, default 20), BENCH_REPS (runs, default 3),
# VIEWERS_SOURCE (camera, or test: the built-in pattern), VIEWERS_AUTH
# (basic or session: the server with an accounts file, every viewer with
# an admin's Basic credentials or one session's cookie, /metrics being
# an admin's; access is checked again every second for every open
# stream), VIEWERS_RR (the
# server binary, default ./rerocctv, to compare two builds run after run),
# VIEWERS_PERF (a file: over the last run's measured seconds, `perf
# record` on the server writes it and `perf stat` of the poll thread's
# system calls FILE.stat; bench/profile.sh reads them).
#
# Each run: wsclient for SECS+6 s; after 4 s, over SECS s, the CPU time
# of the server's threads but fakecam's (/proc/PID/task/*/schedstat), of
# its poll thread (the main thread), the time that thread waited for a
# CPU (other work on the machine), and the client's CPU. A viewer's fps =
# frames from its first to its last / the time between (wsclient --json);
# recv = frames received / viewers / the client's run time. poll µs = the
# poll thread's CPU time per frame per viewer, taking the median fps as
# every viewer's: other work on the machine moves it less than the fps.
# The machine's other work moves the fps a lot: to compare two builds,
# alternate single runs of each and compare medians, e.g.
#   for i in 1 2 3 4 5; do for b in ./old ./new; do VIEWERS_RR=$b \
#   BENCH_REPS=1 sh bench/viewers.sh; done; done
# One line per run in build/bench/viewers/runs:
#   fps_median fps_p10 fps_min recv_fps cpu% poll% client% errors
#   source_fps encoded_fps poll_wait% poll_us
# and a table of the medians over the runs in build/bench/viewers.md.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/bench/viewers
REPORT=$ROOT/build/bench/viewers.md
RR=${VIEWERS_RR:-$ROOT/rerocctv}
WSC=$ROOT/tests/wsclient
FAKECAM=$ROOT/tests/fakecam.so
N=${VIEWERS_N:-1000}
SECS=${BENCH_SECS:-20}
REPS=${BENCH_REPS:-3}
SOURCE=${VIEWERS_SOURCE:-camera}
DEV=/nonexistent/fakecam-video0
SYSCALLS=syscalls:sys_enter_writev,syscalls:sys_enter_write
SYSCALLS=$SYSCALLS,syscalls:sys_enter_ioctl,syscalls:sys_enter_getsockopt
SYSCALLS=$SYSCALLS,syscalls:sys_enter_poll,syscalls:sys_enter_read
QUALITY=${VIEWERS_QUALITY:-80}
AUTH=${VIEWERS_AUTH:-}
NQ=$(echo "$QUALITY" | wc -w)
SPID=
LPIDS=

die () {
	echo >&2 "bench-viewers: $*"
	exit 1
}

# Only what we started, by pid.
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
	test -f "$f" || die "missing $f: run make"
done
mkdir -p "$OUT" || die "cannot create $OUT"
rm -f "$OUT"/*

# ticks PID: "ALL POLL WAIT" CPU ns of the process's threads but
# fakecam's, of its main thread (the poll loop), and the time that thread
# waited for a CPU (run queue).
ticks () {
	for t_d in /proc/"$1"/task/*
	do
		echo "${t_d##*/}" "$(cat "$t_d/comm" 2>/dev/null)" \
			"$(cut -d' ' -f1-2 "$t_d/schedstat" 2>/dev/null)"
	done | awk -v pid="$1" '$2 != "fakecam" { t += $3 }
		$1 == pid { p = $3; w = $4 }
		END { printf "%.0f %.0f %.0f\n", t, p, w }'
}

# frames: "SOURCE ENCODED" frames so far (encoded: all rungs').
frames () {
	curl -s -m 2 ${COOKIE:+-b "$COOKIE"} "$BASE/metrics" |
		awk '/^rerocctv_source_frames_total[{ ]/ { s = $2 }
		     /^rerocctv_encoded_frames_total\{/ { e += $2 }
		     END { print s + 0, e + 0 }'
}

# cpu_ticks PID...: utime + stime of processes, clock ticks (those gone
# count 0).
cpu_ticks () {
	for ct_p
	do
		cat "/proc/$ct_p/stat" 2>/dev/null
	done | awk '{ t += $14 + $15 } END { print t + 0 }'
}

now_ms () {
	echo $(($(date +%s%N) / 1000000))
}

start () {
	case $SOURCE in
	camera)
		set -- env LD_PRELOAD="$FAKECAM" FAKECAM_DEVICE="$DEV" \
			FAKECAM_MODES=yuyv:1280x720@30 "$RR" --source v4l2 \
			--device "$DEV" --format yuyv ;;
	test)
		set -- "$RR" --source test ;;
	*)
		die "VIEWERS_SOURCE: camera or test" ;;
	esac
	case $AUTH in
	basic|session)
		printf "viewerpass1\n" | "$RR" passwd "$OUT/users" viewer \
			--role admin \
			>/dev/null 2>&1 || die "rerocctv passwd failed"
		set -- "$@" --auth-file "$OUT/users" ;;
	'') ;;
	*)
		die "VIEWERS_AUTH: basic or session" ;;
	esac
	"$@" --size 1280x720 --fps 30 --listen 127.0.0.1:0 \
		--max-clients $((N + 16)) --max-per-ip $((N + 16)) \
		>"$OUT/server.log" 2>&1 &
	SPID=$!
	s_i=0
	PORT=
	while test -z "$PORT" && test $s_i -lt 100
	do
		sleep 0.1
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$OUT/server.log")
		s_i=$((s_i + 1))
	done
	test -n "$PORT" || { cat >&2 "$OUT/server.log"; die "no server"; }
	BASE=http://127.0.0.1:$PORT
	COOKIE=
	case $AUTH in
	basic)
		BASE=http://viewer:viewerpass1@127.0.0.1:$PORT ;;
	session)
		COOKIE=$(curl -s -m 30 -D - -o /dev/null \
			-H "Content-Type: application/json" \
			-d '{"user":"viewer","password":"viewerpass1"}' \
			"$BASE/login" | tr -d '\r' |
			sed -n 's/^Set-Cookie: \(rerocctv_session=[^;]*\).*/\1/p')
		test -n "$COOKIE" || die "no session" ;;
	esac
	s_i=0
	until curl -sf -m 3 -o "$OUT/warm.jpg" ${COOKIE:+-b "$COOKIE"} \
		"$BASE/snapshot?quality=80"
	do
		s_i=$((s_i + 1))
		test $s_i -lt 20 || die "no frames"
		sleep 0.5
	done
}

stop () {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# run K: one run, one line appended to runs.
run () {
	LPIDS=
	r_g=0
	for q in $QUALITY
	do
		r_g=$((r_g + 1))
		"$WSC" load --json -n $((N / NQ)) -t $((SECS + 6)) \
			${COOKIE:+-H "Cookie: $COOKIE"} \
			"$BASE/stream?quality=$q" \
			>"$OUT/load.$1.$r_g.out" 2>"$OUT/load.$1.$r_g.err" &
		LPIDS="$LPIDS $!"
	done
	sleep 4
	r_f0=$(frames)
	r_c0=$(ticks "$SPID")
	# shellcheck disable=SC2086
	r_l0=$(cpu_ticks $LPIDS)
	r_w0=$(now_ms)
	if test -n "${VIEWERS_PERF:-}" && test "$1" = "$REPS"
	then
		# Beside the samples, the poll thread's system calls.
		perf stat -x, -e "$SYSCALLS" -t "$SPID" \
			-o "$VIEWERS_PERF.stat" -- sleep "$SECS" &
		perf record -q -e cpu-clock -F 499 --call-graph dwarf,8192 \
			-p "$SPID" -o "$VIEWERS_PERF" -- sleep "$SECS" \
			>/dev/null 2>&1 || die "perf record failed"
		wait $!
	else
		sleep "$SECS"
	fi
	r_c1=$(ticks "$SPID")
	# shellcheck disable=SC2086
	r_l1=$(cpu_ticks $LPIDS)
	r_w1=$(now_ms)
	r_f1=$(frames)
	# shellcheck disable=SC2086
	wait $LPIDS
	LPIDS=
	cat "$OUT/load.$1".*.out >"$OUT/load.$1.out"
	sed -n 's/^{.*"fps":\([0-9.]*\).*/\1/p' "$OUT/load.$1.out" | sort -g \
		>"$OUT/fps.$1"
	test -s "$OUT/fps.$1" || die "run $1: no wsclient output"
	awk -v c0="$r_c0" -v c1="$r_c1" -v ms=$((r_w1 - r_w0)) \
	    -v f0="$r_f0" -v f1="$r_f1" \
	    -v load=$((r_l1 - r_l0)) -v hz="$(getconf CLK_TCK)" \
	    -v t=$((SECS + 6)) \
	    -v n="$N" '
		FILENAME != last { last = FILENAME; file++ }
		file == 1 { f[++k] = $1 + 0; next }
		/^clients=/ {
			for (i = 1; i <= NF; i++) {
				split($i, kv, "=")
				v[kv[1]] += kv[2]
			}
		}
		END {
			split(c0, a); split(c1, b); split(f0, x); split(f1, y)
			s = ms / 1000
			med = k % 2 ? f[(k + 1) / 2] : (f[k / 2] + f[k / 2 + 1]) / 2
			printf "%.2f %.2f %.2f %.2f %.1f %.1f %.1f %d %.2f %.2f %.1f %.2f\n",
				med,
				f[int((k - 1) / 10) + 1], f[1],
				(v["frames"] + v["invalid"]) / n / t,
				(b[1] - a[1]) / 1e9 / s * 100,
				(b[2] - a[2]) / 1e9 / s * 100,
				load / hz / s * 100,
				v["errors"] + v["clients"] - v["connected"],
				(y[1] - x[1]) / s, (y[2] - x[2]) / s,
				(b[3] - a[3]) / 1e9 / s * 100,
				(med > 0 ? (b[2] - a[2]) / 1e3 / s / (n * med) : 0)
		}' "$OUT/fps.$1" "$OUT/load.$1.out" >>"$OUT/runs" ||
		die "run $1: no result"
	tail -n 1 "$OUT/runs" >&2
}

col () {
	awk -v n="$1" '{ print $n }' "$OUT/runs" | med
}

range () {
	awk -v n="$1" 'NR == 1 || $n < lo { lo = $n } NR == 1 || $n > hi {
		hi = $n } END { printf "%s..%s", lo, hi }' "$OUT/runs"
}

echo >&2 "bench-viewers: $N viewers, $REPS runs of ${SECS}s" \
	"(fps_median fps_p10 fps_min recv cpu% poll% client% errors" \
	"source_fps encoded_fps poll_wait% poll_us)"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
start
k=1
while test $k -le "$REPS"
do
	run $k
	k=$((k + 1))
done
stop

{
echo "## $N MJPEG viewers, 1280x720, quality $QUALITY ($SOURCE${AUTH:+, $AUTH}), loopback"
echo
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC');" \
	"$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
	"$(nproc) cores, Linux $(uname -r); load average before: $LOAD"
echo "- Medians of $REPS runs of $SECS s (range in brackets)."
echo
echo "| fps per viewer, median | p10 | slowest | recv fps |" \
	"server CPU % | poll thread % | µs per frame per viewer |" \
	"poll thread waiting % | client CPU % | source fps | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
echo "| $(col 1) ($(range 1)) | $(col 2) ($(range 2)) | $(col 3) |" \
	"$(col 4) | $(col 5) ($(range 5)) | $(col 6) ($(range 6)) |" \
	"$(col 12) ($(range 12)) | $(col 11) | $(col 7) | $(col 9) |" \
	"$(col 8) |"
} >"$REPORT"
cat "$REPORT"
