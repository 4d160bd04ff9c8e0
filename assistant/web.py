"""Web UI: a chat with cited, streamed answers, the sources behind them, and the article.

Thin by design: every answer comes from ``Assistant.answer()``; ``render.py`` turns
Answers into HTML and ``static/`` holds the CSS and the browser-side script. This module:

1. sets the offline environment (and a private temp folder) before Gradio is imported;
2. keeps the conversation (in the browser, across reloads) and records votes;
3. wires the Gradio app: ``build_app()``, ``launch()``, and ``serve()`` with its edges
   (index built in a child process, busy port, access token, no uploads, a per-client
   limit on queued requests).
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import ipaddress
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import fields
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

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
    """Default the offline switches, keep loopback out of any configured proxy, and give
    Gradio a temp folder of its own that is deleted at exit.

    Gradio checks that its own URL answers before ``launch()`` returns; with an HTTP
    proxy in the environment that request would go to the proxy and start-up fails.
    Gradio reads GRADIO_TEMP_DIR at import time and otherwise leaves files in /tmp/gradio.
    """
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    for key in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(key, "").split(",") if h.strip()]
        hosts += [h for h in _LOOPBACK if h not in hosts]
        os.environ[key] = ",".join(hosts)
    parent = os.environ.get("GRADIO_TEMP_DIR") or None
    if parent:
        os.makedirs(parent, exist_ok=True)
    mine = tempfile.mkdtemp(prefix="assistant-gradio-", dir=parent)  # only this folder is deleted
    os.environ["GRADIO_TEMP_DIR"] = mine
    atexit.register(shutil.rmtree, mine, ignore_errors=True)


_set_offline_env()

import gradio as gr  # noqa: E402  (must come after the environment is set)

from . import feedback, records  # noqa: E402
from .config import ENV, Settings  # noqa: E402
from .errors import AssistantError  # noqa: E402
from .records import Answer, Citation  # noqa: E402
from .render import (  # noqa: E402
    PENDING,
    SOURCES_EMPTY,
    Turn,
    load_articles,
    render_answer,
    render_articles,
    render_conversation,
    render_examples,
    render_sources,
)

TITLE = "Nissan strategy — cited answers"
EXAMPLES = [
    "Who is Nissan's incoming CEO?",
    "How much better fuel economy does the third-generation e-POWER promise?",
    "Which charging network will the new LEAF be compatible with?",
    "How many new and refreshed models will launch in North America by FY26?",
]
CONCURRENCY = 3  # answers computed at once: 2 cores, and each answer is short CPU work
QUEUE_SIZE = 64  # requests waiting beyond this are refused by Gradio with a clear message
PER_CLIENT = 8  # requests one client address may have queued or running at once
MAX_TURNS = 40  # turns kept in the browser; older ones are dropped from the stored conversation
STREAM_STEPS = 8  # the (extractive, already complete) answer is revealed in this many steps
STREAM_DELAY_S = 0.02
STATIC = Path(__file__).parent / "static"
ASK_DESCRIPTION = (
    "Answer one question about the article, quoting it. Returns the Answer as a JSON object: status "
    "(answered, partial, not_covered, refused, empty or error), text with [n] markers, short_answer, "
    "citations ([n] is citations[n-1]: passage text, source file, start/end character offsets, quoted "
    "sentences), closest (the nearest passages when the article does not cover the question), confidence, "
    "query (what was searched), notice, error, timings_ms and answerable.")
STORAGE_KEY = "nissan-assistant-conversation"


# --------------------------------------------------------------------------------------
# 2. The conversation, kept in the browser (gr.BrowserState) as plain dicts. What comes
#    back from a browser is untrusted: every field is checked and rebuilt, never eval'd.
# --------------------------------------------------------------------------------------

_CITATION_FIELDS = [f.name for f in fields(Citation)]


def _citation(d: Any) -> Citation:
    return Citation(str(d["text"]), str(d["source"]), int(d["start"]), int(d["end"]), str(d.get("section") or ""),
                    float(d.get("score") or 0.0), [(int(s), int(e)) for s, e in (d.get("sentences") or [])][:20])


def answer_from_dict(d: Any) -> Answer:
    """An Answer from ``Answer.to_dict()`` output (as stored in the browser)."""
    status = d.get("status")
    return Answer(
        text=str(d["text"]), answerable=bool(d.get("answerable")), query=str(d.get("query") or ""),
        citations=[_citation(c) for c in (d.get("citations") or [])][:20],
        closest=[_citation(c) for c in (d.get("closest") or [])][:20],
        short_answer=str(d.get("short_answer") or ""), confidence=float(d.get("confidence") or 0.0),
        notice=str(d.get("notice") or ""), error=str(d.get("error") or ""),
        timings_ms={str(k): float(v) for k, v in (d.get("timings_ms") or {}).items()},
        status=status if status in records.STATUSES else "",
    )


def turn_to_dict(t: Turn) -> dict:
    """A turn as JSON-ready data, as stored in the browser and read by ``load_turns``."""
    return {"id": t.id, "question": t.question, "answer": t.answer.to_dict(), "vote": t.vote}


def load_turns(saved: Any) -> list[Turn]:
    """The conversation stored in the browser; malformed turns are dropped, not fatal."""
    turns = []
    for d in saved[-MAX_TURNS:] if isinstance(saved, list) else []:
        try:
            turn_id = re.sub(r"[^0-9a-zA-Z_-]", "", str(d["id"]))[:32] or uuid.uuid4().hex[:12]
            vote = d.get("vote") if d.get("vote") in feedback.VOTES else None
            turns.append(Turn(turn_id, str(d["question"])[:20_000], answer_from_dict(d["answer"]), vote))
        except (KeyError, TypeError, ValueError, AttributeError):
            log.debug("dropped a malformed stored turn")
    return turns


def history_of(turns: list[Turn]) -> list[dict]:
    """The conversation in the messages format Assistant.answer() reads for follow-ups."""
    out: list[dict] = []
    for t in turns:
        out += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.answer.text}]
    return out


def error_answer(question: Any, message: str) -> Answer:
    """An Answer that says the assistant failed, in the shape every caller expects."""
    return Answer(f"Sorry, something went wrong while answering: {message}", False,
                  question if isinstance(question, str) else "", error=message, status=records.ERROR)


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


def reveal_steps(text: str, steps: int = STREAM_STEPS) -> list[str]:
    """Growing prefixes of ``text`` at word boundaries, ending with the whole text."""
    words = re.findall(r"\S+\s*", text)
    if len(words) <= 1:
        return [text]
    cuts = sorted({max(1, round(len(words) * i / steps)) for i in range(1, steps + 1)})
    return ["".join(words[:k]) for k in cuts[:-1]] + [text]


class WebApp:
    """The handlers, bound to one Assistant and the articles it answers from."""

    def __init__(self, assistant, feedback_dir: Path | None = None) -> None:
        self.assistant = assistant
        self.limit = assistant.settings.max_question_chars
        self.feedback_dir = Path(feedback_dir or assistant.settings.index_dir)
        try:
            self.articles = load_articles(assistant.settings.corpus_dir)
        except Exception:  # the chat still works; the Article tab says it failed
            log.exception("could not read the corpus for the Article tab")
            self.articles = []
        self._texts = {a.source: a.text for a in self.articles}

    def _checked(self, citations: list[Citation]) -> list[Citation]:
        """Citations that still match the article at their offsets (a stored conversation
        may predate an edit of the corpus, or have been tampered with)."""
        return [c for c in citations if self._texts.get(c.source, "")[c.start:c.end] == c.text]

    def article_html(self, turns: list[Turn]) -> str:
        """The Article tab, with the sentences the latest and earlier answers cited marked."""
        latest = self._checked(turns[-1].answer.citations) if turns else []
        earlier = self._checked([c for t in turns[:-1] for c in t.answer.citations])
        return render_articles(self.articles, latest, earlier)

    def chat_html(self, turns: list[Turn], pending: tuple[str, str] | None = None) -> str:
        """The conversation as HTML.

        Args:
            turns: the finished turns, oldest first.
            pending: (question, answer HTML) of a turn still being revealed, if any.
        """
        return render_conversation(turns, self.limit, pending)

    def ask(self, question: str) -> dict:
        """Answer one question about the article, quoting it.

        Args:
            question: the question, in everyday words.

        Returns:
            The answer as a JSON object: ``status`` (answered, partial, not_covered,
            refused, empty or error), ``text`` with [n] markers, ``short_answer``,
            ``citations`` (``[n]`` is ``citations[n-1]``: the passage, its file, character
            offsets and quoted sentences), ``closest`` passages when the article does not
            cover the question, ``confidence``, ``query``, ``notice``, ``error``,
            ``timings_ms`` and ``answerable``.
        """
        return safe_answer(self.assistant, question, None).to_dict()

    def restore(self, saved: Any) -> tuple:
        """On page load: the conversation kept in the browser, rendered again."""
        turns = load_turns(saved)
        if not turns:
            return self.chat_html([]), SOURCES_EMPTY, self.article_html([])
        last = turns[-1]
        return self.chat_html(turns), render_sources(last.question, last.answer), self.article_html(turns)

    def respond(self, question: Any, saved: Any) -> Iterator[tuple]:
        """Show the question, answer it, reveal the answer step by step.

        Yields (chat, sources, article, stored conversation). Any failure, even while
        rendering, ends as a readable message in the chat rather than a traceback.
        """
        turns = load_turns(saved)
        question = question if isinstance(question, str) else ""
        if not question.strip():  # an empty box: nothing to ask (the page says so)
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        yield self.chat_html(turns, (question, PENDING)), gr.skip(), gr.skip(), gr.skip()
        answer = safe_answer(self.assistant, question, history_of(turns))
        turn = Turn(uuid.uuid4().hex[:12], question[: self.limit * 2], answer)  # bounded; answer() cuts anyway
        done = (turns + [turn])[-MAX_TURNS:]
        try:
            sources, article = render_sources(question, answer), self.article_html(done)
            steps = reveal_steps(answer.text)
            for shown in steps[:-1]:
                partial = render_answer(question, answer, shown=shown, final=False)
                yield self.chat_html(turns, (question, partial)), sources, article, gr.skip()
                time.sleep(STREAM_DELAY_S)
            yield self.chat_html(done), sources, article, [turn_to_dict(t) for t in done]
        except Exception as e:
            log.exception("rendering the answer failed")
            failed = Turn(turn.id, turn.question, error_answer(question, f"{type(e).__name__}: {e}"))
            done = (turns + [failed])[-MAX_TURNS:]
            yield (self.chat_html(done), render_sources(question, failed.answer), gr.skip(),
                   [turn_to_dict(t) for t in done])

    def new_conversation(self) -> tuple:
        """Forget the conversation: empty chat, empty sources, unmarked article."""
        return self.chat_html([]), SOURCES_EMPTY, self.article_html([]), []

    def vote(self, saved: Any, evt: gr.EventData) -> Any:
        """Thumbs up/down on an answer: appended to feedback.jsonl beside the index, and
        remembered with the turn so the button stays pressed."""
        data = getattr(evt, "_data", None) or {}
        turn_id, value = str(data.get("turn", "")), data.get("vote")
        turns = load_turns(saved)
        turn = next((t for t in turns if t.id == turn_id), None)
        if turn is None or value not in feedback.VOTES:
            return gr.skip()
        feedback.record(self.feedback_dir, feedback.entry(turn.id, value, turn.question, turn.answer.to_dict()))
        turn.vote = value
        return [turn_to_dict(t) for t in turns]


# --------------------------------------------------------------------------------------
# 3. Gradio wiring.
# --------------------------------------------------------------------------------------

SYSTEM_FONTS = ["Segoe UI", "Roboto", "Helvetica Neue", "Arial", "Noto Sans", "Liberation Sans",
                "DejaVu Sans", "sans-serif"]
SYSTEM_MONO = ["SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "DejaVu Sans Mono", "monospace"]

# Runs in the browser before the chat handler: empties the box at once (not when the
# answer starts, which may be seconds later in a busy queue and would wipe new typing).
CLEAR_BOX_JS = """(question, saved) => {
  const box = document.querySelector('#question textarea');
  if (box && box.value) { box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true})); }
  return [question, saved];
}"""

# The chat's own script: a vote button becomes an event the server records. Only here is
# Gradio's trigger() available; everything else lives in static/app.js.
VOTE_JS = """
element.addEventListener('click', (ev) => {
  const button = ev.target.closest && ev.target.closest('button.vote');
  if (!button || !element.contains(button)) return;
  const row = button.closest('.actions');
  row.querySelectorAll('button.vote').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  const note = row.querySelector('.action-note');
  if (note) note.textContent = 'Thanks: your vote is saved on this computer.';
  trigger('click', {turn: row.dataset.turn, vote: button.dataset.vote});
});
"""


def static_text(name: str) -> str:
    """The text of a file in the package's ``static/`` folder."""
    return (STATIC / name).read_text(encoding="utf-8")


