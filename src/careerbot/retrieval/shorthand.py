"""Readers' shorthand spelled out before a question is searched.

Readers type "should i get the gcp cert as a jr dev" where the articles say "Google Cloud
certification" and "junior developer". The embedding model and BM25 both match the spelled-out
words far better: neither knows that "cert" is "certification", and BM25 has no way to. Only
the search sees the spelled-out text; the question shown back to the reader is left as typed.

The table holds chat and career shorthand in general use, not words taken from our questions'
sets, and leaves out what reads two ways in careers ("ds": data science or scientist; "comp":
pay or an exam; "rn": right now or a nurse; "LLM": a model or a law degree). A word that is not
in it is left alone.
"""

from __future__ import annotations

import re

SHORTHAND: dict[str, str] = {
    # certifications, clouds, tools
    "cert": "certification",
    "certs": "certifications",
    "gcp": "Google Cloud",
    "k8s": "Kubernetes",
    # roles and levels
    "mle": "ML engineer",
    "mles": "ML engineers",
    "swe": "software engineer",
    "swes": "software engineers",
    "sde": "software engineer",
    "sdes": "software engineers",
    "dev": "developer",
    "devs": "developers",
    "eng": "engineer",
    "engg": "engineering",
    "mgr": "manager",
    "jr": "junior",
    "sr": "senior",
    "grad": "graduate",
    "grads": "graduates",
    "cs": "computer science",
    "comp sci": "computer science",
    # pay, time, work
    "sal": "salary",
    "yoe": "years of experience",
    "yr": "year",
    "yrs": "years",
    "prod": "production",
    "govt": "government",
    "gov": "government",
    # chat
    "diff": "difference",
    "im": "I'm",
    "whats": "what's",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "tho": "though",
    "gonna": "going to",
    "wanna": "want to",
    "b/w": "between",
    "w/": "with",
}

ANY_CASE = frozenset({"gcp", "k8s", "mle", "mles", "swe", "swes", "sde", "sdes"})
"""Spelled out however they are typed; the others only in lower case or capitalised ("Cert"):
in capitals they are more often acronyms of something else ("CS" customer success, "IM"
internal medicine)."""

# Longest first, so a phrase wins over its words. Not inside a word, a path, an abbreviation
# with dots ("U.S.") or a hyphenated word ("dev-ops").
_WORD = re.compile(
    r"(?<![\w/.'-])("
    + "|".join(re.escape(k) for k in sorted(SHORTHAND, key=len, reverse=True))
    + r")(?![\w/'-]|\.\w)",
    re.IGNORECASE,
)


def expand_shorthand(text: str) -> str:
    """``text`` with the shorthand of :data:`SHORTHAND` spelled out."""

    def spelled(m: re.Match[str]) -> str:
        word = m.group(1)
        key = word.lower()
        if len(word) > 1 and word.isupper() and key not in ANY_CASE:
            return word
        return SHORTHAND[key]

    return _WORD.sub(spelled, text)
