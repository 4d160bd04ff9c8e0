"""The reranker's training data is about other topics: checked mechanically, as training does."""

from __future__ import annotations

import importlib.util

from assistant.config import ROOT


def _train_module():
    spec = importlib.util.spec_from_file_location("train_reranker", ROOT / "training" / "train_reranker.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_name_and_no_five_words_from_the_article():
    train = _train_module()
    articles = train.load_articles()
    checked = train.check_data(articles)  # raises SystemExit listing every problem
    assert checked["articles"] >= 90 and checked["questions"] >= 1400


def test_the_check_catches_a_leak():
    train = _train_module()
    leak = {"id": "X", "sentences": ["Honda still looks like the most natural fit for the firm."],
            "questions": [{"q": "who fits?", "answerable": True, "answer": [0], "short": ""}]}
    copied = {"id": "Y", "sentences": ["The message is evident: survival isn’t nearly constructing higher cakes."],
              "questions": []}
    for bad in (leak, copied):
        try:
            train.check_data([bad])
        except SystemExit as e:
            assert bad["id"] in str(e)
        else:
            raise AssertionError(f"{bad['id']} was not rejected")
