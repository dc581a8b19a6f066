"""careerbot: answers career questions from a publisher's articles, citing every section.

>>> from careerbot import CareerBot
>>> bot = CareerBot()
>>> bot.ask("Which role pays more?")
"""

import os

# The embedding model ships inside a Python package; nothing may reach for a model hub. These
# are read when huggingface_hub is first imported, so they are set before anything imports it.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# OpenMP threads (torch's and llama.cpp's) spin after each parallel step by default. With the
# embedding model and an in-process LLM on a few cores they starve each other: measured here,
# retrieval after an answer took ~500 ms instead of ~25 ms and prompt evaluation ran 2x slower.
# Read when each OpenMP runtime loads, so it is set before torch is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from careerbot.bot import CareerBot  # noqa: E402
from careerbot.errors import CareerbotError  # noqa: E402
from careerbot.settings import Settings  # noqa: E402
from careerbot.types import Answer, Citation, Passage  # noqa: E402

__all__ = ["Answer", "CareerBot", "CareerbotError", "Citation", "Passage", "Settings"]
