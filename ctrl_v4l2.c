/* ctrl_v4l2.c: a V4L2 camera's controls through libv4l2, read into and
 * set from ctrl.c's data. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/videodev2.h>

#include "capture_fmt.h"
#include "ctrl.h"
#include "ctrl_v4l2.h"

enum {
	MENU_TRIES = 256	/* menu indices asked about, at most */
};

/* The driver's name as printable ASCII: it goes into JSON and logs. */
static void label(char *out, size_t sz, const unsigned char *name,
		  size_t namesz)
{
	size_t i;

	for (i = 0; i < namesz && i + 1 < sz && name[i]; i++)
		out[i] = name[i] >= 32 && name[i] < 127 ? (char)name[i] : '?';
	out[i] = 0;
}

/* The items of menu k that the driver has (some skip indices). */
static void read_menu(int fd, struct ctrl *k)
{
	struct v4l2_querymenu m;
	int64_t i;

	k->nitems = 0;
	for (i = k->min; i <= k->max && i - k->min < MENU_TRIES &&
	     k->nitems < CTRL_ITEMS; i++) {
		struct ctrl_item *it = &k->items[k->nitems];

		memset(&m, 0, sizeof(m));
		m.id = k->id;
		m.index = (uint32_t)i;
		if (capture_ioctl(fd, VIDIOC_QUERYMENU, &m) < 0)
			continue;
		it->index = (int32_t)i;
		if (k->type == CTRL_INTEGER_MENU) {
			it->value = m.value;
			snprintf(it->name, sizeof(it->name), "%lld",
				 (long long)m.value);
		} else {
			label(it->name, sizeof(it->name), m.name,
			      sizeof(m.name));
		}
		k->nitems++;
	}
}

static int our_type(uint32_t t, enum ctrl_type *out)
{
	switch (t) {
	case V4L2_CTRL_TYPE_INTEGER: *out = CTRL_INTEGER; return 1;
	case V4L2_CTRL_TYPE_BOOLEAN: *out = CTRL_BOOLEAN; return 1;
	case V4L2_CTRL_TYPE_MENU: *out = CTRL_MENU; return 1;
	case V4L2_CTRL_TYPE_INTEGER_MENU: *out = CTRL_INTEGER_MENU; return 1;
	case V4L2_CTRL_TYPE_BUTTON: *out = CTRL_BUTTON; return 1;
	default: return 0;
	}
}

/* Adds the control q describes to l, if it is one we offer. 0, or -1
 * with errno when the camera fails. */
static int add(int fd, const struct v4l2_queryctrl *q, struct ctrl_list *l)
{
	struct ctrl *k = &l->c[l->n];
	enum ctrl_type t;

	if ((q->flags & V4L2_CTRL_FLAG_DISABLED) || !our_type(q->type, &t))
		return 0;
	memset(k, 0, sizeof(*k));
	k->id = q->id;
	k->type = t;
	label(k->label, sizeof(k->label), q->name, sizeof(q->name));
	k->min = q->minimum;
	k->max = q->maximum;
	k->step = (int32_t)q->step;
	k->def = q->default_value;
	k->flags = (q->flags & V4L2_CTRL_FLAG_INACTIVE ? CTRL_INACTIVE : 0) |
		(q->flags & V4L2_CTRL_FLAG_READ_ONLY ? CTRL_READ_ONLY : 0) |
		(q->flags & V4L2_CTRL_FLAG_WRITE_ONLY ? CTRL_WRITE_ONLY : 0) |
		(q->flags & V4L2_CTRL_FLAG_GRABBED ? CTRL_GRABBED : 0);
	if (t == CTRL_MENU || t == CTRL_INTEGER_MENU)
		read_menu(fd, k);
	if (ctrl_has_value(k) && ctrl_v4l2_get(fd, k->id, &k->value) < 0) {
		if (errno == ENODEV || errno == EIO)
			return -1;
		k->value = k->def;	/* it will not say: as it started */
	}
	l->n++;
	return 0;
}

/* Drivers that do not know V4L2_CTRL_FLAG_NEXT_CTRL: the standard ids
 * one by one. */
static int read_each(int fd, struct ctrl_list *l)
{
	static const uint32_t ranges[][2] = {
		{ V4L2_CID_BASE, V4L2_CID_LASTP1 },
		{ V4L2_CID_CAMERA_CLASS_BASE, V4L2_CID_CAMERA_CLASS_BASE + 64 },
	};
	struct v4l2_queryctrl q;
	size_t r;
	uint32_t id;

	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		for (id = ranges[r][0]; id < ranges[r][1] &&
		     l->n < CTRL_MAX; id++) {
			memset(&q, 0, sizeof(q));
			q.id = id;
			if (capture_ioctl(fd, VIDIOC_QUERYCTRL, &q) < 0) {
				if (errno == EINVAL)
					continue;
				return -1;
			}
			if (add(fd, &q, l) < 0)
				return -1;
		}
	return 0;
}

int ctrl_v4l2_read(int fd, struct ctrl_list *l)
{
	struct v4l2_queryctrl q;
	uint32_t last = 0;
	int asked = 0;

	l->n = 0;
	memset(&q, 0, sizeof(q));
	q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
	while (l->n < CTRL_MAX) {
		if (capture_ioctl(fd, VIDIOC_QUERYCTRL, &q) < 0) {
			if (errno == ENOTTY || errno == EINVAL)
				break;		/* the last one, or none */
			return -1;
		}
		asked++;
		if (q.id <= last)
			break;			/* a driver going round */
		last = q.id;
		if (add(fd, &q, l) < 0)
			return -1;
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	if (asked == 0 && errno == EINVAL && read_each(fd, l) < 0)
		return -1;
	ctrl_names(l);
	return 0;
}

int ctrl_v4l2_get(int fd, uint32_t id, int32_t *v)
{
	struct v4l2_control c = { id, 0 };

	if (capture_ioctl(fd, VIDIOC_G_CTRL, &c) < 0)
		return -1;
	*v = c.value;
	return 0;
}

int ctrl_v4l2_set(int fd, uint32_t id, int32_t v)
{
	struct v4l2_control c = { id, v };

	return capture_ioctl(fd, VIDIOC_S_CTRL, &c);
}
