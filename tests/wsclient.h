/* wsclient.h: what the parts of tests/wsclient share: the options, a
 * client connection (struct conn) and the calls between the parts.
 * wsclient.c: main, usage, options, small helpers; wsc-conn.c: a
 * connection up to its stream (URL, socket, request, response head);
 * wsc-stream.c: what a stream carries (WebSocket frames, MJPEG parts,
 * the JPEG checks); one file a subcommand: wsc-load.c, wsc-trace.c,
 * wsc-ws.c, wsc-http.c. One thread: no locks anywhere. */
#ifndef WSCLIENT_H
#define WSCLIENT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define HEAD_MAX 8192		/* response head limit */
#define JHEAD 256		/* JPEG prefix kept per frame: SOI + COM */

/* Dynamic byte queue: bytes [off, len) are pending. */
struct buf {
	unsigned char *p;
	size_t off, len, cap;
};

enum { S_CONNECT, S_HEAD, S_STREAM, S_CLOSING, S_DONE };
enum { M_BOUNDARY, M_HEADERS, M_BODY, M_END };

/* One client: its socket and state (S_*), the response head, where its
 * stream parser is, and what it counted. */
struct conn {
	int fd, id, state, ws, connected;
	char key[32];
	char head[HEAD_MAX + 1];
	size_t headlen;
	int status;
	struct buf out;

	/* WebSocket input: header being collected, payload left */
	unsigned char hdr[14];
	size_t hlen, hneed;
	int sized, inpayload;
	uint64_t left;
	int op, fin, msgop;
	unsigned char ctl[125];
	size_t ctllen;
	int sent_close, got_close, close_code;

	/* MJPEG input */
	char boundary[128];
	int mstate, single, overflow;
	char line[512];
	size_t linelen;
	long long clen;
	int chunked, cstate;	/* chunked transfer coding: */
	uint64_t cleft;		/* data left in the chunk */
	char cline[64];
	size_t clinelen;

	/* the message in progress */
	uint64_t msize;
	unsigned char jhead[JHEAD];
	size_t jheadlen;
	unsigned char tail[2];
	char *text;
	size_t textlen, textcap;
	unsigned char *full;
	size_t fulllen, fullcap;

	/* statistics */
	uint64_t frames, bytes, skipped, invalid, texts, binaries;
	int64_t t_open, t_first, t_last;	/* connect, frames */
	uint64_t seq;
	int have_seq, q, w, h, sent_text;
	int32_t *lat;
	size_t nlat, latcap;
	char err[200];
	double tokens;			/* --rate: bytes it may read now */
	int64_t t_tokens;
};

struct url {
	int ws;
	char host[256], port[16], path[2048], hostport[300];
	char auth[400];		/* user:pass@ as Base64, or "" */
};

/* The command line, set by the subcommand that runs. */
struct options {
	long n, frames, send_at, wait_frames;
	double secs, T;
	const char *origin, *protocol, *send_text, *header;
	const char *bind;		/* load: the source address */
	int stall, json, decode, verbose, ending, no_pong;
	double rate;			/* load: bytes/s each client reads */
	int rcvbuf;			/* load: SO_RCVBUF, 0 = default */
	int size_w, size_h;	/* --size: every frame must be this */
	FILE *luma;		/* --luma: a line per frame */
	FILE *framelog;		/* trace --frames: a line per frame */
};
extern struct options o;

extern unsigned char scratch[1 << 18];	/* one read's worth */
/* q=, w=, h= of the last valid frame, any client */
extern int last_q, last_w, last_h;

/* wsclient.c */
/* Prints "wsclient: " and fmt (with strerror(errno) when fmt ends in
 * ':'), then exits 2. */
void die(const char *fmt, ...);
int64_t now_us(clockid_t clk);
/* xorshift64*: keys and masks need to vary, not to be secret. */
uint32_t rng(void);
void *xrealloc(void *p, size_t n);	/* dies when out of memory */
/* Returns room for n more bytes at the tail of b; the caller fills them
 * and adds n to b->len. */
unsigned char *buf_room(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *d, size_t n);
int cmp_i32(const void *a, const void *b);	/* for qsort */
/* The pct-th percentile of the sorted µs v[0..n), in ms; 0 if n is 0. */
double pct_ms(int32_t *v, size_t n, int pct);
/* A number from the command line: at least min (arg_double: at least
 * 0); dies when bad. */
long arg_long(const char *s, long min);
double arg_double(const char *s);
void bad_usage(void);			/* prints the usage, exits 2 */
/* Parses the options the subcommands share; returns 1 if argv[*i] was
 * one (consuming its argument), 0 if not. */
int common_opt(int argc, char **argv, int *i);

/* wsc-conn.c */
/* Parses ws:// or http:// [USER:PASS@]HOST[:PORT][/PATH]; 0 or -1. */
int url_parse(const char *s, struct url *u);
struct addrinfo *resolve(const char *host, const char *port); /* or die */
/* Starts a non-blocking connect; returns the fd (connect maybe still in
 * progress) or -1 with errno set. */
int tcp_connect(const struct addrinfo *ai);
void conn_close(struct conn *c);	/* closes the socket: S_DONE */
/* Records the first failure of c (logged once, where it is decided). */
void conn_error(struct conn *c, const char *fmt, ...);
#define conn_fail(c, ...) (conn_error(c, __VA_ARGS__), conn_close(c))
/* Queues the GET for u (a WebSocket upgrade for ws://) with the options'
 * headers. */
void conn_request(struct conn *c, const struct url *u);
/* Writes pending output; 0, or -1 after failing c. */
int conn_flush(struct conn *c);
/* Copies the trimmed value of header name from a NUL-terminated response
 * head into out. Returns 0, or -1 when absent. */
int head_get(const char *head, const char *name, char *out, size_t outsz);
/* Feeds received bytes through the head, then the stream parser. */
void conn_input(struct conn *c, const unsigned char *p, size_t n);
/* --rate: refills c's budget; 1 if it may read now. */
int may_read(struct conn *c, int64_t now);
/* Reads once from c and feeds what came; returns the bytes read (1 when
 * none were ready; what came may have failed c), 0 on EOF or a reset, -1
 * after failing c. */
ssize_t conn_read(struct conn *c);
/* Ends c's run: a WebSocket gets a close handshake, the rest is closed. */
void begin_close(struct conn *c);
void conn_free(struct conn *c);		/* c's buffers, not its socket */

/* wsc-stream.c */
/* Appends one client frame; b0 holds FIN, RSV and the opcode. */
void ws_put(struct buf *b, int b0, int masked, const void *data, size_t n);
void ws_put_close(struct buf *b, int code);	/* 1005: no code */
/* Parse what the stream carries, counting each frame in c: WebSocket
 * frames, MJPEG parts, and the chunked coding around parts. */
void ws_feed(struct conn *c, const unsigned char *p, size_t n);
void mjpeg_feed(struct conn *c, const unsigned char *p, size_t n);
void chunked_feed(struct conn *c, const unsigned char *p, size_t n);

/* The subcommands: argv[0] is the subcommand; each returns the exit
 * status. */
int cmd_load(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_ws(int argc, char **argv);
int cmd_http(int argc, char **argv);

#endif
