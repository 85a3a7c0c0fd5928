#!/bin/sh
# setup.sh -- Gradescope runs it once, as root, when it builds the
# autograder's image: installs the tools and builds the grader and the
# harnesses, so each submission only compiles the student's files.
set -eu
cd "$(dirname "$0")"
sh grader/install-deps.sh
make -s all
