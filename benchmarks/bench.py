"""Performance benchmark of the cited question-answering assistant.

Run from the repository root with the project's interpreter::

    .venv/bin/python benchmarks/bench.py [--repeats N] [--quick] [--json PATH]

What it measures, all in one run:

1. **Embedding floor**: ``query_embedder.embed([q])`` for one question, with the
   embedder answer() itself uses (the ONNX export of all-MiniLM-L6-v2 when the index
   carries one), and, for reference, the sentence-transformers (torch) embedder. No
   answer can be faster than embedding its own question, so the first is the floor.
2. **Warm answer()**: ``Assistant.answer(q)`` after ``warm_up()`` and an untimed pass
   over every question (torch runs a new input length slower the first time), on the
   same questions. Questions answer() turns away without retrieving (empty input,
   instructions such as "ignore your instructions") are left out of both timings,
   since they never embed anything. The embed and answer calls are *interleaved* (one of
   each per question, their order flipped every round) so both see the same load.
3. **Ratio** answer p50 / embed p50. The target is at most 1.3x: everything
   answer() does besides embedding the question (BM25, FAISS, sentence scoring,
   calibration) should cost less than a third of an embedding.
4. **Index build**: ``index.build()`` on a temporary copy of the corpus into a
   temporary index folder (the repository's ``index/`` is never touched), with the
   model already loaded, so the figure is chunking + embedding + saving only.
5. **Cold CLI**: wall time and peak resident memory of ``assistant ask "..."`` in a
   fresh process against that already built index (what a user waits for on the
   command line: interpreter start, imports, model and index load, one answer), and
   wall time of ``assistant --help``, which must not import torch.

Why ratios: this runs on a small, shared, noisy machine, where absolute milliseconds
drift from run to run with other load. A ratio of two figures measured side by side in
the same run, on the same questions, cancels most of that drift; absolute figures are
printed too, with the machine they came from and the load average.

The printed table is also written, with every raw sample, to ``--json``
(default ``artifacts/bench.json``). Exit status: 0 when the benchmark ran (whether or
not the target is met), 1 on an error, with a one-line reason.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/bench.py` from a plain checkout
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402
from benchmarks.common import BenchError, summary_ms  # noqa: E402

if TYPE_CHECKING:
    from assistant.config import Settings

GOLD = ROOT / "tests" / "gold" / "questions.jsonl"
TARGET_RATIO = 1.3  # warm answer() p50 against the query embedding it runs on (issue 5)
WARMUP_CALLS = 5  # untimed rounds after each question has been seen once
GNU_TIME = Path("/usr/bin/time")
CLI_QUESTION = "Who is Nissan's incoming CEO?"

# Used when the gold set is missing or unreadable: everyday questions about the article.
FALLBACK_QUESTIONS = [
    "Who is Nissan's incoming CEO?",
    "When does the new CEO take over?",
    "Who is the outgoing CEO?",
    "Is Nissan still talking to Honda?",
    "What are Nissan and Honda thinking of sharing for large SUVs?",
    "Which tech company has shown interest in working with Nissan?",
    "Which alliance is Nissan already part of?",
    "How does Espinosa describe his approach to partnerships?",
    "What is Guillaume Cartier's role at Nissan?",
    "Why would a shared platform help bring costs down?",
]


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    """Wall-clock samples (seconds) of one callable, and what each call returned."""

    seconds: list[float] = field(default_factory=list)
    results: list[Any] = field(default_factory=list)


def time_calls(calls: dict[str, Callable[[int], Any]], n: int) -> dict[str, Timing]:
    """Call every callable ``n`` times (argument: the round number), timing each call.

    With several callables, each round calls each of them once and the order is flipped
    every round, so they share the machine's load and neither always runs first.
    """
    out = {name: Timing() for name in calls}
    order = list(calls)
    gc.collect()
    for i in range(n):
        for name in order if i % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            result = calls[name](i)
            out[name].seconds.append(time.perf_counter() - t0)
            out[name].results.append(result)
    return out


# --------------------------------------------------------------------------- inputs


def load_questions(path: Path = GOLD) -> tuple[list[str], str]:
    """Distinct questions of the gold set, or the built-in list and the reason why."""
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        questions = [r["question"] for r in rows]
        if not questions or not all(isinstance(q, str) and q.strip() for q in questions):
            raise ValueError("no questions, or a question that is not a non-empty string")
    except (OSError, ValueError, KeyError, TypeError) as e:
        return FALLBACK_QUESTIONS, f"built-in list ({path.name} unusable: {type(e).__name__}: {e})"
    distinct = list(dict.fromkeys(questions))
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return distinct, f"{shown} ({len(distinct)} distinct questions, all splits and kinds, asked without history)"


def machine() -> dict[str, Any]:
    """The shared machine record, with the torch build that answered the torch rows."""
    import torch

    return common.machine() | {"torch": torch.__version__, "torch_threads": torch.get_num_threads()}


# --------------------------------------------------------------------------- in-process parts


def make_workspace(tmp: Path) -> Settings:
    """Settings for a temporary copy of the corpus and an empty temporary index folder."""
    from assistant.config import Settings

    base = Settings.from_env()
    if not base.corpus_dir.is_dir():
        raise BenchError(f"corpus folder not found: {base.corpus_dir}")
    corpus = tmp / "corpus"
    shutil.copytree(base.corpus_dir, corpus)
    return base.with_(corpus_dir=corpus, index_dir=tmp / "index")


def bench_warm(settings, embedder, questions: list[str], repeats: int) -> dict[str, Any]:
    """Interleaved embed([q]) and answer(q) on the same questions, after warming both up."""
    from assistant.answering import Assistant

    assistant = Assistant(settings, embedder=embedder)
    assistant.warm_up()
    asked = questions

    def calls() -> dict[str, Callable[[int], Any]]:
        pick = lambda i: asked[i % len(asked)]  # noqa: E731
        return {"embed": lambda i: assistant.query_embedder.embed([pick(i)]),
                "embed_torch": lambda i: embedder.embed([pick(i)]),
                "answer": lambda i: assistant.answer(pick(i))}

    # Untimed: every question once through both calls (torch runs a new input length
    # slower the first time). Questions answer() turns away before retrieval (empty ones,
    # instructions) never embed, so they have no place in a comparison with embedding.
    first = time_calls(calls(), len(questions))["answer"].results
    asked = [q for q, a in zip(questions, first, strict=True) if "retrieval_ms" in a.timings_ms]
    if not asked:
        raise BenchError("answer() retrieved for none of the questions")
    time_calls(calls(), WARMUP_CALLS)
    t = time_calls(calls(), repeats)
    answers = t["answer"].results
    errors = [a.error for a in answers if a.error]
    if errors:
        raise BenchError(f"answer() reported {len(errors)} error(s), first: {errors[0]}")
    embed, answer = summary_ms(t["embed"].seconds), summary_ms(t["answer"].seconds)
    torch_embed = summary_ms(t["embed_torch"].seconds)
    inner = summary_ms([a.timings_ms["total_ms"] / 1000.0 for a in answers if "total_ms" in a.timings_ms])
    return {
        "questions_timed": len(asked),
        "questions_skipped": [q for q in questions if q not in asked],
        "query_embedder": type(assistant.query_embedder).__name__,
        "embed_ms": embed,
        "embed_torch_ms": torch_embed,
        "answer_ms": answer,
        "answer_internal_total_ms": inner,
        "answered_share": sum(a.answerable for a in answers) / len(answers),
        "ratio_p50": answer["p50"] / embed["p50"],
        "ratio_p95": answer["p95"] / embed["p95"],
        "samples_s": {k: v.seconds for k, v in t.items()},
    }


def prepare_index(settings, embedder) -> None:
    """An untimed first build into ``settings.index_dir`` (it also imports faiss and bm25s)."""
    from assistant.index import build

    build(settings, embedder, report=lambda _msg: None)


def bench_build(settings, embedder, tmp: Path, builds: int) -> dict[str, Any]:
    """index.build() into a fresh temporary folder each time, the model already loaded."""
    from assistant.index import build

    def one(i: int) -> int:
        index, _ = build(settings.with_(index_dir=tmp / f"build-{i}"), embedder, report=lambda _msg: None)
        return len(index.chunks)

    t = time_calls({"build": one}, builds)["build"]
    return {"build_ms": summary_ms(t.seconds), "passages": t.results[0], "samples_s": t.seconds}


# --------------------------------------------------------------------------- subprocess parts


def cli_command() -> list[str]:
    """The installed `assistant` script beside this interpreter, else `python -m assistant`."""
    script = Path(sys.executable).with_name("assistant")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "assistant"]


def gnu_time_works() -> bool:
    if not GNU_TIME.is_file():
        return False
    with tempfile.NamedTemporaryFile("r") as f:
        r = subprocess.run([str(GNU_TIME), "-f", "%M", "-o", f.name, "true"], capture_output=True)
        return r.returncode == 0 and f.read().strip().isdigit()


@dataclass
class Run:
    peak_rss_kb: int
    stdout: str


def run_measured(argv: list[str], env: dict[str, str], use_gnu_time: bool) -> Run:
    """Run ``argv`` to completion; its peak RSS from /usr/bin/time, else from os.wait4."""
    with tempfile.TemporaryDirectory() as d:
        out_path, err_path, rss_path = Path(d, "out"), Path(d, "err"), Path(d, "rss")
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(rss_path)] + argv if use_gnu_time else argv
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(wrapped, stdout=out, stderr=err, env=env, cwd=ROOT)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            tail = err_path.read_text(errors="replace").strip().splitlines()[-3:]
            raise BenchError(f"{' '.join(argv)} exited with {proc.returncode}: {' | '.join(tail)}")
        rss = int(rss_path.read_text().split()[-1]) if use_gnu_time else usage.ru_maxrss  # KiB on Linux
        return Run(rss, out_path.read_text(errors="replace"))


def bench_cli(settings, runs: int) -> dict[str, Any]:
    """Cold `assistant ask` (wall time, peak RSS) and `assistant --help` (wall time)."""
    env = dict(os.environ, ASSISTANT_CORPUS_DIR=str(settings.corpus_dir), ASSISTANT_INDEX_DIR=str(settings.index_dir))
    gnu = gnu_time_works()
    cmd = cli_command()
    t = time_calls({
        "ask": lambda i: run_measured(cmd + ["ask", CLI_QUESTION], env, gnu),
        "help": lambda i: run_measured(cmd + ["--help"], env, gnu),
    }, runs)
    if "Sources:" not in t["ask"].results[0].stdout:
        raise BenchError(f"`assistant ask {CLI_QUESTION!r}` printed no cited answer:\n{t['ask'].results[0].stdout}")
    rss = [r.peak_rss_kb / 1024.0 for r in t["ask"].results]
    return {
        "command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)),
        "rss_method": "/usr/bin/time -f %M" if gnu else "os.wait4 ru_maxrss",
        "ask_ms": summary_ms(t["ask"].seconds),
        "ask_peak_rss_mb": {"p50": float(np.median(rss)), "max": max(rss)},
        "help_ms": summary_ms(t["help"].seconds),
        "help_peak_rss_mb": max(r.peak_rss_kb for r in t["help"].results) / 1024.0,
        "help_imports_torch": help_imports_torch(env),
        "samples_s": {k: v.seconds for k, v in t.items()},
    }


def help_imports_torch(env: dict[str, str]) -> bool:
    """Whether `assistant --help` loads torch (it should not: that costs seconds)."""
    code = (
        "import sys\nfrom assistant.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('TORCH=%d' % ('torch' in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    if "TORCH=" not in r.stderr:
        raise BenchError(f"could not check the imports of `assistant --help`: {r.stderr.strip()[-300:]}")
    return r.stderr.rsplit("TORCH=", 1)[1].startswith("1")


# --------------------------------------------------------------------------- report


def render(res: dict[str, Any]) -> str:
    m, w, b, c = res["machine"], res["warm"], res["build"], res["cli"]
    verdict = "OK" if w["ratio_p50"] <= TARGET_RATIO else "ABOVE TARGET"

    def row(name: str, s: dict[str, float], extra: str = "") -> str:
        return f"  {name:<34} {s['p50']:>9.1f} {s['p95']:>9.1f} {s['min']:>9.1f} {s['max']:>9.1f} {s['n']:>5}  {extra}"

    lines = [
        f"assistant benchmark  {m['date']}",
        f"machine: {m['cpus']} CPUs ({m['cpus_usable']} usable), Python {m['python']}, torch {m['torch']}"
        f" ({m['torch_threads']} threads), {m['platform']}",
        f"load average: start {m['load_avg_start']}, end {m['load_avg_end']}",
        f"questions: {res['questions']}",
        f"  timed: {w['questions_timed']}; skipped, answered without retrieval: {len(w['questions_skipped'])}",
        "",
        f"  {'milliseconds':<34} {'p50':>9} {'p95':>9} {'min':>9} {'max':>9} {'n':>5}",
        row(f"embed([q])  ({w['query_embedder']}: floor)", w["embed_ms"]),
        row("embed([q])  (sentence-transformers)", w["embed_torch_ms"]),
        row("answer(q)  (warm, wall)", w["answer_ms"]),
        row("answer(q)  (its own total_ms)", w["answer_internal_total_ms"]),
        row("index build (model loaded)", b["build_ms"], f"{b['passages']} passages"),
        row(f"cold `{c['command']} ask`", c["ask_ms"]),
        row(f"cold `{c['command']} --help`", c["help_ms"]),
        "",
        f"ratio answer/embed: p50 {w['ratio_p50']:.2f}x, p95 {w['ratio_p95']:.2f}x"
        f"  (target p50 <= {TARGET_RATIO}x: {verdict})",
        f"answered (not 'not covered'): {w['answered_share']:.0%} of warm calls",
        f"cold ask peak RSS: p50 {c['ask_peak_rss_mb']['p50']:.0f} MB, max {c['ask_peak_rss_mb']['max']:.0f} MB"
        f"  (--help: {c['help_peak_rss_mb']:.0f} MB; via {c['rss_method']})",
        f"--help imports torch: {'YES (should not)' if c['help_imports_torch'] else 'no'}",
    ]
    return "\n".join(lines)


def write_json(res: dict[str, Any], path: Path) -> Path:
    path = path if path.is_absolute() else ROOT / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, help="timed embed/answer pairs (default 100, --quick 20)")
    p.add_argument("--builds", type=int, help="timed index builds (default 3, --quick 1)")
    p.add_argument("--cli-runs", type=int, help="cold CLI runs of each command (default 3, --quick 1)")
    p.add_argument("--quick", action="store_true", help="a short run, for checking the script")
    p.add_argument("--json", type=Path, default=Path("artifacts/bench.json"),
                   help="where to write the figures and raw samples (default: %(default)s, from the repo root)")
    a = p.parse_args(argv)
    quick = {"repeats": 20, "builds": 1, "cli_runs": 1}
    full = {"repeats": 100, "builds": 3, "cli_runs": 3}
    for name, default in (quick if a.quick else full).items():
        value = getattr(a, name)
        if value is None:
            setattr(a, name, default)
        elif value < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return a


_phase = "start"
_t0 = time.perf_counter()


def phase(name: str) -> None:
    """Say on stderr what runs now (and the time so far), and remember it for an error message."""
    global _phase
    _phase = name
    dots = "" if name == "done" else " ..."
    print(f"bench: [{time.perf_counter() - _t0:5.1f}s] {name}{dots}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from assistant.embedding import SentenceTransformerEmbedder

    phase("loading the questions and the model")
    questions, source = load_questions()
    res: dict[str, Any] = {"machine": machine(), "questions": source, "target_ratio": TARGET_RATIO}
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as d:
        tmp = Path(d)
        settings = make_workspace(tmp)
        embedder = SentenceTransformerEmbedder(settings.model)
        embedder.embed(["load the model"])  # model load is excluded from every figure
        phase("building the temporary index")
        prepare_index(settings, embedder)  # the warm index for answer() and the cold CLI runs
        phase(f"timing embed([q]) and answer(q), {args.repeats} of each")
        res["warm"] = bench_warm(settings, embedder, questions, args.repeats)
        phase(f"timing {args.builds} index build(s)")
        res["build"] = bench_build(settings, embedder, tmp, args.builds)
        phase(f"timing {args.cli_runs} cold CLI run(s) of each command")
        res["cli"] = bench_cli(settings, args.cli_runs)
    phase("done")
    res["machine"]["load_avg_end"] = common.loadavg()
    res["meets_target"] = res["warm"]["ratio_p50"] <= TARGET_RATIO
    return res


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from assistant.errors import AssistantError

    try:
        res = run(args)
    except (BenchError, AssistantError, OSError, subprocess.SubprocessError) as e:
        print(f"bench: error while {_phase}: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - most likely a bug in the package: keep the traceback
        traceback.print_exc()
        print(f"bench: unexpected {type(e).__name__} while {_phase}: {e}", file=sys.stderr)
        return 1
    print(render(res))
    path = write_json(res, args.json)
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
