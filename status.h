/* status.c: /state (JSON) and /metrics (Prometheus text), rendered from a
 * read-only view of the hub and the connections. Changes nothing. */
#ifndef STATUS_H
#define STATUS_H

struct conn_env;
struct obuf;

/* Appends the /state document. Client addresses and user names only when
 * full (an admin asks); otherwise each client shows only what it does. */
void status_state(const struct conn_env *env, struct obuf *b, int full);
/* Appends the /metrics text. */
void status_metrics(const struct conn_env *env, struct obuf *b);

#endif
