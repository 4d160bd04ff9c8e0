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
            is ranked by the selection model (the article has 16 passages).
        use_reranker: read them with the sentence reranker trained here (``rerank.py``). Off
            by default: on the blind set it ranked evidence first less often than the cheap
            signals and added nothing to them by cross-validation, at 4-8x the latency (see
            the README's "What did not work").
        max_sentences: at most this many sentences are quoted (evidence often spans two or
            three sentences, and the best-ranked one is often not among them).
        keep_ratio: a further sentence is quoted when its probability of answering is at
            least this share of the best one's.

        The three are chosen together by 5-fold CV on the tuning pool
        (``benchmarks/tune_cv.py``: 5, 6, 8, 10 or 16 passages x 0.2, 0.4 or 0.6 x 1-6
        sentences), by the mean over folds of (cites + facts + the share of quoted sentences
        that are evidence) / 3: 6, 0.4 and 6 score 0.6754 (worst fold 0.6278; cites 0.878),
        against 0.6588 (0.6198; cites 0.844) for the 5, 0.4 and 4 shipped before. Quoting
        more is held back by the precision term: 0.6 scores 0.6748 with 5 sentences, but
        cites the evidence for 0.819 of questions. Answers are longer for it (median 580
        quoted characters against 503, the longest tenth over 851 against 731).
        closest: passages offered when the article does not cover a question.
        overview: sentences quoted when the whole article is asked for in brief ("summarize
            the article"): the opening sentence of each section, in order, at most this many
            (a length to read, not a tuned value: the article has 7 sections).
    """

    sentence_passages: int = 6
    use_reranker: bool = False
    max_sentences: int = 6
    keep_ratio: float = 0.4
    closest: int = 3
    overview: int = 8


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
