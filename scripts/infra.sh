# shellcheck shell=bash
# Private PostgreSQL and RabbitMQ servers under $IOTHUB_LOCAL_DIR, started from the OS packages.
# Sourced by run.sh and test.sh (bash). Nothing here touches servers it did not start itself:
# every server lives in its own data folder, listens on 127.0.0.1 on its own ports, and is
# stopped through its own pid file / data folder only.
#
# Inputs (environment, all optional):
#   IOTHUB_LOCAL_DIR          state folder (default <repo>/.local)
#   IOTHUB_PORT_OFFSET        added to every default port below (and to the services' ports),
#                             for a second isolated instance: e.g. 100 (10 collides with test.sh)
#   IOTHUB_PG_PORT            PostgreSQL port (default 55432)
#   IOTHUB_RABBITMQ_PORT      RabbitMQ AMQP port (default 55672)
#   IOTHUB_RABBITMQ_DIST_PORT RabbitMQ Erlang distribution port (default 55673)
#   IOTHUB_EPMD_PORT          port of a private epmd for the RabbitMQ node (default 55674)
#   IOTHUB_RABBITMQ_VHOST     vhost of the application user (default iothub)
#   IOTHUB_RABBITMQ_PLUGINS   Erlang list of plugins to enable (default [])
#   IOTHUB_RABBITMQ_NODES     RabbitMQ nodes clustered on this machine (default 1). Node 1 is the node above; node i
#                             lives in rabbitmq-i/ with AMQP port IOTHUB_RABBITMQ_PORT_i and distribution port
#                             IOTHUB_RABBITMQ_DIST_PORT_i (default node 1's ports + 1000*(i-1)), all on one epmd
#   IOTHUB_PG_FAST=1          fsync/synchronous_commit off (throw-away test data)
#   IOTHUB_PG_SHARED_BUFFERS  PostgreSQL's shared_buffers (default 256MB)
#   IOTHUB_PG_STOP_MODE       pg_ctl stop mode (default fast; the fault specs use immediate, a crash)
#   IOTHUB_PG_STAT_STATEMENTS=1 a new data folder loads pg_stat_statements (shared_preload_libraries in its
#                             postgresql.conf), so every SQL statement is counted; ./bench.sh sets it, ./run.sh not
#   IOTHUB_PG_STANDBY=1       a streaming-replication standby with synchronous commit in pg-standby/ on port
#                             IOTHUB_PG_STANDBY_PORT (default IOTHUB_PG_PORT + 1000); kept once made
# Outputs (after start_postgres / start_rabbitmq):
#   IOTHUB_PG_CONNECTION, IOTHUB_RABBITMQ_URI (exported; node 1), IOTHUB_RABBITMQ_CLUSTER_NODES (exported:
#   host:port of every node, comma-separated, for the services' RabbitMq__ClusterNodes)

IOTHUB_REPO_ROOT="${IOTHUB_REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

infra_init() {
  IOTHUB_LOCAL_DIR="${IOTHUB_LOCAL_DIR:-$IOTHUB_REPO_ROOT/.local}"
  mkdir -p "$IOTHUB_LOCAL_DIR"
  IOTHUB_LOCAL_DIR="$(cd "$IOTHUB_LOCAL_DIR" && pwd)"
  export IOTHUB_LOCAL_DIR
  local o="${IOTHUB_PORT_OFFSET:-0}"
  IOTHUB_PG_PORT="${IOTHUB_PG_PORT:-$((55432 + o))}"
  IOTHUB_RABBITMQ_PORT="${IOTHUB_RABBITMQ_PORT:-$((55672 + o))}"
  IOTHUB_RABBITMQ_DIST_PORT="${IOTHUB_RABBITMQ_DIST_PORT:-$((55673 + o))}"
  IOTHUB_EPMD_PORT="${IOTHUB_EPMD_PORT:-$((55674 + o))}"
  IOTHUB_RABBITMQ_VHOST="${IOTHUB_RABBITMQ_VHOST:-iothub}"
  IOTHUB_RABBITMQ_PLUGINS="${IOTHUB_RABBITMQ_PLUGINS:-[]}"
  SECRETS_DIR="$IOTHUB_LOCAL_DIR/secrets"
  LOG_DIR="$IOTHUB_LOCAL_DIR/logs"
  PID_DIR="$IOTHUB_LOCAL_DIR/pids"
  PG_DIR="$IOTHUB_LOCAL_DIR/pg"
  PG_DATA="$PG_DIR/data"
  PG_SOCKET_DIR="$PG_DIR/socket"
  RMQ_DIR="$IOTHUB_LOCAL_DIR/rabbitmq"
  mkdir -p "$LOG_DIR" "$PID_DIR"
  if [ ! -d "$SECRETS_DIR" ]; then mkdir -p "$SECRETS_DIR"; fi
  chmod 700 "$SECRETS_DIR"
}

