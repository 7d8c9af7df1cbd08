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
#   IOTHUB_PG_FAST=1          fsync/synchronous_commit off (throw-away test data)
#   IOTHUB_PG_STOP_MODE       pg_ctl stop mode (default fast; the fault specs use immediate, a crash)
# Outputs (after start_postgres / start_rabbitmq):
#   IOTHUB_PG_CONNECTION, IOTHUB_RABBITMQ_URI (exported)

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

# Install what is missing: PostgreSQL server, RabbitMQ, curl, openssl.
ensure_packages() {
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

start_postgres() {
  PG_BIN="$(pg_bindir)" || die "PostgreSQL server binaries not found (initdb)"
  local owner=postgres
  is_root || owner="$(id -un)"
  mkdir -p "$PG_DIR"
  if is_root; then chown postgres: "$PG_DIR"; fi
  chmod 700 "$PG_DIR"
  ensure_traversable postgres "$PG_DIR"
  as_user postgres mkdir -p "$PG_SOCKET_DIR"
  chmod 700 "$PG_SOCKET_DIR"

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
  fi

  if pg_is_running; then
    log "PostgreSQL already running (data $PG_DATA, port $(cat "$PG_DIR/port" 2>/dev/null))"
  else
    local opts="-c port=$IOTHUB_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_SOCKET_DIR -c max_connections=${IOTHUB_PG_MAX_CONNECTIONS:-400} -c shared_buffers=256MB"
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
SELECT 'CREATE ROLE iothub LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iothub') \gexec
ALTER ROLE iothub WITH LOGIN CREATEDB PASSWORD '$pgpass';
SELECT 'CREATE DATABASE iothub OWNER iothub'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'iothub') \gexec
EOF
  [ $? = 0 ] || die "could not create the PostgreSQL role/database"
  IOTHUB_PG_CONNECTION="Host=127.0.0.1;Port=$IOTHUB_PG_PORT;Database=iothub;Username=iothub;Password=$pgpass"
  export IOTHUB_PG_CONNECTION
}

stop_postgres() {
  [ -n "${PG_DATA:-}" ] || return 0
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

start_rabbitmq() {
  local server
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
    (umask 077; gen_password > "$RMQ_DIR/home/.erlang.cookie")
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

stop_rabbitmq() {
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
