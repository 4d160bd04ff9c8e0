"""Scale benchmark: index build, re-index, query latency, disk and memory at 1k-100k passages.

Run from the repository root with the project's interpreter::

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--quick] [--json PATH]

Method
------
* **Corpus.** For each size a synthetic corpus of many small article files (about ten
  passages each) is written to a temporary folder. Every file is generated from a seeded
  RNG (file ``i`` from seed ``(SEED, i)``, so a smaller corpus is a prefix of a larger one)
  by recombining the sentences and section headings of the real article
  ``corpus/nissan-strategy-honda-talks.txt``: its people, companies, models, regions,
  months and numbers are replaced by others drawn from pools, and about one content word
  in seven by another word of the article. Files have a title, headings and paragraphs,
  so the package's own chunking, sentence splitting and BM25 see realistic text. Files are
  added until the package's chunker yields the requested number of passages.
* **Embedder.** Sizes up to ``REAL_MODEL_MAX`` passages use the real model
  (``SentenceTransformerEmbedder``, all-MiniLM-L6-v2, with the ONNX export for queries):
  that size gives the real embedding throughput. Larger sizes would take hours to embed
  on a 2-core machine, so they use ``HashedBowEmbedder``: a deterministic 384-d projection
  of a hashed bag of words (each word maps to a fixed random Gaussian vector, weights
  ``1 + log tf``, stop words left out). Texts that share words get close vectors, so the
  vectors are clustered as real text embeddings are (random unclustered vectors would be
  the worst case for HNSW). The table's "embedder" column says which one a row used;
  fast-embedder rows run with ``Settings(onnx=False)``.
* **Processes.** Each step of each size runs in its own subprocess, so its peak resident
  memory (``ru_maxrss`` from ``os.wait4`` on that child alone) is per size and per step:
  ``build`` (a full ``index.build()``, model loaded first and not timed), ``query`` (load
  the index through ``Assistant``, then warm latencies), ``recall`` (HNSW sizes only) and
  ``reindex`` (``index.reusable()`` + ``index.build(previous=...)`` after the corpus
  changed).
* **Query latency.** ``QUERIES`` generated questions (names and models of the pools, so
  they hit the corpus lexically) are each run once untimed, then timed once each through
  ``embed([q])`` (the query embedder alone), ``retrieve(q, k=5, mode="hybrid")`` and
  ``Assistant.answer(q)``, interleaved with the order flipped every question, so all three
  see the same load. p50 / p95 over the questions.
* **Incremental re-index.** After the first build, 1% of the files are rewritten, 1% new
  files are added and 1% deleted (at least one of each); the re-index is timed from
  loading the previous index to the swapped-in new one, with the manifest's embedded and
  reused passage counts.
* **Recall.** For an HNSW index, two sets of ``RECALL_QUERIES`` query vectors are
  searched in the saved FAISS index (its own efSearch) and in an exact ``IndexFlatIP``
  over the same vectors (``reconstruct_n``); recall@10 = share of the exact top 10 found,
  averaged over the queries. The sets: *held-out passages* (passages of synthetic files
  in no corpus: in-distribution queries, the usual ANN method; ``RECALL_TARGET`` is
  checked on these) and *questions* (generated questions). With the fake embedder,
  questions are a harsher case than real ones: a 4-word bag of words lies far from every
  30-word passage (median best cosine about 0.35, against 0.65 for all-MiniLM-L6-v2 on the
  same text), and HNSW misses more for such outlying queries. A one-off check with the
  real model's vectors of the first 100k synthetic passages gave, at efSearch 256,
  recall@10 0.998 for the same questions and 0.995 for held-out passages, where the fake
  embedder's questions give about 0.9. Also reported: hits that tie the 10th exact score
  counted as found (identical passages have identical vectors), the share of the exact
  top 10 within the ANN's top ``CANDIDATES`` (the pool ``retrieve()`` rescores exactly),
  and how many of ``retrieve()``'s top 5 passages stay the same with exact search.
* **Disk.** The apparent size of ``index_dir/current`` without the ``onnx/`` model folder
  (listed separately: it does not grow with the corpus).

Limits
------
* The text is synthetic: recombined sentences of one article. Its vocabulary is far
  smaller than a real 100k-passage corpus, so BM25 posting lists are longer (slower
  lexical scoring) and more passages are near-duplicates than in real news.
* The fast embedder is not a language model: its latency, throughput and recall are those
  of the index around it, not of all-MiniLM-L6-v2. Its query embedding takes well under a
  millisecond where the real ONNX one takes a few, so the ``embed`` column is printed to
  let a reader add the real cost (the 1k row's) to the larger rows. Recall of HNSW over
  real embeddings may differ from recall over these vectors.
* Timings are wall-clock on a small shared machine, one run per size; treat small
  differences as noise. Peak RSS includes the interpreter and imported libraries (torch
  for the real-model rows).

The table is printed on stdout and written, with every figure, to ``--json`` (default
``artifacts/scale.json``). Progress goes to stderr. Exit status 0 when the benchmark
ran, 1 on an error, with a one-line reason; 2 when an HNSW recall@10 that is checked
(held-out passages; questions too with the real model) is below ``RECALL_TARGET``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/scale.py` from a plain checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.common import BenchError, machine, summary_ms, timed  # noqa: E402

ARTICLE = ROOT / "corpus" / "nissan-strategy-honda-talks.txt"
SEED = 20250401
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
REAL_MODEL_MAX = 2_000  # sizes up to this many passages embed with the real model
QUERIES = 100
RECALL_QUERIES = 200
RECALL_TARGET = 0.98
HELD_OUT_FROM = 10**7  # synthetic files from this number on are in no corpus (recall queries)
CHURN = 0.01  # share of files changed, added and deleted before the re-index
K = 5


# --------------------------------------------------------------------------- timing


_T0 = time.perf_counter()


def progress(msg: str) -> None:
    print(f"scale: [{time.perf_counter() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- fast embedder

_WORD = re.compile(r"[a-z0-9]+")  # "Nissan’s" and "Nissan's" both give "nissan" (and "s", a stop word)
_STOP = frozenset(
    "a an and are as at be been but by for from had has have he her his i in into is it its "
    "s t of on or our she so than that the their them then there these they this to was we "
    "were what when which while who will with would you".split()
)


class HashedBowEmbedder:
    """Hashed bag of words projected to 384 dimensions: deterministic, fast, torch-free.

    Each word (lower-cased, stop words dropped) gets a fixed Gaussian vector seeded by its
    hash, so every process embeds alike; a text is the sum of its words' vectors weighted
    ``1 + log tf``, L2-normalised.
    """

    name = "bench-hashed-bow-384"
    dimension = 384
    BATCH = 2048

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._proj = np.zeros((0, self.dimension), dtype=np.float32)

    def _add_words(self, words: set[str]) -> None:
        new = sorted(w for w in words if w not in self._vocab)
        if new:
            seeds = [int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little") for w in new]
            vecs = [np.random.default_rng(s).standard_normal(self.dimension, dtype=np.float32) for s in seeds]
            base = len(self._vocab)
            self._vocab.update((w, base + j) for j, w in enumerate(new))
            self._proj = np.concatenate([self._proj, np.asarray(vecs)])

    def _batch(self, texts: list[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix  # a dependency of sentence-transformers

        bags = []
        for text in texts:
            counts: dict[str, int] = {}
            for w in _WORD.findall(text.lower()):
                if w not in _STOP:
                    counts[w] = counts.get(w, 0) + 1
            bags.append(counts)
        self._add_words({w for bag in bags for w in bag})
        cols = [self._vocab[w] for bag in bags for w in bag]
        weights = np.asarray([1.0 + math.log(c) for bag in bags for c in bag.values()], dtype=np.float32)
        indptr = np.cumsum([0] + [len(bag) for bag in bags])
        bow = csr_matrix((weights, np.asarray(cols, dtype=np.int64), indptr), shape=(len(texts), len(self._proj)))
        out = np.asarray(bow @ self._proj, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def embed(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        parts = [self._batch(texts[i : i + self.BATCH]) for i in range(0, len(texts), self.BATCH)]
        return np.concatenate(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)


def make_embedder(kind: str):
    if kind == "fast":
        return HashedBowEmbedder()
    from assistant.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


# --------------------------------------------------------------------------- synthetic text

FIRST = ("Ivan Makoto Guillaume Ponz Akira Hana Kenji Sofia Marco Lena Ravi Priya Tomas Elena Yuki Omar "
         "Clara Diego Ingrid Felix Naomi Arjun Chloe Hiro Mateo Aiko Lars Zara Emil Mina").split()
LAST = ("Espinosa Uchida Cartier Pandikuthira Tanaka Moreau Okafor Lindqvist Romano Sato Mehta Novak "
        "Fischer Alvarez Kowalski Haddad Nakamura Brennan Costa Ivanova Dubois Kimura Reyes Larsen "
        "Osei Varga Mori Schultz Petrov Quinn").split()
SYLLABLES = "ka to ri ven dor mar lux sa no vi ta ze ron kei mo ra li sen qu dra fin zo ha".split()
MODELS = ("LEAF Rogue Pathfinder Sentra Ariya QX65 QX60 QX80 Kestrel Solace Tundara Vireo Maxon Corvo "
          "Altair Brisa Orbis Nomad Zephra Lumen Strato Vanta Kairo Mistral Osprey Talon Helix Rivo").split()
REGIONS = ("North America|India|LATAM|Africa|Oceania|Europe|China|Southeast Asia|the Middle East|Japan|"
           "Brazil|Mexico|Australia|Korea|Indonesia").split("|")
MONTHS = "January February March April May June July August September October November December".split()
ROLES = ("Chief Efficiency Officer|Chief Planning Officer|Chief Financial Officer|Chief Technology Officer|"
         "Head of Design|Chief Operating Officer").split("|")

# The article's own names, longest first, and the pool each is replaced from.
ENTITIES = [
    ("Ivan Espinosa", "person0"), ("Makoto Uchida", "person1"), ("Guillaume Cartier", "person2"),
    ("Ponz Pandikuthira", "person3"), ("Espinosa", "last0"), ("Uchida", "last1"), ("Cartier", "last2"),
    ("Pandikuthira", "last3"), ("Renault-Mitsubishi", "alliance"), ("Nissan-Honda", "pair"),
    ("Nissan", "company0"), ("Honda", "company1"), ("Foxconn", "company2"), ("INFINITI", "company3"),
    ("Tesla", "company4"), ("LEAF", "model0"), ("Rogue", "model1"), ("Pathfinder", "model2"),
    ("Sentra", "model3"), ("Ariya", "model4"), ("QX65", "model5"), ("QX60", "model6"), ("QX80", "model7"),
    ("North America", "region0"), ("India", "region1"), ("LATAM", "region2"), ("Africa", "region3"),
    ("Oceania", "region4"), ("April", "month0"), ("Chief Efficiency Officer", "role0"),
    ("Chief Planning Officer", "role1"),
]
_ENTITY = re.compile("|".join(re.escape(name) for name, _ in ENTITIES) + r"|\d+(?:st|nd|rd|th)\b|\d[\d,]*")
_ROLE_OF = dict(ENTITIES)


def article_parts() -> tuple[list[str], list[str], list[str]]:
    """The real article's sentences, section headings, and content words (for swaps)."""
    from assistant.chunking import split_sentences
    from assistant.corpus import paragraphs
    from assistant.records import Document

    try:
        text = ARTICLE.read_text(encoding="utf-8")
    except OSError as e:
        raise BenchError(f"cannot read the article {ARTICLE}: {e.strerror or e}") from None
    paras = paragraphs(Document(ARTICLE.name, text))
    sentences = [text[s:e] for p in paras for s, e in split_sentences(text, p.start, p.end)]
    headings = sorted({p.section for p in paras if p.section})
    words = sorted({w for s in sentences for w in re.findall(r"\b[a-z]{5,}\b", s)} - _STOP)
    if len(sentences) < 10 or not headings:
        raise BenchError(f"{ARTICLE} has too few sentences or headings to build a synthetic corpus from")
    return sentences, headings, words


