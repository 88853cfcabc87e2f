/* static.c: linked into `make static` builds only, so that a static binary
 * never loads a shared object. Owns no state; touches nothing else. */
#include <stddef.h>
#include <stdio.h>

#include <libv4lconvert.h>
#ifdef __GLIBC__
#include <nss.h>
#endif

/* A static binary that dlopen()s a shared object brings that machine's
 * libc.so in beside the libc linked into it: unsupported, and a crash
 * when the two differ (a board's glibc is rarely the one we linked).
 * Two paths would do it, and both are closed here. */

/* libv4l2 dlopen()s every .so in its libv4l/plugins directory (Debian's
 * libv4l-0 ships libv4l-mplane.so there) at each v4l2_fd_open(). These
 * replace its loader (libv4l2.a's v4l2-plugin.o, then never linked): no
 * plugin, the direct device calls, as the loader itself does when none
 * answers. */
void v4l2_plugin_init(int fd, void **plugin_lib, void **plugin_priv,
		      const struct libv4l_dev_ops **dev_ops)
{
	(void)fd;
	*plugin_lib = NULL;
	*plugin_priv = NULL;
	*dev_ops = v4lconvert_get_default_dev_ops();
}

void v4l2_plugin_cleanup(void *plugin_lib, void *plugin_priv,
			 const struct libv4l_dev_ops *dev_ops)
{
	(void)plugin_lib;
	(void)plugin_priv;
	(void)dev_ops;
}

/* glibc's NSS dlopen()s the modules nsswitch.conf names (mdns4_minimal,
 * systemd, ...), except "files" and "dns", which libc.a carries. Only
 * those two, then: the server's getaddrinfo()/getnameinfo() take numeric
 * addresses without any lookup, --listen NAME reads /etc/hosts then
 * DNS, and libv4lconvert's getpwuid_r() reads /etc/passwd. Runs before
 * main(). */
#ifdef __GLIBC__
__attribute__((constructor)) static void static_nss(void)
{
	__nss_configure_lookup("hosts", "files dns");
	__nss_configure_lookup("passwd", "files");
	__nss_configure_lookup("group", "files");
}
#endif

#ifndef __GLIBC__
/* Another C library (musl): Debian's libturbojpeg.a, libv4l2.a and
 * libv4lconvert.a were compiled against glibc with _FORTIFY_SOURCE, so
 * they call glibc's checked variants of five functions. Each checks what
 * glibc's checks and then does the plain call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
size_t __fread_chk(void *p, size_t room, size_t size, size_t n, FILE *f);
void __longjmp_chk(jmp_buf env, int val);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t room);
int __snprintf_chk(char *s, size_t max, int flag, size_t room,
		   const char *fmt, ...);

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

size_t __fread_chk(void *p, size_t room, size_t size, size_t n, FILE *f)
{
	if (size && n > room / size)
		abort();
	return fread(p, size, n, f);
}

void __longjmp_chk(jmp_buf env, int val)
{
	longjmp(env, val);
}

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t room)
{
	if (n > room)
		abort();
	return memcpy(dst, src, n);
}

int __snprintf_chk(char *s, size_t max, int flag, size_t room,
		   const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	if (max > room)
		abort();
	va_start(ap, fmt);
	n = vsnprintf(s, max, fmt, ap);
	va_end(ap);
	return n;
}
#endif
