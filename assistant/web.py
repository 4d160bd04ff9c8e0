"""Web UI: a chat with cited, streamed answers, the sources behind them, and the article.

Thin by design: every answer comes from ``Assistant.answer()``; this module only turns
Answers into HTML and wires Gradio events. It is laid out in three parts:

1. the offline environment, set before Gradio is imported;
2. pure HTML rendering helpers (no Gradio), easy to test on their own;
3. the Gradio wiring: ``build_app()``, ``launch()`` and ``serve()``.

Everything typed by a user or read from the article is passed through ``html.escape``
before it becomes HTML, and the Chatbot keeps its HTML sanitiser on as a second line.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------
# 1. Nothing leaves the machine. These must be set before gradio (and huggingface_hub,
#    which gradio imports) is imported, because both read them at import time.
# --------------------------------------------------------------------------------------

_OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
}
_LOOPBACK = ("127.0.0.1", "localhost")


def _set_offline_env() -> None:
    """Default the offline switches, and keep loopback out of any configured proxy.

    Gradio checks that its own URL answers before ``launch()`` returns; with an HTTP
    proxy in the environment that request would go to the proxy and start-up fails.
    """
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    for key in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(key, "").split(",") if h.strip()]
        hosts += [h for h in _LOOPBACK if h not in hosts]
        os.environ[key] = ",".join(hosts)


_set_offline_env()

import gradio as gr  # noqa: E402  (must come after the environment is set)

from .config import Settings  # noqa: E402
from .records import Answer, Citation, Span  # noqa: E402

TITLE = "Nissan strategy — cited answers"
EXAMPLES = [
    "Who is Nissan's incoming CEO?",
    "How much better fuel economy does the third-generation e-POWER promise?",
    "Which charging network will the new LEAF be compatible with?",
    "How many new and refreshed models will launch in North America by FY26?",
]
CONCURRENCY = 3  # answers computed at once: 2 cores, and each answer is short CPU work
QUEUE_SIZE = 64  # requests waiting beyond this are refused by Gradio with a clear message
STREAM_STEPS = 8  # the (extractive, already complete) answer is revealed in this many steps
STREAM_DELAY_S = 0.02


# --------------------------------------------------------------------------------------
# 2. HTML rendering. Pure functions of Answers and text; no Gradio in here.
# --------------------------------------------------------------------------------------

_MARKER = re.compile(r"\[(\d+)\]")


def esc(text: str) -> str:
    """Text -> HTML text. Lone surrogates (possible from JSON) are replaced, not fatal."""
    return html.escape(text.encode("utf-8", "replace").decode("utf-8"), quote=True)


def anchor_id(source: str, start: int) -> str:
    """The element id of the article sentence starting at ``start`` in ``source``.

    Built from offsets, not from the turn's [n], so a marker in an older chat turn still
    points at its sentence after newer answers renumber their citations.
    """
    digest = hashlib.sha1(source.encode("utf-8", "replace")).hexdigest()[:8]
    return f"cite-{digest}-{start}"


def cited_spans(c: Citation) -> list[Span]:
    """The sentences a citation stands for; the whole passage if it names none."""
    return [tuple(s) for s in c.sentences] or [(c.start, c.end)]


def link(c: Citation, label: str, cls: str) -> str:
    """A link that brings the citation's first sentence into view in the article."""
    start = cited_spans(c)[0][0]
    return f'<a class="{cls}" href="#{anchor_id(c.source, start)}">{esc(label)}</a>'


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
        out.append(link(citations[n - 1], m.group(), "cite-marker") if 1 <= n <= len(citations) else esc(m.group()))
        pos = m.end()
    out.append(esc(line[pos:]))
    return "".join(out)


def answer_body(a: Answer, text: str) -> str:
    """Answer text as HTML: ``> `` lines are the quoted sentences, the first line of an
    answerable one is its short answer."""
    blocks = []
    for line in text.splitlines():
        if line.startswith(">"):
            blocks.append(f"<blockquote>{linked(line[1:].strip(), a.citations)}</blockquote>")
        elif line.strip():
            cls = ' class="lead"' if a.answerable else ""
            blocks.append(f"<p{cls}>{linked(line, a.citations)}</p>")
    return "".join(blocks)


def answer_kind(a: Answer) -> str:
    """One of ``ok``, ``not-covered``, ``error`` or ``hint`` (an empty question)."""
    if a.error:
        return "error"
    if a.answerable:
        return "ok"
    return "not-covered" if a.query else "hint"


