/* unit-access.c: the access decision as a table. Each row is a request
 * head, what its route needs and asks, and the verdict it must get:
 * status (0 goes on), the role and way in when it goes on, and a header
 * line the answer must carry. Rows run against a server with accounts
 * (alice admin, bob viewer, a share link, a session) and against an open
 * one. Then rows that ask for a camera, as a route about one does: carol
 * (a viewer) and dave (an admin) may see camera a only, and so may a
 * share link made for it; a version 1 link, from before cameras, sees
 * every one. Accounts are written with 1000 PBKDF2 rounds, so checks are
 * quick; a Basic check is run to its verdict the way the poll thread
 * does (the verdict is held, the wake descriptor polled, the answers
 * collected, the request asked again). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "account.h"
#include "auth.h"
#include "base64.h"
#include "config.h"
#include "http.h"
#include "sha256.h"
#include "share.h"
#include "util.h"
#include "unit.h"

static char dir[] = "unit-access.XXXXXX";
static char file[64];

/* Placeholders a row's head may hold, filled in before it is parsed. */
static char tok[AUTH_TOKEN_HEX + 1], tok_q50[AUTH_TOKEN_HEX + 1];
static char tok_a[AUTH_TOKEN_HEX + 1], tok_v1[AUTH_TOKEN_HEX + 1];
static char sid[33], sid_carol[33];

struct row {
	const char *what;
	int open;			/* against the open server */
	const char *head;		/* request line and headers; "@TOK",
					   "@T50", "@SID", "@ALICE",
					   "@BOB", "@WRONG", "@TKA", "@TV1",
					   "@CSID", "@CAROL", "@DAVE" are
					   filled */
	int token;			/* a /s/TOKEN/ prefix: 1 good, 2 the
					   q50 one, 3 forged, 4 camera a's,
					   5 version 1 */
	enum need need;
	int flags;
	int status;			/* 0: goes on */
	enum role role;			/* going on: as whom */
	enum via via;
	const char *header;		/* a line the answer carries, or NULL;
					   "!" first: must not */
};

#define GET(path) "GET " path " HTTP/1.1\r\n"
#define HOST "Host: cam:6732\r\n"
#define JSON "Content-Type: application/json\r\n"

