#!/bin/sh
test_description='TLS in front: nginx and Caddy (both from Debian) with
contrib/nginx-rerocctv.conf and contrib/Caddyfile and a throwaway
self-signed certificate; through each, the page over https, the stream
over wss at the source rate, MJPEG, login and Basic auth, the Secure
cookie, the client address seen through X-Forwarded-For'
. "$(dirname "$0")/test-lib.sh"

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
CADDY=$(command -v caddy || echo /usr/bin/caddy)
test -x "$NGINX" || test -x "$CADDY" ||
	test_skip_all 'neither nginx nor caddy is installed (sh tests/deps.sh)'
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
# The contrib Caddyfile, the same way: its site on this test's port
# (by name and by address; an address sends no SNI, default_sni answers
# it) with the throwaway certificate, no admin port, no redirect
# listener on :80, state kept in the trash directory.
caddy_conf () {
	cat >Caddyfile <<-EOF &&
	{
		admin off
		auto_https disable_redirects
		skip_install_trust
		default_sni localhost
		storage file_system $TRASH/caddy
	}
	EOF
	sed -e "s|^camera.example.org {|https://localhost:$CPORT, https://127.0.0.1:$CPORT {\\
	tls $TRASH/cert.pem $TRASH/key.pem|" \
	    -e "s|reverse_proxy 127.0.0.1:6732|reverse_proxy 127.0.0.1:$PORT|" \
	    "$TOP/contrib/Caddyfile" >>Caddyfile
}
code () {
	curl -sk -o body.out -w "%{http_code}" --max-time 5 "$@"
}
# up URL: until the proxy answers.
up () {
	up_n=200	# 20 s: a busy machine starts Caddy slowly
	until curl -sk -o /dev/null "$1/" || test $up_n = 0
	do
		sleep 0.1
		up_n=$((up_n - 1))
	done
	curl -sk -o /dev/null "$1/"
}

test_expect_success 'a certificate, accounts, rerocctv' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout key.pem -out cert.pem 2>/dev/null &&
	printf "alicepass1\n" | "$RR" passwd users alice --role admin &&
	printf "bobpass12\n" | "$RR" passwd users bob &&
	start_server --source test --size 640x480 --fps 30 --auth-file users \
		--trust-proxy 127.0.0.1
'

PROXIES=
if test -x "$NGINX"
then
	PROXIES=nginx
	test_expect_success 'nginx in front, with the contrib site' '
		NPORT=$(free_port) &&
		nginx_conf &&
		"$NGINX" -t -c "$TRASH/nginx.conf" -p "$TRASH" 2>nginx.t &&
		{ "$NGINX" -c "$TRASH/nginx.conf" -p "$TRASH" 2>>nginx.err & } &&
		test_atexit "kill \$(cat \"$TRASH/nginx.pid\" 2>/dev/null) 2>/dev/null; true" &&
		URL_nginx=https://127.0.0.1:$NPORT &&
		up $URL_nginx
	'
else
	say "nginx is not installed: only Caddy is tried"
fi
if test -x "$CADDY"
then
	PROXIES="$PROXIES caddy"
	test_expect_success 'Caddy in front, with the contrib Caddyfile' '
		CPORT=$(free_port) &&
		caddy_conf &&
		cat Caddyfile &&
		{ XDG_DATA_HOME=$TRASH XDG_CONFIG_HOME=$TRASH HOME=$TRASH \
			"$CADDY" run --config Caddyfile --adapter caddyfile \
			>caddy.log 2>&1 & } &&
		caddy_pid=$! &&
		test_atexit "kill $caddy_pid 2>/dev/null; true" &&
		URL_caddy=https://127.0.0.1:$CPORT &&
		up $URL_caddy
	'
else
	say "caddy is not installed: only nginx is tried"
fi

# The same checks through each proxy; each uses its own qualities, so
# the server log tells them apart.
q=40
for proxy in $PROXIES
do
eval "HTTPS=\$URL_$proxy"
q=$((q + 5))

test_expect_success "$proxy: the page over https" '
	test "$(code "$HTTPS/")" = 200 &&
	grep -i "<html" body.out
'

test_expect_success "$proxy: Basic auth; nobody gets 401" '
	test "$(code "$HTTPS/state")" = 401 &&
	test "$(code -u bob:bobpass12 "$HTTPS/state")" = 200 &&
	jq -e ".source.w == 640" body.out
'

test_expect_success "$proxy: login sets a Secure cookie" '
	curl -sk -D head -o body.out -c jar -H "Content-Type: application/json" \
		-H "Origin: $HTTPS" \
		-d "{\"user\":\"alice\",\"password\":\"alicepass1\"}" "$HTTPS/login" &&
	tr -d "\r" <head | grep -i "^Set-Cookie: rerocctv_session=[0-9a-f]\{32\}; Path=/; Max-Age=[0-9]*; HttpOnly; SameSite=Strict; Secure$" &&
	test "$(code -b jar "$HTTPS/metrics")" = 200 &&
	curl -s -D head -o /dev/null -H "Content-Type: application/json" \
		-d "{\"user\":\"alice\",\"password\":\"alicepass1\"}" "$BASE/login" &&
	tr -d "\r" <head | grep "^Set-Cookie:" >plain &&
	! grep Secure plain
'

test_expect_success "$proxy: MJPEG, unbuffered" '
	{ curl -sk -u bob:bobpass12 --max-time 3 -o mjpeg.out "$HTTPS/stream?quality=$q"; true; } &&
	n=$(grep -ac "^--rerocctvframe" mjpeg.out) &&
	echo "$n parts in 3 s" &&
	test "$n" -ge 60
'

test_expect_success "$proxy: wss at the source rate, from 127.0.0.2, which the server sees" '
	TPORT=$(free_port) &&
	{ socat TCP-LISTEN:$TPORT,bind=127.0.0.1,reuseaddr,fork \
		OPENSSL:${HTTPS#https://},verify=0,bind=127.0.0.2 & } &&
	socat_pid=$! &&
	test_atexit "kill $socat_pid 2>/dev/null; true" &&
	sleep 0.3 &&
	"$WSC" load -t 4 "ws://bob:bobpass12@127.0.0.1:$TPORT/websocket/$q" >wss &&
	cat wss &&
	test "$(kv errors <wss)" = 0 &&
	kv fps <wss | between 27 33 &&
	grep "127.0.0.2: bob: websocket q$q started" server.log
'

done

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
