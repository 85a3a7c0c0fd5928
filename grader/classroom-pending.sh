#!/bin/sh
# classroom-pending.sh [EXERCISE...] -- run by the Classroom workflow before
# `make grade`: appends to $GITHUB_OUTPUT an "error" result for every
# exercise (default: all), worth 0 of its rubric's points, so that the
# autograding reporter finds a result for every runner even when the
# grader never starts (a build error, a missing tool) and Classroom still
# shows its "Points 0/N" notice.  The grader writes its own results after
# these, and the last value of a step output wins.  POSIX sh, base64, awk.
set -eu
cd "$(dirname "$0")/.."
: "${GITHUB_OUTPUT:?classroom-pending: GITHUB_OUTPUT is not set (run it in a GitHub Actions step)}"
exercises=${*:-$(make -s --no-print-directory print-exercises)}
message="The Grade step ended before the grader wrote this result (a build error, a missing \
tool or the step's time limit): the Grade step's log says why."
for exercise in $exercises; do
	points=$(grep -o '"points": *[0-9.]*' "harness/$exercise/rubric.json" 2>/dev/null |
		awk -F: '{ s += $2 } END { print (s > 0 ? s : 1) }')
	json=$(printf '{"version":1,"status":"error","max_score":%s,"tests":[{"name":"%s: not graded",%s%s}]}' \
		"$points" "$exercise" \
		'"status":"error","score":0,"message":"'"$message"'",' \
		'"test_code":"make grade EX='"$exercise"'","filename":"","line_no":0,"duration":0')
	printf '%s_RESULTS=%s\n' "$(echo "$exercise" | tr '[:lower:]' '[:upper:]')" \
		"$(printf '%s' "$json" | base64 | tr -d '\n')" >>"$GITHUB_OUTPUT"
done
