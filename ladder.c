/* ladder.c: the rungs: quality and scale in one number, names, parsing,
 * and the nearest rung of a set. */
#include <stdlib.h>
#include <string.h>

#include "ladder.h"

static const char scale_letter[RUNG_SCALES] = { 'q', 'h', 't' };

int rung_make(int q, int scale)
{
	if (q < RUNG_QMIN)
		q = RUNG_QMIN;
	if (q > RUNG_QMAX)
		q = RUNG_QMAX;
	if (scale < 0 || scale >= RUNG_SCALES)
		scale = 0;
	return (q - RUNG_QMIN) / RUNG_QSTEP + scale * RUNG_NQ;
}

int rung_q(int rung)
{
	if (rung < 0 || rung >= RUNG_SOURCE)
		return 0;
	return RUNG_QMIN + rung % RUNG_NQ * RUNG_QSTEP;
}

int rung_scale(int rung)
{
	if (rung < 0 || rung >= RUNG_SOURCE)
		return 0;
	return rung / RUNG_NQ;
}

const char *rung_name(int rung)
{
	static const char *names[RUNG_N] = {
		"q30", "q35", "q40", "q45", "q50", "q55", "q60",
		"q65", "q70", "q75", "q80", "q85", "q90", "q95",
		"h30", "h35", "h40", "h45", "h50", "h55", "h60",
		"h65", "h70", "h75", "h80", "h85", "h90", "h95",
		"t30", "t35", "t40", "t45", "t50", "t55", "t60",
		"t65", "t70", "t75", "t80", "t85", "t90", "t95",
		"source"
	};

	return rung >= 0 && rung < RUNG_N ? names[rung] : "?";
}

int rung_parse(const char *s, size_t n)
{
	int v = 0, scale = 0, i;
	size_t k;

	if (n == 6 && memcmp(s, "source", 6) == 0)
		return RUNG_SOURCE;
	for (i = 0; n > 1 && i < RUNG_SCALES; i++)
		if (s[0] == scale_letter[i]) {
			scale = i;
			s++;
			n--;
			break;
		}
	if (n == 0 || n > 3)
		return -1;
	for (k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	if (v < RUNG_QMIN || v > RUNG_QMAX)
		return -1;
	return rung_make((v + RUNG_QSTEP / 2) / RUNG_QSTEP * RUNG_QSTEP,
			 scale);
}

int rung_size_key(int rung)
{
	if (rung == RUNG_SOURCE)
		return (RUNG_SCALES - 1) * 1000 + 100;
	return (RUNG_SCALES - 1 - rung_scale(rung)) * 1000 + rung_q(rung);
}

/* How far apart two rungs are for a viewer: the quality step, and a
 * change of scale further than any step. */
static int distance(int a, int b)
{
	int qa = a == RUNG_SOURCE ? 100 : rung_q(a);
	int qb = b == RUNG_SOURCE ? 100 : rung_q(b);

	return abs(qa - qb) + abs(rung_scale(a) - rung_scale(b)) * 1000;
}

static int nearest_fixed(const int *set, int r)
{
	int a, best = -1;

	for (a = 0; a < RUNG_N; a++)
		if (set[a] && (best < 0 || distance(r, a) < distance(r, best) ||
			       (distance(r, a) == distance(r, best) &&
				rung_size_key(a) > rung_size_key(best))))
			best = a;
	return best < 0 ? r : best;
}

static int nearest_auto(const int *set, int r)
{
	int a, below = -1, least = -1;

	for (a = 0; a < RUNG_N; a++) {
		if (!set[a])
			continue;
		if (rung_size_key(a) <= rung_size_key(r) &&
		    (below < 0 || rung_size_key(a) > rung_size_key(below)))
			below = a;
		if (least < 0 || rung_size_key(a) < rung_size_key(least))
			least = a;
	}
	return below >= 0 ? below : least >= 0 ? least : r;
}

int rung_nearest(const int *set, int r, int is_auto)
{
	return is_auto ? nearest_auto(set, r) : nearest_fixed(set, r);
}
