/*
 * demo.h: `warroom --demo`: a relay in the console's own process, on a free
 * loopback port, playing a recorded outage from scenarios/, with temporary
 * databases that never touch the user's own.
 */
#ifndef WR_CLI_DEMO_H
#define WR_CLI_DEMO_H

struct demo;
struct lws_context;

/* Make the temporary directory and find the scenario. */
int demo_prepare(struct demo **out, char **cause);
const char *demo_console_db(const struct demo *d);
/* Start the relay inside ctx (made with relay_context_options()). */
int demo_start(struct demo *d, struct lws_context *ctx, char **cause);
const char *demo_feed_url(const struct demo *d);
/* Stop the relay (before the context is destroyed). */
void demo_stop(struct demo *d);
/* Remove the temporary files; after the context is gone. */
void demo_free(struct demo *d);

#endif
