/* server.c: the poll() loop. Owns the listener, every client socket, the
 * hub's wake pipe and the timers, and hands each new frame to the clients
 * of its rung. The only thread that touches a socket. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "hub.h"
#include "server.h"
#include "util.h"

enum {
	TICK_US = 250000,		/* timers run this often */
	SHUTDOWN_US = 2000000		/* time to say goodbye */
};

static int sig_fd = -1;

static void on_signal(int sig)
{
	char b = (char)sig;
	int e = errno;

	if (write(sig_fd, &b, 1) < 0) {
		/* nothing to do: a byte is already waiting */
	}
	errno = e;
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

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

void server_open(struct server *s, const struct server_opts *o,
		 struct hub *hub)
{
	struct addrinfo hints, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[128], port[16], h[INET6_ADDRSTRLEN], p[16];
	int one = 1, e;
	struct sigaction sa;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	s->hub = hub;
	s->now = s->started_us = mono_us();
	split_listen(o->listen, host, sizeof(host), port, sizeof(port));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) != 0)
		die("--listen %s: %s", o->listen, gai_strerror(e));
	s->lfd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (s->lfd < 0)
		die("socket:");
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, ai->ai_addr, ai->ai_addrlen) != 0)
		die("bind %s:", o->listen);
	freeaddrinfo(ai);
	if (listen(s->lfd, 128) != 0)
		die("listen:");
	nonblock(s->lfd);

	if (pipe(s->sig) != 0)
		die("pipe:");
	nonblock(s->sig[0]);
	nonblock(s->sig[1]);
	sig_fd = s->sig[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	s->conns = calloc((size_t)o->max_clients, sizeof(*s->conns));
	if (!s->conns)
		die("out of memory");
	/* Scripts wait for this line: it names the real port (for :0). */
	getsockname(s->lfd, (struct sockaddr *)&ss, &sl);
	getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p, sizeof(p),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	logmsg(ss.ss_family == AF_INET6 ? "listening on [%s]:%s"
	       : "listening on %s:%s", h, p);
}

static void accept_all(struct server *s)
{
	while (s->nconns < s->o.max_clients) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char h[INET6_ADDRSTRLEN], p[16], peer[64];
		int fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Out of fds: stop polling the listener for
				 * a moment instead of spinning on it. */
				if (!s->accept_paused)
					logmsg("accept:");
				s->accept_paused = s->now + TICK_US;
			}
			return;
		}
		if (getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p,
				sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV))
			snprintf(peer, sizeof(peer), "?");
		else
			snprintf(peer, sizeof(peer), "%s:%s", h, p);
		if (!(c = conn_new(s, fd, peer))) {
			close(fd);
			continue;
		}
		s->conns[s->nconns++] = c;
		s->total_clients++;
	}
}

/* Hands the newest frame of every rung to the clients watching it. */
static void dispatch(struct server *s, char *dead)
{
	struct frame *f[HUB_NRUNGS];
	int r, i;

	hub_woken(s->hub);
	for (r = 0; r < HUB_NRUNGS; r++)
		f[r] = hub_latest(s->hub, r);
	for (i = 0; i < s->nconns; i++) {
		struct conn *c = s->conns[i];

		if (!dead[i] && c->rung >= 0 && f[c->rung] &&
		    conn_offer(c, f[c->rung]) != 0)
			dead[i] = 1;
	}
	for (r = 0; r < HUB_NRUNGS; r++)
		frame_unref(f[r]);
}

/* Frees the connections marked dead, keeping the array dense. */
static void reap(struct server *s, char *dead)
{
	int i, j = 0;

	for (i = 0; i < s->nconns; i++) {
		if (dead[i])
			conn_free(s->conns[i]);
		else
			s->conns[j++] = s->conns[i];
		dead[i] = 0;
	}
	s->nconns = j;
}

/* One turn of the loop: poll, then I/O, frames, timers. Returns whether a
 * stop signal arrived. */
static int turn(struct server *s, struct pollfd *pfd, char *dead,
		int64_t *next_tick, int listening)
{
	int i, n, stop = 0, base = 3;

	if (s->accept_paused && s->now >= s->accept_paused)
		s->accept_paused = 0;
	pfd[0].fd = listening && s->nconns < s->o.max_clients &&
		    !s->accept_paused ? s->lfd : -1;
	pfd[0].events = POLLIN;
	pfd[1].fd = hub_wake_fd(s->hub);
	pfd[1].events = POLLIN;
	pfd[2].fd = s->sig[0];
	pfd[2].events = POLLIN;
	for (i = 0; i < s->nconns; i++) {
		pfd[base + i].fd = s->conns[i]->fd;
		pfd[base + i].events = conn_events(s->conns[i]);
		pfd[base + i].revents = 0;
	}
	n = poll(pfd, (nfds_t)(base + s->nconns),
		 (int)MAX(1, (*next_tick - mono_us()) / 1000));
	s->now = mono_us();
	if (n < 0 && errno != EINTR)
		die("poll:");
	if (n > 0 && (pfd[2].revents & POLLIN)) {
		char b[16];

		while (read(s->sig[0], b, sizeof(b)) > 0)
			stop = 1;
	}
	for (i = 0; n > 0 && i < s->nconns; i++)
		if (pfd[base + i].revents &&
		    conn_io(s->conns[i], pfd[base + i].revents) != 0)
			dead[i] = 1;
	if (n > 0 && (pfd[1].revents & POLLIN))
		dispatch(s, dead);
	if (s->now >= *next_tick) {
		for (i = 0; i < s->nconns; i++)
			if (!dead[i] && conn_tick(s->conns[i]) != 0)
				dead[i] = 1;
		*next_tick = s->now + TICK_US;
	}
	reap(s, dead);
	if (n > 0 && pfd[0].fd >= 0 && (pfd[0].revents & POLLIN))
		accept_all(s);
	return stop;
}

