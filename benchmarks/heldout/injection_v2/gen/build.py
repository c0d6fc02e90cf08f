"""Build injection_v2: tune.jsonl and holdout.jsonl next to this folder.

Deterministic: every random choice comes from random.Random seeded with a fixed
string, so the output is byte-identical on every run and does not depend on
PYTHONHASHSEED. Options: --dupes lists pairs above 0.85 similarity; --stats
prints the counts table used in the README.
"""

import json
import math
import os
import random
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import benign_data  # noqa: E402
import benign_prompts  # noqa: E402
import direct  # noqa: E402
import foreign  # noqa: E402
import hard_negative  # noqa: E402
import indirect  # noqa: E402
import jailbreak  # noqa: E402
import leak  # noqa: E402
import transforms  # noqa: E402

OUT = os.path.dirname(HERE)
NEAR_DUP = 0.8
PREFIX = {
    "jailbreak": "jb", "prompt_leak": "pl", "direct": "di", "indirect": "in",
    "obfuscated": "ob", "benign_prompt": "bp", "benign_data": "bd", "hard_negative": "hn",
}
LABEL = {
    "jailbreak": "attack", "prompt_leak": "attack", "direct": "attack", "indirect": "attack",
    "obfuscated": "attack", "benign_prompt": "benign", "benign_data": "benign", "hard_negative": "benign",
}
OBF_PER_TRANSFORM = 7


def rng_for(name: str) -> random.Random:
    return random.Random("injection_v2/" + name)


def grams(text: str, n: int = 5) -> set[str]:
    t = " ".join(text.lower().split())
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def candidates() -> list[dict]:
    """Every plain (non-obfuscated) candidate, in a fixed order."""
    out: list[dict] = []

    def add(slice_: str, kind: str, text: str, note: str, **extra) -> None:
        out.append({"slice": slice_, "kind": kind, "text": text, "note": note, **extra})

    for it in jailbreak.build(rng_for("jailbreak")):
        add("jailbreak", "prompt", it["text"], it["note"])
    for lang, tech, text in foreign.JAILBREAK:
        add("jailbreak", "prompt", text, f"jailbreak {tech}; lang={lang}")
    for tech, text in leak.LEAK:
        add("prompt_leak", "prompt", text, f"prompt_leak {tech}; lang=en")
    for lang, tech, text in foreign.LEAK:
        add("prompt_leak", "prompt", text, f"prompt_leak {tech}; lang={lang}")
    for tech, text in direct.DIRECT:
        add("direct", "prompt", text, f"direct {tech}; lang=en")
    for lang, tech, text in foreign.DIRECT:
        add("direct", "prompt", text, f"direct {tech}; lang={lang}")
    for it in indirect.build(rng_for("indirect")):
        add("indirect", "tool_result", it["text"], it["note"], _planted=it["_planted"])
    for lang, genre, text in foreign.INDIRECT:
        add("indirect", "tool_result", text, f"indirect carrier={genre}; lang={lang}")
    for genre, text in benign_prompts.BENIGN_PROMPTS:
        add("benign_prompt", "prompt", text, f"benign_prompt {genre}; lang=en")
    for lang, genre, text in foreign.BENIGN_PROMPT:
        add("benign_prompt", "prompt", text, f"benign_prompt {genre}; lang={lang}")
    for genre, text in benign_data.DOCS:
        add("benign_data", "tool_result", text, f"benign_data {genre}; lang=en")
    for lang, genre, text in foreign.BENIGN_DATA:
        add("benign_data", "tool_result", text, f"benign_data {genre}; lang={lang}")
    r = rng_for("benign_carriers")
    carriers = list(indirect.CARRIERS)
    r.shuffle(carriers)
    for carrier in carriers[:36]:
        sentence = benign_data.CARRIER_NATIVE[carrier[0]]
        text, where = indirect.fill(carrier, sentence, r)
        add("benign_data", "tool_result", text,
            f"benign_data carrier={carrier[0]} with carrier-native instruction; pos={where}; lang=en")
    for genre, kind, text in hard_negative.build(rng_for("hard_negative")):
        add("hard_negative", kind, text, f"hard_negative {genre}; lang=en")
    for lang, genre, text, kind in foreign.HARD_NEGATIVE:
        add("hard_negative", kind, text, f"hard_negative {genre}; lang={lang}")
    return out


def dedupe(items: list[dict]) -> tuple[list[dict], int]:
    """Greedy: drop a candidate too similar to any item already kept."""
    kept: list[dict] = []
    kept_grams: list[set[str]] = []
    dropped = 0
    for it in items:
        g = grams(it["text"])
        if any(jaccard(g, k) > NEAR_DUP for k in kept_grams):
            dropped += 1
            continue
        kept.append(it)
        kept_grams.append(g)
    return kept, dropped


