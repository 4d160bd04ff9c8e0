"""Chosen sentences -> quotes: a speaker's quotation kept whole, the "> sentence [n]" lines
and the citations they refer to, read from stored offsets."""

from __future__ import annotations

from .index import Index
from .records import Citation, Passage, Span
from .selection import Candidate, neighbour


def _quote_ends(text: str) -> tuple[bool, bool]:
    """Whether ``text`` opens a quotation it does not close, and closes one it did not open:
    by curly quotes, or by an odd straight one (opening where it follows a space or starts
    the text)."""
    opened, closed = text.count("“"), text.count("”")
    if opened != closed:
        return opened > closed, closed > opened
    if text.count('"') % 2:
        last = text.rindex('"')
        opening = last == 0 or text[last - 1].isspace()
        return opening, not opening
    return False, False


def first_quoted(chosen: list[Candidate], n: int) -> list[Candidate]:
    """The first ``n`` of ``chosen``, and the sentence after them while the last one opens
    a quotation it does not close and that one closes it (``whole_quotes`` put it there): a
    cut never halves a quote."""
    while n < len(chosen) and _quote_ends(chosen[n - 1].text)[0] and _quote_ends(chosen[n].text)[1]:
        n += 1
    return chosen[:n]


def whole_quotes(chosen: list[Candidate], cands: list[Candidate], index: Index, limit: int, lead: bool = False,
                 retrieved: list[Passage] | None = None) -> list[Candidate]:
    """``chosen`` with a speaker's quotation whole: a sentence that opens a quotation it does
    not close is followed by the next sentence of its section, and one that closes a
    quotation it did not open is preceded by the one before ("... you're doubling that." /
    "It helps bring variable costs under control."), in the same passage or the next one:
    a quote cut in two loses either what was said or who said it. Only the first two
    sentences are completed, and never past ``limit`` sentences in all.

    Args:
        chosen: the sentences to quote, in order.
        cands: every candidate of the question (a neighbour among them keeps its signals).
        index: where a neighbour outside the top passages is read from.
        limit: the most sentences quoted (``AnswerParams.max_sentences``).
        lead: the first sentence carries the short answer, so nothing goes before it.
        retrieved: the question's retrieved passages: a neighbour's passage keeps its
            score when it was retrieved (0 when it was not).
    """
    where = {(c.passage.chunk.id, c.span): c for c in cands}
    passages = {p.chunk.id: p for p in retrieved or []}

    def beside(c: Candidate, step: int) -> Candidate | None:
        found = neighbour(index, c.passage.chunk, c.span, step)
        if found is None:
            return None
        other, span = found
        if (other.id, span) in where:
            return where[(other.id, span)]
        text = other.text[span[0] - other.start : span[1] - other.start]
        return Candidate(passages.get(other.id) or Passage(other, 0.0), span, text, dict(c.x))

    out = list(chosen)
    for c in chosen[:2]:
        opens, closes = _quote_ends(c.text)
        for step, wanted in ((-1, closes and not (lead and c is chosen[0])), (1, opens)):
            x = beside(c, step) if wanted and len(out) < limit else None
            if x is not None and x not in out:
                out.insert(out.index(c) + (step > 0), x)
        others = [o for o in out if o is not c]
        if c.speaker and (x := beside(c, -1)) is not None and (x in out or len(out) < limit or others):
            # the sentence naming who its "he" is ("... ,” he said.") goes just before it, even
            # when it leads: that one names the person the short answer gives
            if x in out:
                out.remove(x)
            elif len(out) >= limit:
                out.remove(others[-1])  # the last quoted makes room
            out.insert(out.index(c), x)
    return out


def citation_of(p: Passage, sentences: list[Span]) -> Citation:
    c = p.chunk
    return Citation(c.text, c.source, c.start, c.end, c.section, round(p.score, 4), sorted(sentences))


def cite(chosen: list[Candidate]) -> tuple[list[str], list[Citation]]:
    """'> sentence [n]' lines, numbered in reading order, and the citations they refer to."""
    order: dict[int, int] = {}  # chunk id -> citation number
    used: dict[int, list[Span]] = {}
    for c in chosen:
        cid = c.passage.chunk.id
        order.setdefault(cid, len(order) + 1)
        used.setdefault(cid, []).append(c.span)
    passages = {c.passage.chunk.id: c.passage for c in chosen}
    lines = [f"> {c.text} [{order[c.passage.chunk.id]}]" for c in chosen]
    return lines, [citation_of(passages[cid], used[cid]) for cid in order]
