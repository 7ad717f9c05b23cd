#!/usr/bin/env bash
# Team hub figures: a throw-away PostgreSQL 15 cluster on loopback, then
#   push of 10,000 passages (one coder); 20 more coders × 5,000 passages pushed at once; pull of all 110,000 into a new clone.
# Usage: Benchmarks/hub-bench.sh [path/to/focuscode]   (build it first: swift build -c release)
set -euo pipefail
FC=$(realpath "${1:-.build/release/focuscode}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=/usr/lib/postgresql/15/bin
W=$(mktemp -d /tmp/fc-hubbench-XXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$W"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$BIN/initdb" -D "$W/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile=<(echo x) >/dev/null 2>&1 || \
  { echo x > "$W/pw"; [ "$(id -u)" = 0 ] && chown postgres "$W/pw"; as_pg "$BIN/initdb" -D "$W/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile="$W/pw" >/dev/null; }
printf "max_connections = 60\n" >> "$W/data/postgresql.conf"
as_pg "$BIN/pg_ctl" -D "$W/data" -l "$W/log" -w -o "-p $PORT -k $W -c listen_addresses=127.0.0.1" start >/dev/null
trap 'as_pg "$BIN/pg_ctl" -D "$W/data" -m fast -w stop >/dev/null; rm -rf "$W"' EXIT
psql_admin() { as_pg "$BIN/psql" -h "$W" -p "$PORT" -U postgres -X -At -c "$1" "${2:-postgres}"; }
psql_admin "CREATE ROLE lead LOGIN CREATEROLE PASSWORD 'leadpw'" >/dev/null
psql_admin "CREATE DATABASE bench OWNER lead" >/dev/null
cd "$W"
"$FC" init --project lead.sqlite >/dev/null
"$FC" import "$ROOT/Fixtures/transcripts/FG1.docx" --group FG1 --moderator Moderator --project lead.sqlite >/dev/null
"$FC" import "$ROOT/Fixtures/transcripts/FG2.vtt" --group FG2 --project lead.sqlite >/dev/null
"$FC" codebook import "$ROOT/Fixtures/codebook.yaml" --project lead.sqlite >/dev/null
export PGPASSWORD=leadpw
"$FC" hub init "postgresql://lead@127.0.0.1:$PORT/bench" --project lead.sqlite >/dev/null
add_passages() {  # FILE CODER COUNT: distinct one-character passages over long turns and every code
  sqlite3 "$1" "INSERT OR IGNORE INTO coders(name, uid, created_at) VALUES ('$2', lower(hex(randomblob(16))), '2026-01-01T00:00:00Z');
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 200000),
    e AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM excerpts WHERE length(text) > 200),
    c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM codes),
    ne AS (SELECT count(*) AS n FROM e), nc AS (SELECT count(*) AS n FROM c)
    INSERT INTO codings(uid, excerpt_id, code_id, coder_id, span_start, span_end, created_at)
    SELECT lower(hex(randomblob(16))), e.id, c.id, (SELECT id FROM coders WHERE name = '$2'), n.i / (ne.n * nc.n), n.i / (ne.n * nc.n) + 1, '2026-01-01T00:00:00Z'
    FROM n, ne, nc JOIN e ON e.k = n.i % ne.n JOIN c ON c.k = (n.i / ne.n) % nc.n WHERE n.i < $3;"
}
peak() { /usr/bin/time -f "%e s, peak %M KB" "$@" 2>&1 >/dev/null | tail -1; }
declare -A PW
for i in $(seq 0 20); do   # c0 pushes 10,000 alone; c1…c20 push 5,000 each, all at once
  url=$("$FC" hub coder add "c$i" --project lead.sqlite | grep '^postgresql://')
  PW[c$i]=$(echo "$url" | sed -E 's|postgresql://[^:]+:([^@]+)@.*|\1|')
  PGPASSWORD=${PW[c$i]} "$FC" hub clone "$url" "c$i.sqlite" >/dev/null
done
add_passages c0.sqlite c0 10000
echo "push of 10,000 passages (one coder): $(PGPASSWORD=${PW[c0]} peak "$FC" hub push --project c0.sqlite)"
for i in $(seq 1 20); do add_passages "c$i.sqlite" "c$i" 5000; done
start=$(date +%s.%N)
for i in $(seq 1 20); do PGPASSWORD=${PW[c$i]} "$FC" hub push --project "c$i.sqlite" >/dev/null & done
wait
end=$(date +%s.%N)
echo "20 coders × 5,000 passages pushed at once: $(python3 -c "print(round($end - $start, 2))") s wall"
echo "server passages: $(psql_admin "SELECT count(*) FROM hub.rows WHERE kind = 'passage'" bench)"
"$FC" hub unblind --coders "$(seq -s, -f 'c%g' 0 20)" --project lead.sqlite >/dev/null
echo "pull of all passages into a new clone (supervisor): $(peak "$FC" hub clone "postgresql://lead:leadpw@127.0.0.1:$PORT/bench" clone.sqlite)"
echo "clone codings: $(sqlite3 clone.sqlite 'SELECT count(*) FROM codings')"
