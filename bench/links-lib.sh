# links-lib.sh: the server behind an emulated cellular link (tests/linkemu
# through tests/lib-link.sh) and traced viewers, for the link benchmark
# (bench/links.sh) and its short test (tests/t5300-links.sh). Sourced;
# POSIX sh. Needs what lib-link.sh needs (root, ip, /dev/net/tun).
#
# One run is one fresh link: the server on the test pattern in namespace
# $LK_NS_A, one or two `wsclient trace` viewers in $LK_NS_B, /state
# sampled once a second from $LK_NS_B. ls_run keeps everything in one
# directory, $LS_RUN ($LS_OUT/NAME):
#	meta		key=value words: name trace cc case secs start (µs,
#			CLOCK_REALTIME, the viewers' start) t0 (µs, the
#			link's time 0: its log's second 0 starts there)
#			cpu_s (the server's utime + stime) cc_ok src_w fps
#	V.trace V.frames V.texts	viewer V's per-second trace, per-frame
#			file (wsclient trace --frames) and stderr (--texts:
#			the server's texts, its own errors); V is c for one
#			viewer, a and b for two
#	link.log	the emulator's log (lib-link.sh, LK_LOG)
#	state		`US JSON` lines: /state, once a second
#	server.log	the server's output; ss: its sockets 3 s in
#
#	LS_OUT=DIR . "$TOP/bench/links-lib.sh"
#	why=$(ls_cannot) && test -z "$why" || skip "$why"
#	ls_run down.trace up.trace cubic auto 60 && cat "$LS_RUN/meta"
#	ls_down

: "${TOP:?}"
RR=${RR:-$TOP/rerocctv}
WSC=${WSC:-$TOP/tests/wsclient}
LS_OUT=${LS_OUT:-.}
LS_SIZE=${LS_SIZE:-1280x720}
LS_FPS=${LS_FPS:-30}
LS_DELAY=${LS_DELAY:-40}		# ms, one way, each way
LS_QUEUE=${LS_QUEUE:-1000ms}		# drop-tail, each way
LS_SRV_ARGS=${LS_SRV_ARGS:-}		# more server options
LK_TAG=${LK_TAG:-rrk$$}
LK_DIR=${LK_DIR:-$LS_OUT}
. "$TOP/tests/lib-link.sh"
LS_SRV_PID=
LS_PORT=
LS_VIEWERS=
LS_SAMPLER=
LS_RUN=
LS_PIDS=

# Why the runs cannot be made here, or nothing.
ls_cannot () {
	ls_why=$(lk_cannot)
	test -z "$ls_why" || { echo "$ls_why"; return; }
	test -x "$RR" || { echo "no $RR: run make"; return; }
	test -x "$WSC" || { echo "no $WSC: run make"; return; }
}

# ls_trace_name FILE: the name a trace goes by (its file name less .down).
ls_trace_name () {
	ls_n=${1##*/}
	echo "${ls_n%.down}"
}

# ls_const MBIT FILE: a constant link of MBIT (a whole number) Mbit/s as
# a trace: MBIT opportunities spread over each 12 ms (4: one every 3 ms;
# 12: one a millisecond; 40: ten every 3 ms).
ls_const () {
	awk -v n="$1" 'BEGIN { if (n < 1 || n != int(n)) exit 1
		for (i = 1; i <= n; i++) { t = i * 12 / n
			print (t == int(t)) ? t : int(t) + 1 } }' >"$2"
}

# ls_steps SPEC FILE: a link that steps through rates, SPEC being
# SECSxMBIT-SECSxMBIT-... (step15x40-30x4-20x40: 15 s at 40 Mbit/s, 30 s
# at 4, 20 s at 40), then again; each rate a whole number of Mbit/s
# spread over each 12 ms as ls_const does.
ls_steps () {
	echo "$1" | tr -- '-' '\n' | awk -F x '
		NF != 2 || $1 < 1 || $2 < 1 || $2 != int($2) { bad = 1; exit }
		{ for (b = 0; b < int($1 * 1000 / 12); b++)
			for (i = 1; i <= $2; i++) {
				t = i * 12 / $2
				if (t != int(t))
					t = int(t) + 1
				print base + b * 12 + t
			}
		  base += $1 * 1000 }
		END { exit bad }' >"$2"
}

