# lib-link.sh: two network namespaces joined by tests/linkemu, a link that
# replays a recorded capacity trace, and the traffic to probe it (ping,
# a bulk TCP transfer, a UDP flood). Sourced; POSIX sh. Needs root, ip,
# /dev/net/tun, and python3 for the traffic helpers.
#
# The server side is namespace $LK_NS_A ($LK_IP_A on tun $LK_DEV_A), the
# client side $LK_NS_B ($LK_IP_B on $LK_DEV_B); "down" is A to B. The two
# devices and a /30 route in each namespace are the whole network: no
# default route, nothing but linkemu between them, nothing outside the
# two namespaces changed. The emulator's log is $LK_LOG (see linkemu.c:
# one line a second per direction).
#
#	LK_DIR=$TRASH . "$TOP/tests/lib-link.sh"
#	why=$(lk_cannot) && test -z "$why" || skip "$why"
#	lk_up down.trace none 40 200ms cubic && ... && lk_down

: "${TOP:?}"
LK_EMU=${LK_EMU:-$TOP/tests/linkemu}
LK_TAG=${LK_TAG:-lk$$}
LK_DIR=${LK_DIR:-${TRASH:-.}}
LK_NS_A=$LK_TAG-srv
LK_NS_B=$LK_TAG-cli
LK_DEV_A=lka
LK_DEV_B=lkb
LK_IP_A=10.201.78.1
LK_IP_B=10.201.78.2
LK_LOG=$LK_DIR/link.log
LK_PORT=5001
LK_PID=
LK_STATUS=
LK_JOBS=

# Why the link cannot be made here, or nothing.
lk_cannot () {
	test "$(id -u)" = 0 ||
		{ echo "needs root for network namespaces"; return; }
	command -v ip >/dev/null || { echo "no ip(8)"; return; }
	test -c /dev/net/tun || { echo "no /dev/net/tun"; return; }
	command -v python3 >/dev/null || { echo "no python3"; return; }
	test -x "$LK_EMU" || { echo "no $LK_EMU: run make"; return; }
	if ! ip netns add "$LK_TAG-probe" 2>/dev/null
	then
		echo "cannot create network namespaces"
		return
	fi
	ip netns del "$LK_TAG-probe"
	:
}

# lk_up DOWN_TRACE UP_TRACE|none DELAY_MS QUEUE CC: fresh namespaces and
# linkemu between them, DELAY_MS each way, a queue of QUEUE bytes (or
# NNms: NN ms at the trace's mean rate) each way, TCP congestion control
# CC for the server's connections. CC is set on the server's only route
# (`congctl`) rather than by the namespace's tcp_congestion_control: a
# namespace other than the first may only choose among the controls of
# the global tcp_allowed_congestion_control, and nothing outside the
# namespaces may change. Waits for linkemu's readiness line.
lk_up () {
	lk_down
	case $4 in
	*ms) lk_q="--queue-ms ${4%ms}" ;;
	*) lk_q="--queue $4" ;;
	esac
	ip netns add "$LK_NS_A" && ip netns add "$LK_NS_B" || {
		echo >&2 "link: cannot add namespaces $LK_NS_A, $LK_NS_B"
		return 1
	}
	# No IPv6: its router and listener solicitations would cross the
	# link and show in the log.
	for lk_ns in "$LK_NS_A" "$LK_NS_B"
	do
		ip netns exec "$lk_ns" sysctl -qw \
			net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
		ip -n "$lk_ns" link set lo up || { lk_down; return 1; }
	done
	"$LK_EMU" --ns-a "$LK_NS_A" --ns-b "$LK_NS_B" --dev-a $LK_DEV_A \
		--dev-b $LK_DEV_B --down "$1" --up "$2" --delay "$3" $lk_q \
		--log "$LK_LOG" >"$LK_DIR/linkemu.out" 2>&1 &
	LK_PID=$!
	lk_n=0
	until grep -q '^linkemu: ready' "$LK_DIR/linkemu.out"
	do
		lk_n=$((lk_n + 1))
		if test $lk_n -gt 500 || ! lk_alive_ $LK_PID
		then
			echo >&2 "link: linkemu did not start:"
			cat >&2 "$LK_DIR/linkemu.out"
			lk_down
			return 1
		fi
		sleep 0.01
	done
	ip -n "$LK_NS_A" addr add $LK_IP_A/30 dev $LK_DEV_A &&
	ip -n "$LK_NS_B" addr add $LK_IP_B/30 dev $LK_DEV_B &&
	ip -n "$LK_NS_A" link set $LK_DEV_A up &&
	ip -n "$LK_NS_B" link set $LK_DEV_B up &&
	ip -n "$LK_NS_A" route replace "${LK_IP_A%.*}.0/30" dev $LK_DEV_A \
		proto kernel scope link src $LK_IP_A congctl "$5" ||
		{ echo >&2 "link: cannot set up the namespaces (cc $5)"
		  lk_down; return 1; }
	if ip -n "$LK_NS_A" route show default | grep -q . ||
	   ip -n "$LK_NS_B" route show default | grep -q .
	then
		echo >&2 "link: unexpected default route"; lk_down; return 1
	fi
}

