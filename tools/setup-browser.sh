#!/usr/bin/env bash
# Installs headless Chromium and its WebDriver (Debian's chromium and chromium-driver) for the dashboard's browser
# tests (DashboardBrowserTest), which are skipped with one line without them, and fail under CI=true.
# Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-browser: ${packages[*]} already installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-browser: apt-get not found; install Chromium and chromedriver with your package manager" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup-browser: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
