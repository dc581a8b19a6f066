"""The one configuration object. Every field can be set as a ``CAREERBOT_<FIELD>`` variable.

The fields are grouped by stage, one module each (storage, answering, llm, web); ``Settings``
joins them, so the variables stay flat (``CAREERBOT_TOP_K``, not nested)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from careerbot.settings.answering import AnsweringSettings
from careerbot.settings.feedback import FeedbackSettings
from careerbot.settings.gate import GateSettings
from careerbot.settings.llm import LLMSettings
from careerbot.settings.paths import (
    APP_NAME,
    checkout,
    default_corpus_dir,
    default_data_dir,
    user_data_dir,
)
from careerbot.settings.storage import StorageSettings
from careerbot.settings.web import WebSettings

__all__ = [
    "APP_NAME",
    "Settings",
    "checkout",
    "default_corpus_dir",
    "default_data_dir",
    "user_data_dir",
]


# Fields are listed base by base from the last: storage, answering, llm, web, feedback, gate.
class Settings(
    GateSettings,
    FeedbackSettings,
    WebSettings,
    LLMSettings,
    AnsweringSettings,
    StorageSettings,
    BaseSettings,
):
    """careerbot's settings: built once (usually from the environment) and passed in."""

    model_config = SettingsConfigDict(env_prefix="CAREERBOT_", frozen=True, extra="ignore")

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.data_dir / "chroma"