def make_theme() -> gr.themes.Base:
    """The default look with system fonts (the browser fetches no web font), and a primary
    button dark enough for its white label to pass WCAG AA in both colour schemes."""
    return gr.themes.Default(primary_hue="amber", font=SYSTEM_FONTS, font_mono=SYSTEM_MONO).set(
        button_primary_background_fill="#92400e", button_primary_background_fill_hover="#78350f",
        button_primary_text_color="#ffffff", button_primary_border_color="#92400e",
        button_primary_background_fill_dark="#fbbf24", button_primary_background_fill_hover_dark="#fcd34d",
        button_primary_text_color_dark="#111827", button_primary_border_color_dark="#fbbf24",
    )


def _secret(settings: Settings) -> str:
    """The key the browser's stored conversation is encrypted with: stable for one index
    folder, so a conversation survives a restart of the server too."""
    return hashlib.sha256(f"nissan-assistant:{Path(settings.index_dir).resolve()}".encode()).hexdigest()[:32]


def build_app(assistant, *, per_client: int = PER_CLIENT, feedback_dir: Path | None = None) -> gr.Blocks:
    """The Blocks app for ``assistant``. Launch it with ``launch()`` (theme, CSS, JS, edges).

    Args:
        assistant: an ``Assistant`` (or anything with ``answer()`` and ``settings``).
        per_client: requests one client address may have queued or running at once.
        feedback_dir: where votes are stored (default: the index folder).
    """
    handlers = WebApp(assistant, feedback_dir)
    private: dict[str, Any] = {"api_visibility": "private"}
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        with gr.Row(elem_id="top", equal_height=False):
            gr.HTML(f'<header id="app-title"><h1>{TITLE}</h1><p>Ask about the article. Every answer quotes it '
                    "and cites the sentences it rests on; click a [n] to see the sentence in the article.</p></header>",
                    js_on_load=None, apply_default_css=False, min_width=300)
            new = gr.Button("New conversation", elem_id="new-conversation", scale=0, min_width=170, size="md")
        saved = gr.BrowserState([], storage_key=STORAGE_KEY, secret=_secret(assistant.settings))
        with gr.Row(equal_height=False, elem_id="main"):
            with gr.Column(scale=5, min_width=360, elem_id="chat-column"):
                chat = gr.HTML(handlers.chat_html([]), elem_id="chat", js_on_load=VOTE_JS, apply_default_css=False)
                with gr.Row(elem_id="ask-row"):
                    box = gr.Textbox(label="Your question about the article", show_label=False, scale=6, lines=1,
                                     max_lines=4, elem_id="question", autofocus=True, submit_btn=False, container=False,
                                     placeholder="Ask about the article…")
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
                gr.HTML('<p id="queue-note" class="queue-note" role="status" aria-live="polite"></p>'
                        + render_examples(EXAMPLES), js_on_load=None, apply_default_css=False, elem_id="examples")
            with gr.Column(scale=4, min_width=340, elem_id="panels-column"):
                with gr.Tabs(elem_id="panels"):
                    with gr.Tab("Sources", id="sources", elem_id="sources-tab"):
                        sources = gr.HTML(SOURCES_EMPTY, elem_id="sources-panel", js_on_load=None,
                                          apply_default_css=False)
                    with gr.Tab("Article", id="article", elem_id="article-tab"):
                        article = gr.HTML(handlers.article_html([]), elem_id="article-panel", js_on_load=None,
                                          apply_default_css=False)
        outputs = [chat, sources, article, saved]
        answering = gr.on([box.submit, send.click], handlers.respond, inputs=[box, saved], outputs=outputs,
                          js=CLEAR_BOX_JS, trigger_mode="always_last", concurrency_id="answer",
                          show_progress="hidden", **private)
        new.click(handlers.new_conversation, None, outputs, queue=False, cancels=[answering], **private)
        chat.click(handlers.vote, inputs=[saved], outputs=[saved], queue=False, show_progress="hidden", **private)
        app.load(handlers.restore, inputs=[saved], outputs=[chat, sources, article], queue=False,
                 show_progress="hidden", **private)
        gr.api(handlers.ask, api_name="ask", concurrency_id="answer", api_description=ASK_DESCRIPTION)
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    limit_per_client(app, per_client)
    return app


