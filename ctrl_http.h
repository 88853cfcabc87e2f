/* ctrl_http.c: the bodies of /controls: a POST's JSON object checked
 * against the camera's list into the values to set, and the JSON answer
 * of GET and POST. Pure: no threads, no camera, no allocation. */
#ifndef CTRL_HTTP_H
#define CTRL_HTTP_H
#include <stddef.h>

struct ctrl_list;
struct ctrl_pair;
struct obuf;

/* The body s[0..len)'s values checked against l into p[0..*n) (p holds
 * CTRL_MAX; a control named twice counts once, with its last value). 0,
 * or 400 with why: not a flat object, unknown names (all of them named),
 * or the first value that does not fit its control (ctrl_parse()). */
int ctrl_http_check(const struct ctrl_list *l, const char *s, size_t len,
		    struct ctrl_pair *p, int *n, char *why, size_t whysz);
/* Appends the answer to b: {"set":{...},"controls":[...]} for a change
 * (p[0..n), each value as its control in l shows it) or, get,
 * {"controls":[...]}. Returns 200. */
int ctrl_http_answer(const struct ctrl_list *l, const struct ctrl_pair *p,
		     int n, int get, struct obuf *b);

#endif
