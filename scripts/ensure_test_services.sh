#!/usr/bin/env bash
# Everything the test suite needs beyond Python packages: Chromium (+ a Devanagari font), PostgreSQL, Redis.
# Uses what is already running; installs (Debian packages) and starts what is missing.
set -euo pipefail
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then sudo_if_needed apt-get update -qq; apt_updated=1; fi
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ ! -x /usr/bin/chromium ]; then echo "Installing Chromium for the browser tests"; apt_install chromium; fi
if ! fc-list 2>/dev/null | grep -qi "Noto Sans Devanagari"; then apt_install fonts-noto-core; fi
# WeasyPrint (OPD slip PDFs) needs pango; Chromium usually brings it, a server without Chromium may not.
if ! ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1; then apt_install libpango-1.0-0 libpangoft2-1.0-0; fi
# The QR-code test renders the slip PDF to PNG (poppler) and scans it (zbar).
if ! command -v zbarimg >/dev/null || ! command -v pdftoppm >/dev/null; then apt_install poppler-utils zbar-tools; fi

if ! port_open 5432; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then echo "Installing PostgreSQL"; apt_install postgresql; fi
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    sudo_if_needed pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
  fi
  # Debian picks the next free port when 5432 was taken at install time; the tests expect 5432.
  sudo_if_needed pg_conftool "$version" main set port 5432
  # (Re)start so the port setting applies even if the cluster was already up on another port.
  sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main stop >/dev/null 2>&1 || true
  sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
  # A fresh Debian cluster uses password auth on TCP: give the postgres role the password the tests use.
  (cd / && sudo_if_needed su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"")
fi
port_open 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }

if ! port_open 6379; then
  command -v redis-server >/dev/null || { echo "Installing Redis"; apt_install redis-server; }
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp >/dev/null
  for _ in $(seq 1 10); do port_open 6379 && break; sleep 1; done
fi
port_open 6379 || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; }
echo "Test services ready: Chromium, PostgreSQL, Redis"
