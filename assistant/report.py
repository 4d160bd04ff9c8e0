"""`assistant eval`: calibrate on dev, evaluate every split and mode, print, save, plot."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .config import MODES, Settings
from .evaluation import GOLD, evaluate, load_gold

COLUMNS = [
    ("recall@1", "R@1", "{:.3f}"), ("recall@3", "R@3", "{:.3f}"), ("recall@5", "R@5", "{:.3f}"),
    ("mrr@10", "MRR", "{:.3f}"), ("ndcg@10", "nDCG", "{:.3f}"), ("fact_recall", "facts", "{:.3f}"),
    ("citation_precision", "cit.prec", "{:.3f}"), ("citation_validity", "cit.valid", "{:.2f}"),
    ("median_cited_chars", "chars", "{:.0f}"), ("abstention_precision", "abst.P", "{:.2f}"),
    ("abstention_recall", "abst.R", "{:.2f}"), ("false_abstentions", "false.abst", "{:d}"),
    ("followup_accuracy", "follow", "{:.2f}"), ("latency_p50_ms", "p50 ms", "{:.1f}"),
]


def table(results: list[dict]) -> str:
    head = ["split", "mode", "n"] + [c[1] for c in COLUMNS]
    body = [[r["split"], r["mode"], str(r["summary"]["questions"])]
            + [fmt.format(r["summary"][key]) for key, _, fmt in COLUMNS] for r in results]
    widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
    line = lambda row: "  ".join(cell.rjust(w) for cell, w in zip(row, widths))  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in body])


def calibrate(assistant, gold) -> None:
    """Refit the answerability model on the dev split's features and save it."""
    from . import calibration as calib

    rows, labels = [], []
    for q in (g for g in gold if g.split == "dev"):
        history = [{"role": "user", "content": q.first}] if q.first else None
        row = assistant.features(q.question, history)
        if row is not None:  # answer() refuses the rest before any calibration
            rows.append(row)
            labels.append(q.kind != "unanswerable")
    cal = calib.fit(rows, labels, f"dev split of {GOLD.name}: {len(rows)} questions, {sum(labels)} answerable")
    calib.save(cal)
    assistant.calibration = cal
    print(f"calibration refitted on {len(rows)} dev questions and saved to {calib.PATH}")


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = ["recall@1", "recall@3", "mrr@10", "ndcg@10", "fact_recall", "citation_precision", "abstention_recall"]
    splits = sorted({r["split"] for r in results})
    fig, axes = plt.subplots(1, len(splits), figsize=(6 * len(splits), 4), squeeze=False)
    for ax, split in zip(axes[0], splits):
        rs = [r for r in results if r["split"] == split]
        width = 0.8 / len(rs)
        for i, r in enumerate(rs):
            ax.bar([k + i * width for k in range(len(keys))], [r["summary"][k] for k in keys], width, label=r["mode"])
        ax.set_xticks([k + 0.4 - width / 2 for k in range(len(keys))], keys, rotation=30, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{split} split")
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"chart written to {path}")


def run_eval(settings: Settings, args) -> int:
    from .answering import Assistant

    t0 = time.perf_counter()
    gold = load_gold()
    assistant = Assistant(settings)
    assistant.warm_up()
    if args.calibrate:
        calibrate(assistant, gold)
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    modes = MODES if args.mode == "all" else (args.mode,)
    results = [evaluate(assistant, gold, mode, split) for split in splits for mode in modes]
    print(table(results))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"calibration": assistant.calibration.to_dict(), "results": results},
                              indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nfull results, one row per question: {out}  ({time.perf_counter() - t0:.1f}s)")
    if args.plot:
        plot(results, Path(args.plot))
    return 0
