#!/bin/sh
test_description='More viewers through HLS: contrib/hls/publish.sh reads
/stream?quality=source, encodes H.264 and publishes to nginx-rtmp
(Debian libnginx-mod-rtmp) running contrib/hls/nginx.conf, which writes
and serves HLS. The playlist appears and advances, with the right MIME
types and caching; its segments are H.264 of the source size and rate;
and the end-to-end latency (capture to listed in the playlist) is
measured by finding, picture by picture, which source frame a segment
shows'
. "$(dirname "$0")/test-lib.sh"

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
test -x "$NGINX" || test_skip_all 'nginx is not installed (apt-get install nginx)'
MOD=
for m in /usr/lib/nginx/modules/ngx_rtmp_module.so \
	/usr/share/nginx/modules/ngx_rtmp_module.so \
	/usr/lib64/nginx/modules/ngx_rtmp_module.so
do
	test -f "$m" && MOD=$m && break
done
test -n "$MOD" ||
	test_skip_all 'the nginx RTMP module is not installed (apt-get install libnginx-mod-rtmp)'
printf 'load_module %s;\nevents { }\nrtmp { }\n' "$MOD" >modtest.conf
"$NGINX" -t -q -e "$TRASH/modtest.err" -c "$TRASH/modtest.conf" -p "$TRASH" \
	>modtest.out 2>&1 ||
	test_skip_all "nginx cannot load $MOD: $(grep emerg modtest.out | head -n 1)"
command -v ffprobe >/dev/null 2>&1 || test_skip_all 'ffmpeg is not installed'
ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libx264 ||
	test_skip_all 'this ffmpeg has no libx264'

# free_port: a port nothing listens on now.
free_port () {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + $$ % 20000 + $1))
}
# The shipped config with loopback ports, files under $TRASH, this
# user, one worker; nothing else changed.
nginx_conf () {
	sed -e "s|^load_module .*;|load_module $MOD;|" \
	    -e "s|^user .*;|user $(id -un);|" \
	    -e "s|^worker_processes .*;|worker_processes 1;|" \
	    -e "s|^pid .*;|pid $TRASH/nginx.pid;|" \
	    -e "s|^error_log .*;|error_log $TRASH/nginx.err info;|" \
	    -e "s|listen 1935;|listen 127.0.0.1:$RTMP_PORT;|" \
	    -e "s|listen 8080;|listen 127.0.0.1:$HTTP_PORT;|" \
	    -e "/listen \[::\]:8080;/d" \
	    -e "s|/dev/shm/rerocctv-hls|$TRASH/hls|g" \
	    -e "s|^http {|http {\\
	client_body_temp_path $TRASH/tmp-body;\\
	proxy_temp_path $TRASH/tmp-proxy;\\
	fastcgi_temp_path $TRASH/tmp-fcgi;\\
	uwsgi_temp_path $TRASH/tmp-uwsgi;\\
	scgi_temp_path $TRASH/tmp-scgi;|" \
	    "$TOP/contrib/hls/nginx.conf" >nginx.conf
}
now_us () {
	date +%s%6N
}
# poll SECONDS: fetches the playlist every 50 ms; appends "US NAME" to
# seen for each segment the first time it is listed, US the time the
# fetch that saw it came back (so a segment was listed at most one
# poll, about 60 ms, before US). Segments of the first fetch are
# marked 0: when they were listed is not known.
poll () {
	: >seen
	p_end_=$(($(now_us) + $1 * 1000000))
	p_first_=t
	while test "$(now_us)" -lt $p_end_
	do
		curl -sf --max-time 1 "$HLS/cam.m3u8" >pl.now || continue
		p_t_=$(now_us)
		test -z "$p_first_" || p_t_=0
		p_first_=
		awk -v t=$p_t_ 'FILENAME == "seen" { had[$2] = 1; next }
			/\.ts$/ && !($0 in had) { print t, $0 }' seen pl.now >>seen
		sleep 0.05
	done
}
# seq_of FILE: the playlist's media sequence.
seq_of () {
	sed -n 's/^#EXT-X-MEDIA-SEQUENCE:\([0-9]*\).*/\1/p' "$1"
}
# gray: raw 80x60 grey pictures of every frame of the input ($@), in
# order, none dropped or repeated; small enough to compare in awk.
gray () {
	ffmpeg -nostdin -v error "$@" -vsync passthrough \
		-vf scale=80:60,format=gray -f rawvideo -
}

