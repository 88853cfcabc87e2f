/* access.c: the one access decision. In order: the Host must name this
 * server (an address, localhost, its own name, or --allow-host), so a
 * page that re-points its own name at us (DNS rebinding) is refused;
 * where the request comes from (a trusted proxy's X-Forwarded-For);
 * a route that changes something or opens a WebSocket refuses a foreign
 * origin; then who is asking, and whether that is enough. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "auth.h"
#include "conn.h"
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
static int host_ok(const struct conn *c, const struct http_req *r)
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
	return is_address(h, n) || our_name(c->env->cfg, h, n);
}

void access_from(struct conn *c, const struct http_req *r)
{
	const char *tp = c->env->cfg->trust_proxy, *v, *p;
	size_t n = 0, i;
	int k;

	snprintf(c->client.addr, sizeof(c->client.addr), "%s", c->peer.addr);
	memcpy(c->client.key, c->peer.key, sizeof(c->client.key));
	c->secure = 0;
	if (!tp || strcmp(c->peer.addr, tp) != 0)
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
			if (addr_key(a, c->client.key) == 0)
				snprintf(c->client.addr,
					 sizeof(c->client.addr), "%s", a);
		}
	}
	v = http_header(r, "X-Forwarded-Proto", &n);
	c->secure = v && n == 5 && strncasecmp(v, "https", 5) == 0;
}

int access_origin_allowed(const struct conn *c, const struct http_req *r,
			  const char *o, unsigned long olen)
{
	const struct config *cfg = c->env->cfg;
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
static void cors(struct conn *c, const struct http_req *r)
{
	size_t olen = 0;
	const char *o = http_header(r, "Origin", &olen);
	const struct config *cfg = c->env->cfg;
	int i;

	c->extra[0] = 0;
	if (!o || olen > 128)
		return;
	for (i = 0; i < cfg->norigins; i++) {
		const char *a = cfg->origins[i];

		if (strcmp(a, "*") == 0 ||
		    (strlen(a) == olen && strncasecmp(a, o, olen) == 0)) {
			snprintf(c->extra, sizeof(c->extra),
				 "Access-Control-Allow-Origin: %.*s\r\n"
				 "Vary: Origin\r\n", (int)olen, o);
			return;
		}
	}
}

/* Is the request from a page of another origin? A request without
 * Origin is from a program, unless the browser's Sec-Fetch-Site says it
 * came from somewhere else. */
static int foreign(const struct conn *c, const struct http_req *r)
{
	size_t olen = 0, n = 0;
	const char *o = http_header(r, "Origin", &olen);
	const char *site = http_header(r, "Sec-Fetch-Site", &n);

	if (o)
		return !access_origin_allowed(c, r, o, olen);
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

enum access_verdict access_hold(struct conn *c, int64_t until)
{
	int64_t since = c->held ? c->held_since : c->env->now;

	if (c->env->now - since >= VERIFY_WAIT_US) {
		conn_error(c, 503, "the password check takes too long",
			   "Retry-After: 5\r\n");
		return ACCESS_ANSWERED;
	}
	/* Ten seconds all told, however often it runs again meanwhile. */
	conn_hold_request(c, MIN(until, since + VERIFY_WAIT_US));
	return ACCESS_HELD;
}

/* Who is asking: fills c->who, or answers, or holds. */
static enum access_verdict identify(struct conn *c, const struct http_req *r,
				    const char *token)
{
	struct auth *a = c->env->auth;
	const char *v, *why = NULL;
	int64_t retry = 0;
	size_t n = 0;

	memset(&c->who, 0, sizeof(c->who));
	if (token) {
		if (a && auth_share(a, token, &c->who, &why) == 0)
			return ACCESS_GO;
		conn_error(c, 403, why && !strcmp(why, "expired") ?
			   "this share link has expired" :
			   "this share link is not valid", NULL);
		return ACCESS_ANSWERED;
	}
	if (!a) {
		c->who.via = VIA_OPEN;
		c->who.role = ROLE_ADMIN;
		return ACCESS_GO;
	}
	if ((v = http_header(r, "Cookie", &n)) &&
	    auth_session(a, v, n, &c->who) == 0)
		return ACCESS_GO;
	if (!(v = http_header(r, "Authorization", &n)))
		return ACCESS_GO;		/* nobody */
	switch (auth_basic(a, v, n, &c->client, c->env->now, &c->who,
			   &retry)) {
	case V_OK:
		return ACCESS_GO;
	case V_PENDING:
		return access_hold(c, c->env->now + VERIFY_WAIT_US);
	case V_SLOW:
		return access_hold(c, retry);
	case V_BUSY:
		conn_error(c, 503, "too many password checks at once",
			   "Retry-After: 1\r\n");
		return ACCESS_ANSWERED;
	default:
		conn_error(c, 401, "wrong user name or password", challenge);
		return ACCESS_ANSWERED;
	}
}

enum access_verdict access_decide(struct conn *c, const struct http_req *r,
				  const char *token, enum need need,
				  int flags)
{
	enum access_verdict v;
	size_t olen = 0;
	const char *o = http_header(r, "Origin", &olen);

	if (!host_ok(c, r)) {
		conn_error(c, 421, "this server does not answer to that name "
			   "(see --allow-host)", NULL);
		return ACCESS_ANSWERED;
	}
	cors(c, r);
	if ((flags & ACC_OWN_ORIGIN) && o &&
	    !access_origin_allowed(c, r, o, olen)) {
		conn_error(c, 403, "origin not allowed (see --allow-origin)",
			   NULL);
		return ACCESS_ANSWERED;
	}
	if ((flags & ACC_CHANGES) && foreign(c, r)) {
		conn_error(c, 403, "a change from another site's page is "
			   "refused", NULL);
		return ACCESS_ANSWERED;
	}
	if ((flags & ACC_CHANGES) && !is_json(r)) {
		conn_error(c, 415, "send application/json", NULL);
		return ACCESS_ANSWERED;
	}
	if ((v = identify(c, r, token)) != ACCESS_GO)
		return v;
	if ((int)c->who.role >= (int)need)
		return ACCESS_GO;
	if (c->who.via == VIA_NONE)
		conn_error(c, 401, "log in, or send Basic credentials",
			   challenge);
	else
		conn_error(c, 403, need == NEED_ADMIN ? "this needs an admin" :
			   "not allowed", NULL);
	return ACCESS_ANSWERED;
}
