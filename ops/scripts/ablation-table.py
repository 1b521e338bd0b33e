#!/usr/bin/env python3
"""Prints the fusion ablation table (README) from the reports fusion-ablation.sh keeps.

    ablation-table.py REPORT_DIR MANIFEST TARGET...

REPORT_DIR holds seed-<s>/<target>-<mode>.json (the last line of each is the run's JSON report).
Per target and mode: mean +- sample sd of fp32 dev F1 over the seeds that finished, and their count;
the warm start (the shipped prefix every run of the target starts from) and the alone method's mean
over its three seeds come from MANIFEST, for reference."""
import json, statistics, sys
from pathlib import Path

MODES = ("learned", "uniform", "prefix", "label", "long", "control", "gated")
reports, manifest = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
targets = sys.argv[3:]


def f1s(target, mode):
    runs = sorted(reports.glob(f"seed-*/{target}-{mode}.json"))
    return [json.loads(p.read_text().strip().splitlines()[-1])["devF1"] for p in runs]


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
