"""``python -m bench.load``: the web app under many readers, on a real server on loopback.

Three figures: a burst (20 chat readers asking at once: the wait of the last one relative to
one reader alone; goal at most 3x), chat readers (gradio_client, 1-3 s think time) for a
while, and API clients (``POST /api/ask``, no think time) for a while: p50/p95 latency and
errors (goal 0). Without ``--base`` the app is started on a free port with the corpus, its index
in a temporary folder. The machine's load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import median, pct
from bench.load_clients import QueueReader, api_client, chat_reader, queue_reader, started_app

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "What does an ML engineer do that a data scientist doesn't?",
    "Why does production ML work earn a pay premium?",
    "Is a cloud certification worth getting?",
    "How can a junior developer stay relevant as AI automates routine work?",
    "Which Indian cities hire the most AI engineers?",
    "Which role pays more?",
    "Do cloud certifications expire?",
    "What skills should a data scientist learn to move into ML engineering?",
]


def burst(base: str, readers: int = 20) -> dict[str, float]:
    """``readers`` chat readers asking at once: the wait of the last against one alone."""
    clients = [QueueReader(base) for _ in range(readers)]
    alone = median([timed_call(clients[0].ask, q) for q in QUESTIONS[:3] * 2])
    gate = threading.Barrier(readers + 1)
    waits: list[float] = []

    def reader(i: int) -> None:
        gate.wait()
        start = time.perf_counter()
        clients[i].ask(QUESTIONS[i % len(QUESTIONS)])
        waits.append(time.perf_counter() - start)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    for t in threads:
        t.start()
    gate.wait()
    for t in threads:
        t.join()
    if len(waits) != readers:
        raise RuntimeError(f"{readers - len(waits)} burst reader(s) failed")
    last = max(waits)
    return {"readers": readers, "alone_s": alone, "last_s": last, "ratio": last / alone}


def timed_call(fn: Callable[..., object], *args: object) -> float:
    """Seconds one call of ``fn(*args)`` takes."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def sustained(
    make: Callable[[], Callable[[str], None]],
    clients: int,
    seconds: float,
    think: tuple[float, float],
) -> dict[str, Any]:
    """``clients`` loops of ask-then-think for ``seconds``: latency p50/p95 and the errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(seed: int) -> None:
        rng = random.Random(seed)
        try:
            ask = make()
        except Exception as exc:
            with lock:
                errors.append(f"connect: {exc}")
            return
        while time.monotonic() < deadline:
            question = rng.choice(QUESTIONS)
            start = time.perf_counter()
            try:
                ask(question)
                with lock:
                    latencies.append(time.perf_counter() - start)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
            time.sleep(rng.uniform(*think))

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_s": median(latencies) if latencies else None,
        "p95_s": pct(latencies, 0.95) if latencies else None,
    }


def run(
    base: str,
    *,
    readers: int,
    api_clients: int,
    seconds: float,
    burst_readers: int,
    raw_chat: bool = False,
) -> dict[str, Any]:
    """Every figure against the app at ``base``; ``raw_chat``: the chat readers speak the queue
    protocol (:class:`QueueReader`) instead of using gradio_client."""
    result: dict[str, Any] = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count()}
    result["burst"] = burst(base, burst_readers)
    reader = queue_reader(base) if raw_chat else chat_reader(base)
    result["chat"] = sustained(reader, readers, seconds, (1.0, 3.0))
    result["api"] = sustained(api_client(base), api_clients, seconds, (0.0, 0.0))
    result["load_average_after"] = os.getloadavg()
    return result


def report(result: dict[str, Any]) -> str:
    b, c, a = result["burst"], result["chat"], result["api"]
    load = " ".join(f"{x:.2f}" for x in result["load_average_after"])

    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x * 1000:.0f} ms"

    return "\n".join(
        [
            f"load average {load} ({result['cpus']} CPUs)",
            f"burst: {b['readers']} readers at once: last waited {ms(b['last_s'])}, one alone "
            f"{ms(b['alone_s'])}: {b['ratio']:.1f}x (goal <= 3x)",
            f"chat: {c['clients']} readers x {c['seconds']:.0f} s: {c['requests']} questions, "
            f"p50 {ms(c['p50_s'])}, p95 {ms(c['p95_s'])}, errors {c['errors']}",
            f"api: {a['clients']} clients x {a['seconds']:.0f} s: {a['requests']} questions, "
            f"p50 {ms(a['p50_s'])}, p95 {ms(a['p95_s'])}, errors {a['errors']}",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--base", help="A running app's URL (default: start one).")
    parser.add_argument("--readers", type=int, default=50, help="Chat readers (default 50).")
    parser.add_argument("--api-clients", type=int, default=20, help="API clients (default 20).")
    parser.add_argument("--seconds", type=float, default=60, help="Each phase (default 60).")
    parser.add_argument("--burst", type=int, default=20, help="Burst readers (default 20).")
    parser.add_argument(
        "--raw-chat",
        action="store_true",
        help="Chat readers speak Gradio's queue protocol, as a browser does (gradio_client "
        "spends ~100 ms of CPU per question in this process, which then dominates the figures).",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args(argv)
    options = {
        "readers": args.readers,
        "api_clients": args.api_clients,
        "seconds": args.seconds,
        "burst_readers": args.burst,
        "raw_chat": args.raw_chat,
    }
    if args.base:
        result = run(args.base, **options)
    else:
        with (
            tempfile.TemporaryDirectory(prefix="careerbot-load-") as tmp,
            started_app(Path(tmp)) as base,
        ):
            result = run(base, **options)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
