"""Fine-tune the answerability reader: do these sentences answer this question?

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python training/train_answerability.py       # about 10 minutes on 2 idle CPU cores

The answer stage quotes the sentences its selection model ranks highest; whether they answer
the question at all is the harder call. A question about something the article names, asking
for a detail it never gives ("does the new model have all-wheel drive", "which large SUVs
exactly", "why did the talks fail"), finds sentences that share every word but the one that
matters. A cross-encoder reads the question and the top sentences together, so it can see
that the detail asked for is missing, which one vector per text blurs.

It starts from the bundled all-MiniLM-L6-v2 with a new one-logit head and is trained with
sentence-transformers' CrossEncoderTrainer on the same data as the sentence reranker
(``training/data/*.jsonl``: short fictional articles about OTHER topics, checked mechanically
by ``train_reranker.check_data``), read as (question, a few sentences of its article) pairs:

- an answerable question with its answering sentence among ``--context`` sentences of its
  article (the others the ones sharing most words with it): answerable;
- the same question with the most similar sentences but never the answering one: not
  answerable (the detail is missing; the topic is not);
- a near-miss question that no sentence answers, with the sentences it was written against
  ("near") and the most similar others: not answerable.

With ``--single``, the answering sentence alone and a few near ones alone are pairs too (the
sentence-level task, which a cross-encoder learns first). The order of the sentences is
shuffled. A fifth of the articles is held out; the figures in training/MODEL_CARD.md come
from them. The model is exported to ONNX and quantised to int8 exactly as the reranker is
(``train_reranker.export``) and written to ``--out``; ``rerank.Reranker(folder)`` runs it
without torch. It is not shipped: it did not learn to tell a near-miss question from an
answerable one (training/MODEL_CARD.md).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_reranker import ROOT, check_data, export, fit, load_articles, save_report, split  # noqa: E402

OUT = ROOT / "build" / "answerability" / "model"  # not shipped: see training/MODEL_CARD.md


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _similar(question: str, sentences: list[str], exclude: set[int]) -> list[int]:
    """Indices of the article's sentences by words shared with the question, most first."""
    q = _words(question)
    return sorted((i for i in range(len(sentences)) if i not in exclude),
                  key=lambda i: (-len(q & _words(sentences[i])), i))


def examples(articles: list[dict], rng: random.Random, context: int, single: int = 0) -> list[tuple[str, str, float]]:
    """(question, sentences joined, label) for every question: see the module's docstring;
    with ``single``, also the answering sentence alone and that many near ones alone."""
    out = []
    for a in articles:
        sents = a["sentences"]
        for q in a["questions"]:
            if q.get("answerable"):
                good = set(q["answer"])
                shown = sorted(good)[:context] + _similar(q["q"], sents, good)[: max(0, context - len(good))]
                without = _similar(q["q"], sents, good)[:context]
                cases = [(shown, 1.0), (without, 0.0)]
            else:
                near = [i for i in q.get("near", []) if 0 <= i < len(sents)][:context]
                cases = [(near + _similar(q["q"], sents, set(near))[: context - len(near)], 0.0)]
            if single and q.get("answerable"):
                # the sentence-level task too, which a cross-encoder learns first: the answering
                # sentence alone, and the ones sharing most words with the question alone
                cases += [([i], 1.0) for i in sorted(good)] + [([i], 0.0) for i in without[:single]]
            for idx, label in cases:
                idx = list(idx)
                rng.shuffle(idx)
                out.append((q["q"], " ".join(sents[i] for i in idx), label))
    return out


def measure(score, articles: list[dict], context: int) -> dict:
    """Held-out figures: AUC of answerable against not, over the examples built the same way,
    and separately over the near-miss questions against the answerable ones."""
    from sklearn.metrics import roc_auc_score

    data = examples(articles, random.Random(0), context)
    s = np.asarray(score([(q, c) for q, c, _ in data]))
    y = np.array([label for _, _, label in data])
    answerable = {q["q"] for a in articles for q in a["questions"] if q.get("answerable")}
    nm = np.array([d[0] not in answerable for d in data])
    keep = (y == 1) | nm
    return {"examples": len(data), "auc": round(float(roc_auc_score(y, s)), 4),
            "auc_near_miss_vs_answerable": round(float(roc_auc_score(y[keep], s[keep])), 4),
            "accuracy_at_0.5": round(float(np.mean((s >= 0.5) == (y == 1))), 4)}


def train(args, train_articles: list[dict]):
    rng = random.Random(args.seed)
    data = examples(train_articles, rng, args.context, args.single)
    rng.shuffle(data)
    print(f"training examples: {len(data)} ({int(sum(label for _, _, label in data))} answerable)", flush=True)
    return fit(data, args, logging_steps=25)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=float, default=3)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=4e-5)
    p.add_argument("--context", type=int, default=3, help="sentences shown with each question")
    p.add_argument("--single", type=int, default=3,
                   help="also train on single sentences: the answering one and this many near ones")
    p.add_argument("--max-length", type=int, default=192)
    p.add_argument("--holdout", type=int, default=5, help="every n-th article is held out")
    p.add_argument("--all", action="store_true", help="train on every article (after measuring with a hold-out)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work", default="build/answerability")
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)

    articles = load_articles()
    checked = check_data(articles)
    train_articles, held_out = split(articles, args.holdout)
    if args.all:
        train_articles = articles
    print(f"data: {checked}; training on {len(train_articles)} articles, holding out {len(held_out)}", flush=True)
    t0 = time.perf_counter()
    model = train(args, train_articles)
    train_s = time.perf_counter() - t0
    model.save_pretrained(str(Path(args.work) / "torch-model"))
    torch_figures = measure(lambda ps: model.predict(ps, show_progress_bar=False, activation_fn=None), held_out,
                            args.context)
    print(f"held out, torch fp32: {torch_figures}", flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    export(model, out, args.max_length)
    sys.path.insert(0, str(ROOT))
    from assistant.rerank import Reranker

    runner = Reranker(out)
    onnx_figures = measure(lambda ps: runner.score([q for q, _ in ps], [s for _, s in ps]), held_out, args.context)
    print(f"held out, ONNX int8: {onnx_figures}", flush=True)
    report = {"data": checked, "trained_on_all": args.all, "held_out_articles": len(held_out),
              "epochs": args.epochs, "single": args.single, "batch": args.batch, "lr": args.lr, "context": args.context,
              "max_length": args.max_length, "seed": args.seed, "train_seconds": round(train_s),
              "held_out_torch_fp32": torch_figures, "held_out_onnx_int8": onnx_figures,
              "model_bytes": (out / "model.onnx").stat().st_size}
    save_report(out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
