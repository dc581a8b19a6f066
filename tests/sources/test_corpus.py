from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from careerbot.errors import CorpusError
from careerbot.sources import load_corpus
from tests.conftest import CORPUS

GUIDES = {
    "ai-engineer-salary-2026",
    "ai-ml-engineer-jobs-india-2026",
    "cloud-certifications-worth-it-2026",
    "junior-developer-gap-2026",
}


def test_corpus_holds_the_article_and_its_four_guides() -> None:
    corpus = load_corpus(CORPUS)
    assert corpus.errors == ()
    assert {a.slug for a in corpus.articles} == GUIDES | {"ml-engineer-vs-data-scientist-2026"}
    for article in corpus.articles:
        assert article.url == f"https://careers.example.com/articles/{article.slug}"
        assert article.updated is not None


@pytest.mark.parametrize("slug", sorted(GUIDES))
def test_guides_have_the_promised_shape(slug: str) -> None:
    article = load_corpus(CORPUS, navigation_headings=("Sources",)).by_slug()[slug]
    words = len(re.findall(r"\S+", article.markdown))
    assert 800 <= words <= 1500, words
    h2 = [s for s in article.sections if len(s.trail) == 1 and s.name != "Introduction"]
    content_h2 = [s for s in h2 if s.name not in ("Sources", "Continue your decision path")]
    assert 5 <= len(content_h2) <= 8
    assert h2[-2].name == "Sources" and h2[-1].name == "Continue your decision path"
    assert "β" not in article.markdown


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist.*CAREERBOT_CORPUS_DIR"):
        load_corpus(tmp_path / "nope")


def test_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="holds no .md files"):
        load_corpus(tmp_path)


def test_a_bad_file_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "c")
    (tmp_path / "c" / "broken.md").write_bytes(b"\xff\xfe not utf-8")
    shutil.copy(CORPUS / "ai-engineer-salary-2026.md", tmp_path / "c" / "zz-copy.md")
    corpus = load_corpus(tmp_path / "c")
    assert len(corpus.articles) == 5
    messages = [str(e) for e in corpus.errors]
    assert any("broken.md" in m and "not UTF-8" in m for m in messages)
    assert any("zz-copy.md" in m and "slug 'ai-engineer-salary-2026'" in m for m in messages)
    assert corpus.failed == {"broken.md", "zz-copy.md"}
