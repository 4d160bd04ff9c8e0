"""Read the corpus files and find their structure: sections, paragraphs, offsets kept.

The rules are general, not keyed to one article:

* A *heading* is a short line that does not end like a sentence (no final ``.``, ``!``,
  ``?``), or a short title-case question or exclamation ("What's Next for X?"), followed
  by body text; a Markdown ``#`` line is one too.
  It becomes the section title of the paragraphs under it.
* A heading-like line with no body after it (a trailing "Subscribe:" or "Share this")
  carries nothing for a reader and is dropped.
* A paragraph that repeats an earlier paragraph of the same file word for word (pages
  scraped twice) is indexed once, at its first occurrence.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError
from .records import Document

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
HEADING_MAX_CHARS = 90
HEADING_MAX_WORDS = 12
_SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*$""")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph of a document: ``text[start:end]`` of ``source``, under ``section``."""

    source: str
    start: int
    end: int
    section: str


@dataclass(frozen=True)
class Unreadable:
    """A corpus file that was skipped, and why (``reason``), to report it by name."""

    source: str
    reason: str
    sha256: str = ""  # of its bytes, when they could be read


MAX_FILE_BYTES = 64 * 1024 * 1024  # one file larger than this is skipped, with a message


def walk(corpus_dir: Path) -> tuple[list[Path], list[Unreadable]]:
    """The indexable files under ``corpus_dir``, sorted by relative path, and the links
    that were not followed: a symbolic link is followed only when it stays inside the
    corpus folder, so no file from elsewhere on the machine is ever indexed or served."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist: create it and put .txt or .md files in it")
    root = corpus_dir.resolve()
    files: list[Path] = []
    skipped: list[Unreadable] = []
    for folder, dirs, names in os.walk(corpus_dir):  # symlinked folders are listed, never entered
        base = Path(folder)
        for d in sorted(dirs):
            if (base / d).is_symlink():
                skipped.append(Unreadable((base / d).relative_to(corpus_dir).as_posix(),
                                          "a link to a folder: links to folders are not followed"))
        for n in names:
            p = base / n
            if n.startswith(".") or p.suffix.lower() not in SUFFIXES:
                continue
            if p.is_symlink() and not p.resolve().is_relative_to(root):
                skipped.append(Unreadable(p.relative_to(corpus_dir).as_posix(),
                                          "a link to a file outside the corpus folder: not followed"))
            elif p.is_file():
                files.append(p)
    files.sort(key=lambda p: p.relative_to(corpus_dir).as_posix())
    return files, sorted(skipped, key=lambda u: u.source)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The indexable files under ``corpus_dir``, sorted by relative path."""
    return walk(corpus_dir)[0]


def decode(raw: bytes) -> str:
    """UTF-8 with newlines translated exactly as ``Path.read_text()`` translates them."""
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def read_source(path: Path) -> str:
    """A corpus file's text, as offsets into it are counted."""
    return decode(path.read_bytes())


def _too_large(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size <= max_bytes:
        return ""
    return (f"{size / 2**20:,.1f} MB, over the {max_bytes / 2**20:,.0f} MB limit for one file "
            "(split it, or raise ASSISTANT_MAX_FILE_MB)")


def read_corpus(corpus_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Document], list[Unreadable]]:
    """Decode every corpus file. Files that fail (unreadable, not UTF-8, over ``max_bytes``,
    links out of the folder) are returned by name and reason, the rest kept; each document
    carries the sha256 of the very bytes it was read from."""
    docs: list[Document] = []
    files, bad = walk(corpus_dir)
    for path in files:
        name = path.relative_to(corpus_dir).as_posix()
        try:
            if reason := _too_large(path, max_bytes):
                bad.append(Unreadable(name, reason))
                continue
            raw = path.read_bytes()
        except OSError as e:
            bad.append(Unreadable(name, e.strerror or str(e)))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        try:
            docs.append(Document(name, decode(raw), digest))
        except UnicodeDecodeError as e:
            bad.append(Unreadable(name, f"not UTF-8 text (byte {e.start})", digest))
        del raw
    for b in bad:
        log.debug("skipped %s: %s", b.source, b.reason)  # the caller reports them, once
    if not docs:
        raise CorpusError(f"no readable .txt or .md file in {corpus_dir}"
                          + (f" ({len(bad)} skipped: {bad[0].source}: {bad[0].reason})" if bad else ""))
    return docs, sorted(bad, key=lambda u: u.source)


def digests(docs: list[Document], bad: list[Unreadable]) -> dict[str, str]:
    """The corpus fingerprint of what was read: equal to ``fingerprint()`` of the same files."""
    return dict(sorted({**{d.source: d.sha256 for d in docs}, **{b.source: b.sha256 for b in bad if b.sha256}}.items()))


def fingerprint(corpus_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> dict[str, str]:
    """sha256 of each readable indexable file's bytes, by relative name: what makes an index stale."""
    out = {}
    for p in corpus_files(corpus_dir):
        try:
            if not _too_large(p, max_bytes):
                out[p.relative_to(corpus_dir).as_posix()] = sha256_file(p)
        except OSError:
            continue  # read_corpus reports it by name
    return out


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read in 1 MB blocks (a large corpus file or index file)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stat_signature(corpus_dir: Path) -> tuple:
    """A cheap summary of the corpus (names, sizes, modification times): when it changes,
    the fingerprint is worth computing again."""
    out = []
    for p in corpus_files(corpus_dir):
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((p.relative_to(corpus_dir).as_posix(), st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, whitespace trimmed, offsets into ``text``."""
    out = []
    for m in re.finditer(r"[^\r\n]+", text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((m.start() + lead, m.start() + lead + len(stripped)))
    return out


def _title_case(line: str) -> bool:
    """Most words of four or more letters start with a capital, as in a headline."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) >= 4]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _heading_like(line: str) -> bool:
    if line.startswith("#"):
        return True
    if len(line) > HEADING_MAX_CHARS or len(line.split()) > HEADING_MAX_WORDS:
        return False
    if not _SENTENCE_END.search(line):
        return True
    # A headline may be a question or exclamation ("What's Next for X?"), in title case.
    return line.rstrip("\"'”’)]").endswith(("?", "!")) and _title_case(line)


def paragraphs(doc: Document) -> list[Paragraph]:
    """The body paragraphs of ``doc`` with their section titles, duplicates and
    content-free lines left out."""
    lines = _lines(doc.text)
    out: list[Paragraph] = []
    seen: set[str] = set()
    section = ""
    for i, (s, e) in enumerate(lines):
        line = doc.text[s:e]
        if _heading_like(line):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and not _heading_like(doc.text[nxt[0]:nxt[1]]):
                section = line.lstrip("#").strip()
            continue  # a heading is a title, never a passage; one with no body is dropped
        if line in seen:
            continue
        seen.add(line)
        out.append(Paragraph(doc.source, s, e, section))
    return out
