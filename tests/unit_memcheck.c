/*
 * unit_memcheck.c -- the memcheck check's reading of real Valgrind output.
 *
 * Small programs are compiled here, a "harness" (harness.c) calling a
 * "student" file (student.c), and run under valgrind --tool=memcheck with
 * the grader's own Memcheck options.  The harness always leaks a block and
 * leaves a pipe open of its own: those must never be blamed on the student,
 * while each bug in the student's file must be, with its sentence and line.
 */
#include "memcheck.h"
#include "rubric.h"
#include "runlogs.h"
#include "text.h"
#include "util.h"

#include "expect.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Line numbers matter: the assertions name them. */
static const char student_source[] =
    "#include <stdlib.h>\n"                                         /* 1 */
    "#include <unistd.h>\n"                                         /* 2 */
    "void student_leak(void) { char *p = malloc(40); p[0] = 1; }\n" /* 3 */
    "int student_invalid(void) {\n"                                 /* 4 */
    "\tint *p = malloc(4 * sizeof *p), v = p[4];\n"                 /* 5 */
    "\tfree(p);\n"                                                  /* 6 */
    "\treturn v;\n"                                                 /* 7 */
    "}\n"                                                           /* 8 */
    "int student_uninit(void) {\n"                                  /* 9 */
    "\tint *p = malloc(sizeof *p), r = *p > 3;\n"                   /* 10 */
    "\tif (r)\n"                                                    /* 11 */
    "\t\tr = 2;\n"                                                  /* 12 */
    "\tfree(p);\n"                                                  /* 13 */
    "\treturn r;\n"                                                 /* 14 */
    "}\n"                                                           /* 15 */
    "void student_fd(void) { int fds[2]; (void)!pipe(fds); }\n"     /* 16 */
    "void student_clean(void) {\n"                                  /* 17 */
    "\tint fds[2];\n"                                               /* 18 */
    "\tif (pipe(fds) == 0) { close(fds[0]); close(fds[1]); }\n"     /* 19 */
    "\tfree(malloc(8));\n"                                          /* 20 */
    "}\n";                                                          /* 21 */

/* Leaks a block and a pipe of its own, then runs one case. */
static const char harness_source[] =
    "#include <stdlib.h>\n"
    "#include <string.h>\n"
    "#include <sys/wait.h>\n"
    "#include <unistd.h>\n"
    "void student_leak(void); int student_invalid(void); int student_uninit(void);\n"
    "void student_fd(void); void student_clean(void);\n"
    "static char *kept;\n"
    "int main(int argc, char **argv) {\n"
    "\tchar *lost = malloc(100);\n"
    "\tmemset(lost, 0, 100);\n"
    "\tlost = NULL;\n"
    "\tkept = malloc(10);\n"
    "\tint fds[2];\n"
    "\tif (argc != 2 || pipe(fds) != 0) return 1;\n"
    "\tconst char *c = argv[1];\n"
    "\tif (!strcmp(c, \"leak\")) student_leak();\n"
    "\tif (!strcmp(c, \"invalid\")) student_invalid();\n"
    "\tif (!strcmp(c, \"uninit\")) student_uninit();\n"
    "\tif (!strcmp(c, \"fd\")) student_fd();\n"
    "\tif (!strcmp(c, \"clean\")) student_clean();\n"
    "\tif (!strcmp(c, \"worker\")) {\n"
    "\t\tpid_t pid = fork();\n"
    "\t\tif (pid == 0) { student_fd(); student_leak(); _exit(0); }\n"
    "\t\twaitpid(pid, NULL, 0);\n"
    "\t}\n"
    "\t_exit(0);\n"
    "}\n";

static char dir[] = "/tmp/unit-memcheck-XXXXXX";
static char *student, *program;

static bool write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");
	bool written = f && fputs(content, f) >= 0;
	return f && fclose(f) == 0 && written;
}

/* Before any test runs (no ck_assert here): the programs every test runs. */
static bool build_programs(void)
{
	if (!mkdtemp(dir))
		return false;
	student = path_join(dir, "student.c");
	program = path_join(dir, "program");
	char *harness = path_join(dir, "harness.c");
	char *cc = text_format("gcc -g -O0 -o %s %s %s", program, harness, student);
	bool built = write_file(student, student_source) && write_file(harness, harness_source) &&
	             system(cc) == 0;
	free(cc);
	free(harness);
	return built;
}

/* What Memcheck said of one case, run as the grader runs it. */
struct outcome {
	struct memcheck_findings found;
	char *log, *shown;
	int pid;
};

/* Runs the program on case c under Valgrind in a new folder; its
 * logs and what memcheck_explain made of them (test_failed as given). */
