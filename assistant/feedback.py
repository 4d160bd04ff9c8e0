"""Thumbs up/down on answers, kept as JSON lines next to the index, so the gold set can
grow from real use. Written by the web UI, listed by ``assistant feedback``.

One line per vote: ``{"time", "turn", "vote", "question", "answer", "status", "query",
"confidence", "citations"}``. A later vote on the same turn supersedes the earlier one
(``latest()``); the file itself is append-only.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FILE = "feedback.jsonl"
VOTES = ("up", "down")
MAX_TEXT = 20_000  # a vote cannot grow the file by more than a few tens of kB
_lock = threading.Lock()


def path(index_dir: Path) -> Path:
    """Where the votes for the index in ``index_dir`` are kept."""
    return Path(index_dir) / FILE


def entry(turn: str, vote: str, question: str, answer: dict[str, Any]) -> dict[str, Any]:
    """One vote as stored: the question, the answer's text, status and citations.

    Args:
        turn: the id of the conversation turn voted on.
        vote: ``"up"`` or ``"down"``.
        question: what the user typed.
        answer: ``Answer.to_dict()`` of the answer voted on.
    """
    if vote not in VOTES:
        raise ValueError(f"vote must be one of {', '.join(VOTES)}, not {vote!r}")
    cites = [{k: c.get(k) for k in ("source", "start", "end", "section", "sentences")}
             for c in (answer.get("citations") or [])[:20] if isinstance(c, dict)]
    return {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "turn": str(turn)[:64],
        "vote": vote,
        "question": str(question)[:MAX_TEXT],
        "answer": str(answer.get("text", ""))[:MAX_TEXT],
        "status": str(answer.get("status", "")),
        "query": str(answer.get("query", ""))[:MAX_TEXT],
        "confidence": answer.get("confidence"),
        "citations": cites,
    }


def record(index_dir: Path, item: dict[str, Any]) -> Path:
    """Append one vote (from ``entry()``); one write per line, so lines never interleave."""
    target = path(index_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8", "replace")
    with _lock:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    return target


def read(index_dir: Path) -> list[dict[str, Any]]:
    """Every vote in the file, oldest first; unreadable lines are skipped."""
    try:
        lines = path(index_dir).read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and item.get("vote") in VOTES:
            out.append(item)
    return out


def latest(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last vote of each turn, in the order the turns were first voted on."""
    last: dict[str, dict[str, Any]] = {}
    for item in items:
        key = item.get("turn") or f"line-{len(last)}"
        last.pop(key, None)  # re-insert: order by the latest vote
        last[key] = item
    return list(last.values())


def describe(item: dict[str, Any], width: int = 100) -> str:
    """One vote for a terminal: time, vote, status, the question and the start of the answer."""
    def clip(text: str, n: int) -> str:
        text = " ".join(str(text).split())
        return text if len(text) <= n else text[: n - 1] + "…"

    # Printable only: a stored question must not drive the terminal (escape codes).
    safe = lambda s: "".join(ch if ch.isprintable() else "\ufffd" for ch in s)  # noqa: E731
    mark = "+1" if item.get("vote") == "up" else "-1"
    question = clip(safe(item.get("question", "")), width)
    head = f"{item.get('time', '?')}  {mark}  {item.get('status', '?'):<11}  {question}"
    return f"{head}\n    {clip(safe(item.get('answer', '')), width)}"
