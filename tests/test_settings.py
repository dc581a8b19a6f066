from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import CorpusError
from careerbot.settings import Settings
from tests.conftest import REPO


def test_every_setting_has_a_description_and_a_readme_row() -> None:
    readme = (REPO / "README.md").read_text()
    documented = set(re.findall(r"^\| `(CAREERBOT_[A-Z0-9_]+)` \|", readme, re.MULTILINE))
    fields = {f"CAREERBOT_{name.upper()}" for name in Settings.model_fields}
    assert documented == fields
    assert all(f.description for f in Settings.model_fields.values())


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERBOT_TOP_K", "7")
    monkeypatch.setenv("CAREERBOT_NAVIGATION_HEADINGS", '["Sources"]')
    settings = Settings()
    assert settings.top_k == 7 and settings.navigation_headings == ("Sources",)


def test_bad_values_are_refused_with_the_field_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERBOT_TOP_K", "0")
    with pytest.raises(ValidationError, match="top_k"):
        Settings()


def test_paths_default_to_the_checkout_inside_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREERBOT_DATA_DIR")
    monkeypatch.delenv("CAREERBOT_CORPUS_DIR")
    monkeypatch.chdir(REPO)
    assert (Settings().corpus_dir, Settings().data_dir) == (Path("corpus"), Path(".careerbot"))
    monkeypatch.chdir(REPO / "examples")  # a notebook next to the checkout's corpus
    assert Settings().corpus_dir == REPO / "corpus"
    assert Settings().data_dir == REPO / ".careerbot"


def test_paths_default_to_the_user_folder_elsewhere_and_nothing_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedder: Embedder
) -> None:
    monkeypatch.delenv("CAREERBOT_DATA_DIR")
    monkeypatch.delenv("CAREERBOT_CORPUS_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = Settings()
    assert settings.data_dir == tmp_path / "xdg" / "careerbot"
    assert settings.corpus_dir == tmp_path / "xdg" / "careerbot" / "corpus"
    bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
    assert not bot.store.exists()
    with pytest.raises(CorpusError, match=str(settings.corpus_dir)):
        CareerBot(settings, embedder=embedder)  # no corpus there yet: says where it looked
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "xdg").exists()
