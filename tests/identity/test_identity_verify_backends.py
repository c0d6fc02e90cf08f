"""Ed25519 verification gives the same answer through libsodium (PyNaCl, where installed)
and through ``cryptography`` (the fallback): valid, tampered, truncated, foreign."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.identity import crypto

BACKENDS = ["cryptography", "sodium"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "sodium":
        pytest.importorskip("nacl.bindings")
        monkeypatch.setattr(crypto, "_SODIUM", [])  # looked up afresh
    else:
        monkeypatch.setattr(crypto, "_SODIUM", [None])  # as without PyNaCl
    yield request.param


def _keys() -> tuple[object, bytes]:
    private = crypto.ed25519_generate()
    return crypto.ed25519_private_key(private), crypto.ed25519_public(private)


def test_the_key_object_is_the_backends(backend: str) -> None:
    _, public = _keys()
    key = crypto.ed25519_public_key(public)
    assert isinstance(key, crypto.SodiumKey) == (backend == "sodium")


def test_valid_tampered_truncated_and_foreign_signatures(backend: str) -> None:
    signer, public = _keys()
    key = crypto.ed25519_public_key(public)
    data = b"envelope " * 128
    sig = crypto.ed25519_sign(signer, data)
    assert crypto.ed25519_verify(key, sig, data)
    assert not crypto.ed25519_verify(key, sig, data + b"!")
    assert not crypto.ed25519_verify(key, bytes([sig[0] ^ 1]) + sig[1:], data)
    # a short signature must not borrow its missing bytes from the data
    assert not crypto.ed25519_verify(key, sig[:63], sig[63:] + data)
    assert not crypto.ed25519_verify(key, b"", data)
    other_signer, _ = _keys()
    assert not crypto.ed25519_verify(key, crypto.ed25519_sign(other_signer, data), data)


def test_a_wrong_length_key_is_refused(backend: str) -> None:
    with pytest.raises(crypto.InputError):
        crypto.ed25519_public_key(b"\x01" * 31)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048), st.integers(0, 2**16), st.sampled_from(["data", "sig"]))
def test_both_backends_agree_on_any_bit_flip(data: bytes, flip: int, where: str) -> None:
    pytest.importorskip("nacl.bindings")
    signer, public = _keys()
    sig = crypto.ed25519_sign(signer, data)
    if where == "data" and data:
        i = flip % (len(data) * 8)
        data = data[: i // 8] + bytes([data[i // 8] ^ (1 << (i % 8))]) + data[i // 8 + 1 :]
    elif where == "sig":
        i = flip % (len(sig) * 8)
        sig = sig[: i // 8] + bytes([sig[i // 8] ^ (1 << (i % 8))]) + sig[i // 8 + 1 :]
    answers = set()
    for sodium in ([], [None]):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(crypto, "_SODIUM", sodium)
            answers.add(crypto.ed25519_verify(crypto.ed25519_public_key(public), sig, data))
    assert len(answers) == 1
