"""A settings change that switches a protection off (authentication, MFA, TLS verification,
audit, CSRF...) is confirmed by a human under the default pack; ordinary settings pass the
protection reading. ``update_config {"key": "auth.enabled", "value": false}`` was allowed as
a workspace write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimds.rules.understanding.settings import switches_protection_off
from aimds.types import Decision

FirstCall = Callable[[str, dict[str, Any]], Decision]


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("update_config", {"key": "auth.enabled", "value": False}),
        ("set_feature_flag", {"flag": "mfa_required", "value": "off"}),
        ("update_settings", {"tls": {"verify": False}}),
        ("update_settings", {"security": {"disable_csrf": True}}),
        ("configure_service", {"audit": {"log_enabled": "no"}}),
        ("patch_policy", {"password_min_length": 0}),
    ],
)
def test_switching_a_protection_off_is_confirmed(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    decision = first_call(tool, args)
    assert decision.verdict.value in ("review", "block")
    assert "review.protection_off" in decision.rules


@pytest.mark.parametrize(
    "args",
    [
        {"key": "logging.level", "value": "debug"},
        {"key": "feature.dark_mode", "value": False},
        {"auth": {"session_timeout_min": 30}},
        {"auth": {"enabled": True}},  # switching one on
        {"security": {"disable_csrf": False}},  # a "disable" switch left off
        {"notifications": False},
    ],
)
def test_ordinary_settings_are_not_protections_off(args: dict[str, object]) -> None:
    assert not switches_protection_off(args)


_PROTECTIONS = st.sampled_from(["auth", "mfa", "tls", "ssl_verify", "audit", "firewall",
                                "encryption", "csrf_protection", "rate_limit"])
_OFF = st.sampled_from([False, "false", "off", "0", 0, "disabled", "No"])


@given(_PROTECTIONS, _OFF, st.sampled_from(["flat", "nested", "named"]))
def test_any_protection_switched_off_in_any_shape_is_found(
    protection: str, off: object, shape: str
) -> None:
    args: dict[str, object] = {
        "flat": {f"{protection}_enabled": off},
        "nested": {"settings": {protection: {"enabled": off}}},
        "named": {"key": f"{protection}.enabled", "value": off},
    }[shape]
    assert switches_protection_off(args)
