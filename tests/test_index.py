"""The saved index: round trip, stale and corrupt paths rebuilt, atomic writes, FAISS exact."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from assistant import index as index_mod
from assistant.errors import IndexLoadError
from assistant.index import CURRENT, build, embed_text, load, load_or_build, sentence_texts
from assistant.retrieval import dense_scores, retrieve

from .conftest import HashingEmbedder


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
    with pytest.raises(OSError):
        build(settings, emb)
    assert load(settings, emb).chunks == first.chunks
    assert [p.name for p in settings.index_dir.iterdir()] == [CURRENT]  # no half-written folder left


def test_a_crash_on_the_first_build_leaves_nothing_that_loads(settings, monkeypatch):
    monkeypatch.setattr(index_mod.Lexical, "save", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        build(settings, HashingEmbedder())
    with pytest.raises(IndexLoadError, match="no index"):
        load(settings, HashingEmbedder())


def test_faiss_scores_and_ranking_match_brute_force_numpy(settings):
    emb = HashingEmbedder()
    idx = build(settings, emb)[0]
    passage_vecs = emb.embed([embed_text(c) for c in idx.chunks])
    sentence_vecs = emb.embed(sentence_texts(idx.chunks))
    owner = np.repeat(np.arange(len(idx.chunks)), [len(c.sentences) for c in idx.chunks])
    for q in ["Who is the new CEO?", "fuel economy of e-POWER", "Honda merger talks", "NACS port"]:
        qv = emb.embed([q])[0]
        brute = passage_vecs @ qv
        np.testing.assert_allclose(dense_scores(qv, idx), brute, rtol=1e-5, atol=1e-6)
        # the dense score retrieval ranks by: the passage's cosine or its best sentence's, whichever is higher
        best_sentence = np.array([(sentence_vecs @ qv)[owner == i].max() for i in range(len(idx.chunks))])
        expected = np.maximum(brute, best_sentence)
        r = retrieve(q, idx, emb, k=len(idx.chunks), mode="dense")
        assert [p.dense for p in r.passages] == pytest.approx(sorted(expected, reverse=True), abs=1e-5)
        assert [p.chunk.id for p in r.passages][:1] == [int(np.argmax(expected))]
