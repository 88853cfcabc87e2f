/* api.c: the JSON endpoints the page calls: who am I, log in, log out,
 * make a share link, read and set the camera's controls. Each answers
 * one request that access.c has let through (route.c's table says what
 * each needs); none decides access itself. Poll thread only. */
#ifndef API_H
#define API_H

struct conn;
struct route_req;

/* GET /session: whether there are accounts, who is asking, their role,
 * how they came in, their quality cap, the cameras they may see (null:
 * every one), and whether an open server is exposed to the network. */
void api_session(struct conn *c, const struct route_req *q);
/* POST /login {"user","password"}: a session cookie and who logged in,
 * or 403; held while the password is checked or a guessing address is
 * slowed down (503 past the longest wait). 404 without accounts. */
void api_login(struct conn *c, const struct route_req *q);
/* POST /logout: ends the session the cookie names, if any, and clears
 * the cookie. */
void api_logout(struct conn *c, const struct route_req *q);
/* POST /share {"expires","max_quality","camera"}: a new share link's
 * path, how long it lasts, its quality cap and camera (none: every
 * one; a camera the server has not: 400; one the admin may not see, or
 * every camera for an admin limited to some: 403). 404 without
 * accounts. */
void api_share(struct conn *c, const struct route_req *q);
/* GET or POST /controls: the camera's controls, or set some; held and
 * asked again until the source thread has answered. */
void api_controls(struct conn *c, const struct route_req *q);

#endif
