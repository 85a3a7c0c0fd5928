/*
 * integrity_object.c -- each build's object: only ordinary sections (no
 * .init_array, .ctors ...), no weak, common, ifunc or unique symbols, no
 * definition of a name that belongs to the C library or the harness, and
 * references only to what the exercise's rubric allows, plus what the
 * compiler itself emits for that build (see integrity.c).
 */
#include "integrity_parts.h"

#include "objfile.h"
#include "rules.h"
#include "run.h"
#include "util.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names a submission may not define as globals: the harness's, the test
 * framework's and the tools', and (see libc_defines) the C library's.
 * Every global beyond the header's functions is made local before linking
 * anyway; this says so early, and names the clash. */
static const char *const reserved_definitions[] = {
    "_*", "harness_*", "main", "suite_*", "srunner_*", "tcase_*", "tr_*", "ck_*", NULL,
};

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the C library exports the name (`nm -D` of the libc.so.6 the
 * compiler links with); read once per grader. */
static bool libc_defines(const char *name)
{
	static char **names;
	static size_t count;
	static bool read;
	if (!read) {
		read = true;
		char *argv[] = {"gcc", "-print-file-name=libc.so.6", NULL};
		char *path = NULL, *list = NULL;
		if (run_tool(argv, 30, &path) == 0 && path) {
			path[strcspn(path, "\n")] = '\0';
			char *nm[] = {"nm", "-D", "--defined-only", path, NULL};
			if (run_tool(nm, 30, &list) != 0) {
				free(list);
				list = NULL;
			}
		}
		size_t cap = 0;
		for (char *line = list ? strtok(list, "\n") : NULL; line;
		     line = strtok(NULL, "\n")) {
			char symbol[256];
			if (sscanf(line, "%*s %*s %255[^@ ]", symbol) != 1)
				continue;
			if (count == cap) {
				cap = cap ? 2 * cap : 4096;
				names = xrealloc(names, cap, sizeof *names);
			}
			names[count++] = xstrdup(symbol);
		}
		if (names)
			qsort(names, count, sizeof *names, compare_names);
		free(list);
		free(path);
	}
	return count && bsearch(&name, names, count, sizeof *names, compare_names);
}

/* What the compiler itself references in every build: stack protector,
 * libgcc's helpers for 128-bit arithmetic and bit counts, the GOT. */
static const char *const compiler_references[] = {
    "__stack_chk_fail", "_GLOBAL_OFFSET_TABLE_", "__udiv[st]i3", "__div[st]i3",  "__umod[st]i3",
    "__mod[st]i3",      "__popcount[sdt]i2",     "__clz[sdt]i2", "__ctz[sdt]i2", "__ffs[sdt]i2",
    "__parity[sdt]i2",  "__bswap[sd]i2",         NULL,
};

/* What clang -fsanitize=thread emits around the student's code: function
 * entry and exit, every access, every atomic, the module constructor. */
static const char *const tsan_references[] = {
    "__tsan_func_entry",
    "__tsan_func_exit",
    "__tsan_init",
    "__tsan_read[0-9]*",
    "__tsan_write[0-9]*",
    "__tsan_unaligned_*",
    "__tsan_read_range",
    "__tsan_write_range",
    "__tsan_atomic*",
    "__tsan_memcpy",
    "__tsan_memset",
    "__tsan_memmove",
    NULL,
};

/* Sections an object of an ordinary C file has. */
static const char *const allowed_sections[] = {
    "",
    ".text",
    ".text.unlikely",
    ".text.hot",
    ".text.startup",
    ".data",
    ".data.rel*",
    ".bss",
    ".rodata",
    ".rodata.*",
    ".tdata",
    ".tbss",
    ".comment",
    ".note.GNU-stack",
    ".note.gnu.property",
    ".eh_frame",
    ".debug_*",
    ".symtab",
    ".strtab",
    ".shstrtab",
    ".group",
    ".llvm_addrsig",
    NULL,
};

/* The module constructor ThreadSanitizer adds (it calls __tsan_init). */
static const char *const tsan_sections[] = {".text.tsan.module_ctor", ".init_array*", NULL};

