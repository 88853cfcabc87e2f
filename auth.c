/* auth.c: who is asking. Password verification on a thread of its own,
 * the verdicts it gave, share links, the accounts' generation; the
 * sessions' table is session.c's, and guess.c counts the checks each
 * address and user cost, slowing the ones that fail too often.
 *
 * A credential is keyed by an HMAC of what was presented under a key made
 * at start (never the password itself): the first time, the verifier
 * thread runs PBKDF2 and the poll thread stays free; the verdict is then
 * kept (good ones 10 minutes, bad ones 30 seconds), so an MJPEG client
 * reconnecting with the same Basic header costs nothing. An unknown user
 * is verified against a made-up hash: the same work, the same answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "account.h"
#include "auth.h"
#include "base64.h"
#include "camera.h"
#include "guess.h"
#include "mailbox.h"
#include "session.h"
#include "sha256.h"
#include "share.h"
#include "util.h"

enum {
	CACHE_N = 64,
	CACHE_OK_US = 600000000,	/* 10 min */
	CACHE_BAD_US = 30000000,
	PENDING_US = 30000000,		/* a verdict lost on the way */
	QUEUE_N = 16
};

struct verdict_entry {
	unsigned char key[32];
	enum verdict v;			/* V_OK, V_BAD or V_PENDING */
	int64_t until;			/* monotonic µs; 0 = free slot */
	unsigned gen;			/* the accounts it was judged by */
	int once;			/* a login's: serves one request */
	char name[ACCOUNT_NAME_MAX + 1];
	enum role role;
	struct cam_list cams;
	unsigned char tag[32];
};

/* A check for the verifier. What it was charged to comes along, so the
 * poll thread can settle the charge when the verdict is back. */
struct job {
	unsigned char key[32];
	char pass[ACCOUNT_PASS_MAX];
	size_t plen;
	unsigned long iter;
	unsigned char salt[ACCOUNT_SALT], want[32];
	int known;
	unsigned gen;
	struct from from;
	char user[ACCOUNT_NAME_MAX + 1];
	enum verdict result;
};

struct auth {
	char file[512], secret_file[512];
	struct user *users;
	int nusers;
	unsigned char secret[32];
	int have_secret;
	int64_t secret_tried;
	unsigned char pepper[32];	/* keys credentials in the cache */
	unsigned gen;			/* the accounts' generation: one
					   more at every reload */
	uint64_t checks;		/* password checks queued */
	struct verdict_entry cache[CACHE_N];
	struct sessions sessions;
	struct guesses guesses;		/* failures per address and user */
	struct user nobody;		/* verified for unknown users */

	/* The verifier: checks in, verdicts out, through the mailbox. */
	struct mailbox *mb;
	pthread_t th;
	int started;
};

static const struct user *find_user(const struct auth *a, const char *name,
				    size_t n)
{
	int i;

	for (i = 0; i < a->nusers; i++)
		if (strlen(a->users[i].name) == n &&
		    memcmp(a->users[i].name, name, n) == 0)
			return &a->users[i];
	return NULL;
}


uint64_t auth_checks(const struct auth *a)
{
	return a ? a->checks : 0;
}

const char *auth_role_name(enum role r)
{
	return r == ROLE_ADMIN ? "admin" : r == ROLE_VIEWER ? "viewer" : "none";
}

static int64_t real_s(void)
{
	return now_us() / 1000000;
}

/* The verifier thread */

static void *verifier(void *arg)
{
	struct auth *a = arg;
	unsigned char got[32];
	struct job *j;

	while ((j = mailbox_take(a->mb, 1)) != NULL) {
		pbkdf2_sha256(j->pass, j->plen, j->salt, ACCOUNT_SALT, j->iter,
			      got, sizeof(got));
		/* Both checks always run: an unknown user takes as long. */
		j->result = (ct_equal(got, j->want, 32) & j->known) ? V_OK :
			    V_BAD;
		memset(j->pass, 0, sizeof(j->pass));
		mailbox_answer(a->mb, j);
	}
	return NULL;
}

