/* config.h: the server's options as main() parsed them. Read-only once the
 * server runs; every module that needs an option reads it from here. */
#ifndef CONFIG_H
#define CONFIG_H

struct config {
	const char *listen;		/* "ADDR:PORT" */
	const char *web_dir;		/* NULL: the embedded client */
	const char **origins;		/* --allow-origin values */
	int norigins;
	int max_clients;		/* connections served at once */
	int max_per_ip;			/* ... from one address (IPv6: /64) */
	int max_rungs_ip;		/* rungs one address alone may cause
					   to be encoded; 0 = no cap */
	int default_q;			/* /stream and /snapshot default */
	int lowat;			/* TCP_NOTSENT_LOWAT bytes, 0 = off */
	const char *congestion;		/* TCP congestion control for our
					   sockets, or NULL: the system's */
	int timeout_s;			/* request head / keep-alive idle */
	int stall_s;			/* output not moving; WebSocket pong */
	const char *auth_file;		/* NULL: open, no accounts */
	const char *secret_file;	/* NULL: auth_file.secret */
	const char **hosts;		/* --allow-host names */
	int nhosts;
	const char *trust_proxy;	/* an address whose X-Forwarded-* we
					   believe, or NULL */
	char hostname[256];		/* the host's name (gethostname) */
};

#endif