def shorten(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters at a space, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut[: cut.rfind(" ")] if " " in cut[limit // 2:] else cut) + " …"


def _searched_as(question: str, a: Answer) -> str:
    """The standalone query when the conversation changed it (a follow-up).

    A query that is just the question, cleaned or cut to length, is not news to the
    reader; the cut is reported by the notice instead.
    """
    squash = lambda s: " ".join(s.split()).casefold()  # noqa: E731
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


_BADGES = {
    "not-covered": '<div class="badge">Not covered by the article</div>',
    "error": '<div class="badge">The assistant could not answer</div>',
}


def render_chat_answer(question: str, a: Answer, shown: str | None = None, final: bool = True) -> str:
    """An assistant chat message, as one HTML block.

    One block with no blank line, so the Chatbot's Markdown step passes it through as
    HTML and never reinterprets article text as Markdown. ``shown`` is the part of the
    answer text revealed so far while streaming.
    """
    kind = answer_kind(a)
    text = a.text if shown is None else shown
    done = " done" if final else ""  # lets a reader (or a test) tell a finished answer
    parts = [f'<div class="answer answer-{kind}{done}">', _BADGES.get(kind, "")]
    if a.notice:
        parts.append(f'<div class="notice">{esc(a.notice)}</div>')
    parts.append(answer_body(a, text))  # an error Answer's text already says what failed
    if final:
        parts.append(turn_meta(question, a))
    parts.append("</div>")
    return "".join(parts)


def render_user(question: str, limit: int) -> str:
    """A user chat message: shown literally, and cut to ``limit`` characters."""
    shown = question if len(question) <= limit else question[:limit] + " …"
    return f'<div class="question">{esc(shown)}</div>'


def _card(c: Citation, n: int | None, closest: bool) -> str:
    """One source: number, section, score, file, and the passage with its marks."""
    marks = [] if closest else [((s, e), "<mark>") for s, e in c.sentences]
    number = link(c, f"[{n}]", "cite-num") if n else ""
    section = esc(c.section) if c.section else "(no section title)"
    goto = "" if closest else link(c, "Show in article →", "goto")
    return (f'<div class="card{" card-closest" if closest else ""}">'
            f'<div class="card-top">{number}<span class="section">{section}</span>'
            f'<span class="score">score {c.score:.2f}</span></div>'
            f'<div class="passage">{highlight(c.text, c.start, marks)}</div>'
            f'<div class="card-foot"><span class="file">{esc(c.source)}:{c.start}–{c.end}</span>{goto}</div>'
            "</div>")


SOURCES_EMPTY = ('<div class="sources empty">Ask a question: the passages behind the answer '
                 "appear here, with the sentences it quotes highlighted.</div>")


def render_sources(question: str, a: Answer) -> str:
    """The sources panel for the latest answer."""
    kind = answer_kind(a)
    head = f'<div class="src-head">Question searched: <q>{esc(shorten(a.query or question))}</q></div>'
    if kind == "ok":
        body = "".join(_card(c, n, closest=False) for n, c in enumerate(a.citations, 1))
        return f'<div class="sources">{head}<h3>Sources</h3>{body}</div>'
    if kind == "not-covered":
        cards = "".join(_card(c, None, closest=True) for c in a.closest)
        closest = (f'<h3>Closest passages</h3><p class="muted">The nearest passages of the article. '
                   f"They are not an answer and are not cited.</p>{cards}") if cards else ""
        return (f'<div class="sources">{head}<div class="nc-banner">The article does not cover this '
                f"question.</div>{closest}</div>")
    if kind == "error":
        return f'<div class="sources">{head}<div class="err-banner">{esc(a.error)}</div></div>'
    return SOURCES_EMPTY


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
    note = f"{count} sentence{'s' * (count != 1)} cited by the latest answer" if count else "no citation in the latest answer"
    return (f'<section class="article"><div class="art-head"><span class="file">{esc(art.source)}</span>'
            f'<span class="muted">{note}</span></div>{"".join(lines)}</section>')


def render_articles(arts: list[Article], latest: list[Citation], earlier: list[Citation]) -> str:
    """The article; with a corpus of many, only those the conversation cited (or the first),
    so a turn does not ship thousands of documents to the browser."""
    if not arts:
        return '<div class="err-banner">The article could not be read; see the server log.</div>'
    cited = {c.source for c in latest + earlier}
    shown = [a for a in arts if a.source in cited] or arts[:1]
    note = (f'<p class="muted">{len(shown)} of the {len(arts):,} articles in the corpus: '
            "those cited in this conversation.</p>" if len(arts) > 1 else "")
    return f'<div class="articles">{note}{"".join(render_article(a, latest, earlier) for a in shown)}</div>'


def error_answer(question: str, message: str) -> Answer:
    """An Answer that says the assistant failed, in the shape every caller expects."""
    return Answer(f"Sorry, something went wrong while answering: {message}", False,
                  question if isinstance(question, str) else "", error=message)


# --------------------------------------------------------------------------------------
# 3. Gradio wiring.
# --------------------------------------------------------------------------------------

SYSTEM_FONTS = ["Segoe UI", "Roboto", "Helvetica Neue", "Arial", "Noto Sans", "Liberation Sans",
                "DejaVu Sans", "sans-serif"]
SYSTEM_MONO = ["SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "DejaVu Sans Mono", "monospace"]

CSS = """
.gradio-container { max-width: 1400px !important; }
#app-title h1 { margin-bottom: 0; }
#app-title p { margin-top: .2rem; color: var(--body-text-color-subdued); }
.answer p, .answer blockquote { margin: .25rem 0; }
.answer p.lead { font-weight: 600; font-size: 1.05em; }
.answer blockquote { border-left: 3px solid #f59e0b; padding: .1rem 0 .1rem .6rem; margin-left: 0;
  color: var(--body-text-color); font-style: normal; }
.answer .badge { display: inline-block; font-weight: 600; font-size: .85em; padding: .1rem .5rem;
  border-radius: 999px; margin-bottom: .35rem; }
.answer-not-covered { border-left: 4px solid #94a3b8; padding-left: .6rem; }
.answer-not-covered .badge { background: #e2e8f0; color: #334155; }
.answer-not-covered p { color: var(--body-text-color-subdued); font-style: italic; }
.answer-error { border-left: 4px solid #dc2626; padding-left: .6rem; }
.answer-error .badge { background: #fee2e2; color: #991b1b; }
.answer .notice { background: #fef9c3; color: #713f12; border-radius: 6px; padding: .3rem .5rem;
  font-size: .9em; margin-bottom: .35rem; }
.turn-meta { margin-top: .4rem; font-size: .8em; color: var(--body-text-color-subdued);
  display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.turn-meta .searched { font-style: italic; }
a.cite-marker, a.cite-num { text-decoration: none; font-weight: 600; color: #b45309; cursor: pointer;
  font-size: .85em; vertical-align: super; margin-left: 1px; }
a.cite-num { vertical-align: baseline; font-size: 1em; margin-right: .4rem; }
.question { white-space: pre-wrap; word-break: break-word; }
.sources { display: flex; flex-direction: column; gap: .6rem; }
.sources h3 { margin: .4rem 0 0; font-size: 1em; }
.sources.empty, .muted { color: var(--body-text-color-subdued); font-size: .9em; }
.src-head { font-size: .9em; color: var(--body-text-color-subdued); }
.src-head q { color: var(--body-text-color); font-style: italic; }
.card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6rem .75rem;
  background: var(--background-fill-primary); }
.card-closest { border-style: dashed; opacity: .92; }
.card-top { display: flex; align-items: baseline; gap: .4rem; font-size: .9em; }
.card-top .section { font-weight: 600; flex: 1; }
.card-top .score { color: var(--body-text-color-subdued); font-variant-numeric: tabular-nums; }
.passage { margin: .4rem 0; line-height: 1.5; }
.card-foot { display: flex; justify-content: space-between; font-size: .8em;
  color: var(--body-text-color-subdued); }
.card-foot a.goto { color: #b45309; text-decoration: none; font-weight: 600; }
mark, .article mark.latest { background: #fde68a; color: #111827; padding: 0 2px; border-radius: 3px; }
.article mark.earlier { background: #fef3c7; color: inherit; }
.article mark.latest::after { content: " [" attr(data-n) "]"; font-size: .75em; font-weight: 600;
  color: #b45309; vertical-align: super; }
.article mark.flash { outline: 3px solid #f59e0b; }
.nc-banner { background: #f1f5f9; color: #334155; border-left: 4px solid #94a3b8; padding: .5rem .7rem;
  border-radius: 6px; font-weight: 600; }
.err-banner { background: #fee2e2; color: #991b1b; border-left: 4px solid #dc2626; padding: .5rem .7rem;
  border-radius: 6px; }
/* Gradio sets overflow: visible inline on the block, hence !important. */
#article-panel, #sources-panel { max-height: 72vh; overflow-y: auto !important; padding-right: .4rem; }
.article { line-height: 1.6; }
.article h3 { margin: 1rem 0 .3rem; font-size: 1.05em; }
.article p { margin: .3rem 0 .6rem; }
.art-head { display: flex; justify-content: space-between; font-size: .85em; margin-bottom: .5rem;
  border-bottom: 1px solid var(--border-color-primary); padding-bottom: .3rem; }
.file { font-family: var(--font-mono); font-size: .9em; }
"""

# Clicking a citation marker or a source: open the Article tab, then scroll the cited
# sentence into view. Delegated on the document (capture phase) because the chat and the
# panels re-render their HTML on every answer, and to override the Chatbot's default of
# opening links in a new tab.
JS = """
() => {
  const show = (id, tries) => {
    const el = document.getElementById(id);
    if (el && el.offsetParent !== null) {
      el.scrollIntoView({block: "center"});
      el.classList.add("flash");
      setTimeout(() => el.classList.remove("flash"), 1500);
    } else if (tries > 0) {
      setTimeout(() => show(id, tries - 1), 50);
    }
  };
  document.addEventListener("click", (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href^="#cite-"]');
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    // Gradio 6 names a tab's button after the Tab's elem_id: "<elem_id>-button".
    const tab = document.getElementById("article-tab-button");
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
    show(a.getAttribute("href").slice(1), 40);
  }, true);
}
"""


def make_theme() -> gr.themes.Base:
    """The default look, with system fonts so the browser fetches no web font."""
    return gr.themes.Default(primary_hue="amber", font=SYSTEM_FONTS, font_mono=SYSTEM_MONO)


def safe_answer(assistant, question: Any, history: list[dict] | None) -> Answer:
    """``assistant.answer`` that never raises: a failure becomes an error Answer."""
    try:
        answer = assistant.answer(question if isinstance(question, str) else str(question or ""), history)
    except Exception as e:  # the UI must show a message, never a traceback
        log.exception("answer failed")
        return error_answer(question, f"{type(e).__name__}: {e}")
    if answer.error:
        log.warning("cannot answer: %s", answer.error)
    return answer


@dataclass
class Turn:
    """One exchange of the conversation, kept server-side in a gr.State."""

    question: str
    answer: Answer


def history_of(turns: list[Turn]) -> list[dict]:
    """The conversation in the messages format Assistant.answer() reads for follow-ups."""
    out: list[dict] = []
    for t in turns:
        out += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.answer.text}]
    return out


def chat_messages(turns: list[Turn], limit: int) -> list[dict]:
    """The Chatbot value, rebuilt from the turns (the turns, not the Chatbot, are the truth)."""
    out: list[dict] = []
    for t in turns:
        out += [{"role": "user", "content": render_user(t.question, limit)},
                {"role": "assistant", "content": render_chat_answer(t.question, t.answer)}]
    return out


def reveal_steps(text: str, steps: int = STREAM_STEPS) -> list[str]:
    """Growing prefixes of ``text`` at word boundaries, ending with the whole text."""
    words = re.findall(r"\S+\s*", text)
    if len(words) <= 1:
        return [text]
    cuts = sorted({max(1, round(len(words) * i / steps)) for i in range(1, steps + 1)})
    return ["".join(words[:k]) for k in cuts[:-1]] + [text]


class WebApp:
    """The handlers, bound to one Assistant and the articles it answers from."""

    def __init__(self, assistant) -> None:
        self.assistant = assistant
        self.limit = assistant.settings.max_question_chars
        try:
            self.articles = load_articles(assistant.settings.corpus_dir)
        except Exception:  # the chat still works; the Article tab says it failed
            log.exception("could not read the corpus for the Article tab")
            self.articles = []

    def article_html(self, turns: list[Turn]) -> str:
        latest = turns[-1].answer.citations if turns else []
        earlier = [c for t in turns[:-1] for c in t.answer.citations]
        return render_articles(self.articles, latest, earlier)

    def ask(self, question: str) -> dict:
        """Answer one question about the article (no conversation).

        Returns the Answer as a JSON object: text (with [n] markers), answerable, query,
        citations, closest, short_answer, confidence, notice, error, timings_ms.
        """
        return safe_answer(self.assistant, question, None).to_dict()

    def respond(self, question: str, turns: list[Turn] | None) -> Iterator[tuple]:
        """Chat handler: show the question, answer it, reveal the answer step by step.

        Yields (textbox, chatbot, sources, article, turns). Any failure, even while
        rendering, ends as a readable message in the chat rather than a traceback.
        """
        turns = list(turns or [])
        question = question if isinstance(question, str) else ""
        pending = chat_messages(turns, self.limit) + [
            {"role": "user", "content": render_user(question, self.limit)},
            {"role": "assistant", "content": '<div class="answer pending"><p class="muted">Searching the article…</p></div>'},
        ]
        yield "", pending, gr.skip(), gr.skip(), turns
        answer = safe_answer(self.assistant, question, history_of(turns))
        try:
            turn = Turn(question[: self.limit * 2], answer)  # keep state bounded; answer() cuts anyway
            sources, article = render_sources(question, answer), self.article_html(turns + [turn])
            steps = reveal_steps(answer.text)
            for i, shown in enumerate(steps):
                final = i == len(steps) - 1
                pending[-1] = {"role": "assistant", "content": render_chat_answer(question, answer, shown, final)}
                yield gr.skip(), pending, sources, article, (turns + [turn] if final else turns)
                if not final:
                    time.sleep(STREAM_DELAY_S)
        except Exception as e:
            log.exception("rendering the answer failed")
            failed = Turn(question[: self.limit * 2], error_answer(question, f"{type(e).__name__}: {e}"))
            yield (gr.skip(), chat_messages(turns + [failed], self.limit),
                   render_sources(question, failed.answer), gr.skip(), turns)

    def clear(self) -> tuple:
        """Forget the conversation: empty chat, empty sources, unmarked article."""
        return "", [], SOURCES_EMPTY, self.article_html([]), []


def build_app(assistant) -> gr.Blocks:
    """The Blocks app for ``assistant``. Launch it with ``launch()`` (theme, CSS, JS)."""
    handlers = WebApp(assistant)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"# {TITLE}\nAsk about the article. Every answer quotes it and cites the "
                    "sentences it rests on; click a [n] to see the sentence in the article.",
                    elem_id="app-title")
        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=380):
                chat = gr.Chatbot(label="Conversation", height=520, elem_id="chat",
                                  sanitize_html=True, render_markdown=True, latex_delimiters=[],
                                  feedback_options=None, buttons=[], layout="bubble",
                                  placeholder="Ask a question about Nissan's strategy, or pick an example below.")
                with gr.Row():
                    box = gr.Textbox(show_label=False, placeholder="Ask about the article…", scale=6,
                                     lines=1, max_lines=4, elem_id="question", autofocus=True)
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
                    clear = gr.Button("Clear", scale=1, min_width=80, elem_id="clear")
                examples = gr.Examples(EXAMPLES, inputs=[box], label="Try asking")
            with gr.Column(scale=4, min_width=340):
                with gr.Tabs(elem_id="panels"):
                    with gr.Tab("Sources", id="sources", elem_id="sources-tab"):
                        sources = gr.HTML(SOURCES_EMPTY, elem_id="sources-panel", js_on_load=None)
                    with gr.Tab("Article", id="article", elem_id="article-tab"):
                        article = gr.HTML(handlers.article_html([]), elem_id="article-panel", js_on_load=None)
        outputs = [box, chat, sources, article, turns]
        chat_event = dict(fn=handlers.respond, inputs=[box, turns], outputs=outputs,
                          concurrency_id="answer", show_progress="minimal")
        box.submit(api_name="chat", **chat_event)
        send.click(api_visibility="private", **chat_event)
        examples.load_input_event.then(api_visibility="private", **chat_event)
        clear.click(handlers.clear, None, outputs, queue=False, api_visibility="private")
        # The Chatbot's own trash icon empties only the chat; forget the turns with it.
        chat.clear(handlers.clear, None, outputs, queue=False, api_visibility="private")
        gr.api(handlers.ask, api_name="ask", concurrency_id="answer")
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return app


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int | None = 7860, *, block: bool = True,
           quiet: bool = False) -> tuple[Any, str, str | None]:
    """Start ``app`` on ``host:port`` with the offline look: no share link, no analytics,
    system fonts only. Returns what ``Blocks.launch`` returns (app, local URL, share URL).

    In Gradio 6 theme, css and js belong to launch(), not to the Blocks constructor.
    """
    return app.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=not block,
                      theme=make_theme(), css=CSS, js=JS, footer_links=["api", "settings"],
                      run_history=False, enable_monitoring=False, mcp_server=False, ssr_mode=False,
                      pwa=False, show_error=False, quiet=quiet)


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 7860) -> None:
    """``assistant serve``: load the model and index once, then serve until interrupted."""
    from .answering import Assistant

    assistant = Assistant(settings or Settings.from_env())
    print("assistant: loading the model and the index…", flush=True)
    assistant.warm_up()
    launch(build_app(assistant), host, port, block=True)
