#!/bin/sh
# gradescope.sh ZIP -- builds the Gradescope autograder zip: setup.sh and
# run_autograder at its root, beside a student template of the project (the
# grader, the harness, the exercises' headers; no solutions).
set -eu
zip=$1
cd "$(dirname "$0")/.."
case $zip in /*) ;; *) zip=$(pwd)/$zip ;; esac
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
sh instructors/template.sh "$stage/source" >/dev/null
cp instructors/gradescope/setup.sh instructors/gradescope/run_autograder "$stage/source/"
chmod +x "$stage/source/setup.sh" "$stage/source/run_autograder"
mkdir -p "$(dirname "$zip")"
rm -f "$zip"
(cd "$stage/source" && zip -qr "$zip" .)
echo "gradescope: $zip (upload it as the assignment's autograder)"
