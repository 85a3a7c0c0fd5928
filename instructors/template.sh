#!/bin/sh
# template.sh DEST -- writes a ready student repository into DEST: the
# exercises' stubs, headers, READMEs and hints, the harness, the grader, the
# Makefile and the Classroom workflow, with a README for students.  Nothing
# that reveals a solution goes in: no solutions/, no tests/ (its corpus and
# self-tests grade the reference solutions), no instructors' tools.
set -eu
dest=$1
cd "$(dirname "$0")/.."
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
	echo "template: $dest exists and is not empty; give a new folder" >&2
	exit 2
fi
mkdir -p "$dest/.github/workflows"
cp -R exercises harness grader drill protocol Makefile .clang-format "$dest/"
cp .github/workflows/classroom.yml "$dest/.github/workflows/"
cp instructors/README.student.md "$dest/README.md"
printf '/build/\n*.o\nresults.json\n.progress\nexercises/*/*.bak\n' >"$dest/.gitignore"
echo "template: student repository written to $dest (make grade works inside it)"
