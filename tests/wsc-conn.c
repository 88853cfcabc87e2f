/* wsc-conn.c: a client connection up to its stream: the URL, the socket,
 * the request, the response head checked, then bytes read and written.
 * What the stream carries is wsc-stream.c's. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base64.h"
#include "sha1.h"
#include "wsclient.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

static int nerrmsg;

/* --- URLs and sockets --- */

int url_parse(const char *s, struct url *u)
{
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "ws://", 5) == 0) {
		u->ws = 1;
		s += 5;
	} else if (strncmp(s, "http://", 7) == 0) {
		s += 7;
	} else {
		return -1;
	}
	/* user:pass@ before the host: Basic credentials. */
	n = strcspn(s, "/@");
	if (s[n] == '@') {
		if (n >= 256)
			return -1;
		base64_encode(s, n, u->auth);
		s += n + 1;
	}
	n = strcspn(s, ":/");
	if (n == 0 || n >= sizeof(u->host))
		return -1;
	memcpy(u->host, s, n);
	s += n;
	strcpy(u->port, "80");
	if (*s == ':') {
		n = strcspn(++s, "/");
		if (n == 0 || n >= sizeof(u->port))
			return -1;
		memcpy(u->port, s, n);
		u->port[n] = '\0';
		s += n;
	}
	if (snprintf(u->path, sizeof(u->path), "%s", *s ? s : "/") >=
	    (int)sizeof(u->path))
		return -1;
	snprintf(u->hostport, sizeof(u->hostport), "%s:%s", u->host, u->port);
	return 0;
}

struct addrinfo *resolve(const char *host, const char *port)
{
	struct addrinfo hints, *ai;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, port, &hints, &ai);
	if (r != 0)
		die("%s:%s: %s", host, port, gai_strerror(r));
	return ai;
}

int tcp_connect(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

	if (fd < 0)
		return -1;
	if (o.rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o.rcvbuf,
			   sizeof(o.rcvbuf));
	if (o.bind) {
		struct addrinfo hints, *b;

		memset(&hints, 0, sizeof(hints));
		hints.ai_family = ai->ai_family;
		hints.ai_flags = AI_NUMERICHOST;
		if (getaddrinfo(o.bind, NULL, &hints, &b) != 0)
			die("--bind %s: not an address of the server's family",
			    o.bind);
		if (bind(fd, b->ai_addr, b->ai_addrlen) != 0)
			die("bind %s:", o.bind);
		freeaddrinfo(b);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
	     errno != EINPROGRESS)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* --- connection state --- */

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = S_DONE;
}

void conn_error(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	if (o.verbose)
		printf("error %s\n", c->err);
	else if (nerrmsg++ < 10)
		fprintf(stderr, "wsclient: client %d: %s\n", c->id, c->err);
}

void conn_request(struct conn *c, const struct url *u)
{
	unsigned char k[16];
	char req[4096];
	size_t i;
	int n;

	for (i = 0; i < sizeof(k); i++)
		k[i] = (unsigned char)rng();
	base64_encode(k, sizeof(k), c->key);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n",
		     u->path, u->hostport);
	if (u->ws)
		n += snprintf(req + n, sizeof(req) - n,
			      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			      "Sec-WebSocket-Key: %s\r\n"
			      "Sec-WebSocket-Version: 13\r\n", c->key);
	if (o.origin)
		n += snprintf(req + n, sizeof(req) - n, "Origin: %s\r\n",
			      o.origin);
	if (u->auth[0])
		n += snprintf(req + n, sizeof(req) - n,
			      "Authorization: Basic %s\r\n", u->auth);
	if (o.header)
		n += snprintf(req + n, sizeof(req) - n, "%s\r\n", o.header);
	if (o.protocol && u->ws)
		n += snprintf(req + n, sizeof(req) - n,
			      "Sec-WebSocket-Protocol: %s\r\n", o.protocol);
	n += snprintf(req + n, sizeof(req) - n, "\r\n");
	if (n >= (int)sizeof(req))
		die("request too long");
	buf_add(&c->out, req, (size_t)n);
}

