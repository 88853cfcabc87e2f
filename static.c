/* static.c: linked into `make static` builds only, so that a static binary
 * never loads a shared object. Owns no state; touches nothing else. */
#include <nss.h>
#include <stddef.h>

#include <libv4lconvert.h>

/* A static binary that dlopen()s a shared object brings that machine's
 * libc.so in beside the libc linked into it: unsupported, and a crash
 * when the two differ (a board's glibc is rarely the one we linked).
 * Two paths would do it, and both are closed here. */

/* libv4l2 dlopen()s every .so in its libv4l/plugins directory (Debian's
 * libv4l-0 ships libv4l-mplane.so there) at each v4l2_fd_open(). These replace its loader
 * (libv4l2.a's v4l2-plugin.o, then never linked): no plugin, the direct
 * device calls, as the loader itself does when none answers. */
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
__attribute__((constructor)) static void static_nss(void)
{
	__nss_configure_lookup("hosts", "files dns");
	__nss_configure_lookup("passwd", "files");
	__nss_configure_lookup("group", "files");
}
