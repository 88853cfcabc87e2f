/* path.c: a stream's path. A few times a second it asks TCP what it
 * knows (TCP_INFO: the round trip, what the peer acknowledged, what the
 * socket holds), counts what the stream sent, skipped and held back since
 * the last tick, lets adapt.c judge it, and sets the pacing conn.c carries
 * out; auto streams from one address learn what they share. Poll thread
 * only. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/tcp.h>

#include "adapt.h"
#include "conn.h"
#include "hub.h"
#include "path.h"
#include "stream.h"
#include "util.h"

/* What the kernel knows about this client's path; *acked: bytes the
 * peer has acknowledged, all told. */
static void tcp_view(struct conn *c, struct adapt_obs *o, uint64_t *acked)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int queued;

	memset(&ti, 0, sizeof(ti));
	*acked = 0;
	if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		len = 0;
	/* What the socket holds is what went and is not acknowledged yet
	 * (TIOCOUTQ's figure); the pacing knows it from then on. */
	if (len >= offsetof(struct tcp_info, tcpi_bytes_acked) +
	    sizeof(ti.tcpi_bytes_acked) && ti.tcpi_bytes_acked <= c->bytes) {
		o->queued = (double)(c->bytes - ti.tcpi_bytes_acked);
		c->pace.acked = MAX(c->pace.acked, ti.tcpi_bytes_acked);
	} else if (ioctl(c->fd, TIOCOUTQ, &queued) == 0) {
		o->queued = queued;
	}
	if (len == 0)
		return;
	o->rtt_ms = ti.tcpi_rtt / 1000.0;
	o->ack_ms = ti.tcpi_last_ack_recv;
	o->inflight = (double)ti.tcpi_unacked * ti.tcpi_snd_mss;
	if (len >= offsetof(struct tcp_info, tcpi_delivery_rate) +
	    sizeof(ti.tcpi_delivery_rate))
		o->delivery_bps = (double)ti.tcpi_delivery_rate * 8;
	if (len >= offsetof(struct tcp_info, tcpi_min_rtt) +
	    sizeof(ti.tcpi_min_rtt))
		o->min_rtt_ms = ti.tcpi_min_rtt / 1000.0;
	if (len >= offsetof(struct tcp_info, tcpi_bytes_acked) +
	    sizeof(ti.tcpi_bytes_acked))
		*acked = ti.tcpi_bytes_acked;
	else
		*acked = c->bytes;	/* an old kernel: what went */
}

/* The other auto streams from the same address, on the same path: its
 * fair part of what they carry together, and whether one of them was
 * held back. */
static void sharing(const struct conn *c, struct adapt_obs *o)
{
	const struct conn_env *e = c->env;
	double sum = c->st->ad.cap_bps;
	int i, n = 1;

	for (i = 0; i < e->nconns; i++) {
		const struct conn *x = e->conns[i];

		if (x == c || !x->st || !x->st->is_auto ||
		    x->st->kind == ST_SNAPSHOT ||
		    memcmp(x->client.key, c->client.key, 16))
			continue;
		sum += x->st->ad.cap_bps;
		o->others_held |= x->st->ad.limited;
		n++;
	}
	o->share_bps = n > 1 ? sum / n : 0;
}

int path_tick(struct conn *c, const struct hub_stats *hs)
{
	struct stream *st = c->st;
	int64_t held = c->pace.held_us + (c->pace.held_since ?
					  c->env->now - c->pace.held_since : 0);
	struct adapt_obs o;
	struct adapt_pace p;
	uint64_t acked;
	int r;

	memset(&o, 0, sizeof(o));
	o.secs = (double)(c->env->now - st->tk_t0) / 1e6;
	o.src_fps = hs->fps > 0 ? hs->fps : hs->info.fps;
	o.frames = c->msgs_sent - st->tk_sent;
	o.skipped = c->msgs_replaced - st->tk_replaced;
	o.bytes = c->bytes - st->tk_bytes;
	o.held = (double)(held - st->tk_held) / 1e6;
	for (r = 0; r < RUNG_N; r++)
		o.rung_bytes[r] = hs->rung[r].bytes;
	tcp_view(c, &o, &acked);
	o.acked = (double)(acked - MIN(acked, st->tk_acked));
	if (st->is_auto)
		sharing(c, &o);
	st->rtt_ms = o.rtt_ms;
	r = adapt_tick(&st->ad, &o);
	p = adapt_pace(&st->ad);
	c->pace.rate = p.rate;
	c->pace.pipe = p.pipe;
	c->pace.budget = p.budget;
	st->tk_t0 = c->env->now;
	st->tk_sent = c->msgs_sent;
	st->tk_replaced = c->msgs_replaced;
	st->tk_bytes = c->bytes;
	st->tk_held = held;
	st->tk_acked = acked;
	return r;
}
