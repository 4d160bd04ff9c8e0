"""Answers -> HTML for the web UI. Pure functions of Answers and text: no Gradio here.

Everything typed by a user or read from the article goes through ``esc()`` before it
becomes HTML; the only markup is this module's own. An answer is rendered from its
fields: ``status``, ``short_answer``, ``text`` (whose ``[n]`` markers are
``citations[n-1]``), ``citations``/``closest`` with their ``sentences`` spans,
``confidence``, ``query``, ``notice`` and ``timings_ms``.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import records
from .records import Answer, Citation, Span

# An answered question whose calibrated confidence is below this looks different ("low
# confidence", with a line asking the reader to check the quote). The abstention threshold
# is 0.5; on the dev split all 4 answers between 0.5 and 0.6 missed a gold fact or should
# have abstained, against 13 of the 46 above 0.6 (test split: 2 of 2, 13 of 43).
LOW_CONFIDENCE = 0.6

# status -> (badge text, short symbol shown before it). Each status has its own colours in
# app.css, so the six outcomes can be told apart at a glance and by a screen reader.
STATUS_LABELS = {
    records.ANSWERED: ("Answered from the article", "✓"),
    records.PARTIAL: ("Partly covered: may not answer exactly", "◐"),
    records.NOT_COVERED: ("Not covered by the article", "○"),
    records.REFUSED: ("Not a question about the article", "⊘"),
    records.EMPTY: ("No question yet", "…"),
    records.ERROR: ("The assistant could not answer", "!"),
}
LOW_CONFIDENCE_LABEL = "Answered, low confidence"
LOW_CONFIDENCE_NOTE = "The match with the article is weak: check the quoted sentence before relying on it."

_MARKER = re.compile(r"\[(\d+)\]")


def esc(text: str) -> str:
    """Text -> HTML text. Lone surrogates (possible from JSON) are replaced, not fatal."""
    return html.escape(str(text).encode("utf-8", "replace").decode("utf-8"), quote=True)


def squash(text: str) -> str:
    """Whitespace-collapsed, case-folded text, for comparing what a reader would see."""
    return " ".join(text.split()).casefold()


def shorten(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters at a space, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut[: cut.rfind(" ")] if " " in cut[limit // 2:] else cut) + " …"


def is_low_confidence(a: Answer) -> bool:
    """Whether ``a`` is answered but with a confidence below LOW_CONFIDENCE."""
    return a.status == records.ANSWERED and a.confidence < LOW_CONFIDENCE


# ---------------------------------------------------------------------------- citations


def anchor_id(source: str, start: int) -> str:
    """The element id of the article sentence starting at ``start`` in ``source``.

    Built from offsets, not from the turn's [n], so a marker in an older chat turn still
    points at its sentence after newer answers renumber their citations.
    """
    digest = hashlib.sha1(source.encode("utf-8", "replace")).hexdigest()[:8]
    return f"cite-{digest}-{start}"


def cited_spans(c: Citation) -> list[Span]:
    """The sentences a citation stands for; the whole passage if it names none."""
    return [(int(s), int(e)) for s, e in c.sentences] or [(c.start, c.end)]


def quoted(c: Citation) -> str:
    """The sentences of ``c`` the answer quoted, as one text."""
    return " ".join(c.text[max(s - c.start, 0): e - c.start] for s, e in cited_spans(c))


def link(c: Citation, label: str, cls: str, title: str = "") -> str:
    """A link that brings the citation's first sentence into view in the article."""
    start = cited_spans(c)[0][0]
    tip = f' title="{esc(title)}"' if title else ""
    return f'<a class="{cls}" href="#{anchor_id(c.source, start)}"{tip}>{esc(label)}</a>'


