#!/usr/bin/env python3
"""Prints the recipe levers' table (README) from the reports recipe-levers.sh keeps.

    levers-table.py REPORT_DIR MANIFEST TARGET SEED

The first row is the shipped recipe's run of TARGET alone with SEED, from MANIFEST; then one row per
lever report (<target>-<lever>.json, its last line the run's JSON report): fp32 and int8 dev F1,
best epoch of those run, and training time."""
import json, sys
from pathlib import Path

reports, manifest, target, seed = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()), sys.argv[3], int(sys.argv[4])


def row(lever, r):
    return (f'| {lever} | {r["devF1"]:.2f} | {r["devF1Int8"]:.2f} | {r["bestEpoch"]} / {r["epochsRun"]} '
            f'| {r["trainingSeconds"]:,} s |')


print("| lever | dev F1 fp32 | dev F1 int8 | best epoch / run | training time |")
print("|---|---|---|---|---|")
baseline = [r for r in manifest["domains"][target]["runs"] if r["method"] == "alone" and r["seed"] == seed]
if baseline:
    print(row("shipped recipe", baseline[0]))
for path in sorted(reports.glob(f"{target}-*.json")):
    print(row(path.stem[len(target) + 1:], json.loads(path.read_text().strip().splitlines()[-1])))
