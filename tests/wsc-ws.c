/* wsc-ws.c: `wsclient ws`: one WebSocket connection that sends the frames
 * its SPECs say, well-formed or not, and prints each event. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wsclient.h"

enum { SP_FRAME, SP_RAW, SP_SLEEP };

struct spec {
	int kind, b0, masked;
	long ms;
	struct buf data;
};

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int payload_parse(const char *s, struct buf *b)
{
	if (strncmp(s, "x:", 2) == 0) {
		for (s += 2; *s; s += 2) {
			int hi = hexval(s[0]), lo = hi < 0 ? -1 :
						    hexval(s[1]);
			unsigned char ch;

			if (hi < 0 || lo < 0)
				return -1;
			ch = (unsigned char)(hi << 4 | lo);
			buf_add(b, &ch, 1);
		}
	} else if (s[0] == '*') {
		long n = arg_long(s + 1, 0);

		memset(buf_room(b, (size_t)n), 'A', (size_t)n);
		b->len += (size_t)n;
	} else if (s[0] == '#') {
		char *end;
		long code = strtol(s + 1, &end, 10);
		unsigned char p[2] = { (unsigned char)(code >> 8),
				       (unsigned char)code };

		if (end == s + 1 || code < 0 || code > 65535 ||
		    (*end && *end != ':'))
			return -1;
		buf_add(b, p, 2);
		if (*end)
			buf_add(b, end + 1, strlen(end + 1));
	} else {
		if (s[0] == '=')
			s++;
		buf_add(b, s, strlen(s));
	}
	return 0;
}

static int spec_parse(const char *s, struct spec *sp)
{
	static const struct {
		const char *name;
		int op;
	} ops[] = { { "cont", 0 }, { "text", 1 }, { "bin", 2 },
		    { "binary", 2 }, { "close", 8 }, { "ping", 9 },
		    { "pong", 10 } };
	int fin = 0x80, rsv = 0, op = -1;
	size_t n, i;

	memset(sp, 0, sizeof(*sp));
	sp->masked = 1;
	if (strncmp(s, "sleep:", 6) == 0) {
		sp->kind = SP_SLEEP;
		sp->ms = arg_long(s + 6, 0);
		return 0;
	}
	if (strncmp(s, "raw:", 4) == 0) {
		sp->kind = SP_RAW;
		return payload_parse(s + 4, &sp->data);
	}
	for (;;) {
		if (*s == 'f') {
			fin = 0;
			s++;
		} else if (*s == 'u') {
			sp->masked = 0;
			s++;
		} else if (*s == 'r' && s[1] >= '1' && s[1] <= '3') {
			rsv |= 0x40 >> (s[1] - '1');
			s += 2;
		} else {
			break;
		}
	}
	n = strcspn(s, ":");
	for (i = 0; i < LEN(ops); i++)
		if (strlen(ops[i].name) == n && !strncmp(s, ops[i].name, n))
			op = ops[i].op;
	if (op < 0 && n > 0 && n <= 2 && strspn(s, "0123456789") == n) {
		op = atoi(s);
		if (op > 15)
			return -1;
	}
	if (op < 0)
		return -1;
	sp->kind = SP_FRAME;
	sp->b0 = fin | rsv | op;
	return s[n] ? payload_parse(s + n + 1, &sp->data) : 0;
}

/* Prints a non-101 response: headers (CR stripped), blank, body. */
static void print_response(struct conn *c, const unsigned char *body,
			   size_t n)
{
	const char *h = strstr(c->head, "\r\n") + 2, *e;

	printf("status %d\n", c->status);
	while ((e = strstr(h, "\r\n")) && e != h) {
		printf("%.*s\n", (int)(e - h), h);
		h = e + 2;
	}
	printf("\n");
	fwrite(body, 1, n, stdout);
}

