"""The dataclasses that flow between stages: Document -> Chunk -> Passage -> Answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Document:
    """One corpus file, decoded as ``Path.read_text(encoding="utf-8")`` does (universal
    newlines), so offsets into ``text`` are offsets into what a user reads back."""

    source: str  # file name relative to the corpus directory
    text: str
    sha256: str = ""  # of the bytes the text was decoded from


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: a few consecutive sentences of one section.

    ``text == document.text[start:end]`` always holds, and each sentence span is an
    absolute (start, end) pair into the same source text.
    """

    id: int
    source: str
    start: int
    end: int
    text: str
    section: str
    sentences: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        """The chunk as JSON-ready data, as ``from_dict`` reads it."""
        d = asdict(self)
        d["sentences"] = [list(s) for s in self.sentences]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Chunk":
        """A chunk saved by ``to_dict`` (as read from ``chunks.jsonl``)."""
        return cls(
            id=int(d["id"]),
            source=str(d["source"]),
            start=int(d["start"]),
            end=int(d["end"]),
            text=str(d["text"]),
            section=str(d["section"]),
            sentences=tuple((int(a), int(b)) for a, b in d["sentences"]),
        )


@dataclass(frozen=True)
class Passage:
    """A chunk as retrieved for one query, with its scores."""

    chunk: Chunk
    score: float  # the score of the mode used (fused by default), higher is better
    dense: float = 0.0  # cosine similarity of query and passage
    lexical: float = 0.0  # BM25 score


@dataclass
class Citation:
    """A cited passage. ``text == (corpus/source).read_text()[start:end]``."""

    text: str
    source: str
    start: int
    end: int
    section: str
    score: float
    sentences: list[Span] = field(default_factory=list)  # the sentences the answer used

    def to_dict(self) -> dict[str, Any]:
        """The citation as JSON-ready data."""
        d = asdict(self)
        d["sentences"] = [list(s) for s in self.sentences]
        return d


# What an Answer is, for a reader: its ``status``.
ANSWERED = "answered"  # the quoted sentences answer the question
PARTIAL = "partial"  # the article touches on it but may not answer exactly: closest quotes, with a caveat
NOT_COVERED = "not_covered"  # the article does not say; ``closest`` holds the nearest passages
REFUSED = "refused"  # an instruction to the assistant, not a question: nothing was searched
EMPTY = "empty"  # nothing to search for
ERROR = "error"  # the assistant itself failed; ``error`` says why
STATUSES = (ANSWERED, PARTIAL, NOT_COVERED, REFUSED, EMPTY, ERROR)


@dataclass
class Answer:
    """What ``answer()`` returns. ``[n]`` in ``text`` refers to ``citations[n-1]``.

    ``status`` is one of ``STATUSES``. ``answerable`` (kept for compatibility) is True
    exactly when the status is ``answered``. When the article does not cover the question,
    ``citations`` is empty and ``closest`` holds the nearest passages, offered as such.
    """

    text: str
    answerable: bool
    query: str
    citations: list[Citation] = field(default_factory=list)
    closest: list[Citation] = field(default_factory=list)
    short_answer: str = ""
    confidence: float = 0.0
    notice: str = ""  # e.g. "the question was cut to 2,000 characters"
    error: str = ""  # set when the assistant itself could not work (no corpus, bad model...)
    timings_ms: dict[str, float] = field(default_factory=dict)
    status: str = ""  # one of STATUSES; derived from the other fields when not given

    def __post_init__(self) -> None:
        if not self.status:
            self.status = (ERROR if self.error else ANSWERED if self.answerable
                           else NOT_COVERED if self.query else EMPTY)
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(STATUSES)}")

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON-ready data (what ``WebApp.ask`` returns and the browser stores)."""
        return {
            "text": self.text,
            "status": self.status,
            "answerable": self.answerable,
            "query": self.query,
            "citations": [c.to_dict() for c in self.citations],
            "closest": [c.to_dict() for c in self.closest],
            "short_answer": self.short_answer,
            "confidence": self.confidence,
            "notice": self.notice,
            "error": self.error,
            "timings_ms": dict(self.timings_ms),
        }
