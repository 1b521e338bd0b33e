#!/usr/bin/env bash
# The training recipe's levers of issue 12, each measured on dev against the shipped recipe: one
# target trained alone (default politics, seed 42, 20 epochs, patience 5, RECIPE), once per lever with
# that one option changed. The shipped recipe's own run of that target and seed (the manifest's) is the
# baseline the table sets them against.
#
#   ops/scripts/recipe-levers.sh ../shared/data/crossner [REPORT_ROOT] [WORK_DIR]
#
# REPORT_ROOT (default prefixes/<plm>/levers) keeps each run's JSON report and exact command in
# seed-<SEED>/ and is committed, so an interrupted sweep continues in a later session; WORK_DIR (default
# target/lever-runs/<plm>) receives the prefixes, which are not kept. Environment: CPNER_PLM (default
# bert-base-cased), TARGET (default politics), SEED (default 42), LEVERS (default all below), RECIPE
# (the shipped recipe's options, e.g. "--head-layers 4"). Run from the repository root.
set -euo pipefail
data=${1:?usage: recipe-levers.sh CROSSNER_DIR [REPORT_ROOT] [WORK_DIR]}
export CPNER_PLM=${CPNER_PLM:-bert-base-cased}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target=${TARGET:-politics}
seed=${SEED:-42}
report_root=${2:-prefixes/$CPNER_PLM/levers}
reports=$report_root/seed-$seed
work=${3:-target/lever-runs/$CPNER_PLM}/seed-$seed
read -r -a levers <<< "${LEVERS:-no-word-shape prefix-length-5 prefix-length-20 head-lr-x2 prefix-lr-x2 epochs-30}"
read -r -a recipe <<< "${RECIPE:-}"

lever_options() { # the train options of one lever (the defaults: head lr 5e-3, prefix lr 5e-4, prefix length 10)
  case $1 in
    no-word-shape) echo "--epochs 20 --patience 5 --no-word-shape" ;;
    prefix-length-5) echo "--epochs 20 --patience 5 --prefix-length 5" ;;
    prefix-length-20) echo "--epochs 20 --patience 5 --prefix-length 20" ;;
    head-lr-x2) echo "--epochs 20 --patience 5 --lr 1e-2" ;;
    prefix-lr-x2) echo "--epochs 20 --patience 5 --prefix-lr 1e-3" ;;
    epochs-30) echo "--epochs 30 --patience 10" ;;
    *) echo "unknown lever: $1" >&2; exit 2 ;;
  esac
}

mkdir -p "$reports" "$work"
for lever in "${levers[@]}"; do
  name="$target-$lever"
  if [[ -s "$reports/$name.json" ]]; then echo "have $name"; continue; fi
  read -r -a options <<< "$(lever_options "$lever")"
  args=(train --domain "$target" --train "$data/$target/train.txt" --dev "$data/$target/dev.txt" --seed "$seed"
    --out "$work/$name" "${options[@]}" "${recipe[@]}")
  echo "CPNER_PLM=$CPNER_PLM cpner ${args[*]}" > "$reports/$name.cmd"
  "$root/ops/bin/cpner" "${args[@]}" > "$work/$name.json.part" 2> "$work/$name.log"
  mv "$work/$name.json.part" "$reports/$name.json" # a run counts as done only when it finished
  echo "$name: $(tail -n 1 "$reports/$name.json")"
done
python3 "$root/ops/scripts/levers-table.py" "$report_root" "prefixes/$CPNER_PLM/manifest.json" "$target"
