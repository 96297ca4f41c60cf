#!/usr/bin/env bash
# The browser the web app's tests drive: Debian's chromium (Playwright never downloads one).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

if ! command -v chromium >/dev/null; then
  log "installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
log "browser: $(chromium --version 2>/dev/null | head -1)"