# lk_down: stops what lk_up and the helpers started and deletes the
# namespaces; LK_STATUS is linkemu's exit status (0 on SIGTERM). Safe
# to call twice, or before lk_up.
lk_down () {
	lk_down_jobs_
	if test -n "$LK_PID"
	then
		kill -TERM $LK_PID 2>/dev/null
		lk_n=0
		while lk_alive_ $LK_PID && test $lk_n -lt 300
		do
			sleep 0.01
			lk_n=$((lk_n + 1))
		done
		lk_alive_ $LK_PID && kill -KILL $LK_PID 2>/dev/null
		wait $LK_PID 2>/dev/null
		LK_STATUS=$?
		LK_PID=
	fi
	ip netns del "$LK_NS_A" 2>/dev/null
	ip netns del "$LK_NS_B" 2>/dev/null
	:
}

# The helpers' background processes, stopped.
lk_down_jobs_ () {
	for lk_j in $LK_JOBS
	do
		kill $lk_j 2>/dev/null
		wait $lk_j 2>/dev/null
	done
	LK_JOBS=
}

# lk_alive_ PID: running (not gone, not a zombie waiting for `wait`).
lk_alive_ () {
	test -r "/proc/$1/stat" &&
	! awk '{ exit $3 != "Z" }' "/proc/$1/stat" 2>/dev/null
}

# lk_cpu: CPU time linkemu has used so far, in clock ticks (getconf
# CLK_TCK a second).
lk_cpu () {
	awk '{ print $14 + $15 }' "/proc/$LK_PID/stat"
}

# lk_ping COUNT: COUNT pings from the client to the server, 0.1 s apart;
# prints each round-trip time in ms, one a line. ping(8) if installed,
# else raw ICMP echo from python3.
lk_ping () {
	if command -v ping >/dev/null
	then
		ip netns exec "$LK_NS_B" ping -n -c "$1" -i 0.1 -W 2 $LK_IP_A |
			sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p'
		return
	fi
	ip netns exec "$LK_NS_B" python3 - $LK_IP_A "$1" <<'EOF'
import os, socket, struct, sys, time

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

dst, n = sys.argv[1], int(sys.argv[2])
ident = os.getpid() & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
for seq in range(n):
    pkt = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + bytes(56)
    pkt = pkt[:2] + struct.pack("!H", csum(pkt)) + pkt[4:]
    t0 = time.monotonic()
    s.sendto(pkt, (dst, 0))
    while True:
        left = t0 + 2 - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            d = s.recv(2048)
        except socket.timeout:
            break
        h = (d[0] & 15) * 4
        if d[h] == 0 and struct.unpack("!HH", d[h + 4:h + 8]) == \
                (ident, seq):
            print("%.3f" % ((time.monotonic() - t0) * 1000), flush=True)
            break
    time.sleep(max(0, t0 + 0.1 - time.monotonic()))
EOF
}

