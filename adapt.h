/* adapt.c: what a stream's path carries, how its frames are paced on it,
 * and an auto client's rung. Pure: one observation a tick (a quarter of a
 * second) in, the decisions out. No sockets, no clocks, no globals. */
#ifndef ADAPT_H
#define ADAPT_H
#include <stdint.h>

#include "ladder.h"

/* The auto ladder, smallest frames first: quarter- and half-size rungs
 * for slow links, then the full-size qualities. */
extern const int adapt_ladder[];
extern const int adapt_nladder;

/* What one tick saw of a stream. */
struct adapt_obs {
	double secs;		/* length of the tick */
	double src_fps;		/* frames the source produced per second */
	uint64_t frames;	/* frames fully sent during the tick */
	uint64_t skipped;	/* frames replaced before they went out */
	uint64_t bytes;		/* bytes written during the tick */
	double acked;		/* bytes the peer acknowledged (TCP_INFO) */
	double held;		/* seconds a frame waited for its pacing */
	double queued;		/* bytes in the socket at the end: in flight
				   and not sent yet */
	double inflight;	/* bytes sent and not acknowledged */
	double delivery_bps;	/* TCP_INFO delivery rate, bits/s, 0 unknown */
	double rtt_ms;		/* TCP_INFO smoothed RTT */
	double min_rtt_ms;	/* TCP_INFO minimum RTT, 0 unknown */
	double ack_ms;		/* since the last ACK arrived */
	double age_ms;		/* mean frame age when sending started */
	double share_bps;	/* other streams share the path (they come
				   from the same address): this one's fair
				   part of what they carry together; 0 */
	int others_held;	/* one of them was held back */
	double rung_bytes[RUNG_N];	/* mean frame size per rung, 0 = ? */
};

/* Pacing, as struct conn_pace takes it. */
struct adapt_pace {
	double rate;		/* bytes/s */
	double pipe;		/* bytes */
	double budget;		/* seconds */
};

enum { ADAPT_WINDOW = 4 };	/* ticks the estimate remembers */

struct adapt {
	double cap_bps;		/* what the path carries, estimated; 0 until
				   the first tick has measured it */
	double seen[ADAPT_WINDOW];	/* what each recent tick saw of it */
	int lim[ADAPT_WINDOW];		/* ... and whether it held us back */
	int nseen;
	double min_rtt_ms;
	int limited;		/* the path held us back this tick */
	int calm;		/* ticks in a row it did not */
	int idx;		/* auto: position on adapt_ladder */
	int top;		/* highest position allowed: the client's
				   view may be smaller */
	int probing;		/* the last move was a step up */
	int ceiling;		/* the position whose step up failed last,
				   until one holds there; or -1 */
	int ceil_left;		/* ticks until it may be tried again */
	int backoff;		/* grows when a step up fails */
	char why[32];		/* the last decision, for /state */
};

/* A new stream's: no estimate yet; an auto client starts at rung (or
 * in the middle of the ladder). */
void adapt_init(struct adapt *a, int rung);
/* A stream turning auto: starts at rung, keeping what it knows of the
 * path. */
void adapt_start(struct adapt *a, int rung);
/* Feeds one tick: the estimate and, for auto, the rung to use next. */
int adapt_tick(struct adapt *a, const struct adapt_obs *o);
int adapt_rung(const struct adapt *a);
/* The pacing the estimate gives (rate 0: none yet). */
struct adapt_pace adapt_pace(const struct adapt *a);
/* The client draws no larger than ladder position top (a small view):
 * the rung never goes above it, and comes down to it at once. */
void adapt_limit(struct adapt *a, int top);
/* The highest ladder position worth sending to a view of w x h device
 * pixels from a source of sw x sh: the smallest scale whose pictures
 * still cover the view (up to 10 % blown up), else the top. */
int adapt_view_top(int w, int h, int sw, int sh);

#endif
