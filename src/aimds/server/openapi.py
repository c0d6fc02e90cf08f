"""The OpenAPI document and the API docs pages, served without any CDN.

``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) load their scripts from the
``fastapi-offline`` package (which ships the Swagger UI bundle, Apache-2.0, and the ReDoc
standalone bundle, MIT), mounted at ``/docs-assets``; nothing is fetched from outside, so
the pages work offline and under a strict network policy.

The document FastAPI generates is completed here: error answers are described by
:class:`~aimds.server.models.ErrorOut` (the service's real error shape, not FastAPI's
default), routes that answer with plain JSON get their response model, query and path
parameters get descriptions and their closed value sets, and request bodies carry their
models' examples. ``tests/server/test_openapi.py`` checks every field and operation.
"""

from __future__ import annotations

import importlib.util
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from aimds.server import models

__all__ = ["ASSETS", "install"]

ASSETS = "/docs-assets"

# Routes that answer with plain JSON (no ``response_model``): their documented answer.
RESPONSES: dict[tuple[str, str], Any] = {
    ("get", "/v1/audit"): list[models.AuditRecordOut],
    ("get", "/v1/agents/{agent_id}"): models.AgentOut,
    ("post", "/v1/agents/{agent_id}/quarantine"): models.AgentActionOut,
    ("post", "/v1/agents/{agent_id}/release"): models.AgentActionOut,
    ("get", "/v1/audit/verify"): models.AuditVerifyOut,
    ("get", "/health"): models.HealthOut,
    ("get", "/ready"): models.ReadyOut,
}

# What each query or path parameter means, by name (the same name means the same thing on
# every route), and the closed value sets of the string ones.
PARAMETERS: dict[str, str] = {
    "agent_id": "The agent id (letters, digits and `_.:@-`, up to 128).",
    "approval_id": "The approval request id: `apr_` and 32 hex digits.",
    "name": "The policy's name (a stored policy; for `/test` also a built-in pack).",
    "limit": "At most this many items, newest first.",
    "status": "Only requests in this state.",
    "wait": "Long-poll: answer when the request leaves `pending` or after this many seconds.",
    "verdict": "Only decisions with this verdict.",
    "agent": "Only this agent's decisions (agent credentials always see only their own).",
    "kind": "Only events of this kind.",
}
ENUMS: dict[str, list[str]] = {
    "verdict": ["allow", "warn", "redact", "review", "block"],
    "kind": [
        "prompt", "completion", "tool_call", "tool_result", "message", "memory_write",
        "memory_read",
    ],
}

_ERRORS: dict[str, str] = {
    "401": "Missing or invalid credentials (`Authorization: Bearer <API key or JWT>`).",
    "403": "The credential's role may not do this, or it names another tenant or agent.",
    "404": "Not found in your tenant (another tenant's objects read as missing).",
    "413": "The body is larger than the server's limit.",
    "422": "Invalid input: `detail` names each bad field and why.",
    "429": "Rate limit reached: retry after the `Retry-After` header's seconds.",
}
_OPEN = {"/health", "/ready", "/metrics"}
_POLICY_YAML = (
    "version: 1\nname: default\nextends: default\ndecide:\n  thresholds:\n    block: 0.8\n"
)
_STREAM_EXAMPLE = (
    'event: decision\ndata: {"id": "9f1c2e7a4b6d4c0e8a1b2c3d4e5f6a7b", "ts": 1765090000.0, '
    '"tenant": "acme", "agent": "researcher-1", "kind": "tool_call", "tool": "email:send", '
    '"verdict": "review", "risk": "medium", "rules": ["review.risky_send"], "findings": [{"rule": '
    '"review.risky_send", "severity": "medium", "message": "sends data from a sensitive '
    'place; a human confirms"}], "approval": "apr_0123456789abcdef0123456789abcdef"}\n\n'
)
_METRICS_EXAMPLE = (
    "# HELP aimds_http_rejected_total Requests refused before judging, by reason\n"
    '# TYPE aimds_http_rejected_total counter\naimds_http_rejected_total{reason="rate_limited"} '
    "0.0\n"
)


# The docs pages run third-party code: it may load from the service only (Redoc's footer
# logo, the one thing it would fetch from outside, is refused and hides itself).
_DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


def install(app: FastAPI) -> None:
    """The completed OpenAPI document and the offline ``/docs`` and ``/redoc`` pages."""
    app.openapi = _generator(app)  # type: ignore[method-assign]
    assets = _assets_dir()
    if assets is not None:
        app.mount(ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        if assets is None:
            return _missing()
        return _confined(get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        ))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        if assets is None:
            return _missing()
        return _confined(get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png", with_google_fonts=False,
        ))


def _confined(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = _DOCS_CSP
    page.headers["X-Frame-Options"] = "DENY"
    return page


def _assets_dir() -> Path | None:
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def _missing() -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><title>API docs</title><p>The API docs need the "
        "<code>fastapi-offline</code> package: <code>pip install 'aimds[server]'</code>. "
        'The OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</p>',
        status_code=503,
    )


def _generator(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes, tags=app.openapi_tags,
            )
            complete(spec, _declared(app))
            app.openapi_schema = spec
        return app.openapi_schema

    return openapi


