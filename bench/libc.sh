#!/bin/sh
# bench/libc.sh (make bench-libc): the static x86_64 binary linked with
# musl (what `make dist` ships) beside the same linked with glibc
# (SLIBC=glibc), on the 1280x720 30 fps test pattern: server CPU (% of
# one core) and RSS with 1 WebSocket client at q80 and with 14 clients at
# q30..q95 (14 rungs encoded). Medians of LIBC_REPS (3) runs of
# BENCH_SECS (20) s each, after 3 s of warm-up.
# Work files go to build/bench/libc/, the report to build/bench/libc.md,
# which is printed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
OUT=$ROOT/build/bench/libc
REPORT=$ROOT/build/bench/libc.md
WSC=$ROOT/tests/wsclient
SECS=${BENCH_SECS:-20}
REPS=${LIBC_REPS:-3}
HZ=$(getconf CLK_TCK)

die () {
	echo >&2 "bench-libc: $*"
	exit 1
}

rm -rf "$OUT" && mkdir -p "$OUT" || die "cannot make $OUT"
# Sub-makes must not see make's jobserver of `make bench-libc`.
(unset MAKEFLAGS MAKELEVEL MFLAGS
 make -C "$ROOT" --no-print-directory static &&
 make -C "$ROOT" --no-print-directory static SLIBC=glibc) \
	>"$OUT/make.log" 2>&1 ||
	{ cat "$OUT/make.log"; die "make static failed"; }

# run BIN N: one run; prints "cpu% rss_kB minfps".
run () {
	"$1" --source test --listen 127.0.0.1:0 >"$OUT/srv.log" 2>&1 &
	r_pid=$!
	r_i=0
	until r_addr=$(grep -o '127\.0\.0\.1:[0-9]*' "$OUT/srv.log") &&
		test -n "$r_addr"
	do
		r_i=$((r_i + 1))
		test $r_i -lt 100 || die "server did not start: $1"
		sleep 0.05
	done
	r_c=0
	while test $r_c -lt "$2"
	do
		"$WSC" load -t $((SECS + 4)) \
			"ws://$r_addr/websocket/$((30 + r_c % 14 * 5))" \
			>"$OUT/client.$r_c" 2>&1 &
		r_c=$((r_c + 1))
	done
	sleep 3
	r_t0=$(awk '{ print $14 + $15 }' "/proc/$r_pid/stat")
	sleep "$SECS"
	r_t1=$(awk '{ print $14 + $15 }' "/proc/$r_pid/stat")
	r_rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$r_pid/status")
	sleep 2
	kill "$r_pid"
	wait "$r_pid" 2>/dev/null
	wait
	echo "$(awk -v a="$r_t0" -v b="$r_t1" -v h="$HZ" -v s="$SECS" \
		'BEGIN { printf "%.1f", (b - a) * 100 / h / s }') $r_rss" \
		"$(cat "$OUT"/client.* | sed -n 's/.*fps=\([0-9.]*\).*/\1/p' |
			sort -g | head -n 1)"
	rm -f "$OUT"/client.*
}

{
	echo "| build | clients | CPU % of a core | RSS MB | slowest client fps |"
	echo "|---|---|---|---|---|"
	for n in 1 14
	do
		for b in x86_64 x86_64-glibc
		do
			k=0
			: >"$OUT/$b.$n"
			while test $k -lt "$REPS"
			do
				run "$ROOT/build/$b/rerocctv" $n >>"$OUT/$b.$n"
				k=$((k + 1))
			done
			echo "| $b | $n | $(cut -d' ' -f1 "$OUT/$b.$n" | med) |" \
				"$(cut -d' ' -f2 "$OUT/$b.$n" | med |
				   awk '{ printf "%.1f", $1 / 1024 }') |" \
				"$(cut -d' ' -f3 "$OUT/$b.$n" | med) |"
		done
	done
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(sed -n \
		's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1); medians of" \
		"$REPS runs of $SECS s; x86_64 = musl (make static)," \
		"x86_64-glibc = make static SLIBC=glibc."
} >"$REPORT"
cat "$REPORT"
