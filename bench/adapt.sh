#!/bin/sh
# adapt.sh: the adaptation benchmark (`make bench-adapt`). Shapes a veth
# link between two network namespaces (40, then 4, then 40 Mbit/s behind
# a 400 ms tbf queue) and compares, on a fresh link each, the auto
# client, a fixed q95 client and the original React client's
# reconnect-at-quality-±5 rule; then two auto clients sharing 4 Mbit/s.
# Under CUBIC and BBR. Writes build/adapt/{report.md,adapt.svg} and the
# raw traces; exits 1 if the auto client misses a figure.
#
# Environment: AD_CCS ("cubic bbr"), AD_CASES ("auto q95 pm5 fair"),
# AD_PHASES ("15:40 30:4 20:40"), AD_FAIR ("30:4"), AD_LOWAT (server
# --lowat), AD_OUT (build/adapt).
TOP=$(cd "$(dirname "$0")/.." && pwd) || exit 1
AD_OUT=${AD_OUT:-$TOP/build/adapt}
AD_DIR=$AD_OUT
AD_CCS=${AD_CCS:-cubic bbr}
AD_CASES=${AD_CASES:-auto q95 pm5 fair}
AD_PHASES=${AD_PHASES:-15:40 30:4 20:40}
AD_FAIR=${AD_FAIR:-30:4}
# Pass marks for the auto client (the issue's figures).
AD_MIN_RUNG=${AD_MIN_RUNG:-95}		# % of judged seconds within a step
AD_MIN_FPS=${AD_MIN_FPS:-90}		# % of the frame rate the link allows
AD_MAX_P95=${AD_MAX_P95:-300}		# ms
AD_MIN_FAIR=${AD_MIN_FAIR:-80}		# % smaller share / larger share
. "$TOP/bench/adapt-lib.sh"

why=$(ad_cannot)
if test -n "$why"
then
	echo "bench-adapt: SKIP: $why"
	exit 0
fi
test -x "$RR" && test -x "$WSC" || { echo "bench-adapt: run make first"; exit 1; }
# The namespaces go whatever happens (they hold the server and clients).
trap 'ad_net_down' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$AD_OUT" || exit 1
rm -f "$AD_OUT"/*

for cc in $AD_CCS
do
	if ! grep -qw "$cc" /proc/sys/net/ipv4/tcp_available_congestion_control
	then
		modprobe "tcp_$cc" 2>/dev/null
		grep -qw "$cc" /proc/sys/net/ipv4/tcp_available_congestion_control ||
			{ echo "bench-adapt: no $cc congestion control here"; exit 1; }
	fi
done

echo "# measuring frame sizes ($AD_SIZE, $AD_FPS fps test pattern)"
ad_measure "$AD_OUT/sizes" || exit 1
src_w=${AD_SIZE%x*}

evaluate () {	# CC CASE CLIENT PHASES SHARE
	awk -f "$TOP/bench/adapt-eval.awk" -v sizes="$AD_OUT/sizes" \
		-v phases="$4" -v share="$5" -v src_fps="$AD_FPS" \
		-v src_w="$src_w" -v name="$1/$2/$3" "$AD_OUT/$1-$2-$3"
}

: >"$AD_OUT/results"
for cc in $AD_CCS
do
	for case in $AD_CASES
	do
		echo "# $cc: $case"
		case $case in
		auto) ad_scenario auto $cc "$AD_PHASES" c=auto ;;
		q95) ad_scenario q95 $cc "$AD_PHASES" c=95 ;;
		pm5) ad_scenario pm5 $cc "$AD_PHASES" c=95,rule ;;
		fair) ad_scenario fair $cc "$AD_FAIR" a=auto b=auto ;;
		esac || exit 1
		case $case in
		fair)
			evaluate $cc fair a "$AD_FAIR" 2 >>"$AD_OUT/results"
			evaluate $cc fair b "$AD_FAIR" 2 >>"$AD_OUT/results" ;;
		*)	evaluate $cc $case c "$AD_PHASES" 1 >>"$AD_OUT/results" ;;
		esac
		tail -n 2 "$AD_OUT/results"
	done
done
sh "$TOP/bench/adapt-report.sh" "$AD_OUT" "$AD_PHASES" "$AD_FAIR"
