/* controls.c: the camera's controls between the poll thread and the
 * source thread: a few requests and the list under one small lock; the
 * camera is touched on the source thread only. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "controls.h"
#include "ctrl.h"
#include "json.h"
#include "obuf.h"
#include "source.h"
#include "util.h"

enum {
	NJOBS = 8,			/* requests at once; more get 503 */
	WAIT_US = 5000000,		/* the longest a request waits */
	KEEP_US = 10000000,		/* an answer nobody came for goes */
	TEXT = 24			/* a kept value, as text */
};

enum state {
	S_NONE,				/* the source has no controls */
	S_AWAY,				/* a camera, not open now */
	S_LIVE				/* a camera, open: ask it */
};

enum job_state {
	J_FREE,
	J_QUEUED,			/* for the source thread */
	J_BUSY,				/* the source thread has it */
	J_DONE,				/* answered: for its waiter */
	J_ABANDONED			/* its waiter gave up while busy */
};

struct pair {
	uint32_t id;
	char name[CTRL_NAME];
	int32_t v;			/* asked for; once set, what the
					   camera took */
	int has_value;			/* it reads back: kept, put back */
};

/* A request: set (POST) or read the list afresh (GET). Once BUSY its
 * fields are the source thread's until it is DONE. */
struct job {
	enum job_state state;
	uint64_t conn, req;		/* who waits for it */
	int64_t t;			/* queued; once answered, then */
	int get;
	int n;
	struct pair p[CTRL_MAX];
	char who[100];
	int status;
	char why[200];
};

/* A value to set again when the camera comes back. */
struct kept {
	char name[CTRL_NAME];
	char text[TEXT];		/* as ctrl_parse() reads it */
	int opt;			/* from --ctrl, not checked yet */
};

struct controls {
	pthread_mutex_t lock;		/* guards state, cur, jobs */
	enum state state;
	struct ctrl_list *cur;		/* the list as last read */
	struct job jobs[NJOBS];
	int queued;			/* jobs QUEUED; read without the lock
					   by the source thread */
	/* The source thread's alone (main's before it starts). */
	struct ctrl_list *next;		/* read into, then swapped with cur */
	struct kept kept[CONTROLS_KEPT_MAX];
	int nkept;
	int opened;			/* the source has opened before */
	int full_said;
	int wake[2];			/* a byte: answers are in */
};

/* Tells the poll thread that answers are in (one byte; a full pipe
 * already says so). */
static void wake(struct controls *ctl)
{
	if (write(ctl->wake[1], "", 1) < 0) {
		/* EAGAIN: a byte is waiting */
	}
}

int controls_wake_fd(const struct controls *ctl)
{
	return ctl ? ctl->wake[0] : -1;
}

void controls_woken(struct controls *ctl)
{
	char b[64];

	while (read(ctl->wake[0], b, sizeof(b)) > 0)
		;
}

struct controls *controls_new(void)
{
	struct controls *ctl = calloc(1, sizeof(*ctl));