/* Why the commonest refused calls are refused, and what to do instead. */
struct refusal {
	const char *pattern, *why;
};
static const struct refusal refusals[] = {
    {"harness_*", "that is the harness's own code: results come only from what it observes"},
    {"srunner_*", "that is the test framework's own code"},
    {"*getenv", "the environment belongs to the grader"},
    {"*env", "the environment belongs to the grader"},
    {"*environ", "the environment belongs to the grader"},
    {"fork", "this exercise starts no processes"},
    {"vfork", "this exercise starts no processes"},
    {"clone*", "this exercise starts no processes"},
    {"setsid", "a submission may not leave the grader's process group"},
    {"setpgid", "a submission may not leave the grader's process group"},
    {"*sleep", "this exercise needs no waiting: see its README for what to do instead"},
    {"exec*", "a submission may not start other programs"},
    {"posix_spawn*", "a submission may not start other programs"},
    {"fexecve", "a submission may not start other programs"},
    {"system", "a submission may not start other programs"},
    {"popen", "a submission may not start other programs"},
    {"syscall", "raw system calls bypass every check; call the C library's function"},
    {"dl*", "a submission may not load or look up code at run time"},
    {"open*", "a submission may not open files by name"},
    {"fopen*", "a submission may not open files by name"},
    {"unlink*", "a submission may not touch files by name"},
    {"symlink*", "a submission may not touch files by name"},
    {"mkfifo*", "a submission may not create files"},
    {"mknod*", "a submission may not create files"},
    {"process_vm_*", "a submission may not read or write other processes"},
    {"ptrace", "a submission may not read or write other processes"},
    {"kill", "a submission may not signal other processes"},
    {"__tsan*", "ThreadSanitizer's functions belong to the tool"},
    {"__sanitizer*", "the sanitizers' functions belong to the tools"},
    {"mtx_*", "use the locks the exercise asks for"},
    {"cnd_*", "use the condition variables the exercise asks for"},
    {NULL, NULL},
};

/* "__printf_chk" is printf, "__isoc99_sscanf" sscanf: the same function,
 * reached through the C library's fortified or versioned name. */
static void plain_name(const char *name, char *out, size_t len)
{
	size_t n = strlen(name);
	if (strncmp(name, "__", 2) == 0 && n > 6 && strcmp(name + n - 4, "_chk") == 0)
		snprintf(out, len, "%.*s", (int)(n - 6), name + 2);
	else if (strncmp(name, "__isoc99_", 9) == 0 || strncmp(name, "__isoc23_", 9) == 0)
		snprintf(out, len, "%s", name + 9);
	else
		snprintf(out, len, "%s", name);
}

static const char *refusal_reason(const char *name)
{
	for (const struct refusal *r = refusals; r->pattern; r++) {
		const char *const one[] = {r->pattern, NULL};
		if (symbol_matches(one, name))
			return r->why;
	}
	return "this exercise does not need it";
}

/* The line of the student's file that references a symbol: the first
 * relocation to it in code, through addr2line. */
static int line_of_reference(const struct objfile *o, const char *object, const char *name)
{
	for (size_t s = 0; s < o->nsections; s++) {
		if (!(o->sections[s].flags & SHF_EXECINSTR))
			continue;
		struct obj_reloc r[4096];
		size_t n = objfile_relocs(o, s, r, sizeof r / sizeof r[0]);
		for (size_t k = 0; k < n; k++) {
			if (strcmp(r[k].target, name) != 0)
				continue;
			char address[32];
			snprintf(address, sizeof address, "%#llx", r[k].offset);
			char *argv[] = {
			    "addr2line", "-e", (char *)object, "-j", (char *)o->sections[s].name,
			    address,     NULL};
			char *where = NULL;
			run_tool(argv, 20, &where);
			const char *colon = where ? strrchr(where, ':') : NULL;
			int line = colon ? atoi(colon + 1) : 0;
			free(where);
			return line;
		}
	}
	return 0;
}

static bool reference_allowed(const struct integrity_input *in, enum variant v, const char *name)
{
	char plain[256];
	plain_name(name, plain, sizeof plain);
	return symbol_matches(in->allow, plain) || symbol_matches(compiler_references, name) ||
	       (v == VARIANT_TSAN && symbol_matches(tsan_references, name));
}

/* One refused reference: where, and why (see reference_note for the rest). */
static bool check_reference(const struct integrity_input *in, const struct integrity_variant *v,
                            const struct objfile *o, const struct obj_symbol *s, struct text *why)
{
	if (reference_allowed(in, v->variant, s->name))
		return true;
	int line = line_of_reference(o, v->object, s->name);
	if (line > 0)
		text_printf(why, "%s:%d", in->shown_path, line);
	else
		text_printf(why, "%s", in->shown_path);
	text_printf(why, " uses %s (in the %s build): %s\n", s->name, variant_name(v->variant),
	            refusal_reason(s->name));
	return false;
}

/* Said once after the refused references of a build. */
static void reference_note(const struct integrity_input *in, struct text *why)
{
	text_printf(why,
	            "  An answer may use only the functions its exercise needs: the list is "
	            "\"allow\" in harness/%s/rubric.json. The README says what to use.\n",
	            in->exercise);
}

/* Weak, common, unique and ifunc symbols, and definitions of names that
 * belong to others. */
