from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

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