# ls_mean_mbit TRACE: a trace's mean rate in Mbit/s.
ls_mean_mbit () {
	awk 'NF { n++; t = $1 } END { if (t) printf "%.1f\n",
		n * 1500 * 8 / t / 1000 }' "$1"
}

# ls_now: CLOCK_REALTIME in µs.
ls_now () {
	date +%s%6N
}

# ls_server DIR: the server in $LK_NS_A on the test pattern, its output
# in DIR/server.log; sets LS_PORT and LS_SRV_PID (the server itself: ip
# netns exec execs it).
ls_server () {
	ls_stop_server
	ip netns exec "$LK_NS_A" "$RR" --listen $LK_IP_A:0 --source test \
		--size "$LS_SIZE" --fps "$LS_FPS" $LS_SRV_ARGS \
		>"$1/server.log" 2>&1 &
	LS_SRV_PID=$!
	ls_i=0
	while :
	do
		LS_PORT=$(sed -n 's/.*listening on [0-9.]*:\([0-9][0-9]*\).*/\1/p' \
			"$1/server.log" | head -n 1)
		test -n "$LS_PORT" && return 0
		ls_i=$((ls_i + 1))
		if test $ls_i -gt 1000 || ! lk_alive_ $LS_SRV_PID
		then
			echo >&2 "links: the server did not start:"
			cat >&2 "$1/server.log"
			ls_stop_server
			return 1
		fi
		sleep 0.01
	done
}

# ls_cpu: the server's CPU time so far, in seconds.
ls_cpu () {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' \
		"/proc/$LS_SRV_PID/stat" 2>/dev/null || echo -
}

ls_stop_server () {
	test -n "$LS_SRV_PID" || return 0
	kill -TERM $LS_SRV_PID 2>/dev/null
	ls_i=0
	while lk_alive_ $LS_SRV_PID && test $ls_i -lt 500
	do
		sleep 0.01
		ls_i=$((ls_i + 1))
	done
	lk_alive_ $LS_SRV_PID && kill -KILL $LS_SRV_PID 2>/dev/null
	wait $LS_SRV_PID 2>/dev/null
	LS_SRV_PID=
}

# ls_get NS PATH: GET http://$LK_IP_A:$LS_PORT/PATH from namespace NS,
# the body on stdout.
ls_get () {
	printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' \
		"$2" $LK_IP_A $LS_PORT |
	ip netns exec "$1" "$WSC" http -T 2 $LK_IP_A:$LS_PORT |
	sed '1,/^\r*$/d'
}

# ls_sample FILE: /state once a second from $LK_NS_B into FILE (`US
# JSON` lines), in the background until ls_down. The loop waits on its
# children, so a TERM ends it at once and it takes them along.
ls_sample () {
	ip netns exec "$LK_NS_B" sh -c '
		trap "kill \$c 2>/dev/null; exit 0" TERM INT
		while :
		do
			t=$(date +%s%6N)
			printf "GET /state HTTP/1.1\r\nHost: %s\r\n%s\r\n\r\n" \
				"$2" "Connection: close" |
				"$3" http -T 2 "$2" >"$1.tmp" 2>/dev/null &
			c=$!
			wait $c
			printf "%s %s\n" "$t" "$(sed "1,/^\r*\$/d" "$1.tmp" |
				tr -d "\n")" >>"$1"
			sleep 1 &
			c=$!
			wait $c
		done' sh "$1" $LK_IP_A:$LS_PORT "$WSC" &
	LS_SAMPLER=$!
}

# ls_viewer DIR NAME SECS URL [wsclient trace options]: a traced viewer
# in $LK_NS_B, in the background: DIR/NAME.trace, .frames, .texts.
ls_viewer () {
	ls_d=$1 ls_v=$2 ls_t=$3 ls_u=$4
	shift 4
	ip netns exec "$LK_NS_B" "$WSC" trace -t "$ls_t" -o "$ls_d/$ls_v.trace" \
		--frames "$ls_d/$ls_v.frames" --texts "$@" "$ls_u" \
		2>"$ls_d/$ls_v.texts" &
	LS_VIEWERS="$LS_VIEWERS $!"
}