	if (!ctl)
		return NULL;
	ctl->cur = calloc(1, sizeof(*ctl->cur));
	ctl->next = calloc(1, sizeof(*ctl->next));
	ctl->wake[0] = ctl->wake[1] = -1;
	if (!ctl->cur || !ctl->next || pipe(ctl->wake) != 0 ||
	    pthread_mutex_init(&ctl->lock, NULL) != 0) {
		if (ctl->wake[0] >= 0) {
			close(ctl->wake[0]);
			close(ctl->wake[1]);
		}
		free(ctl->cur);
		free(ctl->next);
		free(ctl);
		return NULL;
	}
	fcntl(ctl->wake[0], F_SETFL, O_NONBLOCK);
	fcntl(ctl->wake[1], F_SETFL, O_NONBLOCK);
	fcntl(ctl->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(ctl->wake[1], F_SETFD, FD_CLOEXEC);
	return ctl;
}

void controls_free(struct controls *ctl)
{
	if (!ctl)
		return;
	pthread_mutex_destroy(&ctl->lock);
	close(ctl->wake[0]);
	close(ctl->wake[1]);
	free(ctl->cur);
	free(ctl->next);
	free(ctl);
}

/* Kept values */

/* Keeps name=text (replacing its earlier value). 0, or -1 when full. */
static int kept_put(struct controls *ctl, const char *name,
		    const char *text, int opt)
{
	struct kept *k = NULL;
	int i;

	for (i = 0; i < ctl->nkept && !k; i++)
		if (strcmp(ctl->kept[i].name, name) == 0)
			k = &ctl->kept[i];
	if (!k && ctl->nkept == CONTROLS_KEPT_MAX)
		return -1;
	if (!k)
		k = &ctl->kept[ctl->nkept++];
	snprintf(k->name, sizeof(k->name), "%s", name);
	snprintf(k->text, sizeof(k->text), "%s", text);
	k->opt = opt;
	return 0;
}

/* Forgets the kept values whose name was cleared. */
static void kept_compact(struct controls *ctl)
{
	int i, n = 0;

	for (i = 0; i < ctl->nkept; i++)
		if (ctl->kept[i].name[0])
			ctl->kept[n++] = ctl->kept[i];
	ctl->nkept = n;
}

/* -?[0-9]+ within 32 bits. */
static int number_text(const char *s)
{
	size_t n = strlen(s), sign = s[0] == '-';
	long long v;

	if (n <= sign || n > 11 || strspn(s + sign, "0123456789") != n - sign)
		return 0;
	v = strtoll(s, NULL, 10);
	return v >= INT32_MIN && v <= INT32_MAX;
}

int controls_want(struct controls *ctl, const char *spec, char *err,
		  size_t errsz)
{
	const char *eq = strchr(spec, '='), *v = eq ? eq + 1 : "";
	size_t n = eq ? (size_t)(eq - spec) : 0;
	char name[CTRL_NAME];

	if (!eq || n == 0 || n >= sizeof(name) ||
	    strspn(spec, "abcdefghijklmnopqrstuvwxyz0123456789_") != n ||
	    !(number_text(v) || !strcmp(v, "true") || !strcmp(v, "false"))) {
		snprintf(err, errsz, "--ctrl %s: expected NAME=VALUE, such as "
			 "brightness=140 (NAME as GET /controls names it, "
			 "VALUE a whole number, true or false)", spec);
		return -1;
	}
	memcpy(name, spec, n);
	name[n] = 0;
	if (kept_put(ctl, name, v, 1) != 0) {
		snprintf(err, errsz, "--ctrl: at most %d", CONTROLS_KEPT_MAX);
		return -1;
	}
	return 0;
}

/* Source thread: setting */

/* Sets p[0..n) in order, reading back what the camera took. One the
 * camera refuses as inactive is tried again after the others: an
 * automatic mode switched off later in the same list makes it active,
 * whatever the order. err[i]: 0 or the errno of p[i]. Returns how many
 * failed. */
static int set_all(struct source *src, struct pair *p, int n, int *err)
{
	int i, pass, bad = 0;

	for (i = 0; i < n; i++)
		err[i] = -1;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			if (err[i] == 0 || (pass && err[i] != EACCES))
				continue;
			errno = 0;
			err[i] = src->ctrl_set(src, p[i].id, p[i].v) == 0 ? 0 :
				 errno ? errno : EIO;
			if (err[i] == 0 && p[i].has_value)
				src->ctrl_get(src, p[i].id, &p[i].v);
		}
	for (i = 0; i < n; i++)
		bad += err[i] != 0;
	return bad;
}

/* "brightness=150 gain=10" of the pairs set, into out. */
static void pairs_text(const struct pair *p, int n, const int *err,
		       char *out, size_t sz)
{
	size_t len = 0;
	int i, w;

	out[0] = 0;
	for (i = 0; i < n && len < sz; i++) {
		if (err[i])
			continue;
		w = snprintf(out + len, sz - len, "%s%s=%d", len ? " " : "",
			     p[i].name, (int)p[i].v);
		if (w < 0 || (size_t)w >= sz - len) {
			snprintf(out + (sz > 4 ? sz - 4 : 0), 4, "...");
			break;
		}
		len += (size_t)w;
	}
}

