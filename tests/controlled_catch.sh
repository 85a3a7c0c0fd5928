#!/bin/sh
# controlled_catch.sh -- how often the controlled-schedule tests and the
# stress tests each catch a corpus file, over N gradings.
#
#   sh tests/controlled_catch.sh [-n N] [FILE...]
#
# FILE: corpus files (tests/corpus/E/NAME.c) or reference solutions;
# default: the corpus's interleaving bugs (check-then-act, load-then-store,
# a single compare-and-swap, wrong lock orders, unlocked reads, `if`
# instead of `while`, lost wakeups) and the correct alternatives of the
# same exercises.  N: gradings per file (default 20), each with a new seed,
# of the build and functional checks only.
#
# A controlled test is a rubric entry with "schedules" (harness/README.md
# "Controlled schedules"); it runs in its own process, apart from the
# stress tests, so its verdict is the controlled mode's alone.  Prints per
# file: how many gradings the controlled tests failed it, how many the
# other functional (stress) tests did, and the controlled tests' mean
# time.  A correct file must read 0 and 0; a bug, N for the controlled
# mode.  Exits 1 when a bug escaped the controlled mode or a correct file
# failed it.  Heavy (N gradings per file): run it by hand, not in make test.
set -eu

runs=20
while getopts n: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	*)
		echo "usage: sh tests/controlled_catch.sh [-n N] [FILE...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
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
		$c/prodcons/signal_after_unlock.c $c/prodcons/busy_wait.c $c/prodcons/sleep_poll.c
fi

if [ ! -x build/grader/grader ]; then
	echo "controlled_catch: build/grader/grader not found: run make all first, from the project's root" >&2
	exit 2
fi

tmp=$(mktemp -d /tmp/controlled-catch-XXXXXX)
chmod 755 "$tmp" # the grader runs submissions as nobody when root
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Whether file $1 is a bug (the corpus says its functional checks fail).
is_bug() {
	head -n 1 "$1" | grep -q 'functional=failed'
}

status=0
printf '%-46s %-10s %-10s %s\n' "file" "controlled" "stress" "controlled time (mean s)"
for file in "$@"; do
	exercise=$(basename "$(dirname "$file")")
	rubric=harness/$exercise/rubric.json
	jq '[.tests[] | select(.schedules) | .name]' "$rubric" >"$tmp/names.json"
	caught=0 stressed=0 seconds=0
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		rm -rf "$tmp/src" "$tmp/work"
		mkdir -p "$tmp/src/$exercise"
		cp "$file" "$tmp/src/$exercise/$exercise.c"
		chmod -R a+rX "$tmp/src"
		build/grader/grader --root . --src "$tmp/src" --work "$tmp/work" \
			--json "$tmp/results.json" --checks build,functional "$exercise" \
			>"$tmp/report.txt" 2>&1 || true
		# "C S T": failed controlled tests, failed stress tests, controlled seconds.
		read -r c s t <<EOF
$(jq -r --slurpfile names "$tmp/names.json" '
			[.tests[] | select(.check == "functional")]
			| map(. + {controlled: (.name as $n | $names[0] | index($n) != null)})
			| "\(map(select(.controlled and .status == "failed")) | length)"
			+ " \(map(select((.controlled | not) and .status == "failed")) | length)"
			+ " \(map(select(.controlled) | .execution_time) | add // 0)"' "$tmp/results.json")
EOF
		[ "$c" -gt 0 ] && caught=$((caught + 1))
		[ "$s" -gt 0 ] && stressed=$((stressed + 1))
		seconds=$(awk -v a="$seconds" -v b="$t" 'BEGIN { print a + b }')
	done
	mean=$(awk -v s="$seconds" -v n="$runs" 'BEGIN { printf "%.2f", s / n }')
	printf '%-46s %-10s %-10s %s\n' "$file" "$caught/$runs" "$stressed/$runs" "$mean"
	if is_bug "$file"; then
		[ "$caught" -eq "$runs" ] || status=1
	else
		[ "$caught" -eq 0 ] || status=1
	fi
done
exit $status
