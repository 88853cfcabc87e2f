/* session.c: the session table. A session is live until it expires or
 * the accounts it was made under are read again without its user's line
 * as it was. Ids come from random_bytes(); nothing else is allocated. */
#include <stdio.h>
#include <string.h>

#include "session.h"
#include "sha256.h"
#include "util.h"

static int session_live(const struct session *s, unsigned gen, int64_t now)
{
	return s->expires > now && s->gen == gen;
}

int session_new(struct sessions *t, unsigned gen, int64_t now,
		struct who *w, char id_hex[33])
{
	struct session *s = NULL, *oldest = NULL;
	int i, mine = 0;

	for (i = 0; i < AUTH_SESSIONS; i++) {
		struct session *o = &t->slot[i];

		if (!session_live(o, gen, now)) {
			if (!s)
				s = o;
		} else if (strcmp(o->name, w->name) == 0) {
			mine++;
			if (!oldest || o->expires < oldest->expires)
				oldest = o;
		}
	}
	/* Never someone else's: a user beyond the cap ends their own
	 * oldest; a full table refuses. */
	if (mine >= AUTH_USER_SESSIONS)
		s = oldest;
	if (!s)
		return -1;
	if (random_bytes(s->id, sizeof(s->id)) != 0) {
		memset(s, 0, sizeof(*s));
		return -2;
	}
	snprintf(s->name, sizeof(s->name), "%s", w->name);
	s->role = w->role;
	s->cams = w->cams;
	memcpy(s->tag, w->cred, 32);
	s->gen = gen;
	s->expires = now + AUTH_SESSION_S;
	hex_encode(s->id, sizeof(s->id), id_hex);
	w->via = VIA_SESSION;
	memset(w->cred, 0, sizeof(w->cred));
	memcpy(w->cred, s->id, sizeof(s->id));
	return 0;
}

int session_cookie(const char *v, size_t n, unsigned char id[16])
{
	static const char name[] = "rerocctv_session=";
	size_t i = 0, k = sizeof(name) - 1;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == ';'))
			i++;
		if (n - i >= k + 32 && memcmp(v + i, name, k) == 0 &&
		    (n - i == k + 32 || v[i + k + 32] == ';' ||
		     v[i + k + 32] == ' '))
			return hex_decode(v + i + k, 16, id);
		while (i < n && v[i] != ';')
			i++;
	}
	return -1;
}

struct session *session_find(struct sessions *t, unsigned gen, int64_t now,
			     const unsigned char id[16])
{
	struct session *found = NULL;
	int i;

	for (i = 0; i < AUTH_SESSIONS; i++)
		if (ct_equal(t->slot[i].id, id, 16) &&
		    session_live(&t->slot[i], gen, now))
			found = &t->slot[i];
	return found;
}

void session_reload(struct sessions *t, unsigned gen,
		    const struct user *users, int n)
{
	int i, j;

	for (i = 0; i < AUTH_SESSIONS; i++) {
		struct session *s = &t->slot[i];

		if (!s->expires || s->gen != gen - 1)
			continue;
		for (j = 0; j < n && !(strcmp(users[j].name, s->name) == 0 &&
				       !memcmp(users[j].tag, s->tag, 32)); j++)
			;
		if (j == n)
			memset(s, 0, sizeof(*s));
		else
			s->gen = gen;
	}
}
