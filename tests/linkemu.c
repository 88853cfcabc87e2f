/* linkemu.c: a trace-driven link between two network namespaces for the
 * tests and benches (mahimahi's mm-link and mm-delay in one process, one
 * ppoll()). Owns two tun devices and the packets between them; it never
 * configures addresses or routes (tests/lib-link.sh does). */
#define _GNU_SOURCE		/* setns(2) */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
"usage: linkemu --down TRACE [--up TRACE|none] [--ns-a NS] [--ns-b NS]\n"
"               [--dev-a NAME] [--dev-b NAME] [--delay MS]\n"
"               [--delay-down MS] [--delay-up MS]\n"
"               [--queue BYTES | --queue-ms MS] [--log FILE]\n"
"\n"
"Joins tun device NAME (--dev-a, default lka) in namespace NS (--ns-a, a\n"
"name from `ip netns` or a path; default: this process's) to --dev-b\n"
"(default lkb) in --ns-b. Packets from A to B (down) leave a drop-tail\n"
"queue as the trace TRACE lets them (mahimahi's format: one line per\n"
"1500-byte delivery opportunity, its time in ms; the trace loops), then\n"
"wait MS ms (--delay-down; --delay sets both ways). B to A (up) likewise\n"
"on its own trace, or at once with none (the default). The queue of each\n"
"direction holds BYTES, or MS ms at its trace's mean rate (default 1000\n"
"ms). Prints `linkemu: ready` once both devices exist; one log line a\n"
"second per direction to FILE; ends on SIGTERM or SIGINT.\n";

#define OPP_BYTES 1500		/* what one line of a trace lets through */
#define PKT_MAX 65536		/* more than any tun read can return */
#define READ_BURST 256		/* reads per device per wake-up */
#define TRACE_MAX (16 << 20)	/* lines */
#define MS_MAX 1000000000L	/* a trace's timestamps: 11 days */
#define LINE_UNLIMITED (16 << 20)	/* delay line of an untraced way */
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

struct pkt {
	struct pkt *next;
	int64_t arrival;	/* ms: entered the queue */
	int64_t due;		/* ms: leaves the delay line */
	size_t left;		/* bytes the link has still to carry */
	size_t len;
	unsigned char data[];
};

struct fifo {
	struct pkt *head, *tail;
	int64_t bytes;
};

/* One opportunity at ms[i] + k * period for every k >= 0; n == 0 is a
 * link without a trace, which lets everything through at once. */
struct trace {
	uint32_t *ms;
	size_t n;
	int64_t period;
};

/* Counts over the current second, for the log. */
struct stats {
	int64_t capacity, arrived, delivered, unused, drops;
	int64_t sojourn_sum, sojourn_n, sojourn_max;
};

struct link {
	const char *name;	/* "down" or "up" */
	struct trace tr;
	size_t next;		/* next opportunity: base + tr.ms[next] */
	int64_t base;
	int64_t limit;		/* queue bytes */
	int64_t delay;		/* ms */
	int64_t line_cap;	/* delay-line bytes */
	struct fifo queue, line;
	struct stats st;
	int out;		/* the tun fd its packets leave by */
};

static volatile sig_atomic_t stop;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("linkemu: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] == ':')
		fprintf(stderr, " %s", strerror(errno));
	fputc('\n', stderr);
	exit(2);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A decimal number in [0, max], or death naming what it was for. */
static int64_t number(const char *s, int64_t max, const char *what)
{
	int64_t v = 0;
	const char *p = s;

	if (!*p)
		die("%s: empty number", what);
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			die("%s: not a number: %s", what, s);
		v = v * 10 + (*p - '0');
		if (v > max)
			die("%s: more than %lld: %s", what, (long long)max, s);
	}
	return v;
}

/* --- traces --- */

/* Reads a mahimahi trace. Like mm-link: timestamps never decrease and
 * the last one, which is the period, is not 0. Blank lines are
 * skipped. */