log()  { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# Close inherited descriptors above stderr in a subshell before it starts a long-lived daemon:
# a server must not keep a caller's pipe or lock file (e.g. test.sh's lock) open.
close_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    case "$fd" in 0|1|2|255|*[!0-9]*) continue ;; esac
    eval "exec $fd>&-" 2>/dev/null || true
  done
}

# Run a command as a service account when we are root (PostgreSQL refuses root; RabbitMQ
# files belong to rabbitmq). When not root, run it as ourselves.
as_user() {
  local user="$1"; shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# A random secret of [A-Za-z0-9] only (safe inside URIs and connection strings).
gen_password() {
  local p=""
  while [ "${#p}" -lt 32 ]; do
    p="$p$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s' "${p:0:32}"
}

# Read (or create once) a secret file under $SECRETS_DIR; mode 600.
secret() {
  local f="$SECRETS_DIR/$1"
  if [ ! -s "$f" ]; then
    (umask 077; gen_password > "$f")
  fi
  chmod 600 "$f"
  cat "$f"
}

apt_install() {
  is_root || die "missing packages ($*) and not root: install them first"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${_IOTHUB_APT_UPDATED:-}" ]; then
    log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || die "apt-get update failed"
    _IOTHUB_APT_UPDATED=1
  fi
  log "apt-get install $*"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >&2 \
    || die "apt-get install $* failed"
}

pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then printf '%s' "$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

# The browser the dashboard specs drive (tests/Integration.Tests/Dashboard): Debian's chromium, run headless by its
# path; Playwright's own browser download is never used. A font, so that screenshots show text.
ensure_browser() {
  local want=()
  [ -x /usr/bin/chromium ] || want+=(chromium)
  ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1 || want+=(fonts-dejavu-core)
  if [ "${#want[@]}" -gt 0 ]; then apt_install "${want[@]}"; fi
}

# Install what is missing: PostgreSQL server, RabbitMQ, curl, openssl; with --with-browser also the test browser.
ensure_packages() {
  if [ "${1:-}" = --with-browser ]; then ensure_browser; fi
  local want=()
  pg_bindir >/dev/null || want+=(postgresql)
  command -v psql >/dev/null 2>&1 || want+=(postgresql-client)
  if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && ! command -v rabbitmq-server >/dev/null 2>&1; then
    want+=(rabbitmq-server)
  fi
  command -v curl >/dev/null 2>&1 || want+=(curl ca-certificates)
  command -v openssl >/dev/null 2>&1 || want+=(openssl)
  command -v runuser >/dev/null 2>&1 || want+=(util-linux)
  if [ "${#want[@]}" -gt 0 ]; then apt_install "${want[@]}"; fi
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK (dotnet) is not installed"
}

# The service accounts must be able to reach their folders inside the checkout, which may
# sit below a folder closed to them (e.g. /root). Grant traverse (x) only, never read.
ensure_traversable() {
  local user="$1" dir="$2" d
  is_root || return 0
  runuser -u "$user" -- test -x "$dir" 2>/dev/null && return 0
  d="$dir"
  local chain=()
  while [ "$d" != "/" ]; do chain=("$d" "${chain[@]}"); d="$(dirname "$d")"; done
  for d in "${chain[@]}"; do
    if ! runuser -u "$user" -- test -x "$d" 2>/dev/null; then
      if command -v setfacl >/dev/null 2>&1; then
        setfacl -m "u:$user:x" "$d"
      else
        log "granting traverse permission (o+x) on $d so that '$user' can reach its data folder"
        chmod o+x "$d"
      fi
    fi
  done
  runuser -u "$user" -- test -x "$dir" || die "user '$user' cannot reach $dir"
}

# ---------------------------------------------------------------- PostgreSQL
pg_ctl_cmd() { as_user postgres "$PG_BIN/pg_ctl" "$@"; }

pg_is_running() {
  [ -f "$PG_DATA/postmaster.pid" ] || return 1
  PG_BIN="${PG_BIN:-$(pg_bindir)}" || return 1
  pg_ctl_cmd status -D "$PG_DATA" >/dev/null 2>&1
}

# psql as the superuser through the private unix socket (folder 0700, server account only).
pg_super() {
  local port
  port="$(cat "$PG_DIR/port" 2>/dev/null || echo "$IOTHUB_PG_PORT")"
  as_user postgres "$PG_BIN/psql" -X -q -h "$PG_SOCKET_DIR" -p "$port" -U postgres -v ON_ERROR_STOP=1 "$@"
}

# The data folder, made by initdb when it has none yet. Also called by bench.sh before an older checkout's run.sh
# starts the server on it, so that its hub, too, counts statements (IOTHUB_PG_STAT_STATEMENTS).
init_postgres_data() {
  PG_BIN="${PG_BIN:-$(pg_bindir)}" || die "PostgreSQL server binaries not found (initdb)"
  local owner=postgres
  is_root || owner="$(id -un)"
  make_pg_folders

  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "initialising PostgreSQL data folder $PG_DATA"
    rm -rf "$PG_DATA"
    as_user postgres mkdir -p "$PG_DATA"
    as_user postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$LOG_DIR/postgres-initdb.log" 2>&1 \
      || { tail -n 30 "$LOG_DIR/postgres-initdb.log" >&2; die "initdb failed"; }
    # Only the application role may log in over TCP, with its password; the superuser only
    # through the private socket.
    as_user postgres sh -c "cat > '$PG_DATA/pg_hba.conf'" <<'EOF'
# private instance: superuser only via the 0700 unix socket folder; apps via TCP + password
local   all   all                  trust
host    all   postgres  0.0.0.0/0  reject
host    all   postgres  ::/0       reject
host    all   all       127.0.0.1/32  scram-sha-256
host    all   all       ::1/128       scram-sha-256
EOF
    # Counting statements costs a little on every statement: only when asked (bench.sh, "Where the time goes")
    if [ "${IOTHUB_PG_STAT_STATEMENTS:-0}" = 1 ]; then
      as_user postgres sh -c "echo \"shared_preload_libraries = 'pg_stat_statements'\" >> '$PG_DATA/postgresql.conf'"
    fi
  fi
}

# The settings every PostgreSQL server here starts with, the primary's and the standby's alike. Shared buffers: 256 MB
# unless IOTHUB_PG_SHARED_BUFFERS says otherwise (docs/scaling.md, "PostgreSQL memory"). WAL: full-page images
# compressed, and checkpoints at most every 4 GB of it (docs/scaling.md, "PostgreSQL's WAL") -- except on throw-away
# test servers (IOTHUB_PG_FAST=1), which keep PostgreSQL's 1 GB: each keeps up to that much WAL on disk, a test run
# starts several, and a CI machine's disk may be small.
pg_server_options() {
  local max_wal=4GB
  if [ "${IOTHUB_PG_FAST:-0}" = 1 ]; then max_wal=1GB; fi
  printf '%s' "-c port=$IOTHUB_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_SOCKET_DIR -c max_connections=${IOTHUB_PG_MAX_CONNECTIONS:-400} -c shared_buffers=${IOTHUB_PG_SHARED_BUFFERS:-256MB} -c wal_compression=lz4 -c max_wal_size=$max_wal"
}

start_postgres() {
  PG_BIN="$(pg_bindir)" || die "PostgreSQL server binaries not found (initdb)"
  local promoted="$IOTHUB_LOCAL_DIR/pg-standby/data"
  if [ -s "$promoted/PG_VERSION" ] && [ ! -f "$promoted/standby.signal" ]; then
    # two primaries would each take writes: the old one must not start again as one
    die "the standby in $IOTHUB_LOCAL_DIR/pg-standby was promoted: it is the primary now, and $PG_DATA is stale (docs/scaling.md, \"Bringing the old primary back\")"
  fi
  init_postgres_data

  if pg_is_running; then
    log "PostgreSQL already running (data $PG_DATA, port $(cat "$PG_DIR/port" 2>/dev/null))"
  else
    local opts
    opts="$(pg_server_options)"
    if [ "${IOTHUB_PG_FAST:-0}" = 1 ]; then
      opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    local pglog="$LOG_DIR/postgres.log"
    touch "$pglog"
    if is_root; then chown postgres: "$pglog"; fi
    log "starting PostgreSQL on 127.0.0.1:$IOTHUB_PG_PORT"
    ( close_fds; pg_ctl_cmd start -D "$PG_DATA" -l "$pglog" -w -t 60 -o "$opts" >/dev/null ) \
      || { tail -n 30 "$pglog" >&2; die "PostgreSQL did not start (port $IOTHUB_PG_PORT in use?)"; }
    echo "$IOTHUB_PG_PORT" > "$PG_DIR/port"
  fi
  IOTHUB_PG_PORT="$(cat "$PG_DIR/port")"

  # Application role (CREATEDB so that test fixtures can create throw-away databases) and
  # database; idempotent, the password always follows the secret file.
  local pgpass
  pgpass="$(secret postgres.password)"
  pg_super -d postgres >/dev/null <<EOF
SET synchronous_commit = local;
SELECT 'CREATE ROLE iothub LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iothub') \gexec
ALTER ROLE iothub WITH LOGIN CREATEDB PASSWORD '$pgpass';
SELECT 'CREATE DATABASE iothub OWNER iothub'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'iothub') \gexec
EOF
  [ $? = 0 ] || die "could not create the PostgreSQL role/database"
  IOTHUB_PG_CONNECTION="Host=127.0.0.1;Port=$IOTHUB_PG_PORT;Database=iothub;Username=iothub;Password=$pgpass"
  if pg_standby_wanted; then
    start_postgres_standby
    # Npgsql tries both and takes the one that accepts writes: after a failover, the promoted standby
    IOTHUB_PG_CONNECTION="Host=127.0.0.1:$IOTHUB_PG_PORT,127.0.0.1:$(pg_standby_port);Database=iothub;Username=iothub;Password=$pgpass;Target Session Attributes=read-write;Host Recheck Seconds=2"
  fi
  export IOTHUB_PG_CONNECTION
}

