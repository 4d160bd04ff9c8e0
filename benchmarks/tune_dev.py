"""Grid-search the retrieval and sentence-selection constants on the DEV split only.

    .venv/bin/python benchmarks/tune_dev.py

For every setting the answerability calibration is refitted on dev and dev is scored;
the test split is never read here. Prints the best settings by a combined dev score.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import answering as answer_mod  # noqa: E402
from assistant import calibration as calib  # noqa: E402
from assistant import retrieval as retrieval_mod  # noqa: E402
from assistant.answering import Assistant  # noqa: E402
from assistant.evaluation import evaluate, load_gold  # noqa: E402

CHUNK_CHARS = [250, 320, 400, 500]
GRID = {
    "DENSE_WEIGHT": [0.5, 0.6, 0.7, 0.8],
    "W": [(0.5, 0.25, 0.25), (0.6, 0.2, 0.2), (0.5, 0.2, 0.3)],
    "KEEP_RATIO": [0.8, 0.85],
    "NEIGHBOUR_RATIO": [0.6, 0.7, 0.8],
    "SENTENCE_PASSAGES": [2, 3],
}


class CachedEmbedder:
    """Wraps the real embedder; every text is embedded once for the whole grid."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.cache = inner, inner.name, {}

    @property
    def dimension(self):
        return self.inner.dimension

    def embed(self, texts, **kw):
        import numpy as np

        missing = [t for t in texts if t not in self.cache]
        if missing:
            for t, v in zip(missing, self.inner.embed(missing, **kw)):
                self.cache[t] = v
        return np.stack([self.cache[t] for t in texts])


def apply(cfg: dict) -> None:
    retrieval_mod.DENSE_WEIGHT = cfg["DENSE_WEIGHT"]
    answer_mod.W_COSINE, answer_mod.W_LEXICAL, answer_mod.W_PASSAGE = cfg["W"]
    answer_mod.KEEP_RATIO = cfg["KEEP_RATIO"]
    answer_mod.NEIGHBOUR_RATIO = cfg["NEIGHBOUR_RATIO"]
    answer_mod.SENTENCE_PASSAGES = cfg["SENTENCE_PASSAGES"]


def score(s: dict) -> float:
    # Fact recall and retrieval first, abstention both ways, a small cost for long citations.
    return (s["fact_recall"] + s["recall@3"] + s["mrr@10"] + s["abstention_recall"]
            - 0.1 * s["false_abstentions"] + s["followup_accuracy"] - s["median_cited_chars"] / 2000)


def main() -> None:
    import tempfile

    gold = [g for g in load_gold() if g.split == "dev"]
    base = Assistant()
    embedder = CachedEmbedder(base.embedder)
    tmp = Path(tempfile.mkdtemp(prefix="tune-"))
    results = []
    keys = list(GRID)
    for chunk_chars, values in itertools.product(CHUNK_CHARS, itertools.product(*(GRID[k] for k in keys))):
        cfg = dict(zip(keys, values)) | {"max_chunk_chars": chunk_chars}
        settings = base.settings.with_(max_chunk_chars=chunk_chars, index_dir=tmp / str(chunk_chars))
        a = Assistant(settings, embedder=embedder)
        apply(cfg)
        rows, labels = [], []
        for q in gold:
            history = [{"role": "user", "content": q.first}] if q.first else None
            row = a.features(q.question, history)
            if row is not None:
                rows.append(row)
                labels.append(q.kind != "unanswerable")
        a.calibration = calib.fit(rows, labels, "dev (tuning)")
        s = evaluate(a, gold, "hybrid", "dev")["summary"]
        results.append((score(s), cfg, s))
    results.sort(key=lambda r: -r[0])
    for sc, cfg, s in results[:8]:
        print(f"{sc:.3f} {cfg}  facts={s['fact_recall']:.3f} R@3={s['recall@3']:.3f} MRR={s['mrr@10']:.3f} "
              f"abstR={s['abstention_recall']:.2f} falseAbst={s['false_abstentions']} "
              f"follow={s['followup_accuracy']:.2f} chars={s['median_cited_chars']}")


if __name__ == "__main__":
    main()