def highlight(text: str, offset: int, marks: list[tuple[Span, str]]) -> str:
    """Escape ``text`` (which starts at absolute ``offset``) and wrap each span in a tag.

    ``marks`` pairs an absolute (start, end) span with the opening tag to use, e.g.
    ``'<mark id="...">'``; spans are clipped to the text and overlapping ones skipped.
    """
    out, pos, end = [], 0, len(text)
    for (s, e), tag in sorted(marks, key=lambda m: m[0]):
        s, e = max(s - offset, pos), min(e - offset, end)
        if s >= e:
            continue
        out += [esc(text[pos:s]), tag, esc(text[s:e]), "</mark>"]
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def linked(line: str, citations: list[Citation]) -> str:
    """Escape a line of answer text, turning each valid [n] marker into a link."""
    out, pos = [], 0
    for m in _MARKER.finditer(line):
        n = int(m.group(1))
        out.append(esc(line[pos:m.start()]))
        ok = 1 <= n <= len(citations)
        out.append(link(citations[n - 1], m.group(), "cite-marker", f"Show source {n} in the article")
                   if ok else esc(m.group()))
        pos = m.end()
    out.append(esc(line[pos:]))
    return "".join(out)


def card(c: Citation, n: int | None, closest: bool) -> str:
    """One source: its number and section title, the passage with the quoted sentences
    marked, a link into the article; file, offsets and score behind a Details toggle."""
    marks = [] if closest else [((s, e), "<mark>") for s, e in c.sentences]
    number = link(c, f"[{n}]", "cite-num", f"Show source {n} in the article") if n else ""
    section = f'<span class="section">{esc(c.section)}</span>' if c.section else ""
    top = f'<div class="card-top">{number}{section}</div>' if number or section else ""
    goto = "" if closest else f'<div class="card-foot">{link(c, "Show in article →", "goto")}</div>'
    internals = (f'<details class="internals"><summary>Details</summary><dl>'
                 f'<dt>File</dt><dd class="file">{esc(c.source)}</dd>'
                 f"<dt>Characters</dt><dd>{c.start}–{c.end}</dd>"
                 f"<dt>Retrieval score</dt><dd>{c.score:.2f}</dd>"
                 f'<dt>Section</dt><dd>{esc(c.section) if c.section else "none"}</dd></dl></details>')
    return (f'<div class="card{" card-closest" if closest else ""}">{top}'
            f'<div class="passage">{highlight(c.text, c.start, marks)}</div>{goto}{internals}</div>')


def source_cards(a: Answer) -> tuple[str, str, str]:
    """(title, note, cards) of what stands behind an answer: its citations, or, when the
    article does not cover the question, the closest passages offered as such."""
    if a.status == records.ANSWERED and a.citations:
        return "Sources", "", "".join(card(c, n, False) for n, c in enumerate(a.citations, 1))
    if a.status == records.PARTIAL and a.citations:
        return ("Closest quotes", "The article touches on this, but these sentences may not answer it exactly.",
                "".join(card(c, n, False) for n, c in enumerate(a.citations, 1)))
    if a.closest and a.status in (records.NOT_COVERED, records.PARTIAL):
        return ("Closest passages", "The nearest passages of the article. They are not an answer and are not cited.",
                "".join(card(c, None, True) for c in a.closest))
    return "", "", ""


# ---------------------------------------------------------------------------- chat answers


def _searched_as(question: str, a: Answer) -> str:
    """The standalone query when the conversation changed it (a follow-up).

    A query that is just the question, cleaned or cut to length, is not news to the
    reader; the cut is reported by the notice instead.
    """
    return a.query if a.query and not squash(question).startswith(squash(a.query)) else ""


def turn_meta(question: str, a: Answer) -> str:
    """The footer of a chat answer: how a follow-up was understood, and the timings."""
    items = []
    searched = _searched_as(question, a)
    if searched:
        items.append(f'<span class="searched">Searched as: “{esc(shorten(searched))}”</span>')
    t = a.timings_ms or {}
    if "total_ms" in t:  # an answer given without searching (empty, refused) has no retrieval time
        retrieval = f'retrieval {t["retrieval_ms"]:.0f} ms · ' if "retrieval_ms" in t else ""
        items.append(f'<span class="timing">{retrieval}total {t["total_ms"]:.0f} ms</span>')
    return f'<div class="turn-meta">{"".join(items)}</div>' if items else ""


