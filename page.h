/* page.c: the page and its files: the built-in client (web.c), or the
 * files of a --web directory, with their content types and the headers
 * that tell a browser what the page may do. Reads nothing outside that
 * directory; never decides access (route.c has, before it is called). */
#ifndef PAGE_H
#define PAGE_H

struct conn;
struct route_req;

/* Answers GET or HEAD of a page file: "/" is /index.html; a name that is
 * not plain path segments, or no such file, is 404. */
void page_serve(struct conn *c, const struct route_req *q);

#endif
