"""Build, save and load the index: FAISS vectors, BM25, chunks and a manifest.

On disk, ``index_dir/current`` is a symlink to the live version folder, which holds plain
files:

* ``manifest.json``: format version, model, dimension, chunking settings, the corpus
  fingerprint (sha256 per file) and the sha256 of every other file here;
* ``chunks.jsonl``: one Chunk per line, with its source offsets;
* ``passages.faiss``: normalised passage vectors (inner product = cosine);
* ``sentences.npy``: one normalised vector per sentence, in chunk order;
* ``bm25_passages/``, ``bm25_sentences/``: bm25s indexes;
* ``onnx/``: the model exported for torch-free queries (when export works), with a
  probe vector in the manifest that proves, at load, that it still embeds the same.

A build writes a fresh version folder and swaps the ``current`` symlink onto it in one
atomic rename, so a reader sees the old index or the new one, never a mix, and a crash
never leaves a half-written index that loads. Rebuilds from ``load_or_build`` take a file
lock, so concurrent processes build once. An index whose manifest does not match the
corpus, model or settings, or whose files do not match their checksums, is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .chunking import chunk_document
from .config import Settings
from .corpus import Unreadable, digests, fingerprint, read_corpus
from .embedding import Embedder
from .errors import AssistantError, IndexLoadError
from .lexical import Lexical
from .records import Chunk

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CURRENT = "current"


def embed_text(chunk: Chunk) -> str:
    """What a passage's vector is computed from: its section title gives it context."""
    return f"{chunk.section}: {chunk.text}" if chunk.section else chunk.text


@dataclass
class Index:
    """Everything retrieval needs, loaded in memory."""

    chunks: list[Chunk]
    passages: object  # faiss.Index over passage vectors
    sentence_vectors: np.ndarray  # (n_sentences, dim)
    sentence_rows: list[int]  # chunk i's sentences are rows sentence_rows[i] ... + len
    bm25_passages: Lexical
    bm25_sentences: Lexical
    manifest: dict
    folder: Path | None = None  # where it was loaded from

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])


