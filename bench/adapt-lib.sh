# adapt-lib.sh: network namespaces, a shaped veth link and traced clients
# for the adaptation benchmark (bench/adapt.sh) and its short test
# (tests/t5000-adapt.sh). Sourced; POSIX sh. Needs root, ip and tc.
#
# The server runs in namespace $NS_A, clients in $NS_B; the link between
# them is a veth pair private to the two namespaces (no route leads
# anywhere else). The server's egress is shaped by tbf with a deep queue
# (latency 400ms), like a slow uplink with a big buffer. AD_DELAY (e.g.
# 10ms) adds a netem delay on the client side where netem exists (tbf is
# all the benchmark needs, so the default is none). Nothing outside the
# two namespaces is changed.

: "${TOP:?}"
RR=${RR:-$TOP/rerocctv}
WSC=${WSC:-$TOP/tests/wsclient}
AD_TAG=${AD_TAG:-rr$$}
NS_A=$AD_TAG-srv
NS_B=$AD_TAG-cli
AD_IP_A=10.201.77.1
AD_IP_B=10.201.77.2
AD_QUEUE=${AD_QUEUE:-400ms}
AD_DELAY=${AD_DELAY:-}
AD_SIZE=${AD_SIZE:-1280x720}
AD_FPS=${AD_FPS:-30}
AD_LOWAT=${AD_LOWAT:-}
AD_SRV_PID=
AD_PORT=
AD_CLIENTS=

# Why namespaces cannot be made here, or nothing.
ad_cannot () {
	test "$(id -u)" = 0 || { echo "needs root for network namespaces"; return; }
	command -v ip >/dev/null || { echo "no ip(8)"; return; }
	command -v tc >/dev/null || { echo "no tc(8)"; return; }
	if ! ip netns add "$AD_TAG-probe" 2>/dev/null
	then
		echo "cannot create network namespaces"
		return
	fi
	ip netns del "$AD_TAG-probe"
	:
}

# burst: enough for one tick of the rate, and for a full-size packet.
ad_tbf () {
	ad_b=$(awk -v r="$1" 'BEGIN { b = r * 1e6 / 8 / 250;
		if (b < 20000) b = 20000; printf "%d", b }')
	tc -n "$NS_A" qdisc "$2" dev veth0 root tbf rate "$1"mbit \
		burst "$ad_b" latency "$AD_QUEUE"
}

# ad_net_up MBIT CC: fresh namespaces joined by a veth pair, server side
# shaped to MBIT (0: not shaped), TCP congestion control CC for the
# server's connections. CC is set on the server's only route (`congctl`)
# rather than by the namespace's net.ipv4.tcp_congestion_control: a
# namespace other than the first may only choose a control listed in the
# global net.ipv4.tcp_allowed_congestion_control, and the benchmark must
# not touch anything outside its namespaces.
ad_net_up () {
	ad_net_down
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
	ip -n "$NS_A" link add veth0 type veth peer name veth1 netns "$NS_B" &&
	ip -n "$NS_A" addr add $AD_IP_A/30 dev veth0 &&
	ip -n "$NS_B" addr add $AD_IP_B/30 dev veth1 &&
	ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up &&
	ip -n "$NS_A" link set veth0 up && ip -n "$NS_B" link set veth1 up &&
	ip -n "$NS_A" route replace "${AD_IP_A%.*}.0/30" dev veth0 \
		proto kernel scope link src $AD_IP_A congctl "$2" &&
	{ test "$1" = 0 || ad_tbf "$1" add; } &&
	{ test -z "$AD_DELAY" ||
	  tc -n "$NS_B" qdisc add dev veth1 root netem delay "$AD_DELAY"; } ||
		{ echo >&2 "adapt: cannot set up the namespaces (cc $2)"; return 1; }
	# Nothing but the link itself: no default route in either namespace.
	if ip -n "$NS_A" route show default | grep -q . ||
	   ip -n "$NS_B" route show default | grep -q .
	then
		echo >&2 "adapt: unexpected default route"; return 1
	fi
}

# ad_cc_check FILE: records the server's connections (ss -ti) in FILE;
# fails unless each one uses the congestion control of the route.
ad_cc_check () {
	ip netns exec "$NS_A" ss -tin state established >"$1" 2>&1
	ad_want=$(ip -n "$NS_A" route | sed -n 's/.* congctl \([a-z0-9]*\).*/\1/p')
	awk -v cc="$ad_want" '/^[ \t]/ { n++; if ($1 != cc) bad++ }
		END { exit !(n > 0 && !bad) }' "$1" ||
		{ echo >&2 "adapt: connections not on $ad_want:"; cat >&2 "$1"
		  return 1; }
}

ad_rate () {
	ad_tbf "$1" change
}

ad_net_down () {
	for ad_j in $AD_CLIENTS
	do
		kill $ad_j 2>/dev/null
	done
	AD_CLIENTS=
	ad_stop_server
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	:
}

# ad_start_server [SIZE]: the server in $NS_A on the test pattern; sets
# AD_PORT.
ad_start_server () {
	ad_stop_server
	ad_log=$AD_DIR/server.log
	ip netns exec "$NS_A" "$RR" --listen $AD_IP_A:0 --source test \
		--size "${1:-$AD_SIZE}" --fps "$AD_FPS" \
		${AD_LOWAT:+--lowat "$AD_LOWAT"} >"$ad_log" 2>&1 &
	AD_SRV_PID=$!
	ad_n=0
	while :
	do
		AD_PORT=$(sed -n 's/.*listening on [0-9.]*:\([0-9][0-9]*\).*/\1/p' \
			"$ad_log" | head -n 1)
		test -n "$AD_PORT" && return 0
		ad_n=$((ad_n + 1))
		if test $ad_n -gt 500 || ! kill -0 $AD_SRV_PID 2>/dev/null
		then
			echo >&2 "adapt: server did not start:"; cat >&2 "$ad_log"
			return 1
		fi
		sleep 0.01
	done
}