def status_line(a: Answer) -> str:
    """The badge that says what kind of answer this is; low confidence has its own."""
    label, symbol = STATUS_LABELS.get(a.status, (a.status, "?"))
    if is_low_confidence(a):
        label, symbol = LOW_CONFIDENCE_LABEL, "△"
    return (f'<p class="status-line"><span class="badge"><span aria-hidden="true">{symbol}</span> '
            f"{esc(label)}</span></p>")


def _plain(line: str) -> str:
    return squash(_MARKER.sub("", line).lstrip("> "))


def answer_body(a: Answer, text: str) -> str:
    """The direct answer first, then the answer text, its quotes shown as supporting.

    The direct answer is ``short_answer``; a line of ``text`` that only repeats it is not
    shown twice. Lines starting with ``>`` are quotes of the article.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    parts: list[str] = []
    short = a.short_answer.strip() if a.status in (records.ANSWERED, records.PARTIAL) else ""
    if short:
        same = next((i for i, line in enumerate(lines)
                     if not line.startswith(">") and _plain(line) == squash(short)), None)
        if same is not None:
            lead = linked(lines.pop(same).strip(), a.citations)
        else:
            n = next((n for n, c in enumerate(a.citations, 1) if squash(short) in squash(quoted(c))), 0)
            lead = esc(short) + (" " + link(a.citations[n - 1], f"[{n}]", "cite-marker",
                                            f"Show source {n} in the article") if n else "")
        parts.append(f'<p class="direct">{lead}</p>')
    quotes: list[str] = []

    def flush() -> None:
        if quotes:
            label = "Supporting quote" + ("s" if len(quotes) > 1 else "") + " from the article"
            parts.append(f'<div class="support"><p class="support-label">{label}</p>{"".join(quotes)}</div>')
            quotes.clear()

    for line in lines:
        if line.startswith(">"):
            quotes.append(f"<blockquote>{linked(line[1:].strip(), a.citations)}</blockquote>")
        else:
            flush()
            parts.append(f'<p class="prose">{linked(line.strip(), a.citations)}</p>')
    flush()
    return "".join(parts)


def copy_text(question: str, a: Answer) -> str:
    """What the Copy button puts on the clipboard: the answer and its numbered sources."""
    lines = []
    if a.short_answer and squash(a.short_answer) not in squash(_MARKER.sub("", a.text)):
        lines += [a.short_answer, ""]
    lines.append(a.text)
    if a.citations:
        lines += ["", "Sources:"]
        for n, c in enumerate(a.citations, 1):
            where = c.source + (f", “{c.section}”" if c.section else "")
            lines.append(f"[{n}] {where}: {quoted(c)}")
    return "\n".join(lines)


_THUMB = ('<svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16"><path fill="currentColor" '
          'd="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9'
          'v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"/></svg>')


def actions(turn_id: str, question: str, a: Answer, vote: str | None) -> str:
    """Copy, and thumbs up/down (stored with the answer, for the gold set)."""
    def button(value: str, label: str) -> str:
        return (f'<button type="button" class="vote vote-{value}" data-vote="{value}" '
                f'aria-pressed="{"true" if vote == value else "false"}" aria-label="{label}" title="{label}">'
                f"{_THUMB}</button>")

    return (f'<div class="actions" data-turn="{esc(turn_id)}">'
            f'<button type="button" class="copy" data-copy="{esc(copy_text(question, a))}">Copy answer</button>'
            f'{button("up", "Good answer")}{button("down", "Bad answer")}'
            '<span class="action-note" role="status"></span></div>')


def inline_sources(turn_id: str, a: Answer) -> str:
    """The answer's sources under it (shown on narrow screens, where the Sources panel
    would be far below): collapsed under a quoted answer, which holds its quotes already;
    open under a not-covered one, whose text says the closest passages are listed."""
    title, note, cards = source_cards(a)
    if not cards:
        return ""
    closest = title == "Closest passages"
    count = len(a.closest) if closest else len(a.citations)
    note_html = f'<p class="muted">{esc(note)}</p>' if note else ""
    return (f'<details class="inline-sources" data-key="src-{esc(turn_id)}"{" open" if closest else ""}>'
            f"<summary>{title} ({count})</summary>{note_html}{cards}</details>")


def render_answer(question: str, a: Answer, *, turn_id: str = "", vote: str | None = None,
                  shown: str | None = None, final: bool = True) -> str:
    """An assistant answer in the chat, as one HTML block.

    Args:
        question: what the user asked (for "Searched as" and the copy text).
        a: the Answer.
        turn_id: the conversation turn's id (votes refer to it).
        vote: the vote already given to this answer, if any.
        shown: the part of ``a.text`` revealed so far while streaming.
        final: the whole answer is shown; adds sources, timings and actions.
    """
    text = a.text if shown is None else shown
    classes = ["answer", f"status-{a.status}"]
    if is_low_confidence(a):
        classes.append("low-confidence")
    classes.append("done" if final else "streaming")  # lets a reader (or a test) tell a finished answer
    parts = [f'<div class="{" ".join(classes)}" aria-busy="{"false" if final else "true"}">', status_line(a)]
    if a.notice:
        parts.append(f'<p class="notice">{esc(a.notice)}</p>')
    if is_low_confidence(a) and final:
        parts.append(f'<p class="caveat">{LOW_CONFIDENCE_NOTE}</p>')
    parts.append(answer_body(a, text))  # an error Answer's text already says what failed
    if final:
        parts += [inline_sources(turn_id, a), turn_meta(question, a), actions(turn_id, question, a, vote)]
        parts.append(f'<details class="internals"><summary>Details</summary><dl><dt>Status</dt><dd>{esc(a.status)}</dd>'
                     f"<dt>Confidence</dt><dd>{a.confidence:.2f}</dd></dl></details>")
    parts.append("</div>")
    return "".join(parts)


PENDING = ('<div class="answer pending" aria-busy="true"><p class="muted">Searching the article…</p></div>')


def render_question(question: str, limit: int) -> str:
    """The user's own text: shown literally (never as Markdown or HTML), cut to ``limit``."""
    shown = question if len(question) <= limit else question[:limit] + " …"
    return f'<div class="question"><span class="who">You asked</span><p class="q-text">{esc(shown)}</p></div>'


