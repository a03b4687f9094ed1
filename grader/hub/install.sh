#!/usr/bin/env bash
# What `make hub` needs on a clean Linux machine, as root: the hub's Python packages in the course
# venv (the `hub` extra: JupyterHub 6, the idle culler) and configurable-http-proxy (Debian's
# node-configurable-http-proxy, else npm's). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
if [ "$(id -u)" != "0" ]; then
  echo "hub install: run as root (sudo make hub): the hub starts each student's server as that student" >&2
  exit 1
fi
"$PY" -c "import jupyterhub, jupyterhub_idle_culler, pamela" 2>/dev/null \
  || "$PY" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[course,torch,hub]"
proxy_ok() { NODE_PATH="${NODE_PATH:-}:/usr/share/nodejs" configurable-http-proxy --version >/dev/null 2>&1; }
if ! proxy_ok; then
  export DEBIAN_FRONTEND=noninteractive
  if command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends node-configurable-http-proxy >/dev/null || true
  fi
  proxy_ok || { command -v npm >/dev/null && npm install -g --silent configurable-http-proxy; }
  proxy_ok || { echo "hub install: could not install configurable-http-proxy (apt or npm)" >&2; exit 1; }
fi
# PAM logins check passwords in /etc/shadow; runuser starts the checks of the course environment.
command -v runuser >/dev/null || { echo "hub install: runuser (util-linux) is missing" >&2; exit 1; }
echo "hub install: JupyterHub $("$PY" -c 'import jupyterhub; print(jupyterhub.__version__)'), configurable-http-proxy $(NODE_PATH="${NODE_PATH:-}:/usr/share/nodejs" configurable-http-proxy --version)"
