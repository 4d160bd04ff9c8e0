"""Command line: `assistant index | ask | eval | serve | feedback`. Thin: every answer comes from answer().

Heavy modules are imported inside each command, so `assistant --help` stays light.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from .config import MODES


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="Cited answers from the Nissan strategy article.")
    p.add_argument("--corpus", help="corpus folder (default: the repository's corpus/, or $ASSISTANT_CORPUS_DIR)")
    p.add_argument("--index-dir", help="index folder (default: the repository's index/, or $ASSISTANT_INDEX_DIR)")
    p.add_argument("--model", help="sentence-transformers model name or path (default: bundled all-MiniLM-L6-v2)")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ix = sub.add_parser("index", help="build the index; files unchanged since the last one keep their vectors")
    ix.add_argument("--full", action="store_true", help="re-embed every file")

    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the full Answer as JSON")
    ask.add_argument("--mode", choices=MODES, help="retrieval mode (default: hybrid)")

    ev = sub.add_parser("eval", help="evaluate on the gold question sets (5-fold cross-validation on the "
                                     "blind-written tuning pool)")
    ev.add_argument("--gold", choices=("blind", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "legacy"),
                    default="blind",
                    help="blind: the blind-written tuning pool (sets blind and fresh), 5-fold CV (default); "
                         "fresh2 to fresh6: blind questions never fitted on and never read; "
                         "legacy: the older one-writer set")
    ev.add_argument("--mode", choices=MODES + ("all",), default="all")
    ev.add_argument("--json", default="artifacts/eval.json", help="where to write full results (default: %(default)s)")
    ev.add_argument("--plot", nargs="?", const="artifacts/eval.png", help="also write a PNG chart")
    ev.add_argument("--calibrate", metavar="PATH",
                    help="first fit the answerability calibration on the whole tuning pool and save it to PATH "
                         "(in a checkout, assistant/calibration.json is the shipped one)")

    srv = sub.add_parser("serve", help="start the web UI (builds the index first if needed)")
    srv.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default: %(default)s, this machine only)")
    srv.add_argument("--port", type=int, default=7860)
    srv.add_argument("--auth-token", help="require this token on every request (default: $ASSISTANT_AUTH_TOKEN; "
                     "none). Browsers open http://HOST:PORT/?token=TOKEN once; API clients send "
                     "'Authorization: Bearer TOKEN'")

    fb = sub.add_parser("feedback", help="list the thumbs up/down given in the web UI (latest vote per answer)")
    fb.add_argument("--json", action="store_true", help="print every stored vote as JSON lines")
    return p


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (escape sequences that could clear
    the screen or retitle the window) are shown as ``\\x1b``-style escapes; newlines stay."""
    if text.isprintable():
        return text
    return "\n".join("".join(c if c.isprintable() or c == "\t" else c.encode("unicode_escape").decode("ascii")
                              for c in line) for line in text.split("\n"))


class _PrintableFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        """The record formatted as usual, with control characters escaped."""
        return printable(super().format(record))


