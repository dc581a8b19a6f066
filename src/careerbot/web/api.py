"""The HTTP API for analysts: JSON over the same CareerBot as the chat."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from careerbot.bot import CareerBot
from careerbot.errors import (
    BusyError,
    CareerbotError,
    IndexStateError,
    QuestionError,
    UnknownAnswerError,
)
from careerbot.feedback import AnswerLog
from careerbot.web.limits import AnswerSlots
from careerbot.web.messages import public_message


class AskRequest(BaseModel):
    """Body of ``POST /api/ask``."""

    question: str = Field(description="The question.")
    history: list[dict[str, Any]] = Field(
        default_factory=list, description='Earlier messages: [{"role", "content"}, ...].'
    )


class FeedbackRequest(BaseModel):
    """Body of ``POST /api/feedback``."""

    answer_id: str = Field(
        min_length=1, max_length=64, pattern=r"^[0-9a-f]+$", description="From /api/ask."
    )
    rating: Literal["up", "down"] = Field(description="Thumbs up or down.")
    comment: str = Field("", max_length=2000, description="What was good or missing.")
    browser: str | None = Field(
        None, max_length=64, description="A random id of the reader's browser, if any."
    )


def status_for(exc: CareerbotError) -> int:
    """The HTTP status for one of careerbot's errors."""
    if isinstance(exc, QuestionError):
        return 422
    if isinstance(exc, UnknownAnswerError):
        return 404
    if isinstance(exc, (IndexStateError, BusyError)):
        return 503
    return 500


def add_error_handler(app: FastAPI, data_dir: Path) -> None:
    """Turn careerbot errors into ``{"error": message}`` with a fitting status (no absolute
    data paths in them), and FastAPI's own errors under ``/api`` into the same shape."""

    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CareerbotError)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, BusyError) else None
        body = {"error": public_message(exc, data_dir)}
        return JSONResponse(body, status_code=status_for(exc), headers=headers)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse({"error": validation_message(exc)}, status_code=422)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not request.url.path.startswith("/api/"):
            return await http_exception_handler(request, exc)
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            return JSONResponse({"error": NOT_UTF8}, status_code=422)
        return JSONResponse(
            {"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    app.add_exception_handler(CareerbotError, handle)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)


NOT_UTF8 = (
    "The body is not valid JSON text in UTF-8. Send UTF-8 JSON, e.g. "
    '{"question": "Which role pays more?"}.'
)


def validation_message(exc: RequestValidationError) -> str:
    """One plain sentence for FastAPI's validation errors; a body that is not JSON says where
    it breaks ("at line 1, column 17")."""
    errors = exc.errors()
    if errors and errors[0].get("type") == "json_invalid":
        pos = int(errors[0]["loc"][-1])
        doc = exc.body if isinstance(exc.body, str) else ""
        line = doc.count("\n", 0, pos) + 1
        column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
        reason = errors[0].get("ctx", {}).get("error", "")
        return (
            f"The body is not valid JSON (at line {line}, column {column}): {reason}. Send e.g. "
            '{"question": "Which role pays more?"}.'
        )
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors
    )
    return f"Invalid request: {problems}"


def api_router(
    bot: CareerBot, slots: AnswerSlots | None = None, answer_log: AnswerLog | None = None
) -> APIRouter:
    """Routes under ``/api``; answers take turns on ``slots`` (shared with the chat) and are
    kept in ``answer_log`` (without one, ``/api/feedback`` answers 404)."""
    slots = slots or AnswerSlots.for_settings(bot.settings)
    router = APIRouter(prefix="/api", tags=["careerbot"])

    @router.get("/health")
    def health() -> dict[str, Any]:
        """200 ``{status, chunks, keyword_index}`` when questions would be answered (a real
        retrieval, cached for a second); 503 ``{"error"}`` saying why not and what to do."""
        return bot.health()

    @router.get("/retrieve")
    def retrieve(
        q: str = Query(description="The question."),
        k: int = Query(5, ge=1, le=50, description="Sections to return."),
        article: Annotated[
            str | None, Query(description="Only sections of this article (slug).")
        ] = None,
        updated_after: Annotated[
            date | None,
            Query(description="Only sections of articles updated after this date (YYYY-MM-DD)."),
        ] = None,
    ) -> dict[str, Any]:
        found = bot.retrieve(q, k=k, article=article, updated_after=updated_after)
        return {"passages": [p.to_dict() for p in found]}

    @router.post("/ask")
    def ask(body: AskRequest) -> dict[str, Any]:
        """The answer (with its ``answer_id``, to rate it by), citations and passages."""
        with slots.slot():
            started = time.perf_counter()
            answer = bot.ask(body.question, history=body.history)
        if answer_log is not None:
            latency = (time.perf_counter() - started) * 1000
            answer_log.record(answer, latency_ms=latency, channel="api")
        return answer.to_dict()

    @router.post("/feedback")
    def feedback(body: FeedbackRequest) -> dict[str, Any]:
        """Rate an answer given lately: 200 ``{answer_id, rating}``; 404 for an unknown id."""
        if answer_log is None:
            raise UnknownAnswerError("Feedback is not kept by this app.")
        rating = answer_log.rate(body.answer_id, body.rating, body.comment, body.browser)
        return {"answer_id": rating.answer_id, "rating": rating.rating}

    @router.api_route(
        "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    def elsewhere(rest: str, request: Request) -> JSONResponse:
        """Unknown routes and methods, in the API's own error shape."""
        allowed = {"health": "GET", "retrieve": "GET", "ask": "POST", "feedback": "POST"}.get(
            rest.strip("/")
        )
        if allowed:
            message = f"{request.method} is not allowed on /api/{rest}; use {allowed}."
            return JSONResponse({"error": message}, status_code=405, headers={"Allow": allowed})
        routes = "GET /api/health, GET /api/retrieve?q=..., POST /api/ask, POST /api/feedback"
        return JSONResponse(
            {"error": f"No API route /api/{rest}. The routes are: {routes}."}, status_code=404
        )

    return router
