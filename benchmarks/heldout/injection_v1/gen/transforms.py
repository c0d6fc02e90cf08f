"""One obfuscating transform each; deterministic."""
import base64, codecs, urllib.parse

def t_base64(s): return base64.b64encode(s.encode()).decode()
def t_hex(s): return s.encode().hex()
def t_rot13(s): return codecs.encode(s, "rot13")
def t_url(s): return urllib.parse.quote(s, safe="")
def t_html(s): return "".join(f"&#{ord(c)};" if c.isalnum() else (f"&#x{ord(c):x};" if c != " " else " ") for c in s)
def t_bidi(s): return "\u202e" + s[::-1] + "\u202c"
def t_zw(s): return " ".join("\u200b".join(w) for w in s.split(" "))
def t_tag(s): return "".join(chr(0xE0000 + ord(c)) for c in s if ord(c) < 128)
HOMO = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ", "A": "Α", "E": "Ε", "O": "Ο", "T": "Τ", "I": "Ι"}
def t_homoglyph(s): return "".join(HOMO.get(c, c) for c in s)
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "A": "4", "E": "3", "I": "1", "O": "0", "S": "5", "T": "7"}
def t_leet(s): return "".join(LEET.get(c, c) for c in s)
def t_split(s):
    out, n = [], 0
    for w in s.split(" "):
        if len(w) >= 6:
            if n % 2 == 0:
                m = len(w) // 2
                w = w[:m] + "-\n" + w[m:]
            n += 1
        out.append(w)
    return " ".join(out)

TRANSFORMS = {"base64": t_base64, "hex": t_hex, "rot13": t_rot13, "url": t_url, "html_entities": t_html, "bidi_rlo": t_bidi,
              "zero_width": t_zw, "tag_chars": t_tag, "homoglyph": t_homoglyph, "leetspeak": t_leet, "split_lines": t_split}
