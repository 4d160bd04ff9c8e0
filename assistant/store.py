"""The versioned index store: the one module that writes, locks and deletes in the index folder.

Layout of ``index_dir``:

* ``.assistant-index``: the store marker. A folder that holds anything else and no marker
  is refused, with nothing written into it.
* ``current``: a symlink to the live version, swapped in one rename, so a reader sees the
  old version or the new one, never a mix.
* ``v<time_ns>-<pid>-<random>/``: one version, with a ``.assistant-version`` marker that
  names the folder it lives in, a ``manifest.json`` written last, and the index files.
* ``.build-<pid>-<random>/``: a build being written, with a ``.assistant-build`` marker.
* ``.lock``: the writer lock (``filelock``): one build saves at a time, across processes.

What is deleted is proven, never guessed: a folder goes only when its own marker names
it. A ``.build-*`` folder seen while holding the writer lock has lost its owner (a live
owner would hold the lock), so it is removed. A version is removed once it stopped being
current more than ``KEEP_RETIRED_SECONDS`` ago and no reader holds its shared lock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from .corpus import sha256_file
from .errors import IndexLoadError, StoreError

log = logging.getLogger(__name__)

STORE_MARKER = ".assistant-index"
VERSION_MARKER = ".assistant-version"
BUILD_MARKER = ".assistant-build"
MARKERS = (VERSION_MARKER, BUILD_MARKER)
LOCK = ".lock"
CURRENT = "current"
MANIFEST = "manifest.json"
KEEP_RETIRED_SECONDS = 60  # a replaced version stays this long for readers that resolved it just before

_VERSION = re.compile(r"v\d+-\d+-[0-9a-f]{12}")
_BUILD = re.compile(r"\.build-\d+-[0-9a-f]{12}")
_LINK = re.compile(r"\.link-\d+-[0-9a-f]{12}")
_LEGACY_VERSION = re.compile(r"v\d+-\d+")  # format 1, before markers: adopted only with a manifest
_LEGACY_BUILD = re.compile(r"\.(build|link)-\d+-\d+")
_IGNORED = {".gitignore"}  # the checkout's index/ ships one; it is left alone


def _token() -> str:
    return secrets.token_hex(6)


def _names_itself(folder: Path, marker: str) -> bool:
    """True when ``folder`` is a real folder whose ``marker`` file names it: proof this store made it."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return False
        return (folder / marker).read_text(encoding="utf-8").split("\n", 1)[0] == folder.name
    except (OSError, UnicodeDecodeError):
        return False


def _build_marker_text(folder: Path) -> str:
    """What ``Store.new_build`` writes into a build's marker (its pid is in its name)."""
    return f"{folder.name}\npid {folder.name.split('-')[1]}\n"


def _half_marked(folder: Path) -> bool:
    """True when a build folder holds only its marker, cut short while being written (a
    kill between creating the file and writing it): the text is a start of what
    ``Store.new_build`` writes for that very folder, so this store made it."""
    try:
        if [c.name for c in folder.iterdir()] != [BUILD_MARKER]:
            return False
        text = (folder / BUILD_MARKER).read_text(encoding="utf-8")
        return _build_marker_text(folder).startswith(text)
    except (OSError, UnicodeDecodeError):
        return False


def _remove(folder: Path, marker: str) -> None:
    """Delete a folder this store made, its marker last, so that an interrupted delete
    leaves a folder that is still recognised (and finished next time)."""
    for child in folder.iterdir():
        if child.name == marker:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (folder / marker).unlink()
    folder.rmdir()


def _legacy(path: Path) -> bool:
    """Left by the format-1 store, which had no markers: recognised by its exact shape."""
    name = path.name
    if name == LOCK:
        return path.is_file() and not path.is_symlink()
    if name == CURRENT:
        return path.is_symlink() and _LEGACY_VERSION.fullmatch(os.readlink(path)) is not None
    if _LEGACY_VERSION.fullmatch(name):
        return path.is_dir() and (path / MANIFEST).is_file()
    return _LEGACY_BUILD.fullmatch(name) is not None