int conn_flush(struct conn *c)
{
	while (c->out.off < c->out.len) {
		ssize_t w = send(c->fd, c->out.p + c->out.off,
				 c->out.len - c->out.off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w < 0 && o.verbose) {
			/* The peer may have closed: drop the output and
			 * still read what it sent. */
			c->out.off = c->out.len;
			return 0;
		}
		if (w < 0) {
			conn_fail(c, "write: %s", strerror(errno));
			return -1;
		}
		c->out.off += (size_t)w;
	}
	return 0;
}

/* --- response heads --- */

int head_get(const char *head, const char *name, char *out, size_t outsz)
{
	const char *line = strstr(head, "\r\n"), *end, *colon, *v;
	size_t nl = strlen(name), vl;

	while (line) {
		line += 2;
		end = strstr(line, "\r\n");
		if (!end || end == line)
			break;
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon && (size_t)(colon - line) == nl &&
		    strncasecmp(line, name, nl) == 0) {
			for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
				;
			vl = (size_t)(end - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= outsz)
				vl = outsz - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		line = end;
	}
	return -1;
}

/* Is tok one of the comma-separated tokens of list (case-insensitive)? */
static int has_token(const char *list, const char *tok)
{
	size_t tl = strlen(tok), n;

	while (*list) {
		list += strspn(list, " \t,");
		n = strcspn(list, ",");
		while (n && (list[n - 1] == ' ' || list[n - 1] == '\t'))
			n--;
		if (n == tl && strncasecmp(list, tok, tl) == 0)
			return 1;
		list += strcspn(list, ",");
	}
	return 0;
}

/* Extracts the boundary parameter of a multipart Content-Type. */
static int get_boundary(const char *ct, char *out, size_t outsz)
{
	const char *p = strchr(ct, ';');
	size_t n;

	while (p) {
		p += 1 + strspn(p + 1, " \t");
		if (strncasecmp(p, "boundary=", 9) == 0) {
			p += 9;
			if (*p == '"') {
				n = strcspn(++p, "\"");
			} else {
				n = strcspn(p, "; \t");
			}
			if (n == 0 || n >= outsz)
				return -1;
			memcpy(out, p, n);
			out[n] = '\0';
			return 0;
		}
		p = strchr(p, ';');
	}
	return -1;
}

/* Checks a complete response head; 0 when streaming may start. */
static int head_check(struct conn *c)
{
	char v[256], want[BASE64_LEN(20) + 1], kg[96];
	unsigned char d[20];

	if (c->ws) {
		if (c->status != 101) {
			conn_fail(c, "handshake status %d", c->status);
			return -1;
		}
		snprintf(kg, sizeof(kg), "%s%s", c->key, WS_GUID);
		sha1(kg, strlen(kg), d);
		base64_encode(d, sizeof(d), want);
		if (head_get(c->head, "Upgrade", v, sizeof(v)) < 0 ||
		    !has_token(v, "websocket")) {
			conn_fail(c, "no Upgrade: websocket");
			return -1;
		}
		if (head_get(c->head, "Connection", v, sizeof(v)) < 0 ||
		    !has_token(v, "upgrade")) {
			conn_fail(c, "no Connection: upgrade");
			return -1;
		}
		if (head_get(c->head, "Sec-WebSocket-Accept", v,
			     sizeof(v)) < 0 || strcmp(v, want) != 0) {
			conn_fail(c, "bad Sec-WebSocket-Accept");
			return -1;
		}
		c->hneed = 2;
		return 0;
	}
	if (c->status != 200) {
		conn_fail(c, "status %d", c->status);
		return -1;
	}
	if (head_get(c->head, "Transfer-Encoding", v, sizeof(v)) == 0) {
		if (!has_token(v, "chunked")) {
			conn_fail(c, "Transfer-Encoding %s", v);
			return -1;
		}
		c->chunked = 1;
	}
	if (head_get(c->head, "Content-Type", v, sizeof(v)) < 0) {
		conn_fail(c, "no Content-Type");
		return -1;
	}
	if (strncasecmp(v, "image/jpeg", 10) == 0) {
		if (head_get(c->head, "Content-Length", kg, sizeof(kg)) < 0) {
			conn_fail(c, "image/jpeg without Content-Length");
			return -1;
		}
		c->single = 1;
		c->clen = strtoll(kg, NULL, 10);
		c->mstate = M_BODY;
		c->msize = c->jheadlen = c->fulllen = 0;
		return 0;
	}
	if (strncasecmp(v, "multipart/x-mixed-replace", 25) != 0 ||
	    get_boundary(v, c->boundary, sizeof(c->boundary)) < 0) {
		conn_fail(c, "bad Content-Type: %s", v);
		return -1;
	}
	c->mstate = M_BOUNDARY;
	return 0;
}

