#!/usr/bin/env bash
# Reproduces the shipped prefixes of one PLM and the figures behind them: conll2003 (the source
# domain), then for every target domain and every seed the three CP-NER methods (trained alone,
# single-source transfer from conll2003, multi-source fusion of conll2003 and the other targets'
# alone prefixes of the same seed), then select-prefixes.py ships the best method by mean dev F1 over
# the seeds and writes the manifest and the README's table. The fusion ablation is its own sweep over
# the shipped prefixes: fusion-ablation.sh.
#
#   ops/scripts/train-prefixes.sh ../shared/data/crossner [OUT_DIR] [WORK_DIR]
#
# Environment: CPNER_PLM (default bert-base-cased), SEEDS (default "42 43 44"), TARGETS (default all
# five), STAGES (default "source alone single multi"), and
# RECIPE (extra training options for every run, e.g. "--head-layers 4"). Finished runs (a .json
# report in WORK_DIR) are kept, so an interrupted sweep continues where it stopped.
set -euo pipefail
data=${1:?usage: train-prefixes.sh CROSSNER_DIR [OUT_DIR] [WORK_DIR]}
export CPNER_PLM=${CPNER_PLM:-bert-base-cased}
out=${2:-prefixes/$CPNER_PLM}
work=${3:-target/prefix-runs/$CPNER_PLM}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cpner="$root/ops/bin/cpner"
read -r -a seeds <<< "${SEEDS:-42 43 44}"
read -r -a targets <<< "${TARGETS:-politics science music literature ai}"
stages=" ${STAGES:-source alone single multi} "
read -r -a recipe <<< "${RECIPE:-}"
mkdir -p "$work" "$out"

run() { # dir, name, then the cpner arguments; records the command and its JSON report
  local dir=$1 name=$2; shift 2
  mkdir -p "$dir"
  if [[ -s "$dir/$name.json" ]]; then echo "have $dir/$name: $(cat "$dir/$name.json")"; return; fi
  echo "CPNER_PLM=$CPNER_PLM cpner $* ${recipe[*]}" > "$dir/$name.cmd"
  "$cpner" "$@" "${recipe[@]}" > "$dir/$name.json.part" 2> "$dir/$name.log"
  mv "$dir/$name.json.part" "$dir/$name.json" # a run counts as done only when it finished
  cat "$dir/$name.json"
}
has() { [[ $stages == *" $1 "* ]]; }

if has source; then
  run "$work" conll2003 train --domain conll2003 --train "$data/conll2003/train.txt" --dev "$data/conll2003/dev.txt" \
    --out "$work/conll2003" --max-train-sentences 0 --epochs 2 --patience 0 --seed 42
fi
for seed in "${seeds[@]}"; do
  w="$work/seed-$seed"
  for t in "${targets[@]}"; do
    d=(--train "$data/$t/train.txt" --dev "$data/$t/dev.txt" --seed "$seed")
    if has alone; then
      run "$w" "$t-alone" train --domain "$t" "${d[@]}" --out "$w/$t-alone" --epochs 20 --patience 5
    fi
    if has single; then
      run "$w" "$t-single" fuse --target "$t" --sources ../conll2003 --prefixes "$w" --warmup "$w/$t-alone" "${d[@]}" \
        --out "$w/$t-single" --epochs 6 --patience 3
    fi
    others=../conll2003
    for o in "${targets[@]}"; do [[ $o != "$t" ]] && others="$others,$o-alone"; done
    if has multi; then
      run "$w" "$t-multi" fuse --target "$t" --sources "$others" --prefixes "$w" --warmup "$w/$t-alone" "${d[@]}" \
        --out "$w/$t-multi" --epochs 6 --patience 3 --version 2
    fi
  done
done
python3 "$root/ops/scripts/select-prefixes.py" "$work" "$out" "${targets[@]}"
