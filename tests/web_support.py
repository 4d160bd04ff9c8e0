"""Helpers for the web UI tests: a free loopback port, a running app, Debian's Chromium,
axe-core, and test doubles of the assistant."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(assistant, *, auth_token: str | None = None, **build) -> Iterator[str]:
    """Build and launch the app for ``assistant`` on a free loopback port; yield its URL.

    ``build`` goes to ``web.build_app`` (e.g. ``per_client``, ``feedback_dir``).
    """
    from assistant import web

    app = web.build_app(assistant, **build)
    _, url, _ = web.launch(app, "127.0.0.1", free_port(), block=False, auth_token=auth_token)
    try:
        yield url.rstrip("/")
    finally:
        app.close()


def chromium_missing() -> str | None:
    """None when Debian's Chromium is there; else why not, for a skip.

    It is installed by ``scripts/setup.sh test`` (what ``./run test`` runs), not here.
    """
    if os.path.exists(CHROMIUM):
        return None
    return f"{CHROMIUM} is missing: `./run test` (scripts/setup.sh test) installs it with apt-get"


def is_local(url: str) -> bool:
    """Does a request URL stay on this machine (loopback, or data:/blob: in the page)?"""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each (rule, nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in found if v.get("impact") in ("serious", "critical")]


class Scripted:
    """The real (or fake) assistant, except for questions a test scripts: a ``partial``
    answer (not produced by answer() yet), an ``error`` answer, and an optional delay, so a
    browser test can show every state and send a question while another is answered."""

    PARTIAL = "Does the new LEAF charge faster than the old one?"
    LOW = "Who will lead Nissan, roughly?"  # answered, with a confidence under render.LOW_CONFIDENCE
    ERROR = "Make the assistant fail, please"

    def __init__(self, inner) -> None:
        self.inner = inner
        self.settings = inner.settings
        self.delay = 0.0

    def answer(self, question, history=None, **options):
        from assistant.records import Answer

        if self.delay:
            time.sleep(self.delay)
        if question == self.ERROR:
            return Answer("Sorry, the assistant cannot answer right now: index exploded", False, question,
                          error="index exploded", status="error")
        if question == self.LOW:
            a = self.inner.answer("Who is Nissan's incoming CEO?")
            a.confidence = 0.55
            return a
        a = self.inner.answer(question, history, **options)
        if question == self.PARTIAL:
            near = self.inner.answer("Which charging network will the new LEAF be compatible with?")
            return Answer("The article does not say exactly; the closest it comes is this:\n\n> "
                          + near.citations[0].text[near.citations[0].sentences[0][0] - near.citations[0].start:
                                                   near.citations[0].sentences[0][1] - near.citations[0].start]
                          + " [1]", False, a.query, citations=near.citations[:1], confidence=0.42,
                          status="partial", timings_ms=a.timings_ms)
        return a
