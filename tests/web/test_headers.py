"""Security headers and the Host check (the app in-process, over ASGI)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.web.headers import host_allowed, host_name, is_loopback
from careerbot.web.server import create_app


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:7860", "127.0.0.1"),
        ("[::1]:7860", "::1"),
        ("Bot.Example.com", "bot.example.com"),
    ],
)
def test_host_name_drops_the_port(header: str, name: str) -> None:
    assert host_name(header) == name


def test_loopback_and_allowed_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    allowed = frozenset({"localhost", "*.example.com"})
    assert host_allowed("bot.example.com", allowed) and host_allowed("localhost", allowed)
    assert not host_allowed("evil.com", allowed) and not host_allowed("example.com.evil", allowed)


def test_beyond_loopback_only_the_allowed_hosts_are_answered(
    settings: Settings, embedder: Embedder
) -> None:
    bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
    public = TestClient(create_app(bot, host="0.0.0.0"), base_url="http://rebind.evil.com")
    refused = public.get("/articles")
    assert refused.status_code == 400
    assert "CAREERBOT_ALLOWED_HOSTS" in refused.json()["error"]
    assert public.get("/articles", headers={"host": "localhost:7860"}).status_code == 200
    named = Settings(allowed_hosts=("bot.example.com",))
    bot = CareerBot(named, embedder=embedder, build_if_missing=False)
    client = TestClient(create_app(bot, host="0.0.0.0"), base_url="http://bot.example.com")
    assert client.get("/articles").status_code == 200
    # On loopback (the default) any Host is answered, as before.
    local = TestClient(create_app(bot), base_url="http://testserver")
    assert local.get("/articles").status_code == 200


def test_every_response_carries_the_headers_and_inline_scripts_the_nonce(
    settings: Settings, embedder: Embedder
) -> None:
    framed = Settings(frame_ancestors="'self' https://careers.example.com")
    bot = CareerBot(framed, embedder=embedder, build_if_missing=False)
    client = TestClient(create_app(bot))
    for path in ("/", "/articles", "/api/health", "/api/nope", "/gradio_api/info"):
        got = client.get(path)
        csp = got.headers["content-security-policy"]
        assert "frame-ancestors 'self' https://careers.example.com" in csp, path
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], path
        assert got.headers["x-content-type-options"] == "nosniff", path
        assert got.headers["referrer-policy"] == "strict-origin-when-cross-origin", path
    page = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    assert nonce
    tags = re.findall(r"<script[^>]*>", page.text)
    assert tags and all(f'nonce="{nonce.group(1)}"' in t for t in tags)
    assert int(page.headers["content-length"]) == len(page.content)
    assert nonce.group(1) not in client.get("/").headers["content-security-policy"]