int auth_wake_fd(const struct auth *a)
{
	return mailbox_wake_fd(a->mb);
}

static struct verdict_entry *cache_find(struct auth *a,
					const unsigned char key[32],
					int64_t now)
{
	int i;

	for (i = 0; i < CACHE_N; i++) {
		struct verdict_entry *e = &a->cache[i];

		if (e->until && e->gen == a->gen &&
		    (e->v == V_PENDING ? now - e->until < PENDING_US :
		     e->until > now) && ct_equal(e->key, key, 32))
			return e;
	}
	return NULL;
}

/* A slot for a new verdict: a free or expired one, else the one that
 * expires first (never one being verified). */
static struct verdict_entry *cache_slot(struct auth *a, int64_t now)
{
	struct verdict_entry *best = NULL;
	int i;

	for (i = 0; i < CACHE_N; i++) {
		struct verdict_entry *e = &a->cache[i];

		if (e->v == V_PENDING && e->until &&
		    now - e->until < PENDING_US)
			continue;
		if (!e->until || e->until <= now || e->gen != a->gen)
			return e;
		if (!best || e->until < best->until)
			best = e;
	}
	return best;
}

void auth_collect(struct auth *a)
{
	int64_t now = mono_us();
	struct job j;
	uint64_t tag;

	mailbox_woken(a->mb);
	while (mailbox_next(a->mb, &tag, &j)) {
		int stale = j.gen != a->gen;
		struct verdict_entry *e;
		int k;

		guess_settle(&a->guesses, &j.from, j.user, j.known,
			     stale ? GUESS_STALE :
			     j.result == V_OK ? GUESS_GOOD : GUESS_BAD, now);
		for (k = 0, e = NULL; k < CACHE_N && !e; k++)
			if (a->cache[k].until && a->cache[k].v == V_PENDING &&
			    a->cache[k].gen == j.gen &&
			    ct_equal(a->cache[k].key, j.key, 32))
				e = &a->cache[k];
		if (!e)
			continue;
		if (stale) {
			/* Judged by accounts since reloaded: the request
			 * waiting for it asks again, of the new ones. */
			memset(e, 0, sizeof(*e));
			continue;
		}
		e->v = j.result;
		e->until = now + (e->v == V_OK ? CACHE_OK_US : CACHE_BAD_US);
	}
	memset(&j, 0, sizeof(j));
}

/* Verification */

static void credential_key(const struct auth *a, const char *kind,
			   const char *p, size_t n, const char *q, size_t qn,
			   unsigned char key[32])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, a->pepper, sizeof(a->pepper));
	hmac_sha256_update(&h, kind, strlen(kind) + 1);
	hmac_sha256_update(&h, p, n);
	hmac_sha256_update(&h, "", 1);
	hmac_sha256_update(&h, q, qn);
	hmac_sha256_final(&h, key);
}

static void who_user(struct who *w, enum via via, const char *name,
		     enum role role, const struct cam_list *cams,
		     const unsigned char tag[32])
{
	memset(w, 0, sizeof(*w));
	w->via = via;
	w->role = role;
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->cams = *cams;
	memcpy(w->cred, tag, 32);
}

/* The one path for a user name and password: a kept verdict, the
 * address's penalty, or a new check for the verifier, charged when it is
 * queued. once: the verdict serves one request (a login). */
static enum verdict verify(struct auth *a, const char *kind, int once,
			   const char *user, size_t ulen, const char *pass,
			   size_t plen, const struct from *from, int64_t now,
			   struct who *w, int64_t *retry)
{
	char name[ACCOUNT_NAME_MAX + 1];
	unsigned char key[32];
	struct verdict_entry *e;
	const struct user *u;
	enum verdict v;
	struct job j;
	int busy;

