#!/bin/sh
# deps.sh: installs (Debian/Ubuntu) everything building and the tests
# need, up front, so that no test has to install anything: the Debian
# packages, then playwright-core from npm into tests/node_modules (it
# drives the Debian Chromium; it never downloads a browser). With --build,
# only what `make` needs. Runs as root, or through sudo when it is not
# root (a fresh container has no sudo, and as root needs none). Node.js
# and npm only when missing: some machines carry a Node.js build that
# bundles npm and conflicts with Debian's npm package.
set -e
BUILD="build-essential libturbojpeg0-dev libjpeg62-turbo-dev libv4l-dev"
if test "$(id -u)" = 0
then
	as_root=
elif command -v sudo >/dev/null 2>&1
then
	as_root=sudo
else
	echo "deps.sh: run as root, or install sudo" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A mirror caught mid-sync fails one index (seen here for armhf): try
# again, then go on with the lists there are; a missing package still
# fails the install below.
$as_root apt-get update || { sleep 5; $as_root apt-get update; } ||
	echo "deps.sh: apt-get update had errors; going on" >&2
if test "$1" = --build
then
	# shellcheck disable=SC2086
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y $BUILD
	exit 0
fi
# procps: sysctl for the emulated links (t5100, t5300), ps (t5200); a
# minimal Debian lacks it, and only a chain of recommends brings it.
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y $BUILD \
	curl jq ffmpeg chromium iproute2 procps clang libclang-rt-14-dev \
	valgrind nginx libnginx-mod-rtmp socat openssl perl python3 binutils
# Caddy (t1400 beside nginx): Debian has it from 12 on; where it is
# missing t1400 says so and tries nginx alone.
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y caddy ||
	echo "deps: no caddy package here: t1400 tries nginx only" >&2
# The man page's lint (t0410: mandoc, and groff from groff-base), the
# unit's verify and security score (t0400: systemd; man-db, as verify runs
# man(1) for the unit's Documentation=). A minimal Debian (debootstrap
# minbase, a container) has none of them.
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y mandoc \
	groff-base man-db systemd
command -v node >/dev/null 2>&1 ||
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs
command -v npm >/dev/null 2>&1 ||
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y npm
# The static binaries for the boards (make dist, t0300): the boards'
# architectures, Debian's cross compilers, the boards' libturbojpeg and
# libv4l, musl's static C library for x86_64 and arm64 (the Makefile says
# why), qemu-user to run them, strace to watch what they open. Not
# libjpeg62-turbo-dev:ARCH: it pulls libc6-dev:ARCH, which must be the
# host's version and cannot install while ARCH's security updates lag the
# host's; libturbojpeg.a carries the libjpeg API, and the Makefile
# supplies jconfig.h.
added=
for arch in arm64 armhf
do
	dpkg --print-foreign-architectures | grep -qx $arch && continue
	$as_root dpkg --add-architecture $arch
	added=t
done
if test -n "$added"
then
	$as_root apt-get update || { sleep 5; $as_root apt-get update; } ||
		echo "deps.sh: apt-get update had errors; going on" >&2
fi
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	crossbuild-essential-arm64 crossbuild-essential-armhf \
	libturbojpeg0-dev:arm64 libv4l-dev:arm64 \
	libturbojpeg0-dev:armhf libv4l-dev:armhf musl-dev musl-dev:arm64 \
	qemu-user file strace
cd "$(dirname "$0")"
npm install --no-audit --no-fund --no-package-lock
