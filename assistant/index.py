"""Build, save and load the index: FAISS vectors, BM25, chunks and a manifest.

On disk, ``index_dir/current/`` holds plain files:

* ``manifest.json``: format version, model, dimension, chunking settings, the corpus
  fingerprint (sha256 per file) and the sha256 of every other file here;
* ``chunks.jsonl``: one Chunk per line, with its source offsets;
* ``passages.faiss``: normalised passage vectors (inner product = cosine);
* ``sentences.npy``: one normalised vector per sentence, in chunk order;
* ``bm25_passages/``, ``bm25_sentences/``: bm25s indexes;
* ``onnx/``: the model exported for torch-free queries (when export works), with a
  probe vector in the manifest that proves, at load, that it still embeds the same.

A build writes a fresh folder beside it and swaps it in with renames, so a crash never
leaves a half-written index that loads. An index whose manifest does not match the
corpus, model or settings, or whose files do not match their checksums, is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .chunking import chunk_documents
from .config import Settings
from .corpus import Unreadable, fingerprint, read_corpus
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


def expected_manifest(settings: Settings, embedder: Embedder) -> dict:
    """The manifest fields a usable index must match."""
    return {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "chunking": {"max_chars": settings.max_chunk_chars, "sentence_aware": True},
        "corpus": fingerprint(settings.corpus_dir),
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# Files this large are checked by size, not hashed on every load: the ONNX model (90 MB)
# would add a quarter second to every cold start, and it is checked end to end instead.
HASH_LIMIT = 16 << 20


def _files(folder: Path) -> dict[str, str]:
    """A fingerprint of each file: sha256, or size only for files over HASH_LIMIT."""
    return {
        p.relative_to(folder).as_posix(): _sha256(p) if p.stat().st_size <= HASH_LIMIT else f"size:{p.stat().st_size}"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def sentence_rows(chunks: list[Chunk]) -> list[int]:
    rows, n = [], 0
    for c in chunks:
        rows.append(n)
        n += len(c.sentences)
    return rows


def sentence_texts(chunks: list[Chunk]) -> list[str]:
    return [c.text[s - c.start : e - c.start] for c in chunks for s, e in c.sentences]


def build(
    settings: Settings,
    embedder: Embedder,
    progress: bool = False,
    report: Callable[[str], None] | None = None,
) -> tuple[Index, list[Unreadable]]:
    """Read the corpus, chunk, embed, and save a new index under ``settings.index_dir``."""
    import faiss

    say = report or (lambda msg: log.info("%s", msg))
    t0 = time.perf_counter()
    docs, unreadable = read_corpus(settings.corpus_dir)
    chunks = chunk_documents(docs, settings.max_chunk_chars)
    if not chunks:
        raise AssistantError(f"the files in {settings.corpus_dir} hold no text to index")
    sents = sentence_texts(chunks)
    say(f"indexing {len(docs)} file(s): {len(chunks)} passages, {len(sents)} sentences")
    pvec = embedder.embed([embed_text(c) for c in chunks], progress=progress)
    svec = embedder.embed(sents, progress=progress)
    dense = faiss.IndexFlatIP(pvec.shape[1])
    dense.add(pvec)
    index = Index(
        chunks=chunks,
        passages=dense,
        sentence_vectors=svec,
        sentence_rows=sentence_rows(chunks),
        bm25_passages=Lexical.build([embed_text(c) for c in chunks]),
        bm25_sentences=Lexical.build(sents),
        manifest={},
    )
    manifest = expected_manifest(settings, embedder) | {
        "dimension": int(pvec.shape[1]),
        "passages": len(chunks),
        "sentences": len(sents),
        "unreadable": {u.source: u.reason for u in unreadable},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - t0, 3),
    }
    index.manifest = _save(index, manifest, settings.index_dir, embedder if settings.onnx else None)
    index.folder = settings.index_dir / CURRENT
    say(f"index built in {manifest['build_seconds']:.1f}s: {settings.index_dir / CURRENT}")
    return index, unreadable


def _export_onnx(embedder: Embedder, folder: Path) -> dict:
    """The ONNX export's manifest entry; an error entry (and one log line) if it fails."""
    from .onnx_embedding import ExportError, PROBES, export

    if not hasattr(embedder, "_load"):
        return {"error": f"{type(embedder).__name__} has no ONNX export"}
    try:
        entry = export(embedder, folder)
    except (ExportError, ImportError) as e:
        log.warning("queries will use torch: ONNX %s", e)
        shutil.rmtree(folder, ignore_errors=True)
        return {"error": str(e)}
    entry["probe_vector"] = [round(float(x), 6) for x in embedder.embed(PROBES[:1])[0]]
    return entry


def _save(index: Index, manifest: dict, index_dir: Path, onnx_from: Embedder | None = None) -> dict:
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
            manifest = manifest | {"onnx": _export_onnx(onnx_from, tmp / "onnx")}
        manifest = manifest | {"files": _files(tmp)}
        # The manifest is written last: a folder without one never loads.
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _swap(tmp, index_dir / CURRENT)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def _swap(new: Path, current: Path) -> None:
    old = current.with_name(f".old-{os.getpid()}-{threading.get_ident()}")
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    shutil.rmtree(old, ignore_errors=True)


def load(settings: Settings, embedder: Embedder) -> Index:
    """Load the saved index, or raise IndexLoadError saying why it cannot be used."""
    import faiss

    want = expected_manifest(settings, embedder)  # a missing corpus is its own error, not a rebuild
    folder = settings.index_dir / CURRENT
    mpath = folder / "manifest.json"
    if not mpath.is_file():
        raise IndexLoadError(f"no index at {folder}")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexLoadError(f"manifest unreadable ({e})") from None
    for key, value in want.items():
        if manifest.get(key) != value:
            what = "corpus files changed" if key == "corpus" else f"{key} changed"
            raise IndexLoadError(f"index is stale: {what}")
    try:
        if _files(folder) != manifest.get("files"):
            raise IndexLoadError("index is corrupt: its files do not match their checksums")
        chunks = [
            Chunk.from_dict(json.loads(line))
            for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        passages = faiss.read_index(str(folder / "passages.faiss"))
        svec = np.load(folder / "sentences.npy", allow_pickle=False)
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


def load_or_build(
    settings: Settings, embedder: Embedder, report: Callable[[str], None] | None = None
) -> Index:
    """The saved index if it is usable; otherwise a rebuilt one, with a log line saying why."""
    try:
        return load(settings, embedder)
    except IndexLoadError as e:
        (report or log.warning)(f"rebuilding the index: {e}")
    return build(settings, embedder, report=report)[0]
