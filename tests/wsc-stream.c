/* wsc-stream.c: what a stream carries: WebSocket frames both ways, MJPEG
 * parts (in the chunked coding or not), each frame's JPEG and COM checked
 * and counted in its connection. No sockets: wsc-conn.c feeds it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <turbojpeg.h>

#include "wsclient.h"

#define PART_MAX (64u << 20)	/* largest MJPEG part we accept */
#define TEXT_KEEP_LOAD 1024	/* server text kept per client under load */
#define TEXT_KEEP_WS (1u << 20)	/* ... and in `ws` mode, which prints it */

int last_q, last_w, last_h;

static void grow_append(unsigned char **p, size_t *len, size_t *cap,
			const void *d, size_t n, size_t limit)
{
	if (*len >= limit)
		return;
	n = MIN(n, limit - *len);
	if (*cap - *len < n) {
		*cap = (*len + n) * 2;
		*p = xrealloc(*p, *cap);
	}
	memcpy(*p + *len, d, n);
	*len += n;
}

void ws_put(struct buf *b, int b0, int masked, const void *data, size_t n)
{
	unsigned char h[14], *d;
	const unsigned char *s = data;
	uint32_t m = rng();
	size_t hl = 0, i;

	h[hl++] = (unsigned char)b0;
	if (n < 126) {
		h[hl++] = (unsigned char)((masked ? 0x80 : 0) | n);
	} else if (n <= 0xffff) {
		h[hl++] = (masked ? 0x80 : 0) | 126;
		h[hl++] = (unsigned char)(n >> 8);
		h[hl++] = (unsigned char)n;
	} else {
		h[hl++] = (masked ? 0x80 : 0) | 127;
		for (i = 0; i < 8; i++)
			h[hl++] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
	}
	if (masked)
		for (i = 0; i < 4; i++)
			h[hl++] = (unsigned char)(m >> (8 * i));
	buf_add(b, h, hl);
	d = buf_room(b, n);
	for (i = 0; i < n; i++)
		d[i] = masked ? s[i] ^ h[hl - 4 + (i & 3)] : s[i];
	b->len += n;
}

void ws_put_close(struct buf *b, int code)
{
	unsigned char p[2] = { (unsigned char)(code >> 8),
			       (unsigned char)code };

	ws_put(b, 0x88, 1, p, code == 1005 ? 0 : 2);
}

/* --- frames --- */

static void msg_start(struct conn *c)
{
	c->msize = 0;
	c->jheadlen = 0;
	c->tail[0] = c->tail[1] = 0;
	c->fulllen = 0;
}

static void jpeg_chunk(struct conn *c, const unsigned char *p, size_t n)
{
	size_t k = MIN(n, JHEAD - c->jheadlen);

	memcpy(c->jhead + c->jheadlen, p, k);
	c->jheadlen += k;
	if (n >= 2) {
		c->tail[0] = p[n - 2];
		c->tail[1] = p[n - 1];
	} else if (n == 1) {
		c->tail[0] = c->tail[1];
		c->tail[1] = p[0];
	}
	c->msize += n;
	if (o.decode)
		grow_append(&c->full, &c->fulllen, &c->fullcap, p, n,
			    PART_MAX);
}

struct com {
	long long ts;
	unsigned long long seq;
	int q, w, h;
};

