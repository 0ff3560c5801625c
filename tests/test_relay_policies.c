/*
 * test_relay_policies.c: cmocka tests for the [policy NAME] sections of
 * warroomd's config file (relay/config.c): what they build in core's
 * model (core/policy.h), every refusal with its file and line, and what
 * --check-config prints of them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/policy.h"
#include "relay/config.h"

#include "tests/relay_cfg_file.h"

static const char good[] =
    "[schedule primary]\n"
    "timezone = UTC\n"
    "[layer primary.all]\n"
    "rotation = 1w\n"
    "start = 2026-03-02T09:00\n"
    "participants = alice\n"
    "[policy checkout]\n"
    "match = service=checkout,cart severity=critical\n"
    "step = 0m primary\n"
    "step = 10m secondary\n"
    "step = 20m alice, bob\n"
    "repeat = 1\n"
    "ack-timeout = 30m\n"
    "[policy default]\n"
    "step = 5s primary\n";

static void
test_sections_build_policies_in_file_order(void **state)
{
	struct relay_cfg cfg;
	const struct wr_policy *p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(load(&cfg, good, &cause), 0);
	assert_int_equal(cfg.n_policies, 2);
	p = relay_cfg_policy(&cfg, "checkout");
	assert_non_null(p);
	assert_ptr_equal(p, cfg.policies[0]);
	assert_true(p->has_match);
	assert_int_equal(p->n_services, 2);
	assert_string_equal(p->services[1], "cart");
	assert_int_equal(p->severities, 1u << WR_SEV_CRITICAL);
	assert_int_equal(p->n_steps, 3);
	assert_int_equal(p->steps[1].delay_ms, 600000);
	assert_string_equal(p->steps[1].targets[0], "secondary");
	assert_int_equal(p->steps[2].n_targets, 2);
	assert_string_equal(p->steps[2].targets[1], "bob");
	assert_int_equal(p->repeat, 1);
	assert_int_equal(p->ack_timeout_ms, 1800000);
	p = relay_cfg_policy(&cfg, "default");
	assert_false(p->has_match);
	assert_int_equal(p->steps[0].delay_ms, 5000);
	assert_null(relay_cfg_policy(&cfg, "nope"));
	relay_cfg_free(&cfg);
}

static void
test_bad_policies_are_refused_at_their_line(void **state)
{
	static const struct cfg_refusal cases[] = {
		{ "[policy]\n", 1, "[policy] needs a name" },
		{ "[policy a b]\n", 1, "a policy's name is one word" },
		{ "[policy a]\nstep = 0m x\n[policy a]\n", 3,
		    "[policy a] is defined twice (first at " },
		{ "[policy a]\nstep = 10m\n", 2, "[policy a] step: '10m' is "
		    "not a step" },
		{ "[policy a]\nstep = 1y alice\n", 2,
		    "[policy a] step: the delay: '1y' is not a duration" },
		{ "[policy a]\nmatch = team=x\n", 2,
		    "[policy a] match: 'team=x' is not a term" },
		{ "[policy a]\nmatch = severity=urgent\n", 2,
		    "unknown severity 'urgent'" },
		{ "[policy a]\nrepeat = -1\n", 2, "[policy a] repeat: " },
		{ "[policy a]\nack-timeout = soon\n", 2,
		    "[policy a] ack-timeout: 'soon' is not a duration" },
		{ "[policy a]\nescalate = now\n", 2,
		    "unknown key 'escalate' (a policy has match, step" },
		/* what only the end of the file knows: the header's line */
		{ "\n[policy a]\nrepeat = 1\n", 2, "[policy a]: no steps" },
		{ "[policy a]\nstep = 5m x\nstep = 5m y\n", 1,
		    "step 2 comes no later than step 1" },
		{ "[policy a]\nstep = 0m x\nrepeat = 2\n", 1,
		    "repeat needs a round of some length" },
		{ "[policy a]\nstep = 0m x\n[policy b]\nstep = 0m y\n", 3,
		    "a second policy without a match (the default is "
		    "[policy a]" },
	};

	(void)state;
	expect_refused(cases, sizeof cases / sizeof cases[0]);
}

/* A target that is no schedule is a person; one the config names nowhere
 * else is most likely a schedule's name mistyped ("primry"), and every
 * incident would be assigned to nobody real: --check-config says so. */
static void
test_report_names_whom_each_step_pages(void **state)
{
	struct relay_cfg cfg;
	char *cause = NULL, *rep;

	(void)state;
	assert_int_equal(load(&cfg, good, &cause), 0);
	rep = relay_cfg_policies_report(&cfg, 1772442000000LL);
	assert_non_null(strstr(rep, "policy checkout (match "
	    "service=checkout,cart severity=critical)\n"
	    "  step 1 after 0m: primary (schedule: alice now)\n"
	    "  step 2 after 10m: secondary (warning: no schedule of that "
	    "name, and no schedule or notifier names that person)\n"
	    "  step 3 after 20m: alice, bob (warning: no schedule of that "
	    "name, and no schedule or notifier names that person)\n"
	    "  then 1 more round\n"
	    "  an acknowledgement expires after 30m\n"
	    "policy default (the default)\n"
	    "  step 1 after 5s: primary (schedule: alice now)\n"));
	free(rep);
	relay_cfg_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_sections_build_policies_in_file_order, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bad_policies_are_refused_at_their_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_report_names_whom_each_step_pages, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
