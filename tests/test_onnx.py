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
