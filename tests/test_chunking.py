"""Corpus structure and chunks: offsets exact, sections found by general rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.chunking import chunk_document, chunk_documents, split_sentences
from assistant.corpus import paragraphs, read_corpus
from assistant.records import Document

from .conftest import ARTICLE


def article() -> Document:
    return Document(ARTICLE.name, ARTICLE.read_text(encoding="utf-8"))


def test_every_chunk_and_sentence_matches_the_source_at_its_offsets():
    doc = article()
    for c in chunk_document(doc, 400):
        assert doc.text[c.start:c.end] == c.text
        assert c.sentences[0][0] == c.start and c.sentences[-1][1] == c.end
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end
            assert doc.text[s:e] == doc.text[s:e].strip()


def test_chunks_are_short_enough_to_cite_precisely():
    chunks = chunk_document(article(), 400)
    assert max(len(c.text) for c in chunks) < 600
    assert all(1 <= len(c.sentences) <= 4 for c in chunks)


def test_short_lines_become_section_titles_not_passages():
    chunks = chunk_document(article(), 400)
    sections = {c.section for c in chunks}
    assert "Nissan and Honda Aren’t Finished Speaking" in sections
    assert "Tech-Pushed, Buyer-Centered" in sections
    assert "What’s Subsequent for Nissan and Honda?" in sections  # a headline that is a question
    for title in sections - {""}:
        assert not any(c.text == title for c in chunks)


def test_lines_with_nothing_for_a_reader_are_not_indexed():
    assert not any("FOLLOW US" in c.text for c in chunk_document(article(), 400))


def test_a_paragraph_repeated_verbatim_is_indexed_once():
    para = "The same paragraph was scraped twice. It says one thing."
    doc = Document("dup.txt", f"Headline Here\n{para}\nAnother paragraph follows.\n\n{para}\n")
    chunks = chunk_document(doc, 400)
    assert [c.text for c in chunks] == [para, "Another paragraph follows."]
    assert chunks[0].start == doc.text.find(para)  # the first occurrence is the one kept


def test_markdown_headings_and_trailing_labels():
    text = "# Big News\nFirst point here. Second point here.\n\n## Details\nMore text follows.\nShare this:\n"
    doc = Document("n.md", text)
    paras = paragraphs(doc)
    assert [p.section for p in paras] == ["Big News", "Details"]
    assert all("Share" not in text[p.start:p.end] for p in paras)


def test_sentence_splitter_keeps_abbreviations_and_quotes_together():
    text = "Mr. Smith met Dr. Jones in the U.S. on Monday. “It works,” he said. Then 2.5% more came!"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.",
        "“It works,” he said.",
        "Then 2.5% more came!",
    ]


def test_unreadable_file_is_reported_and_the_others_indexed(tmp_path):
    (tmp_path / "good.txt").write_text("A headline\nSome body text that is a sentence.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00broken \x81\x82 bytes")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    docs, bad = read_corpus(tmp_path)
    assert [d.source for d in docs] == ["good.txt"]
    assert [b.source for b in bad] == ["bad.txt"] and "UTF-8" in bad[0].reason


_word = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
_sentence = st.builds(lambda ws, end: " ".join(ws).capitalize() + end,
                      st.lists(_word, min_size=1, max_size=25), st.sampled_from([".", "!", "?", ".”"]))
_paragraph = st.builds(" ".join, st.lists(_sentence, min_size=1, max_size=8))
_line = st.one_of(_paragraph, st.builds(lambda ws: " ".join(ws).title(), st.lists(_word, min_size=1, max_size=5)))


@hsettings(max_examples=150, deadline=None)
@given(lines=st.lists(_line, min_size=1, max_size=12), seps=st.sampled_from(["\n", "\n\n", "\r\n", "\n  \n"]),
       max_chars=st.integers(60, 600))
def test_property_chunks_and_sentences_are_exact_slices(lines, seps, max_chars):
    doc = Document("gen.txt", seps.join(lines) + "\n")
    chunks = chunk_documents([doc], max_chars)
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        prev_end = c.start
        for s, e in c.sentences:
            assert prev_end <= s < e <= c.end
            prev_end = e
        if len(c.sentences) > 1:
            assert len(c.text) <= max_chars
    ids = [c.id for c in chunks]
    assert ids == list(range(len(chunks)))
