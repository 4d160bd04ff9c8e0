"""Soft word matching: each content word of the question against a sentence's words, by the
embedding model's own similarity of the two words.

The article is machine-paraphrased ("money circulation drawback" for "cash flow problem"), so
a reader's words often match none of a sentence's words exactly; BM25 then sees nothing, and a
whole sentence's cosine blurs its one telling word among the rest. Embedded one at a time,
the model still rates "cash" close to "money" and "problem" close to "drawback". The signal
of a sentence is the mean, over the question's content words, of the similarity of its
closest word in the sentence, counted only from ``floor`` up (a weaker match is noise, not a
synonym). General by construction: no word list, only the model the index already uses.

Word vectors are embedded on first sight and kept (a bounded cache shared by the threads).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from .embedding import Embedder


def content_words(texts: Sequence[str]) -> list[list[str]]:
    """Each text's lower-cased words, English stop words removed (bm25s's tokenizer, unstemmed:
    a stem such as "compani" is not a word the model knows)."""
    from .lexical import _bm25s

    return _bm25s().tokenize(list(texts), stopwords="en", stemmer=None, return_ids=False, show_progress=False)


class WordVectors:
    """Word -> normalised vector, embedded on first sight with ``embedder`` and kept.

    Args:
        embedder: the query embedder (ONNX when the index carries an export).
        capacity: the most words kept; past it, the cache starts afresh (a corpus's own words
            come back on the next questions; a bounded cache never grows without end).
    """

    def __init__(self, embedder: Embedder, capacity: int = 50_000) -> None:
        self.embedder = embedder
        self.capacity = capacity
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def get(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of ``words`` (each embedded once)."""
        with self._lock:
            missing = sorted({w for w in words if w not in self._vectors})
        if missing:
            vectors = self.embedder.embed(missing)
            with self._lock:
                if len(self._vectors) + len(missing) > self.capacity:
                    self._vectors.clear()
                self._vectors.update(zip(missing, vectors, strict=True))
        with self._lock:
            return {w: self._vectors[w] for w in words if w in self._vectors}


def match(question_words: list[str], sentences: list[list[str]], vectors: dict[str, np.ndarray],
          floor: float) -> list[float]:
    """For each sentence, the mean over ``question_words`` of the similarity of its closest
    word in the sentence (0 below ``floor``); 0 for every sentence when the question has no
    content word.

    Args:
        question_words: the question's content words.
        sentences: each candidate sentence's content words.
        vectors: the vectors of all those words.
        floor: the least similarity that counts as a match.
    """
    q = [w for w in dict.fromkeys(question_words) if w in vectors]
    if not q:
        return [0.0] * len(sentences)
    qm = np.stack([vectors[w] for w in q])
    out = []
    for words in sentences:
        s = [w for w in dict.fromkeys(words) if w in vectors]
        if not s:
            out.append(0.0)
            continue
        best = (qm @ np.stack([vectors[w] for w in s]).T).max(axis=1)
        out.append(float(np.where(best >= floor, best, 0.0).mean()))
    return out

