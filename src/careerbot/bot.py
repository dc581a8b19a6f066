"""``CareerBot``: the one object the UI, the CLI, the HTTP API and notebooks talk to. It wires
the pieces from one :class:`Settings` (model, Chroma store, retriever, answerer)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.answering.answerability import Verdict, Vocabulary, best_similarity, decide
from careerbot.answering.backends import choose_answerer, warm_up
from careerbot.answering.base import Answerer
from careerbot.answering.followup import FollowUp, conversation_context, is_follow_up
from careerbot.answering.question import Message, clean_history, clean_question
from careerbot.answering.refusal import follow_ups, refusal
from careerbot.embedding.embedder import Embedder
from careerbot.ingest.report import IngestReport, ProgressCallback
from careerbot.retrieval.health import HealthCheck
from careerbot.retrieval.hybrid import Retriever
from careerbot.retrieval.lexical import LexicalIndex
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.schema import where_filter
from careerbot.text import content_words
from careerbot.types import Answer, Answers, Passage, Passages

# LangChain's indexing, runnables and tracers take a second to import: the modules needing them
# (ingest, the LangChain retriever, LLM backends) are imported when first used.
if TYPE_CHECKING:
    from careerbot.answering.condense import Condenser
    from careerbot.integrations.langchain import SectionRetriever


class CareerBot:
    """Answers career questions from the articles, citing the section of every claim.

    >>> bot = CareerBot()                        # settings from CAREERBOT_* variables
    >>> bot.retrieve("What does an ML engineer do?", k=3)
    >>> bot.ask("Which pays better?").citations

    With no index yet, the constructor builds one from ``settings.corpus_dir``; a reader of a
    Chroma server (``chroma_host``) does not, unless ``build_if_missing=True``.
    Links are absolute (``absolute_links``, for notebooks and the CLI): the app's page when
    ``app_url`` is set, else the canonical article; the web app asks for relative ones.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        answerer: Answerer | None = None,
        progress: ProgressCallback | None = None,
        build_if_missing: bool | None = None,
        absolute_links: bool = True,
    ) -> None:
        self.settings = settings or Settings()
        self.embedder = embedder or Embedder.from_settings(self.settings)
        self.store = ChunkStore(
            self.settings, model_name=self.embedder.name, dimension=self.embedder.dimension
        )
        self.last_ingest: IngestReport | None = None
        self._titles: tuple[str, list[str]] | None = None
        self._vocabulary: tuple[str, Vocabulary] | None = None
        self._vocabulary_lock = threading.Lock()
        dense = self.settings.retrieval_mode == "dense"
        self.lexical = (
            None if dense else LexicalIndex(self.store, self.settings.data_dir / "lexical")
        )
        if build_if_missing is None:
            build_if_missing = self.settings.chroma_host is None
        if build_if_missing and not self.store.exists():
            self.ingest(progress=progress)
        self._retriever = Retriever(
            self.settings, self.store, self.embedder, self.lexical, absolute_links=absolute_links
        )
        self._health = HealthCheck(self._retriever)
        # settings.llm's answerer (a misconfigured LLM raises here, saying what to set).
        self.condenser: Condenser | None = None
        if answerer is None:
            choice = choose_answerer(self.settings, self.embedder, self.store)
            answerer, self.condenser = choice.answerer, choice.condenser
            self._retriever.headings.vectors = choice.vectors
        self.answerer: Answerer = answerer

    def ingest(
        self,
        path: Path | None = None,
        *,
        urls: Sequence[str] = (),
        sitemaps: Sequence[str] = (),
        rebuild: bool = False,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Bring the index in line with the corpus folder (or one article file in it), and/or
        with web pages (``urls``, ``sitemaps``, and the same-site guides they link to).

        Only new and changed sections are embedded; the report says what changed.
        """
        from careerbot.ingest.fetching import fetcher_for
        from careerbot.ingest.run import ingest

        root, only = self._where(path, web=bool(urls or sitemaps))
        fetcher = fetcher_for(self.settings) if (urls or sitemaps) else None
        try:
            report = ingest(
                root,
                self.store,
                self.embedder,
                only=only,
                urls=urls,
                sitemaps=sitemaps,
                fetcher=fetcher,
                navigation_headings=self.settings.navigation_headings,
                rebuild=rebuild,
                dry_run=dry_run,
                batch_size=self.settings.index_batch_size,
                progress=progress,
            )
        finally:
            if fetcher is not None:
                fetcher.close()
        if not dry_run:
            self.last_ingest = report
            if self.store.exists():  # built now, not by the first reader:
                if self.lexical is not None:
                    self.lexical.warm()  # the keyword index
                self.vocabulary()  # and the key-term vocabulary
                warm_up(getattr(self, "answerer", None))  # and sentence vectors, in background
        return report

    def _where(self, path: Path | None, *, web: bool) -> tuple[Path | None, Path | None]:
        """``(root, only)`` for an ingest of ``path``: a file or folder inside the corpus folder
        narrows the run; another folder is a corpus folder of its own."""
        corpus_dir = self.settings.corpus_dir
        if path is None:
            return (None, None) if web else (corpus_dir, None)
        inside = path.resolve().is_relative_to(corpus_dir.resolve())
        if path.is_dir() and not inside:
            return path, None
        return corpus_dir, path

    def health(self) -> dict[str, object]:
        """``{"status": "ok", "chunks", "keyword_index"}`` when questions would be answered
        now (a real retrieval, at most once a second); raises
        :class:`~careerbot.errors.IndexStateError` saying why not and what to do."""
        return self._health.check()

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        *,
        article: str | None = None,
        updated_after: str | date | None = None,
    ) -> Passages:
        """The ``k`` sections most relevant to ``question``, best first; ``article`` (a slug)
        and ``updated_after`` (a date) keep only the sections they match."""
        question = clean_question(question, max_chars=self.settings.max_question_chars)
        where = where_filter(article=article, updated_after=updated_after)
        return Passages(self._retriever.search(question, k or self.settings.top_k, where=where))

    def retrieve_many(
        self,
        questions: Sequence[str],
        k: int | None = None,
        *,
        article: str | None = None,
        updated_after: str | date | None = None,
    ) -> list[Passages]:
        """:meth:`retrieve` for each question, the questions embedded in one batch."""
        cleaned = [clean_question(q, max_chars=self.settings.max_question_chars) for q in questions]
        where = where_filter(article=article, updated_after=updated_after)
        found = self._retriever.search_many(cleaned, k or self.settings.top_k, where=where)
        return [Passages(p) for p in found]

    def ask_many(self, questions: Sequence[str]) -> Answers:
        """:meth:`ask` for each question (no history), the questions embedded in one batch."""
        cleaned = [clean_question(q, max_chars=self.settings.max_question_chars) for q in questions]
        found = self._retriever.search_many(cleaned, self.settings.top_k)
        answers = Answers()
        for question, passages in zip(cleaned, found, strict=True):
            *_, answer = self._respond(question, question, None, passages)
            assert isinstance(answer, Answer)
            answers.append(answer)
        return answers

    @property
    def retriever(self) -> SectionRetriever:
        """A LangChain ``BaseRetriever`` over the same index (``k`` and ``filter`` per call)."""
        from careerbot.integrations.langchain import SectionRetriever

        return SectionRetriever(search=self.retrieve, k=self.settings.top_k)

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        """Answer ``question``; ``history`` is the chat so far, ``[{"role", "content"}, ...]``."""
        *_, answer = self.stream(question, history)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: str, history: Sequence[Message] = ()) -> Iterator[str | Answer]:
        """Like :meth:`ask`, but yields pieces of text as they are ready, then the Answer."""
        question = clean_question(question, max_chars=self.settings.max_question_chars)
        query, follow, passages = self.understand(question, history)
        yield from self._respond(question, query, follow, passages)

    def _respond(
        self, question: str, query: str, follow: FollowUp | None, passages: list[Passage]
    ) -> Iterator[str | Answer]:
        shown = f"{question} (about: {follow.topic})" if follow else question
        verdict = self.verdict(question, passages, follow)
        if not verdict.answerable:
            answer = refusal(
                query,
                self.titles(),
                backend=self.answerer.name,
                verdict=verdict,
                passages=passages,
            )
            yield answer.text
            yield replace(answer, question=shown)
            return
        context = follow.context if follow else ""
        for piece in self.answerer.stream(query, passages, context=context):
            yield follow_ups(replace(piece, question=shown)) if isinstance(piece, Answer) else piece

    def verdict(
        self, question: str, passages: Sequence[Passage], follow: FollowUp | None = None
    ) -> Verdict:
        """Whether the articles answer ``question`` (:mod:`careerbot.answering.answerability`);
        a follow-up's keyword evidence may come from its context too."""
        return decide(
            question,
            passages,
            self.vocabulary(),
            titles=self.titles(),
            sources=self.settings.answer_max_sources,
            min_relevance=self.settings.min_relevance,
            confident_relevance=self.settings.confident_relevance,
            evidence=f"{question} {follow.context}" if follow else None,
        )

    def understand(
        self, question: str, history: Sequence[Message] = ()
    ) -> tuple[str, FollowUp | None, list[Passage]]:
        """``(query, follow-up, passages)``: searched alone, or with the conversation when the
        question leans on it (by form or an ordinal) or finds more with it. With a model, a
        follow-up's rewrite sharing a word with the conversation is what the model answers."""
        k, turns = self.settings.top_k, self.settings.history_turns
        history = clean_history(history, self.settings)
        follow = conversation_context(history, max_messages=turns, question=question)
        if follow is None:
            return question, None, self._retriever.search(question, k)
        if follow.item:  # "and the second one?": that item of the last answer's list
            question = f"{question} {follow.item}"
        elif not is_follow_up(question):
            alone = self._retriever.search(question, k)
            if alone and best_similarity(alone) >= self.settings.confident_relevance:
                return question, None, alone
            mixed = self._retriever.search(question, k, context=follow.context)
            if not mixed or (alone and best_similarity(alone) >= best_similarity(mixed)):
                return question, None, alone
            return question, follow, mixed
        mixed = self._retriever.search(question, k, context=follow.context)
        if self.condenser is not None:
            rewritten = self.condenser.condense(question, list(history)[-turns:])
            # The rewrite is what the model answers; retrieval stays with the conversation's
            # context, which found the right section more often than small models' rewrites
            # (SmolLM2-135M: follow-up hit@3 0.66 on dev searching its rewrites, 0.95 not).
            if rewritten and content_words(rewritten) & content_words(
                f"{question} {follow.context}"
            ):
                return rewritten, follow, mixed
        return question, follow, mixed

    def vocabulary(self) -> Vocabulary:
        """Which key terms the indexed sections mention (built again only after an ingest;
        one reader builds it while the others wait)."""
        stamp = self.store.stamp
        with self._vocabulary_lock:
            if self._vocabulary is None or self._vocabulary[0] != stamp:
                self._vocabulary = (stamp, Vocabulary(self.store.all_texts()[1]))
            return self._vocabulary[1]

    def titles(self) -> list[str]:
        """Titles of the indexed articles (read again only after an ingest; with a keyword
        index, built with it in the background while the old list serves)."""
        if self.lexical is not None:
            return self.lexical.titles()
        stamp = self.store.stamp
        if self._titles is None or self._titles[0] != stamp:
            self._titles = (stamp, self.store.titles())
        return list(self._titles[1])

    def __repr__(self) -> str:
        return f"CareerBot({self.store.location}, {self.store.count()} chunks)"
