#!/usr/bin/env bash
# Runs the assistant on embedded defaults: SQLite, no external services.
# Sets up Python and dependencies, migrates the database, trains if data or
# config changed, then starts the action server and the Rasa server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PROJECT_ROOT"

bash scripts/setup.sh
"$PY" -m clinic.store.migrate >/dev/null
# A model staff put live from the console (or rolled back to) keeps serving
# after a restart; otherwise the model for the current data and config.
MODEL="$("$PY" -m clinic.training live-model 2>/dev/null || bash scripts/train.sh)"

# The services' logs and database files: the service's user only (0600).
umask 077
mkdir -p var/log
# Every process started in the background below is stopped with the assistant.
BACKGROUND_PIDS=()
trap 'kill "${BACKGROUND_PIDS[@]}" 2>/dev/null || true' EXIT INT TERM
"$RASA" run actions --port "$ACTION_PORT" --actions actions >var/log/actions.log 2>&1 &
BACKGROUND_PIDS+=($!)
# The staff console (clinic/console): sign-in, live queue, live chats with visitors.
"$PY" -m clinic.console >var/log/console.log 2>&1 &
BACKGROUND_PIDS+=($!)

# ---- website chat: the demo clinic page with the chat widget (clinic/site) ----
"$PY" -m clinic.site >var/log/site.log 2>&1 &
BACKGROUND_PIDS+=($!)
cat <<MSG

  Website chat: the demo clinic page, chat with it at http://127.0.0.1:$SITE_PORT
  (the widget connects to the Rasa server below; logs: var/log/site.log)
MSG
# ---- end of website chat ----

cat <<MSG

  The assistant is starting (about 20 seconds) on http://127.0.0.1:$RASA_PORT
  - chat in this terminal: open another terminal and run  make chat
  - REST channel:     POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook
                      {"sender": "me", "message": "hello"}
  - socket.io channel: http://127.0.0.1:$RASA_PORT/socket.io
  - HTTP API (token in var/rasa_token, sent as a header):
                      POST http://127.0.0.1:$RASA_PORT/model/parse
                      X-Rasa-Token: \$(cat var/rasa_token)
  - staff console:    http://127.0.0.1:$CONSOLE_PORT  (first account:
                      make staff ARGS="create <username> --name <Name> --role admin")
  Logs: var/log/actions.log, var/log/console.log. Stop with Ctrl-C.

MSG
"$RASA" run --model "$MODEL" --enable-api --auth-token="$RASA_AUTH_TOKEN" \
  --port "$RASA_PORT" --endpoints endpoints.yml --credentials credentials.yml \
  --cors "http://127.0.0.1:$RASA_PORT" --interface 127.0.0.1
