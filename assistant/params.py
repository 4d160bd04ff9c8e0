"""Tuning values, in one typed place: frozen parameter objects held by ``Assistant``.

Each stage takes its own object (``retrieve(..., params=RetrievalParams())``); a tuning or
cross-validation script builds one ``Assistant`` per setting (``Assistant.with_params``)
and never assigns module attributes. ``assistant eval`` records the parameters it ran with.
How each value was chosen is said beside it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class RetrievalParams:
    """Args:
        dense_weight: hybrid score = w * dense + (1 - w) * BM25 / max BM25. Chosen by 5-fold CV
            on the blind set among 0.6, 0.8 and 1.0 (benchmarks/tune_cv.py); 0.8 until the answer
            stage ranked every sentence of the top passages.
        candidates: passages taken from each retriever before exact rescoring (not a
            quality knob: the article has 16 passages; it bounds work on large corpora).
    """

    dense_weight: float = 0.6
    candidates: int = 100


@dataclass(frozen=True)
class AnswerParams:
    """Args:
        sentence_passages: sentences are read from this many top passages; every one of them
            is ranked by the selection model (chosen by 5-fold CV among 5, 10 and 16; the
            article has 16 passages).
        use_reranker: read them with the sentence reranker trained here (``rerank.py``). Off
            by default: on the blind set it ranked evidence first less often than the cheap
            signals and added nothing to them by cross-validation, at 4-8x the latency (see
            the README's "What did not work").
        max_sentences: at most this many sentences are quoted (chosen by 5-fold CV among 1-4:
            evidence often spans two or three sentences).
        keep_ratio: a further sentence is quoted when its probability of answering is at
            least this share of the best one's (5-fold CV among 0.2, 0.4 and 0.6: 0.6 scored
            0.6588 on the tuning objective against 0.6538 for 0.4, within the folds' noise, with
            a worse worst fold, 0.594 against 0.603, and the answer citing the evidence for 0.777
            of questions against 0.828; the issue asks for the evidence cited, so 0.4).
        closest: passages offered when the article does not cover a question.
    """

    sentence_passages: int = 5
    use_reranker: bool = False
    max_sentences: int = 4
    keep_ratio: float = 0.4
    closest: int = 3


@dataclass(frozen=True)
class Params:
    """All the tuning values.

    Args:
        retrieval: the retrieval stage's values.
        answer: the answer stage's values.
    """

    retrieval: RetrievalParams = field(default_factory=RetrievalParams)
    answer: AnswerParams = field(default_factory=AnswerParams)

    def to_dict(self) -> dict:
        """The values as nested dicts, as ``assistant eval`` records them."""
        return asdict(self)