def company(rng: np.random.Generator) -> str:
    n = int(rng.integers(2, 4))
    return "".join(rng.choice(SYLLABLES, n)).capitalize()


def cast(rng: np.random.Generator) -> dict[str, str]:
    """One file's replacement for every role: its own people, companies, models, regions."""
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(4)]
    companies = ["Nissan", "Honda"] if rng.random() < 0.05 else []
    companies += [company(rng) for _ in range(5 - len(companies))]
    out = {f"person{i}": p for i, p in enumerate(people)}
    out |= {f"last{i}": p.split()[1] for i, p in enumerate(people)}
    out |= {f"company{i}": c for i, c in enumerate(companies)}
    out |= {f"model{i}": str(m) for i, m in enumerate(rng.choice(MODELS, 8, replace=False))}
    out |= {f"region{i}": str(r) for i, r in enumerate(rng.choice(REGIONS, 5, replace=False))}
    out |= {"month0": str(rng.choice(MONTHS)), "alliance": f"{company(rng)}-{company(rng)}",
            "pair": f"{companies[0]}-{companies[1]}"}
    out |= {f"role{i}": str(r) for i, r in enumerate(rng.choice(ROLES, 2, replace=False))}
    return out


def number(rng: np.random.Generator, original: str) -> str:
    """A random number shaped like ``original`` (digits, thousands commas, ordinal suffix)."""
    if original[-1].isalpha():
        day = int(rng.integers(1, 29))
        return f"{day}{'th' if 10 <= day <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"
    digits = len(original.replace(",", ""))
    value = int(rng.integers(10 ** (digits - 1) if digits > 1 else 1, 10 ** digits))
    return f"{value:,}" if "," in original else str(value)


