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

name="model-$(inputs_hash)"
model="models/$name.tar.gz"
if [ -f "$model" ]; then
  echo "train: data and config unchanged, reusing $model" >&2
else
  echo "train: training $model (data or config changed)" >&2
  start=$(date +%s)
  "$RASA" train --domain domain --fixed-model-name "$name" --out models --quiet >&2
  echo "train: trained in $(( $(date +%s) - start )) s" >&2
fi
echo "$model"
