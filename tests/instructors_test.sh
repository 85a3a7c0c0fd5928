#!/bin/sh
# instructors_test.sh -- checks what instructors rely on, end to end, on the
# balance exercise (the others would only make it slower):
#   the workflows (yamllint, and the shape Classroom needs, parsed by yq);
#   the reporter's runner result the grader leaves in $GITHUB_OUTPUT,
#   decoded and compared field by field with the results JSON; the job
#   summary; the JUnit XML against tests/junit.xsd;
#   the Gradescope zip, run against a fake /autograder tree;
#   the student template: it grades its stub and holds no solution text;
#   grade-class on three students, one of them hostile, and the gradebook
#   merged from results files as CI artifacts would bring them.
# Run by `make test` from the project's root; prints "N passed, N failed".
# shellcheck disable=SC2016 # the $names in single quotes are jq's, not the shell's
set -u
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
exercises=$(make -s --no-print-directory print-exercises)
for tool in yamllint yq jq xmllint zip unzip; do
	if ! command -v "$tool" >/dev/null; then
		echo "instructors_test: $tool not found; run: sh grader/install-deps.sh" >&2
		exit 1
	fi
done

check() { # check WHAT COMMAND...
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

# jq -e FILTER FILE, for check.
holds() { jq -e "$1" "$2" >/dev/null; }

workflows() {
	echo "== workflows"
	check "yamllint finds nothing in .github/workflows" yamllint -s .github/workflows
	yq . .github/workflows/classroom.yml >"$tmp/classroom.json" || return
	yq . .github/workflows/ci.yml >"$tmp/ci.json" || return
	runners=$(echo "$exercises" | tr ' ' ',')
	check "classroom.yml: name, triggers, permissions and job as Classroom generates" holds '
		.name == "Autograding Tests" and .on == ["push", "repository_dispatch"]
		and .permissions == {"checks": "write", "actions": "read", "contents": "read"}
		and (.jobs | keys) == ["run-autograding-tests"]
		and .jobs["run-autograding-tests"].if == "github.actor != '"'github-classroom[bot]'"'"' \
		"$tmp/classroom.json"
	check "classroom.yml: installs, sets vm.mmap_rnd_bits=28, grades once" holds '
		.jobs["run-autograding-tests"].steps as $s
		| ([$s[] | select(.run == "sh grader/install-deps.sh")] | length) == 1
		and ([$s[] | select((.run // "") | test("sysctl -w vm.mmap_rnd_bits=28"))] | length) == 1
		and ([$s[] | select((.run // "") | test("make grade"))] | length) == 1
		and ([$s[] | select(.id == "grade")] | length) == 1' "$tmp/classroom.json"
	check "classroom.yml: the reporter gets one runner per exercise, from the grade step" holds '
		.jobs["run-autograding-tests"].steps[-1] as $r
		| $r.uses == "classroom-resources/autograding-grading-reporter@v1"
		and $r.with.runners == "'"$runners"'"
		and ($r.env | to_entries | all(.value == "${{steps.grade.outputs." + .key + "}}"))
		and ($r.env | keys | sort) == ("'"$runners"'" | split(",")
			| map(ascii_upcase + "_RESULTS") | sort)' "$tmp/classroom.json"
	check "ci.yml: runs make test on push" holds '
		(.on | index("push")) != null
		and ([.jobs[].steps[] | select(.run == "make test")] | length) == 1' "$tmp/ci.json"
}

# The runner result for balance, decoded from the GITHUB_OUTPUT file.
decode_runner() {
	sed -n 's/^BALANCE_RESULTS=//p' "$1" | base64 -d >"$2"
}

github_outputs() {
	echo "== grader outputs for GitHub Classroom, the job summary and JUnit"
	: >"$tmp/github_output"
	: >"$tmp/summary"
	# make grade of exercises/ records progress: leave the project's as it was.
	had_progress=no
	[ ! -f .progress ] || { cp .progress "$tmp/progress.saved" && had_progress=yes; }
	GITHUB_OUTPUT=$tmp/github_output GITHUB_STEP_SUMMARY=$tmp/summary \
		make -s grade EX=balance JSON="$tmp/results.json" JUNIT="$tmp/junit.xml" \
		>"$tmp/grade.log" 2>&1
	if [ $had_progress = yes ]; then mv "$tmp/progress.saved" .progress; else rm -f .progress; fi
	check "one BALANCE_RESULTS line, valid base64 of JSON" \
		sh -c "[ \$(grep -c '^BALANCE_RESULTS=' '$tmp/github_output') -eq 1 ] &&
			sed -n 's/^BALANCE_RESULTS=//p' '$tmp/github_output' | base64 -d | jq -e . "
	decode_runner "$tmp/github_output" "$tmp/runner.json"
	check "runner result: version, status, max_score, one test per rubric line" jq -e \
		--slurpfile r "$tmp/results.json" '
		$r[0] as $r
		| (keys | sort) == ["max_score", "status", "tests", "version"]
		and .version == 1 and .max_score == $r.max_score
		and .status == (if $r.score == $r.max_score then "pass" else "fail" end)
		and (.tests | length) == ($r.tests | length)' "$tmp/runner.json"
	check "runner result: every field of every test" jq -e --slurpfile r "$tmp/results.json" '
		$r[0] as $r
		| [range(0; .tests | length) as $i | .tests[$i] as $t | $r.tests[$i] as $g
		   | ($t | keys | sort) == ["duration", "filename", "line_no", "message", "name",
		                            "score", "status", "test_code"]
		     and $t.name == $g.name and $t.score == $g.score and $t.message == $g.output
		     and $t.status == (if $g.status == "passed" then "pass" else "fail" end)
		     and $t.line_no == 0 and $t.filename == "exercises/balance/balance.c"
		     and $t.test_code == "make grade EX=balance SEED=\($r.seed)"
		     and ($t.duration | type) == "number" and $t.duration >= 0]
		| all' "$tmp/runner.json"
	check "runner result: Classroom's points (sum of scores) are the grader's" jq -e \
		--slurpfile r "$tmp/results.json" '([.tests[].score] | add) == $r[0].score
		and $r[0].score > 0 and $r[0].score < $r[0].max_score' "$tmp/runner.json"
	check "job summary: the grade and a row per test" sh -c "
		score=\$(jq '.score' '$tmp/results.json'); max=\$(jq '.max_score' '$tmp/results.json')
		grep -qx \"## Grade: \$score/\$max\" '$tmp/summary' &&
		[ \$(grep -c '^| [^|]* \(pass\|fail\) |' '$tmp/summary') -eq \$(jq '.tests | length' '$tmp/results.json') ]"
	check "JUnit: valid against tests/junit.xsd" xmllint --noout --schema tests/junit.xsd \
		"$tmp/junit.xml"
	check "JUnit: a suite for balance, a case per test, a failure per failed test" sh -c "
		x() { xmllint --xpath \"\$1\" '$tmp/junit.xml'; }
		[ \$(x 'count(/testsuites/testsuite)') -eq 1 ] &&
		[ \$(x 'string(/testsuites/testsuite/@name)') = balance ] &&
		[ \$(x 'count(//testcase)') -eq \$(jq '.tests | length' '$tmp/results.json') ] &&
		[ \$(x 'count(//testcase/failure)') -eq \$(jq '[.tests[] | select(.status == \"failed\")] | length' '$tmp/results.json') ] &&
		[ \$(x 'string(/testsuites/testsuite/@failures)') -eq \$(x 'count(//testcase/failure)') ] &&
		[ \$(x 'count(//failure[@message = \"\"])') -eq 0 ]"
}

gradescope() {
	echo "== Gradescope"
	make -s gradescope ZIP="$tmp/autograder.zip" >/dev/null
	check "the zip has setup.sh and run_autograder at its root, and no solutions" sh -c "
		unzip -Z1 '$tmp/autograder.zip' >'$tmp/zip.txt' &&
		grep -qx setup.sh '$tmp/zip.txt' && grep -qx run_autograder '$tmp/zip.txt' &&
		! grep -q '^solutions/' '$tmp/zip.txt' && ! grep -q '^tests/' '$tmp/zip.txt'"
	root=$tmp/autograder
	mkdir -p "$root/submission/upload"
	unzip -q "$tmp/autograder.zip" -d "$root/source"
	cp "$root/source/run_autograder" "$root/run_autograder"
	cp solutions/balance/balance.c "$root/submission/upload/"
	(cd "$root" && AUTOGRADER_ROOT=$root EX=balance ./run_autograder >"$tmp/gradescope.log" 2>&1)
	check "run_autograder grades the submission into results/results.json" holds '
		.score == .max_score and .max_score > 0 and (.tests | length) > 0
		and (.tests | all(has("name") and has("score") and has("max_score")
		                  and has("output") and .status == "passed"))' \
		"$root/results/results.json"
}

template() {
	echo "== student template"
	make -s template DEST="$tmp/student" >/dev/null
	check "has exercises, harness, grader, Makefile, README and the Classroom workflow" sh -c "
		cd '$tmp/student' && [ -f exercises/balance/balance.c ] && [ -d harness ] &&
		[ -f grader/main.c ] && [ -f Makefile ] && [ -f README.md ] &&
		cmp -s .github/workflows/classroom.yml '$PWD/.github/workflows/classroom.yml'"
	check "has no solutions/, tests/, instructors/ nor the project's CI" sh -c "
		cd '$tmp/student' && [ ! -e solutions ] && [ ! -e tests ] && [ ! -e instructors ] &&
		[ ! -e .github/workflows/ci.yml ] && [ ! -e .ci ]"
	check "its exercises/ is the project's, file for file" diff -r exercises "$tmp/student/exercises"
	check "holds no line of a solution or corpus file that students do not already get" no_solution_text \
		"$tmp/student"
	(cd "$tmp/student" && make -s grade EX=balance JSON="$tmp/template.json" \
		>"$tmp/template.log" 2>&1)
	check "make grade works inside it and grades the stub (builds, scores under half)" holds '
		(.tests[] | select(.check == "build") | .status) == "passed"
		and .score < .max_score / 2' "$tmp/template.json"
	check "make grade records progress, as drill mode does: make progress shows it" sh -c "
		cd '$tmp/student' && make -s progress | grep -q '^balance  *started'"
}

# Every line (25 characters or more, once trimmed) of a reference solution or
# a corpus submission that the project does not already give students (in
# exercises/, harness/ or grader/) must appear nowhere in the template.
no_solution_text() {
	for private in solutions/*/*.c tests/corpus/*/*.c; do
		sed 's/^[[:space:]]*//; s/[[:space:]]*$//' "$private" | awk 'length >= 25' |
			while IFS= read -r line; do
				if ! grep -rqF -- "$line" exercises harness grader &&
					grep -rqF -- "$line" "$1"; then
					echo "text of $private in the template: $line"
					grep -rlF -- "$line" "$1"
					return 1
				fi
			done || return 1
	done
}

grade_class() {
	echo "== grade-class"
	class=$tmp/hw1-submissions
	mkdir -p "$class/hw1-alice/exercises/balance" "$class/hw1-bob/balance" \
		"$class/hw1-mallory/balance"
	cp solutions/balance/balance.c "$class/hw1-alice/exercises/balance/"
	cp exercises/balance/balance.c "$class/hw1-bob/balance/"
	cat >"$class/hw1-mallory/balance/balance.c" <<-'EOF'
		/* Hostile: leaves a daemon behind and never returns. */
		#include "balance.h"
		#include <unistd.h>
		void balance_set(long value)
		{
			(void)value;
			if (fork() == 0) {
				setsid();
				execl("/bin/sleep", "sleep", "4243", (char *)0);
			}
			for (;;)
				pause();
		}
		long balance_get(void) { return 0; }
		void balance_deposit(long amount) { (void)amount; }
		void balance_withdraw(long amount) { (void)amount; }
		bool balance_try_withdraw(long amount) { (void)amount; return false; }
	EOF
	make -s grade-class DIR="$class" OUT="$tmp/gradebook.csv" EX=balance LIMIT=20 \
		>"$tmp/class.log" 2>&1
	check "gradebook: header, then students by name with points" sh -c "
		printf '%s\n' 'student,balance,total,max_score,problem' 'alice,100,100,100,' \
			>'$tmp/expected-head.csv'
		head -n 2 '$tmp/gradebook.csv' | cmp -s - '$tmp/expected-head.csv' &&
		grep -q '^bob,[0-9.]*,[0-9.]*,100,\$' '$tmp/gradebook.csv' &&
		[ \$(grep -c '^bob,100,' '$tmp/gradebook.csv') -eq 0 ]"
	check "the hostile submission got a row with no points, and the batch went on" \
		grep -q '^mallory,0,0,' "$tmp/gradebook.csv"
	check "each student's results JSON and log are kept" sh -c "
		jq -e '.score == 100' '$tmp/gradebook/alice.json' >/dev/null &&
		jq -e '.score < 100' '$tmp/gradebook/bob.json' >/dev/null &&
		[ -s '$tmp/gradebook/mallory.log' ]"
	check "nothing the hostile submission started is left running" \
		sh -c "! ps -eo args | grep -q '^sleep 4243'"
	mkdir -p "$tmp/artifacts/alice"
	cp "$tmp/gradebook/alice.json" "$tmp/artifacts/alice/"
	cp "$tmp/gradebook/bob.json" "$tmp/artifacts/"
	make -s gradebook FROM="$tmp/artifacts" OUT="$tmp/merged.csv" EX=balance \
		>"$tmp/merge.log" 2>&1
	check "make gradebook merges results files (and artifact folders) into the same rows" \
		sh -c "grep -v '^mallory,' '$tmp/gradebook.csv' | cmp - '$tmp/merged.csv'"
}

workflows
github_outputs
gradescope
template
grade_class
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