	credential_key(a, kind, user, ulen, pass, plen, key);
	if ((e = cache_find(a, key, now)) != NULL) {
		v = e->v;
		if (v == V_OK)
			who_user(w, VIA_BASIC, e->name, e->role, &e->cams,
				 e->tag);
		if (v != V_PENDING && e->once)
			memset(e, 0, sizeof(*e));
		return v;
	}
	if (plen >= ACCOUNT_PASS_MAX || !account_valid_name(user, ulen))
		return V_BAD;
	memcpy(name, user, ulen);
	name[ulen] = 0;
	if ((*retry = guess_slowed(&a->guesses, from, name, now)) != 0)
		return V_SLOW;
	/* Verdicts waiting for the poll thread hold their slot too: the
	 * verifier never has to drop one. */
	if (!(e = cache_slot(a, now)))
		return V_BUSY;
	u = find_user(a, user, ulen);
	memset(&j, 0, sizeof(j));
	memcpy(j.key, key, 32);
	memcpy(j.pass, pass, plen);
	j.plen = plen;
	j.known = u != NULL;
	j.gen = a->gen;
	j.from = *from;
	memcpy(j.user, name, ulen + 1);
	if (!u)
		u = &a->nobody;
	j.iter = u->iter;
	memcpy(j.salt, u->salt, ACCOUNT_SALT);
	memcpy(j.want, u->key, 32);
	busy = mailbox_post(a->mb, 0, &j, now) != 0;
	memset(&j, 0, sizeof(j));
	if (busy)
		return V_BUSY;
	guess_charge(&a->guesses, from, name, now);
	a->checks++;
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, 32);
	e->v = V_PENDING;
	e->until = now;
	e->gen = a->gen;
	e->once = once;
	snprintf(e->name, sizeof(e->name), "%s", u->name);
	e->role = u->role;
	e->cams = u->cams;
	memcpy(e->tag, u->tag, 32);
	return V_PENDING;
}

enum verdict auth_basic(struct auth *a, const char *hdr, size_t n,
			const struct from *from, int64_t now, struct who *w,
			int64_t *retry)
{
	unsigned char dec[ACCOUNT_PASS_MAX + ACCOUNT_NAME_MAX + 2];
	const char *colon;
	long len;

	while (n > 0 && *hdr == ' ')
		hdr++, n--;
	if (n < 7 || strncasecmp(hdr, "Basic ", 6) != 0)
		return V_BAD;
	hdr += 6;
	n -= 6;
	while (n > 0 && *hdr == ' ')
		hdr++, n--;
	if (n == 0 || n / 4 * 3 > sizeof(dec) ||
	    (len = base64_decode(hdr, n, dec)) < 0)
		return V_BAD;
	colon = memchr(dec, ':', (size_t)len);
	if (!colon)
		return V_BAD;
	return verify(a, "basic", 0, (const char *)dec,
		      (size_t)(colon - (const char *)dec), colon + 1,
		      (size_t)((const char *)dec + len - colon - 1), from, now,
		      w, retry);
}

enum verdict auth_login(struct auth *a, const char *user, size_t ulen,
			const char *pass, size_t plen,
			const struct from *from, int64_t now, struct who *w,
			int64_t *retry)
{
	return verify(a, "login", 1, user, ulen, pass, plen, from, now, w,
		      retry);
}

/* Sessions */

int auth_session_new(struct auth *a, struct who *w, char id_hex[33])
{
	return session_new(&a->sessions, a->gen, real_s(), w, id_hex);
}

/* The live session a Cookie header value names, or NULL. */
static struct session *cookie_session(struct auth *a, const char *v,
				      size_t n)
{
	unsigned char id[16];

	if (session_cookie(v, n, id) != 0)
		return NULL;
	return session_find(&a->sessions, a->gen, real_s(), id);
}

