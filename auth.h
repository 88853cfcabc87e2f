/* auth.c: who is asking. Accounts from --auth-file with PBKDF2 password
 * hashes verified on a thread of their own, the verdicts it gave (so a
 * Basic client costs one PBKDF2, not one per request), sessions (kept in
 * session.c), signed share tokens, and failures counted per address
 * (guess.c). Everything runs on the poll thread except the verifier,
 * which sees only its queue. */
#ifndef AUTH_H
#define AUTH_H
#include <stddef.h>
#include <stdint.h>

#include "camera.h"

enum role { ROLE_NONE, ROLE_VIEWER, ROLE_ADMIN };
enum via { VIA_NONE, VIA_OPEN, VIA_BASIC, VIA_SESSION, VIA_SHARE };

/* The cameras an account may see, by name (an accounts line's fourth
 * field); none named: every camera. */
struct cam_list {
	int n;
	char name[CAMERA_MAX][CAMERA_NAME_MAX + 1];
};

/* Who a request comes from, as decided. cred is what a reload checks
 * again: the account line's tag (Basic), the session id, the share
 * token. What it may see goes with it: ask auth_may_see(). */
struct who {
	enum via via;
	enum role role;
	char name[48];			/* "alice", "share:1a2b3c4d", "" */
	unsigned char cred[32];
	int max_q;			/* share link: highest quality, 0 any */
	struct cam_list cams;		/* an account's list (n 0: all) */
	uint32_t cam_tag;		/* a share link's camera (share.h's
					   tag of its name); 0: all */
};

enum {
	AUTH_ITERATIONS = 100000,	/* PBKDF2 rounds for new hashes */
	AUTH_SESSION_S = 7 * 24 * 3600,	/* a session lasts this long */
	AUTH_SESSIONS = 1024,		/* sessions at once, all users */
	AUTH_USER_SESSIONS = 16,	/* ... of one user: phones, laptops,
					   a wall display, and room to spare */
	AUTH_TOKEN_HEX = 64		/* a share token in the URL */
};

/* Where a request comes from, as far as guessing goes: the address for
 * the log, and its key, the one the connection limits use (an IPv4
 * address as v4-mapped IPv6, an IPv6 address by its /64). */
struct from {
	char addr[48];
	unsigned char key[16];
};

/* A verdict on a credential. */
enum verdict { V_OK, V_BAD, V_PENDING, V_BUSY, V_SLOW };

struct auth;

/* Loads the accounts (refused: a file others may read or write, a bad
 * line; err names the file and line) and the share secret, if its file
 * exists (secret_file NULL: FILE.secret); starts the verifier. NULL on
 * failure with err set. */
struct auth *auth_open(const char *file, const char *secret_file,
		       char *err, size_t errsz);
/* Reads both files again (SIGHUP). On failure the old ones stay. */
int auth_reload(struct auth *a, char *err, size_t errsz);
void auth_close(struct auth *a);	/* NULL is fine */

/* Readable when the verifier has verdicts; auth_collect() takes them. */
int auth_wake_fd(const struct auth *a);
void auth_collect(struct auth *a);

/* An `Authorization: Basic ...` value, from `from`, at monotonic time
 * now (µs). V_OK fills w; V_BAD (wrong, unknown user, or malformed: the
 * same answer); V_PENDING: being verified, ask again once auth_collect()
 * ran; V_BUSY: the verifier's queue is full; V_SLOW: this address (or
 * this address for this user) failed too often, or has enough checks
 * under way: ask again at *retry (µs). A check is charged as a failure
 * when it is queued and the charge taken back when it comes back good:
 * a success clears only its own user's count from that address, and a
 * verdict kept from an earlier check clears nothing. */
enum verdict auth_basic(struct auth *a, const char *hdr, size_t n,
			const struct from *from, int64_t now, struct who *w,
			int64_t *retry);
/* The same for a login's user and password. A login's verdict serves
 * that one request: logging in again costs a check of its own. */
enum verdict auth_login(struct auth *a, const char *user, size_t ulen,
			const char *pass, size_t plen,
			const struct from *from, int64_t now, struct who *w,
			int64_t *retry);

/* Sessions: a new one for w (its id, 32 hex characters, in id_hex): a
 * user's sessions are capped (AUTH_USER_SESSIONS: the oldest of that
 * user's ends); -1 when the table is full of other users' sessions (none
 * is taken) or no random bytes. The one a cookie value names, and
 * logout. */
int auth_session_new(struct auth *a, struct who *w, char id_hex[33]);
int auth_session(struct auth *a, const char *v, size_t n, struct who *w);
void auth_session_end(struct auth *a, const char *v, size_t n);

/* Share tokens: hex[0..AUTH_TOKEN_HEX) from a URL; 0 and w filled, or -1
 * with *why ("expired", "not valid"). auth_share_new() makes one for
 * secs seconds (max_q 0: any quality) showing the camera named camera
 * (NULL: every one; the caller has checked the name), creating the
 * secret file on first use; -1 with err set if it cannot. */
int auth_share(struct auth *a, const char *hex, struct who *w,
	       const char **why);
int auth_share_new(struct auth *a, int64_t secs, int max_q,
		   const char *camera, char hex[AUTH_TOKEN_HEX + 1],
		   char *err, size_t errsz);

/* After a reload: does w still hold, with the role and cameras it had? */
int auth_still(struct auth *a, const struct who *w);

/* May w see the camera named camera? An account that names cameras: the
 * ones it names; a share link for one camera: that one; anyone else
 * (an open server, nobody, an account or link for every camera): yes.
 * camera NULL asks about every camera, today's and any added later: yes
 * only when w has no limit. 1 or 0. */
int auth_may_see(const struct who *w, const char *camera);

/* For `rerocctv share` (no server running): a token from the secret,
 * which is made if it does not exist yet; camera as auth_share_new()
 * takes it. */
int auth_token_offline(const char *file, const char *secret_file,
		       int64_t secs, int max_q, const char *camera,
		       char hex[AUTH_TOKEN_HEX + 1], char *err, size_t errsz);

/* Do the tags share links name cams[0..n) by differ (share.h)? 0, or -1
 * with err naming two that do not: the caller refuses to start, since a
 * link for one would show the other. */
int auth_cameras_check(const struct camera *cams, int n, char *err,
		       size_t errsz);

/* Password checks queued since the start (each one a PBKDF2). */
uint64_t auth_checks(const struct auth *a);

const char *auth_role_name(enum role r);

#endif