# The picture: 640x480 keeps the CPU modest beside other tests;
# RR_HLS_SIZE=1280x720 measures 720p.
SIZE=${RR_HLS_SIZE:-640x480}
W=${SIZE%x*}
H=${SIZE#*x}

test_expect_success 'rerocctv, nginx with contrib/hls/nginx.conf, publish.sh' '
	start_server --source test --size $SIZE --fps 30 &&
	RTMP_PORT=$(free_port 0) &&
	HTTP_PORT=$(free_port 1) &&
	test "$RTMP_PORT" != "$HTTP_PORT" &&
	nginx_conf &&
	"$NGINX" -t -e "$TRASH/nginx.err" -c "$TRASH/nginx.conf" -p "$TRASH" &&
	{ "$NGINX" -e "$TRASH/nginx.err" -c "$TRASH/nginx.conf" -p "$TRASH" \
		-g "daemon off;" 2>>nginx.err & } &&
	test_atexit "kill \$(cat \"$TRASH/nginx.pid\" 2>/dev/null) 2>/dev/null; true" &&
	HLS=http://127.0.0.1:$HTTP_PORT/hls &&
	n=50 &&
	until curl -s -o /dev/null "$HLS/" || test $n = 0
	do
		sleep 0.1
		n=$((n - 1))
	done &&
	t0=$(now_us) &&
	{ RETRY=1 sh "$TOP/contrib/hls/publish.sh" "$BASE/stream?quality=source" \
		"rtmp://127.0.0.1:$RTMP_PORT/live/cam" >publish.log 2>&1 & } &&
	pub_pid=$! &&
	test_atexit "kill $pub_pid 2>/dev/null; true"
'

test_expect_success 'the playlist appears, as HLS that must not be cached' '
	n=100 &&
	until curl -sf -D head -o pl.0 "$HLS/cam.m3u8" && grep -q "\.ts$" pl.0
	do
		test $n -gt 0 || { cat publish.log nginx.err; false; } || return 1
		sleep 0.1
		n=$((n - 1))
	done &&
	echo "first segment listed after $((($(now_us) - t0) / 1000)) ms" &&
	cat pl.0 &&
	head -n 1 pl.0 | grep -x "#EXTM3U" &&
	grep -x "#EXT-X-TARGETDURATION:1" pl.0 &&
	tr -d "\r" <head >h &&
	grep -ix "content-type: application/vnd.apple.mpegurl" h &&
	grep -ix "cache-control: no-cache" h
'

test_expect_success 'the source stream recorded while the playlist is polled' '
	{ curl -s --max-time 5 -o rec.mjpeg "$BASE/stream?quality=source" & } &&
	rec_pid=$! &&
	poll 5 &&
	{ wait $rec_pid; true; } &&
	cat seen &&
	grep -ao "ts=[0-9]* seq=[0-9]* q=[0-9]* w=$W h=$H" rec.mjpeg |
		sed "s/ts=\([0-9]*\) seq=\([0-9]*\).*/\1 \2/" >rec.ts &&
	gray -f mpjpeg -i rec.mjpeg >rec.gray &&
	nts=$(wc -l <rec.ts) &&
	nfr=$(($(wc -c <rec.gray) / 4800)) &&
	echo "$nts frames recorded, $nfr decoded" &&
	test "$nts" -ge 120 &&
	test $((nts - nfr)) -le 1 && test $((nfr - nts)) -le 0
'

test_expect_success 'the playlist advances: media sequence grows, new segments' '
	n=100 &&
	until curl -sf -o pl.1 "$HLS/cam.m3u8" &&
		test "$(seq_of pl.1)" -gt "$(seq_of pl.0)"
	do
		test $n -gt 0 || { cat pl.1; false; } || return 1
		sleep 0.1
		n=$((n - 1))
	done &&
	cat pl.1 &&
	grep "\.ts$" pl.0 >s.0 &&
	grep "\.ts$" pl.1 >s.1 &&
	test "$(comm -13 s.0 s.1 | wc -l)" -ge 1 &&
	test "$(wc -l <s.1)" -ge 5 &&
	! grep -v "^#EXTINF:1.0[0-9]*,$" pl.1 | grep "^#EXTINF"
'

test_expect_success "segments are H.264 $SIZE at 30 fps, cacheable MPEG-TS" '
	seg=$(tail -n 1 s.1) &&
	curl -sf -D head -o seg.ts "$HLS/$seg" &&
	tr -d "\r" <head >h &&
	grep -ix "content-type: video/mp2t" h &&
	grep -i "^cache-control: public, max-age=[1-9]" h &&
	ffprobe -v error -select_streams v:0 -count_frames -of json \
		-show_entries stream=codec_name,profile,width,height,pix_fmt,nb_read_frames \
		-show_entries format=duration seg.ts >probe.json &&
	cat probe.json &&
	jq -e ".streams[0] | .codec_name == \"h264\" and .width == $W and
		.height == $H and .pix_fmt == \"yuv420p\"" probe.json &&
	jq -r "(.streams[0].nb_read_frames | tonumber) /
		(.format.duration | tonumber)" probe.json >fps &&
	echo "fps $(cat fps)" &&
	between 27 33 <fps &&
	jq -r ".format.duration" probe.json |
	awk -v b=$(wc -c <seg.ts) -v m=$(wc -c <rec.mjpeg) \
		"{ printf \"rates: MJPEG source %.0f Mbit/s, H.264 in HLS %.0f kbit/s\\n\",
			m * 8 / 5e6, b * 8 / \$1 / 1e3 }" >rates &&
	cat rates