/* Validates the finished JPEG and reads its COM; 0 or -1 (invalid). */
static int jpeg_check(struct conn *c, struct com *m)
{
	const unsigned char *p = c->jhead;
	char txt[JHEAD], *s, *end;
	size_t l, tl;
	int have_ts = 0, have_seq = 0;

	m->q = m->w = m->h = 0;
	if (c->msize < 8 || p[0] != 0xff || p[1] != 0xd8 ||
	    c->tail[0] != 0xff || c->tail[1] != 0xd9)
		return -1;
	if (c->jheadlen < 6 || p[2] != 0xff || p[3] != 0xfe)
		return -1;
	l = (size_t)p[4] << 8 | p[5];
	if (l < 2 || 4 + l > c->msize)
		return -1;
	tl = MIN(l - 2, c->jheadlen - 6);
	memcpy(txt, p + 6, tl);
	txt[tl] = '\0';
	for (s = txt; *s; s = end) {
		s += strspn(s, " ");
		end = s + strcspn(s, " ");
		if (strncmp(s, "ts=", 3) == 0) {
			m->ts = strtoll(s + 3, NULL, 10);
			have_ts = 1;
		} else if (strncmp(s, "seq=", 4) == 0) {
			m->seq = strtoull(s + 4, NULL, 10);
			have_seq = 1;
		} else if (strncmp(s, "q=", 2) == 0) {
			m->q = atoi(s + 2);
		} else if (strncmp(s, "w=", 2) == 0) {
			m->w = atoi(s + 2);
		} else if (strncmp(s, "h=", 2) == 0) {
			m->h = atoi(s + 2);
		}
	}
	if (!have_ts || !have_seq)
		return -1;
	if (o.size_w && (m->w != o.size_w || m->h != o.size_h))
		return -1;
	if (o.decode) {
		tjhandle tj = tjInitDecompress();
		int w, h, sub, cs, r;

		if (!tj)
			die("tjInitDecompress: %s", tjGetErrorStr());
		r = tjDecompressHeader3(tj, c->full, c->fulllen, &w, &h,
					&sub, &cs);
		tjDestroy(tj);
		if (r < 0 || (m->w && w != m->w) || (m->h && h != m->h) ||
		    (o.size_w && (w != o.size_w || h != o.size_h)))
			return -1;
	}
	return 0;
}

/* --luma: the mean luma of the JPEG p[0..n), decoded small, or -1. */
static double mean_luma(const unsigned char *p, size_t n)
{
	static unsigned char g[1 << 20];
	tjhandle tj = tjInitDecompress();
	int w, h, sub, cs, sw, sh, i;
	double sum = 0;

	if (!tj || tjDecompressHeader3(tj, p, n, &w, &h, &sub, &cs) < 0) {
		if (tj)
			tjDestroy(tj);
		return -1;
	}
	sw = (w + 7) / 8;
	sh = (h + 7) / 8;
	if ((size_t)sw * sh > sizeof(g) ||
	    tjDecompress2(tj, p, n, g, sw, 0, sh, TJPF_GRAY, 0) < 0) {
		tjDestroy(tj);
		return -1;
	}
	tjDestroy(tj);
	for (i = 0; i < sw * sh; i++)
		sum += g[i];
	return sum / (sw * sh);
}

/* A binary message or MJPEG part is complete. */
static void frame_done(struct conn *c)
{
	struct com m = { 0, 0, 0, 0, 0 };
	int64_t arrival, lat;

	c->binaries++;
	if (o.verbose) {
		printf("binary %llu\n", (unsigned long long)c->msize);
		return;
	}
	if (c->state != S_STREAM)
		return;
	if (jpeg_check(c, &m) < 0) {
		c->invalid++;
		return;
	}
	c->t_last = now_us(CLOCK_MONOTONIC);
	arrival = now_us(CLOCK_REALTIME);
	lat = arrival - m.ts;
	if (o.luma)
		fprintf(o.luma, "%lld %lld %.2f\n",
			(long long)now_us(CLOCK_REALTIME), m.ts,
			mean_luma(c->full, c->fulllen));
	if (o.framelog)
		fprintf(o.framelog, "%lld %lld %llu %d %d %d %llu\n",
			(long long)arrival, m.ts,
			(unsigned long long)c->msize, m.q, m.w, m.h, m.seq);
	if (!c->frames)
		c->t_first = c->t_last;
	c->frames++;
	c->bytes += c->msize;
	if (c->nlat == c->latcap) {
		c->latcap = c->latcap ? c->latcap * 2 : 256;
		c->lat = xrealloc(c->lat, c->latcap * sizeof(*c->lat));
	}
	c->lat[c->nlat++] = (int32_t)(lat > INT32_MAX ? INT32_MAX :
				      lat < INT32_MIN ? INT32_MIN : lat);
	if (c->have_seq && m.seq > c->seq + 1)
		c->skipped += m.seq - c->seq - 1;
	c->seq = m.seq;
	c->have_seq = 1;
	c->q = last_q = m.q;
	c->w = last_w = m.w;
	c->h = last_h = m.h;
	if (o.send_text && !c->sent_text && c->ws &&
	    c->frames >= (uint64_t)o.send_at) {
		ws_put(&c->out, 0x81, 1, o.send_text, strlen(o.send_text));
		c->sent_text = 1;
	}
	if (o.frames > 0 && c->frames >= (uint64_t)o.frames)
		begin_close(c);
}

