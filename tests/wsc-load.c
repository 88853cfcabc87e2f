/* wsc-load.c: `wsclient load`: many clients at once, each frame checked,
 * one line of figures at the end (and a JSON object a client). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "wsclient.h"

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double conn_fps(const struct conn *c)
{
	if (c->frames < 2 || c->t_last <= c->t_first)
		return 0.0;
	return (double)(c->frames - 1) * 1e6 / (double)(c->t_last -
							 c->t_first);
}

static void json_str(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static int report(struct conn *cs, long n)
{
	uint64_t frames = 0, bytes = 0, skipped = 0, invalid = 0, texts = 0;
	long connected = 0, errors = 0, nf = 0, i;
	double *fps = xrealloc(NULL, (size_t)n * sizeof(double));
	double *first = xrealloc(NULL, (size_t)n * sizeof(double));
	int32_t *all = NULL;
	size_t nall = 0, nfirst = 0;

	for (i = 0; i < n; i++) {
		struct conn *c = &cs[i];

		qsort(c->lat, c->nlat, sizeof(*c->lat), cmp_i32);
		all = xrealloc(all, (nall + c->nlat) * sizeof(*all));
		if (c->nlat)
			memcpy(all + nall, c->lat, c->nlat * sizeof(*all));
		nall += c->nlat;
		frames += c->frames;
		bytes += c->bytes;
		skipped += c->skipped;
		invalid += c->invalid;
		texts += c->texts;
		connected += c->connected;
		errors += c->err[0] != 0;
		if (c->connected && !o.stall)
			fps[nf++] = conn_fps(c);
		if (c->frames && c->t_open)
			first[nfirst++] = (double)(c->t_first - c->t_open) / 1000;
		if (!o.json)
			continue;
		printf("{\"client\":%ld,\"connected\":%d,\"frames\":%llu,"
		       "\"fps\":%.2f,\"bytes\":%llu,\"lat_p50\":%.1f,"
		       "\"lat_p99\":%.1f,\"skipped\":%llu,\"invalid\":%llu,"
		       "\"q\":%d,\"w\":%d,\"h\":%d,\"texts\":%llu,"
		       "\"close_code\":%d,\"last_text\":", i, c->connected,
		       (unsigned long long)c->frames, conn_fps(c),
		       (unsigned long long)c->bytes,
		       pct_ms(c->lat, c->nlat, 50), pct_ms(c->lat, c->nlat, 99),
		       (unsigned long long)c->skipped,
		       (unsigned long long)c->invalid, c->q, c->w, c->h,
		       (unsigned long long)c->texts, c->close_code);
		json_str(c->text ? c->text : "", c->textlen);
		printf(",\"error\":");
		json_str(c->err, strlen(c->err));
		printf("}\n");
	}
	qsort(all, nall, sizeof(*all), cmp_i32);
	qsort(fps, (size_t)nf, sizeof(*fps), cmp_dbl);
	qsort(first, nfirst, sizeof(*first), cmp_dbl);
	printf("clients=%ld connected=%ld frames=%llu fps=%.2f fps_min=%.2f "
	       "bytes=%llu avg_size=%llu lat_p50=%.1f lat_p99=%.1f "
	       "skipped=%llu invalid=%llu q=%d w=%d h=%d texts=%llu "
	       "errors=%ld first_p50=%.0f first_max=%.0f\n", n, connected,
	       (unsigned long long)frames,
	       nf ? (nf % 2 ? fps[nf / 2] : (fps[nf / 2 - 1] +
					     fps[nf / 2]) / 2) : 0.0,
	       nf ? fps[0] : 0.0, (unsigned long long)bytes,
	       (unsigned long long)(frames ? bytes / frames : 0),
	       pct_ms(all, nall, 50), pct_ms(all, nall, 99),
	       (unsigned long long)skipped, (unsigned long long)invalid,
	       last_q, last_w, last_h, (unsigned long long)texts, errors,
	       nfirst ? first[nfirst / 2] : 0.0,
	       nfirst ? first[nfirst - 1] : 0.0);
	fflush(stdout);
	free(all);
	free(fps);
	free(first);
	return errors || invalid ? 1 : 0;
}

int cmd_load(int argc, char **argv)
{
	struct url u;
	struct addrinfo *ai;
	struct conn *cs;
	struct pollfd *pf;
	struct rlimit rl;
	int64_t now, deadline, end_deadline = 0;
	const char *url = NULL;
	int i, *idx, timeout, t_set = 0;
	long n, k, live;

	o.n = 1;
	o.secs = 5;
	for (i = 1; i < argc; i++) {
		char *a = argv[i], *at;

		if (common_opt(argc, argv, &i)) {
			char *v = argv[++i];
			if (!strcmp(a, "-n"))
				o.n = arg_long(v, 1);
			else if (!strcmp(a, "-t"))
				o.secs = arg_double(v), t_set = 1;
			else if (!strcmp(a, "-f"))
				o.frames = arg_long(v, 1);
			else if (!strcmp(a, "--origin"))
				o.origin = v;
			else if (!strcmp(a, "-H"))
				o.header = v;
			else if (!strcmp(a, "--bind"))
				o.bind = v;
			else if (!strcmp(a, "--protocol"))
				o.protocol = v;
			else if (!strcmp(a, "--send")) {
				at = strrchr(v, '@');
				if (!at)
					bad_usage();
				*at = '\0';
				o.send_text = v;
				o.send_at = arg_long(at + 1, 0);
			} else
				bad_usage();
		} else if (!strcmp(a, "--stall")) {
			o.stall = 1;
		} else if (!strcmp(a, "--json")) {
			o.json = 1;
		} else if (!strcmp(a, "--decode")) {
			o.decode = 1;
		} else if (!strcmp(a, "--luma") && i + 1 < argc) {
			if (!(o.luma = fopen(argv[++i], "w")))
				die("%s:", argv[i]);
			setvbuf(o.luma, NULL, _IOLBF, 0);
			o.decode = 1;
		} else if (!strcmp(a, "--rate") && i + 1 < argc) {
			o.rate = arg_double(argv[++i]) * 1000;
		} else if (!strcmp(a, "--rcvbuf") && i + 1 < argc) {
			o.rcvbuf = (int)arg_long(argv[++i], 1);
		} else if (!strcmp(a, "--size") && i + 1 < argc) {
			if (sscanf(argv[++i], "%dx%d", &o.size_w,
				   &o.size_h) != 2 || o.size_w <= 0 ||
			    o.size_h <= 0)
				bad_usage();
		} else if (a[0] == '-' || url) {
			bad_usage();
		} else {
			url = a;
		}
	}
	if (!url || url_parse(url, &u) < 0)
		bad_usage();
	if (o.frames && !t_set)
		o.secs = 10;
	ai = resolve(u.host, u.port);
	/* Hundreds of clients may pass the default soft limit of 1024. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	n = o.n;
	cs = calloc((size_t)n, sizeof(*cs));
	pf = calloc((size_t)n, sizeof(*pf));
	idx = calloc((size_t)n, sizeof(*idx));
	if (!cs || !pf || !idx)
		die("out of memory");
	now = now_us(CLOCK_MONOTONIC);
	deadline = now + (int64_t)(o.secs * 1e6);
	for (k = 0; k < n; k++) {
		struct conn *c = &cs[k];

		c->id = (int)k;
		c->ws = u.ws;
		c->state = S_CONNECT;
		c->t_open = now;
		c->fd = tcp_connect(ai);
		if (c->fd < 0) {
			conn_fail(c, "connect: %s", strerror(errno));
			continue;
		}
		conn_request(c, &u);
	}
	for (;;) {
		now = now_us(CLOCK_MONOTONIC);
		if (!o.ending && now >= deadline) {
			o.ending = 1;
			end_deadline = now + 1000000;
			for (k = 0; k < n; k++) {
				begin_close(&cs[k]);
				if (cs[k].fd >= 0)
					conn_flush(&cs[k]);
			}
		}
		live = 0;
		for (k = 0; k < n; k++) {
			struct conn *c = &cs[k];

			if (c->fd < 0)
				continue;
			pf[live].fd = c->fd;
			pf[live].events = 0;
			pf[live].revents = 0;
			if (c->state == S_CONNECT) {
				pf[live].events = POLLOUT;
			} else {
				if (c->out.off < c->out.len)
					pf[live].events |= POLLOUT;
				if (!(o.stall && c->state == S_STREAM) &&
				    may_read(c, now))
					pf[live].events |= POLLIN;
			}
			idx[live++] = (int)k;
		}
		if (live == 0 || (o.ending && now >= end_deadline))
			break;
		if (o.stall && !o.ending) {
			/* Only stalled sockets left: sleep to the deadline. */
			for (k = 0; k < live && !pf[k].events; k++)
				;
			if (k == live) {
				struct timespec ts = { 0, 20000000 };
				nanosleep(&ts, NULL);
				continue;
			}
		}
		timeout = (int)(((o.ending ? end_deadline : deadline) - now +
				 999) / 1000);
		if (o.rate > 0)
			timeout = MIN(timeout, 5);
		if (poll(pf, (nfds_t)live, MIN(timeout, 1000)) < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		for (k = 0; k < live; k++) {
			struct conn *c = &cs[idx[k]];
			short re = pf[k].revents;

			if (!re || c->fd < 0)
				continue;
			if (c->state == S_CONNECT) {
				int e = 0;
				socklen_t el = sizeof(e);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e,
					   &el);
				if (e) {
					conn_fail(c, "connect: %s",
						  strerror(e));
					continue;
				}
				c->state = S_HEAD;
				re = POLLOUT;
			}
			if (o.stall && c->state == S_STREAM &&
			    (re & (POLLERR | POLLHUP))) {
				conn_close(c);	/* dropped by the server */
				continue;
			}
			if ((re & POLLOUT) && conn_flush(c) < 0)
				continue;
			if (!(re & (POLLIN | POLLERR | POLLHUP)) ||
			    !(pf[k].events & POLLIN))
				continue;
			if (conn_read(c) != 0 || c->fd < 0) {
				/* Both close frames exchanged: done, even
				 * if the server is slow to close TCP. */
				if (c->fd >= 0 && c->got_close &&
				    conn_flush(c) == 0 &&
				    c->out.off == c->out.len)
					conn_close(c);
				continue;
			}
			/* EOF */
			if (c->state == S_CLOSING || c->got_close ||
			    c->mstate == M_END)
				conn_close(c);
			else if (o.ending)
				conn_close(c);
			else
				conn_fail(c, c->state == S_HEAD ?
					  "connection closed before response"
					  : "connection closed by server "
					  "after %llu frames",
					  (unsigned long long)c->frames);
		}
		/* Stop early once every client is done with its frames. */
		if (!o.ending && o.frames > 0 && !o.stall) {
			for (k = 0; k < n && cs[k].state == S_DONE; k++)
				;
			if (k == n)
				break;
		}
	}
	for (k = 0; k < n; k++)
		if (cs[k].fd >= 0)
			conn_close(&cs[k]);
	freeaddrinfo(ai);
	i = report(cs, n);
	for (k = 0; k < n; k++)
		conn_free(&cs[k]);
	free(cs);
	free(pf);
	free(idx);
	return i;
}
