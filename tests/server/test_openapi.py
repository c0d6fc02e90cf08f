"""The OpenAPI document describes every field, lists every closed value set and carries an
example for every body, answer and parameter; the docs pages load only local assets."""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from aimds.server import models
from aimds.server.app import create_app
from aimds.server.settings import ServerSettings


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = create_app(ServerSettings(data_dir=tmp_path_factory.mktemp("openapi")))
    document: dict[str, Any] = app.openapi()
    return document


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        return found
    return schema


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]


def test_every_schema_field_has_a_description(spec: dict[str, Any]) -> None:
    missing = [
        f"{name}.{field}"
        for name, schema in spec["components"]["schemas"].items()
        for field, prop in schema.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert missing == []


def test_closed_value_sets_are_listed_as_enums(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]

    def enum_of(model: str, field: str) -> list[str]:
        prop = schemas[model]["properties"][field]
        for option in [prop, *prop.get("anyOf", [])]:
            if "enum" in option:
                return list(option["enum"])
        raise AssertionError(f"{model}.{field} lists no values")

    verdicts = ["allow", "warn", "redact", "review", "block"]
    severities = ["info", "low", "medium", "high", "critical"]
    kinds = [
        "prompt", "completion", "tool_call", "tool_result", "message", "memory_write",
        "memory_read",
    ]
    assert enum_of("DecisionOut", "verdict") == verdicts
    assert enum_of("DecisionOut", "risk") == severities
    assert enum_of("DecisionOut", "kind") == kinds
    assert enum_of("FindingOut", "severity") == severities
    assert enum_of("FindingOut", "action") == verdicts
    assert enum_of("CheckIn", "kind") == kinds
    assert enum_of("ApprovalOut", "status") == ["pending", "approved", "denied", "expired"]
    assert enum_of("ApprovalOut", "on_expiry") == ["deny", "approve"]
    assert enum_of("ReadyOut", "status") == ["ready", "unavailable"]


def test_every_literal_field_of_the_models_is_an_enum(spec: dict[str, Any]) -> None:
    """No hand-kept list: each model field typed with a Literal shows its values."""
    schemas = spec["components"]["schemas"]
    checked = 0
    for name in models.__all__:
        model = getattr(models, name)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for field, info in model.model_fields.items():
            if "Literal" not in str(info.annotation):
                continue
            options = typing.get_args(info.annotation)
            values = {v for o in options for v in (typing.get_args(o) or [])}
            prop = schemas[name]["properties"][field]
            listed = {v for o in [prop, *prop.get("anyOf", [])] for v in o.get("enum", [])}
            if "const" in prop:
                listed.add(prop["const"])
            assert values <= listed, f"{name}.{field}"
            checked += 1
    assert checked >= 12


def test_every_operation_has_examples_and_documented_answers(spec: dict[str, Any]) -> None:
    problems = []
    for method, path, op in _operations(spec):
        where = f"{method.upper()} {path}"
        body = op.get("requestBody", {}).get("content", {})
        for media, content in body.items():
            if not (content.get("example") or content.get("examples")):
                problems.append(f"{where}: request body {media} has no example")
        ok = op["responses"].get("200")
        if ok is None:
            problems.append(f"{where}: no 200 answer")
            continue
        for media, content in ok.get("content", {}).items():
            schema = _resolve(spec, content.get("schema", {}))
            if schema.get("type") == "array":
                schema = _resolve(spec, schema.get("items", {}))
            if not (content.get("example") or schema.get("examples")):
                problems.append(f"{where}: answer {media} has no example")
            if media == "application/json" and not schema.get("properties"):
                problems.append(f"{where}: answer has no documented fields")
        for param in op.get("parameters", []):
            if not param.get("description"):
                problems.append(f"{where}: parameter {param['name']} has no description")
            if "example" not in param and "examples" not in param:
                problems.append(f"{where}: parameter {param['name']} has no example")
        if path.startswith("/v1/") and "401" not in op["responses"]:
            problems.append(f"{where}: 401 not documented")
        for code, answer in op["responses"].items():
            if code.startswith(("4", "5")):
                schema = answer["content"]["application/json"]["schema"]
                if schema != {"$ref": "#/components/schemas/ErrorOut"}:
                    problems.append(f"{where}: {code} is not the service's error shape")
    assert problems == [], "\n".join(problems)
    assert len(_operations(spec)) >= 20


def test_every_schema_has_an_example(spec: dict[str, Any]) -> None:
    assert [n for n, s in spec["components"]["schemas"].items() if not s.get("examples")] == []


def test_the_stream_filters_list_their_values(spec: dict[str, Any]) -> None:
    params = {p["name"]: p for p in spec["paths"]["/v1/events/stream"]["get"]["parameters"]}
    assert params["verdict"]["schema"]["anyOf"][0]["enum"] == [
        "allow", "warn", "redact", "review", "block"
    ]
    assert "tool_call" in params["kind"]["schema"]["anyOf"][0]["enum"]


def test_request_examples_are_valid_bodies() -> None:
    for model in (models.CheckIn, models.DetectIn, models.EvaluateIn, models.MitigateIn,
                  models.BatchIn, models.ResolveIn, models.QuarantineIn):
        examples = (model.model_config.get("json_schema_extra") or {}).get("examples")
        assert examples, model.__name__
        for example in examples:  # type: ignore[union-attr]
            model.model_validate(example)


def test_docs_pages_load_only_local_assets(tmp_path: Path, service_factory: Any) -> None:
    service = service_factory(ServerSettings(data_dir=tmp_path))
    for page in ("/docs", "/redoc"):
        r = service.client.get(page)
        assert r.status_code == 200, page
        sources = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert sources and all(s.startswith("/") for s in sources), (page, sources)
        assert "cdn" not in r.text.lower() and "fonts.googleapis" not in r.text
        assert "default-src 'self'" in r.headers["content-security-policy"]
        for src in sources:
            asset = service.client.get(src)
            assert asset.status_code == 200 and len(asset.content) > 1000, src
    assert service.client.get("/openapi.json").json()["info"]["title"] == "AIMDS guard service"


def test_every_reference_resolves(spec: dict[str, Any]) -> None:
    import json

    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(spec)))
    assert refs and refs <= set(spec["components"]["schemas"])