static void trace_load(struct trace *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[64], *s, *e;
	size_t cap = 0, lineno = 0;
	uint32_t *ms;

	if (!f)
		die("%s:", path);
	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		for (e = s + strlen(s); e > s && (e[-1] == '\n' ||
		     e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if (e == s)
			continue;
		*e = 0;
		if (t->n == TRACE_MAX)
			die("%s: more than %d lines", path, TRACE_MAX);
		if (t->n == cap) {
			cap = cap ? cap * 2 : 4096;
			ms = realloc(t->ms, cap * sizeof(*ms));
			if (!ms)
				die("out of memory");
			t->ms = ms;
		}
		t->ms[t->n] = (uint32_t)number(s, MS_MAX, path);
		if (t->n && t->ms[t->n] < t->ms[t->n - 1])
			die("%s:%zu: timestamps must not decrease", path,
			    lineno);
		t->n++;
	}
	if (ferror(f))
		die("%s:", path);
	fclose(f);
	if (!t->n)
		die("%s: no timestamps", path);
	t->period = t->ms[t->n - 1];
	if (!t->period)
		die("%s: the trace must last at least 1 ms", path);
}

/* Most opportunities in one ms, times two: where the trace starts at
 * 0, its first lines fall on the same ms as its last ones. A bound for
 * the delay line, not the exact peak. */
static int64_t trace_peak(const struct trace *t)
{
	size_t i, run = 0, best = 0;

	for (i = 0; i < t->n; i++) {
		run = i && t->ms[i] == t->ms[i - 1] ? run + 1 : 1;
		best = MAX(best, run);
	}
	return 2 * (int64_t)best;
}

/* --- the link --- */

static void fifo_push(struct fifo *q, struct pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->bytes += (int64_t)p->len;
}

static struct pkt *fifo_pop(struct fifo *q)
{
	struct pkt *p = q->head;

	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	q->bytes -= (int64_t)p->len;
	return p;
}

static void fifo_free(struct fifo *q)
{
	struct pkt *p;

	while ((p = fifo_pop(q)))
		free(p);
}

/* The delay comes after the bottleneck, not before: the delay line then
 * holds no more than the link delivered in the last `delay` ms, so its
 * memory is bounded by the trace; a packet's departure time is its
 * opportunity's time in the trace, so waking up late delays nothing
 * that was due less than `delay` ms later; and the queue's sojourn is
 * queueing alone. A constant delay commutes with the queue for a
 * constant trace; on a varying one, the far end's base station is
 * where the queue would be anyway. */
static void link_depart(struct link *l, struct pkt *p, int64_t t)
{
	int64_t sojourn = t - p->arrival;

	l->st.delivered += (int64_t)p->len;
	l->st.sojourn_sum += sojourn;
	l->st.sojourn_n++;
	l->st.sojourn_max = MAX(l->st.sojourn_max, sojourn);
	if (l->line.bytes + (int64_t)p->len > l->line_cap) {
		/* Cannot happen with a trace (line_cap is its peak). */
		l->st.drops++;
		free(p);
		return;
	}
	p->due = t + l->delay;
	fifo_push(&l->line, p);
}

/* Plays the trace up to ms `now`: each opportunity carries OPP_BYTES
 * from the head of the queue (a big packet takes several, small ones
 * share one); what the queue cannot use then is lost, not banked.
 * Must run before a packet arriving at `now` is queued. */
static void link_serve(struct link *l, int64_t now)
{
	struct pkt *p;
	int64_t t;
	size_t room;

	if (!l->tr.n)
		return;
	while ((t = l->base + l->tr.ms[l->next]) <= now) {
		if (++l->next == l->tr.n) {
			l->next = 0;
			l->base += l->tr.period;
		}
		l->st.capacity += OPP_BYTES;
		room = OPP_BYTES;
		while (room && (p = l->queue.head)) {
			if (p->left > room) {
				p->left -= room;
				room = 0;
				break;
			}
			room -= p->left;
			link_depart(l, fifo_pop(&l->queue), t);
		}
		l->st.unused += (int64_t)room;
	}
}

/* A packet read at `now` joins the tail of the queue, or is dropped
 * when it does not fit (drop-tail). Takes ownership of p. */
static void link_arrive(struct link *l, struct pkt *p, int64_t now)
{
	l->st.arrived += (int64_t)p->len;
	p->arrival = now;
	p->left = p->len;
	if (!l->tr.n) {
		link_depart(l, p, now);
		return;
	}
	if (l->queue.bytes + (int64_t)p->len > l->limit) {
		l->st.drops++;
		free(p);
		return;
	}
	fifo_push(&l->queue, p);
}

/* Writes out what the delay line holds up to `now`. A packet the far
 * device refuses (it is down) counts as dropped. */
static void link_flush(struct link *l, int64_t now)
{
	struct pkt *p;

	while (l->line.head && l->line.head->due <= now) {
		p = fifo_pop(&l->line);
		if (write(l->out, p->data, p->len) != (ssize_t)p->len)
			l->st.drops++;
		free(p);
	}
}

/* The ms of the link's next event, INT64_MAX for none: an opportunity
 * matters only while something waits for it. */
static int64_t link_next(const struct link *l)
{
	int64_t t = INT64_MAX;

	if (l->line.head)
		t = l->line.head->due;
	if (l->tr.n && l->queue.head)
		t = MIN(t, l->base + l->tr.ms[l->next]);
	return t;
}

static void link_log(struct link *l, FILE *f, int64_t sec)
{
	struct stats *s = &l->st;

	if (f)
		fprintf(f, "%lld %s %lld %lld %lld %lld %lld %lld %.1f %lld\n",
			(long long)sec, l->name, (long long)s->capacity,
			(long long)s->arrived, (long long)s->delivered,
			(long long)s->unused, (long long)s->drops,
			(long long)l->queue.bytes, s->sojourn_n ?
			(double)s->sojourn_sum / (double)s->sojourn_n : 0.0,
			(long long)s->sojourn_max);
	memset(s, 0, sizeof(*s));
}

/* Bytes the queue holds: --queue as given, or --queue-ms at the
 * trace's mean rate, at least one opportunity's worth so that a full
 * packet can pass at all. */
static void link_setup(struct link *l, int64_t qbytes, int64_t qms)
{
	if (!l->tr.n) {
		l->line_cap = LINE_UNLIMITED;
		return;
	}
	l->limit = qbytes >= 0 ? qbytes : MAX(OPP_BYTES, qms *
		(int64_t)l->tr.n * OPP_BYTES / l->tr.period);
	l->line_cap = trace_peak(&l->tr) * OPP_BYTES * (l->delay + 1) +
		PKT_MAX;
}

static void link_free(struct link *l)
{
	fifo_free(&l->queue);
	fifo_free(&l->line);
	free(l->tr.ms);
	l->tr.ms = NULL;
}

/* --- tun devices --- */

/* The fd of a new tun device NAME (IP packets, no header) in namespace
 * NS, or in ours if NS is NULL. /dev/net/tun is opened from inside NS
 * rather than the device being made here and moved there by `ip link
 * set netns`: it then never exists in the host's namespace, not even
 * for a moment, and the tun file holds its namespace, which outlives a
 * hasty `ip netns del` until we exit. `home` brings us back. */
static int tun_open(const char *ns, const char *name, int home)
{
	char path[4096];
	struct ifreq ifr;
	int nsfd, fd;

	if (ns) {
		snprintf(path, sizeof(path), "%s%s",
			 strchr(ns, '/') ? "" : "/var/run/netns/", ns);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0)
			die("%s:", path);
		if (setns(nsfd, CLONE_NEWNET) != 0)
			die("setns %s:", path);
		close(nsfd);
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die("/dev/net/tun:");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0)
		die("tun %s in %s:", name, ns ? ns : "this namespace");
	if (ns && setns(home, CLONE_NEWNET) != 0)
		die("setns back:");
	return fd;
}