static struct outcome run_case(const char *c, bool test_failed)
{
	char *logs = text_format("%s/%s-XXXXXX", dir, c); /* each run's logs alone */
	ck_assert_ptr_nonnull(mkdtemp(logs));
	char *argv[24];
	size_t n = 0;
	argv[n++] = text_format("valgrind");
	argv[n++] = text_format("--tool=memcheck");
	argv[n++] = text_format("--error-exitcode=99");
	argv[n++] = text_format("--command-line-only=yes");
	argv[n++] = text_format("--fullpath-after=");
	argv[n++] = text_format("--vgdb=no");
	argv[n++] = text_format("--log-file=%s/memcheck.%%p", logs);
	n = memcheck_options(argv, n);
	argv[n++] = text_format("%s", program);
	argv[n++] = text_format("%s", c);
	argv[n] = NULL;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 127, "valgrind did not run");
	struct text notes = {0}, shown = {0};
	struct outcome o = {.pid = pid};
	o.log = runlogs_read(logs, "memcheck", (unsigned)geteuid(), &notes);
	memcheck_explain(o.log, pid, student, "student.c", test_failed, &shown, &o.found);
	o.shown = text_take(&shown);
	if (!o.shown)
		o.shown = xstrdup("");
	text_free(&notes);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(logs);
	return o;
}

static void outcome_free(struct outcome *o)
{
	free(o->log);
	free(o->shown);
}

/* Nothing of the harness's own is ever shown. */
static void expect_no_harness(const struct outcome *o)
{
	expect_hides(o->shown, "harness.c", "100 bytes", "in main()");
}

START_TEST(a_leak_in_the_student_file_is_blamed_with_its_line)
{
	struct outcome o = run_case("leak", false);
	ck_assert_int_eq(o.found.student, 1);
	ck_assert(o.found.main_summary);
	expect_shows(o.shown, "Memcheck: definitely lost 40 bytes in 1 block\n",
	             "what it means: memory allocated here was never freed",
	             "at student.c:3 in student_leak()", "malloc(40)");
	expect_no_harness(&o);
	outcome_free(&o);
}
END_TEST

START_TEST(an_invalid_read_is_blamed_with_the_block_it_missed)
{
	struct outcome o = run_case("invalid", false);
	ck_assert_int_eq(o.found.student, 1);
	expect_shows(o.shown, "Memcheck: Invalid read of size 4",
	             "what it means: the code read memory it does not own",
	             "at student.c:5 in student_invalid()",
	             "the memory is 0 bytes after a block of size 16 alloc'd");
	expect_no_harness(&o);
	outcome_free(&o);
}
END_TEST

START_TEST(an_uninitialised_value_is_blamed_where_it_is_used)
{
	struct outcome o = run_case("uninit", false);
	ck_assert_int_ge(o.found.student, 1);
	expect_shows(o.shown, "Memcheck: Conditional jump or move depends on uninitialised value",
	             "what it means: the code used a value nothing was ever stored in",
	             "at student.c:11 in student_uninit()",
	             "Uninitialised value was created by a heap allocation");
	expect_no_harness(&o);
	outcome_free(&o);
}
END_TEST

START_TEST(a_descriptor_left_open_is_blamed_where_it_was_opened)
{
	struct outcome o = run_case("fd", false);
	ck_assert_int_eq(o.found.student, 2); /* both ends of the pipe */
	expect_shows(o.shown, "left open\n", "what it means: a descriptor opened here",
	             "at student.c:16 in student_fd()");
	expect_no_harness(&o);
	outcome_free(&o);
}
END_TEST

START_TEST(the_harness_own_leaks_and_descriptors_are_not_the_student_s)
{
	struct outcome o = run_case("clean", false);
	/* The log does hold the harness's leak and pipe, and the inherited
	 * descriptors... */
	expect_shows(o.log, "100 bytes in 1 blocks are definitely lost", "Open file descriptor",
	             "<inherited from parent>");
	/* ...and none of it is the student's. */
	ck_assert_int_eq(o.found.student, 0);
	ck_assert_int_eq(o.found.others, 1);
	ck_assert(o.found.main_summary);
	ck_assert_str_eq(o.shown, "");
	outcome_free(&o);
}
END_TEST

START_TEST(a_worker_process_leaks_count_its_descriptors_do_not)
{
	struct outcome o = run_case("worker", false);
	expect_shows(o.log, "Open file descriptor"); /* the worker's pipe, at its exit */
	ck_assert_int_eq(o.found.student, 1);
	expect_shows(o.shown, "definitely lost 40 bytes", "student.c:3");
	expect_hides(o.shown, "left open");
	ck_assert(o.found.main_summary);
	outcome_free(&o);
}
END_TEST

START_TEST(after_a_failed_test_only_bad_accesses_count)
{
	struct outcome leak = run_case("leak", true), bad = run_case("invalid", true);
	ck_assert_int_eq(leak.found.student, 0);
	ck_assert_int_eq(bad.found.student, 1);
	outcome_free(&leak);
	outcome_free(&bad);
}
END_TEST

