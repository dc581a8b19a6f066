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


def test_ask_carries_passages_and_retrieve_takes_filters(shared_bot: CareerBot) -> None:
    client = TestClient(create_app(shared_bot))
    asked = client.post("/api/ask", json={"question": "Which role pays more?"}).json()
    assert asked["passages"] and all(isinstance(p["score"], float) for p in asked["passages"])
    assert asked["passages"][0]["similarity"] is not None
    slug = "cloud-certifications-worth-it-2026"
    got = client.get(
        "/api/retrieve", params={"q": "Which role pays more?", "k": 3, "article": slug}
    )
    assert got.status_code == 200 and {p["slug"] for p in got.json()["passages"]} == {slug}
    recent = client.get(
        "/api/retrieve", params={"q": "Which role pays more?", "updated_after": "2026-01-21"}
    ).json()["passages"]
    assert recent and all(p["updated"] > "2026-01-21" for p in recent)
    bad = client.get("/api/retrieve", params={"q": "pay", "updated_after": "soon"})
    assert bad.status_code == 422 and "updated_after" in bad.json()["error"]
    bad_k = client.get("/api/retrieve", params={"q": "pay", "k": 0})
    assert bad_k.status_code == 422 and "k" in bad_k.json()["error"]


def test_503_bodies_carry_no_absolute_data_path(settings: Settings, embedder: Embedder) -> None:
    bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
    client = TestClient(create_app(bot))
    for got in (client.get("/api/health"), client.post("/api/ask", json={"question": "pay?"})):
        assert got.status_code == 503
        message = got.json()["error"]
        assert (
            str(settings.data_dir) not in message
            and str(settings.data_dir.resolve()) not in message
        )
        assert settings.data_dir.name in message and "careerbot ingest" in message
