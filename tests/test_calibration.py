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


def test_fitting_finds_the_signal_and_sets_the_partial_bar_from_the_target():
    rng = random.Random(0)
    sentences = [{f: rng.random() for f in calib.SENTENCE_FEATURES} for _ in range(400)]
    is_evidence = [s["cosine"] > 0.7 for s in sentences]
    selection = calib.fit_selection(sentences, is_evidence)
    assert selection.weights[calib.SENTENCE_FEATURES.index("cosine")] > 1.0
    questions = [{f: rng.random() for f in calib.QUESTION_FEATURES} for _ in range(300)]
    answerable = [q["best"] > 0.3 for q in questions]
    cal = calib.fit_answerable(selection, questions, answerable, "synthetic")
    confidences = [cal.confidence(q) for q, y in zip(questions, answerable, strict=True) if y]
    below = sum(c < cal.partial_threshold for c in confidences) / len(confidences)
    assert below <= calib.NOT_COVERED_TARGET  # at most 2% of answerable rows would be "not covered"
    # halfway between the last row it leaves below and the next: a refit that moves one row
    # moves the bar by half the gap
    k = int(calib.NOT_COVERED_TARGET * len(confidences))
    low = sorted(confidences)
    assert low[k - 1] < cal.partial_threshold < low[k]
    assert cal.partial_threshold == pytest.approx(min(0.5, (low[k - 1] + low[k]) / 2), abs=1e-5)
    assert cal.status(0.9) == "answered" and cal.status(0.0) == "not_covered"
    assert cal.status((cal.partial_threshold + cal.threshold) / 2) in ("partial", "answered")


def test_a_saved_calibration_loads_back_the_same(tmp_path):
    cal = calib.load()
    calib.save(cal, tmp_path / "c.json")
    assert calib.load(tmp_path / "c.json") == cal
