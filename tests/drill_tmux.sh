#!/bin/sh
# drill_tmux.sh -- drives drill mode the way a student does, inside tmux:
# start it, press keys, save a fixed file, read the screen, quit.  Then
# make reset's work, the polling fallback and a plain pipe instead of a
# terminal.  Run by make test, from the project root, after make all.
#
# Everything happens in a scratch copy of the exercises (harnesses, rubrics
# and builds are linked in), so the developer's files and .progress are
# never touched.  Captured screens go to build/tests/drill-*.txt, and the
# time from saving the fixed file to its first verdict on screen is printed.
set -eu

root=$(pwd)
drill="$root/build/drill/drill"
out="$root/build/tests"
work=$(mktemp -d "${TMPDIR:-/tmp}/drill-test.XXXXXX")
socket="$work/tmux.0"
sessions=0
# The course's length, from the one exercise list.
exercises=$(grep -cv '^#\|^$' "$root/exercises/course.list")
mkdir -p "$out"

cleanup() {
	for server in "$work"/tmux.*; do
		tmux -S "$server" kill-server 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

fail() {
	echo "drill_tmux: FAIL: $*" >&2
	if [ -S "$socket" ]; then
		echo "--- the screen:" >&2
		screen >&2 || true
	fi
	exit 1
}

command -v tmux >/dev/null || fail "tmux not found; install it: sudo apt-get install -y tmux"
[ -x "$drill" ] || fail "$drill not built: run make first"

# The scratch project: the student's side copied, the rest linked.
project="$work/project"
mkdir -p "$project/build"
cp -R exercises "$project/exercises"
ln -s "$root/harness" "$project/harness"
for dir in grader debug fast tsan; do
	ln -s "$root/build/$dir" "$project/build/$dir"
done
file="$project/exercises/balance/balance.c"

screen() {
	tmux -S "$socket" capture-pane -p -t drill
}

# wait_for PATTERN SECONDS: until the screen shows PATTERN (grep -E).
wait_for() {
	tries=$(($2 * 20))
	while [ "$tries" -gt 0 ]; do
		if screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.05
		tries=$((tries - 1))
	done
	fail "the screen never showed /$1/ within $2 s"
}

expect_screen() {
	screen | grep -Eq -- "$1" || fail "the screen does not show /$1/"
}

# start_drill ENV...: drill mode in a fresh 100x40 terminal, without colour,
# on a tmux server of its own.
start_drill() {
	tmux -S "$socket" kill-server 2>/dev/null || true
	sessions=$((sessions + 1))
	socket="$work/tmux.$sessions"
	tmux -S "$socket" new-session -d -s drill -x 100 -y 40 \
		"env NO_COLOR=1 $* '$drill' --root '$project'; echo drill-exited; sleep 60"
}

now_ms() {
	date +%s%3N
}

echo "drill_tmux: a failing exercise (the stub)"
start_drill
wait_for "^drill: balance \(exercise 1 of $exercises\)" 10
wait_for "all checks in" 90
expect_screen "^  build +PASS"
expect_screen "^  rules +FAIL"
expect_screen "^First failure \((functional|tsan)\)"
expect_screen "seed [0-9]+: reproduce with make grade EX=balance SEED="
expect_screen "see exercises/balance/README.md#"
expect_screen "^Progress: 0 of $exercises exercises done; balance [0-9]+/100"
screen | grep -q "$(printf '\033')" && fail "colour codes on screen despite NO_COLOR"
screen >"$out/drill-failing.txt"

echo "drill_tmux: keys h and l"
tmux -S "$socket" send-keys -t drill h
wait_for "^balance, hint 1 of [0-9]+:" 5
tmux -S "$socket" send-keys -t drill h
wait_for "^balance, hint 2 of [0-9]+:" 5
tmux -S "$socket" send-keys -t drill l
wait_for "^balance +started +[0-9]+/100" 5

echo "drill_tmux: saving the reference solution"
start=$(now_ms)
cp solutions/balance/balance.c "$file.tmp"
mv "$file.tmp" "$file"
wait_for "first verdict [0-9.]+ s after the save" 30
first=$(($(now_ms) - start))
seen=$(screen | sed -n 's/.*first verdict \([0-9.]*\) s after the save.*/\1/p')
screen | grep -Eq "hint 2 of [0-9]+" && fail "the hint stayed on screen after a save"
wait_for "balance: full marks \(100/100\)! On to deadlock in 3 s" 90
expect_screen "^  tsan +PASS +15/15"
screen >"$out/drill-passing.txt"
wait_for "^drill: deadlock \(exercise 2 of $exercises\)" 10
expect_screen "balance: full marks \(100/100\)! Now: deadlock."
grep -q "^balance done 100 100 2$" "$project/.progress" ||
	fail ".progress does not say balance is done with 2 hints seen: $(cat "$project/.progress")"
echo "drill_tmux: first verdict on screen $first ms after the save (drill measured $seen s)"

echo "drill_tmux: key q"
tmux -S "$socket" send-keys -t drill q
wait_for "^drill-exited" 5

echo "drill_tmux: make reset keeps a backup"
"$drill" --root "$project" reset balance >"$work/reset.txt"
cmp -s "$file" harness/balance/balance.c.stub || fail "reset did not restore the stub"
backup=$(sed -n 's/^Your file is saved as //p' "$work/reset.txt")
cmp -s "$project/$backup" solutions/balance/balance.c || fail "no backup of the student's file"

echo "drill_tmux: polling fallback (DRILL_POLL=1), after deleting .progress"
rm "$project/.progress"
start_drill DRILL_POLL=1
wait_for "^drill: balance \(exercise 1 of $exercises\)" 10
wait_for "all checks in" 90
expect_screen "^  rules +FAIL"
cp solutions/balance/balance.c "$file"
wait_for "first verdict [0-9.]+ s after the save" 30
tmux -S "$socket" send-keys -t drill q
wait_for "^drill-exited" 5

echo "drill_tmux: not a terminal"
timeout -s TERM 6 "$drill" --root "$project" </dev/null >"$work/plain.txt" 2>&1 || true
grep -q "^drill: balance (exercise 1 of $exercises)" "$work/plain.txt" || fail "no screen on a pipe"
grep -q "$(printf '\033')" "$work/plain.txt" && fail "escape codes written to a pipe"
grep -q "^Bye" "$work/plain.txt" || fail "SIGTERM did not end drill mode cleanly"
echo "drill_tmux: all passed"
