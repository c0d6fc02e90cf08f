"""The semantic tier's static embeddings: tokeniser, verified loading, determinism."""

from __future__ import annotations

import hashlib
import math
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.detectors import semantic_embed as emb
from aimds.detectors import semantic_model as sm
from aimds.errors import ConfigError

DATA = Path(emb.__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def table() -> emb.EmbeddingTable:
    return emb.load_table()


def _pieces(table: emb.EmbeddingTable, text: str) -> list[str]:
    inv = {i: t for t, i in table.vocab.items()}
    return [inv[i] for i in table.tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", ["hello", ",", "world", "!"]),
        ("unaffable", ["una", "##ffa", "##ble"]),
        ("Café résumé", ["cafe", "resume"]),
        ("don't", ["don", "'", "t"]),
        ("snake_case", ["snake", "_", "case"]),
        ("zero\u200bwidth", ["zero", "##wi", "##dt", "##h"]),  # format characters dropped
        ("£297", ["£2", "##9", "##7"]),  # symbols are not punctuation: they stay in the word
        ("日本", ["日", "本"]),  # CJK characters stand alone
        ("x" * 101, ["[UNK]"]),  # words over 100 characters are unknown
    ],
)
def test_tokenizer_mirrors_bert_wordpiece(  # expectations: the HF BertTokenizer of the model
    table: emb.EmbeddingTable, text: str, expected: list[str]
) -> None:
    assert _pieces(table, text) == expected


def test_literal_special_tokens_are_plain_text(table: emb.EmbeddingTable) -> None:
    assert _pieces(table, "[SEP]") == ["[", "sep", "]"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_tokenizes_to_vocabulary_ids_and_a_unit_vector(
    table: emb.EmbeddingTable, text: str
) -> None:
    ids = table.tokenize(text)
    assert all(0 <= i < table.size for i in ids)
    vec = table.embed(text)
    norm = math.sqrt(sum(v * v for v in vec))
    assert len(vec) == table.dims
    assert norm == pytest.approx(1.0) if ids else norm == 0.0


def test_embedding_is_deterministic_and_meaningful(table: emb.EmbeddingTable) -> None:
    a = table.embed("Reply to the user in German.")
    assert a == emb.load_table().embed("Reply to the user in German.")
    near = emb.cosine(a, table.embed("Answer the user in French."))
    far = emb.cosine(a, table.embed("Bake the bread for forty minutes."))
    assert near > far


def test_shipped_files_match_their_recorded_hashes() -> None:
    for name, sha in (
        ("semantic_embeddings.bin", "semantic_embeddings.sha256"),
        ("semantic_model.json", "semantic_model.sha256"),
    ):
        expected = (DATA / sha).read_text(encoding="ascii").split()[0]
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == expected
    assert "Apache" in (DATA / "semantic_NOTICE").read_text(encoding="utf-8")


@pytest.fixture
def fakepkg(tmp_path: Path) -> Iterator[Path]:
    """A copy of the shipped data in a package of its own, to tamper with."""
    pkg = tmp_path / "fakesem"
    (pkg / "data").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    for name in (
        "semantic_embeddings.bin",
        "semantic_embeddings.sha256",
        "semantic_model.json",
        "semantic_model.sha256",
    ):
        (pkg / "data" / name).write_bytes((DATA / name).read_bytes())
    sys.path.insert(0, str(tmp_path))
    try:
        yield pkg / "data"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fakesem", None)


def test_copied_data_loads(fakepkg: Path) -> None:
    assert sm.load_model("fakesem").table.dims == emb.load_table().dims


def test_tampered_table_is_refused(fakepkg: Path) -> None:
    blob = bytearray((fakepkg / "semantic_embeddings.bin").read_bytes())
    blob[-1] ^= 0x01
    (fakepkg / "semantic_embeddings.bin").write_bytes(bytes(blob))
    with pytest.raises(ConfigError, match="SHA-256"):
        emb.load_table("fakesem")
    with pytest.raises(ConfigError, match="distill_static_embeddings"):
        sm.load_model("fakesem")


def test_tampered_model_is_refused(fakepkg: Path) -> None:
    (fakepkg / "semantic_model.json").write_bytes(b'{"format": "x"}')
    with pytest.raises(ConfigError, match="train_semantic"):
        sm.load_model("fakesem")


def test_model_of_another_table_is_refused(fakepkg: Path) -> None:
    """A table rebuilt without retraining: every hash matches, the pairing does not."""
    blob = bytearray((fakepkg / "semantic_embeddings.bin").read_bytes())
    blob[-1] ^= 0x01
    (fakepkg / "semantic_embeddings.bin").write_bytes(bytes(blob))
    digest = hashlib.sha256(bytes(blob)).hexdigest()
    (fakepkg / "semantic_embeddings.sha256").write_text(digest + "\n", encoding="ascii")
    with pytest.raises(ConfigError, match="another embedding table"):
        sm.load_model("fakesem")


def test_missing_files_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing"):
        emb.load_table(name="no_such_table.bin")
