"""The sentence reranker runner: a missing model is a clear error; when one is trained, a
pair's score is its own (padding must not leak into it)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.params import AnswerParams
from assistant.rerank import FILES, FOLDER, Reranker

TRAINED = all((FOLDER / f).is_file() for f in FILES)
PAIRS = [
    ("Who is the museum's new director?", "Incoming director Maria Lopez starts in May, the board said."),
    ("Who is the museum's new director?", "The board thanked departing director Alan Brooks."),
    ("when?", "It opens on March 3rd."),
]


def test_a_missing_model_is_a_clear_error_that_says_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="train it with training/train_reranker.py"):
        Reranker(tmp_path)


def test_answering_does_not_need_it_by_default(fake_assistant):
    assert AnswerParams().use_reranker is False
    a = fake_assistant.answer("Who is the incoming CEO?")
    assert a.status in ("answered", "partial", "not_covered") and not a.error


@pytest.mark.skipif(not TRAINED, reason="no reranker trained in assistant/models/reranker")
def test_a_trained_models_scores_do_not_depend_on_the_batch():
    r = Reranker()
    batch = r.score([q for q, _ in PAIRS], [s for _, s in PAIRS])
    alone = np.array([r.score([q], [s])[0] for q, s in PAIRS])
    assert np.all((batch >= 0) & (batch <= 1)) and np.max(np.abs(batch - alone)) < 0.02
