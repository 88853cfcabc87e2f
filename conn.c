/* conn.c: one client socket: its phase and the deadline the phase gives
 * meaning to, bounded input, the output queue, what follows a response,
 * and the lingering close. Poll thread only; every read and write is
 * non-blocking and every buffer bounded. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "util.h"

enum { LINGER_US = 2000000 };	/* drain their side after our last byte */

static int64_t secs_us(int s)
{
	return (int64_t)s * 1000000;
}

static void enter(struct conn *c, enum conn_phase ph)
{
	c->phase = ph;
	c->since = c->env->now;
}

struct conn *conn_new(struct conn_env *env, int fd, const struct peer *p)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->env = env;
	c->fd = fd;
	c->peer = *p;
	snprintf(c->client.addr, sizeof(c->client.addr), "%s", p->addr);
	memcpy(c->client.key, p->key, sizeof(c->client.key));
	enter(c, PH_HEAD);
	c->t_start = env->now;
	c->deadline = env->now + secs_us(env->cfg->timeout_s);
	return c;
}

static void msg_release(struct conn_msg *m)
{
	if (m->used && m->release)
		m->release(m->owner);
	memset(m, 0, sizeof(*m));
}

void conn_free(struct conn *c)
{
	if (!c)
		return;
	msg_release(&c->msg[0]);
	msg_release(&c->msg[1]);
	obuf_free(&c->out);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

int conn_has_output(const struct conn *c)
{
	return obuf_pending(&c->out) || c->msg[0].used;
}

size_t conn_backlog(const struct conn *c)
{
	size_t n = obuf_pending(&c->out);
	int i;

	for (i = 0; i < 2; i++) {
		const struct conn_msg *m = &c->msg[i];

		if (m->used)
			n += m->headlen + m->bodylen + (m->crlf ? 2 : 0) -
			     m->off;
	}
	return n;
}

/* Input */

/* Does the phase keep what arrives (to parse it) or discard it? */
static int keeps_input(const struct conn *c)
{
	switch (c->phase) {
	case PH_HEAD:
	case PH_WAIT:
		return 1;
	case PH_RESPOND:
		return c->after == AFTER_NEXT;	/* pipelined requests */
	case PH_STREAM:
		return c->st_reads && c->after != AFTER_CLOSE;
	default:
		return 0;
	}
}

short conn_events(const struct conn *c)
{
	short ev = 0;

	/* Requests are not read while the answers to earlier ones back up.
	 * A stream's input is read however far its frames are backed up:
	 * what a client's messages can make us send is bounded already (one
	 * pending pong, one close, error replies rate-limited), and its
	 * pongs and closes must be seen while frames still wait. */
	if (!c->eof && (!keeps_input(c) || (c->inlen < sizeof(c->in) &&
	    (c->phase == PH_STREAM || conn_backlog(c) <= CONN_BACKLOG))))
		ev |= POLLIN;
	if (c->phase != PH_WAIT && (obuf_pending(&c->out) || (c->msg[0].used &&
	    (c->msg[0].off || c->pace.until <= c->env->now))))
		ev |= POLLOUT;
	return ev;
}

int conn_read(struct conn *c)
{
	for (;;) {
		unsigned char sink[4096];
		int keep = keeps_input(c);
		unsigned char *dst = keep ? c->in + c->inlen : sink;
		size_t room = keep ? sizeof(c->in) - c->inlen : sizeof(sink);
		ssize_t n;

		if (room == 0)
			return 0;	/* parsing will make room */
		n = read(c->fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (n == 0) {
			c->eof = 1;
			/* A request may still be answered; a stream, an idle
			 * connection and a linger are over. */
			return c->phase == PH_STREAM || c->phase == PH_LINGER ||
			       (c->phase == PH_HEAD && c->inlen == 0) ? -1 : 0;
		}
		if (!keep)
			continue;
		/* The first byte of a head starts its time limit. */
		if (c->phase == PH_HEAD && c->inlen == 0)
			c->deadline = c->env->now + secs_us(c->env->cfg->timeout_s);
		c->inlen += (size_t)n;
		return 0;
	}
}

void conn_consume(struct conn *c, size_t n)
{
	if (n > c->inlen)
		n = c->inlen;
	memmove(c->in, c->in + n, c->inlen - n);
	c->inlen -= n;
}

int conn_head(struct conn *c, struct http_req *r)
{
	int n;

	if (c->phase != PH_HEAD)
		return 0;
	n = c->inlen ? http_parse((const char *)c->in, c->inlen, r) : 0;
	if (n == 0)
		return c->eof ? -1 : 0;
	if (n < 0) {
		conn_error(c, -n, 0, n == -431 ? "request head too large" :
			   n == -414 ? "request line too long" :
			   n == -413 ? "request body too large" : NULL, NULL);
		return 0;
	}
	if (c->inlen - (size_t)n < r->content_length)
		return c->eof ? -1 : 0;		/* the body is on its way */
	r->body = (const char *)c->in + n;
	n += (int)r->content_length;
	return n;
}

/* Responses */

/* "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7), once a second. */
static const char *http_date(void)
{
	static char buf[40];
	static time_t last = -1;
	time_t t = time(NULL);
	struct tm tm;

	if (t != last && gmtime_r(&t, &tm)) {
		strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		last = t;
	}
	return buf;
}

void conn_begin(struct conn *c, int status, enum conn_after after)
{
	if (after == AFTER_NEXT && c->env->stopping)
		after = AFTER_CLOSE;
	c->after = after;
	enter(c, after == AFTER_STREAM ? PH_STREAM : PH_RESPOND);
	c->deadline = 0;
	obuf_printf(&c->out, "HTTP/1.1 %d %s\r\nDate: %s\r\n"
		    "Server: rerocctv\r\n", status, http_reason(status),
		    http_date());
	c->held = 0;
}

void conn_header(struct conn *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Callers pass short lines; a longer one is a bug, not input. */
	if (n < 0 || (size_t)n >= sizeof(line))
		abort();
	obuf_put(&c->out, line, (size_t)n);
}

/* Puts m in the first free slot (a response body: both are free). */
static void enqueue(struct conn *c, const struct conn_msg *m)
{
	struct conn_msg *slot = &c->msg[c->msg[0].used ? 1 : 0];

	msg_release(slot);
	*slot = *m;
	slot->used = 1;
	slot->off = 0;
}

void conn_end(struct conn *c, const void *body, size_t len,
	      void (*release)(void *), void *owner)
{
	struct conn_msg m;

	if (c->after != AFTER_STREAM)
		conn_header(c, "Content-Length: %zu\r\n", len);
	if (c->after == AFTER_NEXT)
		conn_header(c, "Connection: keep-alive\r\n");
	else if (c->after == AFTER_CLOSE)
		conn_header(c, "Connection: close\r\n");
	obuf_put(&c->out, "\r\n", 2);
	if (!body || len == 0) {
		if (release)
			release(owner);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.body = body;
	m.bodylen = len;
	m.release = release;
	m.owner = owner;
	enqueue(c, &m);
}

void conn_error(struct conn *c, int status, int how, const char *why,
		const char *extra)
{
	char *body = malloc(256);
	int n, keep = how & CONN_KEEP;

	if (status == 400 || status == 408 || status == 413 ||
	    status == 414 || status == 431 || status >= 500)
		keep = 0;
	conn_begin(c, status, keep ? AFTER_NEXT : AFTER_CLOSE);
	conn_header(c, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Cache-Control: no-store\r\n%s", extra ? extra : "");
	n = body ? snprintf(body, 256, "%d %s%s%s\n", status,
			    http_reason(status), why ? ": " : "",
			    why ? why : "") : 0;
	if (n < 0 || n >= 256)
		n = 0;
	conn_end(c, how & CONN_NO_BODY ? NULL : body, (size_t)n, free, body);
}

void conn_hold(struct conn *c, int64_t until)
{
	enter(c, PH_WAIT);
	c->deadline = until;
	c->held = 0;
}

void conn_hold_request(struct conn *c, int64_t until)
{
	int64_t since = c->held ? c->held_since : c->env->now;

	conn_hold(c, until);
	c->held = 1;
	c->held_since = since;
}

void conn_rerun(struct conn *c)
{
	if (c->phase == PH_WAIT && c->held) {
		enter(c, PH_HEAD);
		c->deadline = c->env->now +
			      secs_us(c->env->cfg->timeout_s);
	}
}

/* Streams */

int conn_put(struct conn *c, const void *p, size_t n)
{
	if (obuf_pending(&c->out) + n > CONN_OUT_MAX)
		return -1;
	obuf_put(&c->out, p, n);
	return c->out.overflow ? -1 : 0;
}

void conn_queue(struct conn *c, const struct conn_msg *m)
{
	/* The slot to fill: [0] unless it has started out; a message that
	 * has not started out yet is replaced by the newer one. */
	struct conn_msg *slot = &c->msg[c->msg[0].used && c->msg[0].off ? 1 : 0];

	if (slot->used)
		c->msgs_replaced++;
	msg_release(slot);
	*slot = *m;
	slot->used = 1;
	slot->off = 0;
}

void conn_finish(struct conn *c)
{
	/* Nothing after the last word: drop what has not started out. */
	if (c->msg[1].used)
		msg_release(&c->msg[1]);
	if (c->msg[0].used && c->msg[0].off == 0)
		msg_release(&c->msg[0]);
	c->after = AFTER_CLOSE;
	c->inlen = 0;
}

/* Output */

/* Would a message of size bytes, with queued bytes in the socket, be
 * through in time? */
static int pace_fits(const struct conn_pace *p, double queued, double size)
{
	double excess = queued - p->pipe;

	/* A frame is a few packets at least: below that the path is as good
	 * as idle. */
	return excess <= 3 * 1500 || (excess + size) / p->rate <= p->budget;
}

/* May msg[0], not started yet, start now (see struct conn_pace)? 1 yes;
 * 0: not yet, and pace.until says when to look again. */
static int pace_start(struct conn *c)
{
	struct conn_pace *p = &c->pace;
	const struct conn_msg *m = &c->msg[0];
	double size = (double)(m->headlen + m->bodylen), excess, room;
	double queued;
	int q;

	if (p->rate <= 0)
		return 1;
	/* The socket holds at most what went beyond what the peer had
	 * acknowledged when last asked: when even that fits, the exact
	 * figure (a system call a frame) is not needed. */
	queued = (double)(c->bytes - MIN(c->bytes, p->acked));
	if (!pace_fits(p, queued, size)) {
		if (ioctl(c->fd, TIOCOUTQ, &q) != 0)
			return 1;
		queued = q;
		p->acked = c->bytes - MIN(c->bytes, (uint64_t)q);
	}
	if (pace_fits(p, queued, size)) {
		if (p->held_since) {
			p->held_us += c->env->now - p->held_since;
			p->held_since = 0;
		}
		p->until = 0;
		return 1;
	}
	/* When the queue will have drained enough: to what leaves the frame
	 * room in the budget, or to nothing for one larger than it. */
	excess = queued - p->pipe;
	room = MAX(0, p->budget * p->rate - size);
	p->until = c->env->now + (int64_t)MAX(1000, MIN(100000,
		   (excess - room) / p->rate * 1e6));
	if (!p->held_since)
		p->held_since = c->env->now;
	return 0;
}

/* Writes some of msg[0]. >0 progress, 0 would block, -1 error. */
static int write_msg(struct conn *c)
{
	static const char crlf[2] = "\r\n";
	struct conn_msg *m = &c->msg[0];
	const void *base[3] = { m->head, m->body, crlf };
	size_t size[3] = { m->headlen, m->bodylen, m->crlf ? 2 : 0 };
	size_t skip = m->off, total = 0;
	struct iovec iov[3];
	int i, n = 0;
	ssize_t w;

	for (i = 0; i < 3; i++) {
		total += size[i];
		if (skip >= size[i]) {
			skip -= size[i];
			continue;
		}
		iov[n].iov_base = (char *)base[i] + skip;
		iov[n].iov_len = size[i] - skip;
		skip = 0;
		n++;
	}
	if (n > 0) {
		w = writev(c->fd, iov, n);
		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		m->off += (size_t)w;
		c->bytes += (uint64_t)w;
	}
	if (m->off == total) {
		msg_release(m);
		c->msgs_sent++;
		*m = c->msg[1];
		memset(&c->msg[1], 0, sizeof(c->msg[1]));
	}
	return 1;
}

static int write_owned(struct conn *c)
{
	ssize_t w = write(c->fd, c->out.p + c->out.off, obuf_pending(&c->out));

	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	obuf_consume(&c->out, (size_t)w);
	c->bytes += (uint64_t)w;
	return 1;
}

/* A message, once started, goes out whole before anything else; owned
 * bytes (heads, control frames) go before a message that has not. */
static int write_out(struct conn *c, int *progress)
{
	for (;;) {
		struct conn_msg *m = &c->msg[0];
		int r;

		if (m->used && m->off > 0) {
			r = write_msg(c);
		} else if (obuf_pending(&c->out)) {
			r = write_owned(c);
		} else if (m->used) {
			if (!pace_start(c))
				return 0;
			if (m->ts_us) {
				c->age_sum_us += (uint64_t)MAX(0, now_us() -
							       m->ts_us);
				c->age_n++;
			}
			r = write_msg(c);
		} else {
			return 0;
		}
		if (r <= 0)
			return r;
		*progress = 1;
	}
}

/* Our last byte is out: shut our side and drain theirs, so that a reset
 * does not destroy what we just sent. */
static int linger(struct conn *c)
{
	if (c->eof)
		return -1;
	shutdown(c->fd, SHUT_WR);
	enter(c, PH_LINGER);
	c->inlen = 0;
	c->deadline = c->env->now + LINGER_US;
	return 0;
}

int conn_write(struct conn *c)
{
	int progress = 0;

	if (c->phase == PH_WAIT || c->phase == PH_LINGER)
		return 0;
	if (write_out(c, &progress) != 0)
		return -1;
	if (conn_has_output(c)) {
		/* The stall clock runs while output waits. */
		if (progress || !c->deadline)
			c->deadline = c->env->now + secs_us(c->env->cfg->stall_s);
		return 0;
	}
	if (c->phase == PH_HEAD)
		return 0;
	c->deadline = 0;
	if (c->after == AFTER_CLOSE)
		return linger(c);
	if (c->phase == PH_RESPOND) {
		if (c->env->stopping)
			return linger(c);
		enter(c, PH_HEAD);
		c->deadline = c->env->now + secs_us(c->env->cfg->timeout_s);
	}
	return 0;
}

int conn_tick(struct conn *c)
{
	if (!c->deadline || c->env->now < c->deadline)
		return CONN_OK;
	c->deadline = 0;
	switch (c->phase) {
	case PH_HEAD:
		if (c->inlen == 0)
			return CONN_OVER;	/* idle keep-alive */
		conn_error(c, 408, 0, "request head not received in time",
			   NULL);
		return CONN_OK;
	case PH_WAIT:
		if (c->held) {
			conn_rerun(c);	/* its turn again */
			return CONN_OK;
		}
		if (!conn_has_output(c))
			return CONN_GAVE_UP;
		enter(c, PH_RESPOND);	/* the held answer goes out */
		return CONN_OK;
	case PH_RESPOND:
	case PH_STREAM:
		logmsg("%s: output stalled for %d s, closing", c->peer.text,
		       c->env->cfg->stall_s);
		return CONN_OVER;
	default:
		return CONN_OVER;	/* linger over */
	}
}