# ls_case_ DIR CASE SECS: the viewers of CASE (see links.sh; any fixed
# rung goes: q80, h30, t45...).
ls_case_ () {
	ls_ws=ws://$LK_IP_A:$LS_PORT/websocket
	ls_http=http://$LK_IP_A:$LS_PORT
	case $2 in
	auto) ls_viewer "$1" c "$3" $ls_ws/auto ;;
	auto-v1) ls_viewer "$1" c "$3" $ls_ws/auto --protocol rerocctv.v1 ;;
	q[0-9]*) ls_viewer "$1" c "$3" $ls_ws/${2#q} ;;
	[ht][0-9]*) ls_viewer "$1" c "$3" $ls_ws/$2 ;;
	orig) ls_viewer "$1" c "$3" $ls_ws/95 --reconnect-rule ;;
	mjpeg) ls_viewer "$1" c "$3" $ls_http/stream ;;
	mjpeg-auto) ls_viewer "$1" c "$3" "$ls_http/stream?quality=auto" ;;
	two)	ls_viewer "$1" a "$3" $ls_ws/auto
		ls_viewer "$1" b "$3" $ls_ws/auto ;;
	*) echo >&2 "links: no case $2"; return 1 ;;
	esac
}

# ls_viewers CASE: the viewer names of CASE.
ls_viewers () {
	case $1 in two) echo a b ;; *) echo c ;; esac
}

# ls_wait_viewers: until the background viewers end.
ls_wait_viewers () {
	for ls_j in $LS_VIEWERS
	do
		wait $ls_j
	done
	LS_VIEWERS=
}

# ls_cc_ok FILE CC: the server's connections in FILE (ss -tin) all use
# CC, and there is one.
ls_cc_ok () {
	awk -v cc="$2" '/^[ \t]/ { n++; if ($1 != cc) bad++ }
		END { exit !(n > 0 && !bad) }' "$1"
}

# ls_run DOWN UP|none CC CASE SECS [NAME]: one run on a fresh link
# (DELAY ms each way, the queue LS_QUEUE, CC for the server's
# connections), SECS seconds of the viewers of CASE; sets LS_RUN, its
# directory ($LS_OUT/NAME; NAME defaults to TRACE-CC-CASE), and LS_PIDS,
# the processes it started (all gone when it returns). Fails if the link
# or the server cannot be set up; what the viewers saw is for the caller
# to judge.
ls_run () {
	ls_name=${6:-$(ls_trace_name "$1")-$3-$4}
	LS_RUN=$LS_OUT/$ls_name
	rm -rf "$LS_RUN" && mkdir -p "$LS_RUN" || return 1
	LK_DIR=$LS_RUN
	LK_LOG=$LS_RUN/link.log
	lk_up "$1" "$2" "$LS_DELAY" "$LS_QUEUE" "$3" || return 1
	# The link's time 0 is when it printed its readiness line: that
	# write is the last its output file saw.
	ls_t0=$(stat -c %.6Y "$LK_DIR/linkemu.out" | tr -d .)
	ls_server "$LS_RUN" || { ls_down; return 1; }
	ls_sample "$LS_RUN/state"
	ls_start=$(ls_now)
	ls_case_ "$LS_RUN" "$4" "$5" || { ls_down; return 1; }
	sleep 3
	ip netns exec "$LK_NS_A" ss -tin state established >"$LS_RUN/ss" 2>&1
	ls_cc=ok
	ls_cc_ok "$LS_RUN/ss" "$3" || {
		ls_cc=no
		echo >&2 "links: $ls_name: the server's connections are not" \
			"all on $3 (see $LS_RUN/ss)"
	}
	LS_PIDS="$LS_SRV_PID $LS_VIEWERS $LS_SAMPLER $LK_PID"
	ls_wait_viewers
	ls_cpu=$(ls_cpu)
	# The link's log gets the second in which the viewers ended.
	sleep 1
	ls_down
	rm -f "$LS_RUN/state.tmp"
	echo "name=$ls_name trace=$(ls_trace_name "$1") cc=$3 case=$4" \
		"secs=$5 start=$ls_start t0=$ls_t0 cpu_s=$ls_cpu" \
		"cc_ok=$ls_cc src_w=${LS_SIZE%x*} fps=$LS_FPS" >"$LS_RUN/meta"
}

