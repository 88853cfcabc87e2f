/* server.c: the poll() loop: every connection, the wake sources, signals
 * and timers; runs each connection's phase. admit.c: the listener and
 * admission (limits per server and per address, evicting idle heads). */
#ifndef SERVER_H
#define SERVER_H
#include <stdint.h>

#include "camera.h"
#include "config.h"
#include "conn.h"
#include "notify.h"

struct camera;
struct pollfd;
struct waker;

enum { SERVER_TICK_US = 250000 };	/* timers run this often */

struct server {
	struct config cfg;
	struct conn_env env;
	int lfd;			/* listening socket, -1 if none */
	int sig[2];			/* self-pipe for SIGINT/SIGTERM */
	int reserve_fd;			/* kept for a 503 when out of fds */
	int cap;			/* slots: max_clients + extra ones */
	struct pollfd *pfd;		/* the listener's, the wakers', then
					   the clients' */
	struct {
		const struct waker *w;	/* server.c's table */
		struct camera *cam;	/* the camera's, if per camera */
	} wake[2 + 2 * CAMERA_MAX];
	int nwake;
	char *dead;
	int64_t next_tick;
	int64_t last_sweep;		/* streams' access checked again */
	int64_t accept_paused;		/* out of fds: retry accept then */
	int64_t busy_logged;		/* the last "too many" line */
	int stop;			/* a stop signal came this turn */
	int busy_quiet;			/* ... and how many went unsaid */
	struct notify notify;		/* the service manager, if any */
};

/* Sets the server up without a listener: the connection table, the fd
 * limit (raised to what max_clients needs, or a clear death), signals.
 * cams: the cameras, started (camera.h; at least one); auth: the
 * accounts, or NULL for an open server. */
void server_init(struct server *s, const struct config *cfg,
		 struct camera *cams, int ncams, struct auth *auth);
/* admit.c: binds and listens on cfg->listen (dies with a clear message on
 * failure) and logs "listening on ADDR:PORT". */
void server_listen(struct server *s);
/* admit.c: admits an accepted socket as if it came through the listener: the
 * same limits and eviction. For the listener and for tests. */
void server_adopt(struct server *s, int fd, const struct peer *p);
/* One turn of the loop: poll up to the next timer tick, then I/O, frames,
 * timers. Returns 1 when a stop signal arrived. */
int server_turn(struct server *s);
/* Runs until SIGINT/SIGTERM; then closes every client (WebSocket clients
 * with a 1001 close frame) and returns. Under a service manager
 * ($NOTIFY_SOCKET) it says READY=1 first and STOPPING=1 at the signal,
 * and each turn pings the watchdog when due. */
void server_run(struct server *s);
void server_close(struct server *s);

/* admit.c: fills p from a socket address. */
void server_peer(struct peer *p, const void *sa, unsigned salen);

#endif
