/* capture_fmt.c: the formats, sizes and frame rates a V4L2 camera
 * offers: choosing one (capture.c sets it), and listing them all for
 * --list-formats, the one place in the capture family that prints (to
 * stdout). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <libv4l2.h>
#include <linux/videodev2.h>

#include "capture_fmt.h"

int capture_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = v4l2_ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

int capture_is_mjpeg(uint32_t f)
{
	return f == V4L2_PIX_FMT_MJPEG || f == V4L2_PIX_FMT_JPEG;
}

/* The highest frame rate dev offers for (fmt, w, h), rounded down; 0 if
 * the driver cannot say (many can't: then we trust S_PARM). */
static int max_fps(int fd, uint32_t fmt, int w, int h)
{
	struct v4l2_frmivalenum fi;
	int best = 0, f;

	memset(&fi, 0, sizeof(fi));
	fi.pixel_format = fmt;
	fi.width = (uint32_t)w;
	fi.height = (uint32_t)h;
	for (fi.index = 0;
	     capture_ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) == 0;
	     fi.index++) {
		/* For stepwise ranges the minimum interval is the best. */
		const struct v4l2_fract *t =
			fi.type == V4L2_FRMIVAL_TYPE_DISCRETE ?
			&fi.discrete : &fi.stepwise.min;

		if (t->numerator == 0)
			continue;
		f = (int)(t->denominator / t->numerator);
		if (f > best)
			best = f;
		if (fi.type != V4L2_FRMIVAL_TYPE_DISCRETE)
			break;
	}
	return best;
}

/* Does dev offer w x h in fmt? 1 yes, 0 no, -1 it cannot enumerate. */
static int has_size(int fd, uint32_t fmt, int w, int h)
{
	struct v4l2_frmsizeenum fs;
	uint32_t uw = (uint32_t)w, uh = (uint32_t)h;

	memset(&fs, 0, sizeof(fs));
	fs.pixel_format = fmt;
	for (fs.index = 0; capture_ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0;
	     fs.index++) {
		if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
			if (fs.discrete.width == uw && fs.discrete.height == uh)
				return 1;
			continue;
		}
		/* Stepwise or continuous: one range describes them all. */
		return uw >= fs.stepwise.min_width &&
		       uw <= fs.stepwise.max_width &&
		       uh >= fs.stepwise.min_height &&
		       uh <= fs.stepwise.max_height &&
		       (fs.stepwise.step_width == 0 ||
			(uw - fs.stepwise.min_width) %
			fs.stepwise.step_width == 0) &&
		       (fs.stepwise.step_height == 0 ||
			(uh - fs.stepwise.min_height) %
			fs.stepwise.step_height == 0);
	}
	return fs.index == 0 ? -1 : 0;
}

/* How well fmt gives the wanted size and rate: the exact size counts
 * first, then the rate it reaches (capped at the wanted one). */
static int fit(int fd, uint32_t fmt, int w, int h, int want_fps)
{
	int size = has_size(fd, fmt, w, h);
	int fps;

	if (size == 0)
		return 0;
	fps = max_fps(fd, fmt, w, h);
	if (fps == 0 || fps > want_fps)
		fps = want_fps;		/* unknown: assume it can */
	return 1000 + fps;
}

/* Formats libv4l2 merely emulates are ignored: converting costs more than
 * decoding. */
uint32_t capture_choose_format(int fd, const char *format, int w, int h,
			       int fps)
{
	struct v4l2_fmtdesc d;
	int has_yuyv = 0, has_mjpeg = 0, fy = -1, fm = -1;
	uint32_t mjpeg = V4L2_PIX_FMT_MJPEG;

	if (strcmp(format, "yuyv") == 0)
		return V4L2_PIX_FMT_YUYV;
	if (strcmp(format, "mjpeg") == 0)
		mjpeg = 0;	/* decided below: MJPG or JPEG */

	memset(&d, 0, sizeof(d));
	d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	for (d.index = 0; capture_ioctl(fd, VIDIOC_ENUM_FMT, &d) == 0;
	     d.index++) {
		if (d.flags & V4L2_FMT_FLAG_EMULATED)
			continue;
		if (d.pixelformat == V4L2_PIX_FMT_YUYV)
			has_yuyv = 1;
		if (capture_is_mjpeg(d.pixelformat) && !has_mjpeg) {
			has_mjpeg = 1;
			mjpeg = d.pixelformat;
		}
	}
	if (strcmp(format, "mjpeg") == 0)
		return mjpeg ? mjpeg : V4L2_PIX_FMT_MJPEG;
	if (has_yuyv)
		fy = fit(fd, V4L2_PIX_FMT_YUYV, w, h, fps);
	if (has_mjpeg)
		fm = fit(fd, mjpeg, w, h, fps);
	if (has_mjpeg && fm > fy)
		return mjpeg;
	/* YUYV when it fits as well, or as what libv4l2 converts to. */
	return V4L2_PIX_FMT_YUYV;
}

