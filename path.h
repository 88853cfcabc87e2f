/* path.c: a stream's path: TCP's view of it, the tick that measures it
 * and paces the stream, auto streams of one address sharing it. */
#ifndef PATH_H
#define PATH_H

struct conn;
struct hub_stats;

/* A tick of c's path (c a stream): measured since the last tick, judged
 * (adapt.c), the pacing set. Returns the rung adapt.c chose, which an
 * auto stream subscribes to. */
int path_tick(struct conn *c, const struct hub_stats *hs);

#endif
