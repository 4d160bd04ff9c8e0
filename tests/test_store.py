"""The index store loses nothing: user files beside it, crashes, kills, full disks, readers."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assistant import index as index_mod
from assistant import store as store_mod
from assistant.config import ROOT
from assistant.errors import AssistantError, IndexLoadError, StoreError
from assistant.index import CURRENT, build, load, load_or_build, update
from assistant.store import Store

from .conftest import HashingEmbedder


def _aged(path: Path, days: float = 2) -> None:
    t = time.time() - days * 86400
    os.utime(path, (t, t))


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for a folder)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


# ---- point 1: the store deletes only what it made ------------------------------------


def test_a_folder_holding_user_files_is_refused_and_left_untouched(settings):
    """The old clean-up deleted every v* folder older than 60 s in --index-dir."""
    home = settings.index_dir
    for name in ("venv", "vacation_photos", "v1-notes"):
        (home / name).mkdir(parents=True)
        (home / name / "keep.txt").write_text(f"{name} matters")
        _aged(home / name)
    before = _tree(home)
    with pytest.raises(StoreError, match="not an index.*nothing was changed") as e:
        build(settings, HashingEmbedder())
    assert "\n" not in str(e.value)
    assert _tree(home) == before


def test_user_folders_named_like_versions_beside_a_store_survive_every_clean_up(settings, monkeypatch):
    monkeypatch.setattr(store_mod, "KEEP_RETIRED_SECONDS", 0)
    emb = HashingEmbedder()
    build(settings, emb)
    home = settings.index_dir
    for name in ("v1", "v123-456", "vacation", "v1795599527300536707-16104-f62fd04b334e", ".build-1-abcdefabcdef"):
        (home / name).mkdir()
        (home / name / "photo.jpg").write_bytes(b"\xff\xd8 mine")
        _aged(home / name)
    for _ in range(3):
        build(settings, emb)
    for name in ("v1", "v123-456", "vacation", "v1795599527300536707-16104-f62fd04b334e", ".build-1-abcdefabcdef"):
        assert (home / name / "photo.jpg").read_bytes() == b"\xff\xd8 mine", name
    versions = [p for p in home.iterdir() if not p.is_symlink() and (p / store_mod.VERSION_MARKER).is_file()]
    assert versions == [(home / CURRENT).resolve()]  # our retired versions did go


@pytest.mark.parametrize("kind", ["file", "folder", "foreign link"])
def test_a_user_entry_named_current_is_never_replaced(settings, tmp_path, kind):
    emb = HashingEmbedder()
    build(settings, emb)
    current = settings.index_dir / CURRENT
    current.unlink()
    if kind == "file":
        current.write_text("my notes")
    elif kind == "folder":
        current.mkdir()
        (current / "manifest.json").write_text("{}")
    else:
        (tmp_path / "elsewhere").mkdir()
        os.symlink(tmp_path / "elsewhere", current)
    before = _tree(settings.index_dir)
    with pytest.raises(StoreError, match="not made by this program"):
        build(settings, emb)
    assert _tree(settings.index_dir) == before


def test_a_fresh_folder_with_only_a_gitignore_is_accepted(settings):
    settings.index_dir.mkdir()
    (settings.index_dir / ".gitignore").write_text("*\n")
    build(settings, HashingEmbedder())
    assert (settings.index_dir / ".gitignore").read_text() == "*\n"


def test_the_cli_refuses_a_foreign_index_folder_in_one_line(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"jpg")
    r = subprocess.run([sys.executable, "-m", "assistant", "--index-dir", str(tmp_path), "index"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "not an index" in r.stderr
    assert (tmp_path / "photos" / "a.jpg").read_bytes() == b"jpg"


# ---- point 5: leftovers and readers ----------------------------------------------------


def test_a_build_folder_whose_owner_died_is_removed_by_the_next_build(settings):
    emb = HashingEmbedder()
    build(settings, emb)
    store = Store(settings.index_dir)
    with store.writer():
        orphan = store.new_build()  # as a killed process leaves it
    (orphan / "chunks.jsonl").write_text("half")
    empty = settings.index_dir / ".build-99999-0123456789ab"
    empty.mkdir()  # killed between mkdir and the marker
    # killed while writing the marker (CI once kept one of these for good: the kill-9 test failed)
    cut = settings.index_dir / ".build-99998-0123456789ab"
    cut.mkdir()
    (cut / ".assistant-build").write_text(".build-99998-01")
    blank = settings.index_dir / ".build-99997-0123456789ab"
    blank.mkdir()
    (blank / ".assistant-build").write_text("")
    # a marker naming another folder is no proof: kept
    other = settings.index_dir / ".build-99996-0123456789ab"
    other.mkdir()
    (other / ".assistant-build").write_text(".build-1-")
    build(settings, emb)
    assert not orphan.exists() and not empty.exists() and not cut.exists() and not blank.exists()
    assert (other / ".assistant-build").is_file()


def test_an_old_version_is_kept_while_a_reader_holds_it_and_removed_after(settings, monkeypatch):
    monkeypatch.setattr(store_mod, "KEEP_RETIRED_SECONDS", 0)
    emb = HashingEmbedder()
    first = build(settings, emb)[0].folder
    store = Store(settings.index_dir)
    with store.reading() as folder:  # a reader resolved the first version and is loading it
        assert folder == first
        build(settings, emb)
        assert first.is_dir() and (first / "chunks.jsonl").is_file()
    build(settings, emb)
    assert not first.exists()


def test_a_version_stays_for_a_while_after_it_stops_being_current(settings):
    """Retirement starts when a version stops being current, not when it was built."""
    emb = HashingEmbedder()
    first = build(settings, emb)[0].folder
    _aged(first / store_mod.VERSION_MARKER, days=1)  # built long ago...
    build(settings, emb)  # ...but only retired now
    assert first.is_dir()


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from assistant import index, store
    from assistant.config import Settings
    from tests.conftest import HashingEmbedder

    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)

    at = {at!r}  # "" for a random moment chosen by the parent, else a moment inside the save
    if at == "bm25":
        index.Lexical.save = die
    elif at == "commit":
        store.Store.commit = die
    elif at == "swap":
        store.Store._point_current_at = die
    settings = Settings(corpus_dir=Path({corpus!r}), index_dir=Path({index!r}), onnx=False)
    print("ready", flush=True)
    while True:
        index.build(settings, HashingEmbedder())
""")