# ---------------------------------------------------------------------------- edges


def _client(request: Any) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


def limit_per_client(app: gr.Blocks, limit: int) -> None:
    """Refuse a request when its client address already has ``limit`` queued or running,
    so one client cannot fill the shared queue.

    Gradio (6.x) has no such setting; this wraps the app's queue ``push``, the one place
    every queued request (browser, gradio_client, REST ``/call``) enters.
    """
    queue = app._queue
    push = queue.push
    reserved: dict[str, int] = {}

    def busy(host: str) -> int:
        waiting = [e for q in queue.event_queue_per_concurrency_id.values() for e in q.queue]
        running = [e for job in queue.active_jobs if job for e in job]
        return sum(_client(e.request) == host for e in waiting + running)

    async def limited(body, request, username):
        host = _client(request)
        if busy(host) + reserved.get(host, 0) >= limit:  # no await between check and reserve
            return (False, f"Too many requests at once from {host}: at most {limit} may wait or run. "
                    "Wait for the answers, then ask again.", "queue_full")
        reserved[host] = reserved.get(host, 0) + 1
        try:
            return await push(body, request, username)
        finally:
            reserved[host] -= 1

    queue.push = limited  # type: ignore[method-assign]  # Gradio has no setting for a per-client limit


TOKEN_COOKIE = "assistant_token"
TOKEN_ENV = "ASSISTANT_AUTH_TOKEN"


