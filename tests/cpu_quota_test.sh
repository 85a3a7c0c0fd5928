#!/bin/sh
# cpu_quota_test.sh -- grades saturate inside a control group with a CPU
# quota of half a CPU (Gradescope's default), as root:
#   - the reference solution loses no points: speedup, which needs 2 CPUs,
#     is left out of the score (0 of 0) with its reason, and the report
#     names the quota and warns in its header;
#   - the serial corpus file still loses its timing points: every timing
#     test fails or is left out, never passes for a wrong reason.
# Uses cgroup v2 (cpu.max) where its cpu controller is available, else
# cgroup v1 (cpu.cfs_quota_us).  Skips, saying why, when it cannot create
# a group.  Slow (two gradings at half a CPU: minutes), so not in make test:
#   sudo sh tests/cpu_quota_test.sh
# Prints "N passed, N failed"; exit status 1 if any failed.
set -u
cd "$(dirname "$0")/.." || exit 1
skip() {
	echo "cpu_quota_test: skipped: $*"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip "needs root to create a control group"
group=""
# mount point of the first hierarchy of type $1 whose options match $2
mounted() {
	awk -v type="$1" -v options="$2" '{
		for (i = 7; i < NF && $i != "-"; i++) ;
		if ($(i + 1) == type && $(i + 3) ~ options) { print $5; exit }
	}' /proc/self/mountinfo
}
v2=$(mounted cgroup2 '')
v1=$(mounted cgroup '(^|,)cpu(,|$)')
if [ -n "$v2" ] && grep -qw cpu "$v2/cgroup.controllers" 2>/dev/null; then
	group=$v2/grader-quota-test-$$
	if ! { mkdir "$group" 2>/dev/null && echo "50000 100000" >"$group/cpu.max"; }; then
		skip "cannot create $group with a cpu.max"
	fi
elif [ -n "$v1" ]; then
	group=$v1/grader-quota-test-$$
	if ! { mkdir "$group" 2>/dev/null && echo 100000 >"$group/cpu.cfs_period_us" &&
		echo 50000 >"$group/cpu.cfs_quota_us"; }; then
		skip "cannot create $group with a quota"
	fi
else
	skip "no cgroup hierarchy with the cpu controller is mounted"
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
	rm -rf "$tmp"
	rmdir "$group" 2>/dev/null
}
trap cleanup EXIT
passed=0
failed=0
# shellcheck source=tests/check.sh
. tests/check.sh
make -s all >/dev/null || exit 1
mkdir -p "$tmp/serial/saturate"
cp tests/corpus/saturate/serial.c "$tmp/serial/saturate/saturate.c"
chmod -R a+rX "$tmp/serial"
# Grades $1 (a submission folder) inside the group into $2.json and $2.log.
grade_in_group() {
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$group" \
		build/grader/grader --root . --src "$1" --json "$2.json" --work "$tmp/work" \
		saturate >"$2.log" 2>&1
}
echo "== saturate under a CPU quota of 0.5 CPU ($group)"
grade_in_group solutions "$tmp/reference"
check "the reference loses no points (speedup out of the score)" jq -e '
	.score == .max_score and .max_score > 0
	and ([.tests[] | select(.name | test("speedup"))]
	     | length == 1 and .[0].max_score == 0 and .[0].status == "passed"
	     and (.[0].output | test("unmeasurable here: speedup needs 2")))' "$tmp/reference.json"
check "the report warns in its header and names the quota in timing verdicts" sh -c "
	sed -n 3p '$tmp/reference.log' | grep -q 'WARNING: only 1 usable CPU (a CPU quota of 0.50 CPU' &&
	grep -q 'CPU quota of 0.50 CPU' '$tmp/reference.log' &&
	jq -e '[.tests[] | select(.check == \"timing\") | .output | test(\"CPU quota of 0.50 CPU\")]
		| all' '$tmp/reference.json' >/dev/null"
grade_in_group "$tmp/serial" "$tmp/serial"
check "the serial file passes no timing test: each fails or is left out" jq -e '
	[.tests[] | select(.check == "timing")] | length > 0
	and all(.status == "failed" or .max_score == 0)
	and any(.status == "failed")' "$tmp/serial.json"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
