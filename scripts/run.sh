#!/usr/bin/env bash
# Runs the assistant on embedded defaults: SQLite, no external services.
# Sets up Python and dependencies, migrates the database, trains if data or
# config changed, then starts the action server and the Rasa server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PROJECT_ROOT"

bash scripts/setup.sh
"$PY" -m clinic.store.migrate >/dev/null
MODEL="$(bash scripts/train.sh)"

mkdir -p var/log
"$RASA" run actions --port "$ACTION_PORT" --actions actions >var/log/actions.log 2>&1 &
ACTIONS_PID=$!
trap 'kill "$ACTIONS_PID" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  The assistant is starting (about 20 seconds) on http://127.0.0.1:$RASA_PORT
  - chat in this terminal: open another terminal and run  make chat
  - REST channel:     POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook
                      {"sender": "me", "message": "hello"}
  - socket.io channel: http://127.0.0.1:$RASA_PORT/socket.io
  - HTTP API (token in var/rasa_token):
                      POST http://127.0.0.1:$RASA_PORT/model/parse?token=\$(cat var/rasa_token)
  Logs of the action server: var/log/actions.log. Stop with Ctrl-C.

MSG
"$RASA" run --model "$MODEL" --enable-api --auth-token "$RASA_AUTH_TOKEN" \
  --port "$RASA_PORT" --endpoints endpoints.yml --credentials credentials.yml \
  --cors "http://127.0.0.1:$RASA_PORT" --interface 127.0.0.1