class Gate:
    """ASGI middleware in front of every route: refuses uploads (the UI has no use for
    them) and, when a token is set, any request that does not carry it.

    The token is accepted as ``Authorization: Bearer <token>`` (API clients), as the
    ``assistant_token`` cookie, or once as ``?token=<token>``, which sets the cookie and
    redirects to the same page without it (browsers).
    """

    def __init__(self, app, token: str | None = None) -> None:
        self.app = app
        self.token = token.encode() if token else None

    def _ok(self, value: str | bytes | None) -> bool:
        value = value.encode() if isinstance(value, str) else value
        return value is not None and self.token is not None and hmac.compare_digest(value, self.token)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if re.search(r"/upload(_progress)?/?$", path):
            return await _reply(send, scope, 403, "Uploads are disabled.\n")
        # Gradio calls this itself while launching, before anyone could hold the token; it
        # only answers true/false and runs the app's one-time start-up once.
        if self.token is None or path.endswith("/gradio_api/startup-events"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"")
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = dict(query).get("token")
        if self._ok(auth[7:] if auth[:7].lower() == b"bearer " else b"") or (
                TOKEN_COOKIE in cookie and self._ok(cookie[TOKEN_COOKIE].value)):
            if given is None:
                return await self.app(scope, receive, send)
        if given is not None and self._ok(given) and scope["type"] == "http":
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = (scope.get("root_path", "") + path) + (f"?{rest}" if rest else "")
            await send({"type": "http.response.start", "status": 303, "headers": [
                (b"location", location.encode("latin-1")), (b"cache-control", b"no-store"),
                (b"set-cookie", f"{TOKEN_COOKIE}={given}; Path=/; HttpOnly; SameSite=Strict".encode("latin-1"))]})
            return await send({"type": "http.response.body", "body": b""})
        return await _reply(send, scope, 401, "This assistant needs an access token: open the address that "
                            "`assistant serve` printed (it ends with ?token=...), or send 'Authorization: Bearer "
                            "<token>'.\n")


