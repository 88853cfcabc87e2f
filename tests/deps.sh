#!/bin/sh
# deps.sh: installs (Debian/Ubuntu, as root) what building and `make check`
# need. Node.js and npm only when missing: some machines carry a Node.js
# build that bundles npm and conflicts with Debian's npm package.
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y build-essential libturbojpeg0-dev libjpeg62-turbo-dev \
	libv4l-dev curl jq ffmpeg chromium iproute2
command -v node >/dev/null 2>&1 || apt-get install -y nodejs
command -v npm >/dev/null 2>&1 || apt-get install -y npm
