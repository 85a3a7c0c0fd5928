#!/bin/sh
# stability.sh -- grades corpus files N times each and prints how many
# distinct scores each got, to show which verdicts change between runs.
#
#   sh tests/stability.sh [-n N] [-s SEED] [FILE...]
#
# FILE: corpus files (tests/corpus/E/NAME.c), reference solutions or stubs;
# default: every file of tests/corpus.  N: gradings per file (default 20).
# SEED: grade every run with this seed (default: a new seed each run).
# Prints one line per file: the file, the number of distinct scores, and
# each score seen with how many runs got it ("85x17 90x3").  It is heavy
# (N full gradings per file) and is not part of make test: run it by hand,
# on a machine with nothing else to do when the figures must mean "idle".
# Needs the grader built (make all).
set -eu

runs=20
seed=
while getopts n:s: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	s) seed=$OPTARG ;;
	*)
		echo "usage: sh tests/stability.sh [-n N] [-s SEED] [FILE...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- tests/corpus/*/*.c

if [ ! -x build/grader/grader ]; then
	echo "stability: build/grader/grader not found: run make all first, from the project's root" >&2
	exit 2
fi

tmp=$(mktemp -d /tmp/stability-XXXXXX)
chmod 755 "$tmp" # the grader runs submissions as nobody when root
trap 'rm -rf "$tmp"' EXIT INT TERM

# The score of one grading of file $1 as exercise $2.
grade_once() {
	rm -rf "$tmp/src" "$tmp/work"
	mkdir -p "$tmp/src/$2"
	cp "$1" "$tmp/src/$2/$2.c"
	chmod -R a+rX "$tmp/src"
	build/grader/grader --root . --src "$tmp/src" --work "$tmp/work" --json "$tmp/results.json" \
		${seed:+--seed "$seed"} "$2" >"$tmp/report.txt" 2>&1 || {
		echo "error"
		return
	}
	sed -n 's/^  "score": \([0-9.]*\),$/\1/p' "$tmp/results.json" | head -n 1 | sed 's/\.0*$//'
}

printf '%-52s %s  %s\n' "file" "distinct" "scores (score x runs)"
for file in "$@"; do
	case $file in
	*/corpus/*/*.c | solutions/*/*.c | exercises/*/*.c) ;;
	*)
		echo "stability: $file is not tests/corpus/E/NAME.c, solutions/E/E.c nor exercises/E/E.c" >&2
		exit 2
		;;
	esac
	exercise=$(basename "$(dirname "$file")")
	: >"$tmp/scores"
	i=0
	while [ "$i" -lt "$runs" ]; do
		grade_once "$file" "$exercise" >>"$tmp/scores"
		i=$((i + 1))
	done
	counts=$(sort -n "$tmp/scores" | uniq -c | awk '{printf "%s%sx%s", sep, $2, $1; sep=" "}')
	distinct=$(sort -u "$tmp/scores" | wc -l)
	printf '%-52s %8s  %s\n' "$file" "$distinct" "$counts"
done
