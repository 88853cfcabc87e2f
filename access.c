/* access.c: the one access decision. In order: the Host must name this
 * server (an address, localhost, its own name, or --allow-host), so a
 * page that re-points its own name at us (DNS rebinding) is refused;
 * where the request comes from (a trusted proxy's X-Forwarded-For);
 * a route that changes something or opens a WebSocket refuses a foreign
 * origin; then who is asking, and whether that is enough, for the
 * camera the route serves too. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "auth.h"
#include "config.h"
#include "http.h"
#include "util.h"

enum { VERIFY_WAIT_US = 10000000 };	/* longest a request waits for it */

static const char challenge[] =
	"WWW-Authenticate: Basic realm=\"rerocctv\", charset=\"UTF-8\"\r\n";

static int is_address(const char *h, size_t n)
{
	unsigned char a[16];
	char buf[64];

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, h, n);
	buf[n] = 0;
	return inet_pton(AF_INET, buf, a) == 1 ||
	       inet_pton(AF_INET6, buf, a) == 1;
}

/* The host of a Host value: "[::1]:80" is ::1, "cam.local.:80" is
 * cam.local. */
static void host_part(const char **h, size_t *n)
{
	const char *p = *h, *e;
	size_t len = *n, i;

	if (len && p[0] == '[' && (e = memchr(p, ']', len))) {
		*h = p + 1;
		*n = (size_t)(e - p - 1);
		return;
	}
	for (i = len; i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9'; i--)
		;
	if (i > 0 && p[i - 1] == ':')
		len = i - 1;
	if (len > 0 && p[len - 1] == '.')
		len--;
	*n = len;
}

static int name_is(const char *h, size_t n, const char *name, size_t len)
{
	return len == n && strncasecmp(h, name, n) == 0;
}

/* Is this a name of ours: localhost, the machine's name (whole, its
 * first label, either with .local) or an --allow-host name? */
static int our_name(const struct config *cfg, const char *h, size_t n)
{
	const char *name = cfg->hostname, *dot = strchr(name, '.');
	size_t full = strlen(name), first = dot ? (size_t)(dot - name) : full;
	int i;

	if (name_is(h, n, "localhost", 9))
		return 1;
	if (full && (name_is(h, n, name, full) || name_is(h, n, name, first) ||
		     (n > 6 && name_is(h + n - 6, 6, ".local", 6) &&
		      (name_is(h, n - 6, name, full) ||
		       name_is(h, n - 6, name, first)))))
		return 1;
	for (i = 0; i < cfg->nhosts; i++)
		if (name_is(h, n, cfg->hosts[i], strlen(cfg->hosts[i])))
			return 1;
	return 0;
}

/* Does the request name this server? A browser always sends Host, so a
 * request without one (HTTP/1.0) is a program, not a rebinding page. */
static int host_ok(const struct config *cfg, const struct http_req *r)
{
	const char *h;
	size_t n = 0;

	if (r->authority) {
		h = r->authority;
		n = r->authority_len;
	} else if (!(h = http_header(r, "Host", &n))) {
		return 1;
	}
	host_part(&h, &n);
	return is_address(h, n) || our_name(cfg, h, n);
}

void access_client(const struct config *cfg, const char *peer_addr,
		   const unsigned char peer_key[16], const struct http_req *r,
		   struct from *client, int *secure)
{
	const char *tp = cfg->trust_proxy, *v, *p;
	size_t n = 0, i;
	int k;

	snprintf(client->addr, sizeof(client->addr), "%s", peer_addr);
	memcpy(client->key, peer_key, sizeof(client->key));
	*secure = 0;
	if (!tp || strcmp(peer_addr, tp) != 0)
		return;
	/* The last X-Forwarded-For line, its last item: what the proxy
	 * itself saw (earlier ones come from the client, who may lie). */
	for (k = 0, v = NULL; k < r->nh; k++)
		if (r->h[k].name_len == 15 &&
		    strncasecmp(r->h[k].name, "X-Forwarded-For", 15) == 0) {
			v = r->h[k].value;
			n = r->h[k].value_len;
		}
	if (v) {
		char a[48];

		for (i = n; i > 0 && v[i - 1] != ','; i--)
			;
		for (p = v + i; p < v + n && *p == ' '; p++)
			;
		if ((size_t)(v + n - p) < sizeof(a)) {
			memcpy(a, p, (size_t)(v + n - p));
			a[v + n - p] = 0;
			if (addr_key(a, client->key) == 0)
				snprintf(client->addr, sizeof(client->addr),
					 "%s", a);
		}
	}
	v = http_header(r, "X-Forwarded-Proto", &n);
	*secure = v && n == 5 && strncasecmp(v, "https", 5) == 0;
}

int access_origin_allowed(const struct config *cfg, const struct http_req *r,
			  const char *o, unsigned long olen)
{
	size_t hlen = 0;
	const char *host = http_header(r, "Host", &hlen);
	int i;

	for (i = 0; i < cfg->norigins; i++) {
		const char *a = cfg->origins[i];

		if (strcmp(a, "*") == 0 ||
		    (strlen(a) == olen && strncasecmp(a, o, olen) == 0))
			return 1;
	}
	if (!host)
		return 0;
	if (olen == 7 + hlen && strncasecmp(o, "http://", 7) == 0 &&
	    strncasecmp(o + 7, host, hlen) == 0)
		return 1;
	return olen == 8 + hlen && strncasecmp(o, "https://", 8) == 0 &&
	       strncasecmp(o + 8, host, hlen) == 0;
}

/* An allowed foreign origin may read what we answer: say so to it. */
static void cors(const struct config *cfg, const struct http_req *r,
		 char *extra, size_t sz)
{
	size_t olen = 0;
	const char *o = http_header(r, "Origin", &olen);
	int i;

	extra[0] = 0;
	if (!o || olen > 128)
		return;
	for (i = 0; i < cfg->norigins; i++) {
		const char *a = cfg->origins[i];

		if (strcmp(a, "*") == 0 ||
		    (strlen(a) == olen && strncasecmp(a, o, olen) == 0)) {
			snprintf(extra, sz, "Access-Control-Allow-Origin: "
				 "%.*s\r\nVary: Origin\r\n", (int)olen, o);
			return;
		}
	}
}

/* Is the request from a page of another origin? A request without
 * Origin is from a program, unless the browser's Sec-Fetch-Site says it
 * came from somewhere else. */
static int foreign(const struct config *cfg, const struct http_req *r)
{
	size_t olen = 0, n = 0;
	const char *o = http_header(r, "Origin", &olen);
	const char *site = http_header(r, "Sec-Fetch-Site", &n);

	if (o)
		return !access_origin_allowed(cfg, r, o, olen);
	return site && !(n == 11 && strncasecmp(site, "same-origin", 11) == 0)
	       && !(n == 4 && strncasecmp(site, "none", 4) == 0);
}

static int is_json(const struct http_req *r)
{
	size_t n = 0;
	const char *t = http_header(r, "Content-Type", &n);

	return t && n >= 16 && strncasecmp(t, "application/json", 16) == 0 &&
	       (n == 16 || t[16] == ';' || t[16] == ' ');
}

int64_t access_wait(int64_t now, int64_t held_since, int64_t until)
{
	int64_t since = held_since ? held_since : now;

	if (now - since >= VERIFY_WAIT_US)
		return 0;
	/* Ten seconds all told, however often it runs again meanwhile. */
	return MIN(until, since + VERIFY_WAIT_US);
}

/* The answer v gives: status, words, header lines. */
static void refuse(struct access_verdict *v, int status, const char *why,
		   const char *headers)
{
	v->status = status;
	v->reason = why;
	snprintf(v->headers, sizeof(v->headers), "%s", headers ? headers : "");
}

/* Holds the request until `until` (a check under way, an address slowed
 * down), or, past the longest wait, answers 503. */
static void hold(const struct access_ask *a, struct access_verdict *v,
		 int64_t until)
{
	if (!(v->hold_until = access_wait(a->now, a->held_since, until)))
		refuse(v, 503, "the password check takes too long",
		       "Retry-After: 5\r\n");
}

/* Who is asking: v->who, or an answer, or a hold. */
static void identify(const struct access_ask *a, struct access_verdict *v)
{
	const char *h, *why = NULL;
	int64_t retry = 0;
	size_t n = 0;

	memset(&v->who, 0, sizeof(v->who));
	if (a->token) {
		if (a->auth && auth_share(a->auth, a->token, &v->who,
					  &why) == 0)
			return;
		refuse(v, 403, why && !strcmp(why, "expired") ?
		       "this share link has expired" :
		       "this share link is not valid", NULL);
		return;
	}
	if (!a->auth) {
		v->who.via = VIA_OPEN;
		v->who.role = ROLE_ADMIN;
		return;
	}
	if ((h = http_header(a->r, "Cookie", &n)) &&
	    auth_session(a->auth, h, n, &v->who) == 0)
		return;
	if (!(h = http_header(a->r, "Authorization", &n)))
		return;			/* nobody */
	switch (auth_basic(a->auth, h, n, a->client, a->now, &v->who,
			   &retry)) {
	case V_OK:
		return;
	case V_PENDING:
		hold(a, v, a->now + VERIFY_WAIT_US);
		return;
	case V_SLOW:
		hold(a, v, retry);
		return;
	case V_BUSY:
		refuse(v, 503, "too many password checks at once",
		       "Retry-After: 1\r\n");
		return;
	default:
		refuse(v, 401, "wrong user name or password", challenge);
	}
}

void access_decide(const struct access_ask *a, struct access_verdict *v)
{
	const struct http_req *r = a->r;
	size_t olen = 0;
	const char *o = http_header(r, "Origin", &olen);

	memset(v, 0, sizeof(*v));
	if (!host_ok(a->cfg, r)) {
		refuse(v, 421, "this server does not answer to that name "
		       "(see --allow-host)", NULL);
		return;
	}
	if ((a->flags & ACC_OWN_ORIGIN) && o &&
	    !access_origin_allowed(a->cfg, r, o, olen)) {
		refuse(v, 403, "origin not allowed (see --allow-origin)", NULL);
		return;
	}
	if ((a->flags & ACC_CHANGES) && foreign(a->cfg, r)) {
		refuse(v, 403, "a change from another site's page is refused",
		       NULL);
		return;
	}
	if ((a->flags & ACC_CHANGES) && !is_json(r)) {
		refuse(v, 415, "send application/json", NULL);
		return;
	}
	identify(a, v);
	if (v->status || v->hold_until)
		return;
	if ((int)v->who.role >= (int)a->need) {
		/* Known, and enough: but an account or a link may be
		 * limited to some cameras. */
		if (a->camera && !auth_may_see(&v->who, a->camera)) {
			refuse(v, 403, "not allowed to see this camera", NULL);
			return;
		}
		cors(a->cfg, r, v->headers, sizeof(v->headers));
		return;
	}
	if (v->who.via == VIA_NONE)
		refuse(v, 401, "log in, or send Basic credentials", challenge);
	else
		refuse(v, 403, a->need == NEED_ADMIN ? "this needs an admin" :
		       "not allowed", NULL);
}