@dataclass
class Turn:
    """One exchange of the conversation."""

    id: str
    question: str
    answer: Answer
    vote: str | None = None


CHAT_EMPTY = ('<div class="chat-empty"><p>Ask a question about the article on Nissan\'s strategy. Every answer '
              "quotes the article and cites the sentences it rests on: click a [n] to see the sentence.</p></div>")


def render_conversation(turns: list[Turn], limit: int, pending: tuple[str, str] | None = None) -> str:
    """The whole conversation, oldest first. ``pending`` is (question, answer HTML) of a
    turn still being answered."""
    items = [f'<article class="turn" id="turn-{esc(t.id)}" data-turn="{esc(t.id)}">'
             f"{render_question(t.question, limit)}{render_answer(t.question, t.answer, turn_id=t.id, vote=t.vote)}"
             "</article>" for t in turns]
    if pending:
        items.append(f'<article class="turn turn-pending">{render_question(pending[0], limit)}{pending[1]}</article>')
    body = "".join(items) or CHAT_EMPTY
    return f'<div class="conversation" role="log" aria-label="Conversation" tabindex="0">{body}</div>'


def render_examples(examples: list[str]) -> str:
    """Example questions as buttons, each with its whole text visible and as its name."""
    buttons = "".join(f'<button type="button" class="example">{esc(q)}</button>' for q in examples)
    return ('<div class="examples" role="group" aria-label="Example questions">'
            f'<span class="muted">Try asking:</span>{buttons}</div>')


# ---------------------------------------------------------------------------- side panels


