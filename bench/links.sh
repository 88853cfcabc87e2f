#!/bin/sh
# links.sh: the server behind emulated cellular and constant links
# (`make bench-links`). Measures the frame size of every rung of the auto
# ladder, then for each trace x congestion control x case runs the
# server on the 720p test pattern behind a fresh tests/linkemu link (40
# ms one way each way, a drop-tail queue of 1 s at the trace's mean rate,
# a recorded trace's .up on the ACK path) with traced viewers, and judges
# each viewer against the oracle (bench/links-eval.awk). Writes
# $LK_OUT/report.md, $LK_OUT/results (the raw key=value lines),
# $LK_OUT/floor (what the link alone allows: links-floor.awk), a chart
# per run ($LK_OUT/RUN.svg) and each run's files ($LK_OUT/RUN/, see
# bench/links-lib.sh). Exits 0 with a message where it cannot run (no
# root, no /dev/net/tun), 1 if a run could not be made.
#
# Environment: LK_TRACES (names in tests/traces, constN for a constant N
# Mbit/s, or stepSECSxMBIT-SECSxMBIT-... for a schedule of rates run once
# through; "ATT-LTE-driving-2016 TMobile-LTE-short const4 const40
# step15x40-30x4-20x40"),
# LK_CCS ("cubic bbr"), LK_CASES ("auto auto-v1 q80 q95 h30 orig mjpeg
# mjpeg-auto two"), LK_SECS (120), LK_CONST_SECS (60: constant links run
# the shorter of the two), LK_OUT (build/links); LS_SRV_ARGS adds server
# options.
#
# Cases: auto (/websocket/auto, no subprotocol), auto-v1 (the same with
# rerocctv.v1: texts each second), q80 q95 h30 (fixed rungs), orig (the
# original React client's reconnect-at-quality-±5 rule from 95), mjpeg
# (/stream, quality 80), mjpeg-auto (/stream?quality=auto), two (two auto
# viewers sharing the link); any other fixed rung by name (q60, t45...).
TOP=$(cd "$(dirname "$0")/.." && pwd) || exit 1
LK_TRACES=${LK_TRACES:-ATT-LTE-driving-2016 TMobile-LTE-short const4 const40 step15x40-30x4-20x40}
LK_CCS=${LK_CCS:-cubic bbr}
LK_CASES=${LK_CASES:-auto auto-v1 q80 q95 h30 orig mjpeg mjpeg-auto two}
LK_SECS=${LK_SECS:-120}
LK_CONST_SECS=${LK_CONST_SECS:-60}
LK_OUT=${LK_OUT:-$TOP/build/links}
LS_OUT=$LK_OUT
LK_TAG=rrb$$
. "$TOP/bench/links-lib.sh"

why=$(ls_cannot)
if test -n "$why"
then
	echo "bench-links: SKIP: $why"
	exit 0
fi
for c in $LK_CASES
do
	case $c in
	auto|auto-v1|orig|mjpeg|mjpeg-auto|two|[qht][0-9]*) ;;
	*) echo >&2 "bench-links: no case $c"; exit 1 ;;
	esac
