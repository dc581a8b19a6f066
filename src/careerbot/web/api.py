"""The HTTP API for analysts: JSON over the same CareerBot as the chat."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from careerbot.bot import CareerBot
from careerbot.errors import CareerbotError, IndexStateError, QuestionError


class AskRequest(BaseModel):
    """Body of ``POST /api/ask``."""

    question: str = Field(description="The question.")
    history: list[dict[str, Any]] = Field(
        default_factory=list, description='Earlier messages: [{"role", "content"}, ...].'
    )


def status_for(exc: CareerbotError) -> int:
    """The HTTP status for one of careerbot's errors."""
    if isinstance(exc, QuestionError):
        return 422
    if isinstance(exc, IndexStateError):
        return 503
    return 500


def add_error_handler(app: FastAPI) -> None:
    """Turn careerbot errors into ``{"error": message}`` with a fitting status."""

    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CareerbotError)
        return JSONResponse({"error": str(exc)}, status_code=status_for(exc))

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        return JSONResponse({"error": f"Invalid request: {problems}"}, status_code=422)

    app.add_exception_handler(CareerbotError, handle)
    app.add_exception_handler(RequestValidationError, invalid)


def api_router(bot: CareerBot) -> APIRouter:
    """Routes under ``/api``."""
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
        return bot.ask(body.question, history=body.history).to_dict()

    return router
