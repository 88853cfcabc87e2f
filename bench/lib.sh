# bench/lib.sh: helpers the bench scripts share (sourced).

# med: the median of the numbers on stdin, one per line ("-" for none).
med () {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
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

# fakecams_serve N LOG [SPEC-EXTRA]: rerocctv ($RR) on N emulated YUYV
# cameras at 1280x720, 30 fps ($FAKECAM), named c0, c1, ...; SPEC-EXTRA
# is added to camera c1's FAKECAM_DEVICES spec (",unplug_after=..."). Sets
# PORT and SPID; returns once every camera gives a snapshot (1 if one
# does not). fakecams_stop stops it.
fakecams_serve () {
	fs_specs=
	fs_args=
	fs_i=0
	while test $fs_i -lt "$1"
	do
		fs_dev=/nonexistent/fakecam-video$fs_i
		fs_extra=
		test $fs_i = 1 && fs_extra=${3:-}
		fs_specs="$fs_specs${fs_specs:+;}$fs_dev,modes=yuyv:1280x720@30$fs_extra"
		fs_args="$fs_args --camera c$fs_i=$fs_dev,size=1280x720,format=yuyv"
		fs_i=$((fs_i + 1))
	done
	PORT=$(free_port)
	env LD_PRELOAD="$FAKECAM" FAKECAM_DEVICES="$fs_specs" "$RR" \
		--listen 127.0.0.1:$PORT $fs_args >"$2" 2>&1 &
	SPID=$!
	for fs_t in $(seq 50)
	do
		grep -q "listening on" "$2" && break
		sleep 0.1
	done
	fs_i=0
	while test $fs_i -lt "$1"
	do
		curl -sf -o /dev/null "http://127.0.0.1:$PORT/c/c$fs_i/snapshot" ||
			return 1
		fs_i=$((fs_i + 1))
	done
}

fakecams_stop () {
	if test -n "${SPID:-}"
	then
		kill "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
	fi
	SPID=
}

# cpu_ticks: the server's ($SPID) user + system clock ticks so far.
cpu_ticks () {
	awk '{ print $14 + $15 }' "/proc/$SPID/stat"
}

# report_head TARGET TITLE: a results file's head: what it measures, the
# date, the machine and the command (tests/t0430 asks for all three).
report_head () {
	echo "# \`make $1\`, $(date -u +%Y-%m-%d): $2"
	echo
	echo "- Date: $(date -u +%Y-%m-%d)"
	echo "- Machine: $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 |
		sed "s/^ //") (as \`/proc/cpuinfo\` names it), $(nproc) cores and"
	echo "  $(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo) GiB, $(uname -sr)"
	echo "- Command: \`make $1\` (bench/${1#bench-}.sh)"
}
