"""Sentence reranker: how likely a sentence answers a question, torch-free (ONNX, int8).

A cross-encoder fine-tuned from the bundled all-MiniLM-L6-v2 on question/sentence data
written for the purpose about other topics (``training/train_reranker.py``; what it measured
is in ``training/MODEL_CARD.md``). It reads the question and the sentence together, so it
can tell "the incoming CEO" from "the outgoing CEO", which one vector per text blurs.

It is not shipped and is off by default (``AnswerParams.use_reranker``): on the blind gold
set it ranked the evidence first less often than the cheap signals it would join. Training
it writes it to ``assistant/models/reranker``, where this runner finds it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from .errors import ModelError

log = logging.getLogger(__name__)

FOLDER = Path(__file__).with_name("models") / "reranker"
FILES = ("model.onnx", "tokenizer.json", "config.json")


class Reranker:
    """Scores (question, sentence) pairs with the exported cross-encoder."""

    def __init__(self, folder: Path = FOLDER) -> None:
        missing = [f for f in FILES if not (folder / f).is_file()]
        if missing:
            raise ModelError(f"the sentence reranker is not there: {', '.join(missing)} missing in {folder}; "
                             "train it with training/train_reranker.py, or leave AnswerParams.use_reranker off")
        from .onnx_embedding import open_export

        cfg, self._tok, self._session = open_export(folder)
        self._inputs = cfg["inputs"]
        self._lock = threading.Lock()

    def score(self, questions: list[str], sentences: list[str]) -> np.ndarray:
        """Probability (0..1) that each sentence answers its question, pairwise."""
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        with self._lock:  # the tokenizer's padding state is shared
            enc = self._tok.encode_batch(list(zip(questions, sentences, strict=True)))
        feeds = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        logits = self._session.run(None, {k: feeds[k] for k in self._inputs})[0].reshape(-1)
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
