#!/bin/sh
test_description='MJPEG: /stream, /snapshot, mjpg-streamer URLs, /state'
. "$(dirname "$0")/test-lib.sh"

# hex FILE OFFSET COUNT prints COUNT bytes at OFFSET as bare hex.
hex () {
	od -An -tx1 -j "$2" -N "$3" "$1" | tr -d " \n"
}
# part FILE OFFSET checks the multipart part whose boundary line starts
# at OFFSET: its Content-Length covers exactly one JPEG (FF D8 .. FF D9),
# followed by CRLF and the next boundary. Prints the next part's offset.
part () {
	p_hdr_=$(tail -c +$(($2 + 1)) "$1" | head -c 1024 |
		LC_ALL=C awk 'BEGIN { RS = "\r\n\r\n" } NR == 1 { print; exit }')
	p_hlen_=$(($(printf "%s" "$p_hdr_" | LC_ALL=C wc -c) + 4))
	p_len_=$(printf "%s\n" "$p_hdr_" | tr -d "\r" |
		sed -n "s/^[Cc]ontent-[Ll]ength: *//p")
	test -n "$p_len_" || { echo >&2 "part at $2: no Content-Length"; return 1; }
	printf "%s\n" "$p_hdr_" | grep -q "^--" &&
	printf "%s\n" "$p_hdr_" | tr -d "\r" | grep -qi "^content-type: image/jpeg$" &&
	p_body_=$(($2 + p_hlen_)) &&
	test "$(hex "$1" $p_body_ 2)" = ffd8 &&
	test "$(hex "$1" $((p_body_ + p_len_ - 2)) 6)" = ffd90d0a2d2d &&
	echo $((p_body_ + p_len_ + 2))
}
# com FILE prints the COM segment text of the JPEG in FILE.
com () {
	head -c 200 "$1" | LC_ALL=C tr -c " =[:alnum:]" "\n" | grep "ts="
}
# code URL prints the HTTP status of a GET.
code () {
	curl -s -o /dev/null -w "%{http_code}" "$1"
}
test_expect_success 'start on the test pattern' '
	start_server --source test --size 640x480 --fps 30
'

test_expect_success '/stream: valid JPEGs at about 30 fps' '
	"$WSC" load -t 3 --decode "$BASE/stream" >out &&
	test "$(kv invalid <out)" = 0 &&
	test "$(kv errors <out)" = 0 &&
	test "$(kv w <out)" = 640 && test "$(kv h <out)" = 480 &&
	test "$(kv q <out)" = 80 &&
	test "$(kv frames <out)" -ge 60 &&
	awk -v f="$(kv fps <out)" "BEGIN { exit !(f >= 25) }"
'

test_expect_success '/?action=stream is the same stream' '
	"$WSC" load -f 20 --decode "$BASE/?action=stream&quality=60" >out &&
	test "$(kv q <out)" = 60 &&
	test "$(kv invalid <out)" = 0
'

test_expect_success 'ffmpeg reads /stream and /?action=stream' '
	timeout 30 ffmpeg -nostdin -loglevel error -i "$BASE/stream" \
		-frames:v 30 -f null - &&
	timeout 30 ffmpeg -nostdin -loglevel error -i "$BASE/?action=stream" \
		-frames:v 30 -f null -
'

