/*
 * corpus_test.c -- grades known submissions and checks every verdict.
 *
 * tests/corpus/E/NAME.c is a submission for exercise E whose first lines
 * say what the grader must conclude:
 *
 *   / * expect: functional=failed tsan=passed score=under-half * /
 *   / * expect-output: pthread_mutex_lock * /
 *
 * Besides the corpus, every exercise's reference solution must earn full
 * marks, and again after the integrity cases (references_unchanged_after_
 * attacks), and its stub less than half.
 *
 * tests/corpus/integrity/NAME.c holds attacks on the grader itself; each
 * names the exercise it is graded as with an "exercise=E" claim.  Each grading
 * runs the real grader binary on a fresh copy, exactly as `make grade`.
 *
 * The cases whose gradings run no timing check are graded by two shards at
 * once (one on a single CPU; -j N for another count), each shard process
 * taking the next case from a shared counter; then the others, one at a
 * time.  The integrity cases, which share one work folder, are among the
 * latter (fill_phase), so no two of them are graded at once.
 */
#include "course.h"
#include "pool.h"
#include "run.h"
#include "text.h"
#include "util.h"

#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_CASES = 512 };

/* The work folder the integrity cases share, and the cross-talk test reuses:
 * one per corpus_test run (mkdtemp), so runs from two checkouts at once
 * never remove each other's. */
static char shared_work[] = "/tmp/corpus-shared-work-XXXXXX";

struct grading_case {
	char exercise[64];
	char path[512];   /* the submission file */
	int runs;         /* consecutive gradings that must all meet the claims */
	bool shared_work; /* graded in the work folder every integrity case shares */
	char expect[512];
};

static struct grading_case cases[MAX_CASES];
static int ncases;

static struct grading_case *add_case(const char *exercise, const char *path, int runs,
                                     const char *expect)
{
	static struct grading_case overflow;
	if (ncases == MAX_CASES)
		return &overflow;
	struct grading_case *c = &cases[ncases++];
	snprintf(c->exercise, sizeof c->exercise, "%s", exercise);
	snprintf(c->path, sizeof c->path, "%s", path);
	c->runs = runs;
	snprintf(c->expect, sizeof c->expect, "%s", expect);
	return c;
}

/* The "expect:" claims of a corpus file, and its "expect-output:" lines. */
static void read_claims(const char *path, char *claims, size_t len)
{
	char *text = text_read_file(path);
	claims[0] = '\0';
	for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		char *e = strstr(line, "expect");
		if (!e)
			continue;
		char *end = strstr(e, "*/");
		if (end)
			*end = '\0';
		size_t used = strlen(claims);
		snprintf(claims + used, len - used, "%s\n", e);
	}
	free(text);
}

/* The files of a corpus folder, in name order. */
static int corpus_files(const char *dir, struct dirent ***names)
{
	return scandir(dir, names, NULL, alphasort);
}

/* tests/corpus/integrity: attacks on the grader itself, each naming the
 * exercise it is graded as ("exercise=E"), all in one shared work folder. */
static void find_integrity_cases(void)
{
	struct dirent **names;
	int n = corpus_files("tests/corpus/integrity", &names);
	for (int k = 0; k < n; k++) {
		const char *name = names[k]->d_name;
		size_t len = strlen(name);
		char path[512], claims[512], exercise[64] = "";
		snprintf(path, sizeof path, "tests/corpus/integrity/%s", name);
		if (len > 2 && strcmp(name + len - 2, ".c") == 0) {
			read_claims(path, claims, sizeof claims);
			const char *e = strstr(claims, "exercise=");
			if (e)
				snprintf(exercise, sizeof exercise, "%.*s",
				         (int)strcspn(e + 9, " \n"), e + 9);
			/* Without a claim the case fails, saying so (see grade_case). */
			add_case(*exercise ? exercise : "none", path, 1, claims)->shared_work =
			    true;
		}
		free(names[k]);
	}
	if (n > 0)
		free(names);
}

