#!/usr/bin/env bash
# The hub tests start their own throw-away PostgreSQL 15 cluster (initdb + pg_ctl on a loopback port, see
# Tests/FocusCodeTestSupport/TestPostgres.swift); this only makes sure the binaries are installed.
# Debian's package creates and starts a default cluster: stop it, the tests never use it.
set -euo pipefail
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "installing: postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r version name _; do
      pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
    done
  fi
fi
