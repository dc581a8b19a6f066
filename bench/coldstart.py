"""App cold start and memory: ``careerbot serve`` against a naive process, on an existing index
of our corpus.

careerbot: ``python -m careerbot serve`` (what ``python app.py`` runs: gradio chat, article
pages, HTTP API) is launched; timed until ``GET /api/health`` answers 200 (model loaded, index
opened, web app up), then until the first ``POST /api/ask`` answers. naive
(bench/naive_app.py, no web server): timed until ``HuggingFaceEmbeddings`` is loaded and the
store opened, then until its first ``similarity_search`` returns. RSS (VmRSS) is read at each
point, and VmHWM (peak) after a few more questions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

import careerbot
from bench.common import proc_memory

Row = tuple[str, float | None, float | None]
MB = 1_000_000


def _env(data_dir: Path, corpus: Path) -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(careerbot.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["CAREERBOT_DATA_DIR"], env["CAREERBOT_CORPUS_DIR"] = str(data_dir), str(corpus)
    env.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    return env


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def careerbot_start(
    data_dir: Path, corpus: Path, questions: list[str], log_path: Path, timeout: float = 300
) -> dict[str, float]:
    """Seconds to health 200 and to the first answer; RSS in MB at each; peak after more."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "careerbot", "serve", "--port", str(port)],
            env=_env(data_dir, corpus),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        out: dict[str, float] = {}
        with httpx.Client(timeout=60) as client:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"careerbot serve exited ({proc.returncode}); see {log_path}"
                    )
                if time.perf_counter() - start > timeout:
                    raise RuntimeError(
                        f"careerbot serve not ready after {timeout} s; see {log_path}"
                    )
                try:
                    if client.get(f"{url}/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            out["ready_s"] = time.perf_counter() - start
            out["ready_rss_mb"] = proc_memory(proc.pid)["VmRSS"] / MB
            client.post(f"{url}/api/ask", json={"question": questions[0]}).raise_for_status()
            out["first_answer_s"] = time.perf_counter() - start
            out["answer_rss_mb"] = proc_memory(proc.pid)["VmRSS"] / MB
            for q in questions[1:]:
                client.post(f"{url}/api/ask", json={"question": q}).raise_for_status()
            mem = proc_memory(proc.pid)
            out["after_rss_mb"], out["peak_rss_mb"] = mem["VmRSS"] / MB, mem["VmHWM"] / MB
        return out
    finally:
        _stop(proc)


def naive_start(store_dir: Path, questions: list[str], timeout: float = 300) -> dict[str, float]:
    """The same figures for bench/naive_app.py (``opened`` stands for ready)."""
    script = Path(__file__).with_name("naive_app.py")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(script), str(store_dir)],
        env=dict(os.environ),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        out: dict[str, float] = {}
        for marker, key in (("opened", "ready"), ("answered", "first_answer")):
            line = proc.stdout.readline().strip()
            if line != marker:
                raise RuntimeError(f"naive app said {line!r}, not {marker!r} (exit {proc.poll()})")
            out[f"{key}_s"] = time.perf_counter() - start
            out[f"{'ready' if key == 'ready' else 'answer'}_rss_mb"] = (
                proc_memory(proc.pid)["VmRSS"] / MB
            )
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"naive app not ready after {timeout} s")
        for q in questions[1:]:
            proc.stdin.write(q.replace("\n", " ") + "\n")
            proc.stdin.flush()
            proc.stdout.readline()
        mem = proc_memory(proc.pid)
        out["after_rss_mb"], out["peak_rss_mb"] = mem["VmRSS"] / MB, mem["VmHWM"] / MB
        proc.stdin.close()
        return out
    finally:
        _stop(proc)


def rows(cb: dict[str, float], nv: dict[str, float] | None, n_questions: int) -> list[Row]:
    """Table rows of the two cold starts."""

    def both(key: str) -> tuple[float, float | None]:
        return cb[key], (nv[key] if nv else None)

    return [
        ("app ready s (careerbot: /api/health 200)", *both("ready_s")),
        ("launch to first answer s", *both("first_answer_s")),
        ("RSS MB when ready", *both("ready_rss_mb")),
        (f"RSS MB after {n_questions} questions", *both("after_rss_mb")),
        ("peak RSS MB (VmHWM)", *both("peak_rss_mb")),
    ]