int auth_session(struct auth *a, const char *v, size_t n, struct who *w)
{
	struct session *s = cookie_session(a, v, n);

	if (!s)
		return -1;
	who_user(w, VIA_SESSION, s->name, s->role, &s->cams, s->tag);
	memset(w->cred, 0, sizeof(w->cred));
	memcpy(w->cred, s->id, 16);
	return 0;
}

void auth_session_end(struct auth *a, const char *v, size_t n)
{
	struct session *s = cookie_session(a, v, n);

	if (s)
		memset(s, 0, sizeof(*s));
}

/* Loads the secret if it exists (create: makes it if not). */
static int get_secret(struct auth *a, int create, char *err, size_t errsz)
{
	int r = account_secret(a->secret_file, a->secret, create, err, errsz);

	if (r >= 0)
		a->have_secret = r;
	return r < 0 ? -1 : 0;
}

static void who_share(struct who *w, const struct share *sh)
{
	memset(w, 0, sizeof(*w));
	w->via = VIA_SHARE;
	w->role = ROLE_VIEWER;
	w->max_q = sh->max_q;
	w->cam_tag = sh->camera;
	snprintf(w->name, sizeof(w->name), "share:%s", sh->id);
	memcpy(w->cred, sh->raw, SHARE_BYTES);
}

int auth_share(struct auth *a, const char *s, struct who *w,
	       const char **why)
{
	int64_t now = mono_us();
	struct share sh;
	char err[256];

	*why = "not valid";
	/* A secret made by `rerocctv share` while we run: look for it once
	 * a second rather than wait for SIGHUP. */
	if (!a->have_secret && now - a->secret_tried > 1000000) {
		a->secret_tried = now;
		if (get_secret(a, 0, err, sizeof(err)) != 0)
			logmsg("%s", err);
	}
	if (!a->have_secret ||
	    share_check(a->secret, s, real_s(), &sh, why) != 0)
		return -1;
	who_share(w, &sh);
	return 0;
}

/* A new link's token, expiring in secs, limited to max_q and to the
 * camera named camera (NULL: every one). */
static int new_token(const unsigned char secret[32], int64_t secs, int max_q,
		     const char *camera, char out[AUTH_TOKEN_HEX + 1],
		     char *err, size_t errsz)
{
	unsigned char id[6];

	if (random_bytes(id, sizeof(id)) != 0) {
		snprintf(err, errsz, "no random bytes: %s", strerror(errno));
		return -1;
	}
	share_make(secret, real_s() + secs, max_q,
		   camera ? share_camera_tag(camera) : 0, id, out);
	return 0;
}

int auth_share_new(struct auth *a, int64_t secs, int max_q,
		   const char *camera, char out[AUTH_TOKEN_HEX + 1],
		   char *err, size_t errsz)
{
	if (!a->have_secret && get_secret(a, 1, err, errsz) != 0)
		return -1;
	return new_token(a->secret, secs, max_q, camera, out, err, errsz);
}

int auth_may_see(const struct who *w, const char *camera)
{
	int i;

	if (!camera)
		return !w->cam_tag && !w->cams.n;
	if (w->cam_tag && share_camera_tag(camera) != w->cam_tag)
		return 0;
	if (!w->cams.n)
		return 1;
	for (i = 0; i < w->cams.n; i++)
		if (strcmp(w->cams.name[i], camera) == 0)
			return 1;
	return 0;
}

int auth_still(struct auth *a, const struct who *w)
{
	const struct user *u;
	const char *why;
	struct share sh;
	char t[SHARE_HEX + 1];

	switch (w->via) {
	case VIA_BASIC:
		u = find_user(a, w->name, strlen(w->name));
		return u && memcmp(u->tag, w->cred, 32) == 0;
	case VIA_SESSION:
		return session_find(&a->sessions, a->gen, real_s(),
				    w->cred) != NULL;
	case VIA_SHARE:
		hex_encode(w->cred, SHARE_BYTES, t);
		return a->have_secret &&
		       share_check(a->secret, t, real_s(), &sh, &why) == 0;
	default:
		return 1;
	}
}

