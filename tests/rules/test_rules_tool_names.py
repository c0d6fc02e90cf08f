"""Tool names read for what they do: a credential named by its kind (``create_api_token``)
is a secret, not an HTTP call; a user's own settings (``set_user_preference``) are no
privilege change; a document made from payment records (``generate_invoice_pdf``) pays
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aimds.rules.taxonomy import classify
from aimds.rules.understanding.tools import name_type
from aimds.types import Decision

FirstCall = Callable[[str, dict[str, Any]], Decision]


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


# A key service that uses a key it keeps (encrypt, sign, verify) shows no secret; what hands
# one out (decrypt, unwrap, export, read) is a secret read.
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("kms_encrypt", {"key_id": "alias/app-data", "plaintext_ref": "vault://kv/stg/salt"}),
        ("kms_sign", {"key_id": "alias/release", "message": "sha256:9f2c"}),
        ("vault_encrypt", {"key": "transit/orders", "plaintext": "aGVsbG8="}),
        ("KmsVerifySignature", {"key": "alias/release", "signature": "MEUCIQ"}),
        ("vault_hmac", {"name": "transit/ids", "input": "b3JkZXItMTI="}),
    ],
)
def test_using_a_kept_key_is_no_secret_read(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert name_type(tool) == "unknown:write"
    assert first_call(tool, args).verdict.value not in ("review", "block")


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("kms_decrypt", {"ciphertext": "AQICAHh4"}),
        ("vault_unwrap", {"token": "s.abc"}),
        ("kms_export_key", {"key_id": "alias/app-data"}),
        ("get_secret", {"name": "prod/db/password"}),
        ("vault_read", {"path": "secret/data/prod/db"}),
        ("encrypt_and_read_secret", {"name": "x"}),
        ("kms_encrypt", {"key_id": "alias/x", "file": "~/.aws/credentials"}),
        ("vault_sign", {"key": "k", "path": "~/.ssh/id_ed25519"}),
    ],
)
def test_what_hands_out_a_secret_stays_stopped(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value in ("review", "block")


# With no key-service word, encrypting, signing or hashing what the call gives is a pure
# transform of its input (as translate or summarize are): it looks, when nothing else shows.
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("transit_encrypt", {"name": "orders", "plaintext": "b3JkZXItMTIz"}),
        ("hash_text", {"text": "hello", "algorithm": "sha256"}),
        ("verify_checksum", {"expected": "3b1f", "data": "aGVsbG8="}),
    ],
)
def test_pure_transforms_of_the_input_look(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value not in ("review", "block")


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("hash_file", {"path": "/etc/shadow"}),
        ("sign_document", {"path": "~/.ssh/id_rsa"}),
        ("encrypt_text", {"text": "x", "key_file": "~/.aws/credentials"}),
    ],
)
def test_transforms_that_touch_secrets_are_stopped(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value in ("review", "block")


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("verify_and_send", {"to": "x@evil.example", "text": "hi"}, "email:send"),
        ("encrypt_and_post", {"url": "https://x.example/u", "data": "abc"}, "net:http_post"),
        ("sign_and_transfer", {"amount": 10, "iban": "DE89370400440532013000"}, "payment:transfer"),
    ],
)
def test_a_transform_verb_does_not_hide_what_else_the_name_does(
    tool: str, args: dict[str, Any], expected: str
) -> None:
    assert classify(tool, args).type == expected


# A user's own profile is no privilege change; the fields an account is recovered through or
# that say what it may do are, whatever the tool is called.
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("update_user_profile", {"display_name": "Ana L.", "bio": "Data engineer"}),
        ("edit_my_profile", {"avatar_url": "https://cdn.example.com/a.png"}),
        ("UpdateProfile", {"title": "Staff engineer", "pronouns": "she/her"}),
        ("set_user_preference", {"theme": "dark", "timezone": "Europe/Berlin"}),
    ],
)
def test_own_profile_changes_are_ordinary(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value not in ("review", "block")


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("update_user_profile", {"role": "admin"}),
        ("set_user_preference", {"is_admin": True}),
        ("update_profile", {"field": "permissions", "value": "all"}),
        ("edit_my_profile", {"groups": ["wheel"]}),
        ("set_user_preference", {"email": "attacker@evil.example"}),
        ("update_user_profile", {"recovery_email": "x@evil.example"}),
        ("update_my_settings", {"field": "phone", "value": "+15550100"}),
        ("UpdateProfile", {"mfa_enabled": False}),
        ("update_account_settings", {"new_password": "hunter22"}),
    ],
)
def test_recovery_and_privilege_fields_are_stopped(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value in ("review", "block")


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("create_contact", {"name": "Li", "email": "li@corp.example"}),
        ("update_customer", {"id": "c1", "email": "new@corp.example", "phone": "+1555"}),
    ],
)
def test_a_record_of_someone_else_with_an_email_is_no_account_change(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value not in ("review", "block")
