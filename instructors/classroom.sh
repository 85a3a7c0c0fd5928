#!/bin/sh
# classroom.sh -- writes the GitHub Classroom workflow on stdout, with one
# reporter runner per exercise of exercises/course.list.  GitHub reads the
# workflow as it is committed, so the list cannot be read when it runs:
# `make classroom` rewrites .github/workflows/classroom.yml from this, and
# tests/instructors_test.sh fails when the committed file is out of date.
set -eu
cd "$(dirname "$0")/.."
exercises=$(grep '^[a-z0-9_]' exercises/course.list)
cat <<'YAML'
# GitHub Classroom autograding, in the shape Classroom generates (workflow
# name, job name, permissions and triggers are what Classroom looks for).
# The grader runs once; it leaves the reporter one runner result per exercise
# (step outputs E_RESULTS, base64 JSON with a test per rubric line), so
# Classroom records partial points.  It always grades exercises/, the one
# folder students edit: nothing a student adds changes what is graded (the
# project's own CI grades solutions/ in ci.yml).  Before grading, every
# runner gets an "error" result worth 0 points with the reason, which the
# grader replaces exercise by exercise; the reporter runs even when grading
# failed or timed out, so Classroom always shows its notice.
# Written by instructors/classroom.sh from exercises/course.list: run
# `make classroom` rather than editing it.
name: Autograding Tests
'on':
- push
- repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
    - name: Checkout code
      uses: actions/checkout@v4
    - name: Install dependencies
      run: sh grader/install-deps.sh
    - name: Reduce address-space randomization for ThreadSanitizer
      # clang before 18 aborts ThreadSanitizer on the runners' kernels
      # ("unexpected memory mapping") unless ASLR entropy is reduced.
      run: sudo sysctl -w vm.mmap_rnd_bits=28
    - name: Grade
      id: grade
      timeout-minutes: 30
      run: sh grader/classroom-pending.sh && make grade
    - name: Autograding Reporter
      if: always()
      uses: classroom-resources/autograding-grading-reporter@v1
      env:
YAML
for e in $exercises; do
	upper=$(echo "$e" | tr '[:lower:]' '[:upper:]')
	echo "        ${upper}_RESULTS: \"\${{steps.grade.outputs.${upper}_RESULTS}}\""
done
echo "      with:"
echo "        runners: $(echo "$exercises" | paste -s -d , -)"
