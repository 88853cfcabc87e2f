/* pool.c: what every camera's hub shares: the lock (hub.c says what it
 * guards), the encoder workers, which take a rung of any camera's job,
 * and the encode budget across the cameras (budget.c decides; this
 * carries it out on every hub). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "util.h"

/* A hub whose job has rungs no one has taken yet, or NULL. Lock held. */
static struct hub *offered(struct hub_pool *p)
{
	int i;

	for (i = 0; i < p->nhubs; i++)
		if (p->hubs[i]->next < p->hubs[i]->njob)
			return p->hubs[i];
	return NULL;
}

static void *worker_main(void *arg)
{
	struct hub_pool *p = arg;
	struct jpeg jp;
	struct hub *h;

	if (jpeg_init(&jp) != 0) {
		logmsg("hub: cannot start an encoder");
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		if ((h = offered(p)))
			hub_work(h, &jp);
		else
			pthread_cond_wait(&p->work_cv, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	jpeg_fini(&jp);
	return NULL;
}

struct hub_pool *hub_pool_new(int workers, int max_rungs)
{
	struct hub_pool *p = calloc(1, sizeof(*p));
	int i;

	if (!p)
		return NULL;
	frames_start();
	p->workers = MAX(1, MIN(workers, MAX_WORKERS));
	budget_init(&p->bud, p->workers, max_rungs);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	/* The producers encode too: one worker fewer. */
	for (i = 0; i < p->workers - 1; i++) {
		if (pthread_create(&p->th[i], NULL, worker_main, p) != 0) {
			hub_pool_free(p);
			return NULL;
		}
		p->nth++;
	}
	return p;
}

void hub_pool_free(struct hub_pool *p)
{
	int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	while (p->nhubs)
		hub_free(p->hubs[p->nhubs - 1]);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->lock);
	frames_stop();
	free(p);
}

int pool_full(const struct hub_pool *p)
{
	return p->nhubs == CAMERA_MAX;
}

void pool_add(struct hub_pool *p, struct hub *h)
{
	pthread_mutex_lock(&p->lock);
	p->hubs[p->nhubs++] = h;
	pool_plan(p);
	pthread_mutex_unlock(&p->lock);
}

void pool_remove(struct hub_pool *p, struct hub *h)
{
	int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nhubs && p->hubs[i] != h; i++)
		;
	if (i < p->nhubs)
		memmove(&p->hubs[i], &p->hubs[i + 1],
			(size_t)(p->nhubs - i - 1) * sizeof(p->hubs[0]));
	p->nhubs -= i < p->nhubs;
	pthread_mutex_unlock(&p->lock);
}

/* The encode budget (budget.c) across every camera, with the lock held.
 * Costs are per second (a camera's rate times its cost per frame), so
 * cameras of other rates and sizes weigh what they cost; budget.c takes
 * them in rounds, camera by camera. */

/* The rungs asked for on every camera, as budget.c takes them; who[i]:
 * the hub of ask i. */
static int asks(const struct hub_pool *p, struct budget_ask *a, int *was,
		struct hub **who)
{
	int i, r, n = 0;

	for (i = 0; i < p->nhubs; i++) {
		struct hub *h = p->hubs[i];
		double enc[RUNG_N], fps = h->st.info.fps > 0 ? h->st.info.fps
							      : 30;

		for (r = 0; r < RUNG_N; r++)
			enc[r] = h->st.rung[r].frames ? h->st.rung[r].enc_ms
						      : 0;
		for (r = 0; r < RUNG_N; r++) {
			if (h->need[r] <= 0)
				continue;
			memset(&a[n], 0, sizeof(a[n]));
			a[n].rung = r;
			a[n].cam = i;
			a[n].asked_at = h->asked_at[r];
			a[n].cost_ms = fps * budget_cost(enc, r, fps,
							 h->src_mjpeg);
			a[n].on = h->active[r];
			was[n] = h->active[r];
			who[n++] = h;
		}
	}
	return n;
}

/* Decides which rungs are encoded, then which encoded rung serves each
 * asked one, on every camera. */
void pool_plan(struct hub_pool *p)
{
	struct budget_ask a[BUDGET_ASKS];
	struct hub *who[BUDGET_ASKS];
	int was[BUDGET_ASKS], r, i, n = asks(p, a, was, who), on, merged = 0;

	on = budget_plan(&p->bud, a, n, was);
	for (i = 0; i < p->nhubs; i++)
		memset(p->hubs[i]->active, 0, sizeof(p->hubs[i]->active));
	for (i = 0; i < n; i++)
		who[i]->active[a[i].rung] = a[i].on;
	for (i = 0; i < p->nhubs; i++) {
		struct hub *h = p->hubs[i];

		h->st.merged = 0;
		for (r = 0; r < RUNG_N; r++) {
			h->serve_fixed[r] = h->st.serve[r] =
				rung_nearest(h->active, r, 0);
			h->serve_auto[r] = rung_nearest(h->active, r, 1);
			h->st.rung[r].encoded = h->active[r];
			h->st.merged += h->need[r] > 0 && !h->active[r];
		}
		merged += h->st.merged;
		h->st.max_rungs = p->bud.max_rungs;
		h->st.budget_ms = p->bud.cap_ms;
		snprintf(h->st.budget_why, sizeof(h->st.budget_why), "%s",
			 p->bud.why);
	}
	if (merged != p->merged) {
		/* A line about every camera, whichever thread plans. */
		const char *tag = log_tag(NULL);

		if (p->bud.max_rungs)
			logmsg("encoder: %d rung%s encoded, %d more asked for "
			       "served by the nearest (--max-rungs %d)", on,
			       on == 1 ? "" : "s", merged, p->bud.max_rungs);
		else
			logmsg("encoder: %d rung%s encoded, %d more asked for "
			       "served by the nearest (CPU budget: %.0f ms of "
			       "encoding a second; %s)", on, on == 1 ? "" : "s",
			       merged, p->bud.cap_ms, p->bud.why);
		log_tag(tag);
	}
	p->merged = merged;
}

/* Once a second with --max-rungs auto: the budget's size from what the
 * last second saw on every camera that encodes: the one that kept the
 * least of its rate, and the busiest producer. A camera without signal
 * or without a costly rung is no gauge. Planned again if it changed. */
void pool_tune(struct hub_pool *p, int64_t now)
{
	struct budget_ask a[BUDGET_ASKS];
	struct hub *who[BUDGET_ASKS];
	int was[BUDGET_ASKS], i, n, any = 0;
	double ratio = 1, busy = 0, nominal = 30;

	if (now - p->tuned_at < 1000000)
		return;
	p->tuned_at = now;
	n = asks(p, a, was, who);
	for (i = 0; i < n; i++) {
		struct hub *h = who[i];
		double nom = h->st.info.fps, r;

		if (!a[i].on || a[i].cost_ms == 0 || !h->st.source_ok)
			continue;
		r = nom > 0 ? h->st.fps / nom : 1;
		if (!any || r < ratio) {
			ratio = r;
			nominal = nom;
		}
		busy = MAX(busy, h->st.busy);
		any = 1;
	}
	if (budget_tune(&p->bud, a, n, p->merged, ratio, busy, nominal, any))
		pool_plan(p);
	for (i = 0; i < p->nhubs; i++) {
		snprintf(p->hubs[i]->st.budget_why,
			 sizeof(p->hubs[i]->st.budget_why), "%s", p->bud.why);
		p->hubs[i]->st.budget_ms = p->bud.cap_ms;
	}
}
