#!/bin/sh
# Sharded audit benchmark (docs/scale.md): a throwaway PostgreSQL on 127.0.0.1 (as the tests
# start it), a synthetic organisation of independent repositories (bench/make_org.py --shared),
# then repositories/hour of one process into SQLite and into PostgreSQL, of 4 shards at once,
# and the PostgreSQL write rate with 8 concurrent writers (rows of blobs, findings, details and
# occurrences committed per second). Needs root (PostgreSQL runs as the postgres user) or a
# non-root user that may run initdb.
#   bench/cluster_bench.sh [BUILD_DIR] [REPOS] [COMMITS_PER_REPO]
set -eu
BUILD=${1:-build}
REPOS=${2:-200}
COMMITS=${3:-30}
KH=$(cd "$BUILD" && pwd)/keyhound
HERE=$(cd "$(dirname "$0")" && pwd)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
W=$(mktemp -d /tmp/keyhound-cluster-bench.XXXXXX)
AS=""
if [ "$(id -u)" = 0 ]; then AS="runuser -u postgres --"; chown postgres "$W"; fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  [ -f "$W/data/postmaster.pid" ] && kill "$(head -1 "$W/data/postmaster.pid")" 2>/dev/null || true
  sleep 1
  rm -rf "$W"
}
trap stop EXIT
export XDG_CACHE_HOME="$W/cache"
$AS "$PGBIN/initdb" -D "$W/data" -A trust -U postgres --no-sync >/dev/null
# Durable writes, as a real datastore would run (fsync on; the tests turn it off).
$AS "$PGBIN/pg_ctl" -D "$W/data" -o "-p $PORT -k $W -c listen_addresses=127.0.0.1" -l "$W/data/server.log" -w start >/dev/null
URL="postgresql://postgres@127.0.0.1:$PORT"
for db in single four eight; do
  psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE $db" postgres
done

python3 "$HERE/make_org.py" "$W/org" --seed 1 --repos "$REPOS" --commits "$COMMITS" --forks 0 --large-commits 0 \
  --shared >/dev/null
"$KH" rules list >/dev/null  # the rule cache is built once, outside the timings

now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t * 3600 }'; }
run_audit() { "$KH" audit "$W/org" --progress none -o /dev/null -q "$@" || [ $? -eq 1 ]; }

t0=$(now); run_audit --datastore "$W/single.db"; t1=$(now)
sqlite=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); run_audit --datastore "$URL/single"; t1=$(now)
single=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now)
for k in 0 1 2 3; do run_audit --datastore "$URL/four" --shard "$k/4" --threads 1 & done
wait
t1=$(now)
four=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now)
for k in 0 1 2 3 4 5 6 7; do run_audit --datastore "$URL/eight" --shard "$k/8" --threads 1 --batch-blobs 50 & done
wait
t1=$(now)
eight=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
rows=$(psql -At -h 127.0.0.1 -p "$PORT" -U postgres -c "SELECT (SELECT COUNT(*) FROM blobs) + (SELECT COUNT(*) FROM findings) + (SELECT COUNT(*) FROM details) + (SELECT COUNT(*) FROM occurrences) + (SELECT COUNT(*) FROM commits)" eight)
same=no
[ "$("$KH" datastore dump "$URL/single")" = "$("$KH" datastore dump "$URL/four")" ] && same=yes

echo "repositories: $REPOS ($COMMITS commits each), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one process, SQLite:        ${sqlite} s  $(rate "$REPOS" "$sqlite") repositories/hour"
echo "one process, PostgreSQL:    ${single} s  $(rate "$REPOS" "$single") repositories/hour"
echo "4 shards, PostgreSQL:       ${four} s  $(rate "$REPOS" "$four") repositories/hour (datastore equal to one process: $same)"
echo "8 writers, PostgreSQL:      ${eight} s  $rows rows, $(awk -v n="$rows" -v t="$eight" 'BEGIN { printf "%.0f", n / t }') rows/s"
echo "per repository (one process, PostgreSQL): $(awk -v t="$single" -v n="$REPOS" 'BEGIN { printf "%.1f", t / n * 1000 }') ms"
