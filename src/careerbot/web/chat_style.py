"""The chat page's own style and head tags: citation previews, source cards, phone layout."""

from __future__ import annotations

import html
import re

TITLE = "careerbot: career answers from our articles, cited"
DESCRIPTION = (
    "Ask about ML engineering, data science, AI pay, cloud certifications and junior developer "
    "jobs. Every answer comes from our articles and links to the section it quotes."
)


# Gradio's page template names Gradio in its link-preview tags (and points at an image on
# GitHub); link previews are read from the HTML as served, so they are replaced there.
_PREVIEW_TAG = re.compile(rb'<meta\s+(?:property="og:|name="twitter:)[^>]*>\s*')
_GRADIO_PAGE = b"<script>window.gradio_config ="


def head_tags(title: str = TITLE, description: str = DESCRIPTION) -> str:
    """Description and link-preview tags for the chat page (no image: nothing is fetched)."""
    t, d = html.escape(title), html.escape(description)
    return (
        f'<meta name="description" content="{d}">'
        f'<meta property="og:type" content="website">'
        f'<meta property="og:title" content="{t}"><meta property="og:description" content="{d}">'
        f'<meta name="twitter:card" content="summary">'
        f'<meta name="twitter:title" content="{t}"><meta name="twitter:description" content="{d}">'
        '<meta name="color-scheme" content="light dark">'
    )


def page_meta(body: bytes) -> bytes:
    """The chat page with our preview tags instead of Gradio's; other pages as they are."""
    if _GRADIO_PAGE not in body or b"</head>" not in body:
        return body
    body = _PREVIEW_TAG.sub(b"", body)
    return body.replace(b"</head>", head_tags().encode() + b"</head>", 1)


# Colours come from Gradio's theme variables (so light and dark mode follow the theme), but for
# the markers, whose theme colour is under 4.5:1 on a message.
CHAT_CSS = """
/* Link colours that keep 4.5:1 on the message bubble, light and dark, through the opacity
   Gradio gives a message while it renders. */
a.cb-cite { color: #1e3a8a; text-decoration: none; font-weight: 600; padding: 0 .1em;
  border-radius: 4px; white-space: nowrap; }
.dark a.cb-cite { color: #bfdbfe; }
a.cb-cite:hover, a.cb-cite:focus-visible { background: var(--color-accent-soft); }
a.cb-cite:focus-visible { outline: 2px solid var(--color-accent); outline-offset: 1px; }
a.cb-cite .cb-tip { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
/* Under the marker's line, as wide as the message: a marker at the edge keeps it in view. */
a.cb-cite:hover .cb-tip, a.cb-cite:focus-visible .cb-tip { left: .75rem; right: .75rem;
  margin-top: 1.6em; z-index: 20; width: auto; height: auto; overflow: visible;
  clip-path: none; white-space: normal; font-weight: 400; font-size: .85rem; line-height: 1.4;
  padding: .5rem .65rem; border-radius: 6px; background: var(--background-fill-primary);
  color: var(--body-text-color); border: 1px solid var(--border-color-primary);
  box-shadow: 0 4px 14px rgba(0,0,0,.18); }
.cb-sources { margin-top: .75rem; }
.cb-sources-title { font-weight: 600; margin: 0 0 .35rem; }
ol.cb-cards { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem;
  grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
li.cb-card { margin: 0; border: 1px solid var(--border-color-primary); border-radius: 8px;
  background: var(--background-fill-secondary); }
li.cb-card > a, li.cb-card > span { display: block; padding: .55rem .7rem; color: inherit;
  text-decoration: none; border-radius: 8px; }
li.cb-card > a:hover, li.cb-card > a:focus-visible { background: var(--color-accent-soft); }
li.cb-card > a:focus-visible { outline: 2px solid var(--color-accent); }
.cb-card-n { display: inline-block; min-width: 1.4em; font-weight: 700; }
.cb-card-label { font-weight: 600; }
.cb-card-date { display: block; font-size: .8rem; opacity: .8; }
q.cb-card-quote { display: block; font-size: .85rem; margin-top: .25rem; }
footer .divider:last-child { display: none; }  /* Gradio's dot after its last link */
footer .show-api { color: #374151 !important; opacity: 1 !important; }  /* 4.5:1, light */
.dark footer .show-api { color: #d1d5db !important; }
@media (max-width: 640px) {
  /* The question box stays on screen under a chat sized to the phone, whatever the header. */
  #cb-chat { height: max(16rem, calc(100dvh - 25rem)) !important; }
  /* Gradio puts the container's class before every selector here: no ".gradio-container". */
  .prose h1 { font-size: 1.3rem !important; margin: 0 !important; }
  ol.cb-cards { grid-template-columns: 1fr; }
}
"""
