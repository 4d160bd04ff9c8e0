"""The command line: light --help, one-line errors, readable and JSON answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.config import ROOT


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=300)


def test_help_does_not_import_torch():
    code = ("import sys; from assistant.cli import main\n"
            "try: main(['--help'])\nexcept SystemExit: pass\n"
            "heavy = ('torch', 'sentence_transformers', 'faiss', 'gradio', 'filelock', 'platformdirs')\n"
            "print('heavy:', sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "COMMAND" in out.stdout and "heavy: []" in out.stdout


def test_answer_stays_the_function_after_the_answering_module_loads():
    # A submodule named like the function would rebind `assistant.answer` on first import.
    import assistant
    import assistant.answering  # noqa: F401
    from assistant import answer

    assert callable(answer) and answer.__module__ == "assistant"
    assert assistant.answer is answer


def test_importing_the_package_is_light():
    code = "import sys, assistant; print('torch' in sys.modules, 'gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "False False"


def test_a_missing_corpus_is_one_clear_line_and_a_nonzero_exit(tmp_path):
    r = run("--corpus", str(tmp_path / "missing"), "--index-dir", str(tmp_path / "i"), "ask", "Who is the CEO?")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "does not exist" in r.stderr


def test_a_bad_option_is_a_usage_error():
    r = run("ask", "x", "--mode", "nonsense")
    assert r.returncode == 2 and "invalid choice" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_ask_prints_a_cited_answer_and_json(tmp_path):
    env = {"ASSISTANT_INDEX_DIR": str(tmp_path / "index")}
    r = run("ask", "Who is taking over as Nissan's CEO?", env=env)
    assert r.returncode == 0, r.stderr
    assert "Ivan Espinosa" in r.stdout and "[1]" in r.stdout and "Sources:" in r.stdout
    assert "building the index" in r.stderr  # the first run builds, and says why
    j = run("ask", "Who is taking over as Nissan's CEO?", "--json", env=env)
    assert j.returncode == 0 and "building" not in j.stderr  # the second run loads it
    data = json.loads(j.stdout)
    assert data["answerable"] is True
    c = data["citations"][0]
    assert (ROOT / "corpus" / c["source"]).read_text(encoding="utf-8")[c["start"]:c["end"]] == c["text"]


@pytest.mark.slow
def test_index_command_builds_and_reports(tmp_path):
    r = run("--index-dir", str(tmp_path / "index"), "index")
    assert r.returncode == 0, r.stderr
    assert "passages" in r.stdout and (tmp_path / "index" / "current" / "manifest.json").is_file()


def test_printable_escapes_terminal_control_characters():
    from assistant.cli import printable

    assert printable("plain “quotes” and émoji 🚗") == "plain “quotes” and émoji 🚗"
    assert printable("\x1b[2Jclear\x07bell\x9bcsi") == "\\x1b[2Jclear\\x07bell\\x9bcsi"
    assert printable("two\nlines\ttab") == "two\nlines\ttab"


@pytest.mark.slow
def test_index_and_ask_escape_names_report_skips_once_and_survive_a_closed_pipe(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "article.txt").write_text((ROOT / "corpus" / "nissan-strategy-honda-talks.txt").read_text())
    (corpus / "\x1b[2Jevil.txt").write_text("Strange Report\nThe \x1b]0;pwned\x07 purple zeppelin landed in Ohio.\n")
    (corpus / "\x1b[31mbad.txt").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "secret.txt").write_text("Secret\nThe vault code is 1234.\n")
    (corpus / "link.txt").symlink_to(tmp_path / "secret.txt")
    base = ("--corpus", str(corpus), "--index-dir", str(index))

    r = run(*base, "index")
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    assert "\x1b" not in out and "\\x1b[2Jevil.txt" not in out  # the good file is not named as skipped
    assert out.count("skipped \\x1b[31mbad.txt: not UTF-8") == 1
    assert out.count("skipped link.txt: a link to a file outside the corpus folder") == 1
    assert "embedding: " in r.stderr and "(100%)" in r.stderr  # progress
    again = run(*base, "index")
    assert again.returncode == 0 and "up to date" in again.stdout
    assert (again.stdout + again.stderr).count("skipped link.txt") == 1

    a = run(*base, "ask", "Where did the purple zeppelin land?")
    assert a.returncode == 0, a.stderr
    assert "\x1b" not in a.stdout and "\\x1b[2Jevil.txt" in a.stdout and "\\x1b]0;pwned\\x07" in a.stdout

    piped = subprocess.run(f"{sys.executable} -m assistant --corpus '{corpus}' --index-dir '{index}' "
                           "ask 'Who is taking over as Nissan CEO?' | head -c 10",
                           shell=True, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert len(piped.stdout) == 10 and piped.stderr == ""

    (corpus / "later.txt").write_text("Later News\nNissan opened a new plant in Kyushu today.\n")
    stale = run(*base, "ask", "Who is taking over as Nissan's CEO?")
    assert stale.returncode == 0 and "Ivan Espinosa" in stale.stdout
    assert "index is stale: corpus files changed" in stale.stderr and "run `assistant index`" in stale.stderr


def test_eval_outside_a_checkout_says_where_the_gold_questions_are(monkeypatch, tmp_path, capsys):
    from assistant import cli, report

    monkeypatch.setattr(report, "TUNING", (tmp_path / "nowhere.jsonl",))
    assert cli.main(["eval", "--mode", "hybrid"]) == 1
    err = capsys.readouterr().err
    assert "ship with the repository's tests" in err and "Traceback" not in err
