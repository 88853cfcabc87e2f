/* server.c: the poll() loop. Owns the listener, every client socket, the
 * hub's wake pipe and the timers; hands new frames to the clients. */
#ifndef SERVER_H
#define SERVER_H
#include <stdint.h>

struct hub;
struct conn;
struct obuf;

struct server_opts {
	const char *listen;		/* "ADDR:PORT" */
	const char *web_dir;		/* NULL: the embedded client */
	const char **origins;		/* --allow-origin values */
	int norigins;
	int max_clients;
	int default_q;			/* /stream and /snapshot default */
	int lowat;			/* TCP_NOTSENT_LOWAT bytes, 0 = off */
	int timeout_s;			/* request head / keep-alive idle */
};

struct server {
	struct server_opts o;
	struct hub *hub;
	int lfd;			/* listening socket */
	int sig[2];			/* self-pipe for SIGINT/SIGTERM */
	struct conn **conns;
	int nconns;
	int64_t started_us;
	int64_t now;			/* monotonic µs, once per loop turn */
	uint64_t total_clients;
	int64_t accept_paused;		/* out of fds: retry accept then */
};

/* Binds and listens (dies with a clear message on failure) and logs
 * "listening on ADDR:PORT". */
void server_open(struct server *s, const struct server_opts *o,
		 struct hub *hub);
/* Runs until SIGINT/SIGTERM; then closes every client (WebSocket clients
 * with a 1001 close frame) and returns. */
void server_run(struct server *s);
void server_close(struct server *s);

/* Appends the /state JSON document to b. */
void server_state_json(struct server *s, struct obuf *b);
/* Appends the /metrics Prometheus text to b. */
void server_metrics(struct server *s, struct obuf *b);

#endif