async def _reply(send, scope, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        return await send({"type": "websocket.close", "code": 1008})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": text.encode()})


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int | None = 7860, *, block: bool = True,
           quiet: bool = True, auth_token: str | None = None) -> tuple[Any, str, str | None]:
    """Start ``app`` on ``host:port`` with the offline look: no share link, no analytics,
    system fonts only, no uploads; with ``auth_token``, every route asks for it.
    Returns what ``Blocks.launch`` returns (app, local URL, share URL).

    In Gradio 6 theme, css and js belong to launch(), not to the Blocks constructor.
    ``quiet`` (the default) also silences Gradio's "To create a public link" advice.
    """
    from starlette.middleware import Middleware

    return app.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=not block,
                      theme=make_theme(), css=static_text("app.css"), js=static_text("app.js"),
                      footer_links=["api", "settings"], run_history=False, enable_monitoring=False,
                      mcp_server=False, ssr_mode=False, pwa=False, show_error=False, quiet=quiet,
                      max_file_size="1kb", app_kwargs={"middleware": [Middleware(Gate, token=auth_token)]})


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, token: str | None) -> str:
    """What to tell the user about who can reach the server ("" when only this machine)."""
    if is_loopback(host) or token:
        return ""
    return (f"warning: --host {host} lets other machines reach the assistant, and it has no login. "
            f"Anyone who can reach this port can use it. Set --auth-token (or {TOKEN_ENV}) to require a token.")