def _shown(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(repr(n) for n in sorted(names)[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


class Store:
    """The index folder ``root``: versions, the ``current`` pointer, locks and clean-up.

    Args:
        root: the index folder; created when missing.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ---- ownership ---------------------------------------------------------------------

    def claim(self) -> None:
        """Make ``root`` a store, or check that it is one.

        Raises:
            StoreError: ``root`` is a file, or a folder holding things this program did not
                make (nothing is written into it then).
        """
        root = self.root
        if (root / STORE_MARKER).is_file():
            return
        if root.exists() and not root.is_dir():
            raise StoreError(f"index folder {root} is a file: choose a new or empty folder with --index-dir")
        root.mkdir(parents=True, exist_ok=True)
        entries = list(root.iterdir())
        others = [p.name for p in entries if p.name not in _IGNORED and not _legacy(p)]
        if others:
            raise StoreError(f"index folder {root} holds files that are not an index ({_shown(others)}): "
                             "choose a new or empty folder with --index-dir; nothing was changed")
        for p in entries:  # adopt the format-1 layout: its versions get the marker they lacked
            if _LEGACY_VERSION.fullmatch(p.name) and p.is_dir() and not p.is_symlink():
                (p / VERSION_MARKER).write_text(p.name + "\n", encoding="utf-8")
        (root / STORE_MARKER).write_text(json.dumps({"store": "nissan-assistant index", "layout": 2}) + "\n",
                                         encoding="utf-8")

    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the store's writer lock (reentrant in one thread; other threads and processes wait)."""
        from filelock import FileLock

        self.claim()
        with FileLock(str(self.root / LOCK), is_singleton=True):
            yield

    # ---- versions ----------------------------------------------------------------------

    def current(self) -> Path | None:
        """The folder ``current`` points at, or None when there is no index yet."""
        link = self.root / CURRENT
        if not link.is_symlink():
            return None
        target = os.readlink(link)
        if "/" in target or os.sep in target or not (_VERSION.fullmatch(target) or _LEGACY_VERSION.fullmatch(target)):
            return None  # not a pointer this store wrote
        return self.root / target

    def new_build(self) -> Path:
        """A fresh, marked ``.build-*`` folder to write a version into (hold ``writer()``).

        Raises:
            StoreError: ``current`` is a file or folder this program did not make.
        """
        self._check_current()
        self.clean()
        folder = self.root / f".build-{os.getpid()}-{_token()}"
        folder.mkdir()
        (folder / BUILD_MARKER).write_text(_build_marker_text(folder), encoding="utf-8")
        return folder

    def discard(self, build: Path) -> None:
        """Remove a build folder this process gave up on."""
        if _names_itself(build, BUILD_MARKER):
            with contextlib.suppress(OSError):
                _remove(build, BUILD_MARKER)

    def commit(self, build: Path) -> Path:
        """Turn a finished build into a version and make it current (hold ``writer()``).

        Raises:
            StoreError: ``current`` is a file or folder this program did not make; the new
                version is kept beside it and nothing is overwritten.
        """
        name = f"v{time.time_ns()}-{os.getpid()}-{_token()}"
        (build / VERSION_MARKER).write_text(name + "\n", encoding="utf-8")
        version = self.root / name
        os.replace(build, version)  # a fresh random name: nothing can be in the way
        (version / BUILD_MARKER).unlink()
        previous = self.current()
        self._point_current_at(version)
        if previous is not None and previous != version:
            with contextlib.suppress(OSError):  # its retirement starts now
                os.utime(previous / VERSION_MARKER)
        self.clean()
        return version

    def _check_current(self) -> None:
        current = self.root / CURRENT
        if (current.exists() or current.is_symlink()) and self.current() is None:
            raise StoreError(f"{current} was not made by this program, so it is not replaced: "
                             "move it away, or choose another folder with --index-dir")

    def _point_current_at(self, version: Path) -> None:
        self._check_current()
        link = self.root / f".link-{os.getpid()}-{_token()}"
        os.symlink(version.name, link)
        os.replace(link, self.root / CURRENT)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Path]:
        """The current version's folder, share-locked while the caller reads it, so that
        clean-up cannot delete it under a reader.

        Raises:
            IndexLoadError: there is no index yet.
        """
        for _ in range(5):
            folder = self.current()
            if folder is None:
                raise IndexLoadError(f"no index at {self.root}")
            fd = _share(folder / VERSION_MARKER)
            try:
                if fd is None or os.fstat(fd).st_nlink > 0:  # not deleted between resolving and locking
                    yield folder
                    return
            finally:
                if fd is not None:
                    os.close(fd)
        raise IndexLoadError(f"the index at {self.root} kept changing while it was read; try again")

    # ---- clean-up ----------------------------------------------------------------------

    def clean(self) -> list[str]:
        """Remove what this store made and nobody needs any more (hold ``writer()``):
        builds whose owner is gone, versions retired long enough ago and not being read,
        and pointer links left by a crash. Returns the names removed."""
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        current = self.current()
        cutoff = time.time() - KEEP_RETIRED_SECONDS
        for p in self.root.iterdir():
            try:
                if _BUILD.fullmatch(p.name) and p.is_dir() and not p.is_symlink():
                    if _names_itself(p, BUILD_MARKER):
                        _remove(p, BUILD_MARKER)
                    elif not any(p.iterdir()):  # killed between mkdir and marker: empty, nothing lost
                        p.rmdir()
                    elif _half_marked(p):  # killed while writing the marker: nothing else in it
                        (p / BUILD_MARKER).unlink()
                        p.rmdir()
                    else:
                        continue
                elif _LINK.fullmatch(p.name) and p.is_symlink():
                    p.unlink()
                elif p != current and _names_itself(p, VERSION_MARKER):
                    if (p / VERSION_MARKER).stat().st_mtime >= cutoff or not _delete_unread(p):
                        continue
                else:
                    continue
                removed.append(p.name)
            except OSError as e:  # one stubborn folder does not stop the rest
                log.warning("could not remove %s: %s", p, e)
        if removed:
            log.info("index clean-up removed %s", _shown(removed))
        return removed


def _share(marker: Path) -> int | None:
    """A descriptor holding a shared lock on a version's marker (None without one to lock)."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks: retirement by age alone protects readers
        return None
    try:
        fd = os.open(marker, os.O_RDONLY)
    except FileNotFoundError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def _delete_unread(version: Path) -> bool:
    """Delete ``version`` if no reader holds its shared lock; True when it was deleted."""
    try:
        import fcntl
    except ImportError:
        _remove(version, VERSION_MARKER)
        return True
    fd = os.open(version / VERSION_MARKER, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a reader is loading it: next time
        _remove(version, VERSION_MARKER)
        return True
    finally:
        os.close(fd)


# ---- manifest and checksums ------------------------------------------------------------




def checksums(folder: Path) -> dict[str, str]:
    """The sha256 of every index file in ``folder`` (markers and the manifest aside)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        name = p.relative_to(folder).as_posix()
        if p.is_file() and name != MANIFEST and name not in MARKERS:
            out[name] = sha256_file(p)
    return out


def write_manifest(folder: Path, manifest: dict) -> dict:
    """Add the files' checksums and write ``manifest.json``, last: a folder without one never loads."""
    manifest = manifest | {"files": checksums(folder)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict:
    """The manifest of a version.

    Raises:
        IndexLoadError: it is missing or unreadable.
    """
    path = folder / MANIFEST
    if not path.is_file():
        raise IndexLoadError(f"no index at {folder}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexLoadError(f"index is corrupt: its manifest cannot be read ({type(e).__name__})") from None
    if not isinstance(manifest, dict):
        raise IndexLoadError("index is corrupt: its manifest is not an object")
    return manifest


def damaged(folder: Path, manifest: dict) -> list[str]:
    """The files that are missing, extra, or differ from their recorded checksum."""
    want = manifest.get("files")
    if not isinstance(want, dict):
        return ["manifest.json"]
    have = checksums(folder)
    return sorted(n for n in set(want) | set(have) if want.get(n) != have.get(n))