test_expect_success 'multipart head, and a Content-Length per part' '
	{ curl -s -D head -o s.bin --max-time 1 "$BASE/stream"; true; } &&
	ct=$(tr -d "\r" <head | sed -n "s/^[Cc]ontent-[Tt]ype: *//p") &&
	case $ct in multipart/x-mixed-replace*boundary=*) ;; *) false ;; esac &&
	b=${ct##*boundary=} &&
	test "$(head -c $((${#b} + 4)) s.bin | tr -d "\r\n")" = "--$b" &&
	test $(grep -a -c "^Content-Length: " s.bin) -ge 10 &&
	off=0 && i=0 &&
	while test $i -lt 8
	do
		off=$(part s.bin $off) && echo "part $i ends at $off" || return 1
		i=$((i + 1))
	done
'

test_expect_success '?quality=40 frames are smaller than ?quality=90' '
	"$WSC" load -f 15 "$BASE/stream?quality=40" >q40 &&
	"$WSC" load -f 15 "$BASE/stream?quality=90" >q90 &&
	test "$(kv q <q40)" = 40 && test "$(kv q <q90)" = 90 &&
	test "$(kv avg_size <q40)" -lt "$(kv avg_size <q90)"
'

test_expect_success '/snapshot is one JPEG at the asked quality' '
	curl -sf -D head -o snap.jpg "$BASE/snapshot?quality=50" &&
	tr -d "\r" <head | grep -i "^content-type: image/jpeg$" &&
	len=$(tr -d "\r" <head | sed -n "s/^[Cc]ontent-[Ll]ength: //p") &&
	test "$len" = "$(wc -c <snap.jpg)" &&
	test "$(hex snap.jpg 0 2)" = ffd8 &&
	test "$(hex snap.jpg $((len - 2)) 2)" = ffd9 &&
	test "$(com snap.jpg | kv q)" = 50 &&
	test "$(com snap.jpg | kv w)" = 640 &&
	"$WSC" load -f 1 --decode "$BASE/snapshot?quality=50" >out &&
	test "$(kv q <out)" = 50
'

test_expect_success '/?action=snapshot too' '
	curl -sf -D head -o snap.jpg "$BASE/?action=snapshot&quality=50" &&
	tr -d "\r" <head | grep -i "^content-type: image/jpeg$" &&
	len=$(wc -c <snap.jpg) &&
	test "$(hex snap.jpg 0 2)" = ffd8 &&
	test "$(hex snap.jpg $((len - 2)) 2)" = ffd9 &&
	test "$(com snap.jpg | kv q)" = 50 &&
	curl -sf -o snap.jpg "$BASE/?action=snapshot" &&
	test "$(com snap.jpg | kv q)" = 80
'

test_expect_success 'bad qualities are 400' '
	for u in "stream?quality=200" "stream?quality=abc" \
		"snapshot?quality=200" "snapshot?quality=abc" \
		"stream?quality=" "snapshot?quality=29" \
		"?action=stream&quality=200" "?action=snapshot&quality=abc"
	do
		test "$(code "$BASE/$u")" = 400 || { echo "not 400: $u"; return 1; }
	done &&
	curl -s "$BASE/stream?quality=abc" | grep "quality must be"
'

test_expect_success 'HEAD /stream sends the head only, then closes' '
	req "HEAD /stream HTTP/1.1\r\nHost: localhost\r\n\r\n" 5 >out &&
	test "$(status <out)" = "HTTP/1.1 200 OK" &&
	tr -d "\r" <out | grep -i "^content-type: multipart/x-mixed-replace" &&
	! grep -a -i "^content-type: image/jpeg" out &&
	test "$(tail -c 4 out | od -An -tx1 | tr -d " \n")" = 0d0a0d0a
'

test_expect_success '/state lists a streaming client and its encoder' '
	{ "$WSC" load -t 4 "$BASE/stream?quality=60" >bg.out & } &&
	state_until ".clients | map(select(.kind == \"mjpeg\" and
		.quality == 60 and .fps >= 20)) | length == 1" &&
	jq -e "[.encoder[].quality] == [60]" state.json &&
	jq -e ".encoder[0].clients == 1" state.json &&
	wait &&
	test "$(kv frames <bg.out)" -ge 90
'

test_expect_success 'only watched qualities are encoded, none when idle' '
	state_until ".encoder == [] and .clients == []" &&
	{ "$WSC" load -t 3 "$BASE/stream?quality=40" >a.out & } &&
	{ "$WSC" load -t 3 "$BASE/stream?quality=90" >b.out & } &&
	{ "$WSC" load -t 3 "$WSBASE/websocket/90" >c.out & } &&
	state_until "[.encoder[].quality] | sort == [40, 90]" &&
	jq -e ".encoder | map(select(.quality == 90))[0].clients == 2" \
		state.json &&
	wait &&
	state_until ".encoder == [] and .clients == []"
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_done
