#!/usr/bin/env bash
# One entry point for a fresh machine:
#   ./build.sh run    installs what is missing, then runs the whole app (prints the dashboard URL)
#   ./build.sh test   installs what is missing, then runs every test against the real app
#   ./build.sh rehearse-deploy   publishes the manifest and starts the whole app from it alone (no AppHost), as a
#                     deployment would, then checks it: healthy, the spec's chaos curls, a nightly drill, failover, failback
# Extra arguments go to `dotnet run` / `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else return 1; fi
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK is missing: install .NET SDK 10.0 (https://dot.net), then run this again."
  dotnet --list-sdks | grep -q '^10\.' || die "the .NET 10 SDK is missing (found: $(dotnet --list-sdks | tr '\n' ' ')); install .NET SDK 10.0."
}

container_runtime_answers() {
  local runtime="${ASPIRE_CONTAINER_RUNTIME:-docker}"
  command -v "$runtime" >/dev/null 2>&1 && timeout 5 "$runtime" info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

postgres_bindir() {
  if command -v postgres >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then dirname "$(command -v postgres)"; return; fi
  if command -v pg_config >/dev/null 2>&1; then
    local dir; dir="$(pg_config --bindir)"
    [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  fi
  return 1
}

# Without a container runtime the AppHost runs redis-server, postgres and prometheus as local processes (Infra:Mode);
# the tests check the alert rules with promtool, which comes with prometheus.
require_local_servers() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  postgres_bindir >/dev/null || missing+=(postgresql)
  { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)
  [ ${#missing[@]} -eq 0 ] && return

  say "installing ${missing[*]} (no container runtime answered)"
  if command -v apt-get >/dev/null 2>&1; then
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || die "could not install ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}' yourself."
  elif command -v brew >/dev/null 2>&1; then
    local formulas=()
    for m in "${missing[@]}"; do
      case "$m" in redis-server) formulas+=(redis) ;; postgresql) formulas+=(postgresql@15) ;; *) formulas+=("$m") ;; esac
    done
    brew install "${formulas[@]}" || die "could not install ${formulas[*]} with Homebrew."
  else
    die "install ${missing[*]} (Redis 7, PostgreSQL 15 or newer, Prometheus 2) or a container runtime (Docker, Podman), then run this again."
  fi

  command -v redis-server >/dev/null 2>&1 || die "redis-server is still not on PATH."
  command -v promtool >/dev/null 2>&1 || die "promtool (package prometheus) is still not on PATH."
  postgres_bindir >/dev/null || die "PostgreSQL's postgres and initdb are still not found (PATH or pg_config --bindir)."
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    die "running as root, PostgreSQL must run as the 'postgres' user, which does not exist: create it (useradd --system postgres)."
  fi
}

# The OpenAPI test lints the manager's document with the Spectral CLI pinned in tools/openapi-lint (needs node and npm).
require_openapi_lint() {
  local lint=tools/openapi-lint
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "installing nodejs and npm (the OpenAPI lint runs on node)"
    if command -v apt-get >/dev/null 2>&1; then
      as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null \
        || die "could not install nodejs and npm: run 'sudo apt-get install -y nodejs npm' yourself."
    elif command -v brew >/dev/null 2>&1; then
      brew install node || die "could not install node with Homebrew."
    else
      die "install Node.js 18.18 or newer with npm, then run this again."
    fi
  fi
  # npm ci only when node_modules is missing or older than the lock file.
  if [ ! -f "$lint/node_modules/.package-lock.json" ] || [ "$lint/package-lock.json" -nt "$lint/node_modules/.package-lock.json" ]; then
    say "installing the pinned OpenAPI linter ($lint)"
    npm ci --prefix "$lint" --no-audit --no-fund --loglevel=error >/dev/null \
      || die "could not install the OpenAPI linter: run 'npm ci --prefix $lint' yourself."
  fi
}

prepare() {
  require_dotnet
  if container_runtime_answers; then
    say "container runtime answers: Redis and PostgreSQL will run as containers"
  else
    require_local_servers
    say "no container runtime: Redis and PostgreSQL will run as local processes"
  fi
}

command="${1:-}"; [ $# -gt 0 ] && shift
case "$command" in
  run)
    prepare
    say "starting the app; open the dashboard 'Login to the dashboard at' URL printed below"
    exec dotnet run --project AtlasBank.Chaos.AppHost --launch-profile http "$@"
    ;;
  test)
    # The tests always use processes mode, so they need the local servers even where Docker runs.
    require_dotnet
    require_local_servers
    require_openapi_lint
    results="$(mktemp -d)"
    status=0
    dotnet test AtlasBank.Chaos.sln --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?
    # A plain closing line ("N passed, N failed") that any CI can read.
    if ls "$results"/*.trx >/dev/null 2>&1; then
      python3 - "$results"/*.trx <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
c = ET.parse(sys.argv[1]).getroot().find("t:ResultSummary/t:Counters", ns).attrib
print(f"{c['passed']} passed, {c['failed']} failed, {int(c['total']) - int(c['executed'])} skipped")
PY
    fi
    rm -rf "$results"
    exit $status
    ;;
  rehearse-deploy)
    # The containers are played by the local servers their images stand for, so it needs them even where Docker runs.
    require_dotnet
    require_local_servers
    dotnet build AtlasBank.Chaos.sln -c Release -v q -nologo
    exec dotnet run -c Release --no-build --project AtlasBank.Chaos.DeployRehearsal -- "$PWD" Release
    ;;
  *)
    echo "usage: ./build.sh run|test|rehearse-deploy [extra dotnet arguments]" >&2
    exit 2
    ;;
esac