static bool check_symbol(const struct integrity_input *in, const struct integrity_variant *v,
                         const struct obj_symbol *s, struct text *why)
{
	const char *kind = NULL;
	if (s->type == STT_GNU_IFUNC)
		kind = "an ifunc";
	else if (s->bind == STB_WEAK)
		kind = s->shndx == SHN_UNDEF ? "a weak reference" : "a weak symbol";
	else if (s->bind == STB_GNU_UNIQUE)
		kind = "a unique global";
	else if (s->shndx == SHN_COMMON)
		kind = "a common symbol";
	if (kind) {
		text_printf(
		    why,
		    "%s: %s is %s (in the %s build): weak, common, unique and ifunc symbols "
		    "can replace, intercept or detect other code; use ordinary calls, "
		    "functions and static variables\n",
		    in->shown_path, s->name, kind, variant_name(v->variant));
		return false;
	}
	bool defined_global = s->bind == STB_GLOBAL && s->shndx != SHN_UNDEF;
	if (defined_global && !symbol_matches(in->api, s->name) &&
	    (symbol_matches(reserved_definitions, s->name) || libc_defines(s->name))) {
		text_printf(why,
		            "%s defines %s: that name belongs to the C library, the harness or the "
		            "tools; rename it or make it static\n",
		            in->shown_path, s->name);
		return false;
	}
	return true;
}

/* Every global reference: recorded for the rules check, and judged. */
static bool check_references(const struct integrity_input *in, const struct integrity_variant *v,
                             const struct objfile *o, struct text *why)
{
	FILE *calls = v->calls_file ? fopen(v->calls_file, "a") : NULL;
	bool ok = true;
	for (size_t i = 1; i < o->nsymbols; i++) {
		const struct obj_symbol *s = &o->symbols[i];
		if (s->shndx != SHN_UNDEF || s->bind == STB_LOCAL || !*s->name)
			continue;
		if (calls)
			fprintf(calls, "%s\n", s->name);
		if (!check_reference(in, v, o, s, why))
			ok = false;
	}
	if (calls)
		fclose(calls);
	if (!ok)
		reference_note(in, why);
	return ok;
}

/* Whether every relocation of section i targets one of the names. */
static bool relocs_only_to(const struct objfile *o, size_t i, const char *a, const char *b)
{
	struct obj_reloc r[64];
	size_t n = objfile_relocs(o, i, r, 64);
	for (size_t k = 0; k < n; k++)
		if (strcmp(r[k].target, a) != 0 && strcmp(r[k].target, b) != 0)
			return false;
	return n < 64;
}

/* ThreadSanitizer's module constructor: its array points only at it, and
 * it calls only __tsan_init. */
static bool tsan_constructor(const struct objfile *o, size_t i)
{
	const struct obj_section *sec = &o->sections[i];
	if (sec->type == SHT_INIT_ARRAY)
		return relocs_only_to(o, i, ".text.tsan.module_ctor", "tsan.module_ctor");
	return sec->type == SHT_PROGBITS && relocs_only_to(o, i, "__tsan_init", "__tsan_init");
}

static bool section_allowed(const struct objfile *o, size_t i, enum variant v)
{
	const struct obj_section *sec = &o->sections[i];
	if (sec->type == SHT_RELA || sec->type == SHT_REL)
		return sec->info < o->nsections && section_allowed(o, sec->info, v);
	if (v == VARIANT_TSAN && symbol_matches(tsan_sections, sec->name))
		return tsan_constructor(o, i);
	bool loader_array = sec->type == SHT_INIT_ARRAY || sec->type == SHT_FINI_ARRAY ||
	                    sec->type == SHT_PREINIT_ARRAY;
	return !loader_array && symbol_matches(allowed_sections, sec->name);
}

bool integrity_check_object(const struct integrity_input *in, const struct integrity_variant *v,
                            struct text *why)
{
	struct objfile o;
	char err[200];
	if (!objfile_read(v->object, &o, err, sizeof err)) {
		text_printf(why, "grader: cannot read the object %s: %s\n", v->object, err);
		objfile_free(&o);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < o.nsections; i++) {
		if (section_allowed(&o, i, v->variant))
			continue;
		ok = false;
		if (o.sections[i].type == SHT_RELA || o.sections[i].type == SHT_REL)
			continue; /* its section is reported */
		text_printf(why,
		            "%s: the %s build has a section '%s': constructors, destructors and "
		            "code or data placed in sections of your choosing run outside the "
		            "tests; remove the section or constructor attribute\n",
		            in->shown_path, variant_name(v->variant), o.sections[i].name);
	}
	for (size_t i = 1; i < o.nsymbols; i++)
		if (!check_symbol(in, v, &o.symbols[i], why))
			ok = false;
	if (!check_references(in, v, &o, why))
		ok = false;
	objfile_free(&o);
	return ok;
}
