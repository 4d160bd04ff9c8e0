"""BM25 (bm25s) over stemmed, stop-worded tokens: the lexical half of hybrid retrieval."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np


@functools.lru_cache(maxsize=1)
def _bm25s():
    import bm25s

    # bm25s sets its own logger to DEBUG on import, which prints a line per index built
    # through any handler the application configured.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


_local = threading.local()


def _stemmer():
    """One Snowball stemmer per thread: PyStemmer's objects must not be shared by threads."""
    if not hasattr(_local, "stemmer"):
        import Stemmer

        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


def tokenize(texts: Iterable[str]) -> list[list[str]]:
    """Lower-cased, English stop words removed, Snowball-stemmed word tokens."""
    return _bm25s().tokenize(
        list(texts), stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


class Lexical:
    """A BM25 index over a list of texts; ``scores`` gives every document's score."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25

    @classmethod
    def build(cls, texts: Iterable[str]) -> "Lexical":
        """Index ``texts``, tokenized as ``tokenize`` does."""
        bm25 = _bm25s().BM25()
        # Token ids straight from the tokenizer: handing bm25s strings makes it map every
        # token to an id again, holding both forms at once (250 MB more for a 50 MB corpus).
        ids = _bm25s().tokenize(list(texts), stopwords="en", stemmer=_stemmer(), return_ids=True, show_progress=False)
        bm25.index(ids, show_progress=False)
        return cls(bm25)

    @classmethod
    def build_joined(cls, parts: list[str], docs: list[tuple[int, ...]]) -> "Lexical":
        """Index documents made of several texts each (``docs[i]``: the indexes in ``parts``
        that document i joins), tokenizing every part once: a part that several documents
        share (a sentence read with the one after it too) costs one tokenization, and the
        joined strings are never built."""
        bm25 = _bm25s().BM25()
        tok = _bm25s().tokenize(parts, stopwords="en", stemmer=_stemmer(), return_ids=True, show_progress=False)
        ids = [tok.ids[doc[0]] if len(doc) == 1 else [t for j in doc for t in tok.ids[j]] for doc in docs]
        bm25.index(type(tok)(ids=ids, vocab=tok.vocab), show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        """Write the index into ``folder``."""
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> "Lexical":
        """An index written by ``save``."""
        return cls(_bm25s().BM25.load(str(folder), show_progress=False, verbosity=0))

    @property
    def size(self) -> int:
        """The number of indexed documents."""
        return int(self._bm25.scores["num_docs"])

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for a tokenized query (zeros if no token is known)."""
        ids = self._bm25.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def known(self, tokens: list[str]) -> list[str]:
        """The tokens that occur somewhere in the indexed texts."""
        vocab = self._bm25.vocab_dict
        return [t for t in tokens if t in vocab]
