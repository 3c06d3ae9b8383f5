#!/usr/bin/env bash
# Runs one drill on the chaos manager, waits for its verdict and saves its report: the nightly GitHub Actions job
# (.github/workflows/nightly-chaos.yml) is this script; run it by hand against any manager the same way.
#
# Usage:  CHAOS_MANAGER_URL=http://localhost:5951 CHAOS_API_KEY=<operator key> scripts/nightly-drill.sh
#
# Environment:
#   CHAOS_MANAGER_URL       required; the manager's base address (http or https)
#   CHAOS_API_KEY           required; an operator key, sent as "Authorization: Bearer" (never printed, never on a
#                           command line: curl reads it from a 0600 file)
#   DRILL                   the drill's name (default nightly; ^[a-z0-9][a-z0-9-]{0,63}$)
#   DRILL_DURATION_SECONDS  optional; overrides the run's duration ({"DurationSeconds":N})
#   REPORT_DIR              where report.html and report.json go (default drill-report)
#   POLL_SECONDS            seconds between polls of the run (default 5)
#   TIMEOUT_SECONDS         how long to wait for the verdict (default 3600); then the run is aborted
#   START_RETRY_SECONDS     how long a start nothing could have begun is retried (default 120): no manager
#                           reachable (refused, no address), or 429/503 (refused before starting anything)
#   GITHUB_STEP_SUMMARY     when set (GitHub Actions), a short Markdown summary is appended to it
#
# Exit codes:
#   0  the run passed
#   1  the run failed or was aborted (the verdict: the job fails)
#   2  configuration or API error: a missing or bad input, a missing tool, the start refused (401, 403, 404, 409,
#      400, 5xx; 429, 503 or unreachable for longer than START_RETRY_SECONDS); no verdict
#   3  no verdict within TIMEOUT_SECONDS, or the script was interrupted: the run was aborted
# The report is downloaded whenever a run was started, whatever its end.
set -euo pipefail

readonly EXIT_PASSED=0 EXIT_VERDICT=1 EXIT_CONFIG=2 EXIT_TIMEOUT=3
readonly MAX_BACKOFF_SECONDS=30
readonly REQUEST_SECONDS=30

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail_config() { printf 'nightly-drill: %s\n' "$*" >&2; exit "$EXIT_CONFIG"; }

# --- inputs -------------------------------------------------------------------------------------------------------

missing_tools=()
for tool in curl python3; do
  command -v "$tool" > /dev/null 2>&1 || missing_tools+=("$tool")
