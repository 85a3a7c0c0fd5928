#!/bin/sh
# state_test.sh -- nothing a run leaves behind changes the next grading.
#
# Plays the attacker of "files and state that outlive a run" (issue 13,
# class 5) against real gradings of balance, as the sandbox user when run as
# root (as the test's own user otherwise, like a grader without a sandbox):
#   before grading: old-style run folders (run-0 ...) holding a .valgrindrc
#     that suppresses every Helgrind report, FIFOs named like logs, links
#     named like logs to a secret and to /etc/shadow; run-9, a link to a
#     folder of the grader's; a link in a build folder that the compiler's
#     hand-over would follow; VALGRIND_OPTS and $HOME/.valgrindrc in the
#     grader's own environment;
#   while grading: a process that plants the same into every run folder it
#     can write, as soon as one appears.
# The allow-list refuses the calls a submission would need for this, so the
# test plays the submission itself.  Then: the reference keeps full marks
# (twice, in the same work folder), the racy stub still fails Helgrind, no
# secret is printed, every grading ends in bounded time, no run folder is
# left, and nothing outside the work folder changed owner.
#
#   sh tests/state_test.sh        (GRADER=path to test another grader)
set -eu
GRADER=${GRADER:-build/grader/grader}
LIMIT=${GRADE_TIMEOUT:-600}
T=$(mktemp -d /tmp/state-test-XXXXXX)
chmod 755 "$T"
W=$T/work
failures=0
fail() {
	echo "state_test: FAIL: $*" >&2
	failures=$((failures + 1))
}

# The attacker: the sandbox user under root, else ourselves.
if [ "$(id -u)" = 0 ]; then
	attacker="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	attacker=""
fi

# What the attacker uses: a file of suppressions that hide every race, a
# root-only secret, a folder of the grader's.
printf '{\n any\n Helgrind:Race\n ...\n obj:*\n}\n{\n any2\n Helgrind:Race\n ...\n fun:*\n}\n' \
	>"$T/all.supp"
chmod 644 "$T/all.supp"
echo CANARY-SECRET-51d0 >"$T/secret"
chmod 600 "$T/secret"
mkdir "$T/victim" "$T/home"
: >"$T/victim/keep"
# Owned by a third user: a hand-over that follows a link changes that.
keeper=$(id -u)
[ -z "$attacker" ] || { keeper=4242; chown "$keeper" "$T/victim/keep"; }
echo "--suppressions=$T/all.supp" >"$T/home/.valgrindrc"
for s in ref stub; do mkdir -p "$T/$s/balance"; done
cp solutions/balance/balance.c "$T/ref/balance/balance.c"
cp exercises/balance/balance.c "$T/stub/balance/balance.c"

# plant.sh DIR...: plants the traps into every folder given that it can
# write, once each; prints the folders it planted into.
cat >"$T/plant.sh" <<EOF
for d in "\$@"; do
	[ -d "\$d" ] && [ ! -L "\$d" ] && [ ! -e "\$d/.planted" ] || continue
	: >"\$d/.planted" 2>/dev/null || continue
	echo "--suppressions=$T/all.supp" >"\$d/.valgrindrc"
	mkfifo "\$d/tsan.123" "\$d/helgrind.123"
	ln -s /etc/shadow "\$d/tsan.1"
	ln -s "$T/secret" "\$d/helgrind.1"
	ln -s "$T/victim" "\$d/victim"
	mkdir "\$d/deep" "\$d/deep/a" "\$d/deep/a/b" && chmod 000 "\$d/deep/a"
	echo "\$d"
done
EOF
# The old fixed run folders, the sandbox user's, planted before grading.
mkdir -p "$W/balance/debug"
for k in 0 1 2 3 4 5 6 7 8; do
	mkdir "$W/balance/run-$k"
	[ -z "$attacker" ] || chown 65534:65534 "$W/balance/run-$k"
	$attacker sh "$T/plant.sh" "$W/balance/run-$k" >/dev/null
done
ln -s "$T/victim" "$W/balance/run-9"
ln -s "$T/victim/keep" "$W/balance/debug/evil"

# The attacker while grading: plants into each new run folder it can write.

$attacker sh -c "while [ ! -e '$T/stop' ]; do sh '$T/plant.sh' '$W'/balance/run-*; sleep 0.02; done" \
	>"$T/landed" 2>/dev/null &
planter=$!

# grade NAME SRC: one grading, with the attacker's environment.
grade() {
	HOME="$T/home" VALGRIND_OPTS="--suppressions=$T/all.supp" \
		timeout "$LIMIT" "$GRADER" --root . --src "$2" --work "$W" \
		--json "$T/$1.json" balance >"$T/$1.out" 2>&1 ||
		fail "$1: the grader ended with status $? (124: it hung)"
}
grade ref1 "$T/ref"
grade stub "$T/stub"
grade ref2 "$T/ref"
: >"$T/stop"
wait "$planter" || true

for r in ref1 ref2; do
	grep -q 'total *100/100' "$T/$r.out" || fail "$r: the reference lost marks: $(tail -3 "$T/$r.out")"
done
grep -Eq 'FAIL +0/[0-9]+ +helgrind' "$T/stub.out" || fail "the racy stub passed Helgrind"
if grep -l CANARY-SECRET "$T"/*.out "$T"/*.json; then fail "a secret was printed"; fi
shadow=$(head -1 /etc/shadow 2>/dev/null || true)
if [ -n "$shadow" ] && grep -lF "$shadow" "$T"/*.out "$T"/*.json; then
	fail "/etc/shadow was printed"
fi
left=""
for f in "$W"/balance/run-* "$W"/balance/home-*; do
	if [ -e "$f" ] || [ -L "$f" ]; then left="$left ${f##*/}"; fi
done
[ -z "$left" ] || fail "run folders left in the work folder:$left"
for pair in "$T/victim:$(id -u)" "$T/victim/keep:$keeper"; do
	f=${pair%:*}
	if [ ! -e "$f" ] || [ "$(stat -c %u "$f")" != "${pair##*:}" ]; then
		fail "$f changed owner or vanished (the grader followed a link)"
	fi
done
echo "state_test: the attacker planted into $(wc -l <"$T/landed") run folder(s) while grading;" \
	"$(cat "$T"/*.json | grep -o "grader: ignored" | wc -l) trap(s) named like logs were seen and ignored"
if [ "$failures" -eq 0 ]; then
	chmod -R u+rwX "$T" 2>/dev/null || true
	rm -rf "$T"
	echo "state_test: ok"
else
	echo "state_test: $failures failure(s); evidence kept in $T" >&2
	exit 1
fi
