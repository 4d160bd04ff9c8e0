"""Shared fixtures: a deterministic fake embedder for fast tests, the real model for slow ones."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.config import ROOT, Settings

ARTICLE = ROOT / "corpus" / "nissan-strategy-honda-talks.txt"


class HashingEmbedder:
    """Bag of lower-cased words hashed into 64 dimensions: deterministic, instant, torch-free."""

    name = "test-hashing-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts: list[str] = []

    def embed(self, texts, *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts += list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(ARTICLE, d / ARTICLE.name)
    return d


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index")


@pytest.fixture
def fake_assistant(settings):
    from assistant.answering import Assistant

    return Assistant(settings, embedder=HashingEmbedder())


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory):
    """The real model on the real article, index built once per session in a temp dir."""
    from assistant.answering import Assistant

    base = tmp_path_factory.mktemp("real")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    a = Assistant(Settings(corpus_dir=corpus, index_dir=base / "index"))
    a.warm_up()
    return a