stop_postgres() {
  [ -n "${PG_DATA:-}" ] || return 0
  stop_postgres_server
  if [ -d "$IOTHUB_LOCAL_DIR/pg-standby/data" ]; then with_pg_standby stop_postgres_server; fi
}

stop_postgres_server() {
  if pg_is_running; then
    log "stopping PostgreSQL ($PG_DATA)"
    pg_ctl_cmd stop -D "$PG_DATA" -m "${IOTHUB_PG_STOP_MODE:-fast}" -w -t 60 >/dev/null || log "warning: pg_ctl stop failed"
  fi
}

# ------------------------------------------------------------------ RabbitMQ
rmq_bin() {
  local name="$1"
  if [ -x "/usr/lib/rabbitmq/bin/$name" ]; then printf '%s' "/usr/lib/rabbitmq/bin/$name"; else command -v "$name"; fi
}

# Run a command as the rabbitmq account with the node's environment (node.env, written when
# the node is started): same HOME (=> same .erlang.cookie) for server and CLI, a private
# epmd port, private config/plugins/log/data folders.
rmq_run() {
  ( close_fds; cd "$RMQ_DIR" && as_user rabbitmq env -i PATH="$PATH" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
      bash -c '. ./node.env && exec "$@"' rmq "$@" )
}

