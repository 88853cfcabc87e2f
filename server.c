/* server.c: the poll() loop. Owns every connection (admit.c lets them
 * in), the table of wake sources (signals, the mailboxes, each camera's
 * hub pipe), timers, and runs each connection: input to its phase (a head to
 * the router, WebSocket frames to its stream), frames to the streams,
 * output to the socket. The only thread that touches a socket. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admit.h"
#include "auth.h"
#include "camera.h"
#include "ctrl_state.h"
#include "hub.h"
#include "notify.h"
#include "route.h"
#include "server.h"
#include "stream.h"
#include "util.h"

enum {
	TICK_US = SERVER_TICK_US,
	SHUTDOWN_US = 2000000,		/* time to say goodbye */
	EXTRA = ADMIT_EXTRA,
	SPARE_FDS = 32			/* listener, pipes, camera, stdio */
};

static int nfixed(const struct server *s);
static void wakers_init(struct server *s);

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

/* Every client needs a descriptor, and so do the camera and a spare for
 * telling one client more that we are full: raise the soft limit to
 * what --max-clients needs, or refuse to start. */
static void fd_budget(int max_clients)
{
	rlim_t need = (rlim_t)max_clients + EXTRA + SPARE_FDS;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit:");
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
		die("--max-clients %d needs %llu file descriptors, but the "
		    "hard limit is %llu: raise it (ulimit -Hn, LimitNOFILE=) "
		    "or lower --max-clients", max_clients,
		    (unsigned long long)need, (unsigned long long)rl.rlim_max);
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("setrlimit RLIMIT_NOFILE %llu:", (unsigned long long)need);
}

void server_init(struct server *s, const struct config *cfg,
		 struct camera *cams, int ncams, struct auth *auth)
{
	struct sigaction sa;
	int i;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->lfd = s->reserve_fd = -1;
	s->env.cfg = &s->cfg;
	s->env.cams = cams;
	s->env.ncams = ncams;
	s->env.auth = auth;
	s->env.now = s->env.started = mono_us();
	s->next_tick = s->env.now + TICK_US;
	fd_budget(cfg->max_clients);
	s->cap = cfg->max_clients + EXTRA;
	wakers_init(s);
	s->env.conns = calloc((size_t)s->cap, sizeof(*s->env.conns));
	s->pfd = calloc((size_t)(s->cap + nfixed(s)), sizeof(*s->pfd));
	s->dead = calloc((size_t)s->cap, 1);
	if (!s->env.conns || !s->pfd || !s->dead)
		die("out of memory");
	for (i = 0; i < ncams; i++)
		if (!(cams[i].hstats = calloc(1, sizeof(*cams[i].hstats))))
			die("out of memory");
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

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
	sigaction(SIGHUP, &sa, NULL);
	notify_open(&s->notify, s->env.now);
}

/* Running connections */

/* Runs c until it waits for the network: every complete head it holds
 * is answered in turn, WebSocket input goes to its stream, output to the
 * socket. -1: the connection is over. */
static int run(struct server *s, struct conn *c)
{
	for (;;) {
		struct http_req r;
		int n = conn_head(c, &r);

		if (n < 0)
			return -1;
		if (n > 0) {
			stream_end(c);	/* a finished snapshot's, if any */
			if (admit_request(s, c, &r) != 0 || route_request(c, &r) == 0)
				conn_consume(c, (size_t)n);
		}
		if (c->phase == PH_STREAM && c->inlen)
			stream_input(c);
		if (conn_write(c) != 0)
			return -1;
		if (n == 0 || c->phase != PH_HEAD)
			return 0;
	}
}

static int on_events(struct server *s, struct conn *c, short revents)
{
	if (revents & (POLLERR | POLLNVAL))
		return -1;
	if ((revents & POLLHUP) && !(revents & POLLIN))
		return -1;
	if ((revents & POLLIN) && conn_read(c) != 0)
		return -1;
	return run(s, c);
}