/* Reads what the device has (up to READ_BURST packets) into link l.
 * 0, or -1 with errno on a read error. */
static int tun_read(int fd, struct link *l, int64_t now, unsigned char *buf)
{
	struct pkt *p;
	ssize_t n;
	int i;

	for (i = 0; i < READ_BURST; i++) {
		n = read(fd, buf, PKT_MAX);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		p = malloc(sizeof(*p) + (size_t)n);
		if (!p) {
			l->st.drops++;
			continue;
		}
		p->len = (size_t)n;
		memcpy(p->data, buf, (size_t)n);
		link_arrive(l, p, now);
	}
	return 0;
}

/* --- main --- */

struct opts {
	const char *ns[2], *dev[2], *trace[2], *log;
	int64_t delay[2], qbytes, qms;
};

static void parse(int argc, char **argv, struct opts *o)
{
	const char *k, *v;
	int i;

	memset(o, 0, sizeof(*o));
	o->dev[0] = "lka";
	o->dev[1] = "lkb";
	o->qbytes = -1;
	o->qms = 1000;
	for (i = 1; i < argc; i++) {
		k = argv[i];
		if (!strcmp(k, "-h") || !strcmp(k, "--help")) {
			fputs(usage, stdout);
			exit(0);
		}
		if (i + 1 == argc)
			die("%s", usage);
		v = argv[++i];
		if (!strcmp(k, "--ns-a"))
			o->ns[0] = v;
		else if (!strcmp(k, "--ns-b"))
			o->ns[1] = v;
		else if (!strcmp(k, "--dev-a"))
			o->dev[0] = v;
		else if (!strcmp(k, "--dev-b"))
			o->dev[1] = v;
		else if (!strcmp(k, "--down"))
			o->trace[0] = v;
		else if (!strcmp(k, "--up"))
			o->trace[1] = strcmp(v, "none") ? v : NULL;
		else if (!strcmp(k, "--delay"))
			o->delay[0] = o->delay[1] = number(v, 60000, k);
		else if (!strcmp(k, "--delay-down"))
			o->delay[0] = number(v, 60000, k);
		else if (!strcmp(k, "--delay-up"))
			o->delay[1] = number(v, 60000, k);
		else if (!strcmp(k, "--queue"))
			o->qbytes = number(v, 1 << 30, k);
		else if (!strcmp(k, "--queue-ms"))
			o->qms = number(v, 600000, k);
		else if (!strcmp(k, "--log"))
			o->log = v;
		else
			die("%s", usage);
	}
	if (!o->trace[0])
		die("%s", usage);
	for (i = 0; i < 2; i++)
		if (!*o->dev[i] || strlen(o->dev[i]) >= IFNAMSIZ)
			die("bad device name: %s", o->dev[i]);
}

