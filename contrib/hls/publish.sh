#!/bin/sh
# contrib/hls/publish.sh URL RTMP_URL: rerocctv's MJPEG in, H.264 out to
# nginx-rtmp (contrib/hls/nginx.conf), which makes it HLS.
#
#	publish.sh 'http://hls:PASS@camera:6732/stream?quality=source' \
#		rtmp://127.0.0.1:1935/live/cam
#
# Run it on the encoder machine, next to nginx, not on the board: the
# board only sends one stream of its camera's own JPEGs (quality=source:
# no encode on the board for an MJPEG camera; q95 from a YUYV camera or
# the test pattern, one encode per frame), while this costs the encoder
# machine about a third of a core at 720p30 (37 % on a 2-core Xeon VM,
# the JPEG decode included; 16 % at 640x480). That one stream costs the
# LAN what one viewer of source costs (69 Mbit/s for the 720p test
# pattern at q95; a camera's own JPEGs are usually smaller).
#
# With accounts (--auth-file), give it a viewer's Basic credentials in
# the URL, best an account of its own (rerocctv passwd FILE hls), or a
# share link made without --max-quality (a capped link gets its cap,
# re-encoded on the board, instead of source; and it expires):
# http://camera:6732/s/TOKEN/stream?quality=source. The URL is on
# ffmpeg's command line, which other users of the machine can see (ps).
#
# When ffmpeg ends (the camera server restarted, the network dropped,
# nginx restarted) it is started again after RETRY seconds; nginx goes on
# with the same playlist, marking the break with EXT-X-DISCONTINUITY.
# SIGTERM or SIGINT stops ffmpeg and the script.
#
# Settings (environment):
#   FPS=30        the output frame rate: the camera's. A constant rate:
#                 missing frames are repeated (cheap in H.264), extra
#                 ones dropped, so keyframes fall exactly every GOP
#   GOP=1         seconds (whole) between keyframes. nginx cuts a fragment
#                 only at a keyframe, so this is the fragment length; keep it
#                 equal to hls_fragment. 2 halves the keyframe cost, and
#                 doubles the latency (players stay about 3 fragments
#                 behind the newest)
#   CRF=23        x264 quality (lower: better, bigger); 23 suits 720p
#   MAXRATE=2500k the cap on the bit rate (VBV over one second), what a
#                 viewer needs (the 720p30 test pattern: 1.8 Mbit/s,
#                 against about 33 Mbit/s for MJPEG q80)
#   PRESET=veryfast  x264 speed against size; ultrafast on a weak
#                 encoder machine, faster/fast on a strong one
#   SCALE=        e.g. 1280:720 to scale (a 1080p camera); empty: as is
#   RETRY=2       seconds between attempts
#   FFMPEG=ffmpeg
set -u
test $# = 2 || {
	echo "usage: $0 URL RTMP_URL" >&2
	exit 2
}
url=$1
rtmp=$2
fps=${FPS:-30}
gop=${GOP:-1}
# JPEGs are full-range YUV (4:2:0 or 4:2:2); players expect limited-range
# 4:2:0, so both ranges are said. (swscale still warns "deprecated pixel
# format used" a few times at each start: the decoder's yuvj name for
# full range. Harmless.)
vf="fps=$fps,scale=${SCALE:-iw:ih}:in_range=full:out_range=limited"
vf="$vf,format=yuv420p"

pid=
trap 'test -z "$pid" || kill "$pid" 2>/dev/null; exit 0' TERM INT HUP

while :
do
	# Input: MJPEG parts (-f mpjpeg), stamped with the time each
	# arrives (they carry none ffmpeg reads), nothing held back for
	# probing; a stream that sends nothing for 5 s ends (-rw_timeout,
	# µs), so a stuck server is noticed. Output: libx264 with no
	# frame delay (-tune zerolatency: no B-frames, no lookahead), a
	# keyframe every GOP seconds exactly (no extra ones at scene
	# cuts), no audio, FLV over RTMP.
	"${FFMPEG:-ffmpeg}" -nostdin -hide_banner -loglevel warning \
		-rw_timeout 5000000 -use_wallclock_as_timestamps 1 \
		-fflags nobuffer -analyzeduration 0 -probesize 32768 \
		-f mpjpeg -i "$url" \
		-an -vf "$vf" \
		-c:v libx264 -preset "${PRESET:-veryfast}" -tune zerolatency \
		-profile:v high -crf "${CRF:-23}" \
		-maxrate "${MAXRATE:-2500k}" -bufsize "${MAXRATE:-2500k}" \
		-g $((fps * gop)) -keyint_min $((fps * gop)) -sc_threshold 0 \
		-f flv "$rtmp" &
	pid=$!
	wait "$pid"
	st=$?
	pid=
	echo "publish.sh: ffmpeg ended ($st); again in ${RETRY:-2} s" >&2
	# In the background, so that a signal ends the wait at once.
	sleep "${RETRY:-2}" &
	pid=$!
	wait "$pid"
	pid=
done
