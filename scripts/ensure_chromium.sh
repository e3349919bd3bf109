#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests (Playwright drives it via executable_path).
# Installs it with apt-get when running as root; otherwise explains, and under CI=true fails.
set -u
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
reason=""
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "make: installing Debian's chromium for the browser tests (apt-get)…" >&2
    if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core; } >/tmp/rnnbook-apt.log 2>&1 \
        && [ -x "$CHROMIUM" ]; then
        exit 0
    fi
    reason="apt-get install chromium failed (see /tmp/rnnbook-apt.log)"
else
    reason="$CHROMIUM is missing and apt-get cannot be run (not root); install Debian's chromium package"
fi
if [ "${CI:-}" = "true" ]; then
    echo "make: browser tests need Chromium: $reason" >&2
    exit 1
fi
echo "make: browser tests will be skipped: $reason" >&2
exit 0