/* --- reading --- */

void conn_input(struct conn *c, const unsigned char *p, size_t n)
{
	if (c->state == S_HEAD) {
		size_t k = MIN(n, HEAD_MAX - c->headlen), prev = c->headlen;
		char *e;

		memcpy(c->head + c->headlen, p, k);
		c->headlen += k;
		c->head[c->headlen] = '\0';
		e = strstr(c->head, "\r\n\r\n");
		if (!e) {
			if (c->headlen == HEAD_MAX)
				conn_fail(c, "response head too long");
			return;
		}
		c->headlen = (size_t)(e + 4 - c->head);
		c->head[c->headlen] = '\0';
		p += c->headlen - prev;
		n -= c->headlen - prev;
		if (sscanf(c->head, "HTTP/1.%*d %d", &c->status) != 1) {
			conn_fail(c, "bad status line");
			return;
		}
		if (o.verbose && c->status != 101)
			return;		/* cmd_ws prints the rest */
		if (o.verbose)
			printf("status 101\n");
		if (head_check(c) < 0)
			return;
		c->state = S_STREAM;
		c->connected = 1;
		if (o.verbose) {
			char v[256];

			if (head_get(c->head, "Sec-WebSocket-Protocol", v,
				     sizeof(v)) == 0)
				printf("protocol %s\n", v);
		}
		if (o.stall)
			return;
	}
	if (c->ws)
		ws_feed(c, p, n);
	else if (c->chunked)
		chunked_feed(c, p, n);
	else
		mjpeg_feed(c, p, n);
	if (!c->ws && c->mstate == M_END && c->state == S_STREAM) {
		if (o.frames > 0 && c->frames < (uint64_t)o.frames &&
		    !c->single)
			conn_fail(c, "stream ended after %llu frames",
				  (unsigned long long)c->frames);
		else
			conn_close(c);
	}
}

int may_read(struct conn *c, int64_t now)
{
	if (o.rate <= 0)
		return 1;
	if (c->t_tokens)
		c->tokens += o.rate * (double)(now - c->t_tokens) / 1e6;
	c->t_tokens = now;
	/* At most a tenth of a second's worth at once. */
	if (c->tokens > o.rate / 10)
		c->tokens = o.rate / 10;
	return c->tokens >= 1;
}

ssize_t conn_read(struct conn *c)
{
	size_t want = sizeof(scratch);
	ssize_t r;

	if (o.rate > 0 && c->tokens >= 1 && c->tokens < (double)want)
		want = (size_t)c->tokens;
	do
		r = recv(c->fd, scratch, want, 0);
	while (r < 0 && errno == EINTR);
	if (r > 0 && o.rate > 0)
		c->tokens -= (double)r;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 1;
	if (r < 0 && errno != ECONNRESET) {
		conn_fail(c, "read: %s", strerror(errno));
		return -1;
	}
	if (r > 0)
		conn_input(c, scratch, (size_t)r);
	return r < 0 ? 0 : r;
}

/* --- closing --- */

void begin_close(struct conn *c)
{
	if (c->state == S_DONE || c->state == S_CLOSING)
		return;
	if (c->state == S_CONNECT || c->state == S_HEAD) {
		conn_fail(c, "no handshake response");
		return;
	}
	if (o.frames > 0 && c->frames < (uint64_t)o.frames && !o.stall) {
		conn_fail(c, "only %llu of %ld frames",
			  (unsigned long long)c->frames, o.frames);
		return;
	}
	if (c->ws && !o.stall && !c->sent_close) {
		ws_put_close(&c->out, 1000);
		c->sent_close = 1;
		c->state = S_CLOSING;
		return;
	}
	conn_close(c);
}

void conn_free(struct conn *c)
{
	free(c->out.p);
	free(c->text);
	free(c->full);
	free(c->lat);
}