def say(message: str = "", file=None) -> None:
    """Print a line built from names or text the user does not control, escaped."""
    print(printable(message), file=file or sys.stdout, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the ``assistant`` command line; errors become one line on stderr, not a traceback.

    Args:
        argv: the arguments after the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit code: 0 on success, 1 on an error, 130 when interrupted, 141 on a closed pipe.
    """
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PrintableFormatter("assistant: %(message)s"))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler])
    from .errors import AssistantError

    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at exit
        return code
    except BrokenPipeError:  # `assistant ask ... | head -c 10`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141  # what a process killed by SIGPIPE reports to the shell
    except AssistantError as e:
        say(f"assistant: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        say(f"assistant: unexpected error ({type(e).__name__}: {e}); rerun with -v for details", file=sys.stderr)
        if args.verbose:
            raise
        return 1


def _settings(args):
    from .config import Settings

    return Settings.from_env(corpus_dir=args.corpus, index_dir=args.index_dir, model=args.model)


def _run(args) -> int:
    if args.command == "index":
        return _index(args)
    if args.command == "ask":
        from .answering import Assistant

        # A stale index answers at once (and says so); `assistant index` does the rebuilding.
        a = Assistant(_settings(args), refresh=False).answer(args.question, mode=args.mode)
        if a.error and not args.json:
            say(f"assistant: {a.error}", file=sys.stderr)
            return 1
        print(json.dumps(a.to_dict(), indent=2, ensure_ascii=True) if args.json else printable(render(a)))
        return 1 if a.error else 0
    if args.command == "eval":
        from .report import run_eval

        return run_eval(_settings(args), args)
    if args.command == "serve":
        from .web import serve

        serve(_settings(args), host=args.host, port=args.port, auth_token=args.auth_token)
        return 0
    if args.command == "feedback":
        from . import feedback

        folder = _settings(args).index_dir
        items = feedback.read(folder)
        if args.json:
            for item in items:
                print(json.dumps(item, ensure_ascii=False))
            return 0
        if not items:
            print(f"no feedback yet ({feedback.path(folder)} does not exist or is empty)")
            return 0
        latest = feedback.latest(items)
        ups = sum(i["vote"] == "up" for i in latest)
        print(f"{len(latest)} answers voted on ({ups} up, {len(latest) - ups} down), from {feedback.path(folder)}:\n")
        for item in latest:
            print(feedback.describe(item))
        return 0
    raise AssertionError(args.command)


def _index(args) -> int:
    """``assistant index``: rebuild if stale, with progress; say what the queries will use."""
    from .embedding import SentenceTransformerEmbedder
    from .index import update

    settings = _settings(args)
    embedder = SentenceTransformerEmbedder(settings.model)
    index, reason = update(settings, embedder, full=args.full, progress=_progress(), report=say)
    if not reason:
        say(f"index is up to date ({len(index.chunks)} passages): {index.folder}")
        for source, why in (index.manifest.get("unreadable") or {}).items():
            say(f"skipped {source}: {why}", file=sys.stderr)
    onnx = index.manifest.get("onnx") or {}
    if settings.onnx and "probe_vector" not in onnx:
        say(f"note: queries will use torch, slower to start (no ONNX export: {onnx.get('error', 'none')})",
            file=sys.stderr)
    return 0


def _progress():
    """A progress line on stderr: rewritten in place on a terminal, every 10% otherwise."""
    tty = sys.stderr.isatty()
    last = [-1]

    def show(done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if tty:
            end = "\n" if done >= total else ""
            print(f"\rembedding: {done:,}/{total:,} texts ({pct}%)", end=end, file=sys.stderr, flush=True)
        elif pct // 10 > last[0] or done >= total:
            last[0] = pct // 10
            print(f"embedding: {done:,}/{total:,} texts ({pct}%)", file=sys.stderr, flush=True)

    return show


STATUS_LINES = {
    "answered": "Answered from the article",
    "partial": "Partly covered: the article touches on this but may not answer it exactly",
    "not_covered": "Not covered by the article",
    "refused": "Not a question about the article",
    "empty": "No question",
    "error": "The assistant could not answer",
}


def status_line(a) -> str:
    """The first line of an answer in a terminal: what kind of answer it is, and how sure."""
    from .render import LOW_CONFIDENCE

    line = f"[{STATUS_LINES.get(a.status, a.status)}"
    if a.status in ("answered", "partial", "not_covered"):
        line += f", confidence {a.confidence:.2f}"
    if a.status == "answered" and a.confidence < LOW_CONFIDENCE:
        line += ": LOW, check the quoted sentences"
    return line + "]"


def render(a) -> str:
    """An Answer for a terminal: its status, the text, then its numbered sources."""
    lines = [status_line(a), ""]
    lines += [a.notice, ""] if a.notice else []
    lines.append(a.text)
    sources = a.citations or a.closest
    if sources:
        lines += ["", "Closest passages (not an answer):" if not a.citations
                  else "Closest quotes (they may not answer it exactly):" if a.status == "partial" else "Sources:"]
        for n, c in enumerate(sources, 1):
            where = f"{c.source}:{c.start}-{c.end}" + (f", “{c.section}”" if c.section else "")
            lines.append(f"[{n}] {where} (score {c.score:.2f})")
            lines.append(f"    {c.text}")
    return "\n".join(lines).replace("\n\n\n", "\n\n")


if __name__ == "__main__":
    sys.exit(main())
