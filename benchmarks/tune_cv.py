"""Choose the answer stage's few constants by 5-fold cross-validation on the blind-written tuning pool.

    .venv/bin/python benchmarks/tune_cv.py          # about 20 minutes; artifacts/tune_cv.json

Every setting is scored the way `assistant eval` scores the shipped one: for each fold the
calibration is fitted on the other four folds and the held-out fold is answered. A setting's
score is the mean over folds of (cites evidence + facts in the answer + the share of quoted
sentences that are evidence) / 3: that precision is what keeps a longer answer from winning
only by quoting more. The table
gives the mean and the worst fold; the best mean is what assistant/params.py ships.
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answering import Assistant  # noqa: E402
from assistant.evaluation import evaluate, load_tuning  # noqa: E402
from assistant.params import Params  # noqa: E402
from assistant.report import FOLDS, analyses, fit  # noqa: E402

KEYS = ("cites_evidence", "fact_recall", "sentence_precision")


def score(base: Assistant, gold, params: Params, readings=None) -> dict:
    """Held-out fold figures for one setting: per-fold objective, mean, worst."""
    trial = base.with_params(params)
    readings = readings if readings is not None else analyses(trial, gold)
    folds = []
    for f in range(FOLDS):
        cal = fit([q for q in gold if q.fold != f], readings, "tuning", params.answer)
        s = evaluate(trial.with_params(calibration=cal), [q for q in gold if q.fold == f])["summary"]
        folds.append({k: s[k] for k in KEYS + ("unanswerable_not_answered", "followups_resolved")}
                     | {"objective": sum(s[k] for k in KEYS) / len(KEYS)})
    objs = [f["objective"] for f in folds]
    return {"mean": sum(objs) / len(objs), "worst": min(objs), "folds": folds}


def main() -> int:
    import argparse

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reranker", choices=("on", "off"), default="off", help="read sentences with the reranker")
    p.add_argument("--only", choices=("quoting", "retrieval", "all"), default="all", help="which sweeps to run")
    args = p.parse_args()
    gold = load_tuning()
    start = Params()
    default = replace(start, answer=replace(start.answer, use_reranker=args.reranker == "on"))
    base = Assistant(params=default)
    base.warm_up()
    results = []

    def report(name: str, params: Params, readings=None) -> None:
        r = score(base, gold, params, readings) | {"setting": name, "params": params.to_dict()}
        results.append(r)
        cites = sum(f["cites_evidence"] for f in r["folds"]) / len(r["folds"])
        print(f"{name:62s} mean {r['mean']:.4f}  worst fold {r['worst']:.4f}  cites {cites:.3f}", flush=True)

    report("shipped defaults", default)
    # How many passages are read and how much of them is quoted are chosen together: reading
    # more passages only pays when more may be quoted. The quoting values do not change what
    # is analysed, so one analysis pass per number of passages serves them all.
    for n in (5, 6, 8, 10, 16) if args.only != "retrieval" else ():
        read = replace(default, answer=replace(default.answer, sentence_passages=n))
        readings = analyses(base.with_params(read), gold)
        for keep, most in itertools.product((0.2, 0.4, 0.6), (1, 2, 3, 4, 5, 6)):
            report(f"sentence_passages={n} keep_ratio={keep} max_sentences={most}",
                   replace(read, answer=replace(read.answer, keep_ratio=keep, max_sentences=most)), readings)
    # The retrieval's value changes the signals, so each gets its own pass.
    for w in (0.6, 0.8, 1.0) if args.only != "quoting" else ():
        if w != default.retrieval.dense_weight:
            report(f"dense_weight={w}", replace(default, retrieval=replace(default.retrieval, dense_weight=w)))
    best = max(results, key=lambda r: r["mean"])
    print(f"\nbest by mean over folds: {best['setting']} (mean {best['mean']:.4f}, worst fold {best['worst']:.4f})")
    out = Path("artifacts/tune_cv.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