void server_run(struct server *s)
{
	struct pollfd *pfd = calloc((size_t)s->o.max_clients + 3, sizeof(*pfd));
	char *dead = calloc((size_t)s->o.max_clients, 1);
	int64_t next_tick = mono_us() + TICK_US, end;
	int i;

	if (!pfd || !dead)
		die("out of memory");
	while (!turn(s, pfd, dead, &next_tick, 1))
		;
	logmsg("stopping: closing %d client%s", s->nconns,
	       s->nconns == 1 ? "" : "s");
	for (i = 0; i < s->nconns; i++)
		conn_shutdown(s->conns[i]);
	end = mono_us() + SHUTDOWN_US;
	while (s->nconns > 0 && mono_us() < end) {
		next_tick = MIN(end, mono_us() + TICK_US);
		turn(s, pfd, dead, &next_tick, 0);
	}
	free(pfd);
	free(dead);
}

void server_close(struct server *s)
{
	int i;

	for (i = 0; i < s->nconns; i++)
		conn_free(s->conns[i]);
	s->nconns = 0;
	free(s->conns);
	s->conns = NULL;
	if (s->lfd >= 0)
		close(s->lfd);
	for (i = 0; i < 2; i++)
		if (s->sig[i] >= 0)
			close(s->sig[i]);
	sig_fd = -1;
}

void server_state_json(struct server *s, struct obuf *b)
{
	struct hub_stats st;
	int i, first = 1;

	hub_get_stats(s->hub, &st);
	obuf_printf(b, "{\"source\":{\"name\":");
	obuf_json_str(b, st.info.name);
	obuf_printf(b, ",\"format\":");
	obuf_json_str(b, st.info.format);
	obuf_printf(b, ",\"w\":%d,\"h\":%d,\"fps\":%d,\"signal\":%s,"
		    "\"fps_produced\":%.1f,\"seq\":%llu,\"dropped\":%llu},",
		    st.info.w, st.info.h, st.info.fps,
		    st.source_ok ? "true" : "false", st.fps,
		    (unsigned long long)st.seq,
		    (unsigned long long)st.dropped);
	obuf_printf(b, "\"encoder\":[");
	for (i = 0; i < HUB_NRUNGS; i++) {
		struct hub_rung_stats *r = &st.rung[i];

		if (r->need <= 0)
			continue;
		obuf_printf(b, "%s{\"rung\":\"%s\",\"quality\":%d,\"half\":%s,"
			    "\"clients\":%d,\"encode_ms\":%.2f,\"bytes\":%.0f,"
			    "\"frames\":%llu}", first ? "" : ",",
			    hub_rung_name(i), hub_rung_q(i),
			    hub_rung_half(i) ? "true" : "false", r->need,
			    r->enc_ms, r->bytes,
			    (unsigned long long)r->frames);
		first = 0;
	}
	obuf_printf(b, "],\"ladder\":[");
	for (i = 0; i < adapt_nladder; i++)
		obuf_printf(b, "%s{\"rung\":\"%s\",\"bytes\":%.0f}",
			    i ? "," : "", hub_rung_name(adapt_ladder[i]),
			    st.rung[adapt_ladder[i]].bytes);
	obuf_printf(b, "],\"uptime_s\":%.0f,\"clients_total\":%llu,"
		    "\"clients\":[", (double)(s->now - s->started_us) / 1e6,
		    (unsigned long long)s->total_clients);
	for (i = 0, first = 1; i < s->nconns; i++) {
		struct conn *c = s->conns[i];

		if (c->mode != CONN_WS && c->mode != CONN_MJPEG)
			continue;
		if (!first)
			obuf_printf(b, ",");
		conn_state_json(c, b);
		first = 0;
	}
	obuf_printf(b, "]}\n");
}

void server_metrics(struct server *s, struct obuf *b)
{
	struct hub_stats st;
	int i, streams = 0;

	hub_get_stats(s->hub, &st);
	for (i = 0; i < s->nconns; i++)
		streams += s->conns[i]->mode == CONN_WS ||
			   s->conns[i]->mode == CONN_MJPEG;
	obuf_printf(b, "# TYPE rerocctv_source_fps gauge\n"
		    "rerocctv_source_fps %.2f\n"
		    "# TYPE rerocctv_source_signal gauge\n"
		    "rerocctv_source_signal %d\n"
		    "# TYPE rerocctv_source_frames_total counter\n"
		    "rerocctv_source_frames_total %llu\n"
		    "# TYPE rerocctv_connections gauge\n"
		    "rerocctv_connections %d\n"
		    "# TYPE rerocctv_streams gauge\n"
		    "rerocctv_streams %d\n"
		    "# TYPE rerocctv_encoded_frames_total counter\n",
		    st.fps, st.source_ok, (unsigned long long)st.seq,
		    s->nconns, streams);
	for (i = 0; i < HUB_NRUNGS; i++)
		if (st.rung[i].frames)
			obuf_printf(b, "rerocctv_encoded_frames_total"
				    "{rung=\"%s\"} %llu\n", hub_rung_name(i),
				    (unsigned long long)st.rung[i].frames);
	obuf_printf(b, "# TYPE rerocctv_encode_ms gauge\n");
	for (i = 0; i < HUB_NRUNGS; i++)
		if (st.rung[i].frames)
			obuf_printf(b, "rerocctv_encode_ms{rung=\"%s\"} %.3f\n",
				    hub_rung_name(i), st.rung[i].enc_ms);
}
