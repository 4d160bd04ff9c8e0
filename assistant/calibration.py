"""The two small models fitted on questions: which sentence answers, and whether any does.

* ``selection``: a logistic model over a sentence's signals (its cosine and BM25 with the
  query, alone and in its context, its passage's score, each as a z-score among the
  question's candidates; whether it holds the asked-for kind and the question's names; the
  reranker's logit when it is on) gives the probability that the sentence answers. The reranker
  alone reads odd, machine-paraphrased wording poorly; the mix ranks better than any one
  signal (see the README's "what did not work").
* ``answerable``: a logistic model over question-level signals (the best sentence's
  probability, the top passage's cosine, how much of the question the corpus knows, a name
  it never mentions) gives the confidence that the article answers.

Both are fitted with scikit-learn (balanced classes, default regularisation). `assistant
eval` fits them on four folds of the blind gold set and answers the fifth, five times; the
shipped file is the fit on all of it. Two thresholds turn the confidence into a status:
``answered`` at or above ``threshold`` (0.5, the even-odds point of balanced classes, not a
tuned value), ``partial`` down to ``PARTIAL_THRESHOLD`` (chosen once by cross-validation, see
there), and ``not_covered`` below.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from . import records
from .errors import ModelError

# The scores are z-scores among one question's candidate sentences (selection.standardise).
SENTENCE_FEATURES = (
    "rerank_logit",  # the reranker's logit that the sentence answers the query (0 when it is off)
    "cosine",  # the sentence's cosine with the query
    "context",  # the cosine of the sentence read in its context (section title, the sentence before)
    "bm25",  # the sentence's BM25 with the query
    "context_bm25",  # the BM25 of the sentence in its context
    "passage",  # its passage's fused retrieval score
    "kind",  # 1 if it holds the asked-for kind (date, amount, name...), 0 if not or none asked
    "names",  # share of the names the question gives that it contains (1 when none)
)
QUESTION_FEATURES = (
    "best",  # the selection probability of the best sentence (how far it stands out from the others)
    "best_cosine",  # its cosine with the query, alone or in its context, whichever is higher
    "kind_missing",  # 1 if the question asks for a kind (a date, an amount...) that neither the best
    # sentence nor one quoted beside it offers, or for a person whom no top sentence names with
    # the title, side and names asked, or the question speaks of someone by title and company
    # ("Honda's CEO") no top sentence holds (selection._kind_missing)
    "names_missing",  # share of the names the question gives ("Honda's CEO") that the best sentence lacks
    "passage_cosine",  # cosine of the query with the top passage
    "known_terms",  # share of the question's content words that occur anywhere in the corpus
    "unknown_name",  # 1 if the question names something (a capitalised word) the corpus never mentions
)
PATH = Path(__file__).with_name("calibration.json")
# The confidence from which a question is partly answered. Chosen by 5-fold CV on the tuning
# pool (the held-out folds' confidences do not depend on it): the highest of 0.05, 0.1, ...,
# 0.3 that calls at most 2% of answerable questions "not covered" and loses no cited answer.
# Round 6 (two-part questions answered part by part): 0.2 and 0.25 call none not covered
# and cite 0.887; 0.3 calls 0.006 not covered and cites 0.881. (Round 4: 0.15 0.017, 0.2
# 0.020, 0.25 0.023.) It was once refitted each time as the bar leaving 2% of the training
# questions below it; that tail is a handful of questions, so answering the hardest of them
# better raised the bar and pushed others to "not covered" (0.174 -> 0.291 in one round).
PARTIAL_THRESHOLD = 0.25


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression over named features.

    Args:
        features: the names of the features, in the order of ``weights``.
        weights: one weight per feature.
        bias: the intercept.
    """

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def logit(self, x: dict[str, float]) -> float:
        """The model's log-odds for the feature values ``x`` (feature name -> value)."""
        return self.bias + sum(w * x[f] for w, f in zip(self.weights, self.features, strict=True))

    def probability(self, x: dict[str, float]) -> float:
        """The model's probability for the feature values ``x``; the logit is clipped to +-60."""
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, self.logit(x)))))

    def to_dict(self) -> dict:
        """The model as JSON-ready data, as ``from_dict`` reads it."""
        return {"features": list(self.features), "weights": list(self.weights), "bias": self.bias}

    @classmethod
    def from_dict(cls, d: dict, features: tuple[str, ...]) -> "Logistic":
        """A model saved by ``to_dict``.

        Args:
            d: the saved model.
            features: the features the code computes; the saved model must use exactly these.

        Raises:
            ValueError: the model was fitted on other features.
        """
        if tuple(d["features"]) != features:
            raise ValueError(f"it was fitted on other features ({d['features']})")
        return cls(features, tuple(float(w) for w in d["weights"]), float(d["bias"]))