static const struct row rows[] = {
	/* The Host: an address, localhost, our own name (whole, first
	 * label, .local), --allow-host; anything else is rebinding. */
	{ "Host an address", 0, GET("/") "Host: 192.168.1.20:6732\r\n", 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "Host an IPv6 address", 0, GET("/") "Host: [fe80::1]:6732\r\n", 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "Host localhost", 0, GET("/") "Host: localhost\r\n", 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "Host our name", 0, GET("/") HOST, 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "Host our full name", 0, GET("/") "Host: cam.lan\r\n", 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "Host our name .local", 0, GET("/") "Host: CAM.local\r\n", 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "Host --allow-host", 0, GET("/") "Host: cctv.example.org\r\n", 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "Host a stranger: rebinding", 0, GET("/") "Host: evil.example\r\n",
	  0, NEED_NOBODY, 0, 421, ROLE_NONE, VIA_NONE, NULL },
	{ "Host our name as a suffix", 0, GET("/") "Host: cam.evil.example\r\n",
	  0, NEED_NOBODY, 0, 421, ROLE_NONE, VIA_NONE, NULL },
	{ "absolute-form target names a stranger", 0,
	  "GET http://evil.example/ HTTP/1.1\r\n" HOST, 0,
	  NEED_NOBODY, 0, 421, ROLE_NONE, VIA_NONE, NULL },
	{ "HTTP/1.0 without Host: a program", 0, "GET / HTTP/1.0\r\n", 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "rebinding refused on the open server too", 1,
	  GET("/") "Host: evil.example\r\n", 0,
	  NEED_NOBODY, 0, 421, ROLE_NONE, VIA_NONE, NULL },

	/* Who: nobody, Basic, a session, a share link. */
	{ "nobody: the page", 0, GET("/") HOST, 0,
	  NEED_NOBODY, 0, 0, ROLE_NONE, VIA_NONE, NULL },
	{ "nobody: a stream needs a viewer", 0, GET("/stream") HOST, 0,
	  NEED_VIEWER, 0, 401, ROLE_NONE, VIA_NONE, "WWW-Authenticate: Basic" },
	{ "nobody: /state needs admin", 0, GET("/state") HOST, 0,
	  NEED_ADMIN, 0, 401, ROLE_NONE, VIA_NONE, "WWW-Authenticate: Basic" },
	{ "Basic viewer: a stream", 0, GET("/stream") HOST
	  "Authorization: @BOB\r\n", 0,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_BASIC, NULL },
	{ "Basic viewer: admin refused", 0, GET("/state") HOST
	  "Authorization: @BOB\r\n", 0,
	  NEED_ADMIN, 0, 403, ROLE_NONE, VIA_NONE, "!WWW-Authenticate" },
	{ "Basic admin: admin", 0, GET("/state") HOST
	  "Authorization: @ALICE\r\n", 0,
	  NEED_ADMIN, 0, 0, ROLE_ADMIN, VIA_BASIC, NULL },
	{ "Basic wrong password", 0, GET("/stream") HOST
	  "Authorization: @WRONG\r\n", 0,
	  NEED_VIEWER, 0, 401, ROLE_NONE, VIA_NONE, "WWW-Authenticate: Basic" },
	{ "Basic malformed", 0, GET("/stream") HOST
	  "Authorization: Basic !!!\r\n", 0,
	  NEED_VIEWER, 0, 401, ROLE_NONE, VIA_NONE, "WWW-Authenticate: Basic" },
	{ "Bearer is nobody's", 0, GET("/stream") HOST
	  "Authorization: Bearer abc\r\n", 0,
	  NEED_VIEWER, 0, 401, ROLE_NONE, VIA_NONE, NULL },
	{ "a session (alice)", 0, GET("/state") HOST
	  "Cookie: a=b; rerocctv_session=@SID\r\n", 0,
	  NEED_ADMIN, 0, 0, ROLE_ADMIN, VIA_SESSION, NULL },
	{ "an unknown session is nobody", 0, GET("/stream") HOST
	  "Cookie: rerocctv_session=00000000000000000000000000000000\r\n", 0,
	  NEED_VIEWER, 0, 401, ROLE_NONE, VIA_NONE, NULL },
	{ "a share link: a viewer", 0, GET("/s/@TOK/stream") HOST, 1,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_SHARE, NULL },
	{ "a share link: never admin", 0, GET("/s/@TOK/state") HOST, 1,
	  NEED_ADMIN, 0, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "a share link with a cap", 0, GET("/s/@T50/stream") HOST, 2,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_SHARE, NULL },
	{ "a forged share link", 0, GET("/s/@TOK/stream") HOST, 3,
	  NEED_VIEWER, 0, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "a share link beats Basic admin credentials", 0,
	  GET("/s/@TOK/state") HOST "Authorization: @ALICE\r\n", 1,
	  NEED_ADMIN, 0, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "a share link on an open server: refused", 1,
	  GET("/s/@TOK/stream") HOST, 1,
	  NEED_VIEWER, 0, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "open server: anyone is admin", 1, GET("/state") HOST, 0,
	  NEED_ADMIN, 0, 0, ROLE_ADMIN, VIA_OPEN, NULL },

	/* Origins: a WebSocket and a change refuse a foreign page. */
	{ "WebSocket from our own page", 0, GET("/websocket/80") HOST
	  "Origin: http://cam:6732\r\nAuthorization: @BOB\r\n", 0,
	  NEED_VIEWER, ACC_OWN_ORIGIN, 0, ROLE_VIEWER, VIA_BASIC, NULL },
	{ "WebSocket from our own page over TLS", 0, GET("/websocket/80")
	  HOST "Origin: https://cam:6732\r\nAuthorization: @BOB\r\n", 0,
	  NEED_VIEWER, ACC_OWN_ORIGIN, 0, ROLE_VIEWER, VIA_BASIC, NULL },
	{ "WebSocket from a foreign page", 0, GET("/websocket/80") HOST
	  "Origin: http://evil.example\r\nAuthorization: @BOB\r\n", 0,
	  NEED_VIEWER, ACC_OWN_ORIGIN, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "WebSocket from a foreign page, open server", 1,
	  GET("/websocket/80") HOST "Origin: http://evil.example\r\n", 0,
	  NEED_VIEWER, ACC_OWN_ORIGIN, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "WebSocket from an --allow-origin page", 1, GET("/websocket/80")
	  HOST "Origin: http://other.example:5173\r\n", 0,
	  NEED_VIEWER, ACC_OWN_ORIGIN, 0, ROLE_ADMIN, VIA_OPEN,
	  "Access-Control-Allow-Origin: http://other.example:5173" },
	{ "WebSocket from a program (no Origin)", 1, GET("/websocket/80")
	  HOST, 0, NEED_VIEWER, ACC_OWN_ORIGIN, 0, ROLE_ADMIN, VIA_OPEN,
	  "!Access-Control" },
	{ "a change as JSON from our page", 0, "POST /controls HTTP/1.1\r\n"
	  HOST JSON "Origin: http://cam:6732\r\nAuthorization: @ALICE\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 0, ROLE_ADMIN, VIA_BASIC, NULL },
	{ "a change from a foreign page", 0, "POST /controls HTTP/1.1\r\n"
	  HOST JSON "Origin: http://evil.example\r\n"
	  "Authorization: @ALICE\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "a change, cross-site by Sec-Fetch-Site", 1,
	  "POST /controls HTTP/1.1\r\n" HOST JSON
	  "Sec-Fetch-Site: cross-site\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "a change typed in (Sec-Fetch-Site none)", 1,
	  "POST /controls HTTP/1.1\r\n" HOST JSON "Sec-Fetch-Site: none\r\n",
	  0, NEED_ADMIN, ACC_CHANGES, 0, ROLE_ADMIN, VIA_OPEN, NULL },
	{ "a change as a form: not JSON", 1, "POST /controls HTTP/1.1\r\n"
	  HOST "Content-Type: application/x-www-form-urlencoded\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 415, ROLE_NONE, VIA_NONE, NULL },
	{ "a change as text/plain: not JSON", 1, "POST /controls HTTP/1.1\r\n"
	  HOST "Content-Type: text/plain\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 415, ROLE_NONE, VIA_NONE, NULL },
	{ "application/jsonx is not JSON", 1, "POST /controls HTTP/1.1\r\n"
	  HOST "Content-Type: application/jsonx\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 415, ROLE_NONE, VIA_NONE, NULL },
	{ "JSON with a charset", 1, "POST /controls HTTP/1.1\r\n"
	  HOST "Content-Type: application/json; charset=utf-8\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 0, ROLE_ADMIN, VIA_OPEN, NULL },
	{ "a change needs admin: a viewer refused", 0,
	  "POST /controls HTTP/1.1\r\n" HOST JSON "Authorization: @BOB\r\n",
	  0, NEED_ADMIN, ACC_CHANGES, 403, ROLE_NONE, VIA_NONE, NULL },
	{ "a foreign origin is refused before credentials", 0,
	  "POST /controls HTTP/1.1\r\n" HOST JSON
	  "Origin: http://evil.example\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 403, ROLE_NONE, VIA_NONE,
	  "!WWW-Authenticate" },
};

/* Rows that ask for a camera: the one the route serves, and the words a
 * refusal must say (NULL: any). */
struct cam_row {
	const char *camera;
	const char *reason;
	struct row r;
};

#define NOT_THIS "not allowed to see this camera"

static const struct cam_row cam_rows[] = {
	/* An account limited to a. */
	{ "b", NOT_THIS, { "viewer of a asks for b", 0, GET("/c/b/stream")
	  HOST "Authorization: @CAROL\r\n", 0,
	  NEED_VIEWER, 0, 403, ROLE_NONE, VIA_NONE, "!WWW-Authenticate" } },
	{ "a", NULL, { "viewer of a asks for a", 0, GET("/c/a/stream") HOST
	  "Authorization: @CAROL\r\n", 0,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_BASIC, NULL } },
	{ "b", NOT_THIS, { "viewer of a, by session, asks for b", 0,
	  GET("/c/b/websocket/80") HOST "Cookie: rerocctv_session=@CSID\r\n",
	  0, NEED_VIEWER, ACC_OWN_ORIGIN, 403, ROLE_NONE, VIA_NONE, NULL } },
	{ "a", NULL, { "viewer of a, by session, asks for a", 0,
	  GET("/c/a/websocket/80") HOST "Cookie: rerocctv_session=@CSID\r\n",
	  0, NEED_VIEWER, ACC_OWN_ORIGIN, 0, ROLE_VIEWER, VIA_SESSION, NULL } },
	{ NULL, NULL, { "viewer of a, a route about no camera", 0,
	  GET("/session") HOST "Authorization: @CAROL\r\n", 0,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_BASIC, NULL } },
	{ "a", "this needs an admin", { "viewer of a: admin still refused",
	  0, "POST /c/a/controls HTTP/1.1\r\n" HOST JSON
	  "Authorization: @CAROL\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 403, ROLE_NONE, VIA_NONE, NULL } },
	{ "b", "log in, or send Basic credentials", { "nobody asks for b: "
	  "still 401", 0, GET("/c/b/stream") HOST, 0, NEED_VIEWER, 0, 401,
	  ROLE_NONE, VIA_NONE, "WWW-Authenticate: Basic" } },
	{ "b", NULL, { "viewer of every camera asks for b", 0,
	  GET("/c/b/stream") HOST "Authorization: @BOB\r\n", 0,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_BASIC, NULL } },

	/* An admin limited to a. */
	{ "b", NOT_THIS, { "admin of a sets b's controls", 0,
	  "POST /c/b/controls HTTP/1.1\r\n" HOST JSON
	  "Authorization: @DAVE\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 403, ROLE_NONE, VIA_NONE, NULL } },
	{ "b", NOT_THIS, { "admin of a watches b", 0, GET("/c/b/snapshot")
	  HOST "Authorization: @DAVE\r\n", 0,
	  NEED_VIEWER, 0, 403, ROLE_NONE, VIA_NONE, NULL } },
	{ "a", NULL, { "admin of a sets a's controls", 0,
	  "POST /c/a/controls HTTP/1.1\r\n" HOST JSON
	  "Authorization: @DAVE\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 0, ROLE_ADMIN, VIA_BASIC, NULL } },
	{ NULL, NULL, { "admin of a: /metrics, about no camera", 0,
	  GET("/metrics") HOST "Authorization: @DAVE\r\n", 0,
	  NEED_ADMIN, 0, 0, ROLE_ADMIN, VIA_BASIC, NULL } },
	{ "b", NULL, { "admin of every camera sets b's controls", 0,
	  "POST /c/b/controls HTTP/1.1\r\n" HOST JSON
	  "Authorization: @ALICE\r\n", 0,
	  NEED_ADMIN, ACC_CHANGES, 0, ROLE_ADMIN, VIA_BASIC, NULL } },

	/* Share links: for a, for every camera, version 1. */
	{ "b", NOT_THIS, { "a link for a asks for b", 0,
	  GET("/s/@TKA/c/b/stream") HOST, 4,
	  NEED_VIEWER, 0, 403, ROLE_NONE, VIA_NONE, NULL } },
	{ "a", NULL, { "a link for a asks for a", 0,
	  GET("/s/@TKA/c/a/stream") HOST, 4,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_SHARE, NULL } },
	{ NULL, NULL, { "a link for a: /session, about no camera", 0,
	  GET("/s/@TKA/session") HOST, 4,
	  NEED_NOBODY, 0, 0, ROLE_VIEWER, VIA_SHARE, NULL } },
	{ "b", NULL, { "a link for every camera asks for b", 0,
	  GET("/s/@TOK/c/b/stream") HOST, 1,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_SHARE, NULL } },
	{ "b", NULL, { "a version 1 link asks for b", 0,
	  GET("/s/@TV1/c/b/stream") HOST, 5,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_SHARE, NULL } },
	{ "a", NULL, { "a version 1 link asks for a", 0,
	  GET("/s/@TV1/c/a/stream") HOST, 5,
	  NEED_VIEWER, 0, 0, ROLE_VIEWER, VIA_SHARE, NULL } },

	/* An open server: no one is limited. */
	{ "b", NULL, { "open server: any camera", 1, GET("/c/b/stream") HOST,
	  0, NEED_VIEWER, 0, 0, ROLE_ADMIN, VIA_OPEN, NULL } },
};

/* "user:pass" as a Basic header value. */
static void basic(char *out, const char *up)
{
	memcpy(out, "Basic ", 6);
	base64_encode((const unsigned char *)up, strlen(up), out + 6);
}

/* The row's head with its placeholders filled. */
static void fill(char *out, size_t sz, const char *head)
{
	static const char *const names[] = { "@TOK", "@T50", "@SID",
					     "@ALICE", "@BOB", "@WRONG",
					     "@TKA", "@TV1", "@CSID",
					     "@CAROL", "@DAVE" };
	enum { N = sizeof(names) / sizeof(names[0]) };
	char vals[N][128];
	size_t o = 0;
	int k;

	snprintf(vals[0], sizeof(vals[0]), "%s", tok);
	snprintf(vals[1], sizeof(vals[1]), "%s", tok_q50);
	snprintf(vals[2], sizeof(vals[2]), "%s", sid);
	basic(vals[3], "alice:alicepass1");
	basic(vals[4], "bob:bobpass12");
	basic(vals[5], "alice:wrong");
	snprintf(vals[6], sizeof(vals[6]), "%s", tok_a);
	snprintf(vals[7], sizeof(vals[7]), "%s", tok_v1);
	snprintf(vals[8], sizeof(vals[8]), "%s", sid_carol);
	basic(vals[9], "carol:carolpass1");
	basic(vals[10], "dave:davepass12");
	while (*head && o + 1 < sz) {
		for (k = 0; k < N; k++)
			if (!strncmp(head, names[k], strlen(names[k])))
				break;
		if (k < N) {
			o += (size_t)snprintf(out + o, sz - o, "%s", vals[k]);
			head += strlen(names[k]);
		} else {
			out[o++] = *head++;
		}
	}
	out[o] = 0;
	snprintf(out + o, sz - o, "\r\n");
}

/* Decides as the poll thread would: a held request asked again once the
 * verifier has answered. */
static void decide(struct access_ask *a, struct access_verdict *v,
		   struct auth *au)
{
	struct pollfd p;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		access_decide(a, v);
		if (!v->hold_until)
			return;
		if (!a->held_since)
			a->held_since = a->now;
		p.fd = auth_wake_fd(au);
		p.events = POLLIN;
		poll(&p, 1, 2000);
		auth_collect(au);
	}
}

static void run_row(const struct row *w, const char *camera,
		    const char *reason, const struct config *cfg,
		    struct auth *au)
{
	char head[2048], forged[AUTH_TOKEN_HEX + 1];
	struct access_ask a;
	struct access_verdict v;
	struct http_req r;
	struct from from;
	int n;

	fill(head, sizeof(head), w->head);
	n = http_parse(head, strlen(head), &r);
	if (n <= 0) {
		CHECK(0, "%s: the head parses (%d)", w->what, n);
		return;
	}
	memset(&from, 0, sizeof(from));
	snprintf(from.addr, sizeof(from.addr), "192.168.1.7");
	addr_key(from.addr, from.key);
	snprintf(forged, sizeof(forged), "%s", tok);
	forged[10] = forged[10] == '0' ? '1' : '0';
	memset(&a, 0, sizeof(a));
	a.cfg = cfg;
	a.auth = w->open ? NULL : au;
	a.r = &r;
	a.token = w->token == 1 ? tok : w->token == 2 ? tok_q50 :
		  w->token == 3 ? forged : w->token == 4 ? tok_a :
		  w->token == 5 ? tok_v1 : NULL;
	a.camera = camera;
	a.need = w->need;
	a.flags = w->flags;
	a.client = &from;
	a.now = mono_us();
	decide(&a, &v, au);
	CHECK_INT(v.status, w->status, w->what);
	if (reason && v.status)
		CHECK_STR(v.reason, reason, w->what);
	if (!w->status && !v.status)
		CHECK(v.who.role == w->role && v.who.via == w->via,
		      "%s: as role %d via %d (want %d, %d)", w->what,
		      v.who.role, v.who.via, w->role, w->via);
	if (w->token == 2 && !v.status)
		CHECK_INT(v.who.max_q, 50, "the link's cap goes with it");
	if (w->header && w->header[0] == '!')
		CHECK(!strstr(v.headers, w->header + 1),
		      "%s: no %s", w->what, w->header + 1);
	else if (w->header)
		CHECK(strstr(v.headers, w->header) != NULL,
		      "%s: carries %s", w->what, w->header);
}

/* Where a request comes from: the peer, or behind the trusted proxy the
 * last address the proxy appended; nobody else's X-Forwarded-For. */
static void proxies(struct config *cfg)
{
	static const char head[] = GET("/") HOST
		"X-Forwarded-For: 6.6.6.6\r\n"
		"X-Forwarded-For: 1.2.3.4, 2001:db8::7\r\n"
		"X-Forwarded-Proto: https\r\n\r\n";
	unsigned char key[16], want[16];
	struct http_req r;
	struct from from;
	int secure;

	CHECK(http_parse(head, strlen(head), &r) > 0, "a proxied head");
	addr_key("10.0.0.9", key);
	cfg->trust_proxy = NULL;
	access_client(cfg, "10.0.0.9", key, &r, &from, &secure);
	CHECK_STR(from.addr, "10.0.0.9", "no trusted proxy: the peer");
	CHECK_INT(secure, 0, "... and not secure");
	cfg->trust_proxy = "10.0.0.8";
	access_client(cfg, "10.0.0.9", key, &r, &from, &secure);
	CHECK_STR(from.addr, "10.0.0.9", "another peer than the proxy");
	CHECK_INT(secure, 0, "... not secure");
	addr_key("10.0.0.8", key);
	access_client(cfg, "10.0.0.8", key, &r, &from, &secure);
	CHECK_STR(from.addr, "2001:db8::7", "the proxy: the last it appended");
	addr_key("2001:db8::1", want);
	CHECK(!memcmp(from.key, want, 16), "... keyed by its /64");
	CHECK_INT(secure, 1, "... secure, as the proxy says");
	cfg->trust_proxy = NULL;
}

/* A held request waits 10 s all told, however often it is asked again. */
static void waits(void)
{
	int64_t t0 = 5000000;

	CHECK_INT(access_wait(t0, 0, t0 + 2000000), t0 + 2000000,
		  "first hold: until what it waits for");
	CHECK_INT(access_wait(t0 + 9000000, t0, t0 + 20000000), t0 + 10000000,
		  "asked again: no later than 10 s after the first");
	CHECK_INT(access_wait(t0 + 10000000, t0, t0 + 20000000), 0,
		  "10 s on: over");
}

/* An accounts line, limited to cams unless NULL. */
static void write_account(FILE *f, const char *name, const char *role,
			  const char *pass, const char *cams)
{
	unsigned char salt[ACCOUNT_SALT] = "0123456789abcde", key[32];
	char s64[BASE64_LEN(ACCOUNT_SALT) + 1], k64[BASE64_LEN(32) + 1];

	pbkdf2_sha256(pass, strlen(pass), salt, sizeof(salt), 1000, key, 32);
	base64_encode(salt, sizeof(salt), s64);
	base64_encode(key, 32, k64);
	fprintf(f, "%s:%s:$pbkdf2-sha256$1000$%s$%s%s%s\n", name, role, s64,
		k64, cams ? ":" : "", cams ? cams : "");
}

/* A version 1 token, as links were made before cameras (doc/security.md
 * has the layout), signed with the secret beside the accounts. */
static void make_v1(char out[AUTH_TOKEN_HEX + 1])
{
	unsigned char secret[32], t[SHARE_BYTES], mac[32];
	uint64_t e = (uint64_t)(now_us() / 1000000 + 3600);
	char path[80], err[256];
	int i;

	snprintf(path, sizeof(path), "%s.secret", file);
	CHECK_INT(account_secret(path, secret, 0, err, sizeof(err)), 1,
		  "the secret");
	t[0] = 1;
	for (i = 0; i < 8; i++)
		t[1 + i] = (unsigned char)(e >> (56 - 8 * i));
	t[9] = 0;
	memcpy(t + 10, "\x0a\x0b\x0c\x0d\x0e\x0f", 6);
	hmac_sha256(secret, 32, t, 16, mac);
	memcpy(t + 16, mac, 16);
	hex_encode(t, SHARE_BYTES, out);
}

int main(void)
{
	static const char *origins[] = { "http://other.example:5173" };
	static const char *hosts[] = { "cctv.example.org" };
	struct config cfg;
	struct auth *au;
	struct who w;
	char err[512];
	FILE *f;
	size_t i;

	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	snprintf(file, sizeof(file), "%s/users", dir);
	if (!(f = fopen(file, "w"))) {
		perror(file);
		return 1;
	}
	write_account(f, "alice", "admin", "alicepass1", NULL);
	write_account(f, "bob", "viewer", "bobpass12", NULL);
	write_account(f, "carol", "viewer", "carolpass1", "a");
	write_account(f, "dave", "admin", "davepass12", "a");
	fclose(f);
	chmod(file, 0600);
	au = auth_open(file, NULL, err, sizeof(err));
	CHECK(au != NULL, "accounts open: %s", au ? "" : err);
	if (!au)
		return unit_done();
	CHECK_INT(auth_share_new(au, 3600, 0, NULL, tok, err, sizeof(err)),
		  0, "a share link");
	CHECK_INT(auth_share_new(au, 3600, 50, NULL, tok_q50, err,
				 sizeof(err)), 0, "a share link capped at q50");
	CHECK_INT(auth_share_new(au, 3600, 0, "a", tok_a, err, sizeof(err)),
		  0, "a share link for camera a");
	make_v1(tok_v1);
	memset(&w, 0, sizeof(w));
	w.via = VIA_SESSION;
	w.role = ROLE_ADMIN;
	snprintf(w.name, sizeof(w.name), "alice");
	CHECK_INT(auth_session_new(au, &w, sid), 0, "alice's session");
	memset(&w, 0, sizeof(w));
	w.via = VIA_SESSION;
	w.role = ROLE_VIEWER;
	snprintf(w.name, sizeof(w.name), "carol");
	w.cams.n = 1;
	snprintf(w.cams.name[0], sizeof(w.cams.name[0]), "a");
	CHECK_INT(auth_session_new(au, &w, sid_carol), 0, "carol's session");

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.hostname, sizeof(cfg.hostname), "cam.lan");
	cfg.origins = origins;
	cfg.norigins = 1;
	cfg.hosts = hosts;
	cfg.nhosts = 1;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i], NULL, NULL, &cfg, au);
	for (i = 0; i < sizeof(cam_rows) / sizeof(cam_rows[0]); i++)
		run_row(&cam_rows[i].r, cam_rows[i].camera,
			cam_rows[i].reason, &cfg, au);
	proxies(&cfg);
	waits();

	auth_close(au);
	unlink(file);
	snprintf(err, sizeof(err), "%s/users.secret", dir);
	unlink(err);
	rmdir(dir);
	return unit_done();
}
