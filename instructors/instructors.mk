# instructors.mk -- targets for instructors, included by the Makefile:
#
#   make template DEST=dir        a ready student repository (no solutions)
#   make gradescope [ZIP=file]    the Gradescope autograder zip
#   make grade-class DIR=submissions [OUT=gradebook.csv] [EX=...] [JOBS=n]
#                    [LIMIT=seconds per student]
#   make gradebook FROM=results [OUT=gradebook.csv]   merges results graded elsewhere
#   make classroom                rewrites the Classroom workflow from exercises/course.list
#
# A student repository made by `make template` leaves this folder out, so
# students see only `make grade`.

.PHONY: template gradescope grade-class gradebook classroom

template:
	@test -n '$(DEST)' || { echo 'usage: make template DEST=dir' >&2; exit 2; }
	@sh instructors/template.sh '$(DEST)'

ZIP ?= $(BUILD)/gradescope.zip
gradescope:
	@sh instructors/gradescope.sh '$(ZIP)'

# grade-class: its own command line, scheduler and gradebook, linked with
# the grader's modules (rubric, runner, pool, clock).
GRADE_CLASS_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard instructors/grade_class/*.c))
$(BUILD)/instructors/grade_class/%.o: instructors/grade_class/%.c | tools
	@mkdir -p $(@D)
	$(CC_fast) $(GRADER_CFLAGS) $(DEPFLAGS) -Igrader -c $< -o $@

$(BUILD)/instructors/grade-class: $(GRADE_CLASS_OBJ) $(GRADER_OBJ)
	$(CC_fast) -o $@ $^ $(GRADER_LIBS)

OUT ?= gradebook.csv
JOBS ?= 1
LIMIT ?= 1800
grade-class: all $(BUILD)/instructors/grade-class
	@test -n '$(DIR)' || { echo 'usage: make grade-class DIR=submissions [OUT=gradebook.csv]' >&2; exit 2; }
	@$(BUILD)/instructors/grade-class --root '$(CURDIR)' --dir '$(DIR)' --out '$(OUT)' \
		--jobs '$(JOBS)' --limit '$(LIMIT)' $(EX)

# The gradebook from results graded elsewhere (one CI job per student, each
# uploading STUDENT.json): FROM is the folder of results, or of artifacts.
gradebook: $(BUILD)/instructors/grade-class
	@test -n '$(FROM)' || { echo 'usage: make gradebook FROM=results [OUT=gradebook.csv]' >&2; exit 2; }
	@$(BUILD)/instructors/grade-class --root '$(CURDIR)' --merge '$(FROM)' --out '$(OUT)' $(EX)

# GitHub reads the workflow as committed: it lists the exercises itself.
classroom:
	sh instructors/classroom.sh >.github/workflows/classroom.yml
