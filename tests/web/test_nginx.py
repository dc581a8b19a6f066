"""The shipped nginx recipe (deploy/nginx.conf) in front of two real app replicas.

One real `chroma run`, an editor that ingests the corpus into it from its own data dir, and two
`careerbot serve` replicas, each with its own data dir and an empty corpus folder, pointed at
the server. nginx (Debian's, run as the test user) serves the recipe with only its upstream
`server` lines and its `listen` line swapped for loopback ports; everything else is the file
as shipped.

What is shown about the replicas, honestly: ip_hash keys on the client's address (for IPv4, its
first three octets), and every request here comes from 127.0.0.1, so nginx sends all of them to
one replica; spreading two readers over two replicas is not something loopback can show. So:
each replica answers directly; through nginx a whole chat session (config, API info, queue join,
the SSE stream of the answer) goes to one replica, read from nginx's access log
(``$upstream_addr``); and once that replica is stopped, nginx sends the next session to the
other one, whose chat works too, so both replicas served chats through nginx. (By hand, the
same recipe without ip_hash spread one session's requests over both replicas and the chat
failed, 3 times out of 3: Gradio's queue keeps a session in one process.)

The tests share one deployment and run in file order: the last one stops a replica.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.web.guards import max_body_bytes
from tests.conftest import CORPUS, REPO, free_port, running_app, wait_for_http
from tests.postgres import fresh_database
from tests.web.chat_reply import SOURCES, source_links, text_of
from tests.web.serving import server_process

pytestmark = pytest.mark.slow

RECIPE = REPO / "deploy" / "nginx.conf"
NGINX = Path("/usr/sbin/nginx")
COLLECTION = "nginx"
QUESTION = "Is a cloud certification worth getting?"


def render(recipe: str, replicas: list[str], port: int) -> str:
    """The recipe with its upstream's servers replaced by ``replicas`` (host:port, keeping
    each line's parameters) and its ``listen 80`` by loopback ``port``."""
    upstream = re.search(r"(?ms)^upstream careerbot \{$.*?^\}$", recipe)
    assert upstream is not None
    addresses = iter(replicas)
    block, servers = re.subn(
        r"(?m)^(    server )\S+( .*)?;$",
        lambda line: f"{line[1]}{next(addresses)}{line[2] or ''};",
        upstream[0],
    )
    assert servers == len(replicas), "one upstream server line per replica"
    recipe = recipe[: upstream.start()] + block + recipe[upstream.end() :]
    recipe, listens = re.subn(r"(?m)^    listen 80;$", f"    listen 127.0.0.1:{port};", recipe)
    assert listens == 1
    return recipe