/* Lines that are not Valgrind's (no "==PID== " prefix, as a process could
 * write them) split no record; a log cut before its summary is not whole;
 * another process's summary is not the main one's. */
START_TEST(foreign_lines_and_cut_logs_do_not_pass)
{
	struct outcome o = run_case("leak", false);
	char *split =
	    text_replace_all(o.log, "\n==", "\n\n=="); /* a foreign line between any two */
	struct text shown = {0};
	struct memcheck_findings found;
	memcheck_explain(split, o.pid, student, "student.c", false, &shown, &found);
	ck_assert_int_eq(found.student, 1);
	text_free(&shown);

	char *cut = xstrdup(o.log);
	*strstr(cut, "ERROR SUMMARY") = '\0';
	memcheck_explain(cut, o.pid, student, "student.c", false, &shown, &found);
	ck_assert(!found.main_summary);
	ck_assert_int_eq(found.student, 1);
	text_free(&shown);

	memcheck_explain(o.log, o.pid + 1, student, "student.c", false, &shown, &found);
	ck_assert(!found.main_summary);
	text_free(&shown);
	free(split);
	free(cut);
	outcome_free(&o);
}
END_TEST

static char *write_rubric(const char *tests)
{
	char *path = path_join(dir, "rubric.json");
	char *json = text_format("{\"exercise\":\"x\",\"allow\":[\"free\"],\"tests\":[%s]}", tests);
	ck_assert(write_file(path, json));
	free(json);
	return path;
}

START_TEST(the_rubric_takes_memcheck_after_the_functional_tests_only)
{
	char err[512];
	struct rubric r;
	char *good = write_rubric(
	    "{\"name\":\"f\",\"check\":\"functional\",\"test\":\"t\",\"points\":2},"
	    "{\"name\":\"m\",\"check\":\"memcheck\",\"test\":\"t\",\"points\":3,\"scale\":0.1,"
	    "\"timeout\":60,\"valgrind\":[\"--child-silent-after-fork=yes\"]}");
	ck_assert_msg(rubric_load(good, &r, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(r.tests[1].check, CHECK_MEMCHECK);
	ck_assert_str_eq(check_name(r.tests[1].check), "memcheck");
	ck_assert_int_eq(r.tests[1].variant, VARIANT_DEBUG);
	ck_assert(check_weighed_by_function(CHECK_MEMCHECK));
	ck_assert_str_eq(r.tests[1].valgrind[0], "--child-silent-after-fork=yes");
	rubric_free(&r);
	free(good);

	char *early =
	    write_rubric("{\"name\":\"m\",\"check\":\"memcheck\",\"test\":\"t\",\"points\":3},"
	                 "{\"name\":\"f\",\"check\":\"functional\",\"test\":\"t\",\"points\":2}");
	ck_assert_int_eq(rubric_load(early, &r, err, sizeof err), -1);
	expect_shows(err, "\"f\" is a functional test listed after", "list every functional");
	rubric_free(&r);
	free(early);

	char *untested = write_rubric("{\"name\":\"m\",\"check\":\"memcheck\",\"points\":3}");
	ck_assert_int_eq(rubric_load(untested, &r, err, sizeof err), -1);
	expect_shows(err, "names no harness");
	rubric_free(&r);
	free(untested);
}
END_TEST

int main(void)
{
	if (!build_programs()) {
		fprintf(stderr, "unit_memcheck: cannot build the test programs in %s\n", dir);
		return EXIT_FAILURE;
	}
	Suite *s = suite_create("memcheck");
	TCase *logs = tcase_create("logs");
	tcase_set_timeout(logs, 120);
	tcase_add_test(logs, a_leak_in_the_student_file_is_blamed_with_its_line);
	tcase_add_test(logs, an_invalid_read_is_blamed_with_the_block_it_missed);
	tcase_add_test(logs, an_uninitialised_value_is_blamed_where_it_is_used);
	tcase_add_test(logs, a_descriptor_left_open_is_blamed_where_it_was_opened);
	tcase_add_test(logs, the_harness_own_leaks_and_descriptors_are_not_the_student_s);
	tcase_add_test(logs, a_worker_process_leaks_count_its_descriptors_do_not);
	tcase_add_test(logs, after_a_failed_test_only_bad_accesses_count);
	tcase_add_test(logs, foreign_lines_and_cut_logs_do_not_pass);
	suite_add_tcase(s, logs);
	TCase *rubric = tcase_create("rubric");
	tcase_add_test(rubric, the_rubric_takes_memcheck_after_the_functional_tests_only);
	suite_add_tcase(s, rubric);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char *rm = text_format("rm -rf %s", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(rm);
	free(student);
	free(program);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
