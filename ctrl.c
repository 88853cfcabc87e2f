/* ctrl.c: camera controls as data: names, values checked, JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl.h"
#include "obuf.h"

static const char *const type_names[] = {
	"integer", "boolean", "menu", "integer_menu", "button"
};

void ctrl_key(const char *label, char *key, size_t keysz)
{
	size_t n = 0;
	int gap = 0;

	if (!keysz)
		return;
	for (; *label && n + 1 < keysz; label++) {
		char ch = *label;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			gap = n > 0;
			continue;
		}
		if (gap && n + 2 >= keysz)
			break;		/* no room for "_x": end it here */
		if (gap)
			key[n++] = '_';
		gap = 0;
		key[n++] = ch;
	}
	key[n] = 0;
}

const struct ctrl *ctrl_find(const struct ctrl_list *l, const char *name)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->c[i].name, name) == 0)
			return &l->c[i];
	return NULL;
}

/* Is name taken by one of the first n controls of l? */
static int taken(const struct ctrl_list *l, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(l->c[i].name, name) == 0)
			return 1;
	return 0;
}

void ctrl_names(struct ctrl_list *l)
{
	char base[CTRL_NAME - 4];
	unsigned char k;	/* "_" and 3 digits at most after base */
	int i;

	for (i = 0; i < l->n; i++) {
		struct ctrl *c = &l->c[i];

		ctrl_key(c->label, base, sizeof(base));
		if (!base[0])
			snprintf(base, sizeof(base), "control_%x",
				 (unsigned)c->id);
		snprintf(c->name, sizeof(c->name), "%s", base);
		for (k = 2; taken(l, i, c->name) && k < 100; k++)
			snprintf(c->name, sizeof(c->name), "%s_%d", base, k);
	}
}

int ctrl_has_value(const struct ctrl *k)
{
	return k->type != CTRL_BUTTON && !(k->flags & CTRL_WRITE_ONLY);
}

/* A whole number written as JSON writes one: -?[0-9]+, in int32 range.
 * 0, or -1 (not a whole number, or too large). */
static int whole(const char *s, int32_t *v)
{
	const char *p = s + (*s == '-');
	char *end;
	long long x;

	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (*end || errno || x < INT32_MIN || x > INT32_MAX)
		return -1;
	*v = (int32_t)x;
	return 0;
}

/* The items' indices, "1, 3", for an error message. */
static void item_list(const struct ctrl *k, char *out, size_t sz)
{
	size_t n = 0;
	int i, w;

	out[0] = 0;
	for (i = 0; i < k->nitems && n < sz; i++) {
		w = snprintf(out + n, sz - n, "%s%d", i ? ", " : "",
			     (int)k->items[i].index);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static int integer(const struct ctrl *k, int32_t v, char *why, size_t sz)
{
	int64_t step = k->step > 0 ? k->step : 1, near;

	if (v < k->min || v > k->max) {
		snprintf(why, sz, "%s: %d is out of range %d..%d", k->name,
			 (int)v, (int)k->min, (int)k->max);
		return -1;
	}
	if (((int64_t)v - k->min) % step == 0)
		return 0;
	near = k->min + ((int64_t)v - k->min + step / 2) / step * step;
	if (near > k->max)
		near -= step;
	snprintf(why, sz, "%s: %d is not on its step of %lld from %d "
		 "(nearest: %lld)", k->name, (int)v, (long long)step,
		 (int)k->min, (long long)near);
	return -1;
}

static int menu(const struct ctrl *k, int32_t v, char *why, size_t sz)
{
	char items[128];
	int i;

	for (i = 0; i < k->nitems; i++)
		if (k->items[i].index == v)
			return 0;
	item_list(k, items, sizeof(items));
	snprintf(why, sz, "%s: %d is not one of its items (%s)", k->name,
		 (int)v, items);
	return -1;
}

int ctrl_parse(const struct ctrl *k, const char *text, int is_str,
	       int32_t *v, char *why, size_t whysz)
{
	int b = !is_str && (!strcmp(text, "true") || !strcmp(text, "1"));

	if (k->flags & CTRL_READ_ONLY) {
		snprintf(why, whysz, "%s is read-only", k->name);
		return -1;
	}
	switch (k->type) {
	case CTRL_BOOLEAN:
		if (!b && (is_str || (strcmp(text, "false") &&
				      strcmp(text, "0"))))
			break;
		*v = b;
		return 0;
	case CTRL_BUTTON:
		if (!b)
			break;
		*v = 1;
		return 0;
	default:
		if (is_str || whole(text, v) != 0)
			break;
		if (k->type == CTRL_INTEGER)
			return integer(k, *v, why, whysz);
		return menu(k, *v, why, whysz);
	}
	snprintf(why, whysz, "%s: expected %s", k->name,
		 k->type == CTRL_BOOLEAN ? "true or false" :
		 k->type == CTRL_BUTTON ? "true (to press it)" :
		 k->type == CTRL_INTEGER ? "a whole number" :
		 "the index of one of its items");
	return -1;
}

void ctrl_json_value(struct obuf *b, const struct ctrl *k, int32_t v)
{
	if (!ctrl_has_value(k))
		obuf_printf(b, "null");
	else if (k->type == CTRL_BOOLEAN)
		obuf_printf(b, "%s", v ? "true" : "false");
	else
		obuf_printf(b, "%d", (int)v);
}

static void json_items(struct obuf *b, const struct ctrl *k)
{
	int i;

	obuf_printf(b, ",\"menu\":[");
	for (i = 0; i < k->nitems; i++) {
		obuf_printf(b, "%s{\"index\":%d,\"name\":", i ? "," : "",
			    (int)k->items[i].index);
		obuf_json_str(b, k->items[i].name);
		if (k->type == CTRL_INTEGER_MENU)
			obuf_printf(b, ",\"value\":%lld",
				    (long long)k->items[i].value);
		obuf_printf(b, "}");
	}
	obuf_printf(b, "]");
}

static void json_one(struct obuf *b, const struct ctrl *k)
{
	obuf_printf(b, "{\"id\":%u,\"name\":", (unsigned)k->id);
	obuf_json_str(b, k->name);
	obuf_printf(b, ",\"label\":");
	obuf_json_str(b, k->label);
	obuf_printf(b, ",\"type\":\"%s\",\"min\":%d,\"max\":%d,\"step\":%d,"
		    "\"default\":", type_names[k->type], (int)k->min,
		    (int)k->max, (int)k->step);
	ctrl_json_value(b, k, k->def);
	obuf_printf(b, ",\"value\":");
	ctrl_json_value(b, k, k->value);
	obuf_printf(b, ",\"inactive\":%s,\"read_only\":%s,\"write_only\":%s,"
		    "\"grabbed\":%s",
		    k->flags & CTRL_INACTIVE ? "true" : "false",
		    k->flags & CTRL_READ_ONLY ? "true" : "false",
		    k->flags & CTRL_WRITE_ONLY ? "true" : "false",
		    k->flags & CTRL_GRABBED ? "true" : "false");
	if (k->type == CTRL_MENU || k->type == CTRL_INTEGER_MENU)
		json_items(b, k);
	obuf_printf(b, "}");
}

void ctrl_json(struct obuf *b, const struct ctrl_list *l)
{
	int i;

	obuf_printf(b, "[");
	for (i = 0; i < l->n; i++) {
		if (i)
			obuf_printf(b, ",");
		json_one(b, &l->c[i]);
	}
	obuf_printf(b, "]");
}
