#!/usr/bin/env python3
"""Prints the recipe levers' table (README) from the reports recipe-levers.sh keeps.

    levers-table.py REPORT_ROOT MANIFEST TARGET

REPORT_ROOT holds one folder per seed (seed-<N>/), each with one report per lever
(<target>-<lever>.json, its last line the run's JSON report). One row per lever: fp32 dev F1 per seed
and its mean, the shipped recipe's mean over the same seeds (its alone runs of TARGET in MANIFEST) and
the difference, the int8 mean, best epochs of those run, and the mean training time. The first row is
the shipped recipe itself over every seed of MANIFEST."""
import json, statistics, sys
from pathlib import Path

root, manifest, target = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()), sys.argv[3]
shipped = {r["seed"]: r for r in manifest["domains"][target]["runs"] if r["method"] == "alone"}

runs = {}  # lever -> {seed: report}
for folder in sorted(root.glob("seed-*")):
    seed = int(folder.name[len("seed-"):])
    for path in sorted(folder.glob(f"{target}-*.json")):
        runs.setdefault(path.stem[len(target) + 1:], {})[seed] = json.loads(path.read_text().strip().splitlines()[-1])


def mean(values):
    return statistics.mean(values)


def row(lever, by_seed, compared=True):
    seeds = sorted(by_seed)
    fp32 = [by_seed[s]["devF1"] for s in seeds]
    base = [shipped[s]["devF1"] for s in seeds if s in shipped]
    per_seed = ", ".join(f'{by_seed[s]["devF1"]:.2f} ({s})' for s in seeds)
    sd = f" ± {statistics.stdev(fp32):.2f}" if len(fp32) > 1 else ""
    comparable = compared and len(base) == len(seeds)
    versus = f"{mean(base):.2f}" if comparable else "-"
    difference = f"{mean(fp32) - mean(base):+.2f}" if comparable else "-"
    epochs = ", ".join(f'{by_seed[s]["bestEpoch"]} / {by_seed[s]["epochsRun"]}' for s in seeds)
    return (f"| {lever} | {per_seed} | {mean(fp32):.2f}{sd} | {versus} | {difference} "
            f'| {mean([by_seed[s]["devF1Int8"] for s in seeds]):.2f} | {epochs} '
            f'| {round(mean([by_seed[s]["trainingSeconds"] for s in seeds])):,} s |')


print("| lever | dev F1 fp32 (seed) | mean | shipped recipe, same seeds | difference | dev F1 int8, mean | best epoch / run | training time, mean |")
print("|---|---|---|---|---|---|---|---|")
if shipped:
    print(row("shipped recipe", shipped, compared=False))
for lever in sorted(runs):
    print(row(lever, runs[lever]))
