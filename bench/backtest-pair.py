#!/usr/bin/env python3
"""Paired differences between variants of two `cvr backtest --out` files, as `cvr backtest` computes them within one
file (mean of the days' ensemble-logloss differences ± their standard deviation / √days), over all rows and over the
new-ad rows. For a variant run in another invocation (another build) than the reference: training is deterministic,
so the reference's folds are the same bits in either file (check: the script prints both files' reference when both
have it). Usage: bench/backtest-pair.py REFERENCE.json VARIANT.json [reference name] [variant name]"""
import json, math, sys

ref_file, var_file = sys.argv[1], sys.argv[2]
ref_name = sys.argv[3] if len(sys.argv) > 3 else "base"
var_name = sys.argv[4] if len(sys.argv) > 4 else "base"
ref = json.load(open(ref_file))["variants"][ref_name]
var = json.load(open(var_file))["variants"][var_name]


def ensemble(day_metrics):
    return None if day_metrics is None else next(m["logloss"] for m in day_metrics["models"] if m["model"] == "ensemble")


def paired(label, differences):
    mean = sum(differences) / len(differences)
    se = math.sqrt(sum((d - mean) ** 2 for d in differences) / (len(differences) - 1) / len(differences))
    print(f"{label}: {mean:+.5f} ± {se:.5f} (per day {', '.join(f'{d:+.5f}' for d in differences)})")


assert [f["day"] for f in ref] == [f["day"] for f in var], "the files score other days"
print("day  reference (new-ad)   variant (new-ad)")
for r, v in zip(ref, var):
    print(f"{r['day']}  {ensemble(r['metrics']):.5f} ({ensemble(r['new_ads']):.5f})   {ensemble(v['metrics']):.5f} ({ensemble(v['new_ads']):.5f})")
paired("all rows", [ensemble(v["metrics"]) - ensemble(r["metrics"]) for r, v in zip(ref, var)])
paired("new-ad rows", [ensemble(v["new_ads"]) - ensemble(r["new_ads"]) for r, v in zip(ref, var)])
