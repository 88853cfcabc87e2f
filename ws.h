/* ws.c: RFC 6455 framing and the handshake key.
 * Pure: no sockets, no threads, no allocation beyond the caller's. */
#ifndef WS_H
#define WS_H
#include <stddef.h>
#include <stdint.h>

enum ws_opcode {
	WS_CONT = 0x0, WS_TEXT = 0x1, WS_BINARY = 0x2,
	WS_CLOSE = 0x8, WS_PING = 0x9, WS_PONG = 0xA
};

/* Close codes this server sends (RFC 6455 7.4.1). */
enum ws_close_code {
	WS_CLOSE_NORMAL = 1000, WS_CLOSE_GOING_AWAY = 1001,
	WS_CLOSE_PROTOCOL = 1002, WS_CLOSE_UNSUPPORTED = 1003,
	WS_CLOSE_NO_STATUS = 1005, WS_CLOSE_BAD_DATA = 1007,
	WS_CLOSE_POLICY = 1008, WS_CLOSE_TOO_BIG = 1009,
	WS_CLOSE_INTERNAL = 1011
};

/* Largest server frame header: 2 + 8 bytes (no mask). */
#define WS_MAX_HEADER 10

/* Computes Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (klen
 * bytes, surrounding whitespace already trimmed). The key must be the
 * Base64 of exactly 16 bytes, else -1. On success writes 28 characters
 * plus NUL to out and returns 0. */
int ws_accept_key(const char *key, size_t klen, char out[29]);

/* Writes an unmasked server frame header with FIN set for a payload of
 * len bytes (7, 16 or 64-bit length as the RFC requires). Returns the
 * header length (2, 4 or 10). */
size_t ws_frame_header(unsigned char out[WS_MAX_HEADER], int opcode,
		       uint64_t len);

/* Writes a close frame payload: the code in network order and an
 * optional reason (truncated so the payload stays <= 125 bytes).
 * Returns the payload length. */
size_t ws_close_payload(unsigned char out[125], int code, const char *reason);

/* Incremental parser state for one connection's client frames. Zero it,
 * then set max_msg. It tracks fragmentation and UTF-8 across frames. */
struct ws_parser {
	uint64_t max_msg;	/* bound on a whole message's payload */
	int msg_opcode;		/* WS_TEXT/WS_BINARY of the fragmented
				   message in progress, 0 if none */
	uint64_t msg_len;	/* payload bytes of that message so far */
	uint32_t utf8_state;	/* UTF-8 validator state across fragments */
	int close_code;		/* set when ws_parse returns -1 */
	const char *error;	/* short reason when ws_parse returns -1 */
};

struct ws_frame {
	int opcode;		/* as received: WS_CONT for continuations */
	int fin;
	int msg_opcode;		/* WS_TEXT/WS_BINARY for data frames (also for
				   continuations), else == opcode */
	unsigned char *payload;	/* points into the caller's buffer, unmasked
				   in place */
	size_t len;
	int close_code;		/* WS_CLOSE: received code, or
				   WS_CLOSE_NO_STATUS if the payload is empty */
};

/* Parses one client frame from buf[0..len). Returns the bytes the frame
 * took (> 0) with *f filled and its payload unmasked in place, 0 when
 * more bytes are needed, or -1 when the stream violates RFC 6455; then
 * p->close_code is what to close with (1002 protocol, 1007 bad UTF-8 or
 * bad close reason, 1009 message too big) and p->error says why.
 * Enforced here: mask bit set, RSV bits clear, known opcodes, control
 * frames <= 125 bytes and FIN set, continuation only inside a fragmented
 * message and no new data frame inside one, text valid UTF-8 (checked
 * incrementally, complete at FIN), close payload not 1 byte long, close
 * code valid on the wire, close reason UTF-8, and a message longer than
 * p->max_msg rejected as soon as its header says so. */
int ws_parse(struct ws_parser *p, unsigned char *buf, size_t len,
	     struct ws_frame *f);

/* Is code acceptable in a close frame received from a peer? */
int ws_close_code_valid(int code);

/* Incremental UTF-8 validation: feed bytes, state starts at 0.
 * Returns 0 = complete and valid so far, 1 = in the middle of a
 * sequence, -1 = invalid (the state stays invalid). */
int ws_utf8(uint32_t *state, const unsigned char *s, size_t len);

#endif
