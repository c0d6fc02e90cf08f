"""Tool names read for what they do: a credential named by its kind (``create_api_token``)
is a secret, not an HTTP call; a user's own settings (``set_user_preference``) are no
privilege change; a document made from payment records (``generate_invoice_pdf``) pays
nothing."""

from __future__ import annotations

import pytest

from aimds.rules.understanding.tools import name_type


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        ("create_api_token", "secrets:write"),
        ("get_access_key", "secrets:read"),
        ("list_api_keys", "secrets:read"),
        ("issue_deploy_token", "secrets:read"),  # no verb of ours: read, the cautious default
        ("set_user_preference", "unknown:write"),
        ("update_notification_settings", "unknown:write"),
        ("set_user_role", "identity:privilege_change"),  # privilege words keep it privileged
        ("set_admin_preference", "identity:privilege_change"),
        ("generate_invoice_pdf", "payment:read"),
        ("pay_invoice", "payment:transfer"),  # any other verb wins over "produce"
        ("transfer_funds", "payment:transfer"),
    ],
)
def test_names_read_for_what_they_do(tool: str, expected: str) -> None:
    assert name_type(tool) == expected


@pytest.mark.parametrize("tool", ["count_tokens", "tokenize", "sort_keys", "get_token_count"])
def test_tokens_and_keys_of_no_credential_kind_are_not_secrets(tool: str) -> None:
    assert not (name_type(tool) or "").startswith("secrets:")
