#!/bin/sh
# install-deps.sh -- installs what the grader needs on Debian or Ubuntu.
# Works as root or as a user with sudo; safe to run again.
set -e
packages="build-essential pkg-config clang valgrind check libsubunit-dev libjansson-dev
binutils libxml2-dev libxml2-utils tmux yamllint yq jq zip unzip"
# The project's own checks (make lint, make format-check), not grading.
packages="$packages cppcheck clang-tidy clang-format"
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
