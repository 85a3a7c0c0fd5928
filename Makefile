# Makefile -- builds the grader and the exercise harnesses, and runs them.
#
#   make grade [EX="balance deadlock"] [SRC=dir] [JSON=file] [JUNIT=file] [SEED=n]
#   make test            the grader's own tests
#   make drill           drill mode: regrade on every save, with hints
#   make hint [EX=name]  the next hint; make progress; make reset EX=name
#
# Harnesses are built in three variants, one folder each under build/:
#   fast   gcc -O2 -g       timing runs
#   tsan   clang -O1 -fsanitize=thread
#   debug  gcc -O0 -g       functional runs, and Helgrind
# The grader compiles the student's file itself, per variant, and links it
# with these.  Adding an exercise needs a folder in exercises/, solutions/
# and harness/ (with a rubric.json), and its name in EXERCISES.

EXERCISES := balance deadlock semaphore prodcons zombie saturate
EX ?= $(EXERCISES)
SRC ?= exercises

BUILD := build
WARN := -Wall -Wextra -Werror
STD := -std=c11 -D_GNU_SOURCE
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

CC_fast := gcc
CFLAGS_fast := -O2 -g
CC_tsan := clang
CFLAGS_tsan := -O1 -g -fsanitize=thread
CC_debug := gcc
CFLAGS_debug := -O0 -g
VARIANTS := fast tsan debug

# Exercises that have a harness so far.
HARNESSED := $(notdir $(patsubst %/,%,$(dir $(wildcard harness/*/rubric.json))))

COMMON_SRC := $(wildcard harness/common/*.c)
GRADER_SRC := $(filter-out grader/main.c,$(wildcard grader/*.c))
GRADER_OBJ := $(GRADER_SRC:%.c=$(BUILD)/%.o)
GRADER_CFLAGS := $(STD) $(WARN) -O2 -g $(shell pkg-config --cflags jansson libxml-2.0 2>/dev/null) \
	-DCHECK_LIBS='"$(CHECK_LIBS)"'
GRADER_LIBS := $(shell pkg-config --libs jansson libxml-2.0 2>/dev/null)
# Drill mode: its own program, linked with the grader's modules (rubric, text).
DRILL_SRC := $(wildcard drill/*.c)
DRILL_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out drill/main.c,$(DRILL_SRC)))
DRILL := $(BUILD)/drill/drill

.PHONY: all grade quiet-build test harnesses tools clean format lint print-exercises drill hint progress reset
.DELETE_ON_ERROR:

all: $(BUILD)/grader/grader harnesses $(DRILL)

# One archive per variant for the common harness, one per exercise.
define variant_rules
$(BUILD)/$(1)/common/%.o: harness/common/%.c harness/common/harness.h harness/common/internal.h | tools
	@mkdir -p $$(@D)
	$$(CC_$(1)) $(STD) $(WARN) $$(CFLAGS_$(1)) $(CHECK_CFLAGS) -pthread -c $$< -o $$@

$(BUILD)/$(1)/libharness.a: $(COMMON_SRC:harness/common/%.c=$(BUILD)/$(1)/common/%.o)
	rm -f $$@ && ar rcs $$@ $$^

$(foreach e,$(HARNESSED),
$(BUILD)/$(1)/$(e)/harness.a: $(patsubst harness/%.c,$(BUILD)/$(1)/%.o,$(wildcard harness/$(e)/*.c))
	rm -f $$@ && ar rcs $$@ $$^
)

$(BUILD)/$(1)/%.o: harness/%.c harness/common/harness.h | tools
	@mkdir -p $$(@D)
	$$(CC_$(1)) $(STD) $(WARN) $$(CFLAGS_$(1)) $(CHECK_CFLAGS) -pthread \
		-Iharness/common -Iexercises/$$(patsubst %/,%,$$(dir $$*)) -c $$< -o $$@
endef
$(foreach v,$(VARIANTS),$(eval $(call variant_rules,$(v))))

harnesses: $(foreach v,$(VARIANTS),$(BUILD)/$(v)/libharness.a \
	$(foreach e,$(HARNESSED),$(BUILD)/$(v)/$(e)/harness.a))

$(BUILD)/grader/%.o: grader/%.c $(wildcard grader/*.h) | tools
	@mkdir -p $(@D)
	$(CC_fast) $(GRADER_CFLAGS) -c $< -o $@

$(BUILD)/grader/grader: $(BUILD)/grader/main.o $(GRADER_OBJ)
	$(CC_fast) -o $@ $^ $(GRADER_LIBS)

$(BUILD)/drill/%.o: drill/%.c $(wildcard drill/*.h grader/*.h) | tools
	@mkdir -p $(@D)
	$(CC_fast) $(GRADER_CFLAGS) -Igrader -c $< -o $@

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

TEST_CFLAGS := $(STD) $(WARN) -O1 -g $(CHECK_CFLAGS) $(shell pkg-config --cflags jansson libxml-2.0 2>/dev/null)

$(BUILD)/tests/%: tests/%.c $(GRADER_OBJ) $(DRILL_LIB_OBJ) | tools
	@mkdir -p $(@D)
	$(CC_fast) $(TEST_CFLAGS) -Igrader -Idrill $< $(GRADER_OBJ) $(DRILL_LIB_OBJ) -o $@ \
		$(CHECK_LIBS) $(GRADER_LIBS)

UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/unit_*.c))

# The grader run by the tests writes no GitHub Actions outputs of its own.
test: all $(UNIT_TESTS) $(BUILD)/tests/corpus_test
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY; set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done
	@echo "== tests/instructors_test.sh (workflows, Classroom, JUnit, Gradescope, template, grade-class)"
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY; sh tests/instructors_test.sh
	@echo "== tests/drill_tmux.sh (drill mode driven in tmux)"
	@sh tests/drill_tmux.sh
	@echo "== $(BUILD)/tests/corpus_test (grades every submission in tests/corpus)"
	@unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY; $(BUILD)/tests/corpus_test

print-exercises:
	@echo $(EXERCISES)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem -D_GNU_SOURCE $$(git ls-files '*.c' | grep -v '^tests/corpus/')
	clang-tidy --quiet --warnings-as-errors='*' $$(git ls-files 'grader/*.c' 'harness/common/*.c' \
		'drill/*.c' 'instructors/*.c') -- $(STD) $(CHECK_CFLAGS) \
		$$(pkg-config --cflags jansson libxml-2.0) -Igrader -Iharness/common -Idrill

clean:
	rm -rf $(BUILD)

# Instructors: student template, Gradescope zip, a whole class (instructors/).
-include instructors/instructors.mk
