/* fuzz-server.c: libFuzzer target for the whole connection path: server.c
 * runs real connections (socketpairs) through conn.c, route.c (with
 * page.c and api.c), stream.c and status.c, fed arbitrary byte streams
 * split at arbitrary points, with a stand-in hub that makes tiny frames
 * on demand and a clock the input moves. After every input: no crash, no
 * leak (ASan/LSan), at most one response head per request and nothing
 * after a `close` response, output held per connection bounded.
 *
 *   make fuzz; tests/fuzz-server tests/corpus/server
 *
 * Input: one byte of set-up (connections 1..3, accounts or not, limits,
 * time limits), then
 * commands: op = byte & 7, k = connection (byte >> 3) % n:
 *   0 LEN BYTES  client k sends BYTES      4 client k stops reading
 *   1 N          time moves N*50 ms        5 client k reads again
 *   2            the hub publishes frames  6 client k shuts its side
 *   3            a server turn             7 client k reads all now */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "base64.h"
#include "conn.h"
#include "camera.h"
#include "hub.h"
#include "server.h"
#include "sha256.h"
#include "share.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- the clock and the log, in place of util.c's (-Wl,--wrap) --- */

static int64_t clock_us = 1000000000;

int64_t __wrap_mono_us(void);
int64_t __wrap_now_us(void);
void __wrap_logmsg(const char *fmt, ...);

int64_t __wrap_mono_us(void)
{
	return clock_us;
}

int64_t __wrap_now_us(void)
{
	return clock_us + 1700000000000000LL;
}

void __wrap_logmsg(const char *fmt, ...)
{
	(void)fmt;
}

/* --- a stand-in hub: hub.h without threads or encoders --- */

struct hub {
	int need[RUNG_N];
	struct frame *latest[RUNG_N];
	int wake[2];
	uint64_t seq;
};

struct frame *frame_ref(struct frame *f)
{
	f->refs++;
	return f;
}

void frame_unref(struct frame *f)
{
	if (f && --f->refs == 0)
		free(f);
}

void hub_need(struct hub *h, int rung, int delta)
{
	assert(rung >= 0 && rung < RUNG_N);
	h->need[rung] += delta;
	assert(h->need[rung] >= 0);
}

void hub_map(struct hub *h, int fixed[RUNG_N], int autom[RUNG_N])
{
	int r;

	(void)h;
	for (r = 0; r < RUNG_N; r++)
		fixed[r] = autom[r] = r;
}

int hub_wake_fd(struct hub *h)
{
	return h->wake[0];
}

void hub_woken(struct hub *h)
{
	char b[16];

	while (read(h->wake[0], b, sizeof(b)) > 0)
		;
}

struct frame *hub_latest(struct hub *h, int rung)
{
	return h->latest[rung] ? frame_ref(h->latest[rung]) : NULL;
}

uint64_t hub_seq(struct hub *h)
{
	return h->seq;
}

void hub_get_stats(struct hub *h, struct hub_stats *st)
{
	int r;

	memset(st, 0, sizeof(*st));
	snprintf(st->info.name, sizeof(st->info.name), "fuzz");
	st->info.w = 64;
	st->info.h = 48;
	st->info.fps = 30;
	st->seq = h->seq;
	for (r = 0; r < RUNG_N; r++) {
		st->rung[r].need = h->need[r];
		st->rung[r].encoded = h->need[r] > 0;
		st->rung[r].bytes = 100;
		st->serve[r] = r;
	}
}

/* A new tiny frame for every rung someone needs, and a wake byte. */
static void publish(struct hub *h)
{
	int r;

	h->seq++;
	for (r = 0; r < RUNG_N; r++) {
		struct frame *f;

		frame_unref(h->latest[r]);
		h->latest[r] = NULL;
		if (h->need[r] <= 0)
			continue;
		f = calloc(1, sizeof(*f) + 64);
		assert(f);
		f->refs = 1;
		f->rung = r;
		f->q = rung_q(r);
		f->w = 64;
		f->h = 48;
		f->seq = h->seq;
		f->ts_us = __wrap_now_us();
		f->len = 64;
		f->data[0] = 0xff;
		f->data[1] = 0xd8;
		f->data[62] = 0xff;
		f->data[63] = 0xd9;
		h->latest[r] = f;
	}
	if (write(h->wake[1], "", 1) < 0)
		assert(errno == EAGAIN);
}