def vary(text: str, names: dict[str, str], words: list[str], rng: np.random.Generator) -> str:
    """``text`` with the file's names and fresh numbers, and some content words swapped."""
    text = _ENTITY.sub(lambda m: names[_ROLE_OF[m.group()]] if m.group() in _ROLE_OF else number(rng, m.group()), text)
    return re.sub(r"\b[a-z]{5,}\b", lambda m: str(rng.choice(words)) if rng.random() < 0.15 else m.group(), text)


def make_file(i: int, parts: tuple[list[str], list[str], list[str]], variant: int = 0) -> str:
    """Synthetic article number ``i``: a title, 3-5 headed sections of 2-3 paragraphs."""
    sentences, headings, words = parts
    rng = np.random.default_rng([SEED, i, variant])
    names = cast(rng)
    lines = [vary(str(rng.choice(headings)), names, words, rng)]
    for _ in range(int(rng.integers(3, 6))):
        lines.append(vary(str(rng.choice(headings)), names, words, rng))
        for _ in range(int(rng.integers(2, 4))):
            picked = rng.choice(len(sentences), int(rng.integers(1, 4)), replace=False)
            lines.append(" ".join(vary(sentences[j], names, words, rng) for j in picked))
    return "\n".join(lines) + "\n"


def file_name(i: int) -> str:
    return f"article-{i:06d}.txt"


