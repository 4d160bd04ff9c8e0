"""The shipped sentence reranker: torch-free, complete, and a pair's score is its own."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.rerank import FILES, FOLDER, Reranker

PAIRS = [
    ("Who is the museum's new director?", "Incoming director Maria Lopez starts in May, the board said."),
    ("Who is the museum's new director?", "The board thanked departing director Alan Brooks."),
    ("when?", "It opens on March 3rd."),
    ("How much will the new wing cost, and who pays for it?", "The city will pay for most of it."),
]


@pytest.fixture(scope="module")
def reranker():
    return Reranker()


def test_scores_are_probabilities(reranker):
    p = reranker.score([q for q, _ in PAIRS], [s for _, s in PAIRS])
    assert p.shape == (len(PAIRS),) and np.all((p >= 0) & (p <= 1))
    assert reranker.score([], []).shape == (0,)


def test_a_pairs_score_does_not_depend_on_its_batch(reranker):
    # Padding must be masked: a short pair scored alone and beside a long one scores the same.
    batch = reranker.score([q for q, _ in PAIRS], [s for _, s in PAIRS])
    alone = np.array([reranker.score([q], [s])[0] for q, s in PAIRS])
    assert np.max(np.abs(batch - alone)) < 0.02  # int8 rounding only


def test_it_tells_the_incoming_from_the_outgoing(reranker):
    p = reranker.score([PAIRS[0][0]] * 2, [PAIRS[0][1], PAIRS[1][1]])
    assert p[0] > p[1]


def test_a_missing_file_is_a_clear_error(tmp_path):
    for name in FILES[1:]:
        shutil.copy(FOLDER / name, tmp_path / name)
    with pytest.raises(ModelError, match="model.onnx missing"):
        Reranker(tmp_path)


def test_scoring_imports_no_torch():
    code = ("import sys; from assistant.rerank import Reranker; Reranker().score(['a'], ['b']); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