def test_kill_9_at_random_moments_during_builds_leaves_no_leftovers(settings, corpus_dir, monkeypatch):
    article = (corpus_dir / "nissan-strategy-honda-talks.txt").read_text()
    for i in range(12):  # a build long enough to be killed in every phase
        (corpus_dir / f"copy-{i}.txt").write_text(article.replace("Nissan", f"Nissan{i}"))
    settings = settings.with_(onnx=False)
    emb = HashingEmbedder()
    build(settings, emb)
    rng = random.Random(9)
    moments = [""] * 12 + ["bm25", "commit", "swap"]
    left = {}
    for at in moments:
        script = KILL_SCRIPT.format(root=str(ROOT), corpus=str(corpus_dir), index=str(settings.index_dir), at=at)
        p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=ROOT)
        assert p.stdout is not None and p.stdout.readline().strip() == b"ready"
        if not at:
            time.sleep(rng.uniform(0.0, 1.5))
            p.send_signal(signal.SIGKILL)
        assert p.wait(timeout=60) == -signal.SIGKILL
        left[at] = sorted(n.name for n in settings.index_dir.iterdir() if n.name.startswith((".build-", "v")))
        assert len(load(settings, emb).chunks) > 0  # every kill leaves a loadable index
    assert len(moments) >= 10
    assert any(n.startswith(".build-") for n in left["bm25"] + left["commit"])  # the kills did leave debris
    monkeypatch.setattr(store_mod, "KEEP_RETIRED_SECONDS", 0)
    build(settings, emb)  # the next build clears what the killed ones left
    names = sorted(p.name for p in settings.index_dir.iterdir())
    current = (settings.index_dir / CURRENT).resolve().name
    assert names == sorted([store_mod.STORE_MARKER, store_mod.LOCK, CURRENT, current]), names


# ---- point 4: every file corrupted three ways -------------------------------------------


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flip":
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes(b ^ 0xFF for b in data[mid : mid + 16]) + data[mid + 16 :])
    else:
        path.unlink()


INDEX_FILES = ["manifest.json", "chunks.jsonl", "passages.faiss", "sentences.npy",
               "bm25_passages/params.index.json", "bm25_passages/vocab.index.json",
               "bm25_passages/data.csc.index.npy", "bm25_sentences/indices.csc.index.npy",
               "bm25_sentences/indptr.csc.index.npy"]


