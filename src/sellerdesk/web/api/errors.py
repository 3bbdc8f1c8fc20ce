"""Errors of the JSON API: one shape for all, ``{"error": {"code", "message", "details"?}}``.

Routes raise :class:`ApiError` (or let a sellerdesk error through); the handlers installed by
:func:`install_error_handlers` turn every failure, including FastAPI's validation errors and
unknown paths, into that shape with a stable ``code``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from sellerdesk.errors import ConfigError, InputError, NotFoundError, StoreError
from sellerdesk.web.api.models import ErrorBody

_CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 422: "invalid", 503: "unavailable"}


class ApiError(Exception):
    """An error answer: HTTP *status*, a stable *code*, a *message* for people, optional *details*.

    Raised by the API's routes only (the shell's way to answer), never below the web layer.
    """

    def __init__(self, status: int, code: str, message: str, *, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_response(status: int, code: str, message: str, *, details: list[dict[str, Any]] | None = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The JSON answer of an error."""
    body = {"error": {"code": code, "message": message, **({"details": details} if details is not None else {})}}
    return JSONResponse(body, status_code=status, headers=dict(headers) if headers else None)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries of these error statuses (all :class:`ErrorBody`)."""
    return {status: {"model": ErrorBody, "description": _CODES.get(status, "error")} for status in statuses}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"field": ".".join(str(part) for part in error.get("loc", ())), "message": str(error.get("msg", "")),
             "type": str(error.get("type", ""))} for error in exc.errors()]


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of *app* in the shape of :class:`ErrorBody`."""

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, details=exc.details, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> Response:
        details = _validation_details(exc)
        fields = ", ".join(d["field"] for d in details) or "the request"
        return error_response(422, "invalid", f"invalid {fields}; see details and the OpenAPI document",
                              details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        code = _CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, exc: NotFoundError) -> Response:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(InputError)
    async def bad_input(_request: Request, exc: InputError) -> Response:
        return error_response(422, "invalid", str(exc))

    @app.exception_handler(ConfigError)
    async def not_configured(_request: Request, exc: ConfigError) -> Response:
        return error_response(409, "not_configured", str(exc))

    @app.exception_handler(StoreError)
    async def store_down(_request: Request, _exc: StoreError) -> Response:
        # The database's own message may name hosts or queries: the caller gets a plain one.
        return error_response(503, "unavailable", "the database is unavailable; try again later",
                              headers={"Retry-After": "30"})