/* Why the camera refused a value, as a status and words for the client. */
static int refused(const struct pair *p, int e, char *why, size_t sz)
{
	switch (e) {
	case EACCES:
		snprintf(why, sz, "%s is inactive: an automatic mode sets it "
			 "now (switch that off first, or in the same request)",
			 p->name);
		return 409;
	case EBUSY:
		snprintf(why, sz, "%s is busy (grabbed by the driver)",
			 p->name);
		return 409;
	case EINVAL:
	case ERANGE:
		snprintf(why, sz, "%s: the camera does not take %d", p->name,
			 (int)p->v);
		return 400;
	case ENODEV:
		snprintf(why, sz, "the camera went away");
		return 503;
	default:
		snprintf(why, sz, "%s: the camera failed: %s", p->name,
			 strerror(e));
		return 500;
	}
}

/* Keeps the values of a change that went through, to set them again
 * after a replug. */
static void keep(struct controls *ctl, const struct pair *p, int n)
{
	char text[TEXT];
	int i;

	for (i = 0; i < n; i++) {
		if (!p[i].has_value)
			continue;	/* a button, a relative move */
		snprintf(text, sizeof(text), "%d", (int)p[i].v);
		if (kept_put(ctl, p[i].name, text, 0) == 0 || ctl->full_said)
			continue;
		ctl->full_said = 1;
		logmsg("controls: %d values kept already; %s and later new "
		       "ones will not be set again after a replug",
		       CONTROLS_KEPT_MAX, p[i].name);
	}
}

/* A POST, all or none: on a refusal the values set before it go back,
 * the last set first. */
static void run(struct controls *ctl, struct source *src, struct job *j)
{
	struct pair back[CTRL_MAX];
	int32_t old[CTRL_MAX];
	int has_old[CTRL_MAX], err[CTRL_MAX], berr[CTRL_MAX], i, m = 0;
	char text[300];

	for (i = 0; i < j->n; i++)
		has_old[i] = j->p[i].has_value &&
			     src->ctrl_get(src, j->p[i].id, &old[i]) == 0;
	if (set_all(src, j->p, j->n, err) == 0) {
		j->status = 200;
		keep(ctl, j->p, j->n);
		pairs_text(j->p, j->n, err, text, sizeof(text));
		logmsg("%s set %s", j->who, text);
		return;
	}
	for (i = 0; err[i] == 0; i++)
		;
	j->status = refused(&j->p[i], err[i], j->why, sizeof(j->why));
	if (j->status == 500)
		logmsg("%s: %s", src->info.name, j->why);
	for (i = j->n - 1; i >= 0; i--)
		if (err[i] == 0 && has_old[i]) {
			back[m] = j->p[i];
			back[m++].v = old[i];
		}
	if (set_all(src, back, m, berr) != 0)
		logmsg("%s: a refused change left some controls changed (%s)",
		       src->info.name, j->why);
}

/* Makes what the source thread read into next the list, and the state. */
static void publish(struct controls *ctl, enum state st)
{
	struct ctrl_list *t;

	pthread_mutex_lock(&ctl->lock);
	t = ctl->cur;
	ctl->cur = ctl->next;
	ctl->next = t;
	ctl->state = st;
	pthread_mutex_unlock(&ctl->lock);
}

