/*
 * verdict.c -- reads the records a harness wrote on its verdict channel.
 *
 * Each record is one line "KEY KIND TEXT" (protocol.h).  The key is fresh
 * for every run and reaches the harness on a pipe closed before the
 * student's code runs, so lines a submission writes, or replays from
 * another run, are not believed.
 */
#include "verdict.h"

#include "text.h"

#include "protocol.h"

#include <stdlib.h>
#include <string.h>

void verdict_parse(const char *records, const char *key, const char *test, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	struct text info = {0};
	size_t nlen = strlen(key);
	int outcomes = 0;
	bool pass_seen = false;
	for (const char *line = records; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char *rec = strndup(line, len);
		line = eol ? eol + 1 : line + len;
		if (!rec)
			continue;
		if (strncmp(rec, key, nlen) != 0 || rec[nlen] != ' ') {
			free(rec);
			continue;
		}
		char *kind = rec + nlen + 1;
		char *rest = strchr(kind, ' ');
		rest = rest ? (*rest = '\0', rest + 1) : kind + strlen(kind);
		if (strcmp(kind, RECORD_INFO) == 0) {
			text_printf(&info, "%s\n", rest);
		} else if (strcmp(kind, RECORD_PASS) == 0) {
			outcomes++;
			pass_seen = strcmp(rest, test) == 0;
		} else if (strcmp(kind, RECORD_FAIL) == 0) {
			outcomes++;
			if (!v->failure)
				v->failure = strdup(rest);
		} else if (strcmp(kind, RECORD_END) == 0) {
			v->ended = true;
		}
		free(rec);
	}
	v->passed = v->ended && pass_seen && outcomes == 1 && !v->failure;
	text_add(&info, "");
	v->info = text_take(&info);
}

void verdict_free(struct verdict *v)
{
	free(v->failure);
	free(v->info);
	memset(v, 0, sizeof *v);
}
