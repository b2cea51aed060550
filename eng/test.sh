#!/usr/bin/env bash
# The README's test command: on a fresh machine, installs the Debian packages the tests need when they are missing,
# then runs the tests of the whole solution. Arguments go on to `dotnet test`, e.g.
#   bash eng/test.sh --filter "FullyQualifiedName~ValidateCommandTests"
#   bash eng/test.sh -c Release --no-build --logger trx --results-directory artifacts/test-results   (what .ci/run runs)
# Sourced (`source eng/test.sh`), it only defines its functions (apt_install, install_test_prerequisites).

# Installs Debian packages (the package lists are fetched only when the first attempt fails).
# Usage: apt_install WHAT-FAILS-WITHOUT-THEM PACKAGE...
apt_install() {
  local consequence="$1"
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install: no apt-get to install $*; $consequence" >&2
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; } \
    || echo "install: $* could not be installed; $consequence" >&2
}

install_test_prerequisites() {
  # The browser tests drive Debian's Chromium (Playwright for .NET with ExecutablePath=/usr/bin/chromium).
  if [ ! -x /usr/bin/chromium ]; then
    echo "== installing chromium"
    apt_install "the browser tests will fail" chromium
  fi

  # The PostgreSQL store's tests start a throwaway cluster from the server binaries (initdb, pg_ctl).
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    echo "== installing postgresql"
    apt_install "the PostgreSQL store's tests will fail" postgresql
  fi

  # The linux-x64 tool is compiled to native code (Native AOT), which links with the system's C toolchain.
  if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
    echo "== installing a C toolchain for Native AOT"
    apt_install "building the native tool will fail" clang zlib1g-dev
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  install_test_prerequisites
  exec dotnet test BulkInvite.Sdk.sln "$@"
fi
