"""Questions that ask for a figure the articles never give.

"roughly how many GCCs are operating in india?", "by what % is programmer employment expected
to decline?", "what's the total budget of the IndiaAI mission?": the articles discuss each
subject, so similarity and key terms say "answerable", but none of the sections found for the
question states a number of the kind asked for. Answering with the nearest sentences would
read as if they did; the honest answer says the figure is not there
(:mod:`careerbot.answering.answerability`).

A figure counts as given only where a paragraph (or list item) that states it shares a word
with what the question asks about, and a count only where the number is followed by one of
those words: "Four kinds of employer account for most openings" gives a number of kinds of
employer, not of GCCs; "their employment [data scientists'] to grow 34 percent" gives no share
for programmers. Words of the asking itself ("how many", "projected", "percent",
"employment") are not the subject; a follow-up with none of its own ("roughly how many are
there?") takes its subject from the conversation.

Only the asking part of a message counts (not the reader's scene, "not sure how long I can
study each week. which cert first?"), and only these forms, at the start of a clause: a count
("how many …"), a share ("what percent …"), a length of time ("how many years …", "how long
does it take …") or the size of a pay gap, a change or a budget. "How many projects do I need?"
and "how long should my resume be?" ask for advice, not a figure. A share asked about a role
counts only in a paragraph naming that role: data scientists' "34 percent" growth is no answer
to "by what percent will software developer jobs grow?". "How much do data scientists
make?" is not one of these forms: pay is its own check (:func:`missing_pay`).

**Pay for a role**: "what does a data engineer make in the US?" names a role readers ask about
(:data:`~careerbot.answering.lexicon.ROLES`) that no article states pay for. It is answerable
when a section found for it states an amount of money beside the role ("Data scientists:
$112,590"), or when an article is about that role ("AI Engineer Salary in 2026": the articles
answer its pay with the nearest categories' figures, or say why they quote none). A role in the
reader's description of themselves ("data engineer here, what do ML engineers make?") is
context, not the subject, and a role named after the first is what it is compared with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from careerbot.answering.lexicon import ROLES, phrase_pattern, term_phrase
from careerbot.answering.reader_context import context_spans, in_scene, without_scene
from careerbot.text import content_words
from careerbot.types import Passage

Stems = Callable[[str], set[str]]

_COUNT_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|"
    r"a few|several"
)
_NUMBER_WORDS = rf"{_COUNT_WORDS}|a couple of|a"
# Where a question's figure phrase may start: a clause, or after a hedge ("roughly how many").
_CLAUSE = (
    r"(?:^|[,.;:!?(\-–—]\s*|\b(?:and|but|so|also|or|then|roughly|approximately|about|exactly|"
    r"like|just|any idea|do you know|tell me|wondering)\s+)"
)
# "how many certs should I get", "how many projects does a new grad need", "how long should my
# resume be": advice, which the articles give in words ("One deep project beats many").
_ADVICE = (
    r"(?!\s+(?:[\w'-]+\s+){0,5}?(?:should|shud|shld|do i|do you|would|must|need|needs|enough|"
    r"ideal|too many|can i|will i|is it ok|to (?:get|do|put|have|build|apply|add|include|show|"
    r"list|keep))\b)"
)
_PAY_WORDS = r"(?:pay|salary|salaries|wages?|comp|compensation|income|ctc)"
# What a question asks for, by kind, most specific first.
_WANTED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "percent",
        re.compile(
            _CLAUSE + r"(?:what|which|by what|by how many|how many|like what|what(?:'?s| is) the)"
            r"\s*(?:%|(?:percent(?:age)?|per ?cent)\b)|\bwhat\s+[\w-]+\s*%"
            # "what's the average bonus percentage"
            r"|\bwhat(?:'?s| is) the\s+(?:[\w-]+\s+){1,3}?(?:percent(?:age)?|per ?cent)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "duration",
        re.compile(
            _CLAUSE
            + r"(?:how long(?![-\w])|how many\s+(?:years|months|weeks|days|hours)\b)"
            + _ADVICE,
            re.IGNORECASE,
        ),
    ),
    ("count", re.compile(_CLAUSE + r"how many\b" + _ADVICE, re.IGNORECASE)),
    (
        "amount",
        re.compile(
            _CLAUSE + r"(?:how (?:big|large|wide|steep)\s+(?:is|was|will|would)?\s*"
            rf"(?:the|a|that|this)?\s*(?:[\w'-]+\s+){{0,3}}?(?:{_PAY_WORDS}\s+(?:gap|difference)|"
            r"decline|drop|fall|cut|budget|increase|jump)\b|by how much\b)"
            r"|\b(?:total|overall)\s+budget\b|\bbudget\s+(?:of|for)\s+the\b",
            re.IGNORECASE,
        ),
    ),
)
_MONEY = (
    r"[$€£₹]\s?\d|\b\d{2,3},\d{3}\b"
    r"|\b\d[\d,.]*\s*(?:crores?|lakhs?|lpa|million|billion|k)\b"
)
# What a section must state to give a figure of each kind (a count is read with _COUNT).
_GIVEN = {
    "percent": re.compile(r"\d+(?:\.\d+)?\s*(?:%|percent|per cent)", re.IGNORECASE),
    "duration": re.compile(
        rf"\b(?:\d+|one|{_NUMBER_WORDS})(?:\s*(?:-|to)\s*\d+)?[\s-]+(?:years?|yrs?|months?|"
        r"weeks?|days?|hours?)\b",
        re.IGNORECASE,
    ),
    "amount": re.compile(rf"{_MONEY}|\d+(?:\.\d+)?\s*(?:%|percent\b)", re.IGNORECASE),
}
# What a section must state to give a role's pay.
_MONEY_GIVEN = re.compile(_MONEY, re.IGNORECASE)
# A number that counts something, and the words after it: not money, a share or a year.
_COUNT = re.compile(
    r"(?<![$€£₹\d.,])\b(?:(?!(?:19|20)\d\d\b)\d[\d,]*(?![\d.,]*\s*(?:%|percent|k\b))"
    rf"|{_COUNT_WORDS})\b\+?((?:\s+[\w'-]+){{1,3}})",
    re.IGNORECASE,
)
# Words that ask for a figure or describe one rather than name its subject.
_ASKING = frozenset(
    "how many much long big large wide steep gap difference decline drop fall cut budget "
    "increase jump rise grow growth percent percentage number figure figures total overall "
    "roughly approximately exactly typical typically usually usual normal currently right now "
    "today average like projected projection expected supposed forecast estimated estimate "
    "employment year years month months week weeks day days hour hours often time".split()
)
_PAY = re.compile(
    rf"\b{_PAY_WORDS}\b(?!\s+off\b)|\bpaid\b|\bhow much\b[^.?!]{{0,40}}\b(?:make|earn)s?\b"
    r"|\b(?:make|earn)s?\b(?=\s*(?:[?.!,]|$|in\b|per\b|a year|annually|at\b|these days|now\b|"
    r"on average|compared|vs\b|versus|than|more\b|less\b))",
    re.IGNORECASE,
)
# Short names readers use for roles in titles: "MLE", "SDE".
_ALIASES = (
    (r"\bmachine learning\b", "ml"),
    (r"\bartificial intelligence\b", "ai"),
    (r"\bmles?\b", "ml engineer"),
    (r"\b(?:sdes?|swes?)\b", "software engineer"),
)
_ROLE = re.compile(
    r"(?<![\w-])(?P<role>"
    + "|".join(phrase_pattern(term_phrase(r)) for r in ROLES)
    + r")(?:e?s)?(?![\w-])",
    re.IGNORECASE,
)
# How a refusal names what is missing.
_NAMES = {
    "percent": "that percentage",
    "duration": "that length of time",
    "count": "that number",
    "amount": "that figure",
}


def asks_pay(question: str) -> bool:
    """Whether ``question`` asks about pay ("what do data engineers make?", "nurse salary"),
    not "do certs pay off" or "what would make me stand out"."""
    return _PAY.search(question) is not None


def figure_wanted(question: str) -> str:
    """The kind of figure the asking part of ``question`` asks for (``percent``,
    ``duration``, ``count``, ``amount``), or ``""`` when it asks for none by its form."""
    return _kind(without_scene(question))


def _kind(asking: str) -> str:
    for kind, pattern in _WANTED:
        if pattern.search(asking):
            return kind
    return ""


def figure_given(kind: str, subject: set[str], texts: Iterable[str], stems: Stems) -> bool:
    """Whether a paragraph or list item of ``texts`` states a figure of ``kind`` sharing a stem
    with ``subject`` (a count: in the words right after its number; any figure of the kind when
    the subject is empty)."""
    for text in texts:
        for block in text.split("\n"):
            if kind == "count":
                found = [stems(m.group(1)) for m in _COUNT.finditer(block)]
                if found and (not subject or any(subject & words for words in found)):
                    return True
            elif _GIVEN[kind].search(block) and (not subject or subject & stems(block)):
                return True
    return False


def missing_figure(question: str, texts: Iterable[str], stems: Stems, *, context: str = "") -> str:
    """What is missing when ``question`` asks for a figure none of ``texts`` states about its
    subject ("that percentage"), else ``""``. ``stems`` gives a text's content-word stems;
    ``context`` (a follow-up's conversation) names the subject when the question does not."""
    asking = without_scene(question)
    kind = _kind(asking)
    if not kind:
        return ""
    subject = _subject(asking, stems) or _subject(without_scene(context), stems)
    role = asked_role(question) if kind == "percent" else ""
    if role:
        # A share keeps its subject: "their employment [data scientists'] to grow 34 percent"
        # gives no growth rate for software developers. (A count's role is often context:
        # "how many kinds of employers hire AI engineers?")
        named = _naming(role)
        texts = [b for t in texts for b in t.split("\n") if named.search(_short(b))]
    return "" if figure_given(kind, subject, texts, stems) else _NAMES[kind]


def asked_role(question: str) -> str:
    """The role (:data:`~careerbot.answering.lexicon.ROLES`, in short form: "ml engineer")
    ``question`` asks about: the first one named outside the reader's scene, or ``""``."""
    lowered = question.lower()
    scene = context_spans(lowered)
    for found in _ROLE.finditer(lowered):
        if not in_scene(lowered, found.start(), scene):
            return _short(found.group("role"))
    return ""


def missing_pay(question: str, passages: Sequence[Passage], titles: Sequence[str] = ()) -> str:
    """``"pay for data engineers"`` when ``question`` asks the pay of a role that none of the
    articles' ``titles`` or the ``passages``' titles names and none of ``passages`` states an
    amount of money beside, else ``""``."""
    if not asks_pay(question):
        return ""
    # The first role named is the one asked about; the others are what it is compared with
    # ("why do AI engineers get paid more than regular SWEs?").
    role = asked_role(question)
    if not role:
        return ""
    named = [_short(t) for t in dict.fromkeys([*titles, *(p.title for p in passages)])]
    blocks = [_short(b) for p in passages for b in p.text.split("\n") if _MONEY_GIVEN.search(b)]
    pattern = _naming(role)
    if not any(pattern.search(t) for t in named) and not any(map(pattern.search, blocks)):
        return f"pay for {role}s"
    return ""


def _subject(asking: str, stems: Stems) -> set[str]:
    """The stems of what ``asking`` (a question without its scene) asks about: its content
    words, less the asking words."""
    words = [w for w in content_words(asking) if w not in _ASKING and not w.isdigit()]
    return stems(" ".join(words)) if words else set()


def _naming(role: str) -> re.Pattern[str]:
    """A pattern finding ``role`` (short form, :func:`asked_role`), singular or plural, in a
    text read with :func:`_short`."""
    return re.compile(rf"\b{re.escape(role)}(?:e?s)?\b")


def _short(text: str) -> str:
    """``text`` lowered, hyphens as spaces, with the short names readers use for roles."""
    text = " ".join(text.lower().replace("-", " ").split())
    for long, short in _ALIASES:
        text = re.sub(long, short, text)
    return text