def nginx_conf(site: Path, prefix: Path, access_log: Path) -> str:
    """A main configuration that includes ``site`` (the rendered recipe), with every path
    nginx writes under ``prefix`` and an access log naming the replica of each request."""
    temp = "".join(
        f"    {kind}_temp_path {prefix / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Started by root, nginx's workers would run as nobody, who cannot enter pytest's
    # private temp folders (request bodies over 16 KB are written there).
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\nevents {{ worker_connections 256; }}\nhttp {{\n"
        f"{temp}"
        "    log_format upstream '$request_method $uri $status $upstream_addr';\n"
        f"    access_log {access_log} upstream;\n"
        f"    include {site};\n}}\n"
    )


@dataclass(frozen=True)
class Deployment:
    """Where the pieces answer: nginx, and each replica directly (by their upstream address)."""

    nginx: str
    replicas: dict[str, str]
    access_log: Path

    def served_by(self, since: int, *, timeout: float = 5.0) -> list[tuple[str, str]]:
        """``(uri, replica that answered)`` for each request nginx logged after byte ``since``
        of its access log (after a failed try, the last replica nginx asked). Heartbeat
        streams are left out: a line is logged when its request ends, and a client's
        heartbeat ends whenever it is closed, in the middle of a later session.

        nginx writes a request's line after its response has reached the client, so a read
        right after a request can find nothing yet (a CI run did): this waits, up to
        ``timeout`` seconds, until something is logged after ``since`` and the log has
        stopped growing for a moment."""
        deadline = time.monotonic() + timeout
        size = -1
        while True:
            now, served = self.log_size(), self._logged(since)
            if (served and now == size) or time.monotonic() > deadline:
                return served
            size = now
            time.sleep(0.2)

    def _logged(self, since: int) -> list[tuple[str, str]]:
        lines = self.access_log.read_bytes()[since:].decode().splitlines()
        served = [(line.split()[1], line.split(" ", 3)[3].split(", ")[-1]) for line in lines]
        return [(uri, by) for uri, by in served if not uri.startswith("/gradio_api/heartbeat/")]

    def log_size(self) -> int:
        return self.access_log.stat().st_size


def start_replicas(stack: ExitStack, apps: list[AbstractContextManager[str]]) -> list[str]:
    """Enter the app servers' contexts at once (each loads the model for ~20 s), registering
    each started one on ``stack``; returns their base URLs."""
    with ThreadPoolExecutor(len(apps)) as pool:
        started = [pool.submit(app.__enter__) for app in apps]
        bases, failed = [], None
        for app, future in zip(apps, started, strict=True):
            try:
                bases.append(future.result())
                stack.push(app.__exit__)
            except Exception as exc:  # the other one is still stopped by the stack
                failed = exc
    if failed is not None:
        raise failed
    return bases


@pytest.fixture(scope="module")
def deployment(
    chroma_server: tuple[str, int],
    postgres: str,
    embedder: Embedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    host, port = chroma_server
    root = tmp_path_factory.mktemp("nginx")
    empty = root / "no-corpus"
    empty.mkdir()
    shared = {"chroma_host": host, "chroma_port": port, "collection": COLLECTION}
    env = {
        "CAREERBOT_CHROMA_HOST": host,
        "CAREERBOT_CHROMA_PORT": str(port),
        "CAREERBOT_COLLECTION": COLLECTION,
        "CAREERBOT_CORPUS_DIR": str(empty),
    }
    # The shared state (records, lock, the pages' articles) in one PostgreSQL database.
    url = fresh_database(postgres, "nginx")
    shared["database_url"] = url
    env["CAREERBOT_DATABASE_URL"] = url
    editor = CareerBot(
        Settings(data_dir=root / "editor", corpus_dir=CORPUS, **shared),
        embedder=embedder,
        build_if_missing=True,
    )
    assert editor.last_ingest is not None and editor.last_ingest.chunks == 37
    with ExitStack() as stack:
        dirs = [root / name for name in ("a", "b")]
        for data in dirs:
            data.mkdir()
        bases = start_replicas(stack, [running_app(data, **env) for data in dirs])
        replicas = {base.removeprefix("http://"): base for base in bases}
        listen = free_port()
        prefix = root / "nginx"
        prefix.mkdir()
        site = prefix / "careerbot.conf"
        site.write_text(render(RECIPE.read_text(), list(replicas), listen))
        conf = prefix / "nginx.conf"
        access_log, error_log = prefix / "access.log", prefix / "error.log"
        conf.write_text(nginx_conf(site, prefix, access_log))
        directives = f"daemon off; pid {prefix / 'nginx.pid'};"
        command = [str(NGINX), "-p", str(prefix), "-e", str(error_log), "-c", str(conf)]
        proc = subprocess.Popen([*command, "-g", directives], stderr=subprocess.STDOUT)
        stack.callback(proc.wait, timeout=20)
        stack.callback(proc.terminate)
        base = f"http://127.0.0.1:{listen}"
        wait_for_http(f"{base}/api/health", proc, error_log, timeout=30)
        yield Deployment(base, replicas, access_log)


def test_article_pages_through_nginx_need_no_corpus_folder(deployment: Deployment) -> None:
    answer = httpx.post(f"{deployment.nginx}/api/ask", json={"question": QUESTION}, timeout=60)
    path, anchor = answer.json()["citations"][0]["url"].split("#")
    page = httpx.get(deployment.nginx + path, timeout=30)
    assert page.status_code == 200 and f'id="{anchor}"' in page.text


def test_the_chat_and_the_api_work_through_nginx_one_replica_per_session(
    deployment: Deployment,
) -> None:
    for base in deployment.replicas.values():  # each replica answers on its own
        health = httpx.get(f"{base}/api/health", timeout=30).json()
        assert health["status"] == "ok" and health["chunks"] == 37
        asked = httpx.post(f"{base}/api/ask", json={"question": QUESTION}, timeout=60)
        assert asked.status_code == 200 and asked.json()["citations"]

    health = httpx.get(f"{deployment.nginx}/api/health", timeout=30)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    asked = httpx.post(
        f"{deployment.nginx}/api/ask", json={"question": "Which role pays more?"}, timeout=60
    )
    assert asked.status_code == 200 and asked.json()["citations"]
    # A valid request over nginx's default 1 MB body limit reaches the app (about 4.8 MB: 100
    # messages of 8,000 characters, each escaped to 6 bytes), and one between the app's own
    # limit and the recipe's gets the app's 413, which says what to do, not nginx's.
    history = [{"role": ("user", "assistant")[i % 2], "content": "é" * 8000} for i in range(100)]
    big = {"question": "Which role pays more?", "history": history}
    asked = httpx.post(f"{deployment.nginx}/api/ask", json=big, timeout=60)
    assert asked.status_code == 200, asked.text[:300]
    emoji = [{"role": "user", "content": "\U0001f600" * 8000}] * 105  # 12 bytes each
    huge = json.dumps({"question": "Which role pays more?", "history": emoji}).encode()
    assert max_body_bytes(Settings()) < len(huge) < 10 * 2**20  # the recipe's 10m
    refused = httpx.post(
        f"{deployment.nginx}/api/ask",
        content=huge,
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert refused.status_code == 413 and "shorter history" in refused.json()["error"]
    # Gradio's root URL is nginx's, port included (X-Forwarded-Host is $http_host).
    assert httpx.get(f"{deployment.nginx}/config", timeout=30).json()["root"] == deployment.nginx

    since = deployment.log_size()
    client = Client(deployment.nginx, verbose=False)
    reply = client.predict(QUESTION, api_name="/chat")
    assert "[1]" in text_of(reply) and SOURCES in text_of(reply)
    assert source_links(reply)
    job = client.submit("What does an ML engineer do?", api_name="/chat")
    final = job.result(timeout=120)
    assert len(job.outputs()) > 2 and SOURCES in text_of(final)  # streamed through nginx in pieces
    client.close()

    served = deployment.served_by(since)
    uris = {uri for uri, _ in served}
    assert {"/config", "/gradio_api/queue/join", "/gradio_api/queue/data"} <= uris
    assert len({replica for _, replica in served}) == 1, served
    assert served[0][1] in deployment.replicas


def test_with_the_sessions_replica_stopped_the_other_one_serves_the_chat(
    deployment: Deployment,
) -> None:
    since = deployment.log_size()
    httpx.get(f"{deployment.nginx}/api/health", timeout=30)
    chosen = deployment.served_by(since)[-1][1]
    (other,) = set(deployment.replicas) - {chosen}
    process = server_process(deployment.replicas[chosen])
    process.kill()  # a replica that dies (a graceful stop waits for open streams)
    process.wait(timeout=20)

    since = deployment.log_size()
    client = Client(deployment.nginx, verbose=False)
    reply = client.predict(QUESTION, api_name="/chat")
    client.close()
    assert "[1]" in text_of(reply) and SOURCES in text_of(reply)
    served = deployment.served_by(since)
    assert served and all(replica == other for _, replica in served), served
