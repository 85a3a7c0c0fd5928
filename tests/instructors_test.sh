#!/bin/sh
# instructors_test.sh -- checks what instructors rely on, end to end, on the
# balance exercise (the others would only make it slower):
#   the workflows (yamllint, and the shape Classroom needs, parsed by yq);
#   the reporter's runner result the grader leaves in $GITHUB_OUTPUT,
#   decoded and compared field by field with the results JSON; the job
#   summary with its evidence blocks; the JUnit XML against tests/junit.xsd,
#   with file= on every test case;
#   a submission that floods its output and crashes: every runner result
#   stays under 64 KiB, decodes, and carries the points of the results JSON;
#   the grader with a tool missing from PATH: an "error" result for every
#   runner all the same;
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
		echo "instructors_test: $tool not found; run: sh grader/install-deps.sh --tests" >&2
		exit 1
	fi
done

# shellcheck source=tests/check.sh
. tests/check.sh

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
	check "classroom.yml: grades exercises/ whatever folders the repository holds" holds '
		[.jobs["run-autograding-tests"].steps[] | select((.run // "") | test("make grade"))][0].run
		| test("SRC|solutions") | not' "$tmp/classroom.json"
	check "classroom.yml: pending error results first, and the reporter runs even after a failure" holds '
		.jobs["run-autograding-tests"].steps as $s
		| ($s[] | select(.id == "grade") | .run) == "sh grader/classroom-pending.sh && make grade"
		and $s[-1].if == "always()"' "$tmp/classroom.json"
	: >"$tmp/pending"
	GITHUB_OUTPUT=$tmp/pending sh grader/classroom-pending.sh
	check "classroom-pending.sh: an error result per runner, worth its rubric's points" sh -c '
		for e in '"$exercises"'; do
			E=$(echo "$e" | tr a-z A-Z)
			sed -n "s/^${E}_RESULTS=//p" "$1" | base64 -d | jq -e --argjson max \
				"$(jq "[.tests[].points] | add" "harness/$e/rubric.json")" "
				.version == 1 and .status == \"error\" and .max_score == \$max
				and (.tests | length) == 1 and .tests[0].status == \"error\"
				and .tests[0].score == 0 and (.tests[0].message | test(\"Grade step\"))" \
				>/dev/null || { echo "$e: wrong pending result"; exit 1; }
		done' sh "$tmp/pending"
	check "classroom.yml: the reporter gets one runner per exercise, from the grade step" holds '
		.jobs["run-autograding-tests"].steps[-1] as $r
		| $r.uses == "classroom-resources/autograding-grading-reporter@v1"
		and $r.with.runners == "'"$runners"'"
		and ($r.env | to_entries | all(.value == "${{steps.grade.outputs." + .key + "}}"))
		and ($r.env | keys | sort) == ("'"$runners"'" | split(",")
			| map(ascii_upcase + "_RESULTS") | sort)' "$tmp/classroom.json"
	check "ci.yml: runs make test on push, with the test tools installed" holds '
		(.on | index("push")) != null
		and ([.jobs[].steps[] | select(.run == "make test")] | length) == 1
		and ([.jobs.test.steps[] | select(.run == "sh grader/install-deps.sh --tests")]
		     | length) == 1' "$tmp/ci.json"
	check "ci.yml: grades solutions/ explicitly and requires full marks" holds '
		[.jobs[].steps[] | .run // ""] as $runs
		| ($runs | map(select(test("make grade SRC=solutions"))) | length) == 1
		and ($runs | map(select(test("score == .max_score"))) | length) == 1' "$tmp/ci.json"
	check "classroom.yml: what instructors/classroom.sh writes from exercises/course.list (make classroom)" \
		sh -c "sh instructors/classroom.sh | cmp -s - .github/workflows/classroom.yml"
	check "ci.yml: runs lint, the format check and make test on push" holds '
		(.on | index("push")) != null
		and ([.jobs[].steps[] | select(.run == "make test")] | length) == 1
		and ([.jobs[].steps[] | select((.run // "") | test("make (-j2 )?lint$"))] | length) == 1
		and ([.jobs[].steps[] | select(.run == "make format-check")] | length) == 1' "$tmp/ci.json"
}

# The runner result for balance, decoded from the GITHUB_OUTPUT file: the
# last one, as GitHub keeps the last value of an output.
decode_runner() {
	sed -n 's/^BALANCE_RESULTS=//p' "$1" | tail -n 1 | base64 -d >"$2"
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
	check "BALANCE_RESULTS: an error result before grading, then the graded one" \
		sh -c "[ \$(grep -c '^BALANCE_RESULTS=' '$tmp/github_output') -eq 2 ] &&
			sed -n 's/^BALANCE_RESULTS=//p' '$tmp/github_output' | head -n 1 | base64 -d |
				jq -e '.status == \"error\" and .max_score == 100' >/dev/null &&
			sed -n 's/^BALANCE_RESULTS=//p' '$tmp/github_output' | tail -n 1 | base64 -d |
				jq -e '.status != \"error\"' >/dev/null"
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
		     and $t.line_no == (([$t.message | match("exercises/balance/balance.c:([0-9]+)")
		                          | .captures[0].string | tonumber] + [0])[0])
		     and $t.filename == "exercises/balance/balance.c"
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
	check "job summary: a <details> block with the evidence per failed test" sh -c "
		[ \$(grep -c '^<details><summary>❌ fail' '$tmp/summary') -eq \$(jq '[.tests[] | select(.status == \"failed\")] | length' '$tmp/results.json') ] &&
		[ \$(grep -c '^<pre>\$' '$tmp/summary') -eq \$(grep -c '^<details>' '$tmp/summary') ]"
	check "JUnit: valid against tests/junit.xsd" xmllint --noout --schema tests/junit.xsd \
		"$tmp/junit.xml"
	check "JUnit: every test case names the student's file" sh -c "
		[ \$(xmllint --xpath 'count(//testcase[@file=\"exercises/balance/balance.c\"])' '$tmp/junit.xml') -eq \$(jq '.tests | length' '$tmp/results.json') ]"
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
		.score == .extra_data.max_score and .score > 0 and (.tests | length) > 0
		and (.tests | all(has("name") and has("score") and has("max_score")
		                  and has("output") and .status == "passed"))' \
		"$root/results/results.json"
	check "results.json holds only the fields of Gradescope's spec (ours under extra_data)" holds '
		(keys - ["score", "execution_time", "output", "output_format", "test_output_format",
		         "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
		         "leaderboard"]) == []
		and (.tests | all(keys - ["score", "max_score", "status", "name", "name_format",
		                          "number", "output", "output_format", "tags", "visibility",
		                          "extra_data"] == []))' "$root/results/results.json"
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
	pair=$tmp/pair-submissions
	mkdir -p "$pair/carol/saturate" "$pair/dave/saturate"
	cp solutions/saturate/saturate.c "$pair/carol/saturate/"
	cp solutions/saturate/saturate.c "$pair/dave/saturate/"
	make -s grade-class DIR="$pair" OUT="$tmp/pair.csv" EX=saturate JOBS=2 \
		>"$tmp/pair.log" 2>&1
	check "JOBS=2 with timing checks: two correct submissions graded at once both get full marks" \
		sh -c "grep -q '^carol,100,100,100,' '$tmp/pair.csv' &&
			grep -q '^dave,100,100,100,' '$tmp/pair.csv'"
	mkdir -p "$tmp/artifacts/alice"
	cp "$tmp/gradebook/alice.json" "$tmp/artifacts/alice/"
	cp "$tmp/gradebook/bob.json" "$tmp/artifacts/"
	make -s gradebook FROM="$tmp/artifacts" OUT="$tmp/merged.csv" EX=balance \
		>"$tmp/merge.log" 2>&1
	check "make gradebook merges results files (and artifact folders) into the same rows" \
		sh -c "grep -v '^mallory,' '$tmp/gradebook.csv' | cmp - '$tmp/merged.csv'"
}

# A submission that prints one endless line, then crashes, in every function.
flood_and_crash() {
	echo "== a submission that floods its output and crashes"
	mkdir -p "$tmp/flood/balance"
	cat >"$tmp/flood/balance/balance.c" <<-'EOF'
		/* Hostile: 800 KB on one line, bytes JSON must escape, then a crash. */
		#include "balance.h"
		#include <stdio.h>
		#include <string.h>
		static void flood(void)
		{
			char line[4096];
			memset(line, 'A', sizeof line - 1);
			line[sizeof line - 1] = '\0';
			for (int i = 0; i < 200; i++)
				fputs(line, stdout);
			fputs("\x01\xff\"\\<&>", stdout);
			fflush(stdout);
			*(volatile int *)0 = 0; /* a crash, with no call the build refuses */
		}
		void balance_set(long value) { (void)value; flood(); }
		long balance_get(void) { flood(); return 0; }
		void balance_deposit(long amount) { (void)amount; flood(); }
		void balance_withdraw(long amount) { (void)amount; flood(); }
		bool balance_try_withdraw(long amount) { (void)amount; flood(); return false; }
	EOF
	chmod -R a+rX "$tmp/flood"
	: >"$tmp/flood_output"
	GITHUB_OUTPUT=$tmp/flood_output build/grader/grader --root . --src "$tmp/flood" \
		--json "$tmp/flood.json" balance >"$tmp/flood.log" 2>&1
	check "every BALANCE_RESULTS line is under 64 KiB" awk -F= '
		/^BALANCE_RESULTS=/ { n++; if (length($0) >= 65536) bad = 1 }
		END { exit !(n == 2 && !bad) }' "$tmp/flood_output"
	decode_runner "$tmp/flood_output" "$tmp/flood_runner.json"
	check "it decodes, with the points and statuses of the results JSON" jq -e \
		--slurpfile r "$tmp/flood.json" '$r[0] as $r
		| .max_score == $r.max_score and ([.tests[].score] | add) == $r.score
		and [.tests[].status] == [$r.tests[] | if .status == "passed" then "pass" else "fail" end]
		and $r.score < $r.max_score' "$tmp/flood_runner.json"
	check "cut messages say so, and point to the Grade step's log" jq -e '
		[.tests[].message | select(test("more bytes cut"))] | length > 0' \
		"$tmp/flood_runner.json"
}

# The grader run where valgrind is not on PATH.
tool_missing() {
	echo "== the grader with a tool missing"
	mkdir -p "$tmp/bin"
	for tool in gcc clang objcopy nm addr2line make sh; do
		ln -sf "$(command -v "$tool")" "$tmp/bin/$tool"
	done
	: >"$tmp/missing_output"
	# shellcheck disable=SC2086 # one word per exercise
	PATH=$tmp/bin GITHUB_OUTPUT=$tmp/missing_output build/grader/grader --root . \
		$exercises >"$tmp/missing.log" 2>&1
	echo $? >"$tmp/missing.rc"
	check "it exits non-zero, naming valgrind" sh -c "
		[ \$(cat '$tmp/missing.rc') -ne 0 ] && grep -q 'valgrind not found' '$tmp/missing.log'"
	check "every runner gets an error result worth its exercise, with the reason" sh -c '
		for e in '"$exercises"'; do
			E=$(echo "$e" | tr a-z A-Z)
			sed -n "s/^${E}_RESULTS=//p" "$1" | tail -n 1 | base64 -d | jq -e --argjson max \
				"$(jq "[.tests[].points] | add" "harness/$e/rubric.json")" "
				.status == \"error\" and .max_score == \$max and .tests[0].score == 0
				and (.tests[0].message | test(\"tool\"))" >/dev/null ||
				{ echo "$e: no error result"; exit 1; }
		done' sh "$tmp/missing_output"
}

workflows
github_outputs
flood_and_crash
tool_missing
gradescope
template
grade_class
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
