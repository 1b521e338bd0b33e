#!/usr/bin/env python3
"""Ships the best method per target domain by mean dev F1 over the seeds, and writes the manifest
and the README's tables.

    select-prefixes.py WORK_DIR OUT_DIR TARGET...

WORK_DIR holds conll2003.json (+ its prefix directory) and seed-<s>/<target>-<method>.json reports
(train-prefixes.sh writes them). For each target: mean +- sd (sample, n-1) of dev F1 on fp32 and on
the default int8 engine for alone / single / multi; the method with the best fp32 mean is shipped,
in its best seed. (The fusion ablation is fusion-ablation.sh's, with its own table: ablation-table.py.)"""
import json, shutil, statistics, sys
from pathlib import Path

PAPER_F1 = {"ai": 67.95, "literature": 72.17, "music": 79.10, "politics": 74.25, "science": 75.82}
METHODS = ("alone", "single", "multi")
work, out, targets = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]


def report(path):
    r = json.loads(path.read_text().strip().splitlines()[-1])
    r["command"] = path.with_suffix(".cmd").read_text().strip()
    return r


def runs(target, method):
    return sorted((report(p) for p in work.glob(f"seed-*/{target}-{method}.json")), key=lambda r: r["seed"])


def stats(rs, key):
    values = [r[key] for r in rs]
    if not values:
        return None
    return {"mean": round(statistics.mean(values), 2), "sd": round(statistics.stdev(values), 2) if len(values) > 1 else 0.0,
            "n": len(values), "values": values}


def fmt(s):
    if s is None:
        return "-"
    return f'{s["mean"]:.2f} (1 seed)' if s["n"] == 1 else f'{s["mean"]:.2f} ± {s["sd"]:.2f} ({s["n"]} seeds)'


manifest = {"note": "devF1: entity-level micro F1 on the CrossNER dev split as the processor serves it (cpner eval; "
            "fp32, and devF1Int8 on the default int8 engine), mean +- sample sd over the seeds listed. The shipped "
            "prefix is the best-by-mean method's best seed. paperTestF1: CP-NER's published test-set F1 with T5-base, "
            "for reference only.", "domains": {}}
source = work / "conll2003.json"
if source.exists():
    r = report(source)
    shutil.rmtree(out / "conll2003", ignore_errors=True)
    shutil.copytree(work / "conll2003", out / "conll2003")
    manifest["domains"]["conll2003"] = {"method": "alone", "seed": r["seed"], "devF1": r["devF1"],
                                        "devF1Int8": r["devF1Int8"], "runs": [r]}
tables = []
for target in targets:
    by_method = {m: runs(target, m) for m in METHODS}
    summary = {m: {"devF1": stats(rs, "devF1"), "devF1Int8": stats(rs, "devF1Int8"),
                   "trainingSeconds": stats(rs, "trainingSeconds")} for m, rs in by_method.items() if rs}
    if not summary:
        continue
    best_method = max(summary, key=lambda m: summary[m]["devF1"]["mean"])
    best_run = max(by_method[best_method], key=lambda r: r["devF1"])
    shutil.rmtree(out / target, ignore_errors=True)
    shutil.copytree(Path(best_run["out"]), out / target)
    manifest["domains"][target] = {
        "method": best_method, "seed": best_run["seed"], "devF1": best_run["devF1"], "devF1Int8": best_run["devF1Int8"],
        "paperTestF1": PAPER_F1.get(target), "methods": summary,
        "runs": [r for rs in by_method.values() for r in rs],
    }
# the demo publishes a re-fused politics prefix mid-stream: the other fused method's run of the shipped seed
if "politics" in manifest["domains"]:
    shipped = manifest["domains"]["politics"]
    for alt in ("multi", "single"):
        candidate = work / f'seed-{shipped["seed"]}' / f"politics-{alt}"
        if alt != shipped["method"] and candidate.exists():
            shutil.rmtree(out / "updates" / "politics", ignore_errors=True)
            shutil.copytree(candidate, out / "updates" / "politics")
            manifest["demoUpdate"] = {"domain": "politics", "run": f'seed-{shipped["seed"]}/politics-{alt}'}
            break
(out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")

print("| domain | shipped (seed) | alone fp32 / int8 | single-source fp32 / int8 | multi-source fp32 / int8 | training time, mean (shipped method) | CP-NER paper, test F1 (T5-base) |")
print("|---|---|---|---|---|---|---|")
for domain, m in manifest["domains"].items():
    if domain == "conll2003":
        print(f'| conll2003 | alone ({m["seed"]}) | {m["devF1"]:.2f} / {m["devF1Int8"]:.2f} (1 seed) | - | - | {m["runs"][0]["trainingSeconds"]} s | - |')
        continue
    cells = []
    for method in METHODS:
        s = m["methods"].get(method)
        cells.append("-" if s is None else f'{fmt(s["devF1"])} / {fmt(s["devF1Int8"])}')
    seconds = m["methods"][m["method"]]["trainingSeconds"]["mean"]
    print(f'| {domain} | {m["method"]} ({m["seed"]}) | {" | ".join(cells)} | {seconds:.0f} s | {m["paperTestF1"]:.2f} |')