/* Hands the newest frame of every rung of a camera to the clients it
 * serves. */
static void dispatch(struct server *s, struct camera *cam)
{
	struct frame *f[RUNG_N];
	int fixed[RUNG_N], autom[RUNG_N], r, i;

	hub_woken(cam->hub);
	hub_map(cam->hub, fixed, autom);
	for (r = 0; r < RUNG_N; r++)
		f[r] = hub_latest(cam->hub, r);
	for (i = 0; i < s->env.nconns; i++) {
		struct conn *c = s->env.conns[i];

		if (s->dead[i] || !c->st || c->st->cam != cam ||
		    (r = stream_rung(c, fixed, autom)) < 0 || !f[r])
			continue;
		stream_offer(c, f[r]);
		if (run(s, c) != 0)
			s->dead[i] = 1;
	}
	for (r = 0; r < RUNG_N; r++)
		frame_unref(f[r]);
}

static int tick(struct server *s, struct conn *c)
{
	int r = conn_tick(c);

	if (r == CONN_OVER)
		return -1;
	if (r == CONN_GAVE_UP)
		stream_gave_up(c);
	if (c->phase == PH_STREAM && stream_tick(c) != 0)
		return -1;
	return run(s, c);
}

/* Frees the connections marked dead, keeping the array dense. */
static void reap(struct server *s)
{
	int i, j = 0;

	for (i = 0; i < s->env.nconns; i++) {
		if (s->dead[i]) {
			stream_end(s->env.conns[i]);
			route_end(s->env.conns[i]);
			conn_free(s->env.conns[i]);
		} else {
			s->env.conns[j++] = s->env.conns[i];
		}
		s->dead[i] = 0;
	}
	s->env.nconns = j;
}

/* The verifier has verdicts: every request waiting for one runs again
 * (one whose verdict is not in yet just waits again). */
static void rerun_held(struct server *s)
{
	int i;

	for (i = 0; i < s->env.nconns; i++) {
		struct conn *c = s->env.conns[i];

		if (c->held && c->phase == PH_WAIT && !s->dead[i]) {
			conn_rerun(c);
			if (run(s, c) != 0)
				s->dead[i] = 1;
		}
	}
}

/* Ends the access of whoever lost it: a stream is closed (WebSocket:
 * 1008); with all set, anything else of theirs closes too. Returns how
 * many connections that was. */
static int revoke_lost(struct server *s, int all)
{
	struct conn_env *e = &s->env;
	int i, n = 0;

	for (i = 0; i < e->nconns; i++) {
		struct conn *c = e->conns[i];

		const struct who *w = c->st ? &c->st->who :
				      c->rq ? &c->rq->who : NULL;

		if (s->dead[i] || (!all && c->phase != PH_STREAM) || !w ||
		    auth_still(e->auth, w))
			continue;
		n++;
		if (c->phase == PH_STREAM) {
			stream_revoke(c);
			if (run(s, c) != 0)
				s->dead[i] = 1;
		} else {
			s->dead[i] = 1;
		}
	}
	return n;
}

/* SIGHUP: the accounts and the share secret again; access that is gone
 * ends now. */
static void reload(struct server *s)
{
	char err[512];
	int n;

	if (!s->env.auth)
		return;
	if (auth_reload(s->env.auth, err, sizeof(err)) != 0) {
		logmsg("reload: %s (keeping the accounts as they were)", err);
		return;
	}
	n = revoke_lost(s, 1);
	logmsg("reload: accounts read again; access ended for %d "
	       "connection%s", n, n == 1 ? "" : "s");
}

/* The service manager's status line: how many clients a stream goes to
 * (sent only when it changes). */
static void tell_status(struct server *s)
{
	int i, n = 0;

	for (i = 0; i < s->env.nconns; i++) {
		const struct conn *c = s->env.conns[i];

		n += c->phase == PH_STREAM && c->st &&
		     c->st->kind != ST_SNAPSHOT;
	}
	notify_status(&s->notify, "streaming to %d client%s", n,
		      n == 1 ? "" : "s");
}

