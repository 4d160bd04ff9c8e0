"""`assistant eval`: 5-fold cross-validation on the blind gold set, tables, JSON, a chart.

For each fold the answerability calibration is fitted on the other four folds and the fold
is answered with it, so every figure comes from questions the fit never saw. The tables
give the pooled held-out figures, the mean over folds and the worst fold.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from .config import MODES, Settings
from .evaluation import (
    FRESH2,
    FRESH3,
    FRESH4,
    FRESH5,
    FRESH6,
    LEGACY,
    TUNING,
    GoldQuestion,
    evaluate,
    history,
    load_gold,
    overlaps,
    summarise,
)
from .params import AnswerParams

FOLDS = 5
# Sets answered whole with the shipped calibration (fitted on the blind set): never fitted on.
HELD_OUT = {"fresh2": FRESH2, "fresh3": FRESH3, "fresh4": FRESH4, "fresh5": FRESH5, "fresh6": FRESH6,
            "legacy": LEGACY}
# (key, header, format, higher is better)
COLUMNS = [
    ("hit@3", "hit@3", "{:.3f}", True), ("cites_evidence", "cites", "{:.3f}", True),
    ("cite_loss", "loss", "{:+.3f}", False), ("fact_recall", "facts", "{:.3f}", True),
    ("not_covered_on_answerable", "nc.ans", "{:.3f}", False),
    ("unanswerable_not_answered", "una.ok", "{:.3f}", True),
    ("followups_resolved", "follow", "{:.3f}", True), ("followups_without_history", "f.nohist", "{:.3f}", True),
    ("topic_changes_resolved", "topic", "{:.3f}", True), ("short_right", "short.ok", "{:.3f}", True),
    ("short_on_unanswerable", "short.una", "{:g}", False), ("citation_validity", "valid", "{:.2f}", True),
    ("median_cited_chars", "chars", "{:.0f}", False), ("latency_p50_ms", "p50 ms", "{:.1f}", False),
]
HEADLINE = [c[0] for c in COLUMNS[:11]]


def table(rows: list[tuple[str, str, dict]]) -> str:
    """One line per (label, mode, summary)."""
    head = ["figures", "mode", "n"] + [c[1] for c in COLUMNS]
    body = [[label, mode, str(s["questions"])] + [fmt.format(s[key]) for key, _, fmt, _ in COLUMNS]
            for label, mode, s in rows]
    widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
    line = lambda row: "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False))  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in body])


def statuses(summary: dict) -> str:
    """The confusion table: question kind x status."""
    kinds = summary["statuses"]
    cols = sorted({s for counts in kinds.values() for s in counts})
    head = ["kind"] + cols
    body = [[k] + [str(kinds[k].get(c, 0)) for c in cols] for k in kinds]
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=False)) for r in [head] + body)


def analyses(assistant, gold: list[GoldQuestion], mode: str | None = None) -> dict[str, list]:
    """Every question's readings (id -> analyses), before any fitted model is applied."""
    out = {}
    for q in gold:
        readings = assistant.fitting_readings(q.question, history(assistant, q, mode), mode)
        if readings is not None:  # answer() refuses the rest before any model is asked
            out[q.id] = readings
    return out


def fit(gold: list[GoldQuestion], readings: dict[str, list], what: str, ap: AnswerParams):
    """Both models on ``gold``: the selection model on the sentences of the answerable
    questions (is it evidence?), then the answerability model on every question, whose
    features depend on what the answer stage's values (``ap``) will quote."""
    from . import calibration as calib
    from .selection import ranked

    sentences, is_evidence = [], []
    for q in gold:
        if q.kind == "answerable" and q.id in readings:
            for c in readings[q.id][0].candidates:
                sentences.append(c.x)
                is_evidence.append(any(overlaps(c.span, span) for src, span in q.evidence
                                       if src == c.passage.chunk.source))
    selection = calib.fit_selection(sentences, is_evidence)
    rows = [q for q in gold if q.id in readings]
    # Fitted on the reading that carries each question's meaning: its own words, or for a
    # follow-up the words completed from the conversation. (Which reading answer() keeps
    # depends on this model, so it cannot be what the model is fitted on.)
    feats = [ranked(readings[q.id][-1 if q.kind == "followup" else 0], selection, ap)[1] for q in rows]
    labels = [q.kind != "unanswerable" for q in rows]
    return calib.fit_answerable(selection, feats, labels, f"{what}: {len(rows)} questions, {sum(labels)} answerable, "
                                                         f"{len(sentences)} sentences")


