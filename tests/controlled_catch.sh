#!/bin/sh
# controlled_catch.sh -- measures the controlled-schedule tests
# (harness/README.md "Controlled schedules") on corpus files.
#
#   sh tests/controlled_catch.sh [-n N] [FILE...]      catch rates
#   sh tests/controlled_catch.sh -r [-n N] FILE...     exact replay
#
# FILE: corpus files (tests/corpus/E/NAME.c) or reference solutions.  Every
# grading runs the build and functional checks only.  A controlled test is
# a rubric entry with "schedules"; it runs in its own process, apart from
# the stress tests, so its verdict is the controlled mode's alone.
#
# Catch rates: N gradings per file (default 20), each with a new seed.
# Prints per file how many gradings the controlled tests failed it, how
# many the other functional (stress) tests did, and the controlled tests'
# mean time.  Default files: the corpus's interleaving bugs (check-then-act,
# load-then-store, a single compare-and-swap, wrong lock orders, unlocked
# reads, `if` instead of `while`, lost wakeups) and the correct alternatives
# of the same exercises.  Exits 1 when a bug (a file whose first line says
# functional=failed) escaped the controlled mode in a grading, or a correct
# file failed it.
#
# Replay (-r): each file is graded once with a seed from the clock, then N
# more times (default 10) with that seed, as `make grade SEED=...` would;
# every controlled test must give the first grading's status, score and
# output (schedule, timeline and all) each time.  Prints the seed and how
# many replays matched; exits 1 if any did not.
#
# Heavy (N gradings per file): run it by hand, not in make test.
set -eu

runs=
replay=
while getopts n:r opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) replay=1 ;;
	*)
		echo "usage: sh tests/controlled_catch.sh [-r] [-n N] [FILE...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[ -n "$runs" ] || runs=${replay:+10}
[ -n "$runs" ] || runs=20
if [ $# -eq 0 ]; then
	c=tests/corpus
	set -- $c/balance/check_then_act.c $c/balance/load_then_store.c $c/balance/single_cas.c \
		$c/deadlock/naive_order.c $c/deadlock/id_subtraction.c \
		$c/deadlock/id_difference_cast.c $c/deadlock/audit_array_order.c \
		$c/deadlock/audit_no_locks.c $c/semaphore/if_not_while.c \
		$c/semaphore/post_no_signal.c $c/prodcons/if_not_while.c \
		$c/prodcons/close_signal_one.c $c/prodcons/get_never_wakes_producer.c \
		solutions/balance/balance.c $c/balance/mutex.c solutions/deadlock/deadlock.c \
		$c/deadlock/address_order.c $c/deadlock/trylock_backoff.c \
		$c/deadlock/calloc_qsort_atomic.c $c/deadlock/bank_gate_lock.c \
		solutions/semaphore/semaphore.c $c/semaphore/alt_broadcast.c \
		$c/semaphore/alt_waiters_count.c $c/semaphore/sleep_polling.c \
		solutions/prodcons/prodcons.c $c/prodcons/one_cv_broadcast.c \
		$c/prodcons/signal_after_unlock.c $c/prodcons/busy_wait.c $c/prodcons/sleep_poll.c \
		solutions/saturate/saturate.c $c/saturate/dynamic_chunks.c $c/saturate/interleaved.c
fi

if [ ! -x build/grader/grader ]; then
	echo "controlled_catch: build/grader/grader not found: run make all first, from the project's root" >&2
	exit 2
fi

tmp=$(mktemp -d /tmp/controlled-catch-XXXXXX)
chmod 755 "$tmp" # the grader runs submissions as nobody when root
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Grades file $1 as exercise $2, with seed $3 (the clock's if empty), into
# $tmp/results.json.
grade() {
	rm -rf "$tmp/src" "$tmp/work"
	mkdir -p "$tmp/src/$2"
	cp "$1" "$tmp/src/$2/$2.c"
	chmod -R a+rX "$tmp/src"
	build/grader/grader --root . --src "$tmp/src" --work "$tmp/work" \
		--json "$tmp/results.json" --checks build,functional ${3:+--seed "$3"} "$2" \
		>"$tmp/report.txt" 2>&1 || true
}

# The last grading's functional tests, each marked controlled or not.
functional_tests() {
	jq --slurpfile names "$tmp/names.json" '[.tests[] | select(.check == "functional")
		| . + {controlled: (.name as $n | $names[0] | index($n) != null)}]' \
		"$tmp/results.json"
}

# Catch rates of file $1 (exercise $2): one line.
catch_rates() {
	caught=0 stressed=0 seconds=0 i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		grade "$1" "$2" ""
		# "C S T": failed controlled tests, failed stress tests, controlled seconds.
		read -r c s t <<EOF
$(functional_tests | jq -r '"\(map(select(.controlled and .status == "failed")) | length)"
	+ " \(map(select((.controlled | not) and .status == "failed")) | length)"
	+ " \(map(select(.controlled) | .execution_time) | add // 0)"')
EOF
		[ "$c" -gt 0 ] && caught=$((caught + 1))
		[ "$s" -gt 0 ] && stressed=$((stressed + 1))
		seconds=$(awk -v a="$seconds" -v b="$t" 'BEGIN { print a + b }')
	done
	mean=$(awk -v s="$seconds" -v n="$runs" 'BEGIN { printf "%.2f", s / n }')
	printf '%-46s %-10s %-10s %s\n' "$1" "$caught/$runs" "$stressed/$runs" "$mean"
	if head -n 1 "$1" | grep -q 'functional=failed'; then
		[ "$caught" -eq "$runs" ] || status=1
	else
		[ "$caught" -eq 0 ] || status=1
	fi
}

# The last grading's controlled verdicts, and its seed, into file $1.
controlled_verdicts() {
	functional_tests | jq 'map(select(.controlled) | {status, score, output})' >"$1"
	jq .seed "$tmp/results.json" >>"$1"
}

# Replays of file $1 (exercise $2): one line.
replays() {
	grade "$1" "$2" ""
	controlled_verdicts "$tmp/first.json"
	seed=$(tail -n 1 "$tmp/first.json")
	same=0 i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		grade "$1" "$2" "$seed"
		controlled_verdicts "$tmp/again.json"
		cmp -s "$tmp/first.json" "$tmp/again.json" && same=$((same + 1))
	done
	printf '%-46s %-8s %s\n' "$1" "$seed" "$same/$runs"
	[ "$same" -eq "$runs" ] || status=1
}

status=0
if [ -n "$replay" ]; then
	printf '%-46s %-8s %s\n' "file" "seed" "replays identical"
else
	printf '%-46s %-10s %-10s %s\n' "file" "controlled" "stress" "controlled time (mean s)"
fi
for file in "$@"; do
	exercise=$(basename "$(dirname "$file")")
	jq '[.tests[] | select(.schedules) | .name]' "harness/$exercise/rubric.json" >"$tmp/names.json"
	if [ -n "$replay" ]; then
		replays "$file" "$exercise"
	else
		catch_rates "$file" "$exercise"
	fi
done
exit $status
