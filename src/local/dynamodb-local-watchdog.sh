#!/usr/bin/env bash
# Runs DynamoDB Local (java with the arguments given) and stops it when the Node.js process that started
# it goes away, even when that process is killed with SIGKILL and gets no chance to clean up: Node.js
# cannot set PR_SET_PDEATHSIG, so a watcher is the only way to leave no orphaned Java process.
parent=$PPID
java "$@" &
child=$!
stop() { kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0; }
trap stop TERM INT HUP
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 0.5 &
  wait $!
done
stop