done
if ((${#missing_tools[@]} > 0)); then
  fail_config "missing tool(s): ${missing_tools[*]} (install them: apt-get install -y curl python3)"
fi

[[ -n "${CHAOS_MANAGER_URL:-}" ]] || fail_config "CHAOS_MANAGER_URL is not set: the chaos manager's base address, e.g. https://chaos.example.com"
[[ -n "${CHAOS_API_KEY:-}" ]] || fail_config "CHAOS_API_KEY is not set: an operator key for the chaos manager"
[[ "$CHAOS_MANAGER_URL" =~ ^https?://[^[:space:]]+$ ]] || fail_config "CHAOS_MANAGER_URL must be an http:// or https:// address"
[[ "$CHAOS_API_KEY" != *[[:cntrl:]]* ]] || fail_config "CHAOS_API_KEY holds a control character (a stray newline?)"

base_url=${CHAOS_MANAGER_URL%/}
drill=${DRILL:-nightly}
duration=${DRILL_DURATION_SECONDS:-}
report_dir=${REPORT_DIR:-drill-report}
poll_seconds=${POLL_SECONDS:-5}
timeout_seconds=${TIMEOUT_SECONDS:-3600}
start_retry_seconds=${START_RETRY_SECONDS:-120}

[[ "$drill" =~ ^[a-z0-9][a-z0-9-]{0,63}$ ]] || fail_config "DRILL '$drill' is not a drill name (^[a-z0-9][a-z0-9-]{0,63}\$)"
[[ -z "$duration" || "$duration" =~ ^[1-9][0-9]{0,5}$ ]] || fail_config "DRILL_DURATION_SECONDS '$duration' is not a positive whole number of seconds"
[[ "$poll_seconds" =~ ^[1-9][0-9]{0,3}$ ]] || fail_config "POLL_SECONDS '$poll_seconds' is not a positive whole number of seconds"
[[ "$timeout_seconds" =~ ^[1-9][0-9]{0,5}$ ]] || fail_config "TIMEOUT_SECONDS '$timeout_seconds' is not a positive whole number of seconds"
[[ "$start_retry_seconds" =~ ^[0-9]{1,5}$ ]] || fail_config "START_RETRY_SECONDS '$start_retry_seconds' is not a whole number of seconds"

# --- the key, only in a private file ------------------------------------------------------------------------------

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(
  umask 077
  escaped=${CHAOS_API_KEY//\\/\\\\}
  escaped=${escaped//\"/\\\"}
  printf 'header = "Authorization: Bearer %s"\n' "$escaped" > "$work/auth"
)

# One request with the key. Sets $status (000 when nothing answered) and $curl_exit, the body in $work/body and the
# headers in $work/headers. Never fails the script.
request() {
  local method=$1 path=$2 data=${3:-}
  local args=(--silent --show-error --config "$work/auth" --request "$method" --connect-timeout 10 --max-time "$REQUEST_SECONDS"
    --output "$work/body" --dump-header "$work/headers" --write-out '%{http_code}')
  [[ -z "$data" ]] || args+=(--header 'Content-Type: application/json' --data-binary "$data")
  : > "$work/body"
  : > "$work/headers"
  curl_exit=0
  status=$(curl "${args[@]}" "$base_url$path" 2> "$work/curl-error") || curl_exit=$?
  [[ "$status" =~ ^[0-9]{3}$ && "$status" != 000 ]] || status=000
}

# Prints the named top-level fields of the JSON in $work/body, one a line (names matched ignoring case; a missing
# field or a body that is not JSON prints an empty line).
json_fields() {
  python3 - "$work/body" "$@" << 'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
except (OSError, ValueError):
    doc = {}
fields = {k.lower(): v for k, v in doc.items()} if isinstance(doc, dict) else {}
for name in sys.argv[2:]:
    value = fields.get(name.lower())
    print("" if value is None else " ".join(str(value).split()))
PY
}

# Says what a refused request was: its status and the problem's title, detail and field errors (ProblemDetails).
describe_problem() {
  python3 - "$work/body" << 'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
try:
    doc = json.loads(text)
except ValueError:
    doc = None
if isinstance(doc, dict):
    fields = {k.lower(): v for k, v in doc.items()}
    for name in ("title", "detail"):
        if fields.get(name):
            print(f"  {name}: {' '.join(str(fields[name]).split())}")
    for field, messages in (fields.get("errors") or {}).items():
        print(f"  {field}: {' '.join(map(str, messages)) if isinstance(messages, list) else messages}")
elif text.strip():
    print("  " + " ".join(text.split())[:300])
PY
}

# The Retry-After of the last answer in seconds (0 when it has none).
retry_after() {
  local value
  value=$(tr -d '\r' < "$work/headers" | awk -F': *' 'tolower($1) == "retry-after" { print $2 }' | tail -n 1)
  if [[ "$value" =~ ^[0-9]{1,5}$ ]]; then printf '%s' "$((10#$value))"; else printf 0; fi
}

# Sleeps so that a signal is handled at once, not when the sleep ends.
pause_for() {
  sleep "$1" &
  wait "$!" || true
}

# --- the run ------------------------------------------------------------------------------------------------------

run_id=''
state=''
reason=''

summary() {
  local verdict=$1 why=$2
  [[ -n "${GITHUB_STEP_SUMMARY:-}" ]] || return 0
  # shellcheck disable=SC2016 # the backticks are Markdown's
  {
    printf '### Chaos drill `%s`: %s\n\n' "$drill" "$verdict"
    printf -- '- Run: `%s`\n' "${run_id:-none}"
    printf -- '- Verdict: **%s**\n' "$verdict"
    [[ -z "$why" ]] || printf -- '- Reason: %s\n' "$why"
    [[ -z "$run_id" ]] || printf -- '- Report: the `drill-report-*` artifact (report.html, report.json)\n'
    printf '\n'
  } >> "$GITHUB_STEP_SUMMARY"
}

# Both reports, retried briefly; a report that cannot be had is a warning, not a different verdict.
download_reports() {
  mkdir -p "$report_dir"
  local name path attempt
  for name in report.html report.json; do
    [[ "$name" == report.html ]] && path="/drills/runs/$run_id/report.html" || path="/drills/runs/$run_id/report"
    for attempt in 1 2 3 4 5; do
      request GET "$path"
      if [[ "$status" == 200 ]]; then
        cp "$work/body" "$report_dir/$name"
        log "saved $report_dir/$name"
        break
      fi
      if ((attempt == 5)); then
        printf 'nightly-drill: warning: could not download %s (HTTP %s)\n' "$name" "$status" >&2
      else
        pause_for "$attempt"
      fi
    done
  done
}

finish() {
  local code=$1 verdict=$2 why=$3
  trap - INT TERM
  download_reports
  summary "$verdict" "$why"
  exit "$code"
}

abort_run() {
  local why=$1 until
  log "aborting run $run_id: $why"
  request POST "/drills/runs/$run_id/abort"
  case "$status" in
    202) ;;
    409) log "the run had already ended" ;;
    *) printf 'nightly-drill: the abort answered HTTP %s\n' "$status" >&2; describe_problem >&2 ;;
  esac
  # The owner stops it within a second; wait a little so the report shows the end.
  until=$((SECONDS + 30))
  while ((SECONDS < until)); do
    request GET "/drills/runs/$run_id"
    if [[ "$status" == 200 ]]; then
      mapfile -t fields < <(json_fields State Reason)
      if [[ ! "${fields[0]:-}" =~ ^(pending|running)$ ]]; then
        state=${fields[0]:-}
        reason=${fields[1]:-}
        log "run $run_id: $state${reason:+ ($reason)}"
        return 0
      fi
    fi
    pause_for 1
  done
}

interrupted() {
  abort_run "the script was interrupted"
  finish "$EXIT_TIMEOUT" interrupted "the job was cancelled or interrupted; the run was aborted"
}

log "starting drill '$drill' on $base_url"
body=''
[[ -z "$duration" ]] || body="{\"DurationSeconds\":$duration}"
# Retried only while no run can have begun: curl reached no manager (6: no address, 7: refused), or the manager
# refused before starting anything (429 a limit, 503 a dependency away). A timeout may have started one: not retried.
start_deadline=$((SECONDS + start_retry_seconds))
backoff=2
while true; do
  request POST "/drills/$drill/runs" "$body"
  if [[ "$status" =~ ^(429|503)$ || ( "$status" == 000 && "$curl_exit" =~ ^(6|7)$ ) ]]; then
    hinted=$(retry_after)
    pause=$((backoff > hinted ? backoff : hinted))
    if ((SECONDS + pause < start_deadline)); then
      log "starting the drill: ${status/000/no answer}; retrying in $pause s"
      pause_for "$pause"
      backoff=$((backoff * 2 > MAX_BACKOFF_SECONDS ? MAX_BACKOFF_SECONDS : backoff * 2))
      continue
    fi
  fi
  break
done
if [[ "$status" != 201 ]]; then
  if [[ "$status" == 000 ]]; then
    printf 'nightly-drill: the manager did not answer: %s\n' "$(tr '\n' ' ' < "$work/curl-error")" >&2
  else
    printf 'nightly-drill: starting the drill answered HTTP %s\n' "$status" >&2
    describe_problem >&2
  fi
  summary "not started" "HTTP $status"
  exit "$EXIT_CONFIG"
fi

mapfile -t fields < <(json_fields RunId State)
run_id=${fields[0]:-}
state=${fields[1]:-}
[[ "$run_id" =~ ^run-[0-9a-zA-Z-]+$ ]] || fail_config "the manager answered 201 without a run id"
log "run $run_id: $state"
trap interrupted INT TERM

deadline=$((SECONDS + timeout_seconds))
backoff=$poll_seconds
last_error=''
while true; do
  pause=$poll_seconds
  request GET "/drills/runs/$run_id"
  case "$status" in
    200)
      backoff=$poll_seconds
      last_error=''
      mapfile -t fields < <(json_fields State Reason)
      if [[ "${fields[0]:-}" != "$state" ]]; then
        state=${fields[0]:-}
        reason=${fields[1]:-}
        log "run $run_id: $state${reason:+ ($reason)}"
      fi
      case "$state" in
        passed) finish "$EXIT_PASSED" passed "$reason" ;;
        failed | aborted) finish "$EXIT_VERDICT" "$state" "$reason" ;;
      esac
      ;;
    000 | 429 | 5??)
      # A replica restarting, the proxy between them, a limit: wait and ask again, until the deadline.
      [[ "$status" == "$last_error" ]] || log "polling run $run_id: HTTP $status; retrying until the timeout"
      last_error=$status
      hinted=$(retry_after)
      pause=$((backoff > hinted ? backoff : hinted))
      pause=$((pause > MAX_BACKOFF_SECONDS ? MAX_BACKOFF_SECONDS : pause))
      backoff=$((backoff * 2 > MAX_BACKOFF_SECONDS ? MAX_BACKOFF_SECONDS : backoff * 2))
      ;;
    *)
      printf 'nightly-drill: reading run %s answered HTTP %s\n' "$run_id" "$status" >&2
      describe_problem >&2
      finish "$EXIT_CONFIG" "unknown" "reading the run answered HTTP $status"
      ;;
  esac
  if ((SECONDS + pause > deadline)); then
    abort_run "no verdict within $timeout_seconds s"
    finish "$EXIT_TIMEOUT" "timed out" "no verdict within $timeout_seconds s; the run was aborted (last state: $state)"
  fi
  pause_for "$pause"
done