/* What wakes the loop besides its clients, and what it does then. */

static int signal_fd(const struct server *s, struct camera *cam)
{
	(void)cam;
	return s->sig[0];
}

static void signalled(struct server *s, struct camera *cam)
{
	char b[16];
	ssize_t k, j;

	(void)cam;
	while ((k = read(s->sig[0], b, sizeof(b))) > 0)
		for (j = 0; j < k; j++) {
			if (b[j] == SIGHUP)
				reload(s);
			else
				s->stop = 1;
		}
}

static int verifier_fd(const struct server *s, struct camera *cam)
{
	(void)cam;
	return s->env.auth ? auth_wake_fd(s->env.auth) : -1;
}

static void verdicts_in(struct server *s, struct camera *cam)
{
	(void)cam;
	auth_collect(s->env.auth);
}

static int controls_fd(const struct server *s, struct camera *cam)
{
	(void)s;
	return controls_wake_fd(cam->controls);
}

static void camera_answered(struct server *s, struct camera *cam)
{
	(void)s;
	controls_woken(cam->controls);
}

static int frames_fd(const struct server *s, struct camera *cam)
{
	(void)s;
	return hub_wake_fd(cam->hub);
}

static const struct waker {
	int (*fd)(const struct server *s, struct camera *cam);
	void (*woken)(struct server *s, struct camera *cam);
	int rerun;			/* held requests may have their
					   answer now: run them again */
	int late;			/* after the clients' own events */
	int each;			/* one per camera */
} wakers[] = {
	{ signal_fd, signalled, 0, 0, 0 },
	{ verifier_fd, verdicts_in, 1, 0, 0 },
	{ controls_fd, camera_answered, 1, 0, 1 },
	{ frames_fd, dispatch, 0, 1, 1 },
};

/* The wakers' pollfd slots: one each, and one per camera of those that
 * are per camera. */
static void wakers_init(struct server *s)
{
	int i, k;

	s->nwake = 0;
	for (i = 0; i < (int)LEN(wakers); i++)
		for (k = 0; k < (wakers[i].each ? s->env.ncams : 1); k++) {
			s->wake[s->nwake].w = &wakers[i];
			s->wake[s->nwake++].cam = wakers[i].each ?
						  &s->env.cams[k] : NULL;
		}
}

/* The pollfds before the clients': the listener, the wakers. */
static int nfixed(const struct server *s)
{
	return 1 + s->nwake;
}

/* The wakers whose descriptor was readable, early or late ones. */
static void run_wakers(struct server *s, int late)
{
	int i, rerun = 0;

	for (i = 0; i < s->nwake; i++)
		if (s->wake[i].w->late == late &&
		    (s->pfd[1 + i].revents & POLLIN)) {
			s->wake[i].w->woken(s, s->wake[i].cam);
			rerun |= s->wake[i].w->rerun;
		}
	if (rerun)
		rerun_held(s);
}

