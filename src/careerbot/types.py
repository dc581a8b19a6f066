"""careerbot's public data: frozen, readable, and free of LangChain and Chroma types."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from careerbot.frames import data_frame, html_table, markdown_table
from careerbot.markup import markdown_link, markdown_text

if TYPE_CHECKING:
    import pandas as pd

SEP = " › "
PASSAGE_COLUMNS = ("score", "similarity", "title", "section", "updated", "url", "slug", "text")
ANSWER_COLUMNS = ("question", "answer", "refused", "citations", "best_score", "backend")


@dataclass(frozen=True)
class Link:
    """A Markdown link found in an article."""

    text: str
    href: str


@dataclass(frozen=True)
class Section:
    """One heading's worth of an article: the text under it, up to the next heading."""

    slug: str
    """The article's slug."""
    title: str
    """The article's title."""
    trail: tuple[str, ...]
    """Headings from the H2 down to this one; ``("Introduction",)`` for the lead."""
    anchor: str
    """The heading's id, as a Markdown renderer gives it (GitHub style)."""
    text: str
    """Plain text, Markdown removed, paragraphs separated by blank lines."""
    links: tuple[Link, ...] = ()
    navigation: bool = False
    """A link list ("Sources", "Continue ...") kept for links but not indexed."""

    @property
    def name(self) -> str:
        """The section as readers see it: ``H2 › H3``."""
        return SEP.join(self.trail)


@dataclass(frozen=True)
class Article:
    """One parsed article: front matter, sections and outgoing links."""

    slug: str
    title: str
    url: str | None
    """Canonical URL from the front matter."""
    updated: date | None
    description: str
    path: str
    """Where it was read from (relative to the corpus folder once loaded)."""
    markdown: str
    """The body, without front matter (used to render the article page)."""
    sections: tuple[Section, ...]
    origin: str = "file"
    """``file`` (the corpus folder; the app serves a page for it) or ``web`` (a fetched URL)."""

    @property
    def links(self) -> tuple[Link, ...]:
        """Every link in the article, navigation sections included."""
        return tuple(link for s in self.sections for link in s.links)


@dataclass(frozen=True)
class Chunk:
    """What is embedded and stored: a section, or a part of a long one."""

    id: str
    slug: str
    title: str
    section: str
    anchor: str
    part: int
    text: str
    """The section text (or part of it) shown to readers."""
    embed_text: str
    """What the model sees: the heading trail, then the text."""
    content_hash: str
    canonical_url: str
    updated: str
    source: str = ""
    """The file it came from (relative to the corpus folder), or its URL."""
    origin: str = "file"
    """``file`` or ``web``, as its article's."""
    links_to: tuple[str, ...] = ()
    """Slugs of corpus articles this chunk's section links to."""
    article_links_to: tuple[str, ...] = ()
    """Slugs of corpus articles the whole article links to (navigation included): what to
    read next."""


class _SectionRef:
    """What Passage and Citation share: a section of an article, shown as ``Title › Section``."""

    title: str
    section: str

    @property
    def label(self) -> str:
        """``Title › Section``."""
        return f"{self.title}{SEP}{self.section}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Passage(_SectionRef):
    """A retrieved section, with how well it matches the question."""

    text: str
    title: str
    section: str
    url: str
    score: float
    """Ranking score: cosine similarity (dense), plus the keyword bonus (hybrid), or BM25 scaled
    to 0..1 by the best chunk's (bm25)."""
    slug: str = ""
    anchor: str = ""
    updated: str = ""
    chunk_id: str = ""
    similarity: float | None = None
    """Cosine similarity of the section to the question (what the refusal threshold reads)."""

    def __repr__(self) -> str:
        return f"Passage({self.score:.3f} {self.label!r} {self.url})"

    def to_frame(self) -> pd.DataFrame:
        """This passage as a one-row pandas DataFrame (needs the ``frames`` extra)."""
        return Passages([self]).to_frame()

    def _repr_markdown_(self) -> str:
        quoted = "\n>\n".join(f"> {markdown_text(p)}" for p in self.text.split("\n") if p.strip())
        return f"**{markdown_link(self.label, self.url)}** · score {self.score:.3f}\n\n{quoted}"


@dataclass(frozen=True)
class Citation(_SectionRef):
    """What a ``[n]`` marker in an answer points at."""

    n: int
    title: str
    section: str
    url: str
    snippet: str
    updated: str = ""

    def __repr__(self) -> str:
        return f"Citation([{self.n}] {self.label!r} {self.url})"

    def _repr_markdown_(self) -> str:
        return f"\\[{self.n}\\] {markdown_link(self.label, self.url)}"


