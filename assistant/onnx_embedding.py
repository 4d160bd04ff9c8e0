"""A torch-free query embedder: the sentence-transformers model exported to ONNX.

At index time the model's transformer is exported next to the index with its tokenizer
and pooling settings, and checked on probe texts against sentence-transformers (the
reference); at query time onnxruntime + tokenizers + numpy reproduce the same vectors
without importing torch, which is what makes a cold `assistant ask` fast.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .errors import ExportError

log = logging.getLogger(__name__)
# torch.onnx.export keeps global state: two exports at once in one process (a background
# refresh and an `update()` of another index folder) fail with "in_onnx_export".
_EXPORT_LOCK = threading.Lock()

FOLDER = "onnx"
MIN_COSINE = 0.9999
PROBES = [
    "Who is Nissan's incoming CEO?",
    "fuel economy at highway speeds",
    "Ein ganz anderer Satz, auf Deutsch.",
    "a",
    "The quick brown fox jumps over the lazy dog. " * 40,  # longer than the model's window
]


TOKEN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def trace(hf, sample, output: str, path: Path, output_axes: dict[int, str]) -> list[str]:
    """Export a transformers model to ONNX at ``path``, traced on ``sample``: its token inputs
    in, its ``output`` ("last_hidden_state", "logits") out, batch and length left dynamic.

    Args:
        hf: the transformers model (put in eval mode here).
        sample: the tokenizer's output for the tracing texts, as torch tensors.
        output: the model output's attribute to export.
        path: the .onnx file to write (its folder is created).
        output_axes: the output's dynamic axes ({0: "batch"} for one score a text).

    Returns:
        The names of the inputs the graph takes, in order.
    """
    import torch

    names = [n for n in TOKEN_INPUTS if n in sample]

    class Output(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return getattr(self.inner(**dict(zip(names, args, strict=True))), output)

    path.parent.mkdir(parents=True, exist_ok=True)
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {output: output_axes}
    with _EXPORT_LOCK, torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's deprecation and tracer chatter
        torch.onnx.export(Output(hf.eval()), tuple(sample[n] for n in names), str(path), input_names=names,
                          output_names=[output], dynamic_axes=axes, opset_version=17, dynamo=False)
    return names


def save_runner_files(tokenizer, names: list[str], max_length: int, folder: Path, **extra) -> None:
    """Write what ``open_export`` reads beside the model: tokenizer.json and config.json
    (the window, the input names, the padding token, and ``extra`` settings)."""
    tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    config = {"max_length": max_length, "inputs": names, "pad_id": int(tokenizer.pad_token_id),
              "pad_token": tokenizer.pad_token} | extra
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def export(model, reference: Callable[[list[str]], np.ndarray], name: str, folder: Path) -> dict:
    """Export a loaded SentenceTransformer ``model`` to ``folder`` and check it.

    Args:
        model: the loaded sentence-transformers model.
        reference: embeds texts the reference way (sentence-transformers), for the check.
        name: the model's name, recorded by the runner.
        folder: where the export goes (created).

    Returns:
        The manifest entry: the lowest cosine with the reference on the probes.

    Raises:
        ExportError: the model's layout is not Transformer + mean Pooling (+ Normalize),
            the export fails (``retry`` set when it was an I/O error such as a full disk),
            or the check falls below MIN_COSINE.
    """
    kinds = [type(m).__name__ for m in model]
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        raise ExportError(f"module layout {kinds} is not Transformer + Pooling (+ Normalize)")
    pooling = model[1].get_config_dict().get("pooling_mode", "")
    if pooling not in ("mean", ["mean"]):
        raise ExportError(f"pooling mode {pooling!r} is not mean")
    try:
        hf, tokenizer = model[0].auto_model, model[0].tokenizer
        names = trace(hf, tokenizer(["probe text"], return_tensors="pt"), "last_hidden_state",
                      folder / "model.onnx", {0: "batch", 1: "tokens"})
        save_runner_files(tokenizer, names, int(model.max_seq_length), folder, normalize=kinds[2:] == ["Normalize"])
    except Exception as e:  # noqa: BLE001 - exporters fail in many ways; the caller falls back to torch
        io = isinstance(e, OSError) or "No space left" in str(e)
        raise ExportError(f"export failed: {type(e).__name__}: {e}", retry=io) from e
    cosine = float(np.min(np.sum(reference(PROBES) * OnnxEmbedder(folder, name).embed(PROBES), axis=1)))
    if cosine < MIN_COSINE:
        raise ExportError(f"export differs from the reference (lowest probe cosine {cosine:.6f} < {MIN_COSINE})")
    return {"folder": FOLDER, "probe_cosine_min": round(cosine, 7), "probes": len(PROBES)}


def export_entry(embedder, folder: Path) -> dict:
    """Export ``embedder`` (through its ``export_onnx``) into ``folder``: the manifest entry
    with a probe vector, or an error entry whose ``retry`` says whether the next
    ``assistant index`` should try again (a full disk) or not (a model that cannot be exported)."""
    export = getattr(embedder, "export_onnx", None)
    if export is None:
        return {"error": f"{type(embedder).__name__} cannot be exported", "retry": False}
    try:
        entry = export(folder)
    except Exception as e:  # noqa: BLE001 - ExportError, no onnxruntime, a runtime that cannot run it
        shutil.rmtree(folder, ignore_errors=True)
        retry = e.retry if isinstance(e, ExportError) else isinstance(e, OSError)
        return {"error": str(e), "retry": retry}
    entry["probe_vector"] = [round(float(x), 6) for x in embedder.embed(PROBES[:1])[0]]
    return entry


def reuse_export(previous: Path, entry: dict, folder: Path) -> bool:
    """Hard-link (or copy) an intact earlier export described by ``entry`` into ``folder``.

    Args:
        previous: the earlier index version's folder.
        entry: the manifest entry of its export.
        folder: where the export goes in the new version.

    Returns:
        True when the export was reused; False when it cannot be, with no partial copy left behind.
    """
    if "probe_vector" not in entry:
        return False
    try:
        shutil.copytree(previous / entry["folder"], folder, copy_function=_link_or_copy)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return False
    return True


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def open_export(folder: Path):
    """(config, tokenizer, onnxruntime session) of an exported model folder: its
    ``config.json`` (max_length, inputs, pad_id, pad_token), ``tokenizer.json`` set to
    truncate and pad as the model was exported, and ``model.onnx`` on the CPU."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(cfg["max_length"])
    tok.enable_padding(pad_id=cfg["pad_id"], pad_token=cfg["pad_token"])
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    return cfg, tok, ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])


class OnnxEmbedder:
    """Runs an exported model: tokenizers -> onnxruntime -> mean pooling -> L2 norm."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        cfg, self._tok, self._session = open_export(folder)
        self._inputs = cfg["inputs"]
        self._normalize = cfg["normalize"]
        self._dim = int(self._session.get_outputs()[0].shape[-1])
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        """The length of every vector."""
        return self._dim

    def export_onnx(self, folder: Path) -> dict:
        """An ONNX runner is an export already; the index exports the model it was built with."""
        raise ExportError("an ONNX runner cannot be exported again", retry=False)

    def embed(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """One float32 row per text, in order (L2-normalised when the export says so).

        Args:
            texts: the texts to embed.
            batch_size: texts per onnxruntime call.
            progress: accepted for the Embedder protocol; no progress is shown.
        """
        out = []
        for i in range(0, len(texts), batch_size):
            with self._lock:
                enc = self._tok.encode_batch(list(texts[i : i + batch_size]))
            feeds = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            hidden = self._session.run(None, {k: feeds[k] for k in self._inputs})[0]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            if self._normalize:
                pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out.append(pooled.astype(np.float32))
        return np.vstack(out) if out else np.zeros((0, self._dim), dtype=np.float32)