int server_turn(struct server *s)
{
	struct conn_env *e = &s->env;
	struct pollfd *pfd = s->pfd;
	int64_t paced;
	int i, n, wait_ms, nf = nfixed(s);

	if (s->accept_paused && e->now >= s->accept_paused)
		s->accept_paused = 0;
	pfd[0].fd = s->lfd >= 0 && !e->stopping && !s->accept_paused ?
		    s->lfd : -1;
	for (i = 0; i < s->nwake; i++)
		pfd[1 + i].fd = s->wake[i].w->fd(s, s->wake[i].cam);
	for (i = 0; i < nf; i++) {
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	paced = INT64_MAX;
	for (i = 0; i < e->nconns; i++) {
		struct conn *c = e->conns[i];

		pfd[nf + i].fd = c->fd;
		pfd[nf + i].events = conn_events(c);
		pfd[nf + i].revents = 0;
		if (c->pace.until > e->now && c->msg[0].used && !c->msg[0].off)
			paced = MIN(paced, c->pace.until);
	}
	wait_ms = (int)MAX(0, (MIN(MIN(s->next_tick, paced),
				   notify_due(&s->notify)) - mono_us() + 999) /
			   1000);
	s->stop = 0;
	n = poll(pfd, (nfds_t)(nf + e->nconns), wait_ms);
	e->now = mono_us();
	notify_watchdog(&s->notify, e->now);
	if (n < 0 && errno != EINTR)
		die("poll:");
	if (n > 0)
		run_wakers(s, 0);
	for (i = 0; n > 0 && i < e->nconns; i++)
		if (pfd[nf + i].revents && !s->dead[i] &&
		    on_events(s, e->conns[i], pfd[nf + i].revents) != 0)
			s->dead[i] = 1;
	if (n > 0)
		run_wakers(s, 1);
	/* Frames held back by their pacing whose time has come. */
	for (i = 0; paced <= e->now && i < e->nconns; i++) {
		struct conn *c = e->conns[i];

		if (!s->dead[i] && c->pace.until && c->pace.until <= e->now &&
		    c->msg[0].used && !c->msg[0].off && run(s, c) != 0)
			s->dead[i] = 1;
	}
	if (e->now >= s->next_tick) {
		for (i = 0; i < e->nconns; i++)
			if (!s->dead[i] && tick(s, e->conns[i]) != 0)
				s->dead[i] = 1;
		/* Once a second: a stream outlives neither its session (a
		 * logout, the lifetime) nor its share link's expiry. */
		if (e->auth && e->now - s->last_sweep >= 1000000) {
			revoke_lost(s, 0);
			s->last_sweep = e->now;
		}
		tell_status(s);
		s->next_tick = e->now + TICK_US;
	}
	reap(s);
	if (n > 0 && pfd[0].fd >= 0 && (pfd[0].revents & POLLIN)) {
		admit_accept(s);
		reap(s);	/* whoever made room for them */
	}
	return s->stop;
}

/* Stopping: streams say goodbye, idle connections go now, responses in
 * hand finish and then close. */
static void begin_stop(struct server *s)
{
	struct conn_env *e = &s->env;
	int i;

	e->stopping = 1;
	logmsg("stopping: closing %d client%s", e->nconns,
	       e->nconns == 1 ? "" : "s");
	for (i = 0; i < e->nconns; i++) {
		struct conn *c = e->conns[i];

		if (c->phase == PH_HEAD)
			s->dead[i] = 1;
		else if (c->phase == PH_STREAM)
			stream_shutdown(c);
		if (!s->dead[i] && run(s, c) != 0)
			s->dead[i] = 1;
	}
	reap(s);
}

void server_run(struct server *s)
{
	int64_t end;

	notify_send(&s->notify, "READY=1");
	while (!server_turn(s))
		;
	notify_send(&s->notify, "STOPPING=1");
	begin_stop(s);
	end = mono_us() + SHUTDOWN_US;
	while (s->env.nconns > 0 && mono_us() < end) {
		s->next_tick = MIN(end, mono_us() + TICK_US);
		server_turn(s);
	}
}

void server_close(struct server *s)
{
	int i;

	for (i = 0; i < s->env.nconns; i++) {
		stream_end(s->env.conns[i]);
		route_end(s->env.conns[i]);
		conn_free(s->env.conns[i]);
	}
	s->env.nconns = 0;
	free(s->env.conns);
	for (i = 0; i < s->env.ncams; i++) {
		free(s->env.cams[i].hstats);
		s->env.cams[i].hstats = NULL;
	}
	free(s->pfd);
	free(s->dead);
	s->env.conns = NULL;
	s->pfd = NULL;
	s->dead = NULL;
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	for (i = 0; i < 2; i++)
		if (s->sig[i] >= 0)
			close(s->sig[i]);
	s->lfd = s->reserve_fd = s->sig[0] = s->sig[1] = -1;
	sig_fd = -1;
	notify_close(&s->notify);
}