def write_corpus(folder: Path, target: int, parts, max_chars: int) -> dict[str, int]:
    """Write files until the package's chunker yields ``target`` passages."""
    from assistant.chunking import chunk_document
    from assistant.records import Document

    folder.mkdir(parents=True)
    passages = sentences = i = 0
    while passages < target:
        text = make_file(i, parts)
        (folder / file_name(i)).write_text(text, encoding="utf-8")
        chunks = chunk_document(Document(file_name(i), text), max_chars)
        passages += len(chunks)
        sentences += sum(len(c.sentences) for c in chunks)
        i += 1
    return {"files": i, "passages": passages, "sentences": sentences}


def churn(folder: Path, n_files: int, parts) -> dict[str, int]:
    """Rewrite, delete and add ``CHURN`` of the files (at least one each), deterministically."""
    rng = np.random.default_rng([SEED, n_files, 7])
    n = max(1, round(CHURN * n_files))
    picked = rng.choice(n_files, 2 * n, replace=False)
    for i in picked[:n]:
        (folder / file_name(int(i))).write_text(make_file(int(i), parts, variant=1), encoding="utf-8")
    for i in picked[n:]:
        (folder / file_name(int(i))).unlink()
    for i in range(n_files, n_files + n):
        (folder / file_name(i)).write_text(make_file(i, parts), encoding="utf-8")
    return {"changed": n, "deleted": n, "added": n}


TEMPLATES = [
    "Who is {company}'s incoming CEO?",
    "What did {person} say about partnerships?",
    "When does {person} take over as CEO?",
    "Is {company} still talking to {company2}?",
    "What are {company} and {company2} sharing for large SUVs?",
    "When will the new {model} launch in {region}?",
    "How much better fuel economy does the {company} e-POWER system promise?",
    "Which alliance is {company} part of?",
    "What is {person}'s role at {company}?",
    "Does the {model} support the NACS charging port?",
    "How many new models will {company} launch in {region}?",
    "Why would a common platform help {company} control costs?",
    "What is {company}'s redefined market strategy?",
    "Does {company} have a cash flow problem?",
    "What is the price of the new {model}?",
]