def cross_validate(assistant, gold: list[GoldQuestion], mode: str, folds: int = FOLDS) -> dict:
    """Fit on k-1 folds, answer the held-out fold; figures per fold, pooled, mean, worst."""
    readings = analyses(assistant, gold, mode)
    per_fold, pooled_rows = [], []
    for f in range(folds):
        held = [q for q in gold if q.fold == f]
        cal = fit([q for q in gold if q.fold != f], readings, f"blind set, folds other than {f}",
                  assistant.params.answer)
        res = evaluate(assistant.with_params(calibration=cal), held, mode, name=f"fold {f}")
        per_fold.append(res["summary"] | {"calibration": cal.to_dict()})
        pooled_rows += res["rows"]
    mean, worst = {}, {}
    for key, _, _, higher in COLUMNS:
        values = [s[key] for s in per_fold]
        mean[key] = statistics.fmean(values)
        worst[key] = min(values) if higher else max(values)
    pooled = summarise(pooled_rows)
    return {"mode": mode, "pooled": pooled, "mean": mean | {"questions": pooled["questions"], "statuses": {}},
            "worst": worst | {"questions": pooled["questions"] // folds, "statuses": {}},
            "folds": per_fold, "rows": pooled_rows}


def calibrate(assistant, gold: list[GoldQuestion], path: Path) -> None:
    """Fit both models on the whole tuning pool and save them to ``path``."""
    from . import calibration as calib

    what = "all of " + " and ".join(f"{p.parent.name}/{p.name}" for p in TUNING)
    cal = fit(gold, analyses(assistant, gold), what, assistant.params.answer)
    # The two-turn questions' histories are answers to their first turns: fit again with
    # histories made by a fitted model, as answer() and the cross-validation make them.
    assistant.calibration = cal
    cal = fit(gold, analyses(assistant, gold), what, assistant.params.answer)
    calib.save(cal, path)
    assistant.calibration = cal
    print(f"calibration fitted on the whole tuning pool ({len(gold)} questions) and saved to {path}")


def plot(results: list[dict], path: Path) -> None:
    """Chart the pooled cross-validation figures of each mode, and the status per question kind.

    Args:
        results: one ``cross_validate`` result per mode.
        path: the image file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    keys = ["hit@3", "cites_evidence", "fact_recall", "unanswerable_not_answered", "followups_resolved", "short_right"]
    width = 0.8 / len(results)
    for i, r in enumerate(results):
        left.bar([k + i * width for k in range(len(keys))], [r["pooled"][k] for k in keys], width, label=r["mode"])
    left.set_xticks([k + 0.4 - width / 2 for k in range(len(keys))], keys, rotation=25, ha="right")
    left.set_ylim(0, 1.05)
    left.set_title("held-out figures (5-fold CV, pooled)")
    left.legend()
    conf = results[0]["pooled"]["statuses"]
    kinds = list(conf)
    cols = sorted({s for c in conf.values() for s in c})
    bottom = [0.0] * len(kinds)
    for s in cols:
        vals = [conf[k].get(s, 0) / max(1, sum(conf[k].values())) for k in kinds]
        right.bar(kinds, vals, bottom=bottom, label=s)
        bottom = [b + v for b, v in zip(bottom, vals, strict=False)]
    right.set_title(f"status per question kind ({results[0]['mode']})")
    right.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"chart written to {path}")


def _gold(*paths: Path) -> list[GoldQuestion]:
    """The gold sets, which ship with the repository's tests, not with the package."""
    for path in paths:
        if not path.is_file():
            from .errors import ConfigError

            raise ConfigError(f"the gold questions ({path}) are not here: they ship with the repository's tests, "
                              "so run `assistant eval` from a checkout")
    return [q for path in paths for q in load_gold(path)]


def run_eval(settings: Settings, args) -> int:
    """``assistant eval``: cross-validate (or answer a held-out set), print the tables, save the results.

    Args:
        settings: where the corpus and index are, and the model.
        args: the parsed ``eval`` arguments (``gold``, ``mode``, ``calibrate``, ``json``, ``plot``).

    Returns:
        The exit code, 0.

    Raises:
        ConfigError: the gold questions are not here (not run from a checkout).
    """
    from .answering import Assistant

    t0 = time.perf_counter()
    held_out = args.gold in HELD_OUT
    gold = _gold(HELD_OUT[args.gold]) if held_out else _gold(*TUNING)  # before any model is loaded
    from . import calibration as calib

    refit = bool(args.calibrate) and not held_out  # the shipped file may be stale: it is replaced
    assistant = Assistant(settings, calibration=calib.blank() if refit else None)
    assistant.warm_up()
    out: dict = {"params": assistant.params.to_dict()}
    if held_out:  # a set never fitted on: answered with the shipped calibration, as users get it
        modes = MODES if args.mode == "all" else (args.mode,)
        results = [evaluate(assistant, gold, m, name=args.gold) for m in modes]
        print(table([(f"{args.gold}, all", r["mode"], r["summary"]) for r in results]))
        print(f"\nstatus per question kind ({results[0]['mode']}):\n{statuses(results[0]['summary'])}")
        out |= {"calibration": assistant.calibration.to_dict(), args.gold: results}
    else:
        if args.calibrate:
            calibrate(assistant, gold, Path(args.calibrate))
        modes = MODES if args.mode == "all" else (args.mode,)
        results = [cross_validate(assistant, gold, m) for m in modes]
        lines = []
        for r in results:
            lines += [("CV pooled", r["mode"], r["pooled"]), ("fold mean", r["mode"], r["mean"]),
                      ("worst fold", r["mode"], r["worst"])]
        print(table(lines))
        print(f"\nstatus per question kind ({results[0]['mode']}, pooled over the held-out folds):\n"
              f"{statuses(results[0]['pooled'])}")
        out |= {"calibration": assistant.calibration.to_dict(), "cv": results}
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nfull results, one row per question: {path}  ({time.perf_counter() - t0:.1f}s)")
    if args.plot and not held_out:
        plot(results, Path(args.plot))
    return 0