/* --- the client side: what it sent, what it got --- */

struct client {
	int fd;
	int reading;
	uint64_t heads_sent;		/* blank lines sent: an upper bound
					   on complete request heads */
	uint32_t tail;			/* last bytes sent, for "\n\r\n" */
	int sent_head;			/* a HEAD request: bodies are not
					   where Content-Length says */
	/* response parser */
	char head[HTTP_MAX_HEAD * 2];
	size_t headlen;
	uint64_t body_left;
	uint64_t responses;
	int closing, streaming;
};

static void count_heads(struct client *cl, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cl->tail = cl->tail << 8 | p[i];
		/* "\n\n" or "\n\r\n" ends a head */
		if ((cl->tail & 0xffff) == 0x0a0a ||
		    (cl->tail & 0xffffff) == 0x0a0d0a)
			cl->heads_sent++;
		if (cl->tail == 0x48454144)	/* "HEAD" */
			cl->sent_head = 1;
	}
}

static uint64_t content_length(const char *h)
{
	const char *p = strstr(h, "\r\nContent-Length: ");

	return p ? strtoull(p + 18, NULL, 10) : 0;
}

/* One complete response head arrived. */
static void response_head(struct client *cl)
{
	cl->head[cl->headlen] = 0;
	assert(memcmp(cl->head, "HTTP/1.1 ", 9) == 0);
	cl->responses++;
	/* At most one answer per request: a head sent, or a head the
	 * server gave up on (400, 408, 414, 431). */
	assert(cl->responses <= cl->heads_sent + 1);
	if (strstr(cl->head, "HTTP/1.1 101 ") == cl->head ||
	    strstr(cl->head, "multipart/x-mixed-replace")) {
		cl->streaming = 1;
		return;
	}
	cl->closing = strstr(cl->head, "\r\nConnection: close\r\n") != NULL;
	cl->body_left = content_length(cl->head);
}

static void client_input(struct client *cl, const uint8_t *p, size_t n)
{
	while (n > 0 && !cl->streaming && !cl->sent_head) {
		if (cl->body_left) {
			size_t take = cl->body_left < n ? cl->body_left : n;

			cl->body_left -= take;
			p += take;
			n -= take;
			continue;
		}
		/* Nothing may follow a response that said close. */
		assert(!cl->closing);
		assert(cl->headlen + 1 < sizeof(cl->head));
		cl->head[cl->headlen++] = (char)*p++;
		n--;
		if (cl->headlen >= 4 &&
		    !memcmp(cl->head + cl->headlen - 4, "\r\n\r\n", 4)) {
			response_head(cl);
			cl->headlen = 0;
		}
	}
}

