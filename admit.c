/* admit.c: who gets in. The listener (bound, told the congestion control,
 * its address logged), each accepted socket and, behind a trusted proxy,
 * each request's forwarded address, within --max-clients and
 * --max-per-ip: when a limit is reached, the oldest connection idle past
 * a grace period makes room, else the newcomer is told 503 (one log line
 * a second); never a connection closed unanswered. Poll thread only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "access.h"
#include "admit.h"
#include "server.h"
#include "stream.h"
#include "util.h"

enum {
	GRACE_MAX_US = 1000000		/* a head not sent in this long (or a
					   quarter of --timeout) may be
					   evicted to make room */
};

static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
	"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 24\r\n"
	"Retry-After: 1\r\nConnection: close\r\n\r\n"
	"503 too many connections";

/* "ADDR:PORT" or "[V6ADDR]:PORT" into host and port strings. */
static void split_listen(const char *spec, char *host, size_t hsz,
			 char *port, size_t psz)
{
	const char *colon = strrchr(spec, ':');
	size_t hl;

	if (!colon || !colon[1])
		die("--listen %s: expected ADDR:PORT", spec);
	hl = (size_t)(colon - spec);
	if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (hl >= hsz || strlen(colon + 1) >= psz)
		die("--listen %s: too long", spec);
	memcpy(host, spec, hl);
	host[hl] = 0;
	strcpy(port, colon + 1);
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	const unsigned char *b;

	if (ss->ss_family == AF_INET) {
		b = (const unsigned char *)
		    &((const struct sockaddr_in *)ss)->sin_addr;
		return b[0] == 127;
	}
	if (ss->ss_family != AF_INET6)
		return 0;
	b = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
	return memcmp(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0 ||
	       (memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0 &&
		b[12] == 127);
}

void server_listen(struct server *s)
{
	struct addrinfo hints, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[128], port[16], h[INET6_ADDRSTRLEN], p[16];
	int one = 1, e;

	split_listen(s->cfg.listen, host, sizeof(host), port, sizeof(port));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) != 0)
		die("--listen %s: %s", s->cfg.listen, gai_strerror(e));
	s->lfd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
			SOCK_CLOEXEC, ai->ai_protocol);
	if (s->lfd < 0)
		die("socket:");
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, ai->ai_addr, ai->ai_addrlen) != 0)
		die("bind %s:", s->cfg.listen);
	freeaddrinfo(ai);
	/* Accepted sockets take the listener's congestion control. */
	if (s->cfg.congestion &&
	    setsockopt(s->lfd, IPPROTO_TCP, TCP_CONGESTION, s->cfg.congestion,
		       (socklen_t)strlen(s->cfg.congestion)) != 0)
		die("--congestion %s: %s (see /proc/sys/net/ipv4/"
		    "tcp_%s_congestion_control)", s->cfg.congestion,
		    strerror(errno), errno == EPERM ? "allowed" : "available");
	if (listen(s->lfd, 511) != 0)
		die("listen:");
	/* Scripts wait for this line: it names the real port (for :0). */
	getsockname(s->lfd, (struct sockaddr *)&ss, &sl);
	getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p, sizeof(p),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	s->env.exposed = !is_loopback(&ss);
	logmsg(ss.ss_family == AF_INET6 ? "listening on [%s]:%s"
	       : "listening on %s:%s", h, p);
	if (s->env.exposed && !s->env.auth)
		logmsg("open to the network: anyone who can reach this "
		       "address can watch (see --auth-file)");
}

