#!/bin/sh
# tsan_mmap_test.sh -- raises vm.mmap_rnd_bits until clang's ThreadSanitizer
# cannot map its shadow ("FATAL: ThreadSanitizer: unexpected memory
# mapping"), grades the reference balance, and restores the setting at
# once, whatever happens.  The grader must blame the machine, not the
# student: exit non-zero with the fix (sysctl vm.mmap_rnd_bits=28), and
# leave Classroom an "error" result rather than failed tsan checks.
# Needs root and a kernel that allows the raise; skips, saying why,
# elsewhere.  The raise lasts about a second but affects every TSan
# program on the machine meanwhile, so it is not in make test:
#   sudo sh tests/tsan_mmap_test.sh
set -u
cd "$(dirname "$0")/.." || exit 1
skip() {
	echo "tsan_mmap_test: skipped: $*"
	exit 0
}
setting=/proc/sys/vm/mmap_rnd_bits
[ "$(id -u)" -eq 0 ] || skip "needs root to change vm.mmap_rnd_bits"
[ -w "$setting" ] || skip "$setting cannot be written here"
make -s all >/dev/null || exit 1
tmp=$(mktemp -d)
before=$(cat "$setting")
# shellcheck disable=SC2317 # called by the trap
restore() {
	echo "$before" >"$setting"
	rm -rf "$tmp"
}
trap restore EXIT
trap 'exit 1' INT TERM
: >"$tmp/github_output"
high=32
[ "$before" -lt "$high" ] || skip "vm.mmap_rnd_bits is already $before"
echo "$high" >"$setting" 2>/dev/null || skip "the kernel refuses vm.mmap_rnd_bits=$high"
GITHUB_OUTPUT=$tmp/github_output build/grader/grader --root . --src solutions \
	--work "$tmp/work" balance >"$tmp/grade.log" 2>&1
rc=$?
echo "$before" >"$setting"
echo "== the grader where ThreadSanitizer cannot start (vm.mmap_rnd_bits=$high, back to $before)"
failed=0
if [ "$rc" -ne 0 ] && grep -q 'ThreadSanitizer cannot start' "$tmp/grade.log" &&
	grep -q 'sysctl -w vm.mmap_rnd_bits=28' "$tmp/grade.log"; then
	echo "  ok    it exits non-zero ($rc), naming the cause and the fix"
else
	failed=1
	echo "  FAIL  it exits non-zero, naming the cause and the fix (exit status $rc):"
	sed 's/^/        /' "$tmp/grade.log" | head -n 20
fi
if sed -n 's/^BALANCE_RESULTS=//p' "$tmp/github_output" | tail -n 1 | base64 -d |
	jq -e '.status == "error" and .tests[0].score == 0
		and (.tests[0].message | test("ThreadSanitizer cannot start"))' >/dev/null; then
	echo "  ok    Classroom gets an error result with the reason, not failed checks"
else
	failed=1
	echo "  FAIL  Classroom gets an error result with the reason"
fi
[ "$(cat "$setting")" = "$before" ] || { echo "  FAIL  vm.mmap_rnd_bits not restored"; failed=1; }
exit "$failed"
