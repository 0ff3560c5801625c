/*
 * oncall.h: the schedules every console is sent (relay/oncall.c).
 */
#ifndef WR_RELAY_ONCALL_H
#define WR_RELAY_ONCALL_H

#include <jansson.h>

#include "core/room.h"

struct relay;
struct feed_pss;

/* At start: the overrides and cover requests the log holds (0, or -1 with
 * *cause when the store cannot be read). */
int relay_oncall_load(struct relay *r, char **cause);
/* Put what is open now into the config's schedules. */
void relay_oncall_sync(const struct relay *r);
/* After COMMIT: the schedule-wide events among ev change them, and every
 * console is sent the schedules again. */
void relay_oncall_committed(struct relay *r, const struct wr_event *ev,
    size_t n);
/* The commit's plan_schedule_op hook (relay/commit.h). */
enum wr_plan_result relay_oncall_plan(struct relay *r, const struct wr_op *op,
    const struct wr_event *planned, size_t n, struct wr_event *out,
    const char **code, int *keep, char *err, size_t errsz);

/* The "schedules" frame of the relay's schedules as they are now. */
json_t *relay_oncall_frame(const struct relay *r);
/* Queue it for a console that has just been welcomed. */
void relay_oncall_hello(struct relay *r, struct feed_pss *p);
/* Queue it for every console past its hello: the schedules changed. */
void relay_oncall_broadcast(struct relay *r);

#endif