static void control_done(struct conn *c)
{
	int code;

	switch (c->op) {
	case 0x9:
		if (o.verbose)
			printf("ping %zu\n", c->ctllen);
		if (!c->sent_close && !o.no_pong)
			ws_put(&c->out, 0x8a, 1, c->ctl, c->ctllen);
		break;
	case 0xa:
		if (o.verbose)
			printf("pong %.*s\n", (int)c->ctllen, c->ctl);
		break;
	case 0x8:
		code = c->ctllen >= 2 ? c->ctl[0] << 8 | c->ctl[1] :
		       c->ctllen == 0 ? 1005 : 0;
		c->got_close = 1;
		c->close_code = code;
		if (o.verbose) {
			if (c->ctllen > 2)
				printf("close %d %.*s\n", code,
				       (int)c->ctllen - 2, c->ctl + 2);
			else
				printf("close %d\n", code);
		}
		if (!c->sent_close) {
			ws_put_close(&c->out, code ? code : 1002);
			c->sent_close = 1;
		}
		if (c->state == S_STREAM && !o.verbose && !o.ending)
			conn_error(c, "server closed with %d after %llu "
				   "frames", code,
				   (unsigned long long)c->frames);
		if (c->state == S_STREAM)
			c->state = S_CLOSING;
		break;
	}
}

static void text_done(struct conn *c)
{
	c->texts++;
	if (o.verbose)
		printf("text %.*s\n", (int)c->textlen, c->text);
}

/* Validates a complete frame header; -1 after failing c. */
static int ws_header(struct conn *c)
{
	const unsigned char *h = c->hdr;
	size_t i = 2;

	c->fin = h[0] >> 7;
	c->op = h[0] & 0x0f;
	c->left = h[1] & 0x7f;
	if (c->left == 126) {
		c->left = (uint64_t)h[2] << 8 | h[3];
	} else if (c->left == 127) {
		for (c->left = 0; i < 10; i++)
			c->left = c->left << 8 | h[i];
		if (c->left >> 63) {
			conn_fail(c, "64-bit length with top bit set");
			return -1;
		}
	}
	if (h[0] & 0x70) {
		conn_fail(c, "RSV bits set by server");
		return -1;
	}
	if (h[1] & 0x80) {
		conn_fail(c, "masked server frame");
		return -1;
	}
	if (c->op >= 8) {
		if (c->op > 0xa) {
			conn_fail(c, "unknown opcode %d", c->op);
			return -1;
		}
		if (!c->fin || c->left > 125) {
			conn_fail(c, "bad control frame");
			return -1;
		}
		c->ctllen = 0;
	} else if (c->op == 0) {
		if (!c->msgop) {
			conn_fail(c, "continuation outside a message");
			return -1;
		}
	} else if (c->op == 1 || c->op == 2) {
		if (c->msgop) {
			conn_fail(c, "new message inside a fragmented one");
			return -1;
		}
		c->msgop = c->op;
		if (c->op == 2)
			msg_start(c);
		else
			c->textlen = 0;
	} else {
		conn_fail(c, "unknown opcode %d", c->op);
		return -1;
	}
	c->inpayload = 1;
	return 0;
}

static void ws_frame_end(struct conn *c)
{
	c->inpayload = 0;
	c->hlen = 0;
	c->hneed = 2;
	c->sized = 0;
	if (c->op >= 8) {
		control_done(c);
	} else if (c->fin) {
		if (c->msgop == 2)
			frame_done(c);
		else
			text_done(c);
		c->msgop = 0;
	}
}

