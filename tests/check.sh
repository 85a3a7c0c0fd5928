# shellcheck shell=sh disable=SC2154
# check.sh -- sourced by the shell tests: `check WHAT COMMAND...` runs the
# command, counts it in $passed or $failed, and shows its output (in
# $tmp/out, so the caller sets tmp first) when it fails.
check() {
	what=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		passed=$((passed + 1))
		echo "  ok    $what"
	else
		failed=$((failed + 1))
		echo "  FAIL  $what"
		sed 's/^/        /' "$tmp/out" | head -n 20
	fi
}
