"""Calibrate the citation checker's thresholds: ``python bench/calibrate_verify.py``.

Builds a labelled set of (sentence, cited section) pairs from the real corpus, deterministically:

Supported (should pass):
  quote     every sentence of every section (6+ words), with its own section
  extract   the sentences of the extractive answers to the gold questions, with the cited section
  partial   shortened quotes: the first two thirds of a sentence, its longest clause, and the
            sentence after "The guide says that"
  reworded  the sentence with common words swapped for synonyms (pay → compensation, ...):
            the closest to an LLM's rewording we can build without an LLM
Unsupported (should fail):
  other     the sentence with the most similar section of *another* article (hard)
  neighbour the sentence with the next (or previous) section of the same article (hard)
  figures   a sentence whose numbers were changed, with its own section
  splice    the first half of a sentence joined to the second half of a sentence of another
            article, with the first one's section

It then searches ``verify_min_similarity`` × ``verify_min_overlap`` for the best F1 of
"supported" on partial + reworded vs all unsupported pairs, keeping every quote and extract passing, for
runs of 1, 2 and 3 sentences as comparison units, and prints the pass rate of each group.
Labels are heuristic: a sentence may really be backed by another article too (``other`` and
``neighbour`` hold a few true supports), so precision here is a floor.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

from careerbot.answering.citations import checker as verify
from careerbot.answering.citations.checker import CitationChecker, Support
from careerbot.answering.citations.markers import parse
from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.embedding.vector_cache import VectorCache
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings
from careerbot.sources import load_corpus
from careerbot.text import split_sentences
from careerbot.types import Passage

REPO = Path(__file__).resolve().parent.parent
POSITIVE = ("quote", "extract", "partial", "reworded")
Pair = tuple[str, str, Passage]  # (group, sentence, cited section)


def section_passages(corpus_dir: Path, settings: Settings) -> list[tuple[str, Passage]]:
    corpus = load_corpus(corpus_dir, navigation_headings=settings.navigation_headings)
    return [
        (
            a.slug,
            Passage(text=s.text, title=a.title, section=s.name, url="", score=0.0, slug=a.slug),
        )
        for a in corpus.articles
        for s in a.sections
        if not s.navigation and s.text.strip()
    ]


def claims_of(text: str) -> list[str]:
    return [s for s in split_sentences(text) if len(s.split()) >= 6 and not s.endswith(":")]


def partials(sentence: str) -> list[str]:
    words = sentence.rstrip(".").split()
    out = [" ".join(words[: max(6, 2 * len(words) // 3)]) + "."]
    clauses = [c.strip() for c in re.split(r"[,;:—]", sentence) if len(c.split()) >= 6]
    if len(clauses) > 1:
        out.append(max(clauses, key=len).rstrip(".") + ".")
    body = sentence.removeprefix("- ")
    out.append("The guide says that " + body[0].lower() + body[1:])
    return out


# Everyday rewordings of the corpus's common words: the "reworded" positives keep the meaning
# while the words change, so the similarity threshold (not only word overlap) gets tested.
SYNONYMS = {
    "work": "job",
    "job": "role",
    "jobs": "roles",
    "roles": "positions",
    "role": "position",
    "salary": "compensation",
    "pays": "compensates",
    "pay": "compensation",
    "earn": "make",
    "employers": "companies",
    "employer": "company",
    "companies": "firms",
    "hiring": "recruiting",
    "skills": "abilities",
    "learn": "pick up",
    "learning": "studying",
    "build": "create",
    "built": "created",
    "systems": "platforms",
    "production": "live",
    "usually": "typically",
    "often": "frequently",
    "important": "key",
    "different": "distinct",
    "large": "big",
    "many": "numerous",
    "check": "verify",
    "demand": "need",
    "market": "job market",
    "developer": "programmer",
    "developers": "programmers",
    "tasks": "duties",
    "certification": "credential",
    "certifications": "credentials",
    "exams": "tests",
    "worth": "valuable",
    "matter": "count",
    "evidence": "proof",
    "projects": "portfolio work",
    "routine": "repetitive",
    "automate": "mechanise",
    "because": "since",
    "rather": "instead",
    "teams": "groups",
    "year": "twelve months",
    "people": "workers",
    "tools": "software",
    "deployment": "rollout",
    "monitoring": "observing",
    "shipped": "delivered",
    "ship": "deliver",
}


def reword(sentence: str) -> str:
    words = sentence.split()
    out = []
    for w in words:
        core = w.strip(".,;:()\"'")
        rep = SYNONYMS.get(core.lower())
        out.append(w.replace(core, rep if core.islower() else rep.capitalize()) if rep else w)
    return " ".join(out)


def change_figures(sentence: str) -> str | None:
    if not re.search(r"\d", sentence):
        return None
    return re.sub(r"\d+", lambda m: str(int(m.group()) * 2 + 7), sentence)


def build_pairs(
    bot: CareerBot, checker: CitationChecker, sections: list[tuple[str, Passage]]
) -> list[Pair]:
    pairs: list[Pair] = []
    for item in load_gold(REPO / "eval" / "gold.jsonl"):
        answer = bot.ask(item.question)
        if answer.refused:
            continue
        by_label = {p.label: p for p in answer.passages}
        for line in parse(answer.text, len(answer.citations)):
            for s in line.sentences:
                for i in s.cited:
                    pairs.append(("extract", s.claim, by_label[answer.citations[i].label]))
    sentences = [(slug, p, s) for slug, p in sections for s in claims_of(p.text)]
    # The most similar section of another article, for every sentence (hard negatives).
    sims = checker.support(
        [s for _, _, s in sentences for _ in sections],
        [[q] for _ in sentences for _, q in sections],
    )
    scores = []
    for n, (slug, _, _) in enumerate(sentences):
        row = sims[n * len(sections) : (n + 1) * len(sections)]
        scores.append(
            [f.similarity for f, (q_slug, _) in zip(row, sections, strict=True) if q_slug != slug]
        )
    for n, (slug, p, s) in enumerate(sentences):
        pairs.append(("quote", s, p))
        pairs += [("partial", v, p) for v in partials(s)]
        reworded = reword(s)
        if reworded != s:
            pairs.append(("reworded", reworded, p))
        candidates = [q for q_slug, q in sections if q_slug != slug]
        best = max(range(len(candidates)), key=lambda k: scores[n][k])
        pairs.append(("other", s, candidates[best]))
        same = [q for q_slug, q in sections if q_slug == slug]
        k = same.index(p)
        pairs.append(("neighbour", s, same[k + 1] if k + 1 < len(same) else same[k - 1]))
        changed = change_figures(s)
        if changed:
            pairs.append(("figures", changed, p))
        # Splice with a sentence of the chosen other-article section.
        tail = claims_of(candidates[best].text)
        if tail:
            t = tail[n % len(tail)].split()
            head = s.rstrip(".").split()
            pairs.append(("splice", " ".join(head[: len(head) // 2] + t[len(t) // 2 :]), p))
    return pairs


def passes(f: Support, sim: float, overlap: float) -> bool:
    return f.figures and f.similarity >= sim and f.overlap >= overlap


def search(
    pairs: list[Pair], feats: list[Support], *, min_precision: float | None = None
) -> dict[str, float]:
    """Best thresholds: highest F1, or with ``min_precision`` the highest recall at it."""
    must = [f for (g, _, _), f in zip(pairs, feats, strict=True) if g in ("quote", "extract")]
    pos = [f for (g, _, _), f in zip(pairs, feats, strict=True) if g in ("partial", "reworded")]
    neg = [f for (g, _, _), f in zip(pairs, feats, strict=True) if g not in POSITIVE]
    best: dict[str, float] = {}
    for s100 in range(30, 96):
        sim = s100 / 100
        if not all(f.similarity >= sim for f in must):
            break
        for o20 in range(0, 21):
            overlap = o20 / 20
            if not all(passes(f, sim, overlap) for f in must):
                break
            tp = sum(passes(f, sim, overlap) for f in pos)
            fp = sum(passes(f, sim, overlap) for f in neg)
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / len(pos)
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            goal = f1 if min_precision is None else (recall if precision >= min_precision else -1)
            if goal > best.get("goal", -1.0) + 1e-9:
                best = {
                    "goal": goal,
                    "f1": f1,
                    "precision": precision,
                    "recall": recall,
                    "min_similarity": sim,
                    "min_overlap": overlap,
                }
    best.pop("goal", None)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    embedder = Embedder()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), corpus_dir=REPO / "corpus")
        bot = CareerBot(settings, embedder=embedder)
        checker = CitationChecker(VectorCache(embedder), settings)
        sections = section_passages(settings.corpus_dir, settings)
        start = time.perf_counter()
        pairs = build_pairs(bot, checker, sections)
        report: dict[str, object] = {
            "pairs": {g: sum(p[0] == g for p in pairs) for g in dict.fromkeys(p[0] for p in pairs)}
        }
        for window, target in ((1, None), (2, None), (2, 0.95)):
            verify.WINDOW = window
            feats = checker.support([s for _, s, _ in pairs], [[p] for _, _, p in pairs])
            best = search(pairs, feats, min_precision=target)
            groups = {}
            for g in report["pairs"]:  # type: ignore[union-attr]
                fs = [f for (pg, _, _), f in zip(pairs, feats, strict=True) if pg == g]
                groups[g] = sum(
                    passes(f, best["min_similarity"], best["min_overlap"]) for f in fs
                ) / len(fs)
            name = f"window_{window}" + ("_best_f1" if target is None else f"_precision_{target}")
            report[name] = {
                **{k: round(v, 3) for k, v in best.items()},
                "pass_rate": {g: round(v, 3) for g, v in groups.items()},
            }
        verify.WINDOW = 2
        report["seconds"] = round(time.perf_counter() - start, 1)
    if args.json:
        print(json.dumps(report))
        return
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
