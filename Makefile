# Makefile -- builds the grader and the exercise harnesses, and runs them.
#
#   make grade [EX="balance deadlock"] [SRC=dir] [JSON=file] [JUNIT=file] [SEED=n]
#   make test            the grader's own tests, all of them (about 11 minutes)
#   make check           the quick ones: all but the corpus
#   make lint; make format-check; make format
#   make drill           drill mode: regrade on every save, with hints
#   make hint [EX=name]  the next hint; make progress; make reset EX=name
#
# Harnesses are built in three variants (fast, tsan, debug), one folder
# each under build/; harness/variants.mk says with which compiler and flags,
# for the harness and for the student's file.  The grader compiles the
# student's file itself, per variant, and links it with these.  Adding an
# exercise needs a folder in exercises/, solutions/ and harness/ (with a
# rubric.json), its line in exercises/course.list, and `make classroom`.

# The exercises in course order: the names in the one list (its comment
# lines start with #, names with a lowercase letter).
EXERCISES := $(shell grep '^[a-z0-9_]' exercises/course.list)
EX ?= $(EXERCISES)
SRC ?= exercises

BUILD := build
WARN := -Wall -Wextra -Werror
STD := -std=c11 -D_GNU_SOURCE
# Every object notes the headers it read (build/.../x.d, included below),
# so editing a header rebuilds what uses it.
DEPFLAGS := -MMD -MP
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
# The harness installs a seccomp filter (harness/common/sandbox.c).
SECCOMP_LIBS := $(shell pkg-config --libs libseccomp 2>/dev/null)

include harness/variants.mk
# The student's side of each variant, for grader/build.c.
VARIANT_DEFINES := $(foreach v,$(VARIANTS),-DVARIANT_CC_$(v)='"$(CC_$(v))"' \
	-DVARIANT_CFLAGS_$(v)='"$(STUDENT_CFLAGS_$(v))"' -DVARIANT_LDFLAGS_$(v)='"$(LDFLAGS_$(v))"')