@pytest.mark.parametrize("how", ["truncate", "flip", "delete"])
@pytest.mark.parametrize("victim", INDEX_FILES)
def test_every_index_file_damaged_is_detected_and_rebuilt(settings, victim, how):
    emb = HashingEmbedder()
    good = build(settings, emb)[0]
    path = settings.index_dir / CURRENT / victim
    assert path.is_file(), sorted(good.manifest["files"])
    _damage(path, how)
    with pytest.raises(IndexLoadError):
        load(settings, emb)
    idx = load_or_build(settings, emb)
    assert idx.chunks == good.chunks and load(settings, emb).chunks == good.chunks


def test_the_list_of_damaged_files_covers_every_file_an_index_has(settings):
    build(settings, HashingEmbedder())
    files = set(json.loads((settings.index_dir / CURRENT / "manifest.json").read_text())["files"])
    assert set(INDEX_FILES) - {"manifest.json"} <= files


class ExportingEmbedder(HashingEmbedder):
    """A fake embedder whose 'ONNX export' is three small files, or a full disk."""

    disk_full = False

    def export_onnx(self, folder: Path) -> dict:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("model.onnx", "tokenizer.json", "config.json"):
            if self.disk_full and name == "tokenizer.json":
                raise OSError(errno.ENOSPC, "No space left on device")
            (folder / name).write_bytes(name.encode() * 1000)
        return {"folder": "onnx", "probe_cosine_min": 1.0, "probes": 5}


@pytest.mark.parametrize("how", ["truncate", "flip", "delete"])
@pytest.mark.parametrize("victim", ["model.onnx", "tokenizer.json", "config.json"])
def test_a_damaged_onnx_file_makes_the_index_stale_and_index_repairs_it(settings, victim, how):
    emb = ExportingEmbedder()
    good = build(settings, emb)[0]
    _damage(settings.index_dir / CURRENT / "onnx" / victim, how)
    with pytest.raises(IndexLoadError, match="ONNX export is damaged"):
        load(settings, emb)
    emb.texts.clear()
    idx, reason = update(settings, emb)
    from assistant.onnx_embedding import PROBES

    assert "ONNX export is damaged" in reason
    assert set(emb.texts) <= set(PROBES)  # repaired without re-embedding a passage
    assert load(settings, emb).manifest["files"] == idx.manifest["files"] == good.manifest["files"]


# ---- disk full ------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["faiss", "numpy", "bm25"])
def test_a_full_disk_during_a_build_keeps_the_previous_index_and_leaves_nothing(settings, monkeypatch, where):
    emb = HashingEmbedder()
    first = build(settings, emb)[0]

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "faiss":
        import faiss

        monkeypatch.setattr(faiss, "write_index", full)
    elif where == "numpy":
        monkeypatch.setattr(index_mod.np, "save", full)
    else:
        monkeypatch.setattr(index_mod.Lexical, "save", full)
    with pytest.raises(AssistantError, match="No space left on device.*previous index is kept"):
        build(settings, emb)
    assert load(settings, emb).chunks == first.chunks
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.name.startswith((".build", ".link", "v"))) \
        == [first.folder.name]


def test_a_full_disk_during_the_onnx_export_is_repaired_by_the_next_index(settings):
    emb = ExportingEmbedder()
    emb.disk_full = True
    build(settings, emb)  # the index itself is fine; queries would fall back to torch
    with pytest.raises(IndexLoadError, match="ONNX export failed"):
        load(settings, emb)
    emb.disk_full = False
    _, reason = update(settings, emb)
    assert "ONNX export failed" in reason
    assert "probe_vector" in load(settings, emb).manifest["onnx"]


def test_an_embedder_that_cannot_be_exported_is_not_rebuilt_forever(settings):
    emb = HashingEmbedder()  # no export_onnx at all
    build(settings, emb)
    assert update(settings, emb)[1] == ""  # up to date: nothing to repair


def test_ask_with_a_foreign_index_folder_is_one_line(tmp_path):
    (tmp_path / "photos").mkdir()
    r = subprocess.run([sys.executable, "-m", "assistant", "--index-dir", str(tmp_path), "ask", "Who is the CEO?"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and r.stderr.strip().splitlines() == [r.stderr.strip()]
    assert "not an index" in r.stderr and sorted(p.name for p in tmp_path.iterdir()) == ["photos"]
