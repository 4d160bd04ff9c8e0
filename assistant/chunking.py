"""Text -> list[Chunk]: sentence-aware chunks that stay inside one paragraph and section."""

from __future__ import annotations

import math
import re

from .corpus import paragraphs
from .records import Chunk, Document, Span

# A sentence ends at . ! ? (or …) plus any closing quotes/brackets, before whitespace and
# a character that can start a sentence. Common abbreviations and initials do not end one.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Inc|Ltd|Co|Corp|vs|etc|e\.g|i\.e|No|Fig|U\.S|U\.K)|\b[A-Z])\.$"
)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Absolute (start, end) spans of the sentences in ``text[start:end]``, trimmed."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        if _ABBREV.search(text, cur, m.end()):
            continue
        spans.append((cur, m.end()))
        cur = m.end()
    spans.append((cur, end))
    out = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail))
    return out


def _groups(spans: list[Span], max_chars: int) -> list[list[Span]]:
    """Consecutive sentence groups, each at most ``max_chars`` long where a sentence
    allows it, balanced so that no tiny tail chunk is left over."""
    total = spans[-1][1] - spans[0][0]
    n = max(1, math.ceil(total / max_chars))
    target = total / n
    groups: list[list[Span]] = [[]]
    for sp in spans:
        g = groups[-1]
        if g and (sp[1] - g[0][0] > max_chars or (sp[0] - g[0][0] >= target and len(groups) < n)):
            groups.append([sp])
        else:
            g.append(sp)
    return groups


def chunk_document(doc: Document, max_chars: int, first_id: int = 0) -> list[Chunk]:
    """Chunks of one document; ids run from ``first_id``."""
    chunks: list[Chunk] = []
    for para in paragraphs(doc):
        sents = split_sentences(doc.text, para.start, para.end)
        for group in _groups(sents, max_chars):
            s, e = group[0][0], group[-1][1]
            chunks.append(
                Chunk(
                    id=first_id + len(chunks),
                    source=doc.source,
                    start=s,
                    end=e,
                    text=doc.text[s:e],
                    section=para.section,
                    sentences=tuple(group),
                )
            )
    return chunks


def chunk_documents(docs: list[Document], max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in docs:
        chunks.extend(chunk_document(doc, max_chars, first_id=len(chunks)))
    return chunks
