/* ctrl_state.c: the camera's controls between the poll thread and the
 * source thread: requests and their answers go through a mailbox, the
 * list as the source thread last read it is the mailbox's board; the
 * camera is touched on the source thread only. ctrl_http.c checks a
 * request's body and writes its answer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrl.h"
#include "ctrl_http.h"
#include "ctrl_state.h"
#include "mailbox.h"
#include "source.h"
#include "util.h"

enum {
	NJOBS = 8,			/* requests at once; more get 503 */
	WAIT_US = 5000000,		/* the longest a request waits */
	TEXT = 24			/* a kept value, as text */
};

enum state {
	S_NONE,				/* the source has no controls */
	S_AWAY,				/* a camera, not open now */
	S_LIVE				/* a camera, open: ask it */
};

/* A request: set (POST) or read the list afresh (GET), and its answer
 * (status, why; the values the camera took in p). */
struct job {
	int get;
	int n;
	struct ctrl_pair p[CTRL_MAX];
	char who[100];
	int status;
	char why[200];
};

/* What the source thread last knew: the mailbox's board. */
struct board {
	enum state state;
	struct ctrl_list list;
};

/* A value to set again when the camera comes back. */
struct kept {
	char name[CTRL_NAME];
	char text[TEXT];		/* as ctrl_parse() reads it */
	int opt;			/* from --ctrl, not checked yet */
};

struct controls {
	struct mailbox *mb;		/* jobs in, answers out, the board */
	struct board *view;		/* the poll thread's copy of it */
	/* The source thread's alone (main's before it starts). */
	struct board *next;		/* read into, then published */
	struct kept kept[CONTROLS_KEPT_MAX];
	int nkept;
	int opened;			/* the source has opened before */
	int full_said;
};

int controls_wake_fd(const struct controls *ctl)
{
	return ctl ? mailbox_wake_fd(ctl->mb) : -1;
}

void controls_woken(struct controls *ctl)
{
	mailbox_woken(ctl->mb);
}

struct controls *controls_new(void)
{
	struct controls *ctl = calloc(1, sizeof(*ctl));

	if (!ctl)
		return NULL;
	ctl->view = calloc(1, sizeof(*ctl->view));
	ctl->next = calloc(1, sizeof(*ctl->next));
	ctl->mb = mailbox_new(NJOBS, sizeof(struct job), sizeof(struct board));
	if (!ctl->view || !ctl->next || !ctl->mb) {
		controls_free(ctl);
		return NULL;
	}
	return ctl;
}