void server_peer(struct peer *p, const void *sa, unsigned salen)
{
	const struct sockaddr *a = sa;
	char port[8] = "?";
	int v6;

	memset(p, 0, sizeof(*p));
	if (getnameinfo(a, salen, p->addr, sizeof(p->addr), port,
			sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(p->addr, sizeof(p->addr), "?");
	v6 = a->sa_family == AF_INET6;
	snprintf(p->text, sizeof(p->text), v6 ? "[%s]:%s" : "%s:%s",
		 p->addr, port);
	sa_key(sa, p->key);
}

static int extras(const struct server *s)
{
	int i, n = 0;

	for (i = 0; i < s->env.nconns; i++)
		n += s->env.conns[i]->rejected;
	return n;
}

/* One line a second at most about clients told 503, however many. */
static void busy_log(struct server *s, const char *addr, const char *why)
{
	if (s->env.now - s->busy_logged < 1000000) {
		s->busy_quiet++;
		return;
	}
	if (s->busy_quiet)
		logmsg("%s: too many connections (%s), answering 503 (and %d "
		       "more in the last second)", addr, why, s->busy_quiet);
	else
		logmsg("%s: too many connections (%s), answering 503", addr,
		       why);
	s->busy_logged = s->env.now;
	s->busy_quiet = 0;
}

/* Tells conns[i] 503 and lets it go: it no longer counts, and closes once
 * the answer is out; when too many are saying goodbye already, the answer
 * is written as it is and the connection closed. */
static void refuse(struct server *s, int i, const char *why)
{
	struct conn *c = s->env.conns[i];

	if (extras(s) >= ADMIT_EXTRA) {
		if (write(c->fd, busy, sizeof(busy) - 1) < 0) {
			/* the client is gone anyway */
		}
		s->dead[i] = 1;
		return;
	}
	stream_end(c);
	c->rejected = 1;
	conn_error(c, 503, 0, why, "Retry-After: 1\r\n");
	if (conn_write(c) != 0)
		s->dead[i] = 1;
}

/* May c make room for another? A request head not sent within a grace
 * period (a preconnect, an idle keep-alive, a slowloris), or a request
 * held back that long (a login slowed down). Not one just accepted: a
 * burst of clients opening at once is served or told 503, never dropped
 * to make room for each other. */
static int evictable(const struct server *s, const struct conn *c)
{
	int64_t grace = MIN(GRACE_MAX_US, (int64_t)s->cfg.timeout_s * 250000);

	if (c->phase == PH_HEAD)
		return s->env.now - c->since >= grace;
	return c->phase == PH_WAIT && c->held &&
	       s->env.now - c->held_since >= grace;
}

/* Makes room for one more connection from key (NULL: a trusted proxy's,
 * counted in the total only), within --max-per-ip and --max-clients:
 * when a limit is reached, the oldest evictable connection in the scope
 * that is full is told 503. self: a connection whose request just named
 * key (behind the proxy): only the address is checked, and self is not
 * counted. -1 when nothing can make room. */
static int make_room(struct server *s, const unsigned char *key,
		     const struct conn *self)
{
	struct conn_env *e = &s->env;
	int i, total = 0, same = 0, old_all = -1, old_same = -1;

	for (i = 0; i < e->nconns; i++) {
		const struct conn *c = e->conns[i];
		int mine, evict;

		if (c->rejected || s->dead[i] || c == self)
			continue;
		mine = key && c->counted && !memcmp(c->client.key, key, 16);
		evict = evictable(s, c);
		total++;
		same += mine;
		if (evict && (old_all < 0 ||
			      c->serial < e->conns[old_all]->serial))
			old_all = i;
		if (evict && mine && (old_same < 0 ||
				      c->serial < e->conns[old_same]->serial))
			old_same = i;
	}
	if (key && same >= s->cfg.max_per_ip) {
		if (old_same < 0)
			return -1;
		refuse(s, old_same, "too many connections from your address");
	} else if (!self && total >= s->cfg.max_clients) {
		if (old_all < 0)
			return -1;
		refuse(s, old_all, "too many connections");
	}
	return 0;
}

static int from_proxy(const struct server *s, const struct peer *p)
{
	return s->cfg.trust_proxy && strcmp(p->addr, s->cfg.trust_proxy) == 0;
}

void server_adopt(struct server *s, int fd, const struct peer *p)
{
	struct conn_env *e = &s->env;
	int proxy = from_proxy(s, p);
	int full = make_room(s, proxy ? NULL : p->key, NULL) != 0;
	struct conn *c;

	if (full && (e->nconns >= s->cap || extras(s) >= ADMIT_EXTRA)) {
		/* Not even room to say so properly: say it and go. */
		if (write(fd, busy, sizeof(busy) - 1) < 0) {
			/* the client is gone anyway */
		}
		close(fd);
		busy_log(s, p->addr, "no room even to answer");
		return;
	}
	if (!(c = conn_new(e, fd, p))) {
		close(fd);
		return;
	}
	c->counted = !proxy;
	e->conns[e->nconns++] = c;
	c->serial = ++e->total_clients;
	if (full) {
		busy_log(s, p->addr, "none idle long enough to make room");
		refuse(s, e->nconns - 1, "too many connections");
	}
}

/* The request c holds names its client (behind the trusted proxy: the
 * address it forwarded): it counts against that address from now on,
 * within --max-per-ip. -1 when it does not fit: c has been told 503. */
int admit_request(struct server *s, struct conn *c,
		  const struct http_req *r)
{
	unsigned char was[16];
	int counted = c->counted, secure;

	memcpy(was, c->client.key, 16);
	access_client(s->env.cfg, c->peer.addr, c->peer.key, r, &c->client,
		      &secure);
	if (!from_proxy(s, &c->peer) ||
	    (counted && !memcmp(was, c->client.key, 16)))
		return 0;
	c->counted = 0;
	if (make_room(s, c->client.key, c) != 0) {
		busy_log(s, c->client.addr, "--max-per-ip, behind the proxy");
		conn_error(c, 503, 0, "too many connections from your address",
			   "Retry-After: 1\r\n");
		return -1;
	}
	c->counted = 1;
	return 0;
}

/* Out of descriptors despite fd_budget() (a library holding more than
 * we counted): the reserve lets one client hear 503 before we pause. */
static void out_of_fds(struct server *s)
{
	int fd;

	if (!s->accept_paused)
		logmsg("accept:");
	s->accept_paused = s->env.now + SERVER_TICK_US;
	if (s->reserve_fd < 0)
		return;
	close(s->reserve_fd);
	fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, busy, sizeof(busy) - 1) < 0) {
			/* the client is gone anyway */
		}
		close(fd);
	}
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void admit_accept(struct server *s)
{
	int n;

	for (n = 0; n < 256; n++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct peer p;
		int fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				out_of_fds(s);
			return;
		}
		server_peer(&p, &ss, sl);
		server_adopt(s, fd, &p);
	}
}