'
test -f "$TRASH/rates" && say "$(cat "$TRASH/rates")"

# The latency, end to end. The test pattern stamps each frame's capture
# time (ts= in its COM segment, CLOCK_REALTIME); H.264 carries no such
# stamp, so each segment listed while the source was being recorded is
# decoded, and its first and last pictures are looked up among the
# recorded source frames (80x60 grey, least sum of absolute differences;
# the pattern scrolls, its box moves and its clock runs, so no two
# frames of a recording look alike). The latency of a frame is the time
# its segment was first seen in the playlist minus the frame's capture
# time: what a player polling the playlist could at best achieve.
test_expect_success 'end-to-end latency: capture to listed in the playlist' '
	ts_first=$(head -n 1 rec.ts | cut -d" " -f1) &&
	ts_last=$(tail -n 1 rec.ts | cut -d" " -f1) &&
	awk -v a=$((ts_first + 2000000)) -v b=$ts_last "\$1 >= a && \$1 <= b" \
		seen >measure &&
	cat measure &&
	test "$(wc -l <measure)" -ge 2 &&
	: >targets &&
	while read -r t s
	do
		curl -sf -o m.ts "$HLS/$s" &&
		gray -i m.ts >m.gray &&
		k=$(($(wc -c <m.gray) / 4800)) &&
		test $k -ge 2 &&
		od -An -v -tu1 -w4800 m.gray | sed -n "1p;${k}p" |
			sed "s/^/$t $k /" >>targets || return 1
	done <measure &&
	od -An -v -tu1 -w4800 rec.gray | paste -d" " rec.ts - >cands &&
	awk "
		NR == FNR { t[++nt] = \$1; k[nt] = \$2
			for (i = 3; i <= NF; i++) px[nt, i] = \$i; next }
		{ c++; ts[c] = \$1
			for (j = 1; j <= nt; j++) {
				d = 0
				for (i = 3; i <= NF; i++) {
					v = \$i - px[j, i]; d += v < 0 ? -v : v
				}
				sum[j] += d
				if (!(j in best) || d < best[j]) { best[j] = d; at[j] = c }
			}
		}
		END {
			for (j = 1; j <= nt; j += 2) {
				# first, last picture: frame, capture ts, match
				# quality (best / mean difference; 1 = none)
				f = at[j]; l = at[j + 1]
				printf \"%.0f %d %.0f %.0f %d %.3f %.3f\\n\", t[j], k[j],
					ts[f], ts[l], l - f, best[j] * c / sum[j],
					best[j + 1] * c / sum[j + 1]
			}
		}" targets cands >matched &&
	cat matched &&
	awk "{
		old = (\$1 - \$3) / 1e6; new = (\$1 - \$4) / 1e6
		span = (\$4 - \$3) / 1e6
		printf \"segment of %d frames: first and last captured %.3f s\",
			\$2, span
		printf \" (%d frames) apart; oldest %.2f s, newest %.2f s\\n\",
			\$5, old, new
		# both pictures found, in order, about a segment apart
		if (\$6 > 0.25 || \$7 > 0.25 || span < 0.6 || span > 1.2) bad = 1
		if (new < 0 || old > 5) bad = 1
		so += old; sn += new; n++
	} END {
		printf \"capture to listed in the playlist: newest frame\" >\"latency\"
		printf \" of a segment %.2f s, oldest %.2f s (mean of %d)\\n\",
			sn / n, so / n, n >\"latency\"
		exit bad
	}" matched &&
	cat latency
