"""Is the question answered by the article? A logistic model over retrieval signals.

A raw cosine cut-off does not separate "covered" from "not covered" (a question about
the LEAF's price is as close to the LEAF passage as one about its charging port), so
several signals are combined, and their weights are fitted on the dev split of the
gold questions (``assistant eval --calibrate``), never on the test split.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

FEATURES = (
    "sentence_cosine",  # best cosine of the query with a candidate sentence
    "passage_cosine",  # cosine of the query with the top passage
    "known_terms",  # share of the query's content words that occur anywhere in the corpus
    "covered_terms",  # share of the query's content words found in the chosen sentences
    "kind_found",  # 1 if the asked-for kind (date, amount, name...) is in the chosen sentences
    "unknown_name",  # 1 if the question names something (a capitalised word) the corpus never mentions
)
PATH = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibration:
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    fitted_on: str = "unfitted defaults"

    def confidence(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features[f] for w, f in zip(self.weights, FEATURES))
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
        }


def load(path: Path = PATH) -> Calibration:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path} was fitted on other features; run `assistant eval --calibrate`")
    return Calibration(tuple(data["weights"]), data["bias"], data["threshold"], data["fitted_on"])


def fit(rows: list[dict[str, float]], labels: list[bool], fitted_on: str) -> Calibration:
    """Logistic regression (scikit-learn), balanced classes, on feature rows."""
    from sklearn.linear_model import LogisticRegression

    X = [[r[f] for f in FEATURES] for r in rows]
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit(X, [int(y) for y in labels])
    return Calibration(
        tuple(round(float(w), 6) for w in model.coef_[0]),
        round(float(model.intercept_[0]), 6),
        0.5,
        fitted_on,
    )


def save(cal: Calibration, path: Path = PATH) -> None:
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
