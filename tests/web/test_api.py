"""The API's answers when the index cannot serve (the app in-process, over ASGI)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.web.server import create_app


def test_health_is_503_until_an_index_is_built(settings: Settings, embedder: Embedder) -> None:
    bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
    client = TestClient(create_app(bot))
    got = client.get("/api/health")
    assert got.status_code == 503 and "careerbot ingest" in got.json()["error"]
    assert client.post("/api/ask", json={"question": "Which role pays more?"}).status_code == 503
    bot.ingest()
    assert client.get("/api/health").json()["status"] == "ok"
