# Shared environment for the project's scripts: sourced, never run.
# Every value can be overridden from the caller's environment.
PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PROJECT_ROOT
export PYTHONPATH="$PROJECT_ROOT${PYTHONPATH:+:$PYTHONPATH}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"
export RASA_TELEMETRY_ENABLED=false
export RASA_CACHE_DIRECTORY="${RASA_CACHE_DIRECTORY:-$PROJECT_ROOT/.rasa/cache}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1

export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export CONSOLE_PORT="${CONSOLE_PORT:-5080}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
# The demo clinic website with the chat widget (clinic/site); the Rasa server's
# socket.io channel accepts its origin unless WIDGET_ORIGINS says otherwise.
export SITE_PORT="${SITE_PORT:-8080}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
# var/ holds the database, the API token, logs and kept-aside crisis flags: the
# service's user only, and so is everything in it (an earlier version left its
# database and logs world-readable; run.sh creates new ones 0600).
mkdir -p "$PROJECT_ROOT/var"
chmod 700 "$PROJECT_ROOT/var"
# Best effort: a file another user owns, or one a running service removes
# meanwhile, must not stop the script.
chmod -R go-rwx "$PROJECT_ROOT/var" 2>/dev/null || true
export DATABASE_URL="${DATABASE_URL:-sqlite:///$PROJECT_ROOT/var/clinic.db}"
export DATABASE_DIALECT="${DATABASE_DIALECT:-${DATABASE_URL%%[:+]*}}"
# libpq's own setting, read by every PostgreSQL connection (tracker store, the
# clinic's records): an unreachable database fails in seconds, so a crisis flag
# goes to its spool file (docs/safety.md) instead of waiting minutes for TCP.
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}"
export STAFF_WEBHOOK_URL="${STAFF_WEBHOOK_URL:-}"
# export_secret VAR file: VAR as the caller set it, else the secret kept in
# var/<file> (0600), made on first run.
export_secret() {
  local token_file="$PROJECT_ROOT/var/$2"
  if [ -z "${!1:-}" ]; then
    [ -s "$token_file" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > "$token_file")
    chmod 600 "$token_file"
    printf -v "$1" '%s' "$(cat "$token_file")"
  fi
  export "${1?}"
}
# The HTTP API is protected by this token.
export_secret RASA_AUTH_TOKEN rasa_token
# The action server answers only calls carrying this secret, which Rasa sends
# (endpoints.yml), and listens on loopback unless ACTION_HOST says otherwise
# (clinic/action_auth.py).
export_secret ACTION_SERVER_TOKEN action_token
export ACTION_HOST="${ACTION_HOST:-127.0.0.1}"
# Signs the conversation ids the chat widget is given (clinic/channels/conversation_ids.py);
# every Rasa replica of a clinic group needs the same one.
export_secret CONVERSATION_SECRET conversation_secret
# Signs staff webhook payloads; give the receiver this value (var/webhook_secret).
export_secret STAFF_WEBHOOK_SECRET webhook_secret
VENV="$PROJECT_ROOT/.venv"
PY="$VENV/bin/python"
RASA="$PROJECT_ROOT/scripts/rasa"  # rasa with the fixes of clinic/rasa_cli.py
