#!/usr/bin/env bash
# A local single-node Apache Kafka broker (KRaft, broker+controller in one JVM)
# on 127.0.0.1, run from jars fetched once from Maven Central. No Docker.
#
#   scripts/kafka.sh start|stop|status|restart|fetch
#   scripts/kafka.sh tool CLASS [ARGS...]   run a Kafka tool class from the same classpath
#
# Environment (see docs/kafka-local.md):
#   KAFKA_PORT             broker port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default KAFKA_PORT+1)
#   KAFKA_DATA_DIR         config, storage, pid and logs
#                          (default ${XDG_CACHE_HOME:-$HOME/.cache}/sidestream/kafka-data-$KAFKA_PORT)
#   KAFKA_FRESH=1          wipe the data dir before starting (only when not running)
#   SIDESTREAM_CACHE       cache root for the jars (default ${XDG_CACHE_HOME:-$HOME/.cache}/sidestream)
#   KAFKA_HEAP_OPTS        broker heap (default -Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 60)
#   JAVA_HOME              java to use (default: java on PATH)
set -euo pipefail

KAFKA_VERSION=3.7.1
SCALA_VERSION=2.13
SLF4J_VERSION=1.7.36
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

KAFKA_PORT=${KAFKA_PORT:-9092}
case "$KAFKA_PORT" in '' | *[!0-9]*) echo "kafka.sh: KAFKA_PORT must be a number, got '$KAFKA_PORT'" >&2; exit 2 ;; esac
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
case "$KAFKA_CONTROLLER_PORT" in '' | *[!0-9]*) echo "kafka.sh: KAFKA_CONTROLLER_PORT must be a number" >&2; exit 2 ;; esac
CACHE=${SIDESTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sidestream}
KAFKA_DIR="$CACHE/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_DIR/libs"
MARKER="$LIBS/.complete"
TOOLS_LOG4J="$KAFKA_DIR/tools-log4j.properties"
DATA=${KAFKA_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sidestream/kafka-data-$KAFKA_PORT}
PIDFILE="$DATA/kafka.pid"
OUTFILE="$DATA/kafka.out"    # the JVM's stdout/stderr
SERVERLOG="$DATA/server.log" # log4j, INFO
START_TIMEOUT=${KAFKA_START_TIMEOUT:-60}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- fetch

pom() {
  # kafka_2.13 is the broker; kafka-tools brings org.apache.kafka.tools.TopicCommand
  # (without Kafka Connect, which it drags in but TopicCommand does not use);
  # slf4j-reload4j binds the broker's slf4j logging to log4j 1.x (reload4j).
  cat <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sidestream</groupId>
  <artifactId>kafka-local</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$SCALA_VERSION</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion>
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>kafka-log4j-appender</artifactId></exclusion>
        <exclusion><groupId>com.fasterxml.jackson.jaxrs</groupId><artifactId>jackson-jaxrs-json-provider</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
}

pom_hash() { pom | cksum | cut -d' ' -f1; }