def check_port(host: str, port: int) -> None:
    """Fail early, and in words a user can act on, when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            raise AssistantError(f"port {port} is in use; try ./run serve --port {port + 1}") from None


def build_index_in_child(settings: Settings) -> None:
    """Build or check the index in a child process, so this serving process never imports
    torch (the child loads the model only when the index must be built, then exits)."""
    env = dict(os.environ)
    for var, name in ENV.items():
        value = getattr(settings, name)
        env[var] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    r = subprocess.run([sys.executable, "-m", "assistant", "index"], env=env)
    if r.returncode != 0:
        raise AssistantError("the index could not be built (see above)")


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 7860,
          auth_token: str | None = None) -> None:
    """``assistant serve``: build the index if needed (child process), load it once
    (ONNX query path, no torch), then serve until interrupted."""
    from .answering import Assistant

    settings = settings or Settings.from_env()
    token = auth_token or os.environ.get(TOKEN_ENV) or None
    check_port(host, port)
    if warning := exposure_warning(host, token):
        print(f"assistant: {warning}", file=sys.stderr, flush=True)
    print("assistant: checking the index (built in a separate process when needed)…", flush=True)
    build_index_in_child(settings)
    assistant = Assistant(settings)
    print("assistant: loading the index…", flush=True)
    assistant.warm_up()
    app = build_app(assistant)
    # SIGTERM ends the server like Ctrl+C does, so the temp folder is removed at exit.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        _, url, _ = launch(app, host, port, block=False, auth_token=token)
    except OSError as e:  # the port was taken between the check and the start
        raise AssistantError(f"port {port} is in use; try ./run serve --port {port + 1}") from e
    shown = url.rstrip("/") + "/" + (f"?token={token}" if token else "")
    print(f"assistant: serving on {shown} (Ctrl+C to stop)", flush=True)
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("assistant: stopping", flush=True)
    finally:
        app.close()