def assign_ids(items: list[dict]) -> None:
    counter: Counter = Counter()
    for it in items:
        counter[it["slice"]] += 1
        it["id"] = f"{PREFIX[it['slice']]}-{counter[it['slice']]:03d}"


def obfuscate(items: list[dict], half: dict[str, str]) -> list[dict]:
    """One transform each of plain English attacks: prompts whole, tool results
    only in the planted sentence (the carrier stays plain). Plain items are
    taken from the two halves in turn, so each half gets as many."""
    r = rng_for("obfuscated")
    pools: dict[tuple[bool, str], list[dict]] = {}
    for it in items:
        if it["slice"] in ("direct", "jailbreak", "prompt_leak"):
            ok, as_prompt = "lang=en" in it["note"] and it["text"].isascii(), True
        elif it["slice"] == "indirect":
            ok, as_prompt = bool(it.get("_planted")) and it.get("_planted", "").isascii(), False
        else:
            continue
        if ok:
            pools.setdefault((as_prompt, half[it["id"]]), []).append(it)
    for key in sorted(pools):
        r.shuffle(pools[key])
    out: list[dict] = []
    n = 0
    taken = {True: 0, False: 0}
    for t_i, (name, fn) in enumerate(transforms.TRANSFORMS.items()):
        for k in range(OBF_PER_TRANSFORM):
            as_prompt = (k + t_i) % 2 == 0
            taken[as_prompt] += 1
            plain = pools[(as_prompt, "tune" if taken[as_prompt] % 2 else "holdout")].pop()
            if as_prompt:
                wrapper = r.choice(transforms.PROMPT_WRAPPERS[name])
                body = fn(plain["text"], r)
                text = wrapper.format(x=body) if wrapper else body
                how = "whole prompt" + (" in a wrapper" if wrapper else "")
            else:
                text = plain["text"].replace(plain["_planted"], fn(plain["_planted"], r), 1)
                how = "planted sentence only"
            n += 1
            out.append({
                "id": f"ob-{n:03d}", "slice": "obfuscated", "kind": plain["kind"], "text": text,
                "note": f"obfuscated transform={name}; {how}; plain={plain['id']}",
                "_plain": plain["id"],
            })
    return out


def split(items: list[dict]) -> dict[str, str]:
    """Half per (slice, kind), seeded. Run before obfuscation; an obfuscated item
    later goes with its plain item, so no half shows the other's plain text."""
    r = rng_for("split")
    half: dict[str, str] = {}
    groups: dict[tuple[str, str], list[str]] = {}
    for it in items:
        if it["slice"] != "obfuscated":
            groups.setdefault((it["slice"], it["kind"]), []).append(it["id"])
    for g_i, key in enumerate(sorted(groups)):
        ids = sorted(groups[key])
        r.shuffle(ids)
        # Odd-sized groups give their extra item to tune and holdout in turn.
        cut = math.ceil(len(ids) / 2) if g_i % 2 == 0 else len(ids) // 2
        for i, id_ in enumerate(ids):
            half[id_] = "tune" if i < cut else "holdout"
    return half


def build() -> tuple[list[dict], dict[str, str], int]:
    plain, dropped = dedupe(candidates())
    assign_ids(plain)
    half = split(plain)
    obf = obfuscate(plain, half)
    for it in obf:
        half[it["id"]] = half[it["_plain"]]
    items = plain + obf
    for it in items:
        it["label"] = LABEL[it["slice"]]
    return items, half, dropped


def record(it: dict) -> str:
    keys = ["id", "text", "kind", "label", "slice", "note"]
    return json.dumps({k: it[k] for k in keys}, ensure_ascii=False)


def main() -> None:
    items, half, dropped = build()
    for name in ("tune", "holdout"):
        with open(os.path.join(OUT, f"{name}.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for it in items:
                if half[it["id"]] == name:
                    f.write(record(it) + "\n")
    if "--stats" in sys.argv:
        c = Counter((it["slice"], it["label"], it["kind"]) for it in items)
        print(f"{len(items)} items; near-duplicates dropped: {dropped}")
        for (s, lab, k), n in sorted(c.items(), key=lambda x: (x[0][1], -x[1])):
            print(f"| {s} | {lab} | {k} | {n} |")
        print(Counter(half.values()))
        langs = Counter(it["note"].split("lang=")[1].split(";")[0] for it in items if "lang=" in it["note"])
        print(sorted(langs.items(), key=lambda x: -x[1]))
    if "--dupes" in sys.argv:
        g = [(it["id"], grams(it["text"])) for it in items if it["slice"] != "obfuscated"]
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                s = jaccard(g[i][1], g[j][1])
                if s > 0.85:
                    print(f"{g[i][0]} {g[j][0]} {s:.2f}")


if __name__ == "__main__":
    main()
