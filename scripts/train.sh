#!/usr/bin/env bash
# Trains the model only when its inputs changed; prints the model's path.
# The model is named after a hash of everything that shapes it (training data,
# domain, config, the code that shapes features and the locked dependencies;
# the crisis detector and readability check only act at run time and read their
# phrases when the server starts, so editing them needs no retraining), so an unchanged
# project reuses models/model-<hash>.tar.gz and Rasa's cache (.rasa/cache)
# makes a partial change quick.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PROJECT_ROOT"

inputs_hash() {
  find config.yml domain data clinic/nlp clinic/components/sanitizer.py clinic/text_cleaning.py \
      clinic/components/linear_classifier.py clinic/components/linear_model.py \
      clinic/components/fast_scoring.py clinic/components/parse_result.py \
      clinic/components/sentence_encoder.py uv.lock \
      -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' -o -name '*.lock' \) \
      -not -path '*/__pycache__/*' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12
}

# A copy of each trained model and of the sentence embeddings is kept for the
# machine, outside the checkout, so that a fresh clone of the same inputs (CI's,
# a second checkout) reuses them: both are keyed by hashes of what shapes them
# (the model by inputs_hash, each embedding by its text and the encoder).
# CLINIC_MACHINE_CACHE names another directory; set it empty to turn this off.
user_cache="${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}"
machine_cache="${CLINIC_MACHINE_CACHE-${user_cache:+$user_cache/ketamine-clinic-assistant}}"
embeddings="${CLINIC_EMBEDDING_CACHE:-$(dirname "$RASA_CACHE_DIRECTORY")/sentence-embeddings.npz}"
KEPT_MODELS=5

# copy_into SOURCE TARGET: through a temporary file and a rename, so a reader
# never sees half a file.
copy_into() {
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.partial.$$" && mv -f "$2.partial.$$" "$2"
}

take_from_machine_cache() {
  local kept="$machine_cache/models/$name.tar.gz"
  [ -n "$machine_cache" ] && [ -f "$kept" ] && gzip -t "$kept" 2>/dev/null || return 1
  copy_into "$kept" "$model"
  # Retrainings from this checkout then encode only what changed.
  if [ ! -f "$embeddings" ] && [ -f "$machine_cache/sentence-embeddings.npz" ]; then
    copy_into "$machine_cache/sentence-embeddings.npz" "$embeddings"
  fi
}

keep_in_machine_cache() {
  [ -n "$machine_cache" ] || return 0
  copy_into "$model" "$machine_cache/models/$name.tar.gz"
  [ -f "$embeddings" ] && copy_into "$embeddings" "$machine_cache/sentence-embeddings.npz"
  # shellcheck disable=SC2012  # names without spaces: model-<hash>.tar.gz
  ls -t "$machine_cache/models/"*.tar.gz | tail -n +$((KEPT_MODELS + 1)) | xargs -r rm -f
}

keep_a_copy() {
  [ -f "$machine_cache/models/$name.tar.gz" ] && return 0
  keep_in_machine_cache 2>/dev/null || echo "train: could not keep a copy in $machine_cache" >&2
}

name="model-$(inputs_hash)"
model="models/$name.tar.gz"
if [ -f "$model" ]; then
  echo "train: data and config unchanged, reusing $model" >&2
  keep_a_copy
elif take_from_machine_cache; then
  echo "train: data and config unchanged, reusing $model from $machine_cache" >&2
else
  echo "train: training $model (data or config changed)" >&2
  start=$(date +%s)
  "$RASA" train --domain domain --fixed-model-name "$name" --out models --quiet >&2
  echo "train: trained in $(( $(date +%s) - start )) s" >&2
  keep_a_copy
fi
echo "$model"