void ws_feed(struct conn *c, const unsigned char *p, size_t n)
{
	size_t k;

	while (n > 0 && c->state != S_DONE) {
		if (!c->inpayload) {
			k = MIN(c->hneed - c->hlen, n);
			memcpy(c->hdr + c->hlen, p, k);
			c->hlen += k;
			p += k;
			n -= k;
			if (c->hlen < c->hneed)
				continue;
			if (!c->sized) {
				int l7 = c->hdr[1] & 0x7f;
				c->sized = 1;
				c->hneed = 2 + (l7 == 126 ? 2 : 0) +
					   (l7 == 127 ? 8 : 0) +
					   (c->hdr[1] & 0x80 ? 4 : 0);
				if (c->hneed > 2)
					continue;
			}
			if (ws_header(c) < 0)
				return;
			if (c->left == 0)
				ws_frame_end(c);
			continue;
		}
		k = (size_t)MIN(c->left, (uint64_t)n);
		if (c->op >= 8) {
			memcpy(c->ctl + c->ctllen, p, k);
			c->ctllen += k;
		} else if (c->msgop == 2) {
			jpeg_chunk(c, p, k);
		} else {
			grow_append((unsigned char **)&c->text, &c->textlen,
				    &c->textcap, p, k, o.verbose ?
				    TEXT_KEEP_WS : TEXT_KEEP_LOAD);
		}
		p += k;
		n -= k;
		c->left -= k;
		if (c->left == 0)
			ws_frame_end(c);
	}
}

static void mjpeg_line(struct conn *c)
{
	char *l = c->line;
	size_t n = c->linelen, bl = strlen(c->boundary);

	if (n && l[n - 1] == '\n')
		n--;
	if (n && l[n - 1] == '\r')
		n--;
	l[n] = '\0';
	c->linelen = 0;
	if (c->mstate == M_BOUNDARY) {
		if (l[0] == '-' && l[1] == '-' &&
		    strncmp(l + 2, c->boundary, bl) == 0) {
			if (l[2 + bl] == '\0') {
				c->mstate = M_HEADERS;
				c->clen = -1;
				c->overflow = 0;
			} else if (strcmp(l + 2 + bl, "--") == 0) {
				c->mstate = M_END;
			}
		}
		c->overflow = 0;
		return;
	}
	if (c->overflow) {
		conn_fail(c, "part header line too long");
		return;
	}
	if (n == 0) {
		if (c->clen < 0 || c->clen > PART_MAX) {
			conn_fail(c, "part without a valid Content-Length");
			return;
		}
		msg_start(c);
		c->mstate = M_BODY;
		if (c->clen == 0) {
			frame_done(c);
			c->mstate = M_BOUNDARY;
		}
		return;
	}
	if (strncasecmp(l, "Content-Length:", 15) == 0)
		c->clen = strtoll(l + 15, NULL, 10);
}

void mjpeg_feed(struct conn *c, const unsigned char *p, size_t n)
{
	const unsigned char *nl;
	size_t k, room;

	while (n > 0 && c->state != S_DONE && c->mstate != M_END) {
		if (c->mstate == M_BODY) {
			k = (size_t)MIN((uint64_t)c->clen, (uint64_t)n);
			jpeg_chunk(c, p, k);
			p += k;
			n -= k;
			c->clen -= (long long)k;
			if (c->clen == 0) {
				frame_done(c);
				c->mstate = c->single ? M_END : M_BOUNDARY;
			}
			continue;
		}
		nl = memchr(p, '\n', n);
		k = nl ? (size_t)(nl - p) + 1 : n;
		room = sizeof(c->line) - 1 - c->linelen;
		if (k > room)
			c->overflow = 1;
		memcpy(c->line + c->linelen, p, MIN(k, room));
		c->linelen += MIN(k, room);
		p += k;
		n -= k;
		if (nl)
			mjpeg_line(c);
	}
}

void chunked_feed(struct conn *c, const unsigned char *p, size_t n)
{
	size_t k;

	while (n > 0 && c->state != S_DONE) {
		if (c->cstate == 1) {		/* chunk data */
			k = (size_t)MIN(c->cleft, (uint64_t)n);
			mjpeg_feed(c, p, k);
			p += k;
			n -= k;
			if ((c->cleft -= k) == 0)
				c->cstate = 2;
			continue;
		}
		if (*p != '\n') {		/* size line or CRLF after data */
			if (c->clinelen < sizeof(c->cline) - 1)
				c->cline[c->clinelen++] = (char)*p;
			p++;
			n--;
			continue;
		}
		p++;
		n--;
		c->cline[c->clinelen] = '\0';
		c->clinelen = 0;
		if (c->cstate == 2) {
			c->cstate = 0;
			continue;
		}
		c->cleft = strtoull(c->cline, NULL, 16);
		if (c->cleft == 0) {
			c->mstate = M_END;
			return;
		}
		c->cstate = 1;
	}
}
