"""The fitted models: loaded strictly, fitted as documented, statuses from two thresholds."""

from __future__ import annotations

import json
import random

import pytest

from assistant import calibration as calib
from assistant.errors import ModelError


def test_the_shipped_calibration_loads_and_says_what_it_was_fitted_on():
    cal = calib.load()
    assert "blind" in cal.fitted_on
    assert cal.partial_threshold <= cal.threshold == 0.5


@pytest.mark.parametrize("content", [None, "{", json.dumps({"selection": {}, "answerable": {}})])
def test_a_missing_or_broken_calibration_is_an_error_not_a_silent_default(tmp_path, content):
    path = tmp_path / "calibration.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ModelError, match="cannot be used"):
        calib.load(path)


def test_fitting_finds_the_signal_and_the_partial_bar_stays_where_cv_put_it():
    rng = random.Random(0)
    sentences = [{f: rng.random() for f in calib.SENTENCE_FEATURES} for _ in range(400)]
    is_evidence = [s["cosine"] > 0.7 for s in sentences]
    selection = calib.fit_selection(sentences, is_evidence)
    assert selection.weights[calib.SENTENCE_FEATURES.index("cosine")] > 1.0
    questions = [{f: rng.random() for f in calib.QUESTION_FEATURES} for _ in range(300)]
    answerable = [q["best"] > 0.3 for q in questions]
    cal = calib.fit_answerable(selection, questions, answerable, "synthetic")
    assert cal.answerable.weights[calib.QUESTION_FEATURES.index("best")] > 1.0
    # The bar is a constant, not the tail of this fit's confidences: answering the hardest
    # questions better must not raise it.
    easier = [q | {"best": max(q["best"], 0.35)} if y else q for q, y in zip(questions, answerable, strict=True)]
    assert calib.fit_answerable(selection, easier, answerable, "synthetic").partial_threshold \
        == cal.partial_threshold == calib.PARTIAL_THRESHOLD < cal.threshold == 0.5
    assert cal.status(0.9) == "answered" and cal.status(0.0) == "not_covered"
    assert cal.status((cal.partial_threshold + cal.threshold) / 2) == "partial"


def test_a_saved_calibration_loads_back_the_same(tmp_path):
    cal = calib.load()
    calib.save(cal, tmp_path / "c.json")
    assert calib.load(tmp_path / "c.json") == cal