done
# Whatever happens, the namespaces and what runs in them go.
trap 'ls_down' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$LK_OUT/traces" || exit 1
rm -rf "$LK_OUT/measure" "$LK_OUT"/*.svg "$LK_OUT/results" \
	"$LK_OUT/report.md" "$LK_OUT/notes" "$LK_OUT/runs"
: >"$LK_OUT/notes"
: >"$LK_OUT/runs"
# The server as it is now: another build during the bench changes
# nothing (the sizes are measured on the binary that runs).
cp "$RR" "$LK_OUT/rerocctv" || exit 1
RR=$LK_OUT/rerocctv
ver=$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)

note () {
	echo "bench-links: $*" >&2
	echo "$*" >>"$LK_OUT/notes"
}

ccs=
for cc in $LK_CCS
do
	if ! grep -qw "$cc" /proc/sys/net/ipv4/tcp_available_congestion_control
	then
		modprobe "tcp_$cc" 2>/dev/null
		if ! grep -qw "$cc" \
			/proc/sys/net/ipv4/tcp_available_congestion_control
		then
			note "no $cc congestion control here (modprobe tcp_$cc" \
				"failed): its runs are left out"
			continue
		fi
	fi
	ccs="$ccs $cc"
done
test -n "$ccs" || { echo >&2 "bench-links: no congestion control"; exit 1; }

# trace NAME: sets down, up, secs for a trace name.
trace () {
	case $1 in
	const[0-9]*)
		down=$LK_OUT/traces/$1.down up=none
		ls_const "${1#const}" "$down" ||
			{ note "bad constant link $1"; return 1; }
		secs=$LK_SECS
		test "$LK_CONST_SECS" -ge "$secs" || secs=$LK_CONST_SECS ;;
	step[0-9]*)
		down=$LK_OUT/traces/$1.down up=none
		ls_steps "${1#step}" "$down" ||
			{ note "bad step schedule $1"; return 1; }
		secs=$(echo "${1#step}" | tr -- '-' '\n' |
			awk -F x '{ s += $1 } END { print s }') ;;
	*)
		down=$TOP/tests/traces/$1.down up=$TOP/tests/traces/$1.up
		test -f "$down" || { note "no trace $down"; return 1; }
		test -f "$up" || up=none
		secs=$LK_SECS ;;
	esac
}

echo "# measuring the rungs' frame sizes (${LS_SIZE} at $LS_FPS fps)"
ls_measure "$LK_OUT/sizes" || exit 1
cat "$LK_OUT/sizes"

# floor TRACE DOWN: the frame age the link alone allows (links-floor.awk)
# at a few rungs' sizes, a line each: TRACE RUNG p50 p95 p99.
floor () {
	for r in t30 h30 h75 q80
	do
		sz=$(awk -v r=$r '$1 == r { print $2 }' "$LK_OUT/sizes")
		test -n "$sz" || continue
		awk -v size="$sz" -v delay=40 -f "$TOP/bench/links-floor.awk" \
			"$2" | sort -n | awk -v t="$1" -v r=$r '
			{ v[NR] = $1 }
			END { if (NR) print t, r, v[int(NR * .5) + 1],
				v[int(NR * .95) + 1], v[int(NR * .99) + 1] }'
	done
}

failed=0
: >"$LK_OUT/results"
: >"$LK_OUT/floor"
for t in $LK_TRACES
do
	trace "$t" || { failed=$((failed + 1)); continue; }
	floor "$t" "$down" >>"$LK_OUT/floor"
	for cc in $ccs
	do
		for c in $LK_CASES
		do
			echo "# $t, $cc, $c: $secs s"
			if ! ls_run "$down" "$up" "$cc" "$c" "$secs"
			then
				note "$t $cc $c: the run could not be made"
				failed=$((failed + 1))
				continue
			fi
			run=${LS_RUN##*/}
			echo "$run" >>"$LK_OUT/runs"
			for v in $(ls_viewers "$c")
			do
				awk -f "$TOP/bench/links-eval.awk" \
					-v meta="$LS_RUN/meta" -v viewer=$v \
					-v sizes="$LK_OUT/sizes" "$LS_RUN/$v.frames"
			done >"$LS_RUN/eval"
			cat "$LS_RUN/eval" | tee -a "$LK_OUT/results"
			sum=$(awk '{ for (i = 1; i <= NF; i++) {
					k = index($i, "=")
					v[substr($i, 1, k - 1)] = substr($i, k + 1) }
				printf "%s%s: fps %s / %s, age p95 %s ms, " \
				       "%s of %s Mbit/s, %s stalls, at oracle " \
				       "%s %%", (NR > 1 ? "; " : ""), v["viewer"],
				       v["fps_p50"], v["fps_p10"], v["age_p95"],
				       v["mbps"], v["cap_mbps"], v["stalls"],
				       v["oracle_ok"] }' "$LS_RUN/eval")
			awk -f "$TOP/bench/links-svg.awk" -v meta="$LS_RUN/meta" \
				-v sizes="$LK_OUT/sizes" -v note="$sum" \
				>"$LK_OUT/$run.svg"
		done
	done
done

sh "$TOP/bench/links-report.sh" "$LK_OUT" "$ver" "$LK_SECS" \
	"$LK_CONST_SECS" >"$LK_OUT/report.md" || exit 1
echo "# report: $LK_OUT/report.md"
test $failed = 0
