"""bot.retriever against LangChain's own standard retriever tests, and its per-call options."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from careerbot.bot import CareerBot
from careerbot.errors import QuestionError
from careerbot.integrations.langchain import SectionRetriever

QUESTION = "Which cloud certification should I pick first?"
SLUG = "ml-engineer-vs-data-scientist-2026"


class TestSectionRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's standard suite: k in the constructor and per call, sync and async."""

    @pytest.fixture(autouse=True)
    def _bot(self, shared_bot: CareerBot) -> None:
        self.bot = shared_bot

    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return SectionRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"search": self.bot.retrieve}

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


def test_k_per_call_overrides_the_default(shared_bot: CareerBot) -> None:
    retriever = shared_bot.retriever
    assert len(retriever.invoke(QUESTION)) == shared_bot.settings.top_k
    assert len(retriever.invoke(QUESTION, k=1)) == 1
    one = retriever.invoke(QUESTION, k=1)[0]
    assert one.metadata["section"] == shared_bot.retrieve(QUESTION, k=1)[0].section


def test_filter_per_call_keeps_one_article(shared_bot: CareerBot) -> None:
    unfiltered = shared_bot.retriever.invoke(QUESTION, k=3)
    assert all(d.metadata["slug"] != SLUG for d in unfiltered)  # the filter has work to do
    docs = shared_bot.retriever.invoke(QUESTION, k=3, filter={"article": SLUG})
    assert len(docs) == 3 and {d.metadata["slug"] for d in docs} == {SLUG}


async def test_async_path_honours_k_and_filter(shared_bot: CareerBot) -> None:
    docs = await shared_bot.retriever.ainvoke(QUESTION, k=2, filter={"article": SLUG})
    assert len(docs) == 2 and {d.metadata["slug"] for d in docs} == {SLUG}
    batch = await shared_bot.retriever.abatch([QUESTION, "What does an ML engineer do?"])
    assert [len(b) for b in batch] == [5, 5]


def test_bad_filters_are_refused(shared_bot: CareerBot) -> None:
    with pytest.raises(ValueError, match="Unknown filter"):
        shared_bot.retriever.invoke(QUESTION, filter={"slug": SLUG})
    with pytest.raises(QuestionError, match="updated_after"):
        shared_bot.retriever.invoke(QUESTION, filter={"updated_after": "last week"})
