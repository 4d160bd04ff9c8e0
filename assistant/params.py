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
            on the tuning pool (blind + fresh, 506 questions) among 0.6, 0.8 and 1.0
            (benchmarks/tune_cv.py): 0.8 scores 0.6513 against 0.6437 and 0.6321. On the blind
            set alone 0.6 had won by 0.006 and then lost hit@3 on the fresh set (0.825 -> 0.750).
        candidates: passages taken from each retriever before exact rescoring (not a
            quality knob: the article has 16 passages; it bounds work on large corpora).
    """

    dense_weight: float = 0.8
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
            least this share of the best one's (5-fold CV among 0.2, 0.4 and 0.6). Not the
            tuning objective's pick: on the tuning pool with dense weight 0.8, 0.6 scores 0.6644
            (worst fold 0.6337) against 0.6513 (0.6168) for 0.4, all of it from quoting fewer
            sentences that are not evidence (0.429 of quoted sentences against 0.304), while
            the answer cites the evidence for 0.787 of questions instead of 0.833 and holds
            the facts for 0.777 instead of 0.817. The issue measures the evidence cited, so
            0.4; which to ship is a product decision the README names.
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
