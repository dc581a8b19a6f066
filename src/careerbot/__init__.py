"""careerbot: answers career questions from a publisher's articles, citing every section.

>>> from careerbot import CareerBot
>>> bot = CareerBot()
>>> bot.ask("Which role pays more?")

Importing the package is cheap and changes nothing: the names below are imported on first use
(no model, store or web library is loaded, no environment variable is set). Offline model
loading is arranged where the model loads (:mod:`careerbot.embedding.runtime_env`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.errors import CareerbotError
    from careerbot.settings import Settings
    from careerbot.types import Answer, Citation, Passage

__all__ = ["Answer", "CareerBot", "CareerbotError", "Citation", "Passage", "Settings"]

_HOMES = {
    "Answer": "careerbot.types",
    "CareerBot": "careerbot.bot",
    "CareerbotError": "careerbot.errors",
    "Citation": "careerbot.types",
    "Passage": "careerbot.types",
    "Settings": "careerbot.settings",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'careerbot' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