# ls_down: stops the viewers, the sampler, the server and the link and
# deletes the namespaces; anything of ours still in them is ended too.
# Safe to call twice, or before anything started.
ls_down () {
	for ls_j in $LS_VIEWERS $LS_SAMPLER
	do
		kill $ls_j 2>/dev/null
		wait $ls_j 2>/dev/null
	done
	LS_VIEWERS= LS_SAMPLER=
	ls_stop_server
	for ls_ns in "$LK_NS_A" "$LK_NS_B"
	do
		ip netns pids "$ls_ns" 2>/dev/null
	done | while read -r ls_j
	do
		test "$ls_j" = "$LK_PID" || kill -KILL "$ls_j" 2>/dev/null
	done
	lk_down
}

# ls_measure FILE: the mean frame size of every rung of the auto ladder
# (/state's "ladder", smallest frames first) on an unshaped path: the
# server in $LK_NS_A and fixed viewers beside it on its own address (the
# local route, not the link), three rungs at a time (every rung is
# encoded for every frame: too many at once and a small host cannot keep
# up; and one address may cause only a few rungs of its own), each judged
# on the frames of its rung after its first second. A rung with fewer
# than 20 such frames is measured again alone, up to 3 more times.
# Writes `rung bytes` lines in ladder order; fails if a rung has no size.
ls_measure () {
	ls_m=$LS_OUT/measure
	rm -rf "$ls_m" && mkdir -p "$ls_m" || return 1
	ls_const 40 "$ls_m/c40.trace" &&
	LK_DIR=$ls_m LK_LOG=$ls_m/link.log &&
	lk_up "$ls_m/c40.trace" none 0 1000ms \
		"$(cat /proc/sys/net/ipv4/tcp_congestion_control)" &&
	ls_server "$ls_m" || { ls_down; return 1; }
	ls_get "$LK_NS_A" /state >"$ls_m/state"
	ls_ladder=$(sed -n 's/.*"ladder":\[\([^]]*\)\].*/\1/p' "$ls_m/state" |
		tr '{,' '\n\n' | sed -n 's/^"rung":"\([^"]*\)".*/\1/p')
	test -n "$ls_ladder" ||
		{ echo >&2 "links: no ladder in /state:"; cat >&2 "$ls_m/state"
		  ls_down; return 1; }
	ls_left=$ls_ladder
	for ls_try in 1 2 3 4
	do
		ls_set= ls_redo=
		for ls_r in $ls_left ""
		do
			test -n "$ls_r" && ls_set="$ls_set $ls_r"
			if test -n "$ls_r" && test $ls_try = 1 &&
			   test $(echo $ls_set | wc -w) -lt 3
			then
				continue
			fi
			test -n "$ls_set" || continue
			for ls_q in $ls_set
			do
				ip netns exec "$LK_NS_A" "$WSC" trace -t 3 \
					-o /dev/null --frames "$ls_m/$ls_q" \
					ws://$LK_IP_A:$LS_PORT/websocket/$ls_q \
					2>"$ls_m/$ls_q.err" &
				LS_VIEWERS="$LS_VIEWERS $!"
			done
			ls_wait_viewers
			for ls_q in $ls_set
			do
				awk -v r=$ls_q -v src_w=${LS_SIZE%x*} '
					function rung_of(q, w) { return (w * 4 <= \
						src_w ? "t" : w * 2 <= src_w ? \
						"h" : "q") q }
					NR == 1 { t1 = $1 + 1e6 }
					$1 >= t1 && rung_of($4, $5) == r {
						n++; b += $3 }
					END { if (n < 20) exit 1
						printf "%s %d\n", r, b / n }' \
					"$ls_m/$ls_q" >"$ls_m/$ls_q.size" ||
					ls_redo="$ls_redo $ls_q"
			done
			ls_set=
		done
		ls_left=$ls_redo
		test -n "$ls_left" || break
		echo >&2 "links: few frames at$ls_left, measuring again"
	done
	ls_down
	test -z "$ls_left" ||
		{ echo >&2 "links: no frame size for$ls_left"; return 1; }
	for ls_q in $ls_ladder
	do
		cat "$ls_m/$ls_q.size"
	done >"$1"
}