int cmd_ws(int argc, char **argv)
{
	struct url u;
	struct addrinfo *ai;
	struct conn c;
	struct spec *specs;
	struct pollfd pf;
	int64_t now, deadline, resume = 0;
	const char *url = NULL;
	int i, nspec = 0, next = 0, failed = 0;
	long long body_left = -1;
	char v[64];

	o.T = 5;
	o.verbose = 1;
	specs = calloc((size_t)argc, sizeof(*specs));
	if (!specs)
		die("out of memory");
	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!url && !strcmp(a, "--no-pong")) {
			o.no_pong = 1;
		} else if (!url && common_opt(argc, argv, &i)) {
			char *val = argv[++i];
			if (!strcmp(a, "-T"))
				o.T = arg_double(val);
			else if (!strcmp(a, "--frames"))
				o.wait_frames = arg_long(val, 0);
			else if (!strcmp(a, "--origin"))
				o.origin = val;
			else if (!strcmp(a, "-H"))
				o.header = val;
			else if (!strcmp(a, "--protocol"))
				o.protocol = val;
			else
				bad_usage();
		} else if (!url) {
			if (a[0] == '-')
				bad_usage();
			url = a;
		} else if (spec_parse(a, &specs[nspec++]) < 0) {
			die("bad SPEC: %s (see wsclient -h)", a);
		}
	}
	if (!url || url_parse(url, &u) < 0 || !u.ws)
		bad_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ai = resolve(u.host, u.port);
	memset(&c, 0, sizeof(c));
	c.ws = 1;
	c.state = S_HEAD;
	c.fd = tcp_connect(ai);
	if (c.fd < 0)
		die("connect %s:", u.hostport);
	freeaddrinfo(ai);
	conn_request(&c, &u);
	deadline = now_us(CLOCK_MONOTONIC) + (int64_t)(o.T * 1e6);
	for (;;) {
		now = now_us(CLOCK_MONOTONIC);
		/* Queue SPECs whose turn has come. */
		while (c.state == S_STREAM && !c.got_close && next < nspec &&
		       c.binaries >= (uint64_t)o.wait_frames &&
		       now >= resume && c.out.off == c.out.len) {
			struct spec *sp = &specs[next++];

			if (sp->kind == SP_SLEEP) {
				resume = now + sp->ms * 1000;
			} else if (sp->kind == SP_RAW) {
				buf_add(&c.out, sp->data.p, sp->data.len);
			} else {
				ws_put(&c.out, sp->b0, sp->masked, sp->data.p,
				       sp->data.len);
				if ((sp->b0 & 0x0f) == 8)
					c.sent_close = 1;
			}
		}
		if (now >= deadline) {
			printf("timeout\n");
			break;
		}
		pf.fd = c.fd;
		pf.events = POLLIN | (c.out.off < c.out.len ? POLLOUT : 0);
		i = (int)((deadline - now + 999) / 1000);
		if (next < nspec && resume > now)
			i = MIN(i, (int)((resume - now + 999) / 1000));
		if (poll(&pf, 1, i) < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		if (pf.revents & POLLOUT)
			conn_flush(&c);
		if (!(pf.revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		if (c.state == S_HEAD) {
			ssize_t r = recv(c.fd, scratch, sizeof(scratch), 0);
			size_t prev = c.headlen;

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				printf(c.headlen ? "error truncated response\n"
				       : "error no response\n");
				failed = 1;
				break;
			}
			conn_input(&c, scratch, (size_t)r);
			if (c.state == S_DONE) {
				failed = 1;
				break;
			}
			if (c.state == S_HEAD && c.status && c.status != 101) {
				size_t used = c.headlen - prev;

				print_response(&c, scratch + used,
					       (size_t)r - used);
				if (head_get(c.head, "Content-Length", v,
					     sizeof(v)) == 0)
					body_left = strtoll(v, NULL, 10) -
						    (long long)((size_t)r -
								used);
				c.state = S_DONE;
			}
			if (c.state == S_DONE && body_left == 0)
				break;
			continue;
		}
		if (c.state == S_DONE) {	/* body of a non-101 */
			ssize_t r = recv(c.fd, scratch, sizeof(scratch), 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			fwrite(scratch, 1, (size_t)r, stdout);
			if (body_left > 0 && (body_left -= r) <= 0)
				break;
			continue;
		}
		i = (int)conn_read(&c);
		if (c.fd < 0) {
			failed = 1;
			break;
		}
		if (i == 0) {
			conn_flush(&c);
			printf("eof\n");
			break;
		}
		if (c.out.off < c.out.len)
			conn_flush(&c);
	}
	fflush(stdout);
	if (c.fd >= 0)
		close(c.fd);
	conn_free(&c);
	for (i = 0; i < nspec; i++)
		free(specs[i].data.p);
	free(specs);
	return failed;
}
