/*
 * unit_integrity.c -- unit tests of the integrity checks' pieces: the scan
 * of the file as written, the ELF reader and the header's API.
 *
 * The corpus (tests/corpus/integrity) proves each attack is refused end to
 * end; these pin down the spellings a corpus file cannot all hold (every
 * way to write a line marker) and that ordinary code is not refused.
 */
#include "integrity.h"
#include "objfile.h"
#include "run.h"
#include "srcscan.h"
#include "text.h"

#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_temp(const char *content, const char *suffix)
{
	char *path = text_format("/tmp/unit-integrity-XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

/* Scans text as a student's file; returns whether it passed, and the
 * explanation in why (to free). */
static bool scan(const char *text, char **why)
{
	char *path = write_temp(text, ".c");
	struct text out = {0};
	static const char *const differing[] = {"M_PIf128", NULL};
	bool ok = srcscan_check(path, "E.c", differing, &out);
	text_add(&out, "");
	*why = text_take(&out);
	unlink(path);
	free(path);
	return ok;
}

START_TEST(every_spelling_of_a_line_marker_is_refused)
{
	static const char *const markers[] = {
	    "#line 1 \"/usr/include/stdio.h\"\n",
	    "# 1 \"/usr/include/stdio.h\" 3\n",
	    "  #  7\n",
	    "?\?=line 1 \"/usr/include/stdio.h\"\n",
	    "%:line 1 \"/usr/include/stdio.h\"\n",
	    "#\\\nline 1 \"x.h\"\n",
	    "#li\\\nne 1 \"x.h\"\n",
	    "/* a comment\n */ # 3 \"x.h\"\n",
	    "?\?/\n#line 4\n",
	};
	for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		char *why;
		char text[256];
		snprintf(text, sizeof text, "int x;\n%s", markers[i]);
		ck_assert_msg(!scan(text, &why), "not refused: %s", markers[i]);
		ck_assert_msg(strstr(why, "line marker") != NULL, "%s", why);
		free(why);
	}
}
END_TEST

START_TEST(ordinary_code_passes_the_scan)
{
	char *why;
	const char *text = "#include <stdatomic.h>\n"
	                   "#define _GNU_SOURCE_TOO 0 /* #line 3 in a comment */\n"
	                   "// # 1 \"x.h\" in a line comment\n"
	                   "static const char *s = \"#line __clang__ \\\" __tsan_init\";\n"
	                   "static _Atomic long b = 0x1f;\n"
	                   "_Noreturn void die(void) { _exit(1); }\n"
	                   "long f(void) { return __atomic_load_n(&b, __ATOMIC_SEQ_CST) + "
	                   "sysconf(_SC_NPROCESSORS_ONLN) + (long)__func__[0]; }\n"
	                   "int g(int x) { return __builtin_expect(x, 0); }\n";
	bool ok = scan(text, &why);
	/* _GNU_SOURCE_TOO is reserved, and refused; nothing else is. */
	ck_assert(!ok);
	ck_assert_msg(strstr(why, "_GNU_SOURCE_TOO") != NULL, "%s", why);
	ck_assert_msg(strstr(why, "E.c:2 ") != NULL && !strstr(why, "E.c:4") &&
	                  !strstr(why, "E.c:5") && !strstr(why, "E.c:7"),
	              "%s", why);
	free(why);
}
END_TEST

START_TEST(names_that_tell_the_builds_apart_are_refused)
{
	static const char *const names[] = {"__clang__",
	                                    "__OPTIMIZE__",
	                                    "__SANITIZE_THREAD__",
	                                    "__has_feature",
	                                    "__GNUC__",
	                                    "__glibc_clang_prereq",
	                                    "__builtin_constant_p",
	                                    "__tsan_init",
	                                    "__asm__",
	                                    "__environ"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		ck_assert_msg(!srcscan_identifier_allowed(names[i]) ||
		                  srcscan_names_a_tool(names[i]),
		              "%s allowed", names[i]);
	char *why;
	ck_assert(!scan("double x = M_PIf128;\n", &why));
	ck_assert_msg(strstr(why, "E.c:1 uses 'M_PIf128': the grader's compilers") != NULL, "%s",
	              why);
	free(why);
	ck_assert(srcscan_names_a_tool("RUNNING_ON_VALGRIND"));
	ck_assert(srcscan_names_a_tool("__sanitizer_print_stack_trace"));
	ck_assert(srcscan_identifier_allowed("atomic_fetch_add"));
	ck_assert(srcscan_identifier_allowed("_Thread_local"));
	ck_assert(srcscan_identifier_allowed("__atomic_compare_exchange_n"));
}
END_TEST

/* Compiles text with gcc -c; returns the object's path (to free). */
static char *compile(const char *text)
{
	char *src = write_temp(text, ".c");
	char *obj = text_format("%s.o", src);
	char *argv[] = {"gcc", "-std=c11", "-c", src, "-o", obj, NULL};
	char *out = NULL;
	ck_assert_msg(run_tool(argv, 60, &out) == 0, "gcc: %s", out);
	free(out);
	unlink(src);
	free(src);
	return obj;
}

START_TEST(the_object_reader_sees_constructors_and_weak_symbols)
{
	char *obj = compile("extern int getenv_like(void) __attribute__((weak));\n"
	                    "__attribute__((constructor)) static void early(void) {}\n"
	                    "int api(void) { return getenv_like ? getenv_like() : 0; }\n");
	struct objfile o;
	char err[200];
	ck_assert_msg(objfile_read(obj, &o, err, sizeof err), "%s", err);
	bool init_array = false, weak_ref = false, api = false;
	for (size_t i = 0; i < o.nsections; i++)
		init_array |= o.sections[i].type == SHT_INIT_ARRAY;
	for (size_t i = 0; i < o.nsymbols; i++) {
		const struct obj_symbol *s = &o.symbols[i];
		weak_ref |= strcmp(s->name, "getenv_like") == 0 && s->bind == STB_WEAK &&
		            s->shndx == SHN_UNDEF;
		api |= strcmp(s->name, "api") == 0 && s->bind == STB_GLOBAL &&
		       strcmp(s->section, ".text") == 0;
	}
	ck_assert(init_array);
	ck_assert(weak_ref);
	ck_assert(api);
	objfile_free(&o);
	unlink(obj);
	free(obj);

	char *junk = write_temp("not an object", ".o");
	ck_assert(!objfile_read(junk, &o, err, sizeof err));
	objfile_free(&o);
	unlink(junk);
	free(junk);
}
END_TEST

START_TEST(the_api_is_read_from_the_header)
{
	char *header = write_temp("#include <stddef.h>\n"
	                          "typedef struct q { int x; } q_t;\n"
	                          "int q_init(q_t *q,\n           size_t n); /* two lines */\n"
	                          "void (*q_handler(int sig))(int);\n"
	                          "unsigned q_size(q_t *q);\n",
	                          ".h");
	char *aux = write_temp("", ".aux");
	char **names = integrity_api_names(header, aux);
	ck_assert_ptr_nonnull(names);
	ck_assert_str_eq(names[0], "q_init");
	ck_assert_str_eq(names[1], "q_handler");
	ck_assert_str_eq(names[2], "q_size");
	ck_assert_ptr_null(names[3]);
	integrity_free_names(names);
	unlink(aux);
	unlink(header);
	free(aux);
	free(header);
}
END_TEST

int main(void)
{
	run_init();
	Suite *s = suite_create("integrity");
	TCase *tc = tcase_create("pieces");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_spelling_of_a_line_marker_is_refused);
	tcase_add_test(tc, ordinary_code_passes_the_scan);
	tcase_add_test(tc, names_that_tell_the_builds_apart_are_refused);
	tcase_add_test(tc, the_object_reader_sees_constructors_and_weak_symbols);
	tcase_add_test(tc, the_api_is_read_from_the_header);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
