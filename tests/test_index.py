"""The saved index: round trip, stale and corrupt paths rebuilt, atomic writes, FAISS exact."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from assistant import index as index_mod
from assistant.errors import AssistantError, IndexLoadError
from assistant.index import CURRENT, build, context_texts, contexts, embed_text, load, load_or_build, sentence_texts
from assistant.lexical import Lexical, tokenize
from assistant.records import Chunk
from assistant.retrieval import dense_scores, retrieve

from .conftest import ARTICLE, HashingEmbedder


def test_build_then_load_round_trips(settings):
    emb = HashingEmbedder()
    built, bad = build(settings, emb)
    assert bad == []
    loaded = load(settings, emb)
    assert loaded.chunks == built.chunks
    assert loaded.manifest["model"] == emb.name and loaded.manifest["dimension"] == 64
    assert loaded.manifest["chunking"]["max_chars"] == settings.max_chunk_chars
    assert set(loaded.manifest["corpus"]) == {"nissan-strategy-honda-talks.txt"}
    assert loaded.manifest["format_version"] == index_mod.FORMAT_VERSION
    np.testing.assert_allclose(loaded.sentence_vectors, built.sentence_vectors)


def test_second_load_does_not_rebuild(settings, caplog):
    emb = HashingEmbedder()
    load_or_build(settings, emb)
    calls = emb.calls
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        load_or_build(settings, emb)
    assert emb.calls == calls and "rebuilding" not in caplog.text


@pytest.mark.parametrize("change, reason", [
    (lambda s, c: (c / "extra.txt").write_text("Title\nA new article arrives today.\n"), "corpus files changed"),
    (lambda s, c: (c / "nissan-strategy-honda-talks.txt").write_text("Changed\nEverything changed here.\n"), "corpus"),
])
def test_stale_index_is_rebuilt_with_a_log_line(settings, corpus_dir, caplog, change, reason):
    emb = HashingEmbedder()
    build(settings, emb)
    change(settings, corpus_dir)
    with pytest.raises(IndexLoadError, match="stale"):
        load(settings, emb)
    with caplog.at_level(logging.WARNING):
        idx = load_or_build(settings, emb)
    assert "rebuilding the index" in caplog.text and reason in caplog.text
    assert load(settings, emb).manifest == idx.manifest


def test_other_settings_or_model_make_it_stale(settings):
    build(settings, HashingEmbedder())
    with pytest.raises(IndexLoadError, match="chunking changed"):
        load(settings.with_(max_chunk_chars=250), HashingEmbedder())
    other = HashingEmbedder()
    other.name = "another-model"
    with pytest.raises(IndexLoadError, match="model changed"):
        load(settings, other)


@pytest.mark.parametrize("victim", ["passages.faiss", "chunks.jsonl", "sentences.npy", "manifest.json"])
def test_corrupt_index_is_detected_and_rebuilt(settings, caplog, victim):
    emb = HashingEmbedder()
    build(settings, emb)
    path = settings.index_dir / CURRENT / victim
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2] + b"\x00garbage")
    with pytest.raises(IndexLoadError):
        load(settings, emb)
    with caplog.at_level(logging.WARNING):
        idx = load_or_build(settings, emb)
    assert "rebuilding the index" in caplog.text
    assert len(idx.chunks) == len(load(settings, emb).chunks)


def test_a_crash_mid_build_leaves_the_previous_index_loadable(settings, monkeypatch):
    emb = HashingEmbedder()
    first = build(settings, emb)[0]

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(index_mod.Lexical, "save", boom)
    with pytest.raises(AssistantError, match="disk full.*previous index is kept"):
        build(settings, emb)
    assert load(settings, emb).chunks == first.chunks
    names = sorted(p.name for p in settings.index_dir.iterdir())
    assert not [n for n in names if n.startswith((".build", ".link"))]  # no half-written folder left
    assert [n for n in names if n.startswith("v")] == [first.folder.name]
    assert (settings.index_dir / CURRENT).resolve() == first.folder  # still the first version


def test_a_crash_on_the_first_build_leaves_nothing_that_loads(settings, monkeypatch):
    monkeypatch.setattr(index_mod.Lexical, "save", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(AssistantError):
        build(settings, HashingEmbedder())
    with pytest.raises(IndexLoadError, match="no index"):
        load(settings, HashingEmbedder())


def test_faiss_ranking_matches_brute_force_numpy(settings):
    emb = HashingEmbedder()
    idx = build(settings, emb)[0]
    passage_vecs = emb.embed([embed_text(c) for c in idx.chunks])
    sentence_vecs = emb.embed(sentence_texts(idx.chunks))
    owner = np.repeat(np.arange(len(idx.chunks)), [len(c.sentences) for c in idx.chunks])
    ids = np.arange(len(idx.chunks))
    for q in ["Who is the new CEO?", "fuel economy of e-POWER", "Honda merger talks", "NACS port"]:
        qv = emb.embed([q])[0]
        # the dense score: the passage's cosine or its best sentence's, whichever is higher
        best_sentence = np.array([(sentence_vecs @ qv)[owner == i].max() for i in ids])
        expected = np.maximum(passage_vecs @ qv, best_sentence)
        np.testing.assert_allclose(dense_scores(qv, idx, ids), expected, rtol=1e-5, atol=1e-6)
        r = retrieve(q, idx, emb, k=len(idx.chunks), mode="dense")
        assert [p.dense for p in r.passages] == pytest.approx(sorted(expected, reverse=True), abs=1e-5)
        assert r.passages[0].chunk.id == int(np.argmax(expected))


def _clustered(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Vectors shaped like text embeddings: mixtures of a few topic centres plus noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, dim)).astype(np.float32)
    x = rng.dirichlet(np.full(50, 0.05), size=n).astype(np.float32) @ centres
    x += 0.3 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_large_indexes_are_approximate_and_keep_recall_against_exact(monkeypatch):
    import faiss

    monkeypatch.setattr(index_mod, "EXACT_LIMIT", 1_000)
    vecs, queries = _clustered(8_000), _clustered(100, seed=1)
    assert isinstance(index_mod.dense_index(vecs[:1_000]), faiss.IndexFlatIP)
    approx = index_mod.dense_index(vecs)
    assert isinstance(approx, faiss.IndexHNSWFlat)
    exact = faiss.IndexFlatIP(vecs.shape[1])
    exact.add(vecs)
    _, want = exact.search(queries, 10)
    _, got = approx.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(want, got, strict=True)])
    assert recall >= 0.98


def test_reindexing_embeds_only_new_or_changed_files_and_drops_deleted(settings, corpus_dir):
    emb = HashingEmbedder()
    first = build(settings, emb)[0]
    (corpus_dir / "second.txt").write_text("Second Story\nA brand new article arrives. It has two sentences.\n")
    emb.texts.clear()
    idx = load_or_build(settings, emb)
    assert idx.manifest["reused"] == len(first.chunks) and idx.manifest["embedded"] == 1
    assert all("brand new" in t or "two sentences" in t for t in emb.texts)  # only the new file
    old = [c for c in idx.chunks if c.source == "nissan-strategy-honda-talks.txt"]
    assert [(c.start, c.end) for c in old] == [(c.start, c.end) for c in first.chunks]
    np.testing.assert_allclose(idx.passages.reconstruct_n(0, len(old)), first.passages.reconstruct_n(0, len(old)))
    np.testing.assert_allclose(idx.sentence_vectors[: len(first.sentence_vectors)], first.sentence_vectors)
    # reused contexts are the ones a fresh embedding of the contexts gives, row for row
    np.testing.assert_allclose(idx.context_vectors, emb.embed(context_texts(idx.chunks)), rtol=1e-5, atol=1e-6)

    (corpus_dir / "second.txt").write_text("Second Story\nThe article was edited today.\n")
    emb.texts.clear()
    idx = load_or_build(settings, emb)
    assert idx.manifest["embedded"] == 1 and "edited" in " ".join(emb.texts)

    (corpus_dir / "second.txt").unlink()
    idx = load_or_build(settings, emb)
    assert {c.source for c in idx.chunks} == {"nissan-strategy-honda-talks.txt"}
    assert idx.manifest["embedded"] == 0 and len(idx.chunks) == len(first.chunks)
    # the rebuilt index answers exactly like a fresh one
    fresh = build(settings.with_(index_dir=settings.index_dir.parent / "fresh"), HashingEmbedder())[0]
    for q in ["Who is the new CEO?", "NACS port"]:
        assert [p.chunk for p in retrieve(q, idx, emb).passages] == [p.chunk for p in retrieve(q, fresh, emb).passages]


def test_readers_never_see_a_half_swapped_index_while_others_build(settings):
    import threading

    emb = HashingEmbedder()
    build(settings, emb)
    failures: list[str] = []
    stop = threading.Event()

    def builder():
        for _ in range(5):
            build(settings, HashingEmbedder())
        stop.set()

    def reader():
        while not stop.is_set():
            try:
                load(settings, emb)
            except Exception as e:  # noqa: BLE001 - any failure is the finding
                failures.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=builder) for _ in range(2)] + [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_an_empty_new_file_is_skipped_and_later_answers_still_work(settings, corpus_dir):
    emb = HashingEmbedder()
    first = build(settings, emb)[0]
    (corpus_dir / "empty.md").write_text("")
    (corpus_dir / "heading-only.txt").write_text("Just A Headline\n")
    idx = load_or_build(settings, emb)
    assert [c.source for c in idx.chunks] == [c.source for c in first.chunks]
    assert load(settings, emb).manifest == idx.manifest  # and it is not stale next time
    assert retrieve("Who is the new CEO?", idx, emb).passages


def test_offsets_follow_read_text_for_crlf_files(settings, corpus_dir):
    text = "Windows Headline\r\nFirst sentence here. Second one follows.\r\n\r\nAnother paragraph.\r\n"
    (corpus_dir / "crlf.txt").write_bytes(text.encode("utf-8"))
    idx = build(settings, HashingEmbedder())[0]
    source = (corpus_dir / "crlf.txt").read_text(encoding="utf-8")
    chunks = [c for c in idx.chunks if c.source == "crlf.txt"]
    assert [c.section for c in chunks] == ["Windows Headline", "Windows Headline"]
    for c in chunks:
        assert source[c.start:c.end] == c.text and all(source[a:b].strip() for a, b in c.sentences)


def test_an_index_of_the_format_1_layout_is_adopted_and_rebuilt(settings):
    """An index folder left by the store before markers is recognised by its exact shape."""
    import json
    import os

    from assistant import store

    root = settings.index_dir
    old = root / "v1732000000000000000-4242"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text(json.dumps({"format_version": 1}))
    os.symlink(old.name, root / "current")
    (root / ".lock").write_text("")
    idx = load_or_build(settings, HashingEmbedder())
    assert (root / store.STORE_MARKER).is_file() and idx.folder.name != old.name
    assert (old / store.VERSION_MARKER).read_text().strip() == old.name  # adopted: removable once retired


def test_bm25_built_from_token_ids_scores_like_bm25_built_from_strings():
    from assistant import lexical

    texts = [line for line in ARTICLE.read_text().splitlines() if line.strip()]
    from_ids = lexical.Lexical.build(texts)
    bm25 = lexical._bm25s().BM25()
    bm25.index(lexical.tokenize(texts), show_progress=False)
    from_strings = lexical.Lexical(bm25)
    for q in ["who is the ceo", "honda merger talks", "e-power fuel economy NACS", "zzz unknown words"]:
        tokens = lexical.tokenize([q])[0]
        np.testing.assert_allclose(from_ids.scores(tokens), from_strings.scores(tokens))
        assert sorted(from_ids.known(tokens)) == sorted(from_strings.known(tokens))


def test_a_sentence_is_read_in_context_with_its_section_and_the_sentence_before(settings, corpus_dir):
    (corpus_dir / "second.txt").write_text("Plans Ahead\nThe two firms work on several fronts. SUVs and software are "
                                           "in play.\n\nOther News\nA new section starts here.\n")
    idx = build(settings, HashingEmbedder())[0]
    chunks = [c for c in idx.chunks if c.source == "second.txt"]
    assert context_texts(chunks) == [
        "Plans Ahead: The two firms work on several fronts.",
        "Plans Ahead: The two firms work on several fronts. SUVs and software are in play.",
        "Other News: A new section starts here.",  # a new section: nothing from the one before
    ]
    texts = context_texts(idx.chunks)
    assert len(texts) == len(idx.context_vectors) == len(sentence_texts(idx.chunks))
    assert all(t.endswith(s) for t, s in zip(texts, sentence_texts(idx.chunks), strict=True))


def test_a_piece_cut_out_of_text_with_no_sentence_end_is_read_alone():
    text = "a long line with no end cut here and it goes on. After the cut."
    cut = text.index(" and")
    chunk = Chunk(0, "x.txt", 0, len(text), text, "", ((0, cut), (cut + 1, text.index(".") + 1),
                                                     (text.index("After"), len(text))))
    assert context_texts([chunk]) == ["a long line with no end cut here", "and it goes on.",
                                      "and it goes on. After the cut."]


def test_the_contexts_index_scores_like_one_built_from_the_joined_texts(settings):
    idx = build(settings, HashingEmbedder())[0]
    reference = Lexical.build(context_texts(idx.chunks))
    joined = Lexical.build_joined(*contexts(idx.chunks))
    for q in ["What is next for Nissan and Honda?", "large SUVs platforms", "fuel economy"]:
        tokens = tokenize([q])[0]
        np.testing.assert_allclose(joined.scores(tokens), reference.scores(tokens), rtol=1e-6)
        np.testing.assert_allclose(idx.bm25_contexts.scores(tokens), reference.scores(tokens), rtol=1e-6)
