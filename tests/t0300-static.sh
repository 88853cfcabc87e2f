#!/bin/sh
test_description='static binaries for the boards: make dist builds x86_64,
aarch64 and armhf executables that need no shared library, with their
SHA256SUMS; each serves the test pattern at the source rate as valid
640x480 JPEGs (the ARM ones under qemu-user); none loads a shared object'
. "$(dirname "$0")/test-lib.sh"

HOST=$(cc -print-multiarch 2>/dev/null)
for t in aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc qemu-aarch64 \
	qemu-arm file readelf sha256sum
do
	command -v $t >/dev/null 2>&1 ||
	test_skip_all "no $t (tests/deps.sh installs the cross toolchains and qemu-user)"
done
for d in $HOST aarch64-linux-gnu arm-linux-gnueabihf
do
	for l in libturbojpeg.a libv4l2.a libv4lconvert.a
	do
		test -f /usr/lib/$d/$l ||
		test_skip_all "no /usr/lib/$d/$l (tests/deps.sh installs it)"
	done
done
for d in x86_64 aarch64
do
	test -f /usr/lib/$d-linux-musl/libc.a ||
	test_skip_all "no musl for $d (tests/deps.sh installs musl-dev)"
done

DIST=$TOP/dist
ARCHS='x86_64 aarch64 armhf'

# Under make check, make's own MAKEFLAGS would reach this make.
test_expect_success 'make dist builds the three binaries and SHA256SUMS' '
	(unset MAKEFLAGS MAKELEVEL MFLAGS; make -C "$TOP" --no-print-directory \
		dist) >make.log 2>&1 || { cat make.log; false; } &&
	for a in $ARCHS
	do
		test -x "$DIST/rerocctv-$a" || return 1
	done &&
	test "$(wc -l <"$DIST/SHA256SUMS")" = 3 &&
	(cd "$DIST" && sha256sum -c SHA256SUMS)
'

test_expect_success 'each is static, stripped, for its machine, needs no library' '
	for a in $ARCHS
	do
		f=$DIST/rerocctv-$a &&
		file "$f" >file.$a &&
		cat file.$a &&
		grep -E "static(-pie|ally) linked" file.$a &&
		grep ", stripped" file.$a &&
		! grep -q "interpreter" file.$a &&
		! readelf -d "$f" | grep NEEDED || return 1
	done &&
	grep "x86-64" file.x86_64 &&
	grep "ARM aarch64" file.aarch64 &&
	grep "32-bit LSB executable, ARM, EABI5" file.armhf
'

# As hardened as the default build where the C library allows:
# static-pie (a random load address) on x86_64 and aarch64 (musl), plain
# static on armhf (Debian's armhf glibc has no rcrt1.o); RELRO everywhere.
test_expect_success 'static-pie where it can be, RELRO, no executable stack' '
	for a in $ARCHS
	do
		f=$DIST/rerocctv-$a &&
		readelf -lW "$f" | grep GNU_RELRO &&
		readelf -lW "$f" | grep GNU_STACK | grep -v " RWE " &&
		! readelf -lW "$f" | grep LOAD | grep -q " RWE " || return 1
	done &&
	readelf -d "$DIST/rerocctv-x86_64" | grep "FLAGS_1.*NOW PIE" &&
	readelf -d "$DIST/rerocctv-aarch64" | grep "FLAGS_1.*NOW PIE"
'

# Debian armhf: ARMv7-A, VFP arguments in registers (hard-float).
test_expect_success 'armhf is ARMv7 hard-float' '
	readelf -A "$DIST/rerocctv-armhf" >attr &&
	grep "Tag_CPU_arch: v7$" attr &&
	grep "Tag_ABI_VFP_args: VFP registers" attr
'

# Each must stay under 1.5 MB: x86_64 and aarch64 link musl (about 1.2 and
# 1.0 MB; with glibc, make static SLIBC=glibc, about 2.2 and 1.7), armhf
# glibc (1.1 MB). The codec is the largest part (0.4-0.65 MB, its Huffman
# tables and SIMD code).
test_expect_success 'sizes: each under 1.5 MB' '
	for a in $ARCHS
	do
		n=$(wc -c <"$DIST/rerocctv-$a") &&
		say "rerocctv-$a: $n bytes" &&
		echo "$a $n" || return 1
	done >sizes &&
	cat sizes &&
	awk "!/^#/ && \$2 + 0 >= 1500000 { bad = 1 } END { exit bad }" sizes
'

# serve ARCH [WRAPPER]: the binary on the 640x480 30 fps test pattern;
# 4 s of WebSocket frames, decoded, into "out".
serve () {
	sv_wrap_=$RR_WRAP
	RR=$DIST/rerocctv-$1
	RR_WRAP=$2
	start_server --source test --size 640x480 --fps 30
	sv_st_=$?
	RR_WRAP=$sv_wrap_
	test $sv_st_ = 0 &&
	"$WSC" load -f 3 -t 10 "$WSBASE/websocket/80" >/dev/null &&
	"$WSC" load -t 4 --decode --size 640x480 "$WSBASE/websocket/80" >out &&
	cat out &&
	test "$(kv invalid <out)" = 0 &&
	test "$(kv errors <out)" = 0 &&
	test "$(kv w <out)" = 640 && test "$(kv h <out)" = 480
}

test_expect_success 'x86_64 serves 640x480 at 30 fps' '
	serve x86_64 &&
	kv fps <out | between 25 33 &&
	stop_server
'

# qemu-user on this 2-core machine runs the server at 30 fps with room to
# spare (aarch64 about a quarter of a core, armhf about half).
test_expect_success 'aarch64 under qemu-aarch64 serves 640x480 at 30 fps' '
	serve aarch64 qemu-aarch64 &&
	kv fps <out | between 25 33 &&
	stop_server
'

test_expect_success 'armhf under qemu-arm serves 640x480 at 30 fps' '
	serve armhf qemu-arm &&
	kv fps <out | between 25 33 &&
	stop_server
'

# started LOG PID: until LOG has the readiness line or PID has exited
# (up to 5 s).
started () {
	st_n_=500
	while test $st_n_ -gt 0
	do
		grep -q "listening on" "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 0
		st_n_=$((st_n_ - 1))
		sleep 0.01
	done
	return 1
}

# static.c: no libv4l2 plugin (Debian's libv4l-0 ships libv4l-mplane.so)
# and no NSS module (nsswitch.conf may name mdns4_minimal or systemd) is
# opened: a camera device, numeric addresses, a name that is nowhere.
if command -v strace >/dev/null 2>&1
then
	test_expect_success 'no shared object opened: camera, addresses, names' '
		for l in 127.0.0.1:0 "[::1]:0" nosuchhost.invalid:0
		do
			strace -f -e trace=open,openat -o trace \
				"$DIST/rerocctv-x86_64" --source v4l2 \
				--device /dev/null --listen "$l" >log 2>&1 &
			pid=$! &&
			started log $pid || return 1
			# strace holds off SIGTERM: the server itself is
			# stopped, and strace ends with it. The server is
			# the pid on the first line of the trace (its
			# threads come later).
			srv=$(awk "NR == 1 { print \$1; exit }" trace)
			test -n "$srv" && kill $srv || kill $pid
			wait $pid
			head -n 5 log &&
			grep -E "listening on|Name or service not known|Name does not resolve" log &&
			grep "v4l2:/dev/null\|listen nosuchhost" log &&
			! grep "\.so" trace || return 1
		done
	'
else
	say "no strace: not checking that no shared object is opened"
fi

test_done
