"""Build and load the index: FAISS vectors, BM25, chunks, the ONNX export and a manifest.

A version folder (see ``store.py`` for the folders, locks and clean-up) holds plain files:

* ``manifest.json``: format version, model, dimension, chunking settings, the corpus
  fingerprint (sha256 per file) and the sha256 of every other file, the ONNX export's too;
* ``chunks.jsonl``: one Chunk per line, with its source offsets;
* ``passages.faiss``: normalised passage vectors (inner product = cosine);
* ``sentences.npy``: one normalised vector per sentence, in chunk order;
* ``contexts.npy``: one per sentence read in its context (``context_texts``), same order;
* ``bm25_passages/``, ``bm25_sentences/``, ``bm25_contexts/``: bm25s indexes;
* ``onnx/``: the model exported for torch-free queries (when the embedder can be exported).

An index whose manifest does not match the corpus, model or settings, whose files do not
match their checksums, or whose ONNX export is missing or damaged, is stale: ``update``
(``assistant index``) rebuilds it, re-embedding only new or changed files.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import chunk_document
from .config import Settings
from .corpus import Unreadable, digests, fingerprint, read_corpus
from .embedding import Embedder, embed_in_batches
from .errors import AssistantError, IndexLoadError
from .lexical import Lexical
from .onnx_embedding import FOLDER, export_entry, reuse_export
from .records import Chunk
from .store import CURRENT, Store, damaged, read_manifest, write_manifest

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: capped passages and sentences, checksummed ONNX export, marked store; 3: contexts
__all__ = ["CURRENT", "FORMAT_VERSION", "Index", "build", "inspect", "load", "load_or_build", "reusable", "update"]

Report = Callable[[str], None]
Progress = Callable[[int, int], None]  # (texts embedded so far, texts to embed)


def embed_text(chunk: Chunk) -> str:
    """What a passage's vector is computed from: its section title gives it context."""
    return f"{chunk.section}: {chunk.text}" if chunk.section else chunk.text


@dataclass
class Index:
    """Everything retrieval needs, loaded in memory."""

    chunks: list[Chunk]
    passages: Any  # faiss.Index over passage vectors
    sentence_vectors: np.ndarray  # (n_sentences, dim)
    sentence_rows: list[int]  # chunk i's sentences are rows sentence_rows[i] ... + len
    bm25_passages: Lexical
    bm25_sentences: Lexical
    context_vectors: np.ndarray  # (n_sentences, dim): each sentence read in its context
    bm25_contexts: Lexical
    manifest: dict
    folder: Path | None = None  # where it was loaded from
    onnx_damaged: tuple[str, ...] = ()  # export files that failed their checksum


def expected_manifest(settings: Settings, embedder: Embedder, corpus: dict[str, str] | None = None) -> dict:
    """The manifest fields a usable index must match (``corpus``: the fingerprint, when
    the caller already has it)."""
    return {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "chunking": {"max_chars": settings.max_chunk_chars, "sentence_aware": True},
        "corpus": fingerprint(settings.corpus_dir, settings.max_file_bytes) if corpus is None else corpus,
    }


def sentence_rows(chunks: list[Chunk]) -> list[int]:
    """For each chunk, the row of its first sentence among all the chunks' sentences."""
    rows, n = [], 0
    for c in chunks:
        rows.append(n)
        n += len(c.sentences)
    return rows


def sentence_texts(chunks: list[Chunk]) -> list[str]:
    """The text of every sentence of every chunk, in order (one row each, as ``sentence_rows`` counts)."""
    return [c.text[s - c.start : e - c.start] for c in chunks for s, e in c.sentences]


_ENDS = re.compile(r"[.!?…][\"”’')\]]*\s*$")  # a sentence's end, closing quotes and brackets included


