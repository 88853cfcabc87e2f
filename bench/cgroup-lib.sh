# cgroup-lib.sh: a CPU cgroup with a quota, a small board made of the host,
# for the device benchmark (bench/device.sh) and its short test
# (tests/t2300-budget.sh). Sourced; POSIX sh. Needs root (or a cgroup
# tree we may write) and the cpu controller: cgroup v1
# (cpu.cfs_quota_us, cpu.cfs_period_us) or v2 (cpu.max).
#
# cg_make makes a child cgroup named rerocctv-$CG_TAG; cg_add moves a
# whole process into it (every thread, and every thread it starts later:
# a server's encoders and the emulated camera's "fakecam" thread, which
# bench/device.sh then moves out again, as a real camera's copying is
# the kernel's work, not the server's); cg_quota sets
# its share of one core; cg_remove takes it away again. Nothing else is
# changed, but on cgroup v2 the cpu controller may have to be enabled
# for the children of the tree's root (as systemd does by default).
#
# The period is CG_PERIOD_US (20 ms): with the kernel's default of
# 100 ms a server at 30 % runs 30 ms at full speed and then stands still
# for 70 ms, longer than two frame intervals; a board that is slow runs
# all the time, slowly. 20 ms is as close to that as 5 % allows (the
# kernel's smallest quota is 1 ms).

CG_TAG=${CG_TAG:-$$}
CG_PERIOD_US=${CG_PERIOD_US:-20000}
CG_DIR=
CG_KIND=

# cg_root: "v1 DIR" or "v2 DIR", where a cpu cgroup can be made; fails
# when there is none.
cg_root () {
	cg_r=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ { print $2; exit }' \
		/proc/mounts)
	if test -n "$cg_r" && test -f "$cg_r/cpu.cfs_quota_us"
	then
		echo "v1 $cg_r"
		return 0
	fi
	cg_r=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if test -n "$cg_r" &&
	   grep -qw cpu "$cg_r/cgroup.controllers" 2>/dev/null
	then
		echo "v2 $cg_r"
		return 0
	fi
	return 1
}

# Why a cgroup with a CPU quota cannot be made here, or nothing.
cg_cannot () {
	cg_where=$(cg_root) ||
		{ echo "no cgroup with the cpu controller"; return; }
	if ! test -w "${cg_where#* }"
	then
		echo "cannot write ${cg_where#* } (needs root and a writable" \
			"cgroup tree)"
		return
	fi
	if ! cg_make
	then
		echo "cannot make a cpu cgroup with a quota in ${cg_where#* }"
		return
	fi
	cg_remove
}

# cg_make: the child cgroup, no quota yet; sets CG_DIR and CG_KIND.
cg_make () {
	cg_where=$(cg_root) || return 1
	CG_KIND=${cg_where%% *}
	CG_DIR=${cg_where#* }/rerocctv-$CG_TAG
	if test "$CG_KIND" = v2 &&
	   ! grep -qw cpu "${CG_DIR%/*}/cgroup.subtree_control"
	then
		echo +cpu 2>/dev/null >"${CG_DIR%/*}/cgroup.subtree_control" ||
			{ CG_DIR=; return 1; }
	fi
	mkdir -p "$CG_DIR" 2>/dev/null || { CG_DIR=; return 1; }
	if test "$CG_KIND" = v1
	then
		echo "$CG_PERIOD_US" 2>/dev/null >"$CG_DIR/cpu.cfs_period_us"
	fi
	cg_quota 100 || { cg_remove; return 1; }
}

# cg_quota PERCENT: that much of one core (PERCENT of every period);
# "max" for no limit.
cg_quota () {
	test -n "$CG_DIR" || return 1
	if test "$1" = max
	then
		cg_q=-1
	else
		cg_q=$(($1 * CG_PERIOD_US / 100))
	fi
	if test "$CG_KIND" = v1
	then
		echo "$cg_q" 2>/dev/null >"$CG_DIR/cpu.cfs_quota_us"
	else
		test "$cg_q" != -1 || cg_q=max
		echo "$cg_q $CG_PERIOD_US" 2>/dev/null >"$CG_DIR/cpu.max"
	fi
}

# cg_add PID: the process and all its threads into the cgroup.
cg_add () {
	echo "$1" 2>/dev/null >"$CG_DIR/cgroup.procs"
}

# cg_stat KEY: a counter of the cgroup's cpu.stat (nr_throttled,
# nr_periods), 0 when there is none.
cg_stat () {
	awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' \
		"$CG_DIR/cpu.stat" 2>/dev/null
}

# cg_remove: every process still inside goes back to the parent, then
# the cgroup goes. Safe to call twice, and before cg_make.
cg_remove () {
	test -n "$CG_DIR" || return 0
	if test -d "$CG_DIR"
	then
		while read -r cg_p
		do
			echo "$cg_p" 2>/dev/null >"${CG_DIR%/*}/cgroup.procs"
		done <"$CG_DIR/cgroup.procs"
		rmdir "$CG_DIR" 2>/dev/null
	fi
	CG_DIR=
}
