/* adapt.c: server-side quality adaptation for one client. Pure: it sees
 * one observation per tick (what the socket and TCP_INFO said) and
 * answers with a rung of the ladder. No sockets, no clocks, no globals. */
#ifndef ADAPT_H
#define ADAPT_H
#include <stdint.h>

#include "ladder.h"

/* The auto ladder, smallest frames first: half-resolution rungs for slow
 * links, then every full-resolution quality. */
extern const int adapt_ladder[];
extern const int adapt_nladder;

/* What one tick saw. */
struct adapt_obs {
	double secs;		/* length of the tick */
	double src_fps;		/* frames the source produced per second */
	uint64_t frames;	/* frames fully sent during the tick */
	uint64_t skipped;	/* frames replaced before they went out */
	uint64_t bytes;		/* bytes written during the tick */
	double delivery_bps;	/* TCP_INFO delivery rate, bits/s, 0 unknown */
	double rtt_ms;		/* TCP_INFO smoothed RTT */
	double min_rtt_ms;	/* TCP_INFO minimum RTT, 0 unknown */
	double age_ms;		/* mean frame age when sending started */
	double rung_bytes[RUNG_N];	/* mean frame size per rung, 0 = ? */
};

struct adapt {
	int idx;		/* position on adapt_ladder */
	double bw_bps;		/* estimated path rate */
	int calm;		/* ticks without congestion */
	int hold;		/* ticks to wait before probing up again */
	int backoff;		/* grows when a probe fails */
	int probing;		/* the last move was a probe up */
	int ceiling;		/* the rung whose probe failed last, until
				   a probe holds there; or -1 */
	int ceil_left;		/* ticks until the ceiling may be probed */
	double sndbuf;		/* bytes the socket may hold: bounds the
				   queue we build on the path */
	int top;		/* highest ladder position allowed: the
				   client's view may be smaller */
	char why[32];		/* the last decision, for /state */
};

void adapt_init(struct adapt *a, int rung);
/* Feeds one tick; returns the rung to use next. */
int adapt_tick(struct adapt *a, const struct adapt_obs *o);
int adapt_rung(const struct adapt *a);
/* The client draws no larger than ladder position top (a small view):
 * the rung never goes above it, and comes down to it at once. */
void adapt_limit(struct adapt *a, int top);
/* The highest ladder position worth sending to a view of w x h device
 * pixels from a source of sw x sh: a half-resolution rung when the view
 * is at most about half the source, else the top. */
int adapt_view_top(int w, int h, int sw, int sh);

#endif
