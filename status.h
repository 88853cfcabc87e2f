/* status.c: /state (JSON) and /metrics (Prometheus text), rendered from a
 * read-only view of the hub and the connections. Changes nothing. */
#ifndef STATUS_H
#define STATUS_H

struct camera;
struct conn_env;
struct obuf;

/* Appends the /state document of camera cam: its source, its encoder,
 * and its streams; with all, the streams of every camera in seen (a bit
 * per camera index: those the asker may see) and the list of those
 * cameras. Client addresses and user names only when full (an admin
 * asks); otherwise each client shows only what it does. */
void status_state(const struct conn_env *env, const struct camera *cam,
		  unsigned seen, int all, struct obuf *b, int full);
/* Appends the /metrics text. */
void status_metrics(const struct conn_env *env, struct obuf *b);

#endif