'
test -f "$TRASH/latency" && say "$(cat "$TRASH/latency")"

test_expect_success 'CPU: the encoder, and rerocctv for this one stream' '
	ff=$(ps -o pid= --ppid $pub_pid | head -n 1) &&
	cpu () { awk "{ print \$14 + \$15 }" /proc/$1/stat; } &&
	a=$(cpu $ff) && b=$(cpu $SERVER_PID) && t=$(now_us) &&
	sleep 3 &&
	hz=$(getconf CLK_TCK) && dt=$(($(now_us) - t)) &&
	echo "ffmpeg $(($(cpu $ff) - a)) rerocctv $(($(cpu $SERVER_PID) - b)) $hz $dt" |
	awk "{ printf \"cpu: ffmpeg %.0f%%, rerocctv %.0f%% of a core\\n\",
		\$2 * 1e8 / \$5 / \$6, \$4 * 1e8 / \$5 / \$6 }" >cpu &&
	cat cpu
'
test -f "$TRASH/cpu" && say "$(cat "$TRASH/cpu") ($SIZE at 30 fps)"

test_expect_success 'rerocctv restarts: publish.sh reconnects, the playlist goes on' '
	curl -sf -o pl.2 "$HLS/cam.m3u8" &&
	grep "\.ts$" pl.2 >s.2 &&
	port=$PORT &&
	stop_server &&
	start_server --source test --size $SIZE --fps 30 --listen 127.0.0.1:$port &&
	n=100 &&
	until curl -sf -o pl.3 "$HLS/cam.m3u8" &&
		awk "/^#EXT-X-DISCONTINUITY/ { n = 0; next }
			/\.ts\$/ { s[++n] = \$0 }
			END { for (i = 1; i <= n; i++) print s[i] }" pl.3 >s.3 &&
		test -s s.3 && test -z "$(comm -12 s.2 s.3)"
	do
		test $n -gt 0 || { cat pl.3 publish.log; false; } || return 1
		sleep 0.1
		n=$((n - 1))
	done &&
	cat pl.3 &&
	test "$(seq_of pl.3)" -ge "$(seq_of pl.2)" &&
	grep "publish.sh: ffmpeg ended" publish.log
'

test_expect_success 'publish.sh stops ffmpeg and itself on SIGTERM' '
	ff=$(ps -o pid= --ppid $pub_pid | head -n 1) &&
	kill $pub_pid &&
	n=50 &&
	while kill -0 $pub_pid 2>/dev/null || kill -0 $ff 2>/dev/null
	do
		test $n -gt 0 || return 1
		sleep 0.1
		n=$((n - 1))
	done
'

test_expect_success 'nginx and rerocctv stop cleanly' '
	kill $(cat nginx.pid) &&
	stop_server
'

test_done