static void find_cases(void)
{
	for (int i = 0; i < course_count; i++) {
		const char *e = course[i];
		char path[512];
		snprintf(path, sizeof path, "harness/%s/rubric.json", e);
		if (access(path, R_OK) != 0)
			continue;
		snprintf(path, sizeof path, "solutions/%s/%s.c", e, e);
		add_case(e, path, 1, "expect: score=full\n");
		snprintf(path, sizeof path, "exercises/%s/%s.c", e, e);
		add_case(e, path, 1, "expect: score=under-half\n");
		char dir[256];
		snprintf(dir, sizeof dir, "tests/corpus/%s", e);
		struct dirent **names;
		int n = corpus_files(dir, &names);
		for (int k = 0; k < n; k++) {
			const char *name = names[k]->d_name;
			size_t len = strlen(name);
			if (len > 2 && strcmp(name + len - 2, ".c") == 0) {
				char claims[512];
				snprintf(path, sizeof path, "%s/%s", dir, name);
				read_claims(path, claims, sizeof claims);
				add_case(e, path, 1, claims);
			}
			free(names[k]);
		}
		free(names);
	}
	find_integrity_cases();
}

/* Processes still running with their working folder inside dir: anything
 * a submission started there (a daemon, a child) that the grader missed. */
static int processes_inside(const char *dir)
{
	int found = 0;
	DIR *proc = opendir("/proc");
	struct dirent *e;
	while (proc && (e = readdir(proc)) != NULL) {
		if (atoi(e->d_name) <= 0)
			continue;
		char link[300], cwd[4096];
		snprintf(link, sizeof link, "/proc/%s/cwd", e->d_name);
		ssize_t n = readlink(link, cwd, sizeof cwd - 1);
		if (n > 0 && (size_t)n >= strlen(dir) && strncmp(cwd, dir, strlen(dir)) == 0)
			found++;
	}
	if (proc)
		closedir(proc);
	return found;
}

static char *tree_status(void)
{
	char *argv[] = {"git", "status", "--porcelain", "--untracked-files=all", NULL};
	char *out = NULL;
	run_tool(argv, 60, &out);
	return out;
}

/* Writes the file at from into folder/E/E.c of a submission. */
static void place(const char *from, const char *src, const char *exercise)
{
	char dir[300], file[400];
	snprintf(dir, sizeof dir, "%s/%s", src, exercise);
	snprintf(file, sizeof file, "%s/%s.c", dir, exercise);
	mkdir(dir, 0755);
	char *text = text_read_file(from);
	ck_assert_msg(text != NULL, "cannot read %s", from);
	FILE *f = fopen(file, "w");
	ck_assert_msg(f != NULL, "cannot write %s", file);
	fputs(text, f);
	fclose(f);
	free(text);
}

/* The exercise named by an "also=E" claim: graded in the same run from its
 * reference solution, it must still earn full marks. */
static bool also_exercise(const struct grading_case *c, char *name, size_t len)
{
	const char *also = strstr(c->expect, "also=");
	if (!also)
		return false;
	snprintf(name, len, "%.*s", (int)strcspn(also + 5, " \n"), also + 5);
	return true;
}

/* Runs the grader (argv) within seconds; asserts that it ran to the end and
 * wrote its results file json, and returns that file parsed.  The report's
 * end goes to log; what names what was graded, for the messages. */
static json_t *run_grader(char **argv, int seconds, const char *json, const char *what, char *log,
                          size_t loglen)
{
	char *output = NULL;
	int status = run_tool(argv, seconds, &output);
	/* Check's messages are limited to a few KiB: keep the report's end. */
	const char *shown = output ? output : "";
	size_t len = strlen(shown);
	snprintf(log, loglen, "%s", len > 2500 ? shown + len - 2500 : shown);
	free(output);
	ck_assert_msg(status == 0, "grader exited %d on %s:\n%s", status, what, log);
	json_error_t err;
	json_t *root = json_load_file(json, 0, &err);
	ck_assert_msg(root != NULL, "no results file for %s: %s", what, err.text);
	return root;
}

/* The checks a case's claims are about, as --checks takes them ("build,
 * functional,tsan"), when every claim of its expect: line is a check's
 * status: then grading those checks alone proves the claims, and the
 * others (timing above all, which runs alone) would only cost time.
 * Claims on what the grading leaves behind (procs, tree), on the allow list
 * (calls) and on an exercise graded alongside (also=E, then graded with the
 * same checks) hold as well for those checks.  False when a claim is about
 * the score, which needs every check: then everything is graded. */
