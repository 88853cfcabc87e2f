#!/bin/sh
test_description='TLS in front: nginx (from Debian) with contrib/nginx-rerocctv.conf
and a throwaway self-signed certificate; the page over https, the stream
over wss at the source rate, MJPEG, login and Basic auth through the proxy,
the Secure cookie, the client address seen through X-Forwarded-For'
. "$(dirname "$0")/test-lib.sh"

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
test -x "$NGINX" || test_skip_all 'nginx is not installed (apt-get install nginx)'
command -v openssl >/dev/null 2>&1 || test_skip_all 'openssl is missing'
command -v socat >/dev/null 2>&1 || test_skip_all 'socat is missing'

# free_port: a port nothing listens on now.
free_port () {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + $$ % 20000))
}
# The contrib site, pointed at this test's server, port and certificate.
nginx_conf () {
	sed -e "s|server 127.0.0.1:6732;|server 127.0.0.1:$PORT;|" \
	    -e "s|listen 443 ssl;|listen 127.0.0.1:$NPORT ssl;|" \
	    -e "/listen \[::\]:443 ssl;/d" \
	    -e "s|server_name camera.example.org;|server_name localhost;|" \
	    -e "s|ssl_certificate .*;|ssl_certificate $TRASH/cert.pem;|" \
	    -e "s|ssl_certificate_key .*;|ssl_certificate_key $TRASH/key.pem;|" \
	    "$TOP/contrib/nginx-rerocctv.conf" >site.conf &&
	cat >nginx.conf <<-EOF
	daemon off;
	worker_processes 1;
	pid $TRASH/nginx.pid;
	error_log $TRASH/nginx.err warn;
	events { worker_connections 256; }
	http {
		access_log $TRASH/nginx.access;
		client_body_temp_path $TRASH/tmp-body;
		proxy_temp_path $TRASH/tmp-proxy;
		fastcgi_temp_path $TRASH/tmp-fcgi;
		uwsgi_temp_path $TRASH/tmp-uwsgi;
		scgi_temp_path $TRASH/tmp-scgi;
		include $TRASH/site.conf;
	}
	EOF
}
code () {
	curl -sk -o body.out -w "%{http_code}" --max-time 5 "$@"
}

test_expect_success 'a certificate, accounts, rerocctv behind nginx' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
		-keyout key.pem -out cert.pem 2>/dev/null &&
	printf "alicepass1\n" | "$RR" passwd users alice --role admin &&
	printf "bobpass12\n" | "$RR" passwd users bob &&
	start_server --source test --size 640x480 --fps 30 --auth-file users \
		--trust-proxy 127.0.0.1 &&
	NPORT=$(free_port) &&
	nginx_conf &&
	"$NGINX" -t -c "$TRASH/nginx.conf" -p "$TRASH" 2>nginx.t &&
	{ "$NGINX" -c "$TRASH/nginx.conf" -p "$TRASH" 2>>nginx.err & } &&
	test_atexit "kill \$(cat \"$TRASH/nginx.pid\" 2>/dev/null) 2>/dev/null; true" &&
	n=50 &&
	until curl -sk -o /dev/null "https://127.0.0.1:$NPORT/" || test $n = 0
	do
		sleep 0.1
		n=$((n - 1))
	done &&
	HTTPS=https://127.0.0.1:$NPORT
'

test_expect_success 'the page over https' '
	test "$(code "$HTTPS/")" = 200 &&
	grep -i "<html" body.out
'

test_expect_success 'Basic auth through the proxy; nobody gets 401' '
	test "$(code "$HTTPS/state")" = 401 &&
	test "$(code -u bob:bobpass12 "$HTTPS/state")" = 200 &&
	jq -e ".source.w == 640" body.out
'

test_expect_success 'login through the proxy sets a Secure cookie' '
	curl -sk -D head -o body.out -c jar -H "Content-Type: application/json" \
		-H "Origin: $HTTPS" \
		-d "{\"user\":\"alice\",\"password\":\"alicepass1\"}" "$HTTPS/login" &&
	tr -d "\r" <head | grep "^Set-Cookie: rerocctv_session=[0-9a-f]\{32\}; Path=/; Max-Age=[0-9]*; HttpOnly; SameSite=Strict; Secure$" &&
	test "$(code -b jar "$HTTPS/metrics")" = 200 &&
	curl -s -D head -o /dev/null -H "Content-Type: application/json" \
		-d "{\"user\":\"alice\",\"password\":\"alicepass1\"}" "$BASE/login" &&
	tr -d "\r" <head | grep "^Set-Cookie:" >plain &&
	! grep Secure plain
'

test_expect_success 'MJPEG through the proxy, unbuffered' '
	{ curl -sk -u bob:bobpass12 --max-time 3 -o mjpeg.out "$HTTPS/stream?quality=50"; true; } &&
	n=$(grep -ac "^--rerocctvframe" mjpeg.out) &&
	echo "$n parts in 3 s" &&
	test "$n" -ge 60
'

test_expect_success 'wss at the source rate, from 127.0.0.2, which the server sees' '
	TPORT=$(free_port) &&
	{ socat TCP-LISTEN:$TPORT,bind=127.0.0.1,reuseaddr,fork \
		OPENSSL:127.0.0.1:$NPORT,verify=0,bind=127.0.0.2 & } &&
	socat_pid=$! &&
	test_atexit "kill $socat_pid 2>/dev/null; true" &&
	sleep 0.3 &&
	"$WSC" load -t 4 "ws://bob:bobpass12@127.0.0.1:$TPORT/websocket/80" >wss &&
	cat wss &&
	test "$(kv errors <wss)" = 0 &&
	kv fps <wss | between 27 33 &&
	grep "127.0.0.2: bob: websocket q80 started" server.log
'

test_expect_success 'X-Forwarded-For from anyone but the proxy is ignored' '
	curl -s -o /dev/null --max-time 1 --interface 127.0.0.2 \
		-u bob:bobpass12 -H "X-Forwarded-For: 6.6.6.6" \
		-H "X-Forwarded-Proto: https" "$BASE/stream?quality=35";
	grep "127.0.0.2: bob: mjpeg q35 started" server.log &&
	! grep "6.6.6.6" server.log
'

test_expect_success 'SIGTERM stops the server cleanly' '
	stop_server
'

test_done
