#!/bin/sh
# need-tools.sh -- one clear line per missing tool, with the command that
# installs it; exit 1 if any is missing.  Run by make before building.
missing=0
need() { # need TEST PACKAGE WHAT
	if ! eval "$1" >/dev/null 2>&1; then
		echo "grader: $3 not found; install it with: sudo apt-get install -y $2" \
			"(or run: sh grader/install-deps.sh)" >&2
		missing=1
	fi
}
need "command -v gcc" build-essential "the C compiler gcc"
need "command -v clang" clang "clang (for ThreadSanitizer)"
need "command -v valgrind" valgrind "valgrind (for Helgrind and Memcheck)"
need "command -v objcopy && command -v nm" binutils "objcopy and nm"
need "command -v pkg-config" pkg-config "pkg-config"
need "pkg-config --exists check" "check libsubunit-dev" "the Check unit test library"
need "pkg-config --exists jansson" libjansson-dev "the Jansson JSON library"
need "pkg-config --exists libxml-2.0" libxml2-dev "the libxml2 XML library"
need "pkg-config --exists libseccomp" libseccomp-dev "the libseccomp library"
exit $missing