static bool claimed_checks(const char *expect, char *list, size_t len)
{
	char line[512];
	const char *e = strstr(expect, "expect:");
	if (!e)
		return false;
	snprintf(line, sizeof line, "%.*s", (int)strcspn(e + 7, "\n"), e + 7);
	snprintf(list, len, "build");
	char *save = NULL;
	for (char *claim = strtok_r(line, " ", &save); claim; claim = strtok_r(NULL, " ", &save)) {
		char key[32], want[32];
		if (sscanf(claim, "%31[^=]=%31s", key, want) != 2 || strncmp(key, "score", 5) == 0)
			return false;
		if (strcmp(key, "procs") == 0 || strcmp(key, "tree") == 0 ||
		    strcmp(key, "calls") == 0 || strcmp(key, "also") == 0 ||
		    strcmp(key, "exercise") == 0)
			continue;
		size_t used = strlen(list);
		snprintf(list + used, len - used, ",%s", key);
	}
	return true;
}

/* Grades one submission file; returns the parsed results JSON. */
static json_t *grade(const struct grading_case *c, char *log, size_t loglen)
{
	char tmp[] = "/tmp/corpus-XXXXXX";
	ck_assert_msg(mkdtemp(tmp) != NULL, "cannot make a temporary folder");
	/* The grader runs submissions as nobody when it is root: let it in. */
	chmod(tmp, 0755);
	char *tree_before = tree_status();
	char src[64], json[64], work[64], other[64], reference[200];
	snprintf(src, sizeof src, "%s/src", tmp);
	snprintf(json, sizeof json, "%s/results.json", tmp);
	snprintf(work, sizeof work, "%s/work", c->shared_work ? shared_work : tmp);
	mkdir(src, 0755);
	place(c->path, src, c->exercise);
	bool also = also_exercise(c, other, sizeof other);
	bool any_call = strstr(c->expect, "calls=any") != NULL;
	if (also) {
		snprintf(reference, sizeof reference, "solutions/%s/%s.c", other, other);
		place(reference, src, other);
	}
	char *argv[] = {"build/grader/grader",
	                "--root",
	                ".",
	                "--src",
	                src,
	                "--json",
	                json,
	                "--work",
	                work,
	                (char *)c->exercise,
	                also ? other : NULL,
	                NULL,
	                NULL,
	                NULL,
	                NULL};
	int n = also ? 11 : 10;
	/* calls=any: the run-time layers are under test, not the allow list. */
	if (any_call)
		argv[n++] = "--any-call";
	char checks[128];
	if (claimed_checks(c->expect, checks, sizeof checks)) {
		argv[n++] = "--checks";
		argv[n++] = checks;
	}
	json_t *root = run_grader(argv, 900, json, c->path, log, loglen);
	if (strstr(c->expect, "procs=none")) {
		int left = processes_inside(tmp);
		ck_assert_msg(left == 0, "%s: %d process(es) outlived grading", c->path, left);
	}
	if (strstr(c->expect, "tree=unchanged")) {
		char *tree_after = tree_status();
		ck_assert_msg(strcmp(tree_before, tree_after) == 0,
		              "%s: grading changed the project tree:\n%s", c->path, tree_after);
		free(tree_after);
	}
	free(tree_before);
	char *rm[] = {"rm", "-rf", tmp, NULL};
	char *ignored = NULL;
	run_tool(rm, 60, &ignored);
	free(ignored);
	return root;
}

/* Did every test of this check pass ("passed"), or some fail ("failed")? */
static const char *check_verdict(json_t *root, const char *exercise, const char *check)
{
	size_t i;
	json_t *t;
	int seen = 0, failed = 0;
	json_array_foreach(json_object_get(root, "tests"), i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "exercise")), exercise) != 0 ||
		    (check && strcmp(json_string_value(json_object_get(t, "check")), check) != 0))
			continue;
		seen++;
		failed += strcmp(json_string_value(json_object_get(t, "status")), "passed") != 0;
	}
	return !seen ? "absent" : failed ? "failed" : "passed";
}