static void log_head(FILE *f, const struct opts *o, const struct link *l)
{
	int i;

	for (i = 0; i < 2; i++) {
		fprintf(f, "# %s: %s", l[i].name, o->trace[i] ? o->trace[i] :
			"none (unlimited)");
		if (l[i].tr.n)
			fprintf(f, ", %.3f Mbit/s mean, queue %lld bytes",
				(double)l[i].tr.n * OPP_BYTES * 8 /
				(double)l[i].tr.period / 1000,
				(long long)l[i].limit);
		fprintf(f, ", delay %lld ms\n", (long long)l[i].delay);
	}
	fputs("# t dir capacity arrived delivered unused drops queue "
	      "delay_mean delay_max\n", f);
	fflush(f);
}

/* Sleeps until ms `next` after t0 or until a device has a packet;
 * SIGTERM and SIGINT get through only here. */
static void wait_events(struct pollfd *pfd, int64_t t0, int64_t next,
			const sigset_t *mask)
{
	int64_t ns = t0 + next * 1000000 - mono_ns();
	struct timespec ts;

	ns = MAX(ns, 0);
	ts.tv_sec = (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	pfd[0].revents = pfd[1].revents = 0;
	if (ppoll(pfd, 2, &ts, mask) < 0 && errno != EINTR)
		die("ppoll:");
}

int main(int argc, char **argv)
{
	struct opts o;
	struct link l[2];
	struct pollfd pfd[2];
	struct sigaction sa;
	sigset_t block, mask;
	unsigned char *buf;
	FILE *log = NULL;
	int64_t t0, now, tick = 1000, next;
	int home, i, st = 0;

	parse(argc, argv, &o);
	memset(l, 0, sizeof(l));
	for (i = 0; i < 2; i++) {
		l[i].name = i ? "up" : "down";
		l[i].delay = o.delay[i];
		if (o.trace[i])
			trace_load(&l[i].tr, o.trace[i]);
		link_setup(&l[i], o.qbytes, o.qms);
	}
	buf = malloc(PKT_MAX);
	if (!buf)
		die("out of memory");
	if (o.log && !(log = fopen(o.log, "w")))
		die("%s:", o.log);
	if (log)
		log_head(log, &o, l);

	/* Signals wait for ppoll(), so that none is lost between a check
	 * of `stop` and the sleep. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &mask);

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		die("/proc/self/ns/net:");
	for (i = 0; i < 2; i++) {
		pfd[i].fd = tun_open(o.ns[i], o.dev[i], home);
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	close(home);
	l[0].out = pfd[1].fd;	/* down: read from A, written to B */
	l[1].out = pfd[0].fd;
	t0 = mono_ns();		/* the traces' time 0 */
	printf("linkemu: ready (%s, %s)\n", o.dev[0], o.dev[1]);
	fflush(stdout);

	while (!stop) {
		now = (mono_ns() - t0) / 1000000;
		/* A second ends: its opportunities are all played first. */
		while (now >= tick) {
			for (i = 0; i < 2; i++) {
				link_serve(&l[i], tick - 1);
				link_log(&l[i], log, tick / 1000 - 1);
			}
			if (log)
				fflush(log);
			tick += 1000;
		}
		for (i = 0; i < 2; i++)
			link_serve(&l[i], now);
		for (i = 0; i < 2; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (tun_read(pfd[i].fd, &l[i], now, buf) != 0) {
				fprintf(stderr, "linkemu: read %s: %s\n",
					o.dev[i], strerror(errno));
				st = 1;
				stop = 1;
			}
		}
		for (i = 0; i < 2; i++)
			link_flush(&l[i], now);
		next = MIN(tick, MIN(link_next(&l[0]), link_next(&l[1])));
		if (!stop)
			wait_events(pfd, t0, next, &mask);
	}

	for (i = 1; i >= 0; i--) {
		close(pfd[i].fd);
		link_free(&l[i]);
	}
	if (log)
		fclose(log);
	free(buf);
	return st;
}
