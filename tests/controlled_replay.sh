#!/bin/sh
# controlled_replay.sh -- whether a grading's seed replays its controlled
# tests exactly: same verdict, same message (schedule number, timeline and
# all), same score.
#
#   sh tests/controlled_replay.sh [-n N] FILE...
#
# FILE: corpus files (tests/corpus/E/NAME.c) or reference solutions.  Each
# is graded once with a seed from the clock (build and functional checks),
# then N more times (default 10) with that seed, as `make grade SEED=...`
# would; every controlled test (a rubric entry with "schedules") must give
# the first grading's status, score and output each time.  Prints per file
# the seed and how many replays matched; exits 1 if any did not.
set -eu

runs=10
while getopts n: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	*)
		echo "usage: sh tests/controlled_replay.sh [-n N] FILE..." >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))

if [ ! -x build/grader/grader ]; then
	echo "controlled_replay: build/grader/grader not found: run make all first, from the project's root" >&2
	exit 2
fi

tmp=$(mktemp -d /tmp/controlled-replay-XXXXXX)
chmod 755 "$tmp" # the grader runs submissions as nobody when root
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Grades file $1 as exercise $2 (seed $3, or the clock's if empty) and
# writes its controlled tests' status, score and output to file $4.
controlled_verdicts() {
	rm -rf "$tmp/src" "$tmp/work"
	mkdir -p "$tmp/src/$2"
	cp "$1" "$tmp/src/$2/$2.c"
	chmod -R a+rX "$tmp/src"
	build/grader/grader --root . --src "$tmp/src" --work "$tmp/work" \
		--json "$tmp/results.json" --checks build,functional ${3:+--seed "$3"} "$2" \
		>"$tmp/report.txt" 2>&1 || true
	jq --slurpfile names "$tmp/names.json" \
		'[.tests[] | select(.name as $n | $names[0] | index($n) != null)
		  | {status, score, output}], .seed' "$tmp/results.json" >"$4"
}

status=0
printf '%-46s %-8s %s\n' "file" "seed" "replays identical"
for file in "$@"; do
	exercise=$(basename "$(dirname "$file")")
	jq '[.tests[] | select(.schedules) | .name]' "harness/$exercise/rubric.json" >"$tmp/names.json"
	controlled_verdicts "$file" "$exercise" "" "$tmp/first.json"
	seed=$(tail -n 1 "$tmp/first.json")
	same=0
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		controlled_verdicts "$file" "$exercise" "$seed" "$tmp/again.json"
		cmp -s "$tmp/first.json" "$tmp/again.json" && same=$((same + 1))
	done
	printf '%-46s %-8s %s\n' "$file" "$seed" "$same/$runs"
	[ "$same" -eq "$runs" ] || status=1
done
exit $status
