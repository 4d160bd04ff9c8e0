"""The torch-free query path: same vectors as sentence-transformers, no torch, safe fallback."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from assistant.answering import Assistant
from assistant.config import ROOT
from assistant.evaluation import load_gold
from assistant.onnx_embedding import MIN_COSINE, OnnxEmbedder

pytestmark = pytest.mark.slow


def test_export_is_recorded_and_matches_the_reference_on_real_questions(real_assistant):
    entry = real_assistant.index.manifest["onnx"]
    assert entry["probe_cosine_min"] >= MIN_COSINE
    runner = real_assistant.query_embedder
    assert isinstance(runner, OnnxEmbedder)
    questions = [g.question for g in load_gold()][:40]
    cos = np.sum(runner.embed(questions) * real_assistant.embedder.embed(questions), axis=1)
    assert cos.min() >= MIN_COSINE


def test_a_query_process_never_imports_torch(real_assistant):
    code = (
        "import sys, json\n"
        "from assistant import answer\n"
        "a = answer(\"Who is taking over as Nissan's CEO?\")\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'text': a.text}))\n"
    )
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(real_assistant.settings.corpus_dir),
           "ASSISTANT_INDEX_DIR": str(real_assistant.settings.index_dir)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    result = json.loads(out.stdout)
    assert result["torch"] is False and "Ivan Espinosa" in result["text"]


def test_a_damaged_export_falls_back_to_torch_with_one_log_line(real_assistant, tmp_path, caplog):
    index_dir = tmp_path / "index"
    shutil.copytree(real_assistant.settings.index_dir, index_dir, symlinks=True)
    model = index_dir / "current" / "onnx" / "model.onnx"
    data = bytearray(model.read_bytes())
    data[:65536] = os.urandom(65536)  # a damaged header, same size: passes the size check
    model.write_bytes(bytes(data))
    a = Assistant(real_assistant.settings.with_(index_dir=index_dir), embedder=real_assistant.embedder)
    with caplog.at_level(logging.WARNING):
        ans = a.answer("Who is taking over as Nissan's CEO?")
    assert not isinstance(a.query_embedder, OnnxEmbedder)
    assert [r.message for r in caplog.records if "queries will use torch" in r.message].__len__() == 1
    assert ans.answerable and "Ivan Espinosa" in ans.text
    assert a.live.wait(120)  # its background repair, before the next test exports too


def test_sixteen_flipped_bytes_inside_the_real_export_are_caught_and_repaired(real_assistant, tmp_path, caplog):
    """The old check (file size + probe texts) let a 16-byte flip change some query vectors."""
    from assistant.errors import IndexLoadError
    from assistant.index import load, update

    index_dir = tmp_path / "index"
    shutil.copytree(real_assistant.settings.index_dir, index_dir, symlinks=True)
    settings = real_assistant.settings.with_(index_dir=index_dir)
    model = index_dir / "current" / "onnx" / "model.onnx"
    data = bytearray(model.read_bytes())
    model.unlink()  # the copy may share its inode with the session's index: write a new file
    mid = len(data) // 2
    data[mid : mid + 16] = bytes(b ^ 0xFF for b in data[mid : mid + 16])
    model.write_bytes(bytes(data))
    with pytest.raises(IndexLoadError, match="ONNX export is damaged"):
        load(settings, real_assistant.embedder)
    with caplog.at_level(logging.WARNING):
        a = Assistant(settings, embedder=real_assistant.embedder, refresh=False)
        assert not isinstance(a.query_embedder, OnnxEmbedder)  # never the damaged export
    assert "ONNX export is damaged" in caplog.text
    _, reason = update(settings, real_assistant.embedder)
    assert "ONNX export is damaged" in reason
    fixed = Assistant(settings, embedder=real_assistant.embedder, refresh=False)
    assert isinstance(fixed.query_embedder, OnnxEmbedder)
    assert "Ivan Espinosa" in fixed.answer("Who is taking over as Nissan's CEO?").text