ad_stop_server () {
	test -n "$AD_SRV_PID" || return 0
	kill -TERM $AD_SRV_PID 2>/dev/null
	wait $AD_SRV_PID 2>/dev/null
	AD_SRV_PID=
}

# ad_client OUT SECONDS QUALITY [wsclient trace options]: a traced client
# in $NS_B, in the background.
ad_client () {
	ad_o=$1 ad_t=$2 ad_q=$3
	shift 3
	ip netns exec "$NS_B" "$WSC" trace -t "$ad_t" -o "$ad_o" "$@" \
		--protocol rerocctv.v1 --texts \
		ws://$AD_IP_A:$AD_PORT/websocket/"$ad_q" 2>"$ad_o.texts" &
	AD_CLIENTS="$AD_CLIENTS $!"
}

# ad_measure FILE: mean frame size of every rung a client may be on
# (q30..q95 in steps of 5 and the auto ladder's half rungs h30, h45, h60,
# h75), on the scenario's own source over an unshaped link, from clients
# asking for each rung by name. Writes `rung bytes` lines. A few rungs at
# a time (every rung is encoded for every frame: too many at once and a
# small host cannot keep up), each client judged on its last 2 s. A rung
# that got few frames is measured again alone; one that still has no
# size fails the measurement rather than count as zero.
AD_RUNGS="30 35 40 45 50 55 60 65 70 75 80 85 90 95 h30 h45 h60 h75"
ad_measure () {
	: >"$1"
	ad_net_up 0 "$(cat /proc/sys/net/ipv4/tcp_congestion_control)" &&
	ad_start_server || return 1
	ad_left=$AD_RUNGS
	for ad_try in 1 2 3 4
	do
		ad_set= ad_n=0 ad_redo=
		for ad_q in $ad_left ""
		do
			if test -n "$ad_q"
			then
				ad_set="$ad_set $ad_q" ad_n=$((ad_n + 1))
				# Retries go one at a time.
				test $ad_try = 1 && test $ad_n -lt 3 && continue
			fi
			test -n "$ad_set" || continue
			for ad_r in $ad_set
			do
				ad_client "$AD_DIR/m$ad_r" 3 $ad_r
			done
			wait_clients
			for ad_r in $ad_set
			do
				awk -v r=$ad_r 'NR > 1 { f += $5; k += $6 }
					END { if (f < 20) exit 1
					printf "%s%s %d\n", r ~ /^h/ ? "" : "q",
						r, k * 1000 / 8 / f }' \
					"$AD_DIR/m$ad_r" >>"$1" ||
				{ ad_redo="$ad_redo $ad_r"
				  cat "$AD_DIR/m$ad_r" "$AD_DIR/m$ad_r.texts" \
					>>"$AD_DIR/measure.bad"; }
				rm -f "$AD_DIR/m$ad_r" "$AD_DIR/m$ad_r.texts"
			done
			ad_set= ad_n=0
		done
		ad_left=$ad_redo
		test -n "$ad_left" || break
		echo >&2 "adapt: few frames at$ad_left, measuring again"
	done
	ad_net_down
	test -z "$ad_left" ||
		{ echo >&2 "adapt: no frame size for$ad_left"; return 1; }
}

# Waits for the background clients (not the server).
wait_clients () {
	for ad_j in $AD_CLIENTS
	do
		wait "$ad_j"
	done
	AD_CLIENTS=
}

# ad_scenario CASE CC "SECS:MBIT ..." CLIENT...: one case on a fresh link.
# CLIENT is NAME=QUALITY[,rule]; traces go to $AD_DIR/CC-CASE-NAME.
ad_scenario () {
	ad_case=$1 ad_cc=$2 ad_phases=$3
	shift 3
	ad_total=0 ad_first=
	for ad_ph in $ad_phases
	do
		ad_total=$((ad_total + ${ad_ph%%:*}))
		test -n "$ad_first" || ad_first=${ad_ph#*:}
	done
	ad_net_up "$ad_first" "$ad_cc" || return 1
	ad_start_server || return 1
	for ad_c in "$@"
	do
		ad_name=${ad_c%%=*} ad_q=${ad_c#*=} ad_opt=
		case $ad_q in
		*,rule) ad_q=${ad_q%,rule} ad_opt=--reconnect-rule ;;
		esac
		ad_client "$AD_DIR/$ad_cc-$ad_case-$ad_name" "$ad_total" \
			"$ad_q" $ad_opt
	done
	ad_t=0 ad_ok=0
	for ad_ph in $ad_phases
	do
		if test $ad_t = 0
		then
			# Once the clients are in: the control we asked for.
			sleep 2
			ad_cc_check "$AD_DIR/$ad_cc-$ad_case.ss" || ad_ok=1
			sleep $((${ad_ph%%:*} - 2))
		else
			ad_rate "${ad_ph#*:}"
			sleep "${ad_ph%%:*}"
		fi
		ad_t=$((ad_t + ${ad_ph%%:*}))
	done
	wait_clients
	printf "GET /state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" |
		ip netns exec "$NS_B" "$WSC" http -T 2 $AD_IP_A:$AD_PORT \
		>"$AD_DIR/$ad_cc-$ad_case.state" 2>/dev/null || true
	ad_net_down
	return $ad_ok
}