@dataclass(frozen=True)
class Calibration:
    """The two fitted models and the status thresholds.

    Args:
        selection: scores each candidate sentence: is it evidence for the question?
        answerable: gives the confidence that the article answers the question.
        threshold: the confidence from which a question is answered.
        partial_threshold: the confidence from which it is partly answered; below it, not covered.
        fitted_on: what the models were fitted on, for the record.
    """

    selection: Logistic
    answerable: Logistic
    threshold: float = 0.5
    partial_threshold: float = 0.5
    fitted_on: str = ""

    def confidence(self, features: dict[str, float]) -> float:
        """The probability that the article answers the question (QUESTION_FEATURES values)."""
        return self.answerable.probability(features)

    def status(self, confidence: float) -> str:
        """The answer status for ``confidence``: answered, partial or not covered."""
        if confidence >= self.threshold:
            return records.ANSWERED
        return records.PARTIAL if confidence >= self.partial_threshold else records.NOT_COVERED

    def to_dict(self) -> dict:
        """The calibration as JSON-ready data, as ``load`` reads it."""
        return {"selection": self.selection.to_dict(), "answerable": self.answerable.to_dict(),
                "threshold": self.threshold, "partial_threshold": self.partial_threshold,
                "fitted_on": self.fitted_on}


def load(path: Path = PATH) -> Calibration:
    """The shipped calibration. A missing or stale file is an error, never a silent default."""
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return Calibration(Logistic.from_dict(d["selection"], SENTENCE_FEATURES),
                           Logistic.from_dict(d["answerable"], QUESTION_FEATURES),
                           float(d["threshold"]), float(d["partial_threshold"]), str(d["fitted_on"]))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelError(f"the answer calibration {path} cannot be used ({e}); reinstall the package, "
                         "or run `assistant eval --calibrate PATH`") from None


def _logistic(rows: list[dict[str, float]], labels: list[bool], features: tuple[str, ...]) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    model.fit([[r[f] for f in features] for r in rows], [int(y) for y in labels])
    return Logistic(features, tuple(round(float(w), 6) for w in model.coef_[0]), round(float(model.intercept_[0]), 6))


def fit_selection(sentences: list[dict[str, float]], labels: list[bool]) -> Logistic:
    """Fit the sentence selection model.

    Args:
        sentences: one row of SENTENCE_FEATURES per candidate sentence of answerable questions.
        labels: for each row, whether the sentence is evidence.
    """
    return _logistic(sentences, labels, SENTENCE_FEATURES)


def fit_answerable(selection: Logistic, questions: list[dict[str, float]], labels: list[bool],
                   fitted_on: str) -> Calibration:
    """Fit the answerability model; the thresholds are fixed (``PARTIAL_THRESHOLD``).

    Args:
        selection: the fitted selection model the question rows were computed with.
        questions: one row of QUESTION_FEATURES per question.
        labels: for each row, whether the article answers the question.
        fitted_on: what the models were fitted on, kept in the calibration.
    """
    answerable = _logistic(questions, labels, QUESTION_FEATURES)
    return Calibration(selection, answerable, 0.5, PARTIAL_THRESHOLD, fitted_on)


def blank() -> Calibration:
    """Zero weights on the features the code computes: what ``assistant eval --calibrate``
    starts from, so a shipped file fitted on older features does not stop the fit that
    replaces it. The analysis applies no model to a question itself, but the first turns of
    the two-turn questions are answered to make their histories: ``report.calibrate`` fits
    once from this, then again with the first fit."""
    return Calibration(Logistic(SENTENCE_FEATURES, (0.0,) * len(SENTENCE_FEATURES), 0.0),
                       Logistic(QUESTION_FEATURES, (0.0,) * len(QUESTION_FEATURES), 0.0), fitted_on="nothing")


def save(cal: Calibration, path: Path) -> None:
    """Write ``cal`` to ``path`` as JSON, as ``load`` reads it."""
    path.write_text(json.dumps(cal.to_dict(), indent=2) + "\n", encoding="utf-8")


def load_shipped() -> Calibration:
    """The calibration shipped with the package, fitted on the dev split.

    Raises:
        DataFileError: it is missing or unusable: the install is broken, and answering with
            made-up weights would silently abstain wrongly.
    """
    from .config import shipped
    from .errors import DataFileError

    path = shipped(PATH.name)
    try:
        return load(path)
    except (OSError, ValueError, KeyError) as e:
        raise DataFileError(f"{path} is unusable ({e}): reinstall the package, "
                            "or run `assistant eval --calibrate`") from e
