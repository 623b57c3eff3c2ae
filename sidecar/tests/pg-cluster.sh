#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the sidecar's tests: its own folder, its own port on
# 127.0.0.1, trust authentication for the role `kiln`, nothing else on the machine touched.
#
#   sidecar/tests/pg-cluster.sh start DIR [PORT]   # prints the URL to put in KILN_TEST_POSTGRES
#   sidecar/tests/pg-cluster.sh start-tls DIR [PORT]
#   sidecar/tests/pg-cluster.sh stop DIR
#   sidecar/tests/pg-cluster.sh restart DIR        # a real restart (the fault tests use it)
#
# start-tls: the same, but TCP connections must use TLS (pg_hba `hostssl` only) and a password
# (SCRAM): a throwaway CA made here with openssl signs the server's certificate (for 127.0.0.1
# and localhost). It leaves DIR/tls/ca.pem, DIR/tls/other-ca.pem (a CA that signed nothing, for
# the tests that must be refused) and DIR/password, and prints a URL with sslmode=require and
# sslrootcert=DIR/tls/ca.pem. The Unix socket in DIR stays trusted, for the tests' own checks.
#
# initdb refuses to run as root, so as root the cluster belongs to `nobody` (run through
# runuser). The binaries are found in Debian's /usr/lib/postgresql/<version>/bin (newest
# first) or on the PATH; install them with `apt-get install postgresql`.
set -euo pipefail

command=${1:?usage: pg-cluster.sh start|start-tls|stop|restart DIR [PORT]}
dir=${2:?usage: pg-cluster.sh start|start-tls|stop|restart DIR [PORT]}
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

# A CA, and a server certificate it signs, in $dir/tls; and an unrelated CA. EC P-256 keys
# (fast to make); two days of validity is all a test run needs.
make_certificates() {
  local tls=$dir/tls
  mkdir -p "$tls"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  local ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")
  openssl req -x509 "${ec[@]}" -keyout "$tls/ca.key" -out "$tls/ca.pem" -days 2 \
    -subj "/CN=kiln test CA" "${ca_ext[@]}" 2>/dev/null
  openssl req -x509 "${ec[@]}" -keyout "$tls/other-ca.key" -out "$tls/other-ca.pem" -days 2 \
    -subj "/CN=kiln unrelated CA" "${ca_ext[@]}" 2>/dev/null
  openssl req "${ec[@]}" -keyout "$tls/server.key" -out "$tls/server.csr" \
    -subj "/CN=127.0.0.1" 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -out "$tls/server.crt" -days 2 -extfile "$tls/server.ext" 2>/dev/null
  # The server refuses a key that others may read.
  chmod 600 "$tls/server.key"
  if [ "$(id -u)" = 0 ]; then chown -R nobody "$tls"; fi
}

# TCP only with TLS and a password; the socket (the tests' own checks) trusted.
require_tls() {
  local data=$dir/data
  cat >>"$data/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = '$dir/tls/server.crt'
ssl_key_file = '$dir/tls/server.key'
CONF
  printf '%s\n' "local all all trust" "hostssl all all 127.0.0.1/32 scram-sha-256" >"$data/pg_hba.conf"
}

start_server() {
  # fsync stays on (the default): the kill -9 and restart tests need real durability.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  echo "$port" >"$dir/port"
}

case "$command" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U kiln -A trust -E UTF8 --no-locale >"$dir/initdb.log"
    fi
    start_server
    echo "postgres://kiln@127.0.0.1:$port/postgres"
    ;;
  start-tls)
    command -v openssl >/dev/null || { echo "pg-cluster.sh: start-tls needs openssl (apt-get install openssl)" >&2; exit 1; }
    [ ! -e "$dir/data" ] || { echo "pg-cluster.sh: start-tls makes a new cluster; $dir/data exists" >&2; exit 1; }
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U kiln -A trust -E UTF8 --no-locale >"$dir/initdb.log"
    make_certificates
    require_tls
    start_server
    password=$(openssl rand -hex 16)
    "$bin/psql" -X -q -h "$dir" -p "$port" -U kiln -d postgres \
      -c "ALTER ROLE kiln PASSWORD '$password'" >/dev/null
    echo "$password" >"$dir/password"
    echo "postgres://kiln:$password@127.0.0.1:$port/postgres?sslmode=require&sslrootcert=$dir/tls/ca.pem"
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
