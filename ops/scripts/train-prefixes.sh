#!/usr/bin/env bash
# Reproduces the shipped prefixes: conll2003 on its full training set, then for each target domain
# the three CP-NER methods (trained alone, single-source from conll2003, multi-source fusion of
# conll2003 and the other targets), keeping the best by dev F1 in prefixes/ with a manifest.
#
#   ops/scripts/train-prefixes.sh ../shared/data/crossner [prefixes] [target/prefix-runs]
set -euo pipefail
data=${1:?usage: train-prefixes.sh CROSSNER_DIR [OUT_DIR] [WORK_DIR]}
out=${2:-prefixes}
work=${3:-target/prefix-runs}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cpner="$root/ops/bin/cpner"
targets=(politics science music literature ai)
mkdir -p "$work" "$out"

run() { # name, then the cpner arguments; records the command and its JSON report
  local name=$1; shift
  if [[ -s "$work/$name.json" ]]; then echo "have $name: $(cat "$work/$name.json")"; return; fi
  echo "cpner $*" > "$work/$name.cmd"
  "$cpner" "$@" > "$work/$name.json.part"
  mv "$work/$name.json.part" "$work/$name.json" # a run counts as done only when it finished
  cat "$work/$name.json"
}

run conll2003 train --domain conll2003 --train "$data/conll2003/train.txt" --dev "$data/conll2003/dev.txt" \
  --out "$work/conll2003" --max-train-sentences 4000 --epochs 6 --patience 3
for t in "${targets[@]}"; do
  run "$t-alone" train --domain "$t" --train "$data/$t/train.txt" --dev "$data/$t/dev.txt" --out "$work/$t-alone" \
    --epochs 20 --patience 5
done
for t in "${targets[@]}"; do
  run "$t-single" fuse --target "$t" --sources conll2003 --prefixes "$work" --warmup "$work/$t-alone" \
    --train "$data/$t/train.txt" --dev "$data/$t/dev.txt" --out "$work/$t-single" --epochs 6 --patience 3
done
for t in "${targets[@]}"; do
  others=conll2003
  for o in "${targets[@]}"; do [[ $o != "$t" ]] && others="$others,$o-alone"; done
  run "$t-multi" fuse --target "$t" --sources "$others" --prefixes "$work" --warmup "$work/$t-alone" \
    --train "$data/$t/train.txt" --dev "$data/$t/dev.txt" --out "$work/$t-multi" --epochs 6 --patience 3 --version 2
done
python3 "$root/ops/scripts/select-prefixes.py" "$work" "$out" conll2003 "${targets[@]}"