static void check_claim(const struct grading_case *c, json_t *root, const char *claim,
                        const char *log)
{
	char key[32], want[32];
	if (sscanf(claim, "%31[^=]=%31s", key, want) != 2)
		ck_abort_msg("%s: cannot read the claim '%s'", c->path, claim);
	if (strcmp(key, "procs") == 0 || strcmp(key, "tree") == 0 || strcmp(key, "calls") == 0 ||
	    strcmp(key, "exercise") == 0)
		return; /* used when grading, see grade() and find_integrity_cases() */
	if (strcmp(key, "score") == 0 || strcmp(key, "score<") == 0) {
		double score = 0, max = 0;
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(root, "tests"), i, t)
		{
			if (strcmp(json_string_value(json_object_get(t, "exercise")),
			           c->exercise) != 0)
				continue;
			score += json_number_value(json_object_get(t, "score"));
			max += json_number_value(json_object_get(t, "max_score"));
		}
		bool ok = key[5] == '<'                        ? score <= atof(want)
		          : strcmp(want, "full") == 0          ? score == max
		          : strcmp(want, "under-half") == 0    ? score < max / 2
		          : strcmp(want, "partial") == 0       ? score > 0 && score < max
		          : strcmp(want, "at-most-tenth") == 0 ? score <= max / 10
		                                               : false;
		ck_assert_msg(ok, "%s: expected score=%s, got %g/%g\n%s", c->path, want, score, max,
		              log);
		return;
	}
	if (strcmp(key, "also") == 0) {
		const char *got = check_verdict(root, want, NULL);
		ck_assert_msg(strcmp(got, "passed") == 0,
		              "%s: %s, graded in the same run from its reference, %s\n%s", c->path,
		              want, got, log);
		return;
	}
	const char *got = check_verdict(root, c->exercise, key);
	ck_assert_msg(strcmp(got, want) == 0, "%s: expected %s=%s, got %s\n%s", c->path, key, want,
	              got, log);
}

static void check_output(const struct grading_case *c, json_t *root, const char *needle,
                         const char *log)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(root, "tests"), i, t)
	{
		const char *out = json_string_value(json_object_get(t, "output"));
		if (out && strstr(out, needle))
			return;
	}
	ck_abort_msg("%s: no test output says \"%s\"\n%s", c->path, needle, log);
}

/* Every failure ends with where to read about it. */
static void check_readme_pointers(const struct grading_case *c, json_t *root, const char *log)
{
	char want[128];
	snprintf(want, sizeof want, "see exercises/%s/README.md", c->exercise);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(root, "tests"), i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "exercise")), c->exercise) != 0)
			continue;
		const char *out = json_string_value(json_object_get(t, "output"));
		const char *status = json_string_value(json_object_get(t, "status"));
		if (strcmp(status, "passed") == 0)
			continue;
		const char *last = out + strlen(out);
		while (last > out && last[-1] == '\n')
			last--;
		while (last > out && last[-1] != '\n')
			last--;
		ck_assert_msg(strncmp(last, want, strlen(want)) == 0,
		              "%s: the failure of \"%s\" does not end with \"%s\"\n%s", c->path,
		              json_string_value(json_object_get(t, "name")), want, log);
	}
}

START_TEST(grade_case)
{
	const struct grading_case *c = &cases[_i];
	static char log[1 << 16];
	ck_assert_msg(strstr(c->expect, "expect:") != NULL, "%s has no expect: line", c->path);
	ck_assert_msg(strcmp(c->exercise, "none") != 0,
	              "%s: an integrity case needs an exercise=E claim", c->path);
	double start = monotonic_now();
	for (int run = 0; run < c->runs; run++) {
		json_t *root = grade(c, log, sizeof log);
		char claims[512];
		snprintf(claims, sizeof claims, "%s", c->expect);
		char *save = NULL;
		for (char *line = strtok_r(claims, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "expect-output:", 14) == 0) {
				char *needle = line + 14;
				while (*needle == ' ')
					needle++;
				needle[strcspn(needle, "\n")] = '\0';
				for (size_t n = strlen(needle); n && needle[n - 1] == ' '; n--)
					needle[n - 1] = '\0';
				check_output(c, root, needle, log);
				continue;
			}
			char *rest = line + strlen("expect:");
			for (char *claim = strtok(rest, " "); claim; claim = strtok(NULL, " "))
				check_claim(c, root, claim, log);
		}
		check_readme_pointers(c, root, log);
		json_decref(root);
	}
	printf("ok %s (%d run%s, %.1f s)\n", c->path, c->runs, c->runs == 1 ? "" : "s",
	       monotonic_now() - start);
	fflush(stdout);
}
END_TEST

