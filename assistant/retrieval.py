"""Question -> ranked passages: dense (FAISS), lexical (BM25), or both fused."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .embedding import Embedder
from .index import Index
from .lexical import tokenize
from .records import Passage

# Hybrid score = DENSE_WEIGHT * cosine + (1 - DENSE_WEIGHT) * BM25 / max BM25 of the query.
# Chosen on the dev split (see `assistant eval` and tests/gold/README.md).
DENSE_WEIGHT = 0.8


@dataclass
class Retrieval:
    """One query's retrieval: what later stages need without embedding the query again."""

    query: str
    vector: np.ndarray  # (dim,) normalised query embedding
    tokens: list[str]  # stemmed query tokens
    passages: list[Passage]  # best first
    dense: np.ndarray  # cosine of the query with every passage (or its best sentence), by chunk id
    sentences: np.ndarray  # cosine of the query with every sentence, in index order
    lexical: np.ndarray  # BM25 / max BM25, by chunk id (zeros when nothing matched)


def dense_scores(vector: np.ndarray, index: Index) -> np.ndarray:
    """Cosine of the query with every passage, by chunk id, from FAISS."""
    n = index.passages.ntotal
    scores, ids = index.passages.search(vector.reshape(1, -1).astype(np.float32), n)
    out = np.full(n, -1.0, dtype=np.float32)
    valid = ids[0] >= 0
    out[ids[0][valid]] = scores[0][valid]
    return out


def sentence_scores(vector: np.ndarray, index: Index) -> np.ndarray:
    """Cosine of the query with every sentence, in index order."""
    return index.sentence_vectors @ vector.astype(np.float32)


def best_sentence(sent: np.ndarray, index: Index) -> np.ndarray:
    """Each passage's best sentence cosine: a one-sentence answer inside a longer passage
    should not be diluted by the passage's other sentences."""
    return np.maximum.reduceat(sent, np.asarray(index.sentence_rows)) if len(sent) else sent


def normalise(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max(initial=0.0))
    return scores / top if top > 0 else np.zeros_like(scores)


def fuse(dense: np.ndarray, lexical: np.ndarray, mode: str) -> np.ndarray:
    if mode == "dense":
        return dense
    if mode == "lexical":
        return lexical
    return DENSE_WEIGHT * dense + (1.0 - DENSE_WEIGHT) * lexical


def retrieve(
    query: str,
    index: Index,
    embedder: Embedder,
    k: int = 5,
    mode: str = "hybrid",
    vector: np.ndarray | None = None,
) -> Retrieval:
    """Rank the index's passages for ``query``.

    Args:
        query: the standalone query.
        index: a loaded Index.
        embedder: the embedder the index was built with.
        k: how many passages to return (fewer if the index is smaller).
        mode: ``hybrid``, ``dense`` or ``lexical``.
        vector: the query's embedding, when the caller already has it.
    """
    if vector is None:
        vector = embedder.embed([query])[0]
    tokens = tokenize([query])[0]
    sent = sentence_scores(vector, index)
    dense = np.maximum(dense_scores(vector, index), best_sentence(sent, index))
    lexical = normalise(index.bm25_passages.scores(tokens))
    fused = fuse(dense, lexical, mode)
    top = np.argsort(-fused, kind="stable")[: min(k, len(fused))]
    passages = [
        Passage(index.chunks[i], float(fused[i]), float(dense[i]), float(lexical[i])) for i in top
    ]
    return Retrieval(query, vector, tokens, passages, dense, sent, lexical)
