#!/usr/bin/env bash
# Create the virtualenv and install the pinned project. Debian splits venv/ensurepip into python3-venv.
set -euo pipefail
venv=${1:-.venv}
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! python3 -m venv "$venv" 2>/dev/null; then
  echo "python3 venv is missing: installing python3-venv"
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq python3-venv
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -e '.[dev]'
