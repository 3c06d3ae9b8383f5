#!/usr/bin/env bash
# Renders a drill report page (GET /drills/runs/{id}/report.html, saved to a file) to a PNG with headless
# Chromium, to look at it as a person would. Usage: scripts/render-report.sh report.html out.png [height]
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <report.html> <out.png> [height in px, default 2400]" >&2
  exit 2
fi

html=$(realpath "$1")
out=$(realpath -m "$2")
height=${3:-2400}

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "No Chromium found: install it (Debian/Ubuntu: apt-get install -y chromium; macOS: brew install --cask chromium)." >&2
  exit 1
fi

# --no-sandbox: Chromium refuses to run as root otherwise (CI containers); the page is our own and fetches nothing.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="1280,$height" \
  --screenshot="$out" "file://$html" 2>/dev/null
echo "$out"
