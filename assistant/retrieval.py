"""Question -> ranked passages: dense (FAISS), lexical (BM25), or both fused.

Candidates come from both retrievers (FAISS's nearest passages and BM25's best), and only
candidates are rescored exactly. BM25 itself still scores every passage (sparse, cheap:
about 2.4 ms per query at 100k passages on this machine, benchmarks/scale.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .embedding import Embedder
from .index import Index
from .lexical import tokenize
from .params import RetrievalParams
from .records import Passage


@dataclass
class Retrieval:
    """One query's retrieval: what later stages need without embedding the query again."""

    query: str
    vector: np.ndarray  # (dim,) normalised query embedding
    tokens: list[str]  # stemmed query tokens
    passages: list[Passage]  # best first


def normalise(scores: np.ndarray) -> np.ndarray:
    """``scores`` divided by their maximum; all zeros when no score is positive."""
    top = float(scores.max(initial=0.0))
    return scores / top if top > 0 else np.zeros_like(scores)


def dense_scores(vector: np.ndarray, index: Index, ids: np.ndarray) -> np.ndarray:
    """The dense score of passages ``ids``: the passage's cosine with the query, or its best
    sentence's when higher, so a one-sentence answer is not diluted by its neighbours."""
    passage = index.passages.reconstruct_batch(ids) @ vector
    rows = [index.sentence_rows[i] + j for i in ids for j in range(len(index.chunks[i].sentences))]
    owners = np.repeat(np.arange(len(ids)), [len(index.chunks[i].sentences) for i in ids])
    sentence = np.full(len(ids), -1.0, dtype=np.float32)
    np.maximum.at(sentence, owners, np.asarray(index.sentence_vectors[rows]) @ vector)
    return np.maximum(passage, sentence)


def candidates(vector: np.ndarray, lexical: np.ndarray, index: Index, mode: str, pool: int) -> np.ndarray:
    """Passage ids worth scoring exactly: FAISS's nearest and BM25's best, as the mode needs.

    Args:
        vector: the normalised query embedding.
        lexical: the BM25 score of every passage.
        index: the loaded index.
        mode: ``hybrid``, ``dense`` or ``lexical``.
        pool: how many candidates to take from each retriever.
    """
    found: list[np.ndarray] = []
    if mode != "lexical":
        _, ids = index.passages.search(vector.reshape(1, -1).astype(np.float32), pool)
        found.append(ids[0][ids[0] >= 0])
    if mode != "dense":
        top = np.argpartition(-lexical, pool - 1)[:pool] if pool < len(lexical) else np.arange(len(lexical))
        found.append(top[lexical[top] > 0])
    return np.unique(np.concatenate(found)) if found else np.arange(0)


def retrieve(
    query: str,
    index: Index,
    embedder: Embedder,
    k: int = 5,
    mode: str = "hybrid",
    vector: np.ndarray | None = None,
    params: RetrievalParams | None = None,
) -> Retrieval:
    """Rank the index's passages for ``query``.

    Args:
        query: the standalone query.
        index: a loaded Index.
        embedder: the query embedder for the index's model.
        k: how many passages to return (fewer if the index is smaller).
        mode: ``hybrid``, ``dense`` or ``lexical``.
        vector: the query's embedding, when the caller already has it.
        params: the fusion weight and candidate pool.
    """
    params = params or RetrievalParams()
    if vector is None:
        vector = embedder.embed([query])[0]
    vector = np.asarray(vector, dtype=np.float32)
    tokens = tokenize([query])[0]
    n = len(index.chunks)
    lexical_all = normalise(index.bm25_passages.scores(tokens))
    ids = candidates(vector, lexical_all, index, mode, min(n, max(params.candidates, k)))
    if len(ids) < min(k, n):  # nothing matched lexically in lexical mode: still return k passages
        ids = np.union1d(ids, np.arange(min(k, n)))
    dense = dense_scores(vector, index, ids)
    lexical = lexical_all[ids]
    w = params.dense_weight
    fused = {"dense": dense, "lexical": lexical}.get(mode, w * dense + (1 - w) * lexical)
    order = np.argsort(-fused, kind="stable")[:k]
    passages = [Passage(index.chunks[ids[i]], float(fused[i]), float(dense[i]), float(lexical[i])) for i in order]
    return Retrieval(query, vector, tokens, passages)
