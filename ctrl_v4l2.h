/* ctrl_v4l2.c: a V4L2 camera's controls through libv4l2: the list
 * (VIDIOC_QUERYCTRL with V4L2_CTRL_FLAG_NEXT_CTRL, VIDIOC_QUERYMENU,
 * VIDIOC_G_CTRL), one value read, one set. Works on the fd it is given
 * (capture.c's, on the source thread) and keeps nothing. */
#ifndef CTRL_V4L2_H
#define CTRL_V4L2_H
#include <stdint.h>

struct ctrl_list;

/* Fills l with the controls of the camera on fd that we can offer
 * (integers, booleans, menus, integer menus, buttons; not disabled
 * ones, control classes, 64-bit, string or compound ones), at most
 * CTRL_MAX, named by ctrl_names(). 0 (a camera without controls gives
 * an empty list), or -1 with errno when the camera fails. */
int ctrl_v4l2_read(int fd, struct ctrl_list *l);
/* VIDIOC_G_CTRL: 0 with *v, or -1 with errno. */
int ctrl_v4l2_get(int fd, uint32_t id, int32_t *v);
/* VIDIOC_S_CTRL: 0, or -1 with errno (EACCES: read-only or inactive,
 * EBUSY: grabbed, ERANGE or EINVAL: a value the camera does not take). */
int ctrl_v4l2_set(int fd, uint32_t id, int32_t v);

#endif