def questions(n: int, seed: int) -> list[str]:
    """``n`` questions in the corpus's vocabulary (its pools of names and models)."""
    rng = np.random.default_rng([SEED, seed])
    out = []
    for j in range(n):
        names = cast(rng)
        out.append(TEMPLATES[j % len(TEMPLATES)].format(
            company=names["company0"], company2=names["company1"], person=names["person0"],
            model=names["model0"], region=names["region0"]))
    return out


# --------------------------------------------------------------------------- workers (subprocesses)


def worker_settings(folder: Path, kind: str):
    from assistant.config import Settings

    return Settings(corpus_dir=folder / "corpus", index_dir=folder / "index", onnx=kind == "real")


def loaded(kind: str):
    """The embedder, with the real model loaded (load time is never part of a figure)."""
    emb = make_embedder(kind)
    emb.embed(["load the model"])
    return emb


def disk_sizes(folder: Path) -> dict[str, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    onnx = folder / "onnx"
    return {"index_bytes": sum(p.stat().st_size for p in files if onnx not in p.parents),
            "onnx_bytes": sum(p.stat().st_size for p in files if onnx in p.parents),
            "sentences_npy_bytes": (folder / "sentences.npy").stat().st_size}


def work_build(folder: Path, kind: str) -> dict[str, Any]:
    from assistant.index import build

    settings = worker_settings(folder, kind)
    emb = loaded(kind)
    (index, unreadable), seconds = timed(lambda: build(settings, emb, report=lambda _m: None))
    if unreadable:
        raise BenchError(f"{len(unreadable)} synthetic file(s) unreadable, first: {unreadable[0]}")
    m = index.manifest
    return {"build_s": seconds, "passages": m["passages"], "sentences": m["sentences"],
            "dense_index": m["dense_index"], "embed_passages_per_s": m["passages_per_second"],
            "build_seconds_manifest": m["build_seconds"], "built_at": m["built_at"],
            "onnx_export": "probe_vector" in (m.get("onnx") or {}),
            **disk_sizes(index.folder)}


def work_query(folder: Path, kind: str, built_at: str) -> dict[str, Any]:
    from assistant.answering import Assistant
    from assistant.retrieval import retrieve

    settings = worker_settings(folder, kind)
    # Not loaded here: with an ONNX export, a query process never loads the torch model.
    assistant = Assistant(settings, embedder=make_embedder(kind))
    index, load_s = timed(lambda: assistant.index)
    if index.manifest.get("built_at") != built_at:
        raise BenchError("Assistant rebuilt the index instead of loading it (stale manifest?)")
    qe, qe_s = timed(lambda: assistant.query_embedder)
    qs = questions(QUERIES, 1)
    calls = {"embed": lambda q: qe.embed([q]),
             "retrieve": lambda q: retrieve(q, index, qe, K, settings.mode),
             "answer": lambda q: assistant.answer(q)}
    for q in qs:  # untimed: first use of every input length, caches, page-ins
        for call in calls.values():
            call(q)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    answers = []
    for j, q in enumerate(qs):
        for name in list(calls) if j % 2 == 0 else list(calls)[::-1]:
            result, s = timed(lambda name=name, q=q: calls[name](q))
            samples[name].append(s)
            if name == "answer":
                answers.append(result)
    errors = [a.error for a in answers if a.error]
    if errors:
        raise BenchError(f"answer() reported {len(errors)} error(s), first: {errors[0]}")
    return {"load_s": load_s, "query_embedder": type(qe).__name__, "query_embedder_load_s": qe_s,
            "answered_share": sum(a.answerable for a in answers) / len(answers),
            **{f"{name}_ms": summary_ms(s) for name, s in samples.items()}}


def held_out_passages(n: int, max_chars: int) -> list[str]:
    """The embedded text of ``n`` passages of synthetic files that are in no corpus."""
    from assistant.chunking import chunk_document
    from assistant.index import embed_text
    from assistant.records import Document

    parts, out, i = article_parts(), [], HELD_OUT_FROM
    while len(out) < n:
        out += [embed_text(c) for c in chunk_document(Document(file_name(i), make_file(i, parts)), max_chars)]
        i += 1
    return out[:n]


def recall_at_10(ann, exact, vectors: np.ndarray, q: np.ndarray) -> dict[str, float]:
    """Recall@10 of ``ann`` against ``exact`` for query vectors ``q``; also counting hits
    that tie the 10th exact score, and the share of the exact top 10 among the ANN's
    ``CANDIDATES`` (the pool retrieve() rescores exactly)."""
    from assistant.params import RetrievalParams

    pool = RetrievalParams().candidates

    (d_exact, i_exact), exact_s = timed(lambda: exact.search(q, 10))
    (_, i_ann), ann_s = timed(lambda: ann.search(q, 10))
    _, i_pool = ann.search(q, pool)
    true_scores = np.einsum("qkd,qd->qk", vectors[i_ann], q)  # the exact score of each ANN hit
    return {
        "recall_at_10": float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(i_ann, i_exact, strict=True)])),
        "recall_at_10_ties": float(np.mean(np.minimum((true_scores >= d_exact[:, 9:10] - 1e-5).sum(1), 10) / 10)),
        "candidates": pool,
        "recall_10_in_candidates": float(np.mean([len(set(p) & set(e)) / 10
                                                  for p, e in zip(i_pool, i_exact, strict=True)])),
        "top1_cosine_p50": float(np.median(d_exact[:, 0])),
        "ann_search_ms_per_query": ann_s * 1000 / len(q), "exact_search_ms_per_query": exact_s * 1000 / len(q),
    }


