"""Helpers for the web UI tests: a free loopback port, a running app, Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
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
def running(assistant) -> Iterator[str]:
    """Build and launch the app for ``assistant`` on a free loopback port; yield its URL."""
    from assistant import web

    app = web.build_app(assistant)
    _, url, _ = web.launch(app, "127.0.0.1", free_port(), block=False, quiet=True)
    try:
        yield url.rstrip("/")
    finally:
        app.close()


def ensure_chromium() -> str | None:
    """Make sure Debian's Chromium is installed (apt-get when missing).

    Returns None when it is there, else the reason it could not be installed, for a skip.
    """
    if os.path.exists(CHROMIUM):
        return None
    if not shutil.which("apt-get"):
        return "no /usr/bin/chromium and no apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"`{' '.join(cmd)}` failed: {e}"
        if r.returncode != 0:
            last = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["(no output)"]
            return f"`{' '.join(cmd)}` failed: {last[0]}"
    return None if os.path.exists(CHROMIUM) else "apt-get ran but /usr/bin/chromium is still missing"


def is_local(url: str) -> bool:
    """Does a request URL stay on this machine (loopback, or data:/blob: in the page)?"""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS
