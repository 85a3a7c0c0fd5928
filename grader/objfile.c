/*
 * objfile.c -- the sections, symbols and relocations of a relocatable ELF
 * object, read directly from the file (64-bit, as the compilers produce).
 *
 * Every offset the file gives is checked against its size: the object was
 * written by a compiler that read the student's file, so it is trusted no
 * more than the file.
 */
#include "objfile.h"

#include "text.h"
#include "util.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool in_file(const struct objfile *o, unsigned long long off, unsigned long long len)
{
	return off <= o->size && len <= o->size - off;
}

/* A NUL-terminated string at off inside a string table of the file. */
static const char *string_at(const struct objfile *o, const Elf64_Shdr *table, unsigned off)
{
	if (!table || off >= table->sh_size || !in_file(o, table->sh_offset, table->sh_size))
		return "";
	const char *s = o->data + table->sh_offset + off;
	return memchr(s, '\0', table->sh_size - off) ? s : "";
}

static const Elf64_Shdr *header_of(const struct objfile *o, size_t i)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)o->data;
	return (const Elf64_Shdr *)(o->data + eh->e_shoff) + i;
}

static bool read_sections(struct objfile *o, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)o->data;
	if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(o, eh->e_shoff, (unsigned long long)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shstrndx >= eh->e_shnum) {
		snprintf(err, errlen, "its section table is damaged");
		return false;
	}
	o->nsections = eh->e_shnum;
	o->sections = xcalloc(o->nsections + 1, sizeof *o->sections);
	const Elf64_Shdr *names = header_of(o, eh->e_shstrndx);
	for (size_t i = 0; i < o->nsections; i++) {
		const Elf64_Shdr *sh = header_of(o, i);
		o->sections[i] = (struct obj_section){string_at(o, names, sh->sh_name), sh->sh_type,
		                                      sh->sh_info, (unsigned)sh->sh_flags};
		if (sh->sh_type == SHT_SYMTAB) {
			o->symtab = sh;
			o->symtab_link = sh->sh_link;
		}
	}
	return true;
}

static void read_symbols(struct objfile *o)
{
	const Elf64_Shdr *st = o->symtab;
	if (!st || st->sh_entsize != sizeof(Elf64_Sym) || !in_file(o, st->sh_offset, st->sh_size) ||
	    o->symtab_link >= o->nsections)
		return;
	const Elf64_Shdr *strings = header_of(o, o->symtab_link);
	o->nsymbols = st->sh_size / sizeof(Elf64_Sym);
	o->symbols = xcalloc(o->nsymbols + 1, sizeof *o->symbols);
	const Elf64_Sym *sym = (const Elf64_Sym *)(o->data + st->sh_offset);
	for (size_t i = 0; i < o->nsymbols; i++) {
		struct obj_symbol *s = &o->symbols[i];
		s->name = string_at(o, strings, sym[i].st_name);
		s->bind = ELF64_ST_BIND(sym[i].st_info);
		s->type = ELF64_ST_TYPE(sym[i].st_info);
		s->shndx = sym[i].st_shndx;
		s->section = s->shndx < o->nsections ? o->sections[s->shndx].name : "";
		if (s->type == STT_SECTION)
			s->name = s->section;
	}
}

bool objfile_read(const char *path, struct objfile *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->data = text_read_file_len(path, &o->size);
	if (!o->data) {
		snprintf(err, errlen, "cannot open it");
		return false;
	}
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)o->data;
	if (o->size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_REL) {
		snprintf(err, errlen, "it is not a 64-bit relocatable ELF object");
		return false;
	}
	if (!read_sections(o, err, errlen))
		return false;
	read_symbols(o);
	return true;
}

void objfile_free(struct objfile *o)
{
	free(o->symbols);
	free(o->sections);
	free(o->data);
	memset(o, 0, sizeof *o);
}

size_t objfile_relocs(const struct objfile *o, size_t s, struct obj_reloc *out, size_t max)
{
	size_t stored = 0;
	for (size_t i = 0; i < o->nsections; i++) {
		const Elf64_Shdr *sh = header_of(o, i);
		if (sh->sh_type != SHT_RELA || sh->sh_info != s ||
		    sh->sh_entsize != sizeof(Elf64_Rela) || !in_file(o, sh->sh_offset, sh->sh_size))
			continue;
		const Elf64_Rela *r = (const Elf64_Rela *)(o->data + sh->sh_offset);
		for (size_t k = 0; k < sh->sh_size / sizeof *r && stored < max; k++) {
			size_t sym = ELF64_R_SYM(r[k].r_info);
			out[stored++] = (struct obj_reloc){
			    r[k].r_offset, sym < o->nsymbols ? o->symbols[sym].name : "?"};
		}
	}
	return stored;
}
