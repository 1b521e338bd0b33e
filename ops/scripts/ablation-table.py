#!/usr/bin/env python3
"""Prints the fusion ablation table (README) from the reports fusion-ablation.sh keeps.

    ablation-table.py REPORT_DIR MANIFEST TARGET...

REPORT_DIR holds seed-<s>/<target>-<mode>.json (the last line of each is the run's JSON report).
Per target and mode: mean +- sample sd of fp32 dev F1 over the seeds that finished, and their count;
the warm start (the shipped prefix every run of the target starts from) and the alone method's mean
over its three seeds come from MANIFEST, for reference. A second table pairs every mode's run with the
control's run of the same target and seed (the same warm start, fine-tune and seed, without the
sources) and gives the difference over all pairs that finished: the sources' effect, with the seed
noise of the fine-tune paired out. Last, the range of the learned share of the sources at the best
epoch (gated)."""
import json, statistics, sys
from pathlib import Path

MODES = ("learned", "uniform", "prefix", "label", "long", "control", "gated")
reports, manifest = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
targets = sys.argv[3:]


def report(path):
    return json.loads(path.read_text().strip().splitlines()[-1])


def runs(target, mode):
    """seed directory -> report of the finished runs of one target and mode"""
    return {p.parent.name: report(p) for p in sorted(reports.glob(f"seed-*/{target}-{mode}.json"))}


def f1s(target, mode):
    return [r["devF1"] for r in runs(target, mode).values()]


def cell(values):
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.2f} (1 seed)"
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f} ({len(values)})"


print("| target | warm start (shipped) | alone, 3 seeds | CP-NER learned weights | uniform | prefix similarity only "
      "| label similarity only | learned, 15 epochs | control: no sources | share of the sources learned from 0 |")
print("|---|---|---|---|---|---|---|---|---|---|")
for target in targets:
    domain = manifest["domains"][target]
    alone = domain["methods"]["alone"]["devF1"]
    row = [target, f'{domain["devF1"]:.2f}', f'{alone["mean"]:.2f} ± {alone["sd"]:.2f}']
    print("| " + " | ".join(row + [cell(f1s(target, m)) for m in MODES]) + " |")

print()
print("| mode | minus the control, paired by target and seed | pairs above the control |")
print("|---|---|---|")
for mode in MODES:
    if mode == "control":
        continue
    diffs = []
    for target in targets:
        control = runs(target, "control")
        diffs += [r["devF1"] - control[seed]["devF1"] for seed, r in runs(target, mode).items() if seed in control]
    if len(diffs) > 1:
        print(f"| {mode} | {statistics.mean(diffs):+.2f} ± {statistics.stdev(diffs):.2f} ({len(diffs)}) "
              f"| {sum(d > 0 for d in diffs)} of {len(diffs)} |")
shares = [r["sourceShareAtBest"] for t in targets for r in runs(t, "gated").values() if "sourceShareAtBest" in r]
if shares:
    print(f"\nLearned share of the sources at the best epoch (gated): {min(shares):+.3f} to {max(shares):+.3f} "
          f"over {len(shares)} runs.")
