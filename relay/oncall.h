/*
 * oncall.h: the schedules every console is sent (relay/oncall.c).
 */
#ifndef WR_RELAY_ONCALL_H
#define WR_RELAY_ONCALL_H

#include <jansson.h>

struct relay;
struct feed_pss;

/* The "schedules" frame of the relay's schedules as they are now. */
json_t *relay_oncall_frame(const struct relay *r);
/* Queue it for a console that has just been welcomed. */
void relay_oncall_hello(struct relay *r, struct feed_pss *p);
/* Queue it for every console past its hello: the schedules changed. */
void relay_oncall_broadcast(struct relay *r);

#endif
