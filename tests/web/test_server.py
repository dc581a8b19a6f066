"""The real app on a loopback port: gradio_client, the HTTP API and the article pages."""

from __future__ import annotations

import re

import httpx
import pytest
from gradio_client import Client

from tests.web.chat_reply import SOURCES, source_links, text_of

pytestmark = pytest.mark.slow


def test_chat_endpoint_answers_with_markers_and_source_links(app_server: str) -> None:
    client = Client(app_server, verbose=False)
    reply = client.predict("Is a cloud certification worth getting?", api_name="/chat")
    assert isinstance(reply, dict) and isinstance(reply["content"], str)
    assert re.search(r"\[1\]", reply["content"])
    assert SOURCES in reply["content"]
    assert reply["options"] and all(o["value"].endswith("?") for o in reply["options"])
    links = source_links(reply)
    assert links
    for path, anchor in links:  # every source link lands on a heading with that id
        page = httpx.get(app_server + path, timeout=30)
        assert page.status_code == 200
        assert f'id="{anchor}"' in page.text


def test_chat_streams_in_pieces(app_server: str) -> None:
    client = Client(app_server, verbose=False)
    # A question answered in several sentences: the chat sends one update per sentence.
    question = "What does an ML engineer do all day, and how is it different from a data scientist?"
    job = client.submit(question, api_name="/chat")
    final = job.result(timeout=120)
    outputs = job.outputs()
    body = text_of(final).split(SOURCES)[0]
    assert len(re.findall(r"\[\d+\]", body)) >= 3, final  # the premise: 3+ cited sentences
    assert len(outputs) > 2 and all(isinstance(o, str) for o in outputs[:-1])
    assert outputs[-1] == final and SOURCES in text_of(final)


@pytest.mark.parametrize("question", ["", "   ", "x" * 100_000, "\x00\x01\x02 pay"])
def test_chat_bad_input_gets_a_message_and_the_app_keeps_serving(
    app_server: str, question: str
) -> None:
    client = Client(app_server, verbose=False)
    with pytest.raises(Exception) as info:
        client.predict(question, api_name="/chat")
    assert re.search(r"question|control character", str(info.value), re.IGNORECASE)
    assert "[1]" in text_of(client.predict("Which role pays more?", api_name="/chat"))


def test_http_api_for_analysts(app_server: str) -> None:
    health = httpx.get(f"{app_server}/api/health", timeout=30).json()
    assert health["status"] == "ok" and health["chunks"] > 30
    got = httpx.get(
        f"{app_server}/api/retrieve", params={"q": "Indian AI hiring cities", "k": 3}, timeout=60
    )
    passages = got.json()["passages"]
    assert len(passages) == 3 and passages[0]["url"].startswith(
        "/articles/ai-ml-engineer-jobs-india-2026#"
    )
    answer = httpx.post(
        f"{app_server}/api/ask",
        json={
            "question": "and what about pay?",
            "history": [
                {
                    "role": "user",
                    "content": "What does an ML engineer do compared with a data scientist?",
                }
            ],
        },
        timeout=60,
    ).json()
    assert (
        answer["refused"] is False
        and answer["citations"][0]["section"] == "How pay and demand differ"
    )


@pytest.mark.parametrize(("question", "status"), [("", 422), ("y" * 100_000, 422)])
def test_http_api_errors_are_json_with_a_status(
    app_server: str, question: str, status: int
) -> None:
    got = httpx.post(f"{app_server}/api/ask", json={"question": question}, timeout=60)
    assert got.status_code == status
    assert "question" in got.json()["error"].lower()


def test_article_pages_and_index(app_server: str) -> None:
    index = httpx.get(f"{app_server}/articles", timeout=30)
    assert index.status_code == 200 and index.text.count('href="/articles/') == 5
    page = httpx.get(f"{app_server}/articles/ml-engineer-vs-data-scientist-2026", timeout=30).text
    assert '<h2 id="how-pay-and-demand-differ">' in page
    assert (
        'rel="canonical" href="https://careers.example.com/articles/ml-engineer-vs-data-scientist-2026"'
        in page
    )
    assert 'href="/articles/ai-engineer-salary-2026"' in page  # corpus links stay in the app
    assert httpx.get(f"{app_server}/articles/nope", timeout=30).status_code == 404


def test_article_404_escapes_the_slug(app_server: str) -> None:
    got = httpx.get(f"{app_server}/articles/<img src=x onerror=alert(1)>", timeout=30)
    assert got.status_code == 404
    assert "<img" not in got.text and "&lt;img" in got.text


def test_request_validation_errors_use_the_error_shape(app_server: str) -> None:
    got = httpx.get(f"{app_server}/api/retrieve", timeout=30)  # no q
    assert got.status_code == 422 and "q" in got.json()["error"]


def test_no_api_docs_page_needs_a_cdn_and_the_schema_is_served(app_server: str) -> None:
    for path in ("/docs", "/redoc"):
        assert httpx.get(app_server + path, timeout=30).status_code == 404
    schema = httpx.get(f"{app_server}/openapi.json", timeout=30).json()
    assert "/api/ask" in schema["paths"]