libs_ready() { [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$(pom_hash)" ]; }

write_tools_log4j() {
  [ -f "$TOOLS_LOG4J" ] && return 0
  cat >"$TOOLS_LOG4J.$$" <<'L4J'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
L4J
  mv "$TOOLS_LOG4J.$$" "$TOOLS_LOG4J"
}

fetch() {
  if ! libs_ready; then
    mkdir -p "$KAFKA_DIR"
    # One fetch at a time per cache (two brokers started at once on a cold cache).
    # The lock fd lives only in this subshell, so the broker JVM never inherits it.
    (
      exec 8>"$KAFKA_DIR/.fetch.lock"
      if command -v flock >/dev/null; then flock 8; fi
      if ! libs_ready; then download; fi
    )
  fi
  write_tools_log4j
}

download() {
  command -v mvn >/dev/null || die "maven (mvn) is needed to fetch Kafka from Maven Central"
  log "fetching Kafka $KAFKA_VERSION and its runtime dependencies from Maven Central into $LIBS"
  local tmp new started=$SECONDS
  rm -rf "$KAFKA_DIR"/libs.new.* "$KAFKA_DIR"/libs.old.* # left by an interrupted fetch
  tmp=$(mktemp -d)
  new="$KAFKA_DIR/libs.new.$$"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp' '$new'" EXIT
  pom >"$tmp/pom.xml"
  if ! (cd "$tmp" && mvn -B -ntp "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$new" >"$tmp/mvn.log" 2>&1); then
    tail -n 40 "$tmp/mvn.log" >&2
    rm -rf "$tmp" "$new"
    die "maven fetch failed (log above)"
  fi
  rm -rf "$tmp"
  trap - EXIT
  ls "$new"/kafka_"$SCALA_VERSION"-"$KAFKA_VERSION".jar >/dev/null 2>&1 || { rm -rf "$new"; die "maven fetch produced no Kafka jar"; }
  pom_hash >"$new/.complete"
  # Swap the whole directory: a partial download is never taken for a complete one,
  # and a broker still running from the old directory finds the same file names.
  if [ -d "$LIBS" ]; then mv "$LIBS" "$KAFKA_DIR/libs.old.$$"; fi
  mv "$new" "$LIBS"
  rm -rf "$KAFKA_DIR/libs.old.$$"
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

# ---------------------------------------------------------------- process helpers

# The pid in the pid file, if that process is alive and is the broker of this data dir.
broker_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$DATA/server.properties" || return 1
  fi
  echo "$pid"
}

# Alive and not a zombie waiting to be reaped.
proc_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ] || return 1
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Succeeds when the broker answers a Kafka Metadata request (v1, no topics) on
# 127.0.0.1:$1 and lists at least one live (registered, unfenced) broker.
kafka_ready() {
  local out
  # size=19 | api_key=3 (Metadata) | api_version=1 | correlation_id=7 | client_id="probe" | topics=[]
  out=$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf '\x00\x00\x00\x13\x00\x03\x00\x01\x00\x00\x00\x07\x00\x05probe\x00\x00\x00\x00' >&3
    timeout 2 head -c 12 <&3 | od -An -v -tu1
  ) || return 1
  # shellcheck disable=SC2086
  set -- $out
  # response: size(4) correlation_id(4) brokers_count(4)
  [ $# -eq 12 ] && [ "$5 $6 $7 $8" = "0 0 0 7" ] && [ $((${9} | ${10} | ${11} | ${12})) -gt 0 ]
}

SERVERLOG_SKIP=0 # lines of server.log written before this start

show_logs() {
  if [ -s "$OUTFILE" ]; then
    echo "---- last 50 lines of $OUTFILE" >&2
    tail -n 50 "$OUTFILE" >&2
  fi
  [ -s "$SERVERLOG" ] || return 0
  local lines
  if [ "$(wc -l <"$SERVERLOG")" -ge "$SERVERLOG_SKIP" ]; then
    lines=$(tail -n +"$((SERVERLOG_SKIP + 1))" "$SERVERLOG" | tail -n 50)
  else # rolled over meanwhile
    lines=$(tail -n 50 "$SERVERLOG")
  fi
  if [ -n "$lines" ]; then
    echo "---- last 50 lines of $SERVERLOG (this start)" >&2
    echo "$lines" >&2
  fi
}

# ---------------------------------------------------------------- config

write_config() {
  mkdir -p "$DATA/logs"
  cat >"$DATA/server.properties" <<PROPS
# Written by scripts/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA/logs

# single node: everything replicated once
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=true
delete.topic.enable=true

# fast and light for tests
group.initial.rebalance.delay.ms=0
offsets.topic.num.partitions=4
transaction.state.log.num.partitions=4
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
log.retention.hours=24
log.retention.check.interval.ms=300000
# After an unclean stop (SIGKILL, crash) the restarted broker cannot register
# until the controller expires its previous session (default 9 s; this is the
# same JVM, so a shorter session is safe).
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
PROPS
  cat >"$DATA/log4j.properties" <<L4J
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$SERVERLOG
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
L4J
}

random_cluster_id() {
  # A Kafka Uuid is 16 random bytes in URL-safe base64 without padding (22 chars);
  # Kafka itself avoids ids that start with '-' (they look like options).
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    case "$id" in -*) ;; *) echo "$id"; return ;; esac
  done
}

tool_java() {
  # Short-lived JVMs: small heap, quick JIT.
  "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$TOOLS_LOG4J" -cp "$LIBS/*" "$@"
}

# ---------------------------------------------------------------- commands

