"""``/admin``: the editors' report in a browser, behind a bearer token.

Off (404) unless ``admin_token`` is set; then a request needs ``Authorization: Bearer
<token>`` (compared in constant time), else 401. The token is taken from that header only,
never from the URL, where logs and browser history would keep it. The page is
:func:`~careerbot.feedback.page.report_html`: every logged string escaped, charts inline, no
script, so the app's Content-Security-Policy holds as it is. The route is sync: FastAPI runs it
in its thread pool, so embedding and clustering the gap questions never blocks the event loop.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from careerbot.bot import CareerBot
from careerbot.feedback import AnswerLog
from careerbot.feedback.page import report_html
from careerbot.feedback.report import build_report, parse_since, stored_sections

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def authorized(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries ``token`` as its bearer token."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return False
    return secrets.compare_digest(given.strip().encode(), token.encode())


def admin_router(bot: CareerBot, answer_log: AnswerLog) -> APIRouter:
    """The ``/admin`` route over ``answer_log`` and ``bot``'s index (out of the OpenAPI
    schema)."""
    router = APIRouter(include_in_schema=False)
    secret = bot.settings.admin_token
    known: list[tuple[str, list[str]]] = []  # (stamp, sections): scanned again after an ingest

    def sections() -> list[str]:
        stamp = bot.store.stamp
        if not known or known[0][0] != stamp:
            known[:] = [(stamp, stored_sections(bot.store))]
        return known[0][1]

    @router.get("/admin", response_class=HTMLResponse)
    def admin(
        request: Request, since: str = Query("7d", max_length=20, pattern=r"^[0-9a-zA-Z.\- ]+$")
    ) -> Response:
        if secret is None or not secret.get_secret_value():
            return JSONResponse({"error": "Not found"}, status_code=404)
        if not authorized(request.headers.get("authorization"), secret.get_secret_value()):
            return JSONResponse(
                {"error": "This page needs Authorization: Bearer <CAREERBOT_ADMIN_TOKEN>."},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="careerbot admin"', **PRIVATE},
            )
        try:
            start = parse_since(since)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422, headers=PRIVATE)
        report = build_report(
            answer_log,
            bot.embedder,
            sections(),
            since=start,
            confident_relevance=bot.settings.confident_relevance,
        )
        return HTMLResponse(
            report_html(report, title="careerbot: readers' report"), headers=PRIVATE
        )

    return router
