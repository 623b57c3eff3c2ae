#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the sidecar's tests: its own folder, its own port on
# 127.0.0.1, trust authentication for the role `kiln`, nothing else on the machine touched.
#
#   sidecar/tests/pg-cluster.sh start DIR [PORT]   # prints the URL to put in KILN_TEST_POSTGRES
#   sidecar/tests/pg-cluster.sh stop DIR
#   sidecar/tests/pg-cluster.sh restart DIR        # a real restart (the fault tests use it)
#
# initdb refuses to run as root, so as root the cluster belongs to `nobody` (run through
# runuser). The binaries are found in Debian's /usr/lib/postgresql/<version>/bin (newest
# first) or on the PATH; install them with `apt-get install postgresql`.
set -euo pipefail

command=${1:?usage: pg-cluster.sh start|stop|restart DIR [PORT]}
dir=${2:?usage: pg-cluster.sh start|stop|restart DIR [PORT]}
port=${3:-54329}

bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/initdb" ]; then bin=$candidate; break; fi
done
if [ -z "$bin" ]; then
  initdb_path=$(command -v initdb || true)
  [ -n "$initdb_path" ] || { echo "pg-cluster.sh: no PostgreSQL found (apt-get install postgresql)" >&2; exit 1; }
  bin=$(dirname "$initdb_path")
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U kiln -A trust -E UTF8 --no-locale >"$dir/initdb.log"
    fi
    # fsync stays on (the default): the kill -9 and restart tests need real durability.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    echo "$port" >"$dir/port"
    echo "postgres://kiln@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  restart)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 -l "$dir/server.log" \
      -o "-p $(cat "$dir/port") -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" restart >/dev/null
    ;;
  *)
    echo "pg-cluster.sh: unknown command $command" >&2
    exit 2
    ;;
esac
