#!/usr/bin/env bash
# Kafka's TopicCommand (what kafka-topics.sh is in a Kafka distribution), run from
# the jars that scripts/kafka.sh caches, against the local broker on
# 127.0.0.1:$KAFKA_PORT (default 9092). Arguments pass through; --bootstrap-server
# is added unless given.
#
#   scripts/kafka-topics.sh --list
#   scripts/kafka-topics.sh --create --topic orders --partitions 3
#   scripts/kafka-topics.sh --describe --topic orders
#   KAFKA_PORT=19092 scripts/kafka-topics.sh --list
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
args=("$@")
case " $* " in
  *" --bootstrap-server "* | *" --bootstrap-server="* | *" --help "* | *" --version "*) ;;
  *) args=(--bootstrap-server "127.0.0.1:${KAFKA_PORT:-9092}" "${args[@]}") ;;
esac
exec bash "$here/kafka.sh" tool org.apache.kafka.tools.TopicCommand "${args[@]}"