def expected_manifest(settings: Settings, embedder: Embedder, corpus: dict[str, str] | None = None) -> dict:
    """The manifest fields a usable index must match (``corpus``: the fingerprint, when
    the caller already has it)."""
    return {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "chunking": {"max_chars": settings.max_chunk_chars, "sentence_aware": True},
        "corpus": fingerprint(settings.corpus_dir) if corpus is None else corpus,
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# The ONNX export is checked by size, not hashed on every load: its 90 MB would add a
# quarter second to every cold start, and a probe vector checks it end to end instead.
SIZE_ONLY = "onnx/"


def _files(folder: Path) -> dict[str, str]:
    """A fingerprint of each file: sha256, or its size for the self-checking ONNX export."""
    out = {}
    for p in sorted(folder.rglob("*")):
        name = p.relative_to(folder).as_posix()
        if p.is_file() and name != "manifest.json":
            out[name] = f"size:{p.stat().st_size}" if name.startswith(SIZE_ONLY) else _sha256(p)
    return out


def sentence_rows(chunks: list[Chunk]) -> list[int]:
    rows, n = [], 0
    for c in chunks:
        rows.append(n)
        n += len(c.sentences)
    return rows


def sentence_texts(chunks: list[Chunk]) -> list[str]:
    return [c.text[s - c.start : e - c.start] for c in chunks for s, e in c.sentences]


# Exact search while it is cheap; HNSW beyond. Measured on this 2-core machine with 384-d
# vectors: a flat search takes ~1 ms at 10k passages, ~8 ms at 50k, ~15 ms at 100k (a query
# embedding takes ~3 ms); HNSW (M=32, efConstruction=120, efSearch=256) answers in ~1 ms at
# 100k with recall@10 0.993 against exact search. See benchmarks/scale.py.
EXACT_LIMIT = 20_000
PROGRESS_FROM = 256  # passages to embed before a progress bar is worth showing
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 120, 256


def dense_index(vectors: np.ndarray):
    """A FAISS inner-product index over normalised vectors, its type chosen by size."""
    import faiss

    dim = vectors.shape[1]
    if len(vectors) <= EXACT_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(vectors)
    return index


@dataclass
class _Part:
    """One corpus file's chunks and vectors, embedded now or reused from the last index."""

    chunks: list[Chunk]
    passage_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None


def _reuse(previous: Index | None, corpus: dict[str, str]) -> dict[str, _Part]:
    """The parts of ``previous`` whose files are byte-for-byte unchanged."""
    if previous is None:
        return {}
    old = previous.manifest.get("corpus", {})
    keep = {src for src, digest in corpus.items() if old.get(src) == digest}
    parts: dict[str, _Part] = {}
    pvec = previous.passages.reconstruct_n(0, previous.passages.ntotal) if keep else None
    for c in previous.chunks:
        if c.source in keep:
            part = parts.setdefault(c.source, _Part([], [], []))
            part.chunks.append(c)
            part.passage_vectors.append(pvec[c.id])
            row = previous.sentence_rows[c.id]
            part.sentence_vectors.extend(previous.sentence_vectors[row : row + len(c.sentences)])
    for part in parts.values():
        part.passage_vectors = np.asarray(part.passage_vectors, dtype=np.float32)
        part.sentence_vectors = np.asarray(part.sentence_vectors, dtype=np.float32)
    return parts


def build(
    settings: Settings,
    embedder: Embedder,
    progress: bool = False,
    report: Callable[[str], None] | None = None,
    previous: Index | None = None,
) -> tuple[Index, list[Unreadable]]:
    """Read the corpus, chunk, embed, and save a new index under ``settings.index_dir``.

    With ``previous`` (an index of the same model and chunking), files whose bytes did not
    change keep their vectors and only new or changed files are embedded; the passages
    of deleted files are dropped.
    """
    say = report or (lambda msg: log.info("%s", msg))
    t0 = time.perf_counter()
    docs, unreadable = read_corpus(settings.corpus_dir)
    want = expected_manifest(settings, embedder, digests(docs, unreadable))  # the bytes indexed
    reused = _reuse(previous, want["corpus"])
    parts = [reused.get(d.source) or _Part(chunk_document(d, settings.max_chunk_chars)) for d in docs]
    parts = [p for p in parts if p.chunks]  # a file with no body text has nothing to index
    fresh = [c for p in parts if p.passage_vectors is None for c in p.chunks]
    n_reused = sum(len(p.chunks) for p in parts if p.passage_vectors is not None)
    if not fresh and not n_reused:
        raise AssistantError(f"the files in {settings.corpus_dir} hold no text to index")
    say(f"indexing {len(docs)} file(s): {len(fresh)} passages to embed, {n_reused} reused from the last index")
    if fresh:
        embedder.dimension  # load the model first, so the rate below is embedding alone
    t_embed = time.perf_counter()
    if fresh:
        bar = progress and len(fresh) >= PROGRESS_FROM
        pvec = iter(embedder.embed([embed_text(c) for c in fresh], progress=bar))
        svec = iter(embedder.embed(sentence_texts(fresh), progress=bar))
        for p in parts:
            if p.passage_vectors is None:
                p.passage_vectors = np.array([next(pvec) for _ in p.chunks], dtype=np.float32)
                p.sentence_vectors = np.array([next(svec) for c in p.chunks for _ in c.sentences], dtype=np.float32)
    embed_s = time.perf_counter() - t_embed
    chunks = [replace(c, id=i) for i, c in enumerate(c for p in parts for c in p.chunks)]
    dim = next(p.passage_vectors.shape[1] for p in parts if p.passage_vectors.size)
    pvecs = np.concatenate([p.passage_vectors.reshape(-1, dim) for p in parts])
    svecs = np.concatenate([p.sentence_vectors.reshape(-1, dim) for p in parts])
    passages = dense_index(pvecs)
    index = Index(
        chunks=chunks,
        passages=passages,
        sentence_vectors=svecs,
        sentence_rows=sentence_rows(chunks),
        bm25_passages=Lexical.build([embed_text(c) for c in chunks]),
        bm25_sentences=Lexical.build(sentence_texts(chunks)),
        manifest={},
    )
    rate = len(fresh) / embed_s if fresh and embed_s > 0 else 0.0
    manifest = want | {
        "dimension": int(dim),
        "dense_index": type(passages).__name__,
        "passages": len(chunks),
        "sentences": len(svecs),
        "embedded": len(fresh),
        "reused": n_reused,
        "passages_per_second": round(rate, 1),
        "unreadable": {u.source: u.reason for u in unreadable},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - t0, 3),
    }
    index.manifest, index.folder = _save(index, manifest, settings.index_dir,
                                         embedder if settings.onnx else None, previous)
    speed = f", {rate:,.0f} passages/s" if fresh else ""
    say(f"index built in {time.perf_counter() - t0:.1f}s ({len(chunks)} passages, {type(passages).__name__}"
        f"{speed}): {index.folder}")
    return index, unreadable