void controls_free(struct controls *ctl)
{
	if (!ctl)
		return;
	mailbox_free(ctl->mb);
	free(ctl->view);
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
static int set_all(struct source *src, struct ctrl_pair *p, int n, int *err)
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
static void pairs_text(const struct ctrl_pair *p, int n, const int *err,
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
static int refused(const struct ctrl_pair *p, int e, char *why, size_t sz)
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
static void keep(struct controls *ctl, const struct ctrl_pair *p, int n)
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
	struct ctrl_pair back[CTRL_MAX];
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

/* Makes what the source thread read into next the board, in state st. */
static void publish(struct controls *ctl, enum state st)
{
	ctl->next->state = st;
	mailbox_publish(ctl->mb, ctl->next);
}

void controls_serve(struct controls *ctl, struct source *src)
{
	struct job *mine[NJOBS];
	int i, n = 0;

	if (!ctl || !mailbox_waiting(ctl->mb))
		return;
	while (n < NJOBS && (mine[n] = mailbox_take(ctl->mb, 0)) != NULL)
		n++;
	for (i = 0; i < n; i++) {
		mine[i]->status = 200;
		if (!mine[i]->get)
			run(ctl, src, mine[i]);
	}
	/* Read afresh: the values taken, and which are inactive now; the
	 * board before the answers, which are read with it. */
	if (src->ctrl_read(src, &ctl->next->list) == 0)
		publish(ctl, S_LIVE);
	for (i = 0; i < n; i++)
		mailbox_answer(ctl->mb, mine[i]);
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
	struct ctrl_pair p[CONTROLS_KEPT_MAX];
	int err[CONTROLS_KEPT_MAX], i, n = 0;
	char why[200], text[300];
	const char *tag = ctl->opened ? " again" : "";

	for (i = 0; i < ctl->nkept; i++) {
		struct kept *k = &ctl->kept[i];
		const struct ctrl *c = ctrl_find(&ctl->next->list, k->name);

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
		ctl->next->list.n = 0;
		ctl->opened = 1;
		publish(ctl, S_NONE);
		return;
	}
	if (src->ctrl_read(src, &ctl->next->list) != 0) {
		logmsg("%s: cannot read the camera's controls:",
		       src->info.name);
		ctl->next->list.n = 0;
	} else if (set_kept(ctl, src) > 0 &&
		   src->ctrl_read(src, &ctl->next->list) != 0) {
		ctl->next->list.n = 0;
	}
	ctl->opened = 1;
	publish(ctl, S_LIVE);
}

void controls_closed(struct controls *ctl, struct source *src)
{
	struct job *j;

	if (!ctl)
		return;
	ctl->next->list.n = 0;
	publish(ctl, src->ctrl_read ? S_AWAY : S_NONE);
	while ((j = mailbox_take(ctl->mb, 0)) != NULL) {
		j->status = j->get ? 200 : 503;
		snprintf(j->why, sizeof(j->why), "the camera went away");
		mailbox_answer(ctl->mb, j);
	}
}

/* A source without controls (ctl NULL): an empty list, and every name
 * unknown. The list is not const: a const one would sit, zeros and all,
 * in the binary (100 KB of it), where a mutable one is bss. */
static int no_controls(const struct controls_req *r, struct obuf *b,
		       char *why, size_t whysz)
{
	static struct ctrl_list none;
	struct ctrl_pair p[1];
	int n = 0, st;

	if (r->body && (st = ctrl_http_check(&none, r->body, r->len, p, &n,
					     why, whysz)) != 0)
		return st;
	return ctrl_http_answer(&none, p, 0, !r->body, b);
}

/* A request seen for the first time: answered from the board, or left
 * for the source thread. */
static int begin(struct controls *ctl, const struct controls_req *r,
		 struct obuf *b, char *why, size_t whysz)
{
	const struct board *v = ctl->view;
	struct job *j;
	int st;

	mailbox_read(ctl->mb, ctl->view);
	if (!r->body && v->state != S_LIVE)
		return ctrl_http_answer(&v->list, NULL, 0, 1, b);
	if (r->body && v->state == S_AWAY) {
		snprintf(why, whysz, "the camera is not there now (NO "
			 "SIGNAL): try again when it is back");
		return 503;
	}
	if (!(j = calloc(1, sizeof(*j)))) {
		snprintf(why, whysz, "out of memory");
		return 503;
	}
	j->get = !r->body;
	snprintf(j->who, sizeof(j->who), "%s", r->who ? r->who : "");
	if (r->body) {
		st = ctrl_http_check(&v->list, r->body, r->len, j->p, &j->n,
				     why, whysz);
		if (st || j->n == 0) {
			if (!st)
				st = ctrl_http_answer(&v->list, j->p, 0, 0, b);
			free(j);
			return st;
		}
	}
	/* A requester that went away (its connection closed) never
	 * collects: its slot goes once it is twice the longest wait old. */
	mailbox_expire(ctl->mb, r->now - 2 * WAIT_US);
	st = mailbox_post(ctl->mb, r->conn, j, r->now) == 0 ? CONTROLS_WAIT :
	     503;
	if (st == 503)
		snprintf(why, whysz, "too many camera control requests at "
			 "once");
	free(j);
	return st;
}

int controls_ask(struct controls *ctl, const struct controls_req *r,
		 struct obuf *b, char *why, size_t whysz)
{
	struct job *j;
	int st;

	if (!ctl)
		return no_controls(r, b, why, whysz);
	if (!r->waiting)
		return begin(ctl, r, b, why, whysz);
	if (!(j = malloc(sizeof(*j)))) {
		mailbox_drop(ctl->mb, r->conn);
		snprintf(why, whysz, "out of memory");
		return 503;
	}
	switch (mailbox_collect(ctl->mb, r->conn, j)) {
	case 1:
		mailbox_read(ctl->mb, ctl->view);
		st = j->status;
		if (st == 200)
			ctrl_http_answer(&ctl->view->list, j->p, j->n, j->get,
					 b);
		else
			snprintf(why, whysz, "%s", j->why);
		break;
	case 0:
		if (r->now - r->since < WAIT_US) {
			st = CONTROLS_WAIT;
			break;
		}
		mailbox_drop(ctl->mb, r->conn);
		snprintf(why, whysz, "the camera did not answer within %d s",
			 WAIT_US / 1000000);
		st = 503;
		break;
	default:		/* lost: asked as new */
		st = begin(ctl, r, b, why, whysz);
	}
	free(j);
	return st;
}