void controls_serve(struct controls *ctl, struct source *src)
{
	struct job *mine[NJOBS];
	int i, n = 0, fresh;

	if (!ctl || !__atomic_load_n(&ctl->queued, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&ctl->lock);
	for (i = 0; i < NJOBS; i++)
		if (ctl->jobs[i].state == J_QUEUED) {
			ctl->jobs[i].state = J_BUSY;
			mine[n++] = &ctl->jobs[i];
		}
	__atomic_store_n(&ctl->queued, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctl->lock);
	for (i = 0; i < n; i++) {
		mine[i]->status = 200;
		if (!mine[i]->get)
			run(ctl, src, mine[i]);
	}
	/* Read afresh: the values taken, and which are inactive now. */
	fresh = src->ctrl_read(src, ctl->next) == 0;
	pthread_mutex_lock(&ctl->lock);
	if (fresh) {
		struct ctrl_list *t = ctl->cur;

		ctl->cur = ctl->next;
		ctl->next = t;
	}
	for (i = 0; i < n; i++) {
		mine[i]->state = mine[i]->state == J_ABANDONED ? J_FREE
							       : J_DONE;
		mine[i]->t = mono_us();
	}
	pthread_mutex_unlock(&ctl->lock);
	wake(ctl);
}

/* Source thread: opening, closing */

/* why without the "name: " ctrl_parse() puts in front. */
static const char *reason(const char *why, const char *name)
{
	size_t n = strlen(name);

	return strncmp(why, name, n) == 0 && why[n] == ':' ? why + n + 2
							    : why;
}

/* Sets the kept values on the camera just opened (whose list is in
 * next). Returns how many were set. */
static int set_kept(struct controls *ctl, struct source *src)
{
	struct pair p[CONTROLS_KEPT_MAX];
	int err[CONTROLS_KEPT_MAX], i, n = 0;
	char why[200], text[300];
	const char *tag = ctl->opened ? " again" : "";

	for (i = 0; i < ctl->nkept; i++) {
		struct kept *k = &ctl->kept[i];
		const struct ctrl *c = ctrl_find(ctl->next, k->name);

		if (!c)
			snprintf(why, sizeof(why), "no such control on this "
				 "camera (GET /controls lists them)");
		if (c && ctrl_parse(c, k->text, 0, &p[n].v, why,
				    sizeof(why)) == 0) {
			p[n].id = c->id;
			p[n].has_value = ctrl_has_value(c);
			snprintf(p[n++].name, sizeof(p[0].name), "%s",
				 k->name);
			continue;
		}
		logmsg("%s: %s%s=%s not set: %s%s", src->info.name,
		       k->opt ? "--ctrl " : "", k->name, k->text,
		       reason(why, k->name), k->opt ? " (forgotten)" : "");
		if (k->opt)
			k->name[0] = 0;
	}
	kept_compact(ctl);
	for (i = 0; i < ctl->nkept; i++)
		ctl->kept[i].opt = 0;
	if (n == 0)
		return 0;
	set_all(src, p, n, err);
	for (i = 0; i < n; i++)
		if (err[i])
			logmsg("%s: %s=%d not set%s: %s", src->info.name,
			       p[i].name, (int)p[i].v, tag,
			       err[i] == EACCES ? "inactive now (an automatic "
			       "mode sets it)" : strerror(err[i]));
	pairs_text(p, n, err, text, sizeof(text));
	if (text[0])
		logmsg("%s: controls set%s: %s", src->info.name, tag, text);
	return n;
}

void controls_opened(struct controls *ctl, struct source *src)
{
	if (!ctl)
		return;
	if (!src->ctrl_read) {
		if (ctl->nkept && !ctl->opened)
			logmsg("%s: --ctrl ignored: this source has no "
			       "controls", src->info.name);
		ctl->nkept = 0;
		ctl->next->n = 0;
		ctl->opened = 1;
		publish(ctl, S_NONE);
		return;
	}
	if (src->ctrl_read(src, ctl->next) != 0) {
		logmsg("%s: cannot read the camera's controls:",
		       src->info.name);
		ctl->next->n = 0;
	} else if (set_kept(ctl, src) > 0 &&
		   src->ctrl_read(src, ctl->next) != 0) {
		ctl->next->n = 0;
	}
	ctl->opened = 1;
	publish(ctl, S_LIVE);
}

void controls_closed(struct controls *ctl, struct source *src)
{
	int i;

	if (!ctl)
		return;
	pthread_mutex_lock(&ctl->lock);
	ctl->state = src->ctrl_read ? S_AWAY : S_NONE;
	ctl->cur->n = 0;
	for (i = 0; i < NJOBS; i++) {
		struct job *j = &ctl->jobs[i];

		if (j->state != J_QUEUED)
			continue;
		j->state = J_DONE;
		j->status = j->get ? 200 : 503;
		snprintf(j->why, sizeof(j->why), "the camera went away");
		j->t = mono_us();
	}
	__atomic_store_n(&ctl->queued, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctl->lock);
	wake(ctl);
}

/* Poll thread: checking a change */

struct check {
	const struct ctrl_list *l;
	struct pair *p;
	int n;
	char unknown[160];		/* the names we do not know */
	int nunknown;
	int bad;			/* why says what */
	char *why;
	size_t whysz;
};

/* Adds name to the unknown ones, as printable text, within bounds. */
static void note_unknown(struct check *k, const char *name)
{
	size_t len = strlen(k->unknown), i;
	char clean[41];

	for (i = 0; name[i] && i + 1 < sizeof(clean); i++)
		clean[i] = (name[i] >= 'a' && name[i] <= 'z') ||
			   (name[i] >= 'A' && name[i] <= 'Z') ||
			   (name[i] >= '0' && name[i] <= '9') ||
			   name[i] == '_' || name[i] == '-' ? name[i] : '?';
	clean[i] = 0;
	if (len + strlen(clean) + 6 < sizeof(k->unknown))
		snprintf(k->unknown + len, sizeof(k->unknown) - len, "%s%s",
			 k->nunknown ? ", " : "", clean);
	else if (!strstr(k->unknown, "..."))
		snprintf(k->unknown + len, sizeof(k->unknown) - len, ", ...");
	k->nunknown++;
}

static int check_pair(void *arg, const char *key, const char *val,
		      int is_str)
{
	struct check *k = arg;
	const struct ctrl *c = ctrl_find(k->l, key);
	int32_t v;
	int i;

	if (!c) {
		note_unknown(k, key);
		return 0;
	}
	if (k->bad)
		return 0;	/* the first bad value is the one said */
	if (ctrl_parse(c, val, is_str, &v, k->why, k->whysz) != 0) {
		k->bad = 1;
		return 0;
	}
	for (i = 0; i < k->n && k->p[i].id != c->id; i++)
		;
	if (i == k->n) {		/* named twice: the last one counts */
		k->n++;
		k->p[i].id = c->id;
		k->p[i].has_value = ctrl_has_value(c);
		snprintf(k->p[i].name, sizeof(k->p[i].name), "%s", c->name);
	}
	k->p[i].v = v;
	return 0;
}

/* The body's values checked against l into p[0..*n). 0, or 400 with
 * why: not a flat object, unknown names (all of them named), or the
 * first value that does not fit its control. */
static int check_body(const struct ctrl_list *l, const char *s, size_t len,
		      struct pair *p, int *n, char *why, size_t whysz)
{
	struct check k;

	memset(&k, 0, sizeof(k));
	k.l = l;
	k.p = p;
	k.why = why;
	k.whysz = whysz;
	if (json_each(s, len, check_pair, &k) != 0) {
		snprintf(why, whysz, "expected a JSON object of control names "
			 "and values, such as {\"brightness\":140}");
		return 400;
	}
	if (k.nunknown) {
		snprintf(why, whysz, "unknown control%s: %s (GET /controls "
			 "lists them)", k.nunknown > 1 ? "s" : "", k.unknown);
		return 400;
	}
	if (k.bad)
		return 400;
	*n = k.n;
	return 0;
}

/* Poll thread: answers */

/* {"set":{...},"controls":[...]} (a change) or {"controls":[...]}. */
static int answer(const struct ctrl_list *l, const struct pair *p, int n,
		  int get, struct obuf *b)
{
	const struct ctrl *c;
	int i, k;

	obuf_printf(b, "{");
	if (!get) {
		obuf_printf(b, "\"set\":{");
		for (i = 0; i < n; i++) {
			obuf_printf(b, "%s", i ? "," : "");
			obuf_json_str(b, p[i].name);
			obuf_printf(b, ":");
			for (c = NULL, k = 0; k < l->n && !c; k++)
				if (l->c[k].id == p[i].id)
					c = &l->c[k];
			if (c)
				ctrl_json_value(b, c, p[i].v);
			else
				obuf_printf(b, "%d", (int)p[i].v);
		}
		obuf_printf(b, "},");
	}
	obuf_printf(b, "\"controls\":");
	ctrl_json(b, l);
	obuf_printf(b, "}\n");
	return 200;
}

/* A source without controls (ctl NULL): an empty list, and every name
 * unknown. The list is not const: a const one would sit, zeros and all,
 * in the binary (100 KB of it), where a mutable one is bss. */
static int no_controls(const struct controls_req *r, struct obuf *b,
		       char *why, size_t whysz)
{
	static struct ctrl_list none;
	struct pair p[1];
	int n = 0, st;

	if (r->body && (st = check_body(&none, r->body, r->len, p, &n, why,
					whysz)) != 0)
		return st;
	return answer(&none, p, 0, !r->body, b);
}

/* Answers nobody came for are dropped. */
static void expire(struct controls *ctl, int64_t now)
{
	int i;

	for (i = 0; i < NJOBS; i++)
		if (ctl->jobs[i].state == J_DONE &&
		    now - ctl->jobs[i].t > KEEP_US)
			ctl->jobs[i].state = J_FREE;
}

static struct job *find(struct controls *ctl, const struct controls_req *r)
{
	int i;

	for (i = 0; i < NJOBS; i++) {
		struct job *j = &ctl->jobs[i];

		if ((j->state == J_QUEUED || j->state == J_BUSY ||
		     j->state == J_DONE) && j->conn == r->conn &&
		    j->req == r->req)
			return j;
	}
	return NULL;
}

static struct job *free_job(struct controls *ctl)
{
	int i;

	for (i = 0; i < NJOBS; i++)
		if (ctl->jobs[i].state == J_FREE)
			return &ctl->jobs[i];
	return NULL;
}

static void queue(struct controls *ctl, struct job *j,
		  const struct controls_req *r)
{
	j->state = J_QUEUED;
	j->conn = r->conn;
	j->req = r->req;
	j->t = r->now;
	j->get = !r->body;
	j->status = 0;
	j->why[0] = 0;
	snprintf(j->who, sizeof(j->who), "%s", r->who ? r->who : "");
	__atomic_add_fetch(&ctl->queued, 1, __ATOMIC_RELEASE);
}

/* A request seen for the first time. */
static int begin(struct controls *ctl, const struct controls_req *r,
		 struct obuf *b, char *why, size_t whysz)
{
	struct job *j = free_job(ctl);
	int st;

	if (!r->body && ctl->state != S_LIVE)
		return answer(ctl->cur, NULL, 0, 1, b);
	if (r->body && ctl->state == S_AWAY) {
		snprintf(why, whysz, "the camera is not there now (NO "
			 "SIGNAL): try again when it is back");
		return 503;
	}
	if (!j) {
		snprintf(why, whysz, "too many camera control requests at "
			 "once");
		return 503;
	}
	if (r->body) {
		j->n = 0;
		st = check_body(ctl->cur, r->body, r->len, j->p, &j->n, why,
				whysz);
		if (st)
			return st;
		if (j->n == 0)
			return answer(ctl->cur, j->p, 0, 0, b);
	}
	queue(ctl, j, r);
	return CONTROLS_WAIT;
}

/* A request asking again. */
static int collect(struct controls *ctl, struct job *j,
		   const struct controls_req *r, struct obuf *b, char *why,
		   size_t whysz)
{
	int st;

	if (j->state == J_DONE) {
		j->state = J_FREE;
		st = j->status;
		if (st == 200)
			return answer(ctl->cur, j->p, j->n, j->get, b);
		snprintf(why, whysz, "%s", j->why);
		return st;
	}
	if (r->now - j->t < WAIT_US)
		return CONTROLS_WAIT;
	j->state = j->state == J_QUEUED ? J_FREE : J_ABANDONED;
	snprintf(why, whysz, "the camera did not answer within %d s",
		 WAIT_US / 1000000);
	return 503;
}

int controls_ask(struct controls *ctl, const struct controls_req *r,
		 struct obuf *b, char *why, size_t whysz)
{
	struct job *j;
	int st;

	if (!ctl)
		return no_controls(r, b, why, whysz);
	pthread_mutex_lock(&ctl->lock);
	expire(ctl, r->now);
	j = find(ctl, r);
	st = j ? collect(ctl, j, r, b, why, whysz)
	       : begin(ctl, r, b, why, whysz);
	pthread_mutex_unlock(&ctl->lock);
	return st;
}