# lk_median: the median of the numbers on stdin, one a line.
lk_median () {
	sort -n | awk '{ v[NR] = $1 } END { if (!NR) exit 1
		print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'
}

# lk_sender_ SECS: a TCP server in A that sends zeros to its first client
# for up to SECS + 5 s, in the background; waits until it listens.
lk_sender_ () {
	ip netns exec "$LK_NS_A" python3 - $LK_IP_A $LK_PORT "$1" \
		>"$LK_DIR/sender.out" 2>&1 <<'EOF' &
import socket, sys, time
ip, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((ip, port))
s.listen(1)
print("listening", flush=True)
s.settimeout(10)
c, _ = s.accept()
c.settimeout(secs + 5)
buf = bytes(65536)
end = time.monotonic() + secs + 5
try:
    while time.monotonic() < end:
        c.sendall(buf)
except OSError:
    pass
EOF
	LK_JOBS="$LK_JOBS $!"
	lk_n=0
	until grep -q listening "$LK_DIR/sender.out"
	do
		lk_n=$((lk_n + 1))
		test $lk_n -lt 500 || { echo >&2 "link: no sender:"
			cat >&2 "$LK_DIR/sender.out"; return 1; }
		sleep 0.01
	done
}

# lk_bulk SECS: a bulk TCP transfer down the link (server in A, client
# in B reading) for SECS seconds; prints `SECOND BYTES` lines, the bytes
# the client received in each second since it connected. Keeps `ss -tin`
# of the server's side, 2 s in, in $LK_DIR/bulk.ss.
lk_bulk () {
	lk_sender_ "$1" || return 1
	ip netns exec "$LK_NS_B" python3 - $LK_IP_A $LK_PORT "$1" \
		>"$LK_DIR/bulk.out" <<'EOF' &
import socket, sys, time
ip, port, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = socket.create_connection((ip, port), timeout=5)
got = [0] * secs
t0 = time.monotonic()
while True:
    el = time.monotonic() - t0
    if el >= secs:
        break
    c.settimeout(secs - el)
    try:
        d = c.recv(1 << 18)
    except socket.timeout:
        break
    if not d:
        break
    got[min(int(time.monotonic() - t0), secs - 1)] += len(d)
for i, n in enumerate(got):
    print(i, n)
EOF
	lk_rx=$!
	sleep 2
	ip netns exec "$LK_NS_A" ss -tin state established >"$LK_DIR/bulk.ss"
	wait $lk_rx
	lk_st=$?
	lk_down_jobs_
	cat "$LK_DIR/bulk.out"
	return $lk_st
}

# lk_flood SECS MBIT: 1500-byte UDP packets down the link at MBIT Mbit/s
# for SECS seconds (to the discard port: nobody reads them).
lk_flood () {
	ip netns exec "$LK_NS_A" python3 - $LK_IP_B "$1" "$2" <<'EOF'
import socket, sys, time
ip, secs, mbit = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
pps = mbit * 1e6 / 8 / 1500
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
buf = bytes(1500 - 28)
sent = 0
t0 = time.monotonic()
while True:
    el = time.monotonic() - t0
    if el >= secs:
        break
    while sent < el * pps:
        try:
            s.sendto(buf, (ip, 9))
        except OSError:
            pass
        sent += 1
    time.sleep(0.001)
EOF
}

# lk_slice TRACE FROM TO: the part of a trace from second FROM to TO, as a
# trace of its own (its times made to start at 0).
lk_slice () {
	awk -v a=$(($2 * 1000)) -v b=$(($3 * 1000)) \
		'$1 >= a && $1 < b { print $1 - a }' "$1"
}

# lk_capacity TRACE SECS: the bytes the trace offers in each of its first
# SECS seconds (looping as linkemu does): `SECOND BYTES` lines.
lk_capacity () {
	awk -v secs="$2" '{ t[NR] = $1 } END {
		p = t[NR]
		for (i = 1; i <= NR; i++)
			for (x = t[i]; x < secs * 1000; x += p)
				c[int(x / 1000)] += 1500
		for (s = 0; s < secs; s++)
			print s, c[s] + 0
	}' "$1"
}
