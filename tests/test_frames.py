"""Results as tables: DataFrames, and HTML/Markdown in notebooks with every cell escaped."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

from careerbot.types import Answer, Answers, Passage, Passages

EVIL = Passage(
    text="<script>alert(1)</script>",
    title="<b>Pay</b> & [more]",
    section="A | B",
    url='https://x.example/a"onmouseover="x',
    score=0.5,
    slug="s",
)


def test_passages_render_as_escaped_tables() -> None:
    rows = Passages([EVIL, EVIL])
    html = rows._repr_html_()
    assert html.count("<tr>") == 3 and "<b>" not in html and "&lt;b&gt;Pay&lt;/b&gt;" in html
    # The quote that would end the attribute is percent-encoded in the URL itself.
    assert 'href="https://x.example/a%22onmouseover=%22x"' in html
    md = rows._repr_markdown_()
    assert md.splitlines()[0] == "| score | title | section | url |"
    assert "A \\| B" in md and "\\[more\\]" in md and "<b>" not in md


def test_answers_render_one_row_each() -> None:
    answers = Answers([Answer(text="<i>x</i>", question="q?", passages=(EVIL,)), Answer(text="y")])
    assert answers._repr_html_().count("<tr>") == 3 and "<i>" not in answers._repr_html_()
    frame = answers.to_frame()
    assert list(frame["best_score"])[0] == 0.5 and frame["answer"].tolist()[1] == "y"


def test_to_frame_names_the_extra_when_pandas_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"careerbot\[frames\]"):
        Passages([EVIL]).to_frame()