/* Grades every exercise of src in the shared work folder; the results. */
static json_t *grade_all_shared(const char *src, char *log, size_t loglen)
{
	char work[300], json[300];
	snprintf(work, sizeof work, "%s/work", shared_work);
	snprintf(json, sizeof json, "%s/all.json", shared_work);
	char *argv[16 + COURSE_MAX] = {"build/grader/grader",
	                               "--root",
	                               ".",
	                               "--src",
	                               (char *)src,
	                               "--json",
	                               json,
	                               "--work",
	                               work};
	int n = 9;
	for (int i = 0; i < course_count; i++)
		argv[n++] = (char *)course[i];
	argv[n] = NULL;
	return run_grader(argv, 1800, json, src, log, loglen);
}

/* Cross-talk: after every integrity case was graded in one work folder,
 * the references there still earn full marks and the stubs under half. */
START_TEST(references_unchanged_after_attacks)
{
	static char log[1 << 16];
	static const char *const srcs[] = {"solutions", "exercises"};
	for (int s = 0; s < 2; s++) {
		json_t *root = grade_all_shared(srcs[s], log, sizeof log);
		for (int i = 0; i < course_count; i++) {
			struct grading_case c = {.runs = 1};
			snprintf(c.exercise, sizeof c.exercise, "%s", course[i]);
			snprintf(c.path, sizeof c.path, "%s/%s (after the integrity cases)",
			         srcs[s], course[i]);
			check_claim(&c, root, s == 0 ? "score=full" : "score=under-half", log);
			check_readme_pointers(&c, root, log);
		}
		json_decref(root);
	}
	printf("ok references and stubs after the integrity cases\n");
}
END_TEST

/* Runs one test of the corpus (case k of a loop test) in Check, quietly;
 * prints its failures.  Returns how many failed (0 or 1). */
static int run_check(const TTest *test, int k)
{
	Suite *s = suite_create("corpus");
	TCase *tc = tcase_create("grading");
	tcase_set_timeout(tc, 1800);
	tcase_add_loop_test(tc, test, k, k + 1);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	TestResult **r = srunner_failures(sr);
	for (int i = 0; i < failed; i++)
		printf("FAIL %s:%d: %s\n", tr_lfile(r[i]), tr_lno(r[i]), tr_msg(r[i]));
	fflush(stdout);
	free(r);
	srunner_free(sr);
	return failed;
}

/* What the shards of a phase share: its cases (indices into cases[]), the
 * next one to grade, and the counts. */
struct phase {
	int order[MAX_CASES], count;
	atomic_int next, failed, graded;
};

/* One shard: grades the phase's next case until none is left. */
static void run_shard(struct phase *ph)
{
	for (int k; (k = atomic_fetch_add(&ph->next, 1)) < ph->count;) {
		atomic_fetch_add(&ph->failed, run_check(grade_case, ph->order[k]));
		atomic_fetch_add(&ph->graded, 1);
	}
}

/* Grades the phase's cases in nshards processes at once (this one among
 * them); false if a shard died. */
static bool run_shards(int nshards, struct phase *ph)
{
	pid_t pids[16];
	int started = 0;
	for (; started < nshards - 1 && started < 16; started++) {
		pids[started] = fork();
		if (pids[started] < 0)
			break;
		if (pids[started] == 0) {
			run_shard(ph);
			_exit(0);
		}
	}
	run_shard(ph);
	bool clean = true;
	for (int i = 0; i < started; i++) {
		int status;
		clean &= waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
		         WEXITSTATUS(status) == 0;
	}
	return clean;
}

