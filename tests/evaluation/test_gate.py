"""The gate before a re-ingest goes live (``careerbot ingest --check``), with the real model,
real Chroma and the real question log: a scratch copy takes the new content, the live index
stays as it was."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexMissingError
from careerbot.evaluation.gate import check_ingest
from careerbot.evaluation.gold import GoldItem, load_gold
from careerbot.evaluation.logged import logged_questions
from careerbot.feedback.log import AnswerLog
from careerbot.settings import Settings
from careerbot.store.database import Database
from tests.conftest import CORPUS, GOLD

SALARY = "ai-engineer-salary-2026"
PREMIUM = "Where the AI pay premium comes from"
OFFER = "What moves an individual offer up or down"


def without_section(text: str, heading: str) -> str:
    """``text`` with the H2 ``heading`` and its body removed."""
    cut = re.sub(rf"## {re.escape(heading)}\n.*?(?=\n## )", "", text, count=1, flags=re.S)
    assert cut != text
    return cut


def with_sentence(text: str, heading: str, sentence: str) -> str:
    """``text`` with ``sentence`` appended to the first paragraph under ``heading``."""
    head, mark, rest = text.partition(f"## {heading}\n\n")
    paragraph, gap, tail = rest.partition("\n\n")
    assert mark and gap
    return f"{head}{mark}{paragraph} {sentence}{gap}{tail}"


def small_gold() -> list[GoldItem]:
    """A quick gold set: both questions of the two salary sections edited here, one of every
    other salary section, and five unanswerable ones."""
    items = load_gold(GOLD)
    edited = [i for i in items if i.slug == SALARY and i.section in (PREMIUM, OFFER)]
    seen: set[str | None] = {PREMIUM, OFFER}
    others = []
    for i in items:
        if i.slug == SALARY and i.section not in seen:
            seen.add(i.section)
            others.append(i)
    return edited + others + [i for i in items if not i.answerable][:5]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A corpus copy and its live index (data dir), built once; tests work on copies."""
    root = tmp_path_factory.mktemp("gate-live")
    shutil.copytree(CORPUS, root / "corpus")
    settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus")
    CareerBot(settings, embedder=embedder).store.handle.disconnect()
    return root


@pytest.fixture
def live(pristine: Path, tmp_path: Path, embedder: Embedder) -> CareerBot:
    """A live bot over a fresh copy of the pristine corpus and index."""
    shutil.copytree(pristine, tmp_path / "live")
    settings = Settings(
        data_dir=tmp_path / "live" / "data", corpus_dir=tmp_path / "live" / "corpus"
    )
    return CareerBot(settings, embedder=embedder, build_if_missing=False)


def article(bot: CareerBot) -> Path:
    return bot.settings.corpus_dir / f"{SALARY}.md"


def test_the_gate_blocks_an_edit_that_removes_a_section_gold_questions_need(
    live: CareerBot,
) -> None:
    gold = small_gold()
    lost = [i.question for i in gold if i.section == PREMIUM]
    stamp, count = live.store.stamp, live.store.count()
    stamp_file = live.store.sidecar.stamp_path.read_text()
    article(live).write_text(without_section(article(live).read_text(), PREMIUM))

    report = check_ingest(live, gold)

    assert not report.passed
    dropped = {m.name: m for m in report.dropped}
    assert "hit@3" in dropped  # (and, one of the two now refused, "answered" on this small set)
    hit = dropped["hit@3"]
    assert set(hit.lost) == set(lost) and hit.after < hit.before
    message = report.message()
    assert "hit@3 dropped" in message and "Nothing was published" in message
    assert all(q in message for q in lost)
    changed = {c.question: c for c in report.changed}
    for question in lost:  # before: the removed section; after: anything else
        assert PREMIUM in str(changed[question].before)
        assert PREMIUM not in str(changed[question].after)
    assert [str(c).rsplit(": ", 1)[1] for c in report.ingest.changes] == ["removed"]
    assert PREMIUM in str(report.ingest.changes[0])
    assert "GateReport(blocked: hit@3" in repr(report)
    # The live index is as it was: same generation and stamp file, same chunks, and the
    # removed section is still what its gold questions find.
    assert live.store.stamp == stamp == report.generation
    assert live.store.sidecar.stamp_path.read_text() == stamp_file
    assert live.store.count() == count
    for question in lost:
        assert PREMIUM in [p.section for p in live.retrieve(question, k=3)]
    again = CareerBot(live.settings, embedder=live.embedder, build_if_missing=False)
    assert again.store.stamp == stamp and again.store.count() == count


def test_a_harmless_edit_passes_and_the_live_index_waits_for_the_publish(
    live: CareerBot,
) -> None:
    gold = small_gold()
    stamp = live.store.stamp
    sentence = "Recruiters in Wellington quote the same ranges."
    article(live).write_text(with_sentence(article(live).read_text(), OFFER, sentence))

    report = check_ingest(live, gold)

    assert report.passed and not report.dropped and report.message() == ""
    assert all(m.drop <= 0 for m in report.metrics)
    assert report.ingest.embedded == 1  # only the edited section went through the model
    assert [str(c).rsplit(": ", 1)[1] for c in report.ingest.changes] == ["changed"]
    assert OFFER in str(report.ingest.changes[0])
    assert live.store.stamp == stamp
    assert "Wellington" not in live.retrieve("Wellington recruiters", k=1)[0].text
    live.ingest()  # the publish
    assert live.store.stamp != stamp
    assert "Wellington" in live.retrieve("Wellington recruiters ranges", k=1)[0].text


def test_logged_questions_are_re_asked_most_asked_first_without_gold_ones(
    live: CareerBot,
) -> None:
    gold = small_gold()
    asked = [
        "Which cloud certification should I get first?",
        "What do AI engineers earn in 2026?",
        "What do AI engineers earn in 2026?",
        gold[0].question,  # a gold question is asked once, as gold
        "What  do AI engineers earn in 2026? ",  # the same, typed differently
    ]
    with Database(live.settings) as database:
        log = AnswerLog(database, live.store.name, live.settings)
        for question in asked:
            log.record(live.ask(question), latency_ms=1.0, channel="api")
    found = logged_questions(live.settings, live.store.name, exclude=[i.question for i in gold])
    assert found == ["What do AI engineers earn in 2026?", asked[0]]
    old = logged_questions(
        live.settings.model_copy(update={"check_log_days": 1.0}), live.store.name, now=2e10
    )
    assert old == []  # nothing asked in the day before that time
    article(live).write_text(without_section(article(live).read_text(), PREMIUM))
    report = check_ingest(live, gold, logged=found)
    assert report.logged_questions == 2
    assert all(c.source in ("gold", "log") for c in report.changed)


def test_without_a_live_index_the_check_says_to_ingest_first(
    settings: Settings, embedder: Embedder
) -> None:
    bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
    with pytest.raises(IndexMissingError, match="run a plain `careerbot ingest` first"):
        check_ingest(bot, small_gold())
    assert not settings.chroma_path.exists()
