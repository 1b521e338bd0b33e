#!/usr/bin/env bash
# The fusion ablation of issue 12: for every target domain and seed, multi-source fusion with
# CP-NER's learned weights, uniform weights, prefix similarity only, label similarity only, a
# 15-epoch fine-tune, the control (the same 6-epoch fine-tune of the warm start with the sources'
# share 0) and a share of the sources learned from 0 instead of CP-NER's fixed half. Every run starts from the same committed prefixes: the sources are the shipped
# conll2003 and the four other targets' shipped prefixes, the warm start is the target's shipped
# prefix, so the runs of one target differ only by the fusion mode and the seed of the fine-tune
# (not by retrained sources), and the sweep needs nothing but the repository. The prefixes are read
# as of commit SOURCES_REV (default b4f6236, the commit that shipped them and with which the sweep
# began), extracted by git archive into WORK_DIR, so a prefix shipped later (a retrained conll2003)
# does not change the sources of the runs still to come.
#
#   ops/scripts/fusion-ablation.sh ../shared/data/crossner [REPORT_DIR] [WORK_DIR]
#
# REPORT_DIR (default prefixes/<plm>/ablation) keeps each run's JSON report and exact command: it is
# committed, so an interrupted sweep continues in a later session where it stopped. WORK_DIR (default
# target/ablation-runs/<plm>) receives the fused prefixes, which are not kept. Environment: CPNER_PLM
# (default bert-base-cased), SEEDS (default "42 43 44"), TARGETS (default all five), MODES (default
# "learned uniform prefix label long control gated"), RECIPE (extra options for every run, e.g. "--head-layers 4").
# ablation-table.py REPORT_DIR prints the table.
set -euo pipefail
data=${1:?usage: fusion-ablation.sh CROSSNER_DIR [REPORT_DIR] [WORK_DIR]}
export CPNER_PLM=${CPNER_PLM:-bert-base-cased}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shipped="prefixes/$CPNER_PLM" # run from the repository root, as train-prefixes.sh
reports=${2:-$shipped/ablation}
work=${3:-target/ablation-runs/$CPNER_PLM}
rev=${SOURCES_REV:-b4f6236}
prefixes="$work/sources-$rev/$shipped"
extract="git archive $rev $shipped | tar -x -C $work/sources-$rev"
if [[ ! -d $work/sources-$rev ]]; then # whole or not at all
  rm -rf "$work/sources-$rev.part" && mkdir -p "$work/sources-$rev.part"
  git -C "$root" archive "$rev" "$shipped" | tar -x -C "$work/sources-$rev.part"
  mv "$work/sources-$rev.part" "$work/sources-$rev"
fi
cpner="$root/ops/bin/cpner"
read -r -a seeds <<< "${SEEDS:-42 43 44}"
read -r -a targets <<< "${TARGETS:-politics science music literature ai}"
read -r -a modes <<< "${MODES:-learned uniform prefix label long control gated}"
read -r -a recipe <<< "${RECIPE:-}"
all_targets=(politics science music literature ai)

mode_options() { # the fuse options of one ablation mode
  case $1 in
    learned) echo "--epochs 6 --patience 3" ;;
    uniform) echo "--epochs 6 --patience 3 --fusion-weights UNIFORM" ;;
    prefix) echo "--epochs 6 --patience 3 --fusion-weights PREFIX_SIMILARITY" ;;
    label) echo "--epochs 6 --patience 3 --fusion-weights LABEL_SIMILARITY" ;;
    long) echo "--epochs 15 --patience 0" ;;
    control) echo "--epochs 6 --patience 3 --fusion-weights UNIFORM --source-share 0" ;;
    gated) echo "--epochs 6 --patience 3 --source-share learned" ;;
    *) echo "unknown ablation mode: $1 (learned, uniform, prefix, label, long, control, gated)" >&2; exit 2 ;;
  esac
}

for t in "${targets[@]}"; do
  sources=conll2003
  for o in "${all_targets[@]}"; do [[ $o != "$t" ]] && sources="$sources,$o"; done
  for seed in "${seeds[@]}"; do
    for mode in "${modes[@]}"; do
      name="seed-$seed/$t-$mode"
      mkdir -p "$reports/seed-$seed" "$work/seed-$seed"
      if [[ -s "$reports/$name.json" ]]; then echo "have $name"; continue; fi
      read -r -a options <<< "$(mode_options "$mode")"
      args=(fuse --target "$t" --sources "$sources" --prefixes "$prefixes" --warmup "$prefixes/$t"
        --train "$data/$t/train.txt" --dev "$data/$t/dev.txt" --seed "$seed" --out "$work/$name" --version 2
        "${options[@]}" "${recipe[@]}")
      echo "mkdir -p $work/sources-$rev && $extract && CPNER_PLM=$CPNER_PLM cpner ${args[*]}" > "$reports/$name.cmd"
      "$cpner" "${args[@]}" > "$work/$name.json.part" 2> "$work/$name.log"
      mv "$work/$name.json.part" "$reports/$name.json" # a run counts as done only when it finished
      echo "$name: $(tail -n 1 "$reports/$name.json")"
    done
  done
done
python3 "$root/ops/scripts/ablation-table.py" "$reports" "$shipped/manifest.json" "${targets[@]}"