def _declared(app: FastAPI) -> dict[tuple[str, str], Any]:
    """Each route's declared ``response_model``. FastAPI documents the answer of a route
    whose response class is not a ``JSONResponse`` (ours is :class:`FastJSON`) as a string;
    the declared model is what it really answers."""
    out: dict[tuple[str, str], Any] = {}
    pending: list[Any] = list(app.routes)
    while pending:
        route = pending.pop()
        included = getattr(route, "original_router", None)  # an included APIRouter
        if included is not None:
            pending.extend(included.routes)
        elif isinstance(route, APIRoute) and _is_model(route.response_model):
            for method in route.methods or ():
                out[(method.lower(), route.path)] = route.response_model
    return out


def complete(spec: dict[str, Any], declared: dict[tuple[str, str], Any] | None = None) -> None:
    """Fill in what the generated document lacks (see the module docstring)."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    answers: dict[tuple[str, str], Any] = {**(declared or {}), **RESPONSES}
    for answer in answers.values():
        _add_schema(schemas, _model_of(answer))
    _add_schema(schemas, models.ErrorOut)
    spec["components"]["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "An API key (`aimds keys create`) or a JWT."}
    }
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            _complete_operation(schemas, path, method, op, answers.get((method, path)))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _complete_operation(
    schemas: dict[str, Any], path: str, method: str, op: dict[str, Any], answer: Any
) -> None:
    responses = op.setdefault("responses", {})
    if answer is not None:
        model = _model_of(answer)
        schema: dict[str, Any] = _ref(model)
        described = model.__doc__.strip().splitlines()[0] if model.__doc__ else "OK"
        if typing.get_origin(answer) is list:
            schema = {"type": "array", "items": schema}
            described = f"A list, each item: {described[0].lower()}{described[1:]}"
        responses["200"] = {
            "description": described,
            "content": {"application/json": {"schema": schema}},
        }
    if path == "/v1/events/stream":
        responses["200"] = {"description": "Server-Sent Events, one `decision` event each.",
                            "content": {"text/event-stream": {"schema": {"type": "string"},
                                                              "example": _STREAM_EXAMPLE}}}
    if path == "/metrics":
        responses["200"] = {"description": "Prometheus text exposition.",
                            "content": {"text/plain": {"schema": {"type": "string"},
                                                       "example": _METRICS_EXAMPLE}}}
    codes = {"422"} if "422" in responses else set()
    if path not in _OPEN:
        codes |= {"401", "403", "429"}
        op["security"] = [{"bearer": []}]
    if "{" in path:
        codes.add("404")
    if "requestBody" in op:
        codes.add("413")
    for code in sorted(codes):
        responses[code] = {"description": _ERRORS[code],
                           "content": {"application/json": {"schema": _ref(models.ErrorOut)}}}
    for param in op.get("parameters", ()):
        name = param.get("name", "")
        if "description" not in param and name in PARAMETERS:
            param["description"] = PARAMETERS[name]
        schema = param.setdefault("schema", {})
        if name in ENUMS and (schema.get("type") == "string" or _nullable_string(schema)):
            param["schema"] = {"anyOf": [{"type": "string", "enum": ENUMS[name]},
                                         {"type": "null"}], "title": schema.get("title", name)}
        if "example" not in param and "examples" not in param:
            param["example"] = _param_example(name, param["schema"])
    body = op.get("requestBody", {}).get("content", {})
    for media, content in body.items():
        if media == "application/yaml":
            content.setdefault("example", _POLICY_YAML)
            continue
        examples = _schema_examples(schemas, content.get("schema", {}))
        if examples and "examples" not in content:
            content["examples"] = {f"example {i + 1}": {"value": v}
                                   for i, v in enumerate(examples)}


def _nullable_string(schema: dict[str, Any]) -> bool:
    return any(s.get("type") == "string" for s in schema.get("anyOf", ()))


def _param_example(name: str, schema: dict[str, Any]) -> Any:
    table: dict[str, Any] = {
        "agent_id": "researcher-1", "approval_id": "apr_0123456789abcdef0123456789abcdef",
        "name": "default", "limit": 50, "status": "pending", "wait": 30, "verdict": "block",
        "agent": "researcher-1", "kind": "tool_call",
    }
    if name in table:
        return table[name]
    return schema.get("default", "")


def _schema_examples(schemas: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    options = [schema, *schema.get("anyOf", ())]  # an optional body: anyOf [model, null]
    ref = next((o["$ref"] for o in options if "$ref" in o), "")
    target = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema
    found = target.get("examples", [])
    return list(found) if isinstance(found, list) else []


def _is_model(answer: Any) -> bool:
    args = typing.get_args(answer)
    model = args[0] if typing.get_origin(answer) is list and args else answer
    return isinstance(model, type) and issubclass(model, BaseModel)


def _model_of(answer: Any) -> type[BaseModel]:
    """The model of a declared answer: ``Model`` or ``list[Model]``."""
    args = typing.get_args(answer)
    model = args[0] if typing.get_origin(answer) is list and args else answer
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"answer {answer!r} is not a pydantic model")
    return model


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _add_schema(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    schemas.setdefault(model.__name__, schema)
