"""Hostile corpora: text with no sentence boundary, huge files, links out of the corpus."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.chunking import chunk_documents
from assistant.config import ROOT
from assistant.corpus import read_corpus
from assistant.index import build, load
from assistant.records import Document

from .conftest import HashingEmbedder

JAPANESE = "日産自動車は新しい経営計画を発表し、ホンダとの協議を続けると述べた" * 60  # 3,000+ chars, no 。


@pytest.mark.parametrize("text", [
    JAPANESE,
    "日産は計画を発表した。" * 300,
    "nissan said on monday that talks continue. honda did not comment. " * 60,  # lower-case starts
    "x" * 5_000,  # one 'word' longer than any limit
    "word " * 2_000,
])
def test_no_passage_or_sentence_exceeds_the_limit(text):
    doc = Document("a.txt", "Headline Here\n" + text + "\n")
    chunks = chunk_documents([doc], 500)
    assert chunks and all(len(c.text) <= 500 for c in chunks)
    assert all(e - s <= 500 for c in chunks for s, e in c.sentences)
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    covered = "".join(doc.text[s:e] for c in chunks for s, e in c.sentences)
    assert covered.replace(" ", "") == text.replace(" ", "")  # nothing dropped but the spaces at cuts


@hsettings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=3000), max_chars=st.integers(50, 400))
def test_property_any_text_gives_exact_slices_within_the_limit(text, max_chars):
    doc = Document("any.txt", text)
    for c in chunk_documents([doc], max_chars):
        assert doc.text[c.start:c.end] == c.text and len(c.text) <= max_chars
        assert all(c.start <= s < e <= c.end and e - s <= max_chars for s, e in c.sentences)


def test_many_rejected_abbreviations_do_not_make_splitting_quadratic():
    import time

    from assistant.chunking import split_sentences

    text = "A. " * 200_000  # every boundary is an initial: rejected
    t = time.perf_counter()
    split_sentences(text)
    assert time.perf_counter() - t < 5  # quadratic: minutes


def test_a_file_over_the_size_limit_is_skipped_with_a_clear_reason(settings, corpus_dir):
    (corpus_dir / "huge.txt").write_bytes(b"Big File\n" + b"word " * 300_000)  # 1.5 MB
    small = settings.with_(max_file_mb=1)
    docs, bad = read_corpus(corpus_dir, small.max_file_bytes)
    assert [d.source for d in docs] == ["nissan-strategy-honda-talks.txt"]
    assert [b.source for b in bad] == ["huge.txt"] and "over the 1 MB limit" in bad[0].reason
    lines: list[str] = []
    idx = build(small, HashingEmbedder(), report=lines.append)[0]
    assert {c.source for c in idx.chunks} == {"nissan-strategy-honda-talks.txt"}
    assert [line for line in lines if "huge.txt" in line] == [f"skipped huge.txt: {bad[0].reason}"]  # once
    assert load(small, HashingEmbedder()).manifest["unreadable"] == {"huge.txt": bad[0].reason}


def test_a_link_out_of_the_corpus_is_not_followed_and_the_log_says_so(settings, corpus_dir, tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Private Notes\nThe password to the vault is hunter2 and nobody knows.\n")
    os.symlink(secret, corpus_dir / "notes.txt")
    os.symlink(secret.parent, corpus_dir / "more")
    (corpus_dir / "inside.txt").symlink_to(corpus_dir / "nissan-strategy-honda-talks.txt")  # stays inside: fine
    lines: list[str] = []
    idx = build(settings, HashingEmbedder(), report=lines.append)[0]
    assert not [c for c in idx.chunks if "hunter2" in c.text]
    assert {c.source for c in idx.chunks} == {"inside.txt", "nissan-strategy-honda-talks.txt"}
    said = "\n".join(lines)
    assert "skipped notes.txt: a link to a file outside the corpus folder: not followed" in said
    assert "skipped more: a link to a folder" in said
    from assistant.answering import Assistant

    a = Assistant(settings, embedder=HashingEmbedder()).answer("What is the password to the vault?")
    assert "hunter2" not in a.text and all("hunter2" not in c.text for c in a.closest + a.citations)


RSS_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from assistant.config import Settings
    from assistant.index import build
    from tests.conftest import HashingEmbedder

    class Lean(HashingEmbedder):
        def embed(self, texts, **kw):
            out = super().embed(texts, **kw)
            self.texts.clear()  # the fake's call log would otherwise hold every text
            return out

    base = Path({base!r})
    index, _ = build(Settings(corpus_dir=base / "corpus", index_dir=base / "index", onnx=False), Lean())
    longest = max(len(c.text) for c in index.chunks)
    # VmHWM, not ru_maxrss: after exec, ru_maxrss still counts the parent's memory (the
    # pytest process, 900 MB once the real model is loaded) through the fork.
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(len(index.chunks), longest, int(hwm.split()[1]) // 1024)
""")


def _one_line_file(path: Path, size: int) -> None:
    """``size`` bytes of the article's words in random order: one line, no sentence boundary."""
    words = re.findall(r"\w+", (ROOT / "corpus" / ARTICLE_NAME).read_text().lower())
    rng = random.Random(0)
    with open(path, "w") as f:
        n = 0
        while n < size:
            part = " ".join(rng.choice(words) for _ in range(10_000)) + " "
            f.write(part)
            n += len(part)


# Measured: 677 MB peak RSS (VmHWM) of the indexing process, interpreter and imports
# included, for 105,613 passages; 70-100 s on 2 shared cores, most of it the HNSW build.
# With every sentence also read in its context (a third BM25 index and a third set of
# vectors): 797 MB (1,038 MB before a piece cut out of a line was read alone and the
# contexts index reused the sentences' tokens). The issue's limit is 1 GB; the test keeps
# the limit it had, the first measure plus 150 MB.
RSS_LIMIT_MB = 677 + 150


@pytest.mark.slow
def test_a_50_mb_single_line_file_indexes_in_bounded_memory(tmp_path):
    (tmp_path / "corpus").mkdir()
    _one_line_file(tmp_path / "corpus" / "one-line.txt", 50 * 2**20)  # written here: only indexing is measured
    script = RSS_SCRIPT.format(root=str(ROOT), base=str(tmp_path))
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    passages, longest, rss_mb = map(int, r.stdout.split())
    print(f"50 MB single line: {passages} passages, longest {longest} chars, peak RSS {rss_mb} MB")
    assert passages > 100_000 and longest <= 500
    assert rss_mb < RSS_LIMIT_MB


ARTICLE_NAME = "nissan-strategy-honda-talks.txt"


def test_one_answer_sends_at_most_a_few_capped_passages(settings, corpus_dir):
    from assistant.answering import Assistant
    from assistant.config import Settings
    from assistant.errors import ConfigError

    (corpus_dir / "wall.txt").write_text("Wall Of Text\n" + "nissan and honda talk about cars " * 6_000 + "\n")
    a = Assistant(settings, embedder=HashingEmbedder()).answer("What do nissan and honda talk about?")
    sent = a.citations + a.closest
    assert sent and all(len(c.text) <= settings.max_chunk_chars for c in sent)
    assert len(a.text) < 10 * settings.max_chunk_chars
    with pytest.raises(ConfigError, match="between 50 and 4000"):
        Settings(max_chunk_chars=1_000_000)
