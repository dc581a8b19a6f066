"""Rows of results as tables: a pandas DataFrame, HTML or Markdown for notebooks.

Generic (rows are plain dicts), so :mod:`careerbot.types` can use it for any result. pandas is
an optional extra (``pip install 'careerbot[frames]'``), imported only when a frame is asked for.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from careerbot.markup import safe_url

if TYPE_CHECKING:
    import pandas as pd

PANDAS_MISSING = (
    "to_frame() needs pandas, which careerbot installs only on request: "
    "pip install 'careerbot[frames]'"
)


def data_frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """``rows`` as a pandas DataFrame with ``columns`` in this order (an ``ImportError`` naming
    the ``frames`` extra when pandas is not installed)."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(PANDAS_MISSING) from exc
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=list(columns))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def html_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    links: Mapping[str, str] | None = None,
) -> str:
    """An HTML table of ``rows``; every cell is escaped. ``links`` maps a column to the column
    holding its link (e.g. ``{"section": "url"}``)."""
    links = links or {}
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            text = html.escape(_cell(row.get(c)))
            href = safe_url(str(row.get(links[c]) or "")) if c in links else ""
            if href:
                text = f'<a href="{html.escape(str(href), quote=True)}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _md_cell(value: Any) -> str:
    text = " ".join(_cell(value).split())
    return (
        html.escape(text.replace("\\", "\\\\"), quote=False)
        .replace("|", "\\|")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace("*", "\\*")
        .replace("_", "\\_")
    )


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A Markdown table of ``rows``, cells escaped (one line each)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)
