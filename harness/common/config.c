/*
 * config.c -- the run's configuration, as the grader sent it.
 *
 * A graded run gets its key, test, seed, scale and slowdown on a pipe
 * (protocol.h), read here to the end and closed before any of the
 * student's code runs, so nothing of it is in argv, the environment or an
 * open descriptor the submission could read.  The raw bytes are wiped once
 * parsed.  A hand run has no pipe: the defaults below apply, with a seed
 * from the clock, or the seed and schedules of HARNESS_HAND_SEED and
 * HARNESS_HAND_SCHEDULES (a developer replaying a run; never read in a
 * graded run).
 */
#include "harness.h"
#include "internal.h"
#include "protocol.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	char key[2 * PROTOCOL_KEY_BYTES + 1];
	char test[PROTOCOL_TEST_NAME_MAX];
	uint64_t seed;
	double scale;
	double stretch;
	unsigned schedules;
} config = {PROTOCOL_HAND_KEY, "", 0, 1.0, 1.0, 0};

/* Applies one "NAME VALUE" line; unknown names are the grader's mistake. */
static int apply(const char *name, const char *value)
{
	if (strcmp(name, CONFIG_KEY) == 0)
		snprintf(config.key, sizeof config.key, "%s", value);
	else if (strcmp(name, CONFIG_TEST) == 0)
		snprintf(config.test, sizeof config.test, "%s", value);
	else if (strcmp(name, CONFIG_SEED) == 0)
		config.seed = strtoull(value, NULL, 10);
	else if (strcmp(name, CONFIG_SCALE) == 0)
		config.scale = atof(value);
	else if (strcmp(name, CONFIG_STRETCH) == 0)
		config.stretch = atof(value);
	else if (strcmp(name, CONFIG_SCHEDULES) == 0)
		config.schedules = (unsigned)strtoul(value, NULL, 10);
	else
		return -1;
	return 0;
}

int harness_config_read(int fd)
{
	char raw[PROTOCOL_CONFIG_MAX];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, raw + len, sizeof raw - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	raw[len] = '\0';
	int rc = len > 0 ? 0 : -1;
	for (char *line = strtok(raw, "\n"); line && rc == 0; line = strtok(NULL, "\n")) {
		char *space = strchr(line, ' ');
		if (space)
			*space = '\0';
		if (!space || apply(line, space + 1) != 0)
			rc = -1;
	}
	explicit_bzero(raw, sizeof raw);
	if (config.key[0] == '\0' || strcmp(config.key, PROTOCOL_HAND_KEY) == 0 || !config.test[0])
		rc = -1;
	return rc;
}

void harness_config_hand_run(const char *test)
{
	snprintf(config.test, sizeof config.test, "%s", test);
	const char *seed = getenv("HARNESS_HAND_SEED"),
	           *schedules = getenv("HARNESS_HAND_SCHEDULES");
	if (seed)
		config.seed = strtoull(seed, NULL, 10);
	if (schedules)
		config.schedules = (unsigned)strtoul(schedules, NULL, 10);
}

unsigned harness_config_schedules(void)
{
	return config.schedules;
}

const char *harness_config_key(void)
{
	return config.key;
}

const char *harness_config_test(void)
{
	return config.test;
}

uint64_t harness_seed(void)
{
	if (config.seed == 0)
		config.seed = (uint64_t)time(NULL);
	if (config.seed == 0)
		config.seed = 1;
	return config.seed;
}

long harness_scaled(long n)
{
	double scale = config.scale > 0 ? config.scale : 1.0;
	long scaled = (long)((double)n * scale);
	return scaled < 1 ? 1 : scaled;
}

double harness_slowdown(void)
{
	return config.stretch > 1.0 ? config.stretch : 1.0;
}

double harness_config_stretch(void)
{
	return config.stretch > 0 ? config.stretch : 1.0;
}