void capture_fourcc(uint32_t f, char out[5])
{
	int i;

	for (i = 0; i < 4; i++) {
		char ch = (char)(f >> (8 * i) & 0xff);

		out[i] = ch >= 32 && ch < 127 ? ch : '?';
	}
	out[4] = '\0';
}

/* One line per frame size: "1280x720  30 15 10 fps". */
static void list_intervals(int fd, uint32_t fmt, uint32_t w, uint32_t h)
{
	struct v4l2_frmivalenum fi;

	memset(&fi, 0, sizeof(fi));
	fi.pixel_format = fmt;
	fi.width = w;
	fi.height = h;
	for (fi.index = 0;
	     capture_ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) == 0;
	     fi.index++) {
		if (fi.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
			if (fi.discrete.numerator)
				printf(" %g", (double)fi.discrete.denominator /
				       fi.discrete.numerator);
			continue;
		}
		if (fi.stepwise.min.numerator && fi.stepwise.max.numerator)
			printf(" %g-%g", (double)fi.stepwise.max.denominator /
			       fi.stepwise.max.numerator,
			       (double)fi.stepwise.min.denominator /
			       fi.stepwise.min.numerator);
		break;
	}
	printf(fi.index ? " fps\n" : " (rates unknown)\n");
}

static void list_sizes(int fd, uint32_t fmt)
{
	struct v4l2_frmsizeenum fs;
	char size[48];

	memset(&fs, 0, sizeof(fs));
	fs.pixel_format = fmt;
	for (fs.index = 0; capture_ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0;
	     fs.index++) {
		if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
			snprintf(size, sizeof(size), "%ux%u",
				 fs.discrete.width, fs.discrete.height);
			printf("        %-11s", size);
			list_intervals(fd, fmt, fs.discrete.width,
				       fs.discrete.height);
			continue;
		}
		printf("        %ux%u - %ux%u, step %ux%u\n",
		       fs.stepwise.min_width, fs.stepwise.min_height,
		       fs.stepwise.max_width, fs.stepwise.max_height,
		       fs.stepwise.step_width, fs.stepwise.step_height);
		break;
	}
	if (fs.index == 0)
		printf("        (sizes unknown)\n");
}

/* err: "DEV: what: " and errno's text; keeps errno. Returns -1. */
static int fail(const char *dev, const char *what, char *err, size_t errsz)
{
	int e = errno;

	snprintf(err, errsz, "%s: %s: %s", dev, what, strerror(e));
	errno = e;
	return -1;
}

int capture_list_formats(const char *device, char *err, size_t errsz)
{
	struct v4l2_capability cap;
	struct v4l2_fmtdesc fd;
	char dev[256], cc[5];
	int fdv;

	/* As capture.c keeps it: a longer path is cut the same way. */
	snprintf(dev, sizeof(dev), "%s",
		 device && *device ? device : "/dev/video0");
	fdv = v4l2_open(dev, O_RDWR | O_NONBLOCK);
	if (fdv < 0)
		return fail(dev, "open", err, errsz);
	memset(&cap, 0, sizeof(cap));
	if (capture_ioctl(fdv, VIDIOC_QUERYCAP, &cap) < 0) {
		fail(dev, "VIDIOC_QUERYCAP (not a V4L2 device?)", err, errsz);
		v4l2_close(fdv);
		return -1;
	}
	printf("%s: %.32s (%.16s, %.32s)\n", dev, (char *)cap.card,
	       (char *)cap.driver, (char *)cap.bus_info);

	memset(&fd, 0, sizeof(fd));
	fd.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	for (fd.index = 0; capture_ioctl(fdv, VIDIOC_ENUM_FMT, &fd) == 0;
	     fd.index++) {
		capture_fourcc(fd.pixelformat, cc);
		printf("  %s  %.32s%s%s\n", cc, (char *)fd.description,
		       fd.pixelformat == V4L2_PIX_FMT_YUYV ? "  [yuyv]" :
		       capture_is_mjpeg(fd.pixelformat) ? "  [mjpeg]" : "",
		       fd.flags & V4L2_FMT_FLAG_EMULATED ?
		       "  (converted by libv4l2)" : "");
		list_sizes(fdv, fd.pixelformat);
	}
	if (fd.index == 0)
		printf("  (no capture formats)\n");
	v4l2_close(fdv);
	fflush(stdout);
	return 0;
}