# Exercises that have a harness so far.
HARNESSED := $(notdir $(patsubst %/,%,$(dir $(wildcard harness/*/rubric.json))))

COMMON_SRC := $(wildcard harness/common/*.c)
GRADER_SRC := $(filter-out grader/main.c,$(wildcard grader/*.c))
# The grader counts usable CPUs as the harness does: it builds that file too.
GRADER_OBJ := $(GRADER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/grader/cpu_quota.o
GRADER_CFLAGS := $(STD) $(WARN) -O2 -g -Iprotocol $(shell pkg-config --cflags jansson libxml-2.0 2>/dev/null) \
	-DCHECK_LIBS='"$(CHECK_LIBS) $(SECCOMP_LIBS)"' -Iharness/common
GRADER_LIBS := $(shell pkg-config --libs jansson libxml-2.0 2>/dev/null)
# Drill mode: its own program, linked with the grader's modules (rubric, text).
DRILL_SRC := $(wildcard drill/*.c)
DRILL_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out drill/main.c,$(DRILL_SRC)))
DRILL := $(BUILD)/drill/drill

.PHONY: all grade quiet-build check test harnesses tools clean format format-check lint \
	print-exercises drill hint progress reset
.DELETE_ON_ERROR:

all: $(BUILD)/grader/grader harnesses $(DRILL)

# One archive per variant for the common harness, one per exercise.
define variant_rules
$(BUILD)/$(1)/common/%.o: harness/common/%.c harness/variants.mk | tools
	@mkdir -p $$(@D)
	$$(CC_$(1)) $(STD) $(WARN) $(DEPFLAGS) $$(HARNESS_CFLAGS_$(1)) $(CHECK_CFLAGS) -Iprotocol \
		-pthread -c $$< -o $$@

$(BUILD)/$(1)/libharness.a: $(COMMON_SRC:harness/common/%.c=$(BUILD)/$(1)/common/%.o)
	rm -f $$@ && ar rcs $$@ $$^

$(foreach e,$(HARNESSED),
$(BUILD)/$(1)/$(e)/harness.a: $(patsubst harness/%.c,$(BUILD)/$(1)/%.o,$(wildcard harness/$(e)/*.c))
	rm -f $$@ && ar rcs $$@ $$^
)

$(BUILD)/$(1)/%.o: harness/%.c harness/variants.mk | tools
	@mkdir -p $$(@D)
	$$(CC_$(1)) $(STD) $(WARN) $(DEPFLAGS) $$(HARNESS_CFLAGS_$(1)) $(CHECK_CFLAGS) -pthread \
		-Iharness/common -Iexercises/$$(patsubst %/,%,$$(dir $$*)) -c $$< -o $$@
endef
$(foreach v,$(VARIANTS),$(eval $(call variant_rules,$(v))))

harnesses: $(foreach v,$(VARIANTS),$(BUILD)/$(v)/libharness.a \
	$(foreach e,$(HARNESSED),$(BUILD)/$(v)/$(e)/harness.a))

$(BUILD)/grader/%.o: grader/%.c | tools
	@mkdir -p $(@D)
	$(CC_fast) $(GRADER_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/grader/cpu_quota.o: harness/common/cpu_quota.c | tools
	@mkdir -p $(@D)
	$(CC_fast) $(GRADER_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/grader/build.o: GRADER_CFLAGS += $(VARIANT_DEFINES)
$(BUILD)/grader/build.o: harness/variants.mk

$(BUILD)/grader/grader: $(BUILD)/grader/main.o $(GRADER_OBJ)
	$(CC_fast) -o $@ $^ $(GRADER_LIBS)

$(BUILD)/drill/%.o: drill/%.c | tools
	@mkdir -p $(@D)
	$(CC_fast) $(GRADER_CFLAGS) $(DEPFLAGS) -Igrader -c $< -o $@

$(DRILL): $(BUILD)/drill/main.o $(DRILL_LIB_OBJ) $(GRADER_OBJ)
	$(CC_fast) -o $@ $^ $(GRADER_LIBS)

# Says which tool is missing and how to install it, instead of a cryptic error.
tools:
	@sh grader/need-tools.sh

# make grade builds quietly: one line, and the compiler's output only when
# the build fails (all of it is in build/build.log).
quiet-build:
	@mkdir -p $(BUILD); printf 'building the grader and the harnesses... '; \
	if $(MAKE) --no-print-directory all > $(BUILD)/build.log 2>&1; then echo ok; \
	else echo failed; cat $(BUILD)/build.log; exit 1; fi

# Grading the student's own exercises (SRC=exercises) records the scores in
# .progress, as drill mode does, so make progress and make hint follow.
GRADE_JSON = $(if $(JSON),$(JSON),$(BUILD)/grade-results.json)
grade: quiet-build
	@$(BUILD)/grader/grader --root . --src '$(SRC)' --json '$(GRADE_JSON)' $(if $(JUNIT),--junit '$(JUNIT)') \
		$(if $(GRADESCOPE),--gradescope '$(GRADESCOPE)') \
		$(if $(SEED),--seed '$(SEED)') $(if $(VERBOSE),--verbose) $(EX)
	@$(if $(filter exercises,$(SRC)),$(DRILL) --root . record '$(GRADE_JSON)')

# EX only when the student gave one: hint then defaults to the current exercise.
GIVEN_EX = $(if $(filter command line environment,$(origin EX)),'$(EX)')

drill: all
	@$(DRILL) --root .

hint reset: $(DRILL)
	@$(DRILL) --root . $@ $(GIVEN_EX)

progress: $(DRILL)
	@$(DRILL) --root . progress

TEST_CFLAGS := $(STD) $(WARN) -O1 -g -Iprotocol $(CHECK_CFLAGS) $(shell pkg-config --cflags jansson libxml-2.0 2>/dev/null) \
	-DCHECK_LIBS='"$(CHECK_LIBS) $(SECCOMP_LIBS)"'

$(BUILD)/tests/%: tests/%.c $(GRADER_OBJ) $(DRILL_LIB_OBJ) | tools
	@mkdir -p $(@D)
	$(CC_fast) $(TEST_CFLAGS) $(DEPFLAGS) -MF $@.d -Igrader -Idrill $< $(GRADER_OBJ) \
		$(DRILL_LIB_OBJ) -o $@ \
		$(CHECK_LIBS) $(GRADER_LIBS)

# The sandbox's test runs the harness's filter itself, without a harness main.
$(BUILD)/tests/unit_sandbox: tests/unit_sandbox.c $(BUILD)/debug/common/sandbox.o $(GRADER_OBJ) | tools
	@mkdir -p $(@D)
	$(CC_fast) $(TEST_CFLAGS) -Igrader -Iharness/common $< $(BUILD)/debug/common/sandbox.o \
		$(GRADER_OBJ) -o $@ $(CHECK_LIBS) $(SECCOMP_LIBS) $(GRADER_LIBS)

# The toolkit's test links the debug build's harness archive: the linker
# takes toolkit.o and only what it needs (clocks, configuration, records),
# never the harness's main (the test has its own).
$(BUILD)/tests/unit_toolkit: tests/unit_toolkit.c $(BUILD)/debug/libharness.a | tools
	@mkdir -p $(@D)
	$(CC_fast) $(TEST_CFLAGS) $(DEPFLAGS) -MF $@.d -pthread -Iharness/common $< \
		$(BUILD)/debug/libharness.a -o $@ \
		$(CHECK_LIBS)

UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/unit_*.c))

# The quick tests: everything but the corpus (two minutes, not eleven).
# The grader run by the tests writes no GitHub Actions outputs of its own.
check: all $(UNIT_TESTS)
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY; set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done
	@echo "== tests/instructors_test.sh (workflows, Classroom, JUnit, Gradescope, template, grade-class)"
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY MAKEFLAGS; sh tests/instructors_test.sh
	@echo "== tests/cpu_quota_test.sh (saturate in a cgroup at half a CPU; as root, else skipped)"
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY; sh tests/cpu_quota_test.sh
	@echo "== tests/drill_tmux.sh (drill mode driven in tmux)"
	@sh tests/drill_tmux.sh
	@echo "== tests/state_test.sh (nothing a run leaves changes the next grading)"
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY; sh tests/state_test.sh

# All the tests: the quick ones, then every submission of the corpus.
test: check $(BUILD)/tests/corpus_test
	@echo "== $(BUILD)/tests/corpus_test (grades every submission in tests/corpus)"
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY; $(BUILD)/tests/corpus_test

print-exercises:
	@echo $(EXERCISES)

# Lint and format cover all the project's C: the grader, the harnesses,
# drill mode, the instructors' tools, the tests, the stubs and the reference
# solutions; not tests/corpus, whose files are wrong on purpose.
LINT_C := $(wildcard grader/*.c harness/*/*.c drill/*.c instructors/*.c instructors/*/*.c \
	tests/*.c exercises/*/*.c solutions/*/*.c)
FORMAT_FILES := $(LINT_C) $(wildcard grader/*.h harness/*/*.h drill/*.h instructors/*/*.h tests/*.h \
	exercises/*/*.h protocol/*.h)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@echo "clang-format: $(words $(FORMAT_FILES)) files"
	@clang-format --dry-run --Werror $(FORMAT_FILES)

# clang-tidy needs each file's include paths: an exercise's own folder and
# header for harness/E, exercises/E and solutions/E; the grader's, drill's
# and the libraries' for the rest.
exercise_of = $(word 2,$(subst /, ,$(1)))
PROJECT_LINT_FLAGS := $(CHECK_CFLAGS) $(shell pkg-config --cflags jansson libxml-2.0 2>/dev/null) \
	-Igrader -Idrill -Iharness/common -Iprotocol $(VARIANT_DEFINES)
lint_flags = $(if $(filter-out harness/common/%,$(filter harness/% exercises/% solutions/%,$(1))), \
	$(CHECK_CFLAGS) -Iharness/common -Iprotocol -Iexercises/$(call exercise_of,$(1)),$(PROJECT_LINT_FLAGS))
TIDY := $(LINT_C:%=tidy/%)
.PHONY: cppcheck $(TIDY)

lint: cppcheck $(TIDY)

# grader/build.c alone: with -D, cppcheck checks only the configuration given.
CPPCHECK := cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	--suppress=missingIncludeSystem -D_GNU_SOURCE
cppcheck:
	@echo "cppcheck: $(words $(LINT_C)) files"
	@$(CPPCHECK) $(filter-out grader/build.c,$(LINT_C))
	@$(CPPCHECK) $(VARIANT_DEFINES) grader/build.c

# Quiet unless it finds something (clang-tidy counts the warnings its
# configuration turns off on stderr).
$(TIDY): tidy/%:
	@out=$$(clang-tidy --quiet --warnings-as-errors='*' $* -- $(STD) $(call lint_flags,$*) 2>&1) \
		|| { printf '%s\n' "$$out"; exit 1; }

clean:
	rm -rf $(BUILD)

# Instructors: student template, Gradescope zip, a whole class (instructors/).
-include instructors/instructors.mk

# The headers each object read (not the grader's work folders under build/,
# whose dependency files describe students' builds).
-include $(wildcard $(BUILD)/grader/*.d $(BUILD)/drill/*.d $(BUILD)/tests/*.d \
	$(BUILD)/instructors/*.d $(BUILD)/instructors/*/*.d $(foreach v,$(VARIANTS),$(BUILD)/$(v)/*/*.d))
