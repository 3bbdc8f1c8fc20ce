"""Amazon's SP-API models (``../shared/spapi-models/``) as a checker of recorded requests and responses.

The models are Swagger 2.0 files; each operation's parameters and response schemas are checked
with jsonschema. The folder sits beside the repository (never copied into it); tests that need it
skip with the reason when it is absent (CI always has it).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = Path(os.environ.get("SELLERDESK_SPAPI_MODELS", ROOT.parent / "shared" / "spapi-models"))
FILES = ("orders2026.json", "ordersV0.json", "messaging.json", "solicitations.json", "notifications.json")


def models_dir() -> Path:
    """The models folder, or skip the test naming where it was looked for."""
    if not all((MODELS / name).is_file() for name in FILES):
        pytest.skip(f"Amazon's SP-API models are not at {MODELS} (set SELLERDESK_SPAPI_MODELS or put "
                    "shared/spapi-models beside the repository)")
    return MODELS


@dataclass(frozen=True)
class Operation:
    """One operation of a model: where it lives and how to check it."""

    model: dict[str, Any]
    method: str
    template: str
    spec: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.spec["operationId"])

    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", self.template) + "$")

    def schema(self, ref_or_schema: dict[str, Any]) -> dict[str, Any]:
        return {**ref_or_schema, "definitions": self.model["definitions"]}


def load_operations() -> list[Operation]:
    """Every operation of the models sellerdesk uses."""
    folder = models_dir()
    found = []
    for name in FILES:
        model = json.loads((folder / name).read_text(encoding="utf-8"))
        for template, methods in model["paths"].items():
            for method, spec in methods.items():
                if isinstance(spec, dict) and "operationId" in spec:
                    found.append(Operation(model, method.upper(), template, spec))
    return found


def find_operation(operations: list[Operation], method: str, path: str) -> Operation:
    """The operation a request went to (literal paths win over templated ones)."""
    matches = [op for op in operations if op.method == method and op.pattern().match(path)]
    if not matches:
        raise AssertionError(f"{method} {path} is no operation of Amazon's models")
    return min(matches, key=lambda op: op.template.count("{"))


def request_problems(op: Operation, request: httpx.Request) -> list[str]:
    """What in *request* breaks the model: missing or unknown query parameters, bad values, bad body."""
    problems = []
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    params = {p["name"]: p for p in op.spec.get("parameters", [])}
    for name, param in params.items():
        if param["in"] == "query" and param.get("required") and name not in query:
            problems.append(f"{op.operation_id}: required query parameter {name} missing")
        if param["in"] == "body" and param.get("required") and not request.content:
            problems.append(f"{op.operation_id}: required body missing")
    for name, values in query.items():
        param = params.get(name)
        if param is None or param["in"] != "query":
            problems.append(f"{op.operation_id}: unknown query parameter {name}")
            continue
        items = [part for value in values for part in value.split(",")] if param.get("type") == "array" else values
        enum = (param.get("items") or {}).get("enum") if param.get("type") == "array" else param.get("enum")
        for item in items:
            if enum and item not in enum:
                problems.append(f"{op.operation_id}: {name}={item} is not one of {enum}")
            if param.get("type") == "integer" and not item.isdigit():
                problems.append(f"{op.operation_id}: {name}={item} is not an integer")
    body = next((p for p in params.values() if p["in"] == "body"), None)
    if body is not None and request.content:
        validator = jsonschema.Draft4Validator(op.schema(body["schema"]))
        problems += [f"{op.operation_id} body: {e.message}" for e in validator.iter_errors(json.loads(request.content))]
    return problems


def response_problems(op: Operation, status: int, body: Any) -> list[str]:
    """What in a response breaks the model: an undeclared status or a body off its schema."""
    declared = op.spec["responses"].get(str(status))
    if declared is None:
        return [f"{op.operation_id}: status {status} is not declared"]
    if "schema" not in declared:
        return []
    validator = jsonschema.Draft4Validator(op.schema(declared["schema"]))
    return [f"{op.operation_id} {status}: {'/'.join(map(str, e.path))}: {e.message}"
            for e in validator.iter_errors(body)]


class RecordingTransport(httpx.BaseTransport):
    """An httpx transport that sends for real and keeps every SP-API exchange for checking."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, int, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        path = request.url.path
        if not path.startswith(("/auth/", "/_emulator/", "/uploads/")):
            body = json.loads(response.content) if response.content else {}
            self.exchanges.append((request, response.status_code, body))
        return response

    def close(self) -> None:
        self.inner.close()
