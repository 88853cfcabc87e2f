/* ctrl_state.c: the camera's controls between the poll thread and the
 * source thread. The list as the source thread last read it and a few
 * requests with their answers go through a mailbox (mailbox.c): the poll
 * thread leaves a request and comes back for the answer, so it never
 * waits on the camera; the source thread, the only one that touches the
 * camera, serves them between frames. It also keeps every value set (by
 * --ctrl or POST) and sets them again when the camera comes back after
 * an unplug. The bodies of /controls are ctrl_http.c's. */
#ifndef CTRL_STATE_H
#define CTRL_STATE_H
#include <stddef.h>
#include <stdint.h>

struct controls;
struct obuf;
struct source;

enum {
	CONTROLS_WAIT = 0,		/* not answered yet: ask again */
	CONTROLS_KEPT_MAX = 64		/* values kept to set again */
};

/* One request, the same each time it asks for its answer. */
struct controls_req {
	uint64_t conn;			/* its connection (one request at a
					   time waits on a connection) */
	int waiting;			/* it asked before and waits */
	const char *body;		/* POST: the JSON object; NULL: GET */
	size_t len;
	const char *who;		/* "127.0.0.1: alice", for the log */
	int64_t now, since;		/* monotonic µs: now, first asked */
};

/* NULL if out of memory. */
struct controls *controls_new(void);
/* Once the source thread has stopped. NULL is fine. */
void controls_free(struct controls *ctl);
/* A --ctrl NAME=VALUE, before the source thread starts: kept, checked
 * against the camera when it first opens. 0, or -1 with err for one
 * that is malformed (NAME not of a-z, 0-9 and _, VALUE not a whole
 * number, true or false) or one too many. */
int controls_want(struct controls *ctl, const char *spec, char *err,
		  size_t errsz);

/* Source thread. controls_opened(): the source has just opened: reads
 * its controls, sets the values kept (the first time: --ctrl's, a bad
 * one logged and forgotten), publishes the list; one log line says
 * what was set. controls_serve(): between frames: the requests waiting,
 * if any (a lock-free look when there are none). controls_closed(): the
 * source is gone (lost, or never opened): the list empties and waiting
 * changes are answered 503. */
void controls_opened(struct controls *ctl, struct source *src);
void controls_serve(struct controls *ctl, struct source *src);
void controls_closed(struct controls *ctl, struct source *src);

/* Poll thread: readable when the source thread has answered requests
 * (-1 for NULL); controls_woken() empties it. */
int controls_wake_fd(const struct controls *ctl);
void controls_woken(struct controls *ctl);

/* Poll thread. GET: the list read afresh; POST: the body's values checked
 * against the list (unknown names, range, step, menu items, types: 400,
 * nothing set), then set in one go, all or none (a value the camera
 * refuses puts back the ones set before it). Returns CONTROLS_WAIT (the
 * source thread has it: hold the request and ask again), 200 with the
 * JSON answer appended to b, or an error status with why (503: try
 * again later). ctl NULL: a source without controls. */
int controls_ask(struct controls *ctl, const struct controls_req *r,
		 struct obuf *b, char *why, size_t whysz);

#endif
