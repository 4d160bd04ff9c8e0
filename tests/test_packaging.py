"""What an installed wheel needs: its data files shipped, defaults outside the checkout, loud failures."""

from __future__ import annotations

import fnmatch
import tomllib

import pytest

from assistant import config
from assistant.config import PACKAGE, ROOT, Settings


def test_every_data_file_under_the_package_is_declared_as_package_data():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    # Each package's globs are relative to its own folder: "assistant.static" -> static/.
    globs = ["/".join(package.split(".")[1:] + [g]) for package, gs in declared.items() for g in gs]
    data = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert data, "no data files found"
    assert [d for d in data if not any(fnmatch.fnmatch(d, g) for g in globs)] == []
    assert "calibration.json" in data and config.BUNDLED_ARTICLE in data


def test_the_bundled_article_is_the_corpus_article():
    bundled = PACKAGE / config.BUNDLED_ARTICLE
    assert bundled.read_bytes() == (ROOT / "corpus" / bundled.name).read_bytes()


def test_a_checkout_keeps_repo_relative_defaults(monkeypatch):
    for var in config.ENV:
        monkeypatch.delenv(var, raising=False)
    s = Settings.from_env()
    assert s.corpus_dir == ROOT / "corpus" and s.index_dir == ROOT / "index"


def test_installed_defaults_use_the_user_data_folder_and_the_bundled_article(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "in_checkout", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    s = Settings()
    assert s.index_dir == tmp_path / "nissan-assistant" / "index"
    assert s.corpus_dir == (PACKAGE / config.BUNDLED_ARTICLE).parent
    (tmp_path / "nissan-assistant" / "corpus").mkdir(parents=True)  # the user made their own corpus
    assert Settings().corpus_dir == tmp_path / "nissan-assistant" / "corpus"


def test_a_missing_shipped_file_fails_loudly(monkeypatch, tmp_path):
    from assistant import calibration
    from assistant.errors import DataFileError

    monkeypatch.setattr(config, "PACKAGE", tmp_path)
    with pytest.raises(DataFileError, match="calibration.json is missing from the installed package"):
        calibration.load_shipped()
    monkeypatch.setattr(config, "in_checkout", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with pytest.raises(DataFileError, match="reinstall"):
        Settings()


def test_an_answer_says_so_when_the_calibration_is_missing(monkeypatch, tmp_path):
    from assistant import answer, answering

    monkeypatch.setattr(config, "PACKAGE", tmp_path)
    monkeypatch.setattr(answering, "_default", None)
    a = answer("Who is the CEO?")
    assert a.error and "calibration.json is missing" in a.error  # not a silent fall back to made-up weights
