"""The index a running process answers from, kept in step with the corpus.

``LiveIndex.get()`` is called once per question and returns the last good index at once.
At most every ``check_interval`` seconds it compares the corpus files' names, sizes and
modification times with what it saw last (a stat per file, no reading). When they
changed and the content did too, it re-indexes incrementally in a background thread
while the old index keeps answering, then swaps the new one in. Each question is
answered from one index, old or new, never a mix.

A stale index that can still answer (the corpus changed, or the ONNX export is missing)
answers at once and says so: nothing is rebuilt in the foreground of a question except
when there is no usable index at all.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref

from .config import Settings
from .corpus import fingerprint, stat_signature
from .embedding import Embedder
from .errors import AssistantError
from .index import Index, inspect, update
from .store import Store

log = logging.getLogger(__name__)

# At exit, a refresh still embedding stops at its next batch (its build folder is removed
# by the next build), so that the interpreter never kills a thread inside torch.
_exiting = threading.Event()
_running: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
EXIT_WAIT_SECONDS = 60


class _Exiting(Exception):
    """Raised inside a background build when the process is exiting."""


@atexit.register
def _stop_refreshes() -> None:
    _exiting.set()
    for thread in list(_running):
        thread.join(EXIT_WAIT_SECONDS)


def _report(message: str) -> None:
    """Build lines go to the log; a skipped corpus file is a warning a user sees (once per build)."""
    (log.warning if message.startswith("skipped ") else log.info)("%s", message)


def _progress(done: int, total: int) -> None:
    if _exiting.is_set():
        raise _Exiting()


class LiveIndex:
    """The current index of one process, refreshed when the corpus changes.

    Args:
        settings: corpus and index folders.
        embedder: the model the index is built with.
        background: re-index in a background thread when the corpus changes (a long-running
            process); False only reports the index as stale (``assistant ask``).
        check_interval: seconds between two stat checks of the corpus.
    """

    def __init__(self, settings: Settings, embedder: Embedder, *, background: bool = True,
                 check_interval: float = 1.0) -> None:
        self.settings = settings
        self.embedder = embedder
        self.background = background
        self.check_interval = check_interval
        self.stale = ""  # why the answering index is behind the corpus; "" when it is not
        self._index: Index | None = None
        self._signature: tuple | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def get(self) -> Index:
        """The index to answer the next question from."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = self._open()
        elif time.monotonic() - self._checked >= self.check_interval:
            self._check()
        return self._index

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background refresh to finish; True when none is running any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None

    def _open(self) -> Index:
        signature = stat_signature(self.settings.corpus_dir)  # before reading: a later edit is seen next time
        index, reason = inspect(self.settings, self.embedder)
        if index is None:  # nothing that can answer: build now, whatever it costs
            Store(self.settings.index_dir).claim()  # a foreign folder: one clear error, before anything is said
            log.warning("building the index: %s", reason)
            index, reason = update(self.settings, self.embedder, report=_report)[0], ""
        self._signature, self._checked = signature, time.monotonic()
        if reason:
            self._mark_stale(reason, index)
        return index

    def _check(self) -> None:
        if self._thread is not None or not self._lock.acquire(blocking=False):
            return  # a refresh is running (it is checked again when it ends), or another thread checks
        try:
            self._checked = time.monotonic()
            try:
                signature = stat_signature(self.settings.corpus_dir)
                if signature == self._signature:
                    return
                self._signature = signature
                changed = fingerprint(self.settings.corpus_dir, self.settings.max_file_bytes)
            except (AssistantError, OSError) as e:  # the corpus folder went away: keep answering
                self._report_stale(f"the corpus cannot be read ({e}); answering from the last good index")
                return
            assert self._index is not None
            if changed != self._index.manifest.get("corpus"):
                self._mark_stale("index is stale: corpus files changed", self._index)
            elif self.stale.startswith("the corpus cannot be read"):
                self.stale = ""
        finally:
            self._lock.release()

    def _mark_stale(self, reason: str, index: Index) -> None:
        built = index.manifest.get("built_at", "earlier")
        then = "updating it in the background" if self.background else "run `assistant index` to update it"
        self._report_stale(f"{reason}; answering from the index built {built} ({then})")
        if self.background and self._thread is None:
            self._thread = threading.Thread(target=self._refresh, name="index-refresh", daemon=True)
            _running.add(self._thread)
            self._thread.start()

    def _report_stale(self, message: str) -> None:
        if message != self.stale:
            log.warning("%s", message)
        self.stale = message

    def _refresh(self) -> None:
        try:
            index = update(self.settings, self.embedder, progress=_progress, report=_report)[0]
        except _Exiting:
            return
        except Exception as e:  # noqa: BLE001 - a background thread must not die silently
            log.warning("the index could not be updated (%s); still answering from the last good index", e)
            self.stale = f"{self.stale.split(';')[0]}; updating failed: {e}"
        else:
            self._index, self.stale = index, ""
            log.info("index updated: %s", index.folder)
        finally:
            self._checked = 0.0  # check again at once: the corpus may have changed during the build
            self._thread = None