rmqctl() { rmq_run "$(rmq_bin rabbitmqctl)" -q -n "$(cat "$RMQ_DIR/nodename")" "$@"; }

rmq_port_of() { sed -n "s/^export $1=//p" "$RMQ_DIR/node.env" 2>/dev/null; }

rmq_pid_is_ours() {
  local pid
  pid="$(cat "$RMQ_DIR/rabbitmq.pid" 2>/dev/null)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # pids get reused: it must be the Erlang VM of our node (its private HOME is on the command line)
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-home $RMQ_DIR/home"
}

# Our node answers: its name is unique to this state folder and only our cookie reaches it.
rmq_is_running() {
  [ -f "$RMQ_DIR/node.env" ] && [ -f "$RMQ_DIR/nodename" ] || return 1
  rmqctl ping >/dev/null 2>&1
}

# Starts the node detached and waits until it answers; non-zero when it did not come up.
boot_rabbitmq_node() {
  local server="$1" i
  log "starting RabbitMQ node $(cat "$RMQ_DIR/nodename") on 127.0.0.1:$IOTHUB_RABBITMQ_PORT"
  rmq_run "$server" -detached >"$LOG_DIR/rabbitmq-start.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/rabbitmq-start.log" >&2; die "rabbitmq-server -detached failed"; }
  # the pid file appears a moment after -detached returns; `await_startup` straight away
  # can fail before the node registered with epmd, `wait <pidfile>` does not
  for i in $(seq 1 60); do [ -s "$RMQ_DIR/rabbitmq.pid" ] && break; sleep 0.5; done
  [ -s "$RMQ_DIR/rabbitmq.pid" ] || return 1
  rmqctl wait --timeout 90 "$RMQ_DIR/rabbitmq.pid" >>"$LOG_DIR/rabbitmq-start.log" 2>&1
}

