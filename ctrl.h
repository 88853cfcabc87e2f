/* ctrl.c: camera controls as data: the list a camera offers, as V4L2
 * describes it, their stable names, a value checked against one, and
 * the list as JSON. Pure: no ioctls, no threads, no allocation. The rest
 * of the family: ctrl_v4l2.c reads and sets them on a camera,
 * ctrl_state.c carries them between the poll and source threads, and
 * ctrl_http.c reads and writes the bodies of /controls. */
#ifndef CTRL_H
#define CTRL_H
#include <stddef.h>
#include <stdint.h>

struct obuf;

enum {
	CTRL_MAX = 64,		/* controls kept of one camera */
	CTRL_ITEMS = 32,	/* items kept of one menu */
	CTRL_NAME = 40		/* a name with its NUL (V4L2's are < 32) */
};

enum ctrl_type {
	CTRL_INTEGER,
	CTRL_BOOLEAN,
	CTRL_MENU,
	CTRL_INTEGER_MENU,
	CTRL_BUTTON
};

/* What a control is doing now (V4L2_CTRL_FLAG_*). */
enum {
	CTRL_INACTIVE = 1,	/* an automatic mode sets it */
	CTRL_READ_ONLY = 2,
	CTRL_WRITE_ONLY = 4,	/* an action (a relative move): no value */
	CTRL_GRABBED = 8	/* locked while streaming */
};

struct ctrl_item {
	int32_t index;
	char name[32];		/* an integer menu's: its value in decimal */
	int64_t value;		/* an integer menu's */
};

struct ctrl {
	uint32_t id;		/* V4L2_CID_* */
	enum ctrl_type type;
	char name[CTRL_NAME];	/* the stable key: "exposure_time_absolute" */
	char label[32];		/* the driver's: "Exposure Time, Absolute" */
	int32_t min, max, step, def;
	int32_t value;		/* 0 for buttons and write-only ones */
	unsigned flags;		/* CTRL_INACTIVE... */
	int nitems;
	struct ctrl_item items[CTRL_ITEMS];
};

struct ctrl_list {
	int n;
	struct ctrl c[CTRL_MAX];
};

/* A value for one control: as a request asks for it, and once set, as the
 * camera took it. */
struct ctrl_pair {
	uint32_t id;
	char name[CTRL_NAME];
	int32_t v;
	int has_value;			/* it reads back: kept, put back */
};

/* The stable name for a driver's control name, as v4l2-ctl makes it:
 * lower case, each run of characters other than a-z and 0-9 one '_',
 * none at either end ("White Balance, Automatic" ->
 * "white_balance_automatic"). key gets "" from a name with no letter or
 * digit. */
void ctrl_key(const char *label, char *key, size_t keysz);
/* Names every control of l from its label; a name already taken gets
 * "_2", "_3"..., one with none "control_" and its id in hex. */
void ctrl_names(struct ctrl_list *l);
/* The control of l called name, or NULL. */
const struct ctrl *ctrl_find(const struct ctrl_list *l, const char *name);
/* Reads text, a JSON value (is_str: it was a string), as a value to set
 * k to: an integer a whole number in min..max on the step from min; a
 * boolean true, false, 0 or 1; a menu the index of one of its items; a
 * button true or 1 (press it). 0 with *v, or -1 with why naming the
 * control and the reason ("brightness: 300 is out of range 0..255"). A
 * read-only control takes nothing. Whether the control is inactive is
 * the camera's to say. */
int ctrl_parse(const struct ctrl *k, const char *text, int is_str,
	       int32_t *v, char *why, size_t whysz);
/* Does k hold a value one can read back (not a button or an action)? */
int ctrl_has_value(const struct ctrl *k);
/* Appends v as a value of k in JSON: true or false for a boolean, null
 * for one without a value, else the number. */
void ctrl_json_value(struct obuf *b, const struct ctrl *k, int32_t v);
/* Appends l as a JSON array: per control its id, name, label, type,
 * min, max, step, default, value, the flags and, for menus, its items. */
void ctrl_json(struct obuf *b, const struct ctrl_list *l);

#endif
