"""Text -> list[Chunk]: sentence-aware chunks that stay inside one paragraph and section.

No chunk and no sentence is longer than ``max_chars``: text with no sentence boundary the
splitter recognises (one 50 MB line, Chinese or Japanese, sentences that start in lower
case) is cut at the limit, on the last clause mark or space before it, else mid-word.
"""

from __future__ import annotations

import math
import re

from .corpus import paragraphs
from .records import Chunk, Document, Span

# A sentence ends at . ! ? (or …) plus any closing quotes/brackets, before whitespace and
# a character that can start a sentence. Common abbreviations and initials do not end one.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])|[。！？]+[」』”’）]*""")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Inc|Ltd|Co|Corp|vs|etc|e\.g|i\.e|No|Fig|U\.S|U\.K)|\b[A-Z])\.$"
)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Absolute (start, end) spans of the sentences in ``text[start:end]``, trimmed."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        # Only the last few characters can be an abbreviation: searching the whole pending
        # sentence again at every rejected boundary would be quadratic ("A. A. A. ...").
        if _ABBREV.search(text[max(cur, m.start() - 6) : m.end()]):
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


# Where a too-long sentence is best cut: after a clause mark, else at a space.
_SOFT = re.compile(r"[,;:、，；：.!?…。！？)\]]\s*|\s+")


def cap(text: str, spans: list[Span], max_chars: int) -> list[Span]:
    """``spans`` with every span longer than ``max_chars`` cut into pieces that are not,
    at the last clause mark or space in the second half of the window, else at the limit."""
    out: list[Span] = []
    for s, e in spans:
        while e - s > max_chars:
            cut = s + max_chars
            soft = [m.end() for m in _SOFT.finditer(text, s + max_chars // 2, cut)]
            cut = soft[-1] if soft else cut
            out.append((s, s + len(text[s:cut].rstrip())))
            s = cut
            while s < e and text[s].isspace():  # never slice the (possibly huge) rest
                s += 1
        if e > s:
            out.append((s, e))
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
        sents = cap(doc.text, split_sentences(doc.text, para.start, para.end), max_chars)
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
    """Chunks of every document in turn, with ids numbered from 0 across them all.

    Args:
        docs: the corpus documents.
        max_chars: the most characters a chunk (and a sentence) may hold.
    """
    chunks: list[Chunk] = []
    for doc in docs:
        chunks.extend(chunk_document(doc, max_chars, first_id=len(chunks)))
    return chunks
