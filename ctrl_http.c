/* ctrl_http.c: what GET and POST /controls read and write, over ctrl.c's
 * data; ctrl_state.c holds the request while the camera answers. */
#include <stdio.h>
#include <string.h>

#include "ctrl.h"
#include "ctrl_http.h"
#include "json.h"
#include "obuf.h"

/* A body being checked: the values so far, the names unknown. */
struct check {
	const struct ctrl_list *l;
	struct ctrl_pair *p;
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

int ctrl_http_check(const struct ctrl_list *l, const char *s, size_t len,
		    struct ctrl_pair *p, int *n, char *why, size_t whysz)
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

int ctrl_http_answer(const struct ctrl_list *l, const struct ctrl_pair *p,
		     int n, int get, struct obuf *b)
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

