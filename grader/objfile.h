/*
 * objfile.h -- the sections, symbols and relocations of a relocatable ELF
 * object (the student's compiled file), read directly from the file.
 *
 * The integrity checks judge the object itself rather than a tool's text
 * output, so that no section or symbol name (with spaces, say) can be
 * misread.
 */
#ifndef GRADER_OBJFILE_H
#define GRADER_OBJFILE_H

#include <stdbool.h>
#include <stddef.h>

struct obj_section {
	const char *name;
	unsigned type;  /* SHT_* */
	unsigned info;  /* for a relocation section: the section it applies to */
	unsigned flags; /* SHF_* (low 32 bits) */
};

struct obj_symbol {
	const char *name;
	unsigned char bind;  /* STB_* */
	unsigned char type;  /* STT_* */
	unsigned shndx;      /* SHN_UNDEF, SHN_COMMON, or a section index */
	const char *section; /* the name of that section, or "" */
};

struct obj_reloc {
	unsigned long long offset;
	const char *target; /* the symbol's name, or its section's name */
};

struct objfile {
	char *data;
	size_t size;
	struct obj_section *sections;
	size_t nsections;
	struct obj_symbol *symbols;
	size_t nsymbols;
	const void *symtab; /* internal */
	size_t symtab_link;
};

/* Reads path; false (and err filled) if it is not a 64-bit relocatable ELF. */
bool objfile_read(const char *path, struct objfile *o, char *err, size_t errlen);
void objfile_free(struct objfile *o);

/* The relocations that apply to section index s; returns how many were
 * stored in out (at most max). */
size_t objfile_relocs(const struct objfile *o, size_t s, struct obj_reloc *out, size_t max);

#endif