def contexts(chunks: list[Chunk]) -> tuple[list[str], list[tuple[int, ...]]]:
    """Every sentence as read in its place: its section title, the sentence before it in the
    same section (of the same file), then itself.

    A sentence often leans on the one before ("The two companies are collaborating on several
    fronts. Large SUVs, EV platforms, AI software - all are in play.") or on its heading for
    its subject; read alone it matches no question about that subject. (Reading every
    sentence with the one before also doubles what the contexts index holds: a piece cut
    out of text with no sentence end is read alone, which keeps a 50 MB single line under
    1 GB to index.)

    Returns:
        ``(parts, docs)``: the sentences' texts (one row each, as ``sentence_texts``) followed
        by the section titles (as "Title:"), and for each sentence the indexes in ``parts`` it
        is read with, in order.
    """
    parts = sentence_texts(chunks)
    titles: dict[str, int] = {}
    docs: list[tuple[int, ...]] = []
    row, where = 0, None
    for c in chunks:
        if (c.source, c.section) != where:
            before, where = None, (c.source, c.section)
        title = titles.setdefault(c.section, len(parts) + len(titles)) if c.section else None
        for _ in c.sentences:
            docs.append(tuple(i for i in (title, before, row) if i is not None))
            # A piece the chunker had to cut out of text with no sentence end (one huge line)
            # is no sentence that the next one follows on from: it is not read with it.
            before, row = (row if _ENDS.search(parts[row]) else None), row + 1
    return parts + [f"{t}:" for t in titles], docs


def context_texts(chunks: list[Chunk]) -> list[str]:
    """The text of every sentence read in its place (``contexts``), one row each."""
    parts, docs = contexts(chunks)
    return [" ".join(parts[i] for i in doc) for doc in docs]


# Exact search while it is cheap; HNSW beyond. Measured on this 2-core machine with 384-d
# vectors: a flat search takes ~1 ms at 10k passages, ~8 ms at 50k, ~15 ms at 100k (a query
# embedding takes ~3 ms); HNSW (M=32, efConstruction=120, efSearch=256) answers in ~1 ms at
# 100k with recall@10 0.993 against exact search. See benchmarks/scale.py.
EXACT_LIMIT = 20_000
EMBED_BATCH = 512  # texts per embed() call: bounded memory, progress, and the model's lock released between
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 120, 256


def dense_index(vectors: np.ndarray) -> Any:
    """A FAISS inner-product index over normalised vectors, its type chosen by size."""
    import faiss

    dim = vectors.shape[1]
    if len(vectors) <= EXACT_LIMIT:
        index: Any = faiss.IndexFlatIP(dim)
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
    context_vectors: np.ndarray | None = None


def _reuse(previous: Index | None, corpus: dict[str, str]) -> dict[str, _Part]:
    """The parts of ``previous`` whose files are byte-for-byte unchanged."""
    if previous is None:
        return {}
    old = previous.manifest.get("corpus", {})
    keep = {src for src, digest in corpus.items() if old.get(src) == digest}
    by_source: dict[str, list[Chunk]] = {}
    for c in previous.chunks:
        if c.source in keep:
            by_source.setdefault(c.source, []).append(c)
    parts = {}
    for source, chunks in by_source.items():
        ids = np.array([c.id for c in chunks], dtype=np.int64)
        rows = [r for c in chunks for r in range(previous.sentence_rows[c.id], previous.sentence_rows[c.id]
                                                    + len(c.sentences))]
        parts[source] = _Part(chunks, np.asarray(previous.passages.reconstruct_batch(ids), dtype=np.float32),
                              np.asarray(previous.sentence_vectors[rows], dtype=np.float32),
                              np.asarray(previous.context_vectors[rows], dtype=np.float32))
    return parts


def _embed_fresh(parts: list[_Part], embedder: Embedder, progress: Progress | None) -> None:
    """Fill in the vectors of the parts that have none (new or changed files)."""
    fresh = [c for p in parts if p.passage_vectors is None for c in p.chunks]
    if not fresh:
        return
    n_sent = sum(len(c.sentences) for c in fresh)
    grand = len(fresh) + 2 * n_sent  # passages, sentences, sentences in context

    def step(offset: int) -> Callable[[int], None] | None:
        return None if progress is None else (lambda done: progress(offset + done, grand))

    pvec = embed_in_batches(embedder, (embed_text(c) for c in fresh), len(fresh), step(0), EMBED_BATCH)
    svec = embed_in_batches(embedder, iter(sentence_texts(fresh)), n_sent, step(len(fresh)), EMBED_BATCH)
    # Contexts per file: a file's first sentence has no sentence before it from another file.
    in_context = [t for p in parts if p.passage_vectors is None for t in context_texts(p.chunks)]
    cvec = embed_in_batches(embedder, iter(in_context), n_sent, step(len(fresh) + n_sent), EMBED_BATCH)
    i = j = 0
    for p in parts:
        if p.passage_vectors is None:
            k = sum(len(c.sentences) for c in p.chunks)
            p.passage_vectors, p.sentence_vectors = pvec[i : i + len(p.chunks)], svec[j : j + k]
            p.context_vectors = cvec[j : j + k]
            i, j = i + len(p.chunks), j + k


