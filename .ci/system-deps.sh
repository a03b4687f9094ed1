#!/usr/bin/env bash
# System packages the tests use: bubblewrap (sandboxed autograding), chromium (browser tests),
# postgresql (gradebook on PostgreSQL). Installed only when missing and only as root; otherwise
# the tests that need them skip with a clear reason.
set -uo pipefail
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing+=(postgresql)
command -v configurable-http-proxy >/dev/null 2>&1 || missing+=(node-configurable-http-proxy)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "system-deps: not root, not installing ${missing[*]} (their tests will skip)"
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "system-deps: could not install ${missing[*]} (their tests will skip)"
exit 0