int auth_cameras_check(const struct camera *cams, int n, char *err,
		       size_t errsz)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (share_camera_tag(cams[i].name) ==
			    share_camera_tag(cams[j].name)) {
				snprintf(err, errsz, "cameras %s and %s have "
					 "the same share link tag: rename one",
					 cams[i].name, cams[j].name);
				return -1;
			}
	return 0;
}

/* Open, reload, close */

static void set_paths(struct auth *a, const char *file,
		      const char *secret_file)
{
	snprintf(a->file, sizeof(a->file), "%s", file);
	if (secret_file)
		snprintf(a->secret_file, sizeof(a->secret_file), "%s",
			 secret_file);
	else
		snprintf(a->secret_file, sizeof(a->secret_file), "%s.secret",
			 file);
}

struct auth *auth_open(const char *file, const char *secret_file,
		       char *err, size_t errsz)
{
	struct auth *a = calloc(1, sizeof(*a));

	if (!a) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	set_paths(a, file, secret_file);
	if (account_load(a->file, &a->users, &a->nusers, err, errsz) != 0 ||
	    get_secret(a, 0, err, errsz) != 0)
		goto fail;
	a->nobody.iter = AUTH_ITERATIONS;
	if (random_bytes(a->pepper, sizeof(a->pepper)) != 0 ||
	    random_bytes(a->nobody.salt, ACCOUNT_SALT) != 0 ||
	    random_bytes(a->nobody.key, 32) != 0) {
		snprintf(err, errsz, "no random bytes: %s", strerror(errno));
		goto fail;
	}
	if (!(a->mb = mailbox_new(QUEUE_N, sizeof(struct job), 0))) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	if (pthread_create(&a->th, NULL, verifier, a) != 0) {
		snprintf(err, errsz, "cannot start the verifier thread");
		goto fail;
	}
	a->started = 1;
	return a;
fail:
	auth_close(a);
	return NULL;
}

int auth_reload(struct auth *a, char *err, size_t errsz)
{
	struct user *users;
	unsigned char old[32];
	int n, i, had = a->have_secret;

	if (account_load(a->file, &users, &n, err, errsz) != 0)
		return -1;
	memcpy(old, a->secret, 32);
	if (get_secret(a, 0, err, errsz) != 0) {
		free(users);
		memcpy(a->secret, old, 32);
		a->have_secret = had;
		return -1;
	}
	free(a->users);
	a->users = users;
	a->nusers = n;
	/* Verdicts were given, and checks under way were started, under the
	 * old file: a new generation leaves them behind (a check coming back
	 * from it is dropped, and its request asks again). */
	a->gen++;
	for (i = 0; i < CACHE_N; i++)
		if (a->cache[i].v != V_PENDING)
			memset(&a->cache[i], 0, sizeof(a->cache[i]));
	/* A session carries over when its user's line is unchanged. */
	session_reload(&a->sessions, a->gen, users, n);
	return 0;
}

void auth_close(struct auth *a)
{
	if (!a)
		return;
	if (a->started) {
		mailbox_stop(a->mb);
		pthread_join(a->th, NULL);
	}
	mailbox_free(a->mb);
	free(a->users);
	memset(a, 0, sizeof(*a));
	free(a);
}

int auth_token_offline(const char *file, const char *secret_file,
		       int64_t secs, int max_q, const char *camera,
		       char out[AUTH_TOKEN_HEX + 1], char *err, size_t errsz)
{
	struct auth a;

	memset(&a, 0, sizeof(a));
	set_paths(&a, file, secret_file);
	if (get_secret(&a, 1, err, errsz) != 0)
		return -1;
	return new_token(a.secret, secs, max_q, camera, out, err, errsz);
}