SOURCES_EMPTY = ('<div class="panel-scroll sources empty" tabindex="0" aria-label="Sources"><p class="muted">'
                 "Ask a question: the passages behind the answer appear here, with the sentences it quotes "
                 "highlighted.</p></div>")


def render_sources(question: str, a: Answer) -> str:
    """The Sources panel for the latest answer."""
    head = f'<p class="src-head">Question searched: <q>{esc(shorten(a.query or question))}</q></p>'
    title, note, cards = source_cards(a)
    if a.status == records.ERROR:
        body = f'<p class="err-banner">{esc(a.error or a.text)}</p>'
    elif a.status in (records.REFUSED, records.EMPTY):
        return SOURCES_EMPTY
    else:
        banner = ('<p class="nc-banner">The article does not cover this question.</p>'
                  if a.status == records.NOT_COVERED else "")
        note_html = f'<p class="muted">{esc(note)}</p>' if note else ""
        body = banner + (f"<h3>{title}</h3>{note_html}{cards}" if cards else "")
    return f'<div class="panel-scroll sources" tabindex="0" aria-label="Sources">{head}{body}</div>'


@dataclass(frozen=True)
class Article:
    """One corpus document as shown in the Article tab."""

    source: str
    text: str
    headings: frozenset[str] = field(default_factory=frozenset)  # lines that are section titles


def load_articles(corpus_dir: Path) -> list[Article]:
    """The corpus documents, decoded exactly as the index read them (offsets match)."""
    from .corpus import paragraphs, read_corpus

    docs, _ = read_corpus(Path(corpus_dir))
    return [Article(d.source, d.text, frozenset(p.section for p in paragraphs(d) if p.section)) for d in docs]


def render_article(art: Article, latest: list[Citation], earlier: list[Citation]) -> str:
    """The full article, line by line, with cited sentences marked and given ids.

    The latest answer's sentences carry their [n]; sentences cited earlier in the
    conversation stay lightly marked so the markers of older turns still lead somewhere.
    """
    def tags(citations: list[Citation], attrs: str) -> dict[Span, str]:
        return {(s, e): f'<mark id="{anchor_id(c.source, s)}" {attrs.format(n=n)}>'
                for n, c in enumerate(citations, 1) if c.source == art.source for s, e in cited_spans(c)}

    now = tags(latest, 'class="latest" data-n="{n}"')
    marks = {**tags(earlier, 'class="earlier"'), **now}  # the latest answer's look wins
    lines = []
    for m in re.finditer(r"[^\r\n]+", art.text):
        line = m.group()
        if not line.strip():
            continue
        tag = "h3" if line.strip() in art.headings else "p"
        inside = [(span, t) for span, t in marks.items() if span[0] < m.end() and span[1] > m.start()]
        lines.append(f"<{tag}>{highlight(line, m.start(), inside)}</{tag}>")
    count = len(now)
    note = (f"{count} sentence{'s' * (count != 1)} cited by the latest answer" if count
            else "no citation in the latest answer")
    return (f'<section class="article" aria-label="{esc(art.source)}"><div class="art-head">'
            f'<span class="file">{esc(art.source)}</span><span class="muted">{note}</span></div>'
            f'{"".join(lines)}</section>')


def render_articles(arts: list[Article], latest: list[Citation], earlier: list[Citation]) -> str:
    """The article; with a corpus of many, only those the conversation cited (or the first),
    so a turn does not ship thousands of documents to the browser."""
    if not arts:
        return ('<div class="panel-scroll"><p class="err-banner">'
                "The article could not be read; see the server log.</p></div>")
    cited = {c.source for c in latest + earlier}
    shown = [a for a in arts if a.source in cited] or arts[:1]
    note = (f'<p class="muted">{len(shown)} of the {len(arts):,} articles in the corpus: '
            "those cited in this conversation.</p>" if len(arts) > 1 else "")
    body = "".join(render_article(a, latest, earlier) for a in shown)
    return f'<div class="panel-scroll articles" tabindex="0" aria-label="Article">{note}{body}</div>'