def top5_agreement(index, exact, emb, settings) -> float:
    """Share of retrieve()'s top-5 passages that are the same with exact search instead of HNSW."""
    from dataclasses import replace

    from assistant.retrieval import retrieve

    exact_index = replace(index, passages=exact)
    same = []
    for q in questions(QUERIES, 1):
        vector = emb.embed([q])[0]
        a = {p.chunk.id for p in retrieve(q, index, emb, K, settings.mode, vector=vector).passages}
        b = {p.chunk.id for p in retrieve(q, exact_index, emb, K, settings.mode, vector=vector).passages}
        same.append(len(a & b) / max(len(b), 1))
    return float(np.mean(same))


def work_recall(folder: Path, kind: str) -> dict[str, Any]:
    import faiss

    from assistant.index import load

    settings = worker_settings(folder, kind)
    emb = loaded(kind)
    index = load(settings, emb)
    ann = index.passages
    if not hasattr(ann, "hnsw"):
        return {}
    vectors = ann.reconstruct_n(0, ann.ntotal)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    embed = lambda texts: np.ascontiguousarray(emb.embed(texts), dtype=np.float32)  # noqa: E731
    return {"ef_search": ann.hnsw.efSearch,
            "questions": recall_at_10(ann, exact, vectors, embed(questions(RECALL_QUERIES, 2))),
            "held_out_passages": recall_at_10(
                ann, exact, vectors, embed(held_out_passages(RECALL_QUERIES, settings.max_chunk_chars))),
            "retrieve_top5_agreement": top5_agreement(index, exact, emb, settings)}


def work_reindex(folder: Path, kind: str) -> dict[str, Any]:
    from assistant.index import build, reusable

    settings = worker_settings(folder, kind)
    emb = loaded(kind)
    previous, load_s = timed(lambda: reusable(settings, emb))
    if previous is None:
        raise BenchError("the index built before is not reusable for the re-index")
    (index, _), build_s = timed(lambda: build(settings, emb, report=lambda _m: None, previous=previous))
    m = index.manifest
    return {"reindex_s": load_s + build_s, "load_previous_s": load_s, "build_s": build_s,
            "embedded": m["embedded"], "reused": m["reused"], "passages": m["passages"]}


WORKERS = {"build": work_build, "query": work_query, "recall": work_recall, "reindex": work_reindex}


def worker_main(args: argparse.Namespace) -> int:
    """Run one step in this (child) process; print its result as the last stdout line."""
    import logging

    logging.disable(logging.WARNING)  # the parent reports; a stray log line is noise here
    extra = (args.built_at,) if args.worker == "query" else ()
    try:
        result = WORKERS[args.worker](Path(args.dir), args.embedder, *extra)
    except Exception as e:  # noqa: BLE001 - the parent shows the last line; the traceback is for a manual run
        traceback.print_exc()
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------- parent


