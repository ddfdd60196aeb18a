#!/usr/bin/env bash
# Usage: apt-missing.sh WHO "WHAT TO INSTALL BY HAND" PACKAGE...
# Installs with apt-get those of the Debian packages that are not installed yet (with sudo when not root); the
# setup scripts share it. WHO prefixes its lines; the hint is printed where there is no apt-get.
set -euo pipefail
who=$1
hint=$2
shift 2
missing=()
for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "$who: $* already installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: apt-get not found; $hint" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "$who: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
