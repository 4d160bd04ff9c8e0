"""Command line: `assistant index | ask | eval | serve | feedback`. Thin: every answer comes from answer().

Heavy modules are imported inside each command, so `assistant --help` stays light.
"""

from __future__ import annotations

import argparse
import json
import logging
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

    ev = sub.add_parser("eval", help="evaluate on the gold question sets (5-fold cross-validation on the blind set)")
    ev.add_argument("--gold", choices=("blind", "legacy"), default="blind",
                    help="blind: the blind-written set, 5-fold CV (default); legacy: the older one-writer set")
    ev.add_argument("--mode", choices=MODES + ("all",), default="all")
    ev.add_argument("--json", default="artifacts/eval.json", help="where to write full results (default: %(default)s)")
    ev.add_argument("--plot", nargs="?", const="artifacts/eval.png", help="also write a PNG chart")
    ev.add_argument("--calibrate", metavar="PATH",
                    help="first fit the answerability calibration on the whole blind set and save it to PATH "
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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="assistant: %(message)s", stream=sys.stderr)
    from .errors import AssistantError

    try:
        return _run(args)
    except AssistantError as e:
        print(f"assistant: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # the last line of defence: one line, never a traceback
        print(f"assistant: unexpected error ({type(e).__name__}: {e}); rerun with -v for details", file=sys.stderr)
        if args.verbose:
            raise
        return 1


def _settings(args):
    from .config import Settings

    return Settings.from_env(corpus_dir=args.corpus, index_dir=args.index_dir, model=args.model)


def _run(args) -> int:
    if args.command == "index":
        from .embedding import SentenceTransformerEmbedder
        from .errors import IndexLoadError
        from .index import build, load, reusable

        settings = _settings(args)
        embedder = SentenceTransformerEmbedder(settings.model)
        if not args.full:
            try:
                current = load(settings, embedder)
                print(f"index is up to date ({len(current.chunks)} passages): {current.folder}")
                return 0
            except IndexLoadError as e:
                print(f"updating the index: {e}")
        previous = None if args.full else reusable(settings, embedder)
        _, bad = build(settings, embedder, progress=True, report=print, previous=previous)
        for b in bad:
            print(f"skipped {b.source}: {b.reason}", file=sys.stderr)
        return 0
    if args.command == "ask":
        from .answering import Assistant

        a = Assistant(_settings(args)).answer(args.question, mode=args.mode)
        if a.error and not args.json:
            print(f"assistant: {a.error}", file=sys.stderr)
            return 1
        print(json.dumps(a.to_dict(), indent=2, ensure_ascii=False) if args.json else render(a))
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