start_rabbitmq_node() {
  local join_to="${1:-}" server
  server="$(rmq_bin rabbitmq-server)" || die "rabbitmq-server not installed"
  mkdir -p "$RMQ_DIR"/{mnesia,log,home}
  if is_root; then chown -R rabbitmq: "$RMQ_DIR"; fi
  chmod 700 "$RMQ_DIR"
  ensure_traversable rabbitmq "$RMQ_DIR"
  if [ ! -s "$RMQ_DIR/nodename" ]; then
    # unique per state folder: other nodes may share this machine
    local h
    h="$(printf '%s' "$RMQ_DIR" | cksum | cut -d' ' -f1)"
    echo "iothub-$h@localhost" > "$RMQ_DIR/nodename"
  fi
  if [ ! -s "$RMQ_DIR/home/.erlang.cookie" ]; then
    # the nodes of a cluster share node 1's cookie: only they reach each other
    if [ -n "$join_to" ]; then (umask 077; cat "$IOTHUB_LOCAL_DIR/rabbitmq/home/.erlang.cookie" > "$RMQ_DIR/home/.erlang.cookie")
    else (umask 077; gen_password > "$RMQ_DIR/home/.erlang.cookie"); fi
  fi
  local rpass vhost="$IOTHUB_RABBITMQ_VHOST"
  rpass="$(secret rabbitmq.password)"

  if rmq_is_running; then
    log "RabbitMQ already running (node $(cat "$RMQ_DIR/nodename"), port $(rmq_port_of RABBITMQ_NODE_PORT))"
  else
    rm -f "$RMQ_DIR/rabbitmq.pid"
    # default_user only applies when the node boots with an empty database: the guest user
    # is never created.
    cat > "$RMQ_DIR/rabbitmq.conf" <<EOF
# private node: loopback only, no guest user, no management listener
listeners.tcp.default = 127.0.0.1:$IOTHUB_RABBITMQ_PORT
default_user = iothub
default_pass = $rpass
default_vhost = $vhost
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
log.file.level = info
log.console = false
# quorum queues (libs/Messaging/Bus.cs) keep their write-ahead log in memory up to this size: 64 MB, not 512
raft.wal_max_size_bytes = 64000000
EOF
    echo "[]." > "$RMQ_DIR/advanced.config"
    echo "$IOTHUB_RABBITMQ_PLUGINS." > "$RMQ_DIR/enabled_plugins"
    : > "$RMQ_DIR/rabbitmq-env.conf"
    cat > "$RMQ_DIR/node.env" <<EOF
export HOME='$RMQ_DIR/home'
export ERL_EPMD_PORT=$IOTHUB_EPMD_PORT
export RABBITMQ_NODENAME='$(cat "$RMQ_DIR/nodename")'
export RABBITMQ_MNESIA_BASE='$RMQ_DIR/mnesia'
export RABBITMQ_LOG_BASE='$RMQ_DIR/log'
export RABBITMQ_PID_FILE='$RMQ_DIR/rabbitmq.pid'
export RABBITMQ_CONFIG_FILE='$RMQ_DIR/rabbitmq.conf'
export RABBITMQ_ADVANCED_CONFIG_FILE='$RMQ_DIR/advanced.config'
export RABBITMQ_ENABLED_PLUGINS_FILE='$RMQ_DIR/enabled_plugins'
export RABBITMQ_CONF_ENV_FILE='$RMQ_DIR/rabbitmq-env.conf'
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$IOTHUB_RABBITMQ_PORT
export RABBITMQ_DIST_PORT=$IOTHUB_RABBITMQ_DIST_PORT
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
EOF
    if is_root; then chown -R rabbitmq: "$RMQ_DIR"; fi
    chmod 600 "$RMQ_DIR/rabbitmq.conf"
    chmod 400 "$RMQ_DIR/home/.erlang.cookie"
    # A node that never comes up (seen once here: no pid file, nothing logged) gets one more try.
    if ! boot_rabbitmq_node "$server"; then
      log "RabbitMQ node did not come up; stopping what started and trying once more"
      if rmq_pid_is_ours; then kill -KILL "$(cat "$RMQ_DIR/rabbitmq.pid")" 2>/dev/null || true; fi
      rm -f "$RMQ_DIR/rabbitmq.pid"
      if ! boot_rabbitmq_node "$server"; then
        tail -n 20 "$LOG_DIR/rabbitmq-start.log" >&2
        tail -n 30 "$RMQ_DIR"/log/*.log 2>/dev/null >&2
        die "RabbitMQ did not start (ports $IOTHUB_RABBITMQ_PORT/$IOTHUB_RABBITMQ_DIST_PORT/$IOTHUB_EPMD_PORT in use?)"
      fi
    fi
  fi

  if [ -n "$join_to" ]; then
    # A fresh node joins once; a member that restarts (after a crash too) finds its cluster from its own data.
    if ! rmqctl cluster_status 2>/dev/null | grep -qF "$join_to"; then
      log "RabbitMQ node $(cat "$RMQ_DIR/nodename") joins the cluster of $join_to"
      { rmqctl stop_app && rmqctl reset && rmqctl join_cluster "$join_to" && rmqctl start_app; } >>"$LOG_DIR/rabbitmq-start.log" 2>&1 \
        || die "RabbitMQ node $(cat "$RMQ_DIR/nodename") could not join $join_to (log: $LOG_DIR/rabbitmq-start.log)"
    fi
    # users, vhosts and permissions are the cluster's: node 1 set them
    return 0
  fi
  # Idempotent: the application user with the password of the secret file, full rights on
  # its own vhost; the guest user must not exist.
  rmqctl delete_user guest >/dev/null 2>&1 || true
  rmqctl add_vhost "$vhost" >/dev/null 2>&1 || true
  if ! rmqctl list_users 2>/dev/null | awk '{print $1}' | grep -qx iothub; then
    # password via stdin: never on a command line
    printf '%s\n' "$rpass" | rmqctl add_user iothub >/dev/null || die "rabbitmqctl add_user failed"
  else
    printf '%s\n' "$rpass" | rmqctl change_password iothub >/dev/null || die "rabbitmqctl change_password failed"
  fi
  rmqctl set_permissions -p "$vhost" iothub '.*' '.*' '.*' >/dev/null || die "rabbitmqctl set_permissions failed"
  rmqctl set_user_tags iothub administrator >/dev/null 2>&1 || true
  IOTHUB_RABBITMQ_PORT="$(rmq_port_of RABBITMQ_NODE_PORT)"
  IOTHUB_RABBITMQ_URI="amqp://iothub:$rpass@127.0.0.1:$IOTHUB_RABBITMQ_PORT/$vhost"
  export IOTHUB_RABBITMQ_URI
}

stop_rabbitmq_node() {
  [ -n "${RMQ_DIR:-}" ] && [ -f "$RMQ_DIR/node.env" ] || return 0
  local pid=""
  rmq_pid_is_ours && pid="$(cat "$RMQ_DIR/rabbitmq.pid")"
  if [ -n "$pid" ] || rmq_is_running; then
    log "stopping RabbitMQ node $(cat "$RMQ_DIR/nodename")"
    rmqctl stop >/dev/null 2>&1 || true
    if [ -n "$pid" ]; then
      local i
      for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
  fi
  rm -f "$RMQ_DIR/rabbitmq.pid"
  # Our node started its own epmd on a private port: end it once no node is registered there.
  local epmd eport
  eport="$(rmq_port_of ERL_EPMD_PORT)"
  epmd="$(command -v epmd 2>/dev/null || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1)"
  if [ -n "$epmd" ] && [ -n "$eport" ] && [ "$eport" != 4369 ]; then
    if "$epmd" -port "$eport" -names >/dev/null 2>&1 \
       && ! "$epmd" -port "$eport" -names 2>/dev/null | grep -q '^name '; then
      "$epmd" -port "$eport" -kill >/dev/null 2>&1 || true
    fi
  fi
}

# ------------------------------------------------------- RabbitMQ: one node or a cluster
# The nodes asked for, else as many as this state folder's cluster has (rabbitmq/nodes), else 1.
rmq_node_count() {
  local recorded="$IOTHUB_LOCAL_DIR/rabbitmq/nodes"
  if [ -n "${IOTHUB_RABBITMQ_NODES:-}" ]; then printf '%s' "$IOTHUB_RABBITMQ_NODES"
  elif [ -s "$recorded" ]; then cat "$recorded"
  else printf 1; fi
}
rmq_node_dir() { if [ "$1" = 1 ]; then printf '%s' "$IOTHUB_LOCAL_DIR/rabbitmq"; else printf '%s' "$IOTHUB_LOCAL_DIR/rabbitmq-$1"; fi; }
rmq_node_port() { local v="IOTHUB_RABBITMQ_PORT_$1"; printf '%s' "${!v:-$((IOTHUB_RABBITMQ_PORT + 1000 * ($1 - 1)))}"; }
rmq_node_dist_port() { local v="IOTHUB_RABBITMQ_DIST_PORT_$1"; printf '%s' "${!v:-$((IOTHUB_RABBITMQ_DIST_PORT + 1000 * ($1 - 1)))}"; }

# Runs a command (an infra function) for node i: RMQ_DIR and the port variables are that node's, in a subshell.
with_rmq_node() {
  local i="$1"; shift
  ( RMQ_DIR="$(rmq_node_dir "$i")"; IOTHUB_RABBITMQ_PORT="$(rmq_node_port "$i")"
    IOTHUB_RABBITMQ_DIST_PORT="$(rmq_node_dist_port "$i")"; "$@" )
}

# Node 1, then (IOTHUB_RABBITMQ_NODES > 1) every other node, each joining node 1's cluster. Node 1 comes first and
# stop_rabbitmq stops it last: a node that stopped before its peers waits for them when it starts again.
start_rabbitmq() {
  local n i nodes
  n="$(rmq_node_count)"
  RMQ_DIR="$(rmq_node_dir 1)"
  if [ -s "$RMQ_DIR/nodes" ] && [ "$(cat "$RMQ_DIR/nodes")" != "$n" ]; then
    # a quorum queue of N members needs a majority of them: nodes cannot just be left out
    die "$IOTHUB_LOCAL_DIR holds a RabbitMQ cluster of $(cat "$RMQ_DIR/nodes") nodes, not $n: start it with --rabbitmq-nodes $(cat "$RMQ_DIR/nodes"), or stop it and remove $IOTHUB_LOCAL_DIR/rabbitmq* for a new broker (messages still queued are lost)"
  fi
  start_rabbitmq_node
  echo "$n" > "$RMQ_DIR/nodes"
  nodes="127.0.0.1:$IOTHUB_RABBITMQ_PORT"
  for i in $(seq 2 "$n"); do
    with_rmq_node "$i" start_rabbitmq_node "$(cat "$RMQ_DIR/nodename")" || die "RabbitMQ node $i did not start"
    nodes="$nodes,127.0.0.1:$(rmq_node_port "$i")"
  done
  IOTHUB_RABBITMQ_CLUSTER_NODES="$nodes"
  export IOTHUB_RABBITMQ_CLUSTER_NODES
  drop_classic_queues
}

# Queues made before every queue became a quorum queue (libs/Messaging/Bus.cs) are classic ones, and RabbitMQ refuses
# the services' declarations of them. Empty ones are deleted, to be declared again as quorum queues; a classic queue
# that still holds messages stops the start with the way out, since deleting it would lose them.
drop_classic_queues() {
  local vhost="$IOTHUB_RABBITMQ_VHOST" name type durable auto_delete messages kept=()
  while IFS=$'\t' read -r name type durable auto_delete messages; do
    # a service's own temporary queue (not durable, deleted with its connection) stays a classic one
    [ "$type" = classic ] && [ "$durable" = true ] && [ "$auto_delete" = false ] || continue
    if [ "$messages" = 0 ]; then
      rmqctl delete_queue -p "$vhost" "$name" </dev/null >/dev/null || die "could not delete the classic queue $name"
    else
      kept+=("$name ($messages messages)")
    fi
  done < <(rmqctl list_queues -p "$vhost" --no-table-headers name type durable auto_delete messages 2>/dev/null)
  if [ "${#kept[@]}" -gt 0 ]; then
    die "RabbitMQ holds queues of an earlier version with messages in them: ${kept[*]}. Start that version until they are empty, or stop and remove $IOTHUB_LOCAL_DIR/rabbitmq* to discard them (docs/scaling.md)"
  fi
}

stop_rabbitmq() {
  local i
  for i in $(seq "$(rmq_node_count)" -1 2); do with_rmq_node "$i" stop_rabbitmq_node || true; done
  RMQ_DIR="${IOTHUB_LOCAL_DIR:+$(rmq_node_dir 1)}"
  stop_rabbitmq_node
}

# Fault specs: node i crashes (kill -9 of its Erlang VM) / starts again and rejoins its cluster.
kill_rabbitmq_node() { with_rmq_node "$1" kill_rabbitmq_vm; }
kill_rabbitmq_vm() { rmq_pid_is_ours && kill -KILL "$(cat "$RMQ_DIR/rabbitmq.pid")"; }
restart_rabbitmq_node() {
  local first; first="$(cat "$(rmq_node_dir 1)/nodename")"
  if [ "$1" = 1 ]; then with_rmq_node 1 start_rabbitmq_node; else with_rmq_node "$1" start_rabbitmq_node "$first"; fi
}
# The node (1..N) whose name is $1, e.g. a queue leader's.
rmq_node_number() {
  local i
  for i in $(seq 1 "$(rmq_node_count)"); do
    if [ "$(cat "$(rmq_node_dir "$i")/nodename")" = "$1" ]; then printf '%s' "$i"; return 0; fi
  done
  return 1
}

# ------------------------------------------------ PostgreSQL: a synchronous standby
pg_standby_port() { printf '%s' "${IOTHUB_PG_STANDBY_PORT:-$((IOTHUB_PG_PORT + 1000))}"; }
pg_standby_wanted() { [ "${IOTHUB_PG_STANDBY:-0}" = 1 ] || [ -d "$IOTHUB_LOCAL_DIR/pg-standby/data" ]; }

# Runs a command (an infra function) for the standby: the PostgreSQL folder variables are the standby's, in a subshell.
with_pg_standby() {
  ( PG_DIR="$IOTHUB_LOCAL_DIR/pg-standby"; PG_DATA="$PG_DIR/data"; PG_SOCKET_DIR="$PG_DIR/socket"
    IOTHUB_PG_PORT="$(pg_standby_port)"; PG_BIN="${PG_BIN:-$(pg_bindir)}"; "$@" )
}

# The standby streams the primary's WAL through a replication slot (no WAL it still needs is removed), and the primary
# acknowledges a commit only once the standby has it (synchronous_standby_names): an acknowledged write is on both.
start_postgres_standby() {
  local primary_port="$IOTHUB_PG_PORT" primary_socket="$PG_SOCKET_DIR" standby_data="$IOTHUB_LOCAL_DIR/pg-standby/data"
  if ! grep -q '^local *replication' "$PG_DATA/pg_hba.conf"; then
    # replication through the private socket only (folder 0700, server account)
    as_user postgres sh -c "echo 'local   replication   all   trust' >> '$PG_DATA/pg_hba.conf'"
    pg_super -d postgres -c 'select pg_reload_conf()' >/dev/null
  fi
  pg_super -d postgres -c "select pg_create_physical_replication_slot('standby') where not exists (select from pg_replication_slots where slot_name = 'standby')" >/dev/null \
    || die "could not create the standby's replication slot"
  if [ ! -s "$standby_data/PG_VERSION" ]; then
    log "making the PostgreSQL standby (pg_basebackup into $standby_data)"
    with_pg_standby make_pg_folders
    as_user postgres "$PG_BIN/pg_basebackup" -D "$standby_data" -h "$primary_socket" -p "$primary_port" -U postgres -X stream -S standby --checkpoint=fast \
      >"$LOG_DIR/postgres-basebackup.log" 2>&1 || { tail -n 20 "$LOG_DIR/postgres-basebackup.log" >&2; die "pg_basebackup failed"; }
    # synchronous_standby_names empty: once promoted, the standby must not wait for a standby of its own
    as_user postgres sh -c "cat >> '$standby_data/postgresql.auto.conf'" <<EOF
primary_conninfo = 'host=$primary_socket port=$primary_port user=postgres application_name=standby'
primary_slot_name = 'standby'
synchronous_standby_names = ''
EOF
    as_user postgres touch "$standby_data/standby.signal"
  fi
  with_pg_standby start_pg_standby_server
  pg_super -d postgres -c "alter system set synchronous_standby_names = 'standby'" -c 'select pg_reload_conf()' >/dev/null \
    || die "could not make the standby synchronous"
  local i
  for i in $(seq 1 60); do
    [ "$(pg_super -d postgres -Atc "select sync_state from pg_stat_replication where application_name = 'standby'")" = sync ] && return 0
    sleep 0.5
  done
  die "the PostgreSQL standby did not become a synchronous standby (log: $LOG_DIR/postgres-standby.log)"
}

# The server's folder (PG_DIR) and its private socket folder, for the postgres account only.
make_pg_folders() {
  mkdir -p "$PG_DIR"
  if is_root; then chown postgres: "$PG_DIR"; fi
  chmod 700 "$PG_DIR"
  ensure_traversable postgres "$PG_DIR"
  as_user postgres mkdir -p "$PG_SOCKET_DIR"
  chmod 700 "$PG_SOCKET_DIR"
}

start_pg_standby_server() {
  make_pg_folders
  if pg_is_running; then log "PostgreSQL standby already running (port $IOTHUB_PG_PORT)"; return 0; fi
  local pglog="$LOG_DIR/postgres-standby.log"
  touch "$pglog"
  if is_root; then chown postgres: "$pglog"; fi
  log "starting the PostgreSQL standby on 127.0.0.1:$IOTHUB_PG_PORT"
  ( close_fds; pg_ctl_cmd start -D "$PG_DATA" -l "$pglog" -w -t 120 \
      -o "$(pg_server_options)" >/dev/null ) \
    || { tail -n 30 "$pglog" >&2; die "the PostgreSQL standby did not start (port $IOTHUB_PG_PORT in use?)"; }
  echo "$IOTHUB_PG_PORT" > "$PG_DIR/port"
}

# Fault specs: the primary crashes (pg_ctl stop -m immediate); the standby is promoted to primary.
crash_pg_primary() { PG_BIN="${PG_BIN:-$(pg_bindir)}"; pg_ctl_cmd stop -D "$PG_DATA" -m immediate -w -t 60 >/dev/null; }
promote_pg_standby() { with_pg_standby pg_ctl_cmd promote -D "$IOTHUB_LOCAL_DIR/pg-standby/data" -w -t 60 >/dev/null; }
