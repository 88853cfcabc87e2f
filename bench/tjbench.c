/* tjbench.c: the bare TurboJPEG cost the server is measured against: per
 * frame CPU of an encode from planes, or of an MJPEG decode plus encode.
 * The encode is in the file's own subsampling, or for decenc in the one
 * given (its planes made once, before the clock runs, from the first
 * decode: the bare call starts from ready planes). With TJBENCH_FPS=N in
 * the environment the frames are paced at N per second, as a camera
 * paces a server: the thread sleeps between frames (not counted), so
 * each frame starts with the caches and clocks a live stream has. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>

/* The server's flags (jpeg.c), so both sides do the same work. */
#define ENC_FLAGS	(TJFLAG_NOREALLOC | TJFLAG_FASTDCT)
#define DEC_FLAGS	(TJFLAG_FASTDCT | TJFLAG_STOPONWARNING)
#define MAX_COPIES	16

static double thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sleeps until *next (CLOCK_MONOTONIC), then moves it one period on. */
static void pace(struct timespec *next, long period_ns)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL))
		;
	next->tv_nsec += period_ns;
	while (next->tv_nsec >= 1000000000L) {
		next->tv_nsec -= 1000000000L;
		next->tv_sec++;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The first SOI..EOI in the file: a whole multipart stream capture or a
 * plain JPEG both work. In entropy-coded data 0xFF is stuffed, so the
 * first FF D9 after SOI ends the image. */
static unsigned char *read_jpeg(const char *path, unsigned long *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *soi = NULL, *jpg;
	size_t cap = 0, n = 0, r, i;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	f = NULL;
	for (i = 0; i + 1 < n; i++) {
		if (!soi && buf[i] == 0xFF && buf[i + 1] == 0xD8)
			soi = buf + i;
		else if (soi && buf[i] == 0xFF && buf[i + 1] == 0xD9)
			break;
	}
	if (!soi || i + 1 >= n)
		goto fail;
	*len = (unsigned long)(buf + i + 2 - soi);
	jpg = malloc(*len);
	if (!jpg)
		goto fail;
	memcpy(jpg, soi, *len);
	free(buf);
	return jpg;
fail:
	if (f)
		fclose(f);
	free(buf);
	return NULL;
}

/* 4:2:2 chroma to 4:2:0 (rows averaged) or 4:2:0 to 4:2:2 (repeated). */
static void convert(unsigned char **src, int from, unsigned char **dst,
		    int to, int w, int h)
{
	int c, x, y;
	int cw = tjPlaneWidth(1, w, from), ch = tjPlaneHeight(1, h, to);
	int sh = tjPlaneHeight(1, h, from);

	memcpy(dst[0], src[0], (size_t)tjPlaneWidth(0, w, from) *
	       tjPlaneHeight(0, h, from));
	for (c = 1; c < 3; c++)
		for (y = 0; y < ch; y++)
			for (x = 0; x < cw; x++) {
				int a = to == TJSAMP_420 ? 2 * y : y / 2;
				int b = to == TJSAMP_420 ? 2 * y + 1 : y / 2;

				a = a < sh ? a : sh - 1;
				b = b < sh ? b : sh - 1;
				dst[c][y * cw + x] = (unsigned char)
					((src[c][a * cw + x] +
					  src[c][b * cw + x] + 1) / 2);
			}
}

int main(int argc, char **argv)
{
	tjhandle enc, dec;
	unsigned char *jpg, *planes[3], *out, *cp[MAX_COPIES][3];
	unsigned long jlen, olen = 0, cap;
	int w, h, ss, cs, strides[3], q, n, runs, decode, r, i, k, copies = 1;
	int ess = -1, estrides[3];
	const char *fps_env = getenv("TJBENCH_FPS");
	long period = fps_env && atoi(fps_env) > 0 ? 1000000000L /
		atoi(fps_env) : 0;
	struct timespec next;
	double t1;
	double *ms, t0;
	size_t psz[3];

	if (argc >= 7)
		copies = atoi(argv[6]);
	if (argc == 8)
		ess = !strcmp(argv[7], "420") ? TJSAMP_420 :
		      !strcmp(argv[7], "422") ? TJSAMP_422 : -2;
	if (argc < 6 || argc > 8 || copies < 1 || copies > MAX_COPIES ||
	    ess == -2 || (strcmp(argv[1], "enc") && strcmp(argv[1], "decenc"))) {
		fprintf(stderr, "usage: tjbench enc|decenc FILE.jpg QUALITY "
			"FRAMES RUNS [COPIES [420|422]]\n"
			"  enc: decode FILE to YUV planes once, time encodes "
			"at QUALITY\n"
			"  decenc: time decode to planes + encode per frame\n"
			"Prints per-frame thread CPU ms, median and min over "
			"RUNS runs of FRAMES frames. enc cycles through "
			"COPIES copies\nof the planes (default 1), so they "
			"need not be in cache. decenc can encode in another\n"
			"subsampling than the file's (from planes made once).\n");
		return 2;
	}
	decode = !strcmp(argv[1], "decenc");
	q = atoi(argv[3]);
	n = atoi(argv[4]);
	runs = atoi(argv[5]);
	if (q < 1 || q > 100 || n < 1 || runs < 1)
		return 2;
	jpg = read_jpeg(argv[2], &jlen);
	if (!jpg) {
		fprintf(stderr, "tjbench: no JPEG in %s\n", argv[2]);
		return 1;
	}
	enc = tjInitCompress();
	dec = tjInitDecompress();
	ms = calloc((size_t)runs, sizeof(*ms));
	if (!enc || !dec || !ms ||
	    tjDecompressHeader3(dec, jpg, jlen, &w, &h, &ss, &cs) != 0) {
		fprintf(stderr, "tjbench: %s\n", tjGetErrorStr());
		return 1;
	}
	for (k = 0; k < 3; k++) {
		strides[k] = tjPlaneWidth(k, w, ss);
		psz[k] = tjPlaneSizeYUV(k, w, strides[k], h, ss);
		planes[k] = malloc(psz[k]);
		if (!planes[k])
			return 1;
	}
	if (ess < 0 || !decode)
		ess = ss;
	if ((ss != TJSAMP_420 && ss != TJSAMP_422) && ess != ss) {
		fprintf(stderr, "tjbench: cannot convert subsampling %d\n", ss);
		return 1;
	}
	for (k = 0; k < 3; k++)
		estrides[k] = tjPlaneWidth(k, w, ess);
	cap = tjBufSize(w, h, ess);
	out = tjAlloc((int)cap);
	if (!out)
		return 1;
	/* One decode first: the planes for "enc", a warm-up for both. */
	if (tjDecompressToYUVPlanes(dec, jpg, jlen, planes, w, strides, h,
				    DEC_FLAGS) != 0) {
		fprintf(stderr, "tjbench: decode: %s\n", tjGetErrorStr2(dec));
		return 1;
	}
	for (i = 0; i < copies; i++) {
		for (k = 0; k < 3; k++) {
			cp[i][k] = malloc(tjPlaneSizeYUV(k, w, estrides[k], h,
							 ess));
			if (!cp[i][k])
				return 1;
		}
		if (ess == ss)
			for (k = 0; k < 3; k++)
				memcpy(cp[i][k], planes[k], psz[k]);
		else
			convert(planes, ss, cp[i], ess, w, h);
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (r = 0; r < runs; r++) {
		t0 = 0;
		for (i = 0; i < n; i++) {
			if (period)
				pace(&next, period);
			t1 = thread_cpu_ms();
			if (decode && tjDecompressToYUVPlanes(dec, jpg, jlen,
					planes, w, strides, h, DEC_FLAGS) != 0)
				return 1;
			olen = cap;
			if (tjCompressFromYUVPlanes(enc, (const unsigned char **)
					(decode && ess == ss ? planes
					 : cp[i % copies]), w, estrides, h,
					ess, &out, &olen, q, ENC_FLAGS) != 0) {
				fprintf(stderr, "tjbench: encode: %s\n",
					tjGetErrorStr2(enc));
				return 1;
			}
			t0 += thread_cpu_ms() - t1;
		}
		ms[r] = t0 / n;
	}
	qsort(ms, (size_t)runs, sizeof(*ms), cmp_double);
	printf("mode=%s w=%d h=%d subsamp=%d out_subsamp=%d in_size=%lu "
	       "out_size=%lu q=%d frames=%d runs=%d fps=%s ms_median=%.3f "
	       "ms_min=%.3f\n", argv[1], w, h, ss, ess, jlen, olen, q, n, runs,
	       period ? fps_env : "-",
	       runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2,
	       ms[0]);
	return 0;
}
