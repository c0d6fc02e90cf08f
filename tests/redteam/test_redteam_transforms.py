"""Every technique really transforms its payload, for attacks and controls alike, and an
ordinary decoder gets the payload back."""

from __future__ import annotations

import base64
import codecs
import json
import random
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimds.redteam import TEXT_TECHNIQUES, generate
from aimds.redteam import transforms as tf
from aimds.redteam.transforms import HOMOGLYPHS, ZERO_WIDTH
from aimds.types import EventKind

sys.path.insert(0, str(Path(__file__).parent))
from redteam_decoders import decoded, strings, tool_text  # noqa: E402

CASES = generate(seed=11, count=8)
TEXT_CASES = [c for c in CASES if c.technique in TEXT_TECHNIQUES]


@pytest.mark.parametrize("technique", TEXT_TECHNIQUES)
@pytest.mark.parametrize("label", ["attack", "benign"])
def test_decoding_the_case_gives_the_payload(technique: str, label: str) -> None:
    cases = [c for c in TEXT_CASES if c.technique == technique and c.label == label]
    assert len(cases) == 8 * 6
    for case in cases:
        text = case.decisive.text
        if technique != "plain":
            assert text != case.payload, case.id  # the technique changed something
        got = decoded(case)
        if technique in ("base64", "hex", "url", "payload_split", "homoglyph", "invisible"):
            assert got == case.payload, case.id
        else:  # framed or planted: the payload sits whole inside the text
            assert case.payload in got, case.id


@pytest.mark.parametrize(
    "technique", ["base64", "hex", "rot13", "url", "homoglyph", "invisible", "payload_split"]
)
def test_disguises_hide_the_payload_from_a_plain_reader(technique: str) -> None:
    for case in (c for c in TEXT_CASES if c.technique == technique):
        assert case.payload not in case.decisive.text, case.id
        if technique == "payload_split":
            continue  # whole words may survive a cut; the sentence does not
        words = [w for w in case.payload.split() if len(w) > 5 and w.isalpha()]
        hidden = [w for w in words if w not in case.decisive.text]
        assert hidden, (case.id, "some long word should be unreadable as written")


def test_tool_calls_carry_the_action_under_varied_tool_and_argument_names() -> None:
    calls = [c for c in CASES if c.technique == "tool_call"]
    tools = {c.decisive.tool for c in calls}
    arg_names = {k for c in calls for k in c.decisive.args}
    assert len(tools) >= 12 and len(arg_names) >= 12
    for case in calls:  # payloads read "shell: rm -rf /srv", "http POST https://...", ...
        assert case.payload.split()[-1] in tool_text(case), case.id


def test_multi_turn_ends_with_the_goal_action_after_the_ask() -> None:
    for case in (c for c in CASES if c.technique == "multi_turn"):
        assert case.decisive.kind is EventKind.TOOL_CALL
        assert any(case.payload in e.text for e in case.events[:-1]), case.id


# -- the transforms themselves ------------------------------------------------------------


@given(st.text(max_size=200))
def test_encodings_round_trip(text: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    if raw.decode("utf-8", "ignore") != text:
        return  # lone surrogates are not UTF-8 text
    assert base64.b64decode(tf.to_base64(text)).decode() == text
    assert bytes.fromhex(tf.to_hex(text)).decode() == text
    assert codecs.decode(tf.to_rot13(text), "rot13") == text
    assert unquote(tf.to_url(text)) == text
    assert all(c in "%0123456789ABCDEF" for c in tf.to_url(text))


@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200),
    st.integers(0, 1000),
    st.floats(0.0, 1.0),
)
def test_unicode_disguises_round_trip(text: str, seed: int, ratio: float) -> None:
    back = {v: k for k, v in HOMOGLYPHS.items()}
    rng = random.Random(seed)
    swapped = tf.homoglyphs(text, rng, ratio)
    assert "".join(back.get(c, c) for c in swapped) == text
    if ratio == 1.0:
        assert not any(c in HOMOGLYPHS for c in swapped)
    for every in (True, False):
        hidden = tf.zero_width(text, rng, every_char=every)
        assert "".join(c for c in hidden if c not in ZERO_WIDTH) == text
    tags = tf.tag_smuggle(text)
    assert "".join(chr(ord(c) - 0xE0000) for c in tags) == text
    assert not any(c.isprintable() for c in tags)


@given(st.text(min_size=1, max_size=200), st.integers(1, 6), st.integers(0, 1000))
def test_split_joins_back(text: str, parts: int, seed: int) -> None:
    pieces = tf.split(text, random.Random(seed), parts)
    assert "".join(pieces) == text
    assert len(pieces) == min(parts, len(text))
    assert all(pieces)


def test_carriers_plant_the_text_where_the_form_says() -> None:
    from aimds.redteam.carriers import CARRIERS

    marker = 'Plant "here" & now'
    for name, (count, _tools, carrier) in CARRIERS.items():
        docs = {carrier(marker, random.Random(1), form) for form in range(count)}
        assert len(docs) == count, name  # every form is a different document
        for doc in docs:
            if name == "json":
                assert marker in strings(json.loads(doc))
            elif name == "table" and doc.startswith("invoice,"):
                assert marker.replace('"', '""') in doc
            else:
                assert marker in doc