def run_worker(step: str, folder: Path, kind: str, built_at: str = "") -> dict[str, Any]:
    """One step in a fresh interpreter; its JSON result plus its own peak RSS and wall time."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--worker", step, "--dir", str(folder),
            "--embedder", kind, "--built-at", built_at]
    with open(folder / f"{step}.out", "wb") as out, open(folder / f"{step}.err", "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = (folder / f"{step}.err").read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
        raise BenchError(f"{step} step exited with {code}: {tail[0]}")
    lines = (folder / f"{step}.out").read_text(errors="replace").strip().splitlines()
    if not lines:
        raise BenchError(f"{step} step printed no result")
    return json.loads(lines[-1]) | {"peak_rss_mb": usage.ru_maxrss / 1024.0, "process_wall_s": wall}


def bench_size(target: int, tmp: Path, parts, max_chars: int) -> dict[str, Any]:
    """Generate, build, query, check recall, churn and re-index one size."""
    kind = "real" if target <= REAL_MODEL_MAX else "fast"
    folder = tmp / f"n{target}"
    label = f"{target:,} passages ({'real model' if kind == 'real' else 'fast embedder'})"
    try:
        return measure_size(target, kind, folder, label, parts, max_chars)
    except BenchError as e:
        raise BenchError(f"{label}: {e}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure_size(target: int, kind: str, folder: Path, label: str, parts, max_chars: int) -> dict[str, Any]:
    """The steps of one size, each measured in its own subprocess."""
    progress(f"{label}: writing the synthetic corpus")
    corpus, gen_s = timed(lambda: write_corpus(folder / "corpus", target, parts, max_chars))
    progress(f"{label}: {corpus['files']:,} files, {corpus['passages']:,} passages in {gen_s:.1f}s; building")
    res: dict[str, Any] = {"target": target, "embedder": kind, "corpus": corpus, "generate_s": gen_s}
    res["build"] = run_worker("build", folder, kind)
    progress(f"{label}: built in {res['build']['build_s']:.1f}s ({res['build']['dense_index']}); "
             f"timing {QUERIES} queries")
    res["query"] = run_worker("query", folder, kind, res["build"]["built_at"])
    if res["build"]["dense_index"] != "IndexFlatIP":
        progress(f"{label}: recall@10 of {res['build']['dense_index']} on {RECALL_QUERIES} queries")
        res["recall"] = run_worker("recall", folder, kind)
    res["churn"] = churn(folder / "corpus", corpus["files"], parts)
    c = res["churn"]
    progress(f"{label}: re-indexing after {c['changed']} file(s) changed, {c['added']} added, {c['deleted']} deleted")
    res["reindex"] = run_worker("reindex", folder, kind)
    progress(f"{label}: done")
    return res


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.0f}"


def table(results: list[dict[str, Any]]) -> str:
    head = ["passages", "files", "embedder", "dense index", "build s", "build passages/s", "embed passages/s",
            "re-index s (embedded / reused)", "index MB", "build peak RSS MB", "load s", "query peak RSS MB",
            "embed([q]) p50 ms", "retrieve() p50 / p95 ms", "answer() p50 / p95 ms",
            "HNSW recall@10: held-out passages (questions)"]
    rows = []
    for r in results:
        b, q, ri, rc = r["build"], r["query"], r["reindex"], r.get("recall") or {}
        recall = (f"{rc['held_out_passages']['recall_at_10']:.3f} ({rc['questions']['recall_at_10']:.3f})"
                  if rc else "exact search")
        rows.append([
            f"{b['passages']:,}", f"{r['corpus']['files']:,}",
            "all-MiniLM-L6-v2" if r["embedder"] == "real" else "hashed BoW (fake)",
            b["dense_index"], f"{b['build_s']:.1f}", f"{b['passages'] / b['build_s']:,.0f}",
            f"{b['embed_passages_per_s']:,.0f}",
            f"{ri['reindex_s']:.1f} ({ri['embedded']:,} / {ri['reused']:,})",
            _mb(b["index_bytes"]), f"{b['peak_rss_mb']:,.0f}", f"{q['load_s']:.2f}", f"{q['peak_rss_mb']:,.0f}",
            f"{q['embed_ms']['p50']:.2f}",
            f"{q['retrieve_ms']['p50']:.1f} / {q['retrieve_ms']['p95']:.1f}",
            f"{q['answer_ms']['p50']:.1f} / {q['answer_ms']['p95']:.1f}", recall,
        ])
    align = ["---" if name in ("embedder", "dense index") else "---:" for name in head]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [head, align, *rows])


def notes(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    out = [f"Machine: {meta['cpus']} CPUs, Python {meta['python']}, {meta['platform']}; {meta['date']}; "
           f"total {meta['total_s']:.0f}s."]
    for r in results:
        b, q = r["build"], r["query"]
        if b.get("onnx_bytes"):
            out.append(f"{b['passages']:,} passages: queries embedded with {q['query_embedder']}; "
                       f"the ONNX model adds {_mb(b['onnx_bytes'])} MB on disk (not in 'index MB').")
        if r.get("recall"):
            rc, qs, ps = r["recall"], r["recall"]["questions"], r["recall"]["held_out_passages"]
            out.append(
                f"{b['passages']:,} passages, {b['dense_index']} (efSearch {rc['ef_search']}), recall@10 against exact "
                f"search: {ps['recall_at_10']:.3f} for {RECALL_QUERIES} held-out passage vectors (target "
                f"{RECALL_TARGET}); {qs['recall_at_10']:.3f} for {RECALL_QUERIES} question vectors "
                f"({qs['recall_at_10_ties']:.3f} counting ties; exact top 10 within the ANN's top "
                f"{qs['candidates']}, the pool retrieve() rescores: {qs['recall_10_in_candidates']:.3f}; median best "
                f"cosine {qs['top1_cosine_p50']:.2f}, a harsher case with the fake embedder than with the real "
                f"model). retrieve()'s top 5 are the same as with exact search for "
                f"{rc['retrieve_top5_agreement']:.1%} of passages over {QUERIES} questions. Search "
                f"{qs['ann_search_ms_per_query']:.2f} ms/query vs exact {qs['exact_search_ms_per_query']:.2f} ms/query "
                f"(batches of {RECALL_QUERIES}).")
    out.append("Build time excludes model loading and includes chunking, embedding, BM25, FAISS and saving "
               "(and the ONNX export for the real model). 'embed passages/s' is the embedding step alone "
               "(the fake embedder's is not a model's). Query figures: warm, one process, "
               f"{QUERIES} questions, k={K}, hybrid; the fake embedder's embed([q]) costs far less than "
               "the real model's, so add the real row's embed p50 to compare rows.")
    return "\n".join(f"- {line}" for line in out)


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s.replace("_", "")) for s in text.split(",") if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of whole numbers: {text!r}") from None
    if not sizes or min(sizes) < 10:
        raise argparse.ArgumentTypeError("sizes must be whole numbers of at least 10 passages")
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=parse_sizes, help="passage counts, comma-separated (default 1000,10000,100000)")
    p.add_argument("--quick", action="store_true", help="sizes 1000 and 10000 only")
    p.add_argument("--json", type=Path, default=Path("artifacts/scale.json"),
                   help="where to write every figure (default: %(default)s, from the repo root)")
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--embedder", choices=("real", "fast"), help=argparse.SUPPRESS)
    p.add_argument("--built-at", default="", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.quick and a.sizes:
        p.error("--quick and --sizes cannot be combined")
    a.sizes = a.sizes or (QUICK_SIZES if a.quick else DEFAULT_SIZES)
    return a


def run(args: argparse.Namespace) -> dict[str, Any]:
    from assistant.config import Settings

    max_chars = Settings().max_chunk_chars
    parts = article_parts()
    results = []
    with tempfile.TemporaryDirectory(prefix="assistant-scale-") as d:
        for target in sorted(set(args.sizes)):
            results.append(bench_size(target, Path(d), parts, max_chars))
    meta = machine() | {"total_s": time.perf_counter() - _T0}
    return {"machine": meta, "sizes": results, "table": table(results), "notes": notes(results, meta)}


def checked_recall(kind: str) -> tuple[str, ...]:
    """The query sets RECALL_TARGET applies to: fake-embedder questions are a stress case
    (see the module docstring), real-model questions are not."""
    return ("held_out_passages", "questions") if kind == "real" else ("held_out_passages",)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    from assistant.errors import AssistantError

    try:
        res = run(args)
    except (BenchError, AssistantError, OSError, subprocess.SubprocessError) as e:
        print(f"scale: error: {e}", file=sys.stderr)
        return 1
    print(res["table"] + "\n\n" + res["notes"])
    path = args.json if args.json.is_absolute() else ROOT / args.json
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    except OSError as e:
        print(f"scale: error: cannot write {path}: {e.strerror or e}", file=sys.stderr)
        return 1
    progress(f"written: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    low = [f"{r['build']['passages']:,} passages ({what})" for r in res["sizes"] if r.get("recall")
           for what in checked_recall(r["embedder"]) if r["recall"][what]["recall_at_10"] < RECALL_TARGET]
    if low:
        print(f"scale: HNSW recall@10 below {RECALL_TARGET}: {', '.join(low)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
