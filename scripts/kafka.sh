#!/usr/bin/env bash
# A local single-node Apache Kafka broker in KRaft mode on 127.0.0.1, run from
# jars fetched once from Maven Central (no Docker).
#
#   scripts/kafka.sh fetch|start|stop|status|restart
#
# Environment:
#   KAFKA_PORT             broker port (default 9092); controller port is KAFKA_PORT+1
#   KAFKA_DATA_DIR         log dirs, config, pid and logs (default: cache/kafka-data-$KAFKA_PORT)
#   KAFKA_FRESH=1          wipe the data dir before start
#   SIDESTREAM_CACHE       cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/sidestream)
#   KAFKA_HEAP_OPTS        JVM heap (default -Xms256m -Xmx768m)
set -euo pipefail

KAFKA_VERSION=3.7.1
SCALA_VERSION=2.13
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
CACHE=${SIDESTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sidestream}
LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
DATA=${KAFKA_DATA_DIR:-$CACHE/kafka-data-$KAFKA_PORT}
PIDFILE="$DATA/kafka.pid"
LOGFILE="$DATA/kafka.out"

log() { echo "kafka.sh: $*" >&2; }

fetch() {
  if [ -f "$LIBS/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { log "maven (mvn) is needed to fetch Kafka from Maven Central"; exit 1; }
  log "fetching Kafka $KAFKA_VERSION and its dependencies from Maven Central into $LIBS"
  local tmp
  tmp=$(mktemp -d)
  cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.sidestream</groupId><artifactId>kafka-local</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_$SCALA_VERSION</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  (cd "$tmp" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS") ||
    { log "maven fetch failed"; rm -rf "$tmp"; exit 1; }
  rm -rf "$tmp"
  touch "$LIBS/.complete"
}

pid_alive() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_config() {
  mkdir -p "$DATA/logs"
  cat >"$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA/logs
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
PROPS
  cat >"$DATA/log4j.properties" <<L4J
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$DATA/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
L4J
}

java_cmd() {
  # shellcheck disable=SC2086
  java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$DATA/log4j.properties" \
    -cp "$LIBS/*" "$@"
}

start() {
  fetch
  if pid_alive && port_open "$KAFKA_PORT"; then
    log "already running on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PIDFILE"))"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    log "port $KAFKA_PORT is taken by another process"; exit 1
  fi
  [ "${KAFKA_FRESH:-0}" = 1 ] && rm -rf "$DATA"
  write_config
  if [ ! -f "$DATA/logs/meta.properties" ]; then
    java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$DATA/server.properties" >"$DATA/format.out" 2>&1 ||
      { cat "$DATA/format.out" >&2; log "storage format failed"; exit 1; }
  fi
  local started=$SECONDS
  nohup bash -c "$(declare -f java_cmd); DATA='$DATA' LIBS='$LIBS' KAFKA_HEAP_OPTS='${KAFKA_HEAP_OPTS:-}' \
    java_cmd kafka.Kafka '$DATA/server.properties'" >"$LOGFILE" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 600); do
    if ! pid_alive; then
      tail -n 50 "$LOGFILE" "$DATA/server.log" 2>/dev/null >&2 || true
      log "broker exited during start"; exit 1
    fi
    if port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$DATA/server.log" 2>/dev/null; then
      log "running on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PIDFILE"), started in $((SECONDS - started))s)"
      return 0
    fi
    sleep 0.1
  done
  tail -n 50 "$DATA/server.log" "$LOGFILE" 2>/dev/null >&2 || true
  log "broker did not become ready within 60s"
  stop
  exit 1
}

stop() {
  if ! pid_alive; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  local pid
  pid=$(cat "$PIDFILE")
  # The java process is a child of the nohup'd bash; signal the whole group of children.
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null && ! port_open "$KAFKA_PORT"; then break; fi
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null || port_open "$KAFKA_PORT"; then
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  if pid_alive && port_open "$KAFKA_PORT"; then
    echo "running on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PIDFILE"))"
    return 0
  fi
  echo "not running"
  return 1
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  *) echo "usage: $0 fetch|start|stop|status|restart" >&2; exit 2 ;;
esac
