#!/usr/bin/env python3
"""Copies the best run per domain (by dev F1) from the work directory into prefixes/ and writes
prefixes/manifest.json with every method's dev F1, training time, source weights and command."""
import json, shutil, sys
from pathlib import Path

PAPER_F1 = {"ai": 67.95, "literature": 72.17, "music": 79.10, "politics": 74.25, "science": 75.82}
work, out, domains = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
manifest = {"note": "devF1: entity-level micro F1 on the CrossNER dev split, measured by cpner eval. "
            "paperTestF1: CP-NER's published test-set F1 with T5-base (10x larger PLM), for reference only.",
            "domains": {}}
for domain in domains:
    runs = {}
    for method in ("alone", "single", "multi") if domain != "conll2003" else ("",):
        name = f"{domain}-{method}" if method else domain
        report = work / f"{name}.json"
        if report.exists():
            r = json.loads(report.read_text().strip().splitlines()[-1])
            r["command"] = (work / f"{name}.cmd").read_text().strip()
            runs[name] = r
    best_name = max(runs, key=lambda n: runs[n]["devF1"])
    best = runs[best_name]
    shutil.rmtree(out / domain, ignore_errors=True)
    shutil.copytree(work / best_name, out / domain)
    manifest["domains"][domain] = {
        "method": best["method"], "devF1": best["devF1"], "trainingSeconds": best["trainingSeconds"],
        "sourceWeights": best["sourceWeights"], "command": best["command"],
        "paperTestF1": PAPER_F1.get(domain),
        "methods": {r["method"]: {"devF1": r["devF1"], "trainingSeconds": r["trainingSeconds"],
                                  "sourceWeights": r["sourceWeights"], "command": r["command"]} for r in runs.values()},
    }
# the demo publishes a re-fused politics prefix mid-stream: the fused run that was not shipped as best
alternatives = [n for n in ("politics-multi", "politics-single") if (work / n).exists()
                and n != max((m for m in ("politics-alone", "politics-single", "politics-multi") if (work / f"{m}.json").exists()),
                             key=lambda m: json.loads((work / f"{m}.json").read_text().strip().splitlines()[-1])["devF1"])]
if alternatives:
    shutil.rmtree(out / "updates" / "politics", ignore_errors=True)
    shutil.copytree(work / alternatives[0], out / "updates" / "politics")
    manifest["demoUpdate"] = {"domain": "politics", "run": alternatives[0]}
(out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
print(json.dumps({d: (m["method"], m["devF1"]) for d, m in manifest["domains"].items()}))

# the README's table
print()
print("| domain | shipped | dev F1 alone | dev F1 single-source (conll2003) | dev F1 multi-source | fusion weights of the multi-source run | training time (shipped) | CP-NER paper, test F1 (T5-base) |")
print("|---|---|---|---|---|---|---|---|")
for domain, m in manifest["domains"].items():
    methods = m["methods"]
    def f1(method):
        return f'{methods[method]["devF1"]:.2f}' if method in methods else "-"
    weights = methods.get("multi-source", {}).get("sourceWeights", {})
    w = ", ".join(f"{k} {v:.2f}" for k, v in weights.items()) if weights else "-"
    paper = f'{m["paperTestF1"]:.2f}' if m["paperTestF1"] else "-"
    print(f'| {domain} | {m["method"]} | {f1("alone")} | {f1("single-source")} | {f1("multi-source")} | {w} | {m["trainingSeconds"]} s | {paper} |')