static void client_read(struct client *cl)
{
	uint8_t buf[65536];
	ssize_t r;

	while ((r = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		client_input(cl, buf, (size_t)r);
}

/* --- driving --- */

static void invariants(const struct server *s)
{
	int i;

	for (i = 0; i < s->env.nconns; i++) {
		const struct conn *c = s->env.conns[i];

		assert(c->inlen <= sizeof(c->in));
		assert(obuf_pending(&c->out) <= CONN_OUT_MAX);
		/* Two messages at most: the latest frame wins. */
		assert(!c->msg[1].used || c->msg[0].used);
	}
}

static void turn(struct server *s, struct client *cl, int n)
{
	int i;

	s->next_tick = 0;	/* timers every turn; poll does not wait */
	server_turn(s);
	invariants(s);
	for (i = 0; i < n; i++)
		if (cl[i].fd >= 0 && cl[i].reading)
			client_read(&cl[i]);
}

/* --- accounts: alice (admin, password "alicepass1"), made once ---
 *
 * 1000 PBKDF2 rounds, the least the file takes, so that a login costs
 * the verifier little. The secret is all 7s: the seeds carry a share
 * token signed with it (tests/corpus/server/share-ok). */
static struct auth *accounts(void)
{
	static struct auth *a;
	static const unsigned char salt[16] = "fuzzfuzzfuzzfuzz";
	char dir[] = "/tmp/rerocctv-fuzz-XXXXXX", path[64], s64[32], k64[48];
	char err[256];
	unsigned char key[32];
	FILE *f;

	if (a)
		return a;
	if (!mkdtemp(dir))
		abort();
	pbkdf2_sha256("alicepass1", 10, salt, 16, 1000, key, 32);
	base64_encode(salt, 16, s64);
	base64_encode(key, 32, k64);
	snprintf(path, sizeof(path), "%s/users", dir);
	f = fopen(path, "w");
	if (!f || fchmod(fileno(f), 0600) != 0)
		abort();
	fprintf(f, "alice:admin:$pbkdf2-sha256$1000$%s$%s\n", s64, k64);
	fclose(f);
	snprintf(path, sizeof(path), "%s/users.secret", dir);
	f = fopen(path, "w");
	if (!f || fchmod(fileno(f), 0600) != 0)
		abort();
	fprintf(f, "%064d\n", 0);
	fclose(f);
	snprintf(path, sizeof(path), "%s/users", dir);
	if (!(a = auth_open(path, NULL, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *origins[] = { "http://allowed.example" };
	struct config cfg;
	struct server s;
	/* Two cameras: the first also at the plain paths, "b" under
	 * /c/b/ only. */
	struct hub hub[2];
	struct camera cams[2];
	struct client cl[3];
	struct peer p;
	size_t i = 1;
	int n, k, sv[2];

	if (size < 1)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:0";
	cfg.origins = origins;
	cfg.norigins = 1;
	cfg.max_clients = 8;
	cfg.max_per_ip = data[0] & 0x40 ? 2 : 8;
	cfg.default_q = 80;
	cfg.timeout_s = 1 + (data[0] >> 7);
	cfg.stall_s = 2;
	memset(hub, 0, sizeof(hub));
	memset(cams, 0, sizeof(cams));
	for (k = 0; k < 2; k++) {
		if (pipe(hub[k].wake) != 0)
			abort();
		fcntl(hub[k].wake[0], F_SETFL, O_NONBLOCK);
		fcntl(hub[k].wake[1], F_SETFL, O_NONBLOCK);
		cams[k].index = k;
		cams[k].hub = &hub[k];
		snprintf(cams[k].name, sizeof(cams[k].name), "%s",
			 k ? "b" : "a");
	}
	/* Set-up bit 0x20: the server has accounts. */
	server_init(&s, &cfg, cams, 2, data[0] & 0x20 ? accounts() : NULL);

	n = 1 + (data[0] & 3) % 3;
	memset(cl, 0, sizeof(cl));
	memset(&p, 0, sizeof(p));
	snprintf(p.addr, sizeof(p.addr), "127.0.0.1");
	snprintf(p.text, sizeof(p.text), "127.0.0.1:1");
	for (k = 0; k < n; k++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			abort();
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		fcntl(sv[1], F_SETFL, O_NONBLOCK);
		server_adopt(&s, sv[0], &p);
		cl[k].fd = sv[1];
		cl[k].reading = 1;
	}
	while (i < size) {
		uint8_t op = data[i] & 7;

		k = (data[i] >> 3) % n;
		i++;
		switch (op) {
		case 0: {
			size_t len = i < size ? data[i++] : 0;

			if (len > size - i)
				len = size - i;
			if (send(cl[k].fd, data + i, len, MSG_DONTWAIT |
				 MSG_NOSIGNAL) > 0)
				count_heads(&cl[k], data + i, len);
			i += len;
			break;
		}
		case 1:
			clock_us += (int64_t)(i < size ? data[i++] : 1) * 50000;
			break;
		case 2:
			publish(&hub[k & 1]);
			break;
		case 4:
			cl[k].reading = 0;
			break;
		case 5:
			cl[k].reading = 1;
			break;
		case 6:
			shutdown(cl[k].fd, SHUT_WR);
			break;
		case 7:
			client_read(&cl[k]);
			break;
		}
		turn(&s, cl, n);
	}
	/* Let every deadline pass, reading all: everything ends. */
	for (k = 0; k < n; k++)
		cl[k].reading = 1;
	for (k = 0; k < 4; k++) {
		clock_us += 30000000;
		turn(&s, cl, n);
	}
	server_close(&s);
	for (k = 0; k < n; k++)
		close(cl[k].fd);
	for (k = 0; k < 2 * RUNG_N; k++) {
		assert(hub[k / RUNG_N].need[k % RUNG_N] == 0);
		frame_unref(hub[k / RUNG_N].latest[k % RUNG_N]);
	}
	for (k = 0; k < 4; k++)
		close(hub[k / 2].wake[k % 2]);
	return 0;
}