wait_ready() {
  local pid=$1 t0=$2 deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ! proc_alive "$pid"; then
      show_logs
      rm -f "$PIDFILE"
      die "broker exited during start"
    fi
    if kafka_ready "$KAFKA_PORT"; then
      local ms=$((($(date +%s%N) - t0) / 1000000))
      log "running on 127.0.0.1:$KAFKA_PORT (pid $pid, ready in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s, data in $DATA)"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_logs
      log "broker did not answer on 127.0.0.1:$KAFKA_PORT within ${START_TIMEOUT}s; stopping it"
      stop >/dev/null 2>&1 || true
      exit 1
    fi
    sleep 0.1
  done
}

start() {
  local t0 pid
  t0=$(date +%s%N)
  fetch
  if pid=$(broker_pid); then
    if kafka_ready "$KAFKA_PORT"; then
      log "already running on 127.0.0.1:$KAFKA_PORT (pid $pid)"
      return 0
    fi
    log "pid $pid is up but not answering yet; waiting"
    wait_ready "$pid" "$t0"
    return 0
  fi
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then die "port $p on 127.0.0.1 is taken by another process (not the broker of $DATA)"; fi
  done
  if [ "${KAFKA_FRESH:-0}" = 1 ] && [ -d "$DATA" ]; then
    case "$(cd "$DATA" && pwd -P)" in / | "$HOME" | "$(cd "$CACHE" 2>/dev/null && pwd -P)") die "refusing to wipe $DATA" ;; esac
    log "KAFKA_FRESH=1: wiping $DATA"
    rm -rf "$DATA"
  fi
  write_config
  if [ ! -f "$DATA/logs/meta.properties" ]; then
    local id
    id=$(random_cluster_id)
    tool_java kafka.tools.StorageTool format -t "$id" -c "$DATA/server.properties" >"$DATA/format.out" 2>&1 ||
      { cat "$DATA/format.out" >&2; die "formatting KRaft storage in $DATA/logs failed"; }
    log "formatted KRaft storage in $DATA/logs (cluster id $id)"
  fi
  : >"$OUTFILE"
  if [ -f "$SERVERLOG" ]; then SERVERLOG_SKIP=$(wc -l <"$SERVERLOG"); fi
  # shellcheck disable=SC2086
  nohup "$JAVA" ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafka.logs.dir="$DATA" -Dlog4j.configuration="file:$DATA/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$DATA/server.properties" >>"$OUTFILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_ready "$pid" "$t0"
}

stop() {
  local pid
  if ! pid=$(broker_pid); then
    rm -f "$PIDFILE"
    log "not running (127.0.0.1:$KAFKA_PORT, $DATA)"
    return 0
  fi
  # Older versions of this script recorded a bash wrapper whose child is the JVM.
  local pids="$pid"
  if command -v pgrep >/dev/null; then pids="$pids $(pgrep -P "$pid" || true)"; fi
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  local deadline=$((SECONDS + 30)) alive p
  while [ "$SECONDS" -lt "$deadline" ]; do
    alive=
    for p in $pids; do proc_alive "$p" && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  if [ -n "$alive" ]; then
    log "broker (pid $pid) still up after 30s; killing it"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    for _ in $(seq 1 50); do
      alive=
      for p in $pids; do proc_alive "$p" && alive=1; done
      [ -z "$alive" ] && break
      sleep 0.1
    done
  fi
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

status() {
  local pid
  if pid=$(broker_pid) && kafka_ready "$KAFKA_PORT"; then
    echo "running on 127.0.0.1:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  if [ -n "${pid:-}" ]; then
    echo "not answering on 127.0.0.1:$KAFKA_PORT (pid $pid is up: starting or stuck)"
  else
    echo "not running on 127.0.0.1:$KAFKA_PORT"
  fi
  return 1
}

case "${1:-}" in
  fetch)
    fetch
    echo "$LIBS"
    ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart)
    stop
    start
    ;;
  tool)
    [ $# -ge 2 ] || { echo "usage: $0 tool CLASS [ARGS...]" >&2; exit 2; }
    shift
    fetch
    tool_java "$@"
    ;;
  *)
    echo "usage: $0 start|stop|status|restart|fetch|tool CLASS [ARGS...]" >&2
    exit 2
    ;;
esac
