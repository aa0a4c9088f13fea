"""GET /health: the worker is up, and which engine and rule set it runs."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import Field

from engine import ENGINE_VERSION
from engine.evaluate import Evaluator
from engine.models import OutputModel

TAG = "service"


class Health(OutputModel):
    status: Literal["ok"] = Field(description="`ok` when the worker answers; it answers only once its rule set "
                                              "is loaded and compiled.")
    engine_version: str = Field(description="The regelmotor version the worker runs.")
    rulebook_digest: str = Field(description="Digest of every rule and parameter file on file — the same as "
                                             "`receipt.rulebook_digest` in an evaluation.")
    rule_files: int = Field(description="How many rule and parameter files the digest covers.")


def router(evaluator: Evaluator) -> APIRouter:
    routes = APIRouter(tags=[TAG])
    rulebook = evaluator.rulebook

    # The same for the worker's life: serialised once, and answered on the event loop (a load balancer asks often).
    body = Health(status="ok", engine_version=ENGINE_VERSION, rulebook_digest=rulebook.digest,
                  rule_files=len(rulebook.file_digests)).json_bytes()

    @routes.get("/health", response_model=Health, summary="Liveness and the loaded rule set")
    async def health() -> Response:
        return Response(body, media_type="application/json")

    return routes
