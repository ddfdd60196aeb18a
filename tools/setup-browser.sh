#!/usr/bin/env bash
# Installs headless Chromium and its WebDriver (Debian's chromium and chromium-driver) for the dashboard's browser
# tests (DashboardBrowserTest), which are skipped with one line without them, and fail under CI=true.
# Safe to run again: it installs only what is missing.
set -euo pipefail

bash "$(dirname "$0")/apt-missing.sh" setup-browser "install Chromium and chromedriver with your package manager" \
    chromium chromium-driver