@dataclass(frozen=True)
class Answer:
    """An answer with inline ``[n]`` markers, each backed by a citation."""

    text: str
    """Markdown in which only careerbot's structure is live (``[n]`` markers, list bullets,
    emphasis): article and model text in it is escaped, so it never makes a tag, link or image
    (see :mod:`careerbot.markup`)."""
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    backend: str = "extractive"
    query: str = ""
    """The standalone question actually searched (a follow-up is rewritten with its context)."""
    question: str = ""
    """The question this answers, as the bot understood it: a follow-up ("do they expire?")
    reads with the topic it leans on ("do they expire? (cloud certifications)")."""
    passages: tuple[Passage, ...] = field(default=(), repr=False)
    """What retrieval returned, for inspection."""
    flagged: tuple[str, ...] = ()
    """Sentences the citation checker found unsupported by the sections they cite, kept in the
    text with a visible mark (``verify_mode=mark``)."""
    dropped: tuple[str, ...] = ()
    """Sentences the citation checker found unsupported and removed (``verify_mode=drop``)."""
    suggestions: tuple[str, ...] = ()
    """Questions the articles can answer: with a refusal, to ask instead; with an answer, to
    ask next (from the sections retrieved beside the cited ones)."""
    notice: str = ""
    """One line for the reader when the answer is not what was asked for, e.g. the language
    model was unavailable and this is the extractive answer instead. Empty otherwise."""
    answer_id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False, repr=False)
    """A random id readers rate this answer by (``POST /api/feedback``)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``careerbot ask --json``."""
        return {
            "answer_id": self.answer_id,
            "answer": self.text,
            "question": self.question,
            "refused": self.refused,
            "suggestions": list(self.suggestions),
            "backend": self.backend,
            "notice": self.notice,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "flagged": list(self.flagged),
            "dropped": list(self.dropped),
        }

    def row(self) -> dict[str, Any]:
        """One table row: the question, the answer and how well retrieval matched."""
        return {
            "question": self.question or self.query,
            "answer": self.text,
            "refused": self.refused,
            "citations": len(self.citations),
            "best_score": max((p.score for p in self.passages), default=None),
            "backend": self.backend,
        }

    def to_frame(self) -> pd.DataFrame:
        """The passages retrieved for this answer with their scores, one row each, and whether
        the answer cites them (``cited``); needs the ``frames`` extra."""
        cited = {c.url for c in self.citations}
        rows = [{**p.to_dict(), "cited": p.url in cited} for p in self.passages]
        return data_frame(rows, (*PASSAGE_COLUMNS, "cited"))

    def sources_markdown(self) -> str:
        """The citations as a Markdown list of links (empty when there are none); titles and
        sections are escaped, and a URL that is not http(s) or a path here is not linked."""
        if not self.citations:
            return ""
        lines = [
            f"{c.n}. {markdown_link(c.label, c.url)}"
            + (f" · updated {markdown_text(c.updated)}" if c.updated else "")
            for c in self.citations
        ]
        return "**Sources**\n\n" + "\n".join(lines)

    def __repr__(self) -> str:
        head = "refused" if self.refused else f"{len(self.citations)} citations"
        return f"Answer({head}: {self.text[:80]!r}{'…' if len(self.text) > 80 else ''})"

    def _repr_markdown_(self) -> str:
        sources = self.sources_markdown()
        return self.text + (f"\n\n{sources}" if sources else "")


class Passages(list[Passage]):
    """A list of passages that shows as a table in a notebook and becomes a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        """One row per passage, best first (needs the ``frames`` extra)."""
        return data_frame([p.to_dict() for p in self], PASSAGE_COLUMNS)

    def _repr_html_(self) -> str:
        columns = ("score", "title", "section", "updated")
        return html_table([p.to_dict() for p in self], columns, links={"section": "url"})

    def _repr_markdown_(self) -> str:
        return markdown_table([p.to_dict() for p in self], ("score", "title", "section", "url"))


class Answers(list[Answer]):
    """A list of answers that shows as a table in a notebook and becomes a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        """One row per answer (needs the ``frames`` extra)."""
        return data_frame([a.row() for a in self], ANSWER_COLUMNS)

    def _repr_html_(self) -> str:
        return html_table([a.row() for a in self], ANSWER_COLUMNS)

    def _repr_markdown_(self) -> str:
        return markdown_table([a.row() for a in self], ANSWER_COLUMNS)