/* Whether grading the case runs timing checks: every check when a claim is
 * about the score, else those its claims name. */
static bool runs_timing(const struct grading_case *c)
{
	char checks[128];
	return !claimed_checks(c->expect, checks, sizeof checks) || strstr(checks, "timing");
}

/* The cases of one phase: those that run timing checks (and the integrity
 * cases, which share one work folder, so one grading at a time), or the
 * others. */
static void fill_phase(struct phase *ph, bool timing)
{
	ph->count = 0;
	atomic_store(&ph->next, 0);
	atomic_store(&ph->failed, 0);
	atomic_store(&ph->graded, 0);
	for (int i = 0; i < ncases; i++)
		if ((runs_timing(&cases[i]) || cases[i].shared_work) == timing)
			ph->order[ph->count++] = i;
}

/* Keeps the cases that `corpus_test E...` names (an exercise or part of a
 * path); whether the integrity cases are among them. */
static bool keep_named(int argc, char **argv)
{
	bool integrity = argc == 0;
	if (argc == 0)
		return integrity;
	int kept = 0;
	for (int i = 0; i < ncases; i++)
		for (int a = 0; a < argc; a++)
			if (strcmp(cases[i].exercise, argv[a]) == 0 ||
			    strstr(cases[i].path, argv[a])) {
				cases[kept++] = cases[i];
				break;
			}
	ncases = kept;
	for (int a = 0; a < argc; a++)
		integrity |= strcmp(argv[a], "integrity") == 0;
	return integrity;
}

int main(int argc, char **argv)
{
	int nshards = pool_cpus() < 2 ? 1 : 2;
	if (argc > 2 && strcmp(argv[1], "-j") == 0) {
		nshards = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
		argc -= 2;
		argv += 2;
	}
	run_init();
	if (course_load(".") != 0)
		return 1;
	find_cases();
	if (!mkdtemp(shared_work)) {
		perror("corpus_test: mkdtemp");
		return 1;
	}
	chmod(shared_work, 0755); /* the grader runs submissions as nobody */
	bool integrity = keep_named(argc - 1, argv + 1);
	/* The stubs are graded once, all together, by references_unchanged_after_attacks
	 * (score and README pointers alike): not twice. */
	if (integrity) {
		int kept = 0;
		for (int i = 0; i < ncases; i++)
			if (strncmp(cases[i].path, "exercises/", 10) != 0)
				cases[kept++] = cases[i];
		ncases = kept;
	}
	double start = monotonic_now();
	struct phase *ph =
	    mmap(NULL, sizeof *ph, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ph == MAP_FAILED) {
		perror("corpus_test: mmap");
		return 1;
	}
	/* Gradings without timing checks in shards; those with, one at a time:
	 * a timing check waits for every other grading's running jobs
	 * (machine.h), hanging ones included, so sharding them gains nothing. */
	fill_phase(ph, false);
	printf("corpus: %d cases without timing checks, %d shards\n", ph->count, nshards);
	fflush(stdout);
	bool shards_ok = run_shards(nshards, ph);
	int failed = atomic_load(&ph->failed), graded = atomic_load(&ph->graded);
	fill_phase(ph, true);
	printf("corpus: %d cases with timing checks, one at a time\n", ph->count);
	fflush(stdout);
	shards_ok &= run_shards(1, ph);
	failed += atomic_load(&ph->failed);
	graded += atomic_load(&ph->graded);
	/* After every integrity case, which may have left something behind. */
	if (integrity)
		failed += run_check(references_unchanged_after_attacks, 0);
	char *remove[] = {"rm", "-rf", shared_work, NULL}, *ignored = NULL;
	run_tool(remove, 60, &ignored);
	free(ignored);
	printf("corpus: %d of %d cases graded, %d failed%s (%.0f s)\n", graded, ncases, failed,
	       integrity ? "; references and stubs after the integrity cases" : "",
	       monotonic_now() - start);
	if (ncases == 0)
		fprintf(stderr, "corpus_test: no case ran\n");
	return shards_ok && graded == ncases && ncases > 0 && failed == 0 ? 0 : 1;
}
