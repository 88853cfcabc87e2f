/* session.c: the session table: who logged in, under a random id that a
 * cookie carries, for AUTH_SESSION_S; at most AUTH_USER_SESSIONS a user
 * and AUTH_SESSIONS in all. Poll thread only; no clock reads (the caller
 * gives the time, and the accounts' generation a session holds under). */
#ifndef SESSION_H
#define SESSION_H
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "auth.h"

struct session {
	unsigned char id[16];
	char name[48];
	enum role role;
	struct cam_list cams;		/* the user's, as the tag says */
	unsigned char tag[32];
	unsigned gen;			/* the accounts it holds under */
	int64_t expires;		/* CLOCK_REALTIME seconds; 0 free */
};

struct sessions {
	struct session slot[AUTH_SESSIONS];
};

/* A new session for w at now (wall clock seconds), under generation gen:
 * its id, 32 hex characters, in id_hex, and w becomes VIA_SESSION with
 * the id as its cred. A user's sessions are capped (the oldest of that
 * user's ends). -1 when the table is full of other users' sessions (none
 * is taken), -2 when there are no random bytes. */
int session_new(struct sessions *t, unsigned gen, int64_t now,
		struct who *w, char id_hex[33]);
/* The session id in a Cookie header value: 0, or -1 if it has none. */
int session_cookie(const char *v, size_t n, unsigned char id[16]);
/* The live session with id (every slot compared, so the time says
 * nothing of the id), or NULL. Ending it: zero it. */
struct session *session_find(struct sessions *t, unsigned gen, int64_t now,
			     const unsigned char id[16]);
/* The accounts were read again as generation gen (users[0..n)): a
 * session of the one before carries over when its user's line is
 * unchanged, the others end. */
void session_reload(struct sessions *t, unsigned gen,
		    const struct user *users, int n);

#endif