def _export_onnx(embedder: Embedder, folder: Path) -> dict:
    """The ONNX export's manifest entry; an error entry (and one log line) if it fails."""
    from .onnx_embedding import PROBES, export

    if not hasattr(embedder, "_load"):
        return {"error": f"{type(embedder).__name__} has no ONNX export"}
    try:
        entry = export(embedder, folder)
    except Exception as e:  # ExportError, no onnxruntime, a runtime that cannot run it: use torch
        log.warning("queries will use torch: ONNX %s", e)
        shutil.rmtree(folder, ignore_errors=True)
        return {"error": str(e)}
    entry["probe_vector"] = [round(float(x), 6) for x in embedder.embed(PROBES[:1])[0]]
    return entry


def _reuse_onnx(previous: Index | None, embedder: Embedder, folder: Path) -> dict | None:
    """The previous index's export of the same model, hard-linked (or copied) into ``folder``;
    it is checked again at load time against its probe vector."""
    entry = (previous.manifest.get("onnx") or {}) if previous and previous.folder else {}
    if "probe_vector" not in entry or previous.manifest.get("model") != embedder.name:
        return None
    try:
        shutil.copytree(previous.folder / entry["folder"], folder, copy_function=_link_or_copy)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return entry


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _save(index: Index, manifest: dict, index_dir: Path, onnx_from: Embedder | None = None,
          previous: Index | None = None) -> tuple[dict, Path]:
    """Write ``index`` as a new version folder and make it current; its manifest and folder."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / f".build-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
            for c in index.chunks:
                f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        faiss.write_index(index.passages, str(tmp / "passages.faiss"))
        np.save(tmp / "sentences.npy", index.sentence_vectors)
        index.bm25_passages.save(tmp / "bm25_passages")
        index.bm25_sentences.save(tmp / "bm25_sentences")
        if onnx_from is not None:
            entry = _reuse_onnx(previous, onnx_from, tmp / "onnx") or _export_onnx(onnx_from, tmp / "onnx")
            manifest = manifest | {"onnx": entry}
        manifest = manifest | {"files": _files(tmp)}
        # The manifest is written last: a folder without one never loads.
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        version = index_dir / f"v{time.time_ns()}-{os.getpid()}"
        os.replace(tmp, version)
        _point_current_at(version)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest, version


KEEP_OLD_SECONDS = 60  # a replaced version stays this long for readers still loading it


def _point_current_at(version: Path) -> None:
    """Swap the ``current`` symlink onto ``version`` in one rename; then clear versions
    that were replaced more than KEEP_OLD_SECONDS ago."""
    index_dir, current = version.parent, version.parent / CURRENT
    link = index_dir / f".link-{os.getpid()}-{threading.get_ident()}"
    link.unlink(missing_ok=True)
    os.symlink(version.name, link)
    if current.is_dir() and not current.is_symlink():  # the layout before versions: a plain folder
        os.replace(current, index_dir / f"v0-{os.getpid()}")
    os.replace(link, current)
    cutoff = time.time() - KEEP_OLD_SECONDS
    for old in index_dir.glob("v*"):
        if old != version and old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _build_lock(index_dir: Path):
    """One rebuild at a time across processes (an advisory lock on index_dir/.lock)."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _read(folder: Path) -> Index:
    """Load the index files in ``folder``, checking they are whole; no staleness check."""
    import faiss

    folder = folder.resolve()  # follow ``current`` once: a swap mid-read cannot mix versions
    mpath = folder / "manifest.json"
    if not mpath.is_file():
        raise IndexLoadError(f"no index at {folder}")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexLoadError(f"index is stale: format {manifest.get('format_version')} is not {FORMAT_VERSION}")
        if _files(folder) != manifest.get("files"):
            raise IndexLoadError("index is corrupt: its files do not match their checksums")
        chunks = [
            Chunk.from_dict(json.loads(line))
            for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        passages = faiss.read_index(str(folder / "passages.faiss"))
        if hasattr(passages, "hnsw"):
            passages.hnsw.efSearch = HNSW_EF_SEARCH
        # Memory-mapped: a large corpus's sentence vectors are paged in only where read.
        svec = np.load(folder / "sentences.npy", allow_pickle=False, mmap_mode="r")
        index = Index(
            chunks=chunks,
            passages=passages,
            sentence_vectors=svec,
            sentence_rows=sentence_rows(chunks),
            bm25_passages=Lexical.load(folder / "bm25_passages"),
            bm25_sentences=Lexical.load(folder / "bm25_sentences"),
            manifest=manifest,
            folder=folder,
        )
    except IndexLoadError:
        raise
    except Exception as e:  # anything a damaged file can raise
        raise IndexLoadError(f"index is corrupt ({type(e).__name__}: {e})") from None
    n_sent = sum(len(c.sentences) for c in chunks)
    if passages.ntotal != len(chunks) or svec.shape[0] != n_sent or passages.d != manifest.get("dimension"):
        raise IndexLoadError("index is corrupt: its parts disagree in size")
    return index


def _stale(manifest: dict, want: dict) -> str:
    """Why an index with ``manifest`` cannot serve ``want``, or "" if it can."""
    for key, value in want.items():
        if manifest.get(key) != value:
            return "index is stale: " + ("corpus files changed" if key == "corpus" else f"{key} changed")
    return ""


def load(settings: Settings, embedder: Embedder) -> Index:
    """Load the saved index, or raise IndexLoadError saying why it cannot be used."""
    want = expected_manifest(settings, embedder)  # a missing corpus is its own error, not a rebuild
    index = _read(settings.index_dir / CURRENT)
    if reason := _stale(index.manifest, want):
        raise IndexLoadError(reason)
    return index


def _same_vectors(index: Index, want: dict) -> bool:
    return all(index.manifest.get(k) == want[k] for k in ("format_version", "model", "chunking"))


def reusable(settings: Settings, embedder: Embedder) -> Index | None:
    """The saved index if its vectors can be reused (same model and chunking), else None."""
    try:
        index = _read(settings.index_dir / CURRENT)
    except IndexLoadError:
        return None
    return index if _same_vectors(index, expected_manifest(settings, embedder, corpus={})) else None


def load_or_build(
    settings: Settings, embedder: Embedder, report: Callable[[str], None] | None = None
) -> Index:
    """The saved index if it is usable; otherwise a rebuilt one, with a log line saying why.
    Files that did not change since the last index keep their vectors."""
    say = report or log.warning
    want = expected_manifest(settings, embedder)
    try:
        index = _read(settings.index_dir / CURRENT)
        reason = _stale(index.manifest, want)
    except IndexLoadError as e:
        index, reason = None, str(e)
    if not reason:
        return index
    say(f"rebuilding the index: {reason}")
    with _build_lock(settings.index_dir):
        try:  # another process may have rebuilt it while this one waited for the lock
            return load(settings, embedder)
        except IndexLoadError:
            pass
        previous = index if index is not None and _same_vectors(index, want) else None
        return build(settings, embedder, report=report, previous=previous)[0]
