#!/bin/sh
# install-deps.sh [--tests] -- installs what grading needs on Debian or
# Ubuntu (make grade, the Classroom workflow, Gradescope); with --tests,
# also what the project's own tests need (make test, make lint).
# Works as root or as a user with sudo; safe to run again.
set -e
packages="build-essential pkg-config clang valgrind check libsubunit-dev libjansson-dev
binutils libseccomp-dev libxml2-dev"
test_packages="libxml2-utils tmux yamllint yq jq zip unzip cppcheck clang-tidy clang-format"
if [ "${1:-}" = --tests ]; then
	packages="$packages $test_packages"
elif [ -n "${1:-}" ]; then
	echo "usage: sh grader/install-deps.sh [--tests]" >&2
	exit 2
fi
if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1; then
	as_root="sudo"
else
	echo "install-deps: run as root, or install sudo, to install: $packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps: installed $(echo $packages | tr '\n' ' ')"