def _load_model(embedder: Embedder) -> int:
    """Load a lazy embedder's model (reading its dimension does) and return the dimension."""
    return embedder.dimension


def _assemble(parts: list[_Part]) -> Index:
    chunks = [replace(c, id=i) for i, c in enumerate(c for p in parts for c in p.chunks)]
    vectors = [p.passage_vectors for p in parts if p.passage_vectors is not None and p.passage_vectors.size]
    dim = vectors[0].shape[1]
    pvecs = np.concatenate([v.reshape(-1, dim) for v in vectors])
    svecs = np.concatenate([p.sentence_vectors.reshape(-1, dim) for p in parts if p.sentence_vectors is not None])
    cvecs = np.concatenate([p.context_vectors.reshape(-1, dim) for p in parts if p.context_vectors is not None])
    return Index(
        chunks=chunks,
        passages=dense_index(pvecs),
        sentence_vectors=svecs,
        sentence_rows=sentence_rows(chunks),
        bm25_passages=Lexical.build(embed_text(c) for c in chunks),
        bm25_sentences=Lexical.build(sentence_texts(chunks)),
        context_vectors=cvecs,
        bm25_contexts=Lexical.build_joined(*contexts(chunks)),
        manifest={},
    )


def _facts(index: Index, n_fresh: int, n_reused: int, rate: float, unreadable: list[Unreadable]) -> dict:
    """What the manifest records about a build, beyond what makes it usable."""
    return {
        "dimension": int(index.passages.d),
        "dense_index": type(index.passages).__name__,
        "passages": len(index.chunks),
        "sentences": len(index.sentence_vectors),
        "embedded": n_fresh,
        "reused": n_reused,
        "passages_per_second": round(rate, 1),
        "unreadable": {u.source: u.reason for u in unreadable},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def build(
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    report: Report | None = None,
    previous: Index | None = None,
) -> tuple[Index, list[Unreadable]]:
    """Read the corpus, chunk, embed, and save a new index version under ``settings.index_dir``.

    Args:
        settings: corpus and index folders, chunking, ONNX export.
        embedder: embeds passages and sentences.
        progress: called as ``progress(done, total)`` while texts are embedded.
        report: receives one line per step and per skipped file (default: the log).
        previous: an index of the same model and chunking: files whose bytes did not change
            keep its vectors, only new or changed files are embedded, deleted files drop out.

    Returns:
        The new index, and the corpus files that were skipped (each reported once).

    Raises:
        AssistantError: no text to index, the index folder is not usable, or the disk
            refused the write (the previous index stays current then).
    """
    say = report or (lambda msg: log.info("%s", msg))
    t0 = time.perf_counter()
    docs, unreadable = read_corpus(settings.corpus_dir, settings.max_file_bytes)
    for u in unreadable:
        say(f"skipped {u.source}: {u.reason}")
    want = expected_manifest(settings, embedder, digests(docs, unreadable))  # the bytes indexed
    reused = _reuse(previous, want["corpus"])
    parts = [reused.get(d.source) or _Part(chunk_document(d, settings.max_chunk_chars)) for d in docs]
    parts = [p for p in parts if p.chunks]  # a file with no body text has nothing to index
    n_fresh = sum(len(p.chunks) for p in parts if p.passage_vectors is None)
    n_reused = sum(len(p.chunks) for p in parts) - n_fresh
    if not parts:
        raise AssistantError(f"the files in {settings.corpus_dir} hold no text to index")
    say(f"indexing {len(docs)} file(s): {n_fresh} passages to embed, {n_reused} reused from the last index")
    if n_fresh:
        _load_model(embedder)  # before the clock starts: the rate below is embedding alone
    t_embed = time.perf_counter()
    _embed_fresh(parts, embedder, progress)
    embed_s = time.perf_counter() - t_embed
    index = _assemble(parts)
    rate = n_fresh / embed_s if n_fresh and embed_s > 0 else 0.0
    manifest = want | _facts(index, n_fresh, n_reused, rate, unreadable) | {
        "build_seconds": round(time.perf_counter() - t0, 3)}
    index.manifest, index.folder = _save(index, manifest, Store(settings.index_dir),
                                         embedder if settings.onnx else None, previous)
    onnx = index.manifest.get("onnx") or {}
    if "error" in onnx:
        say(f"queries will use torch (slower, more memory): no ONNX export ({onnx['error']})")
    speed = f", {rate:,.0f} passages/s" if n_fresh else ""
    say(f"index built in {time.perf_counter() - t0:.1f}s ({len(index.chunks)} passages, "
        f"{type(index.passages).__name__}{speed}): {index.folder}")
    return index, unreadable


def _save(index: Index, manifest: dict, store: Store, onnx_from: Embedder | None = None,
          previous: Index | None = None) -> tuple[dict, Path]:
    """Write ``index`` as a new version and make it current; its manifest and folder."""
    import faiss

    with store.writer():
        tmp = store.new_build()
        try:
            with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
                for c in index.chunks:
                    f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
            faiss.write_index(index.passages, str(tmp / "passages.faiss"))
            np.save(tmp / "sentences.npy", index.sentence_vectors)
            np.save(tmp / "contexts.npy", index.context_vectors)
            index.bm25_passages.save(tmp / "bm25_passages")
            index.bm25_sentences.save(tmp / "bm25_sentences")
            index.bm25_contexts.save(tmp / "bm25_contexts")
            if onnx_from is not None:
                manifest = manifest | {"onnx": _onnx(onnx_from, previous, tmp / FOLDER)}
            manifest = write_manifest(tmp, manifest)
            version = store.commit(tmp)
        except OSError as e:
            store.discard(tmp)
            raise AssistantError(f"could not write the index in {store.root} ({e.strerror or e}); "
                                 "the previous index is kept") from e
        except BaseException:
            store.discard(tmp)
            raise
    return manifest, version


def _onnx(embedder: Embedder, previous: Index | None, folder: Path) -> dict:
    """The export's manifest entry: the previous index's intact export of the same model
    reused (hard-linked), else a new export, else an error entry."""
    entry = (previous.manifest.get("onnx") or {}) if previous is not None else {}
    if (previous is not None and previous.folder is not None and not previous.onnx_damaged
            and previous.manifest.get("model") == embedder.name
            and reuse_export(previous.folder, entry, folder)):
        return entry
    return export_entry(embedder, folder)


def _read(store: Store) -> Index:
    """Load the current version, checking every file against its checksum; no staleness check.
    A damaged ONNX export does not stop the load: it is recorded in ``onnx_damaged``."""
    import faiss

    with store.reading() as folder:
        manifest = read_manifest(folder)
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexLoadError(f"index is stale: format {manifest.get('format_version')} is not {FORMAT_VERSION}")
        bad = damaged(folder, manifest)
        core = [n for n in bad if not n.startswith("onnx/")]
        if core:
            raise IndexLoadError(f"index is corrupt: {', '.join(core[:3])} do not match their checksums")
        try:
            chunks = [
                Chunk.from_dict(json.loads(line))
                for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
            ]
            passages = faiss.read_index(str(folder / "passages.faiss"))
            if hasattr(passages, "hnsw"):
                passages.hnsw.efSearch = HNSW_EF_SEARCH
            # Memory-mapped: a large corpus's sentence vectors are paged in only where read.
            svec = np.load(folder / "sentences.npy", allow_pickle=False, mmap_mode="r")
            cvec = np.load(folder / "contexts.npy", allow_pickle=False, mmap_mode="r")
            index = Index(chunks, passages, svec, sentence_rows(chunks), Lexical.load(folder / "bm25_passages"),
                          Lexical.load(folder / "bm25_sentences"), cvec, Lexical.load(folder / "bm25_contexts"),
                          manifest, folder, tuple(bad))
        except Exception as e:  # noqa: BLE001 - anything a damaged file can raise
            raise IndexLoadError(f"index is corrupt ({type(e).__name__}: {e})") from None
    n_sent = sum(len(c.sentences) for c in chunks)
    if (passages.ntotal != len(chunks) or svec.shape != cvec.shape or svec.shape[0] != n_sent
            or passages.d != manifest.get("dimension")):
        raise IndexLoadError("index is corrupt: its parts disagree in size")
    return index


def _stale(manifest: dict, want: dict) -> str:
    """Why an index with ``manifest`` cannot serve ``want``, or "" if it can."""
    for key, value in want.items():
        if manifest.get(key) != value:
            return "index is stale: " + ("corpus files changed" if key == "corpus" else f"{key} changed")
    return ""


def _onnx_stale(index: Index, settings: Settings) -> str:
    """Why the index's ONNX export needs rebuilding, or "" (off, intact, or not exportable)."""
    if not settings.onnx:
        return ""
    entry = index.manifest.get("onnx")
    if entry is None:
        return "index is stale: it has no ONNX export"
    if index.onnx_damaged:
        return f"index is stale: its ONNX export is damaged ({', '.join(index.onnx_damaged[:3])})"
    if entry.get("retry"):
        return f"index is stale: its ONNX export failed ({entry.get('error')})"
    return ""


def _same_vectors(manifest: dict, want: dict) -> bool:
    return all(manifest.get(k) == want[k] for k in ("format_version", "model", "chunking"))


def inspect(settings: Settings, embedder: Embedder) -> tuple[Index | None, str]:
    """The saved index and why it is stale ("" when it is up to date).

    The index is None when it cannot answer at all (missing, corrupt, another model or
    chunking); otherwise it can answer, from the corpus as it was when it was built.

    Raises:
        CorpusError: the corpus folder is missing or empty (not a reason to rebuild).
    """
    want = expected_manifest(settings, embedder)
    try:
        index = _read(Store(settings.index_dir))
    except IndexLoadError as e:
        return None, str(e)
    if not _same_vectors(index.manifest, want):
        return None, _stale(index.manifest, want)
    return index, _stale(index.manifest, want) or _onnx_stale(index, settings)


def load(settings: Settings, embedder: Embedder) -> Index:
    """Load the saved index, or raise IndexLoadError saying why it cannot be used as it is."""
    index, reason = inspect(settings, embedder)
    if reason or index is None:
        raise IndexLoadError(reason)
    return index


def reusable(settings: Settings, embedder: Embedder) -> Index | None:
    """The saved index if its vectors can be reused (same model and chunking), else None."""
    try:
        index = _read(Store(settings.index_dir))
    except IndexLoadError:
        return None
    return index if _same_vectors(index.manifest, expected_manifest(settings, embedder, corpus={})) else None


def update(settings: Settings, embedder: Embedder, *, full: bool = False, progress: Progress | None = None,
           report: Report | None = None) -> tuple[Index, str]:
    """``assistant index``: rebuild the index if it is stale (or ``full``), under the writer
    lock so that concurrent callers build once. Returns the index and why it was rebuilt
    ("" when it was up to date)."""
    with Store(settings.index_dir).writer():
        index, reason = inspect(settings, embedder)
        if not reason and not full and index is not None:
            return index, ""
        (report or log.info)(f"updating the index: {reason or 'a full rebuild was asked for'}")
        previous = None if full else index
        return build(settings, embedder, progress=progress, report=report, previous=previous)[0], reason or "full"


def load_or_build(settings: Settings, embedder: Embedder, report: Report | None = None) -> Index:
    """The saved index if it is up to date; otherwise a rebuilt one, with a line saying why.
    Files that did not change since the last index keep their vectors."""
    index, reason = inspect(settings, embedder)
    if not reason and index is not None:
        return index
    (report or log.warning)(f"rebuilding the index: {reason}")
    return update(settings, embedder, report=report)[0]
