"""The book's own bilingual prose, shipped as a data file, and an optional downloader."""
import functools
import hashlib
import json
import os
import pathlib
import tempfile
import urllib.parse
import urllib.request

from .text import Vocab, normalize, tokenize

DATA_FILE = pathlib.Path(__file__).with_name("data") / "book_corpus.json"
LANGS = ("vi", "en")


def _check_lang(lang):
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")


@functools.lru_cache(maxsize=4)
def read_corpus_file(path=DATA_FILE) -> dict:
    """Read and NFC-normalise a corpus file {"version", "pages": [{"path", "segments"}]}."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
        raise ValueError(f"{path}: expected a JSON object with a 'pages' list")
    pages = []
    for page in data["pages"]:
        segments = [{"en": normalize(seg.get("en") or "").strip(),
                     "vi": normalize(seg.get("vi") or "").strip(),
                     "role": seg.get("role", "paragraph")}
                    for seg in page.get("segments", [])]
        pages.append({"path": page.get("path", ""), "segments": segments})
    return {"version": data.get("version", ""), "pages": pages}


def corpus_pages(lang: str = "vi") -> list[tuple[str, list[str]]]:
    """(page path, paragraphs) for every page, keeping only non-empty paragraphs."""
    _check_lang(lang)
    pages = []
    for page in read_corpus_file()["pages"]:
        paragraphs = [seg[lang] for seg in page["segments"] if seg[lang]]
        if paragraphs:
            pages.append((page["path"], paragraphs))
    return pages


# --8<-- [start:load_text]
def load_text(lang: str = "vi") -> str:
    """The prose of this book in Vietnamese ("vi") or English ("en").

    The text ships inside the package (a frozen, versioned JSON file), so
    the book runs offline. Paragraphs are joined with newlines.
    """
    paragraphs = [p for _, page in corpus_pages(lang) for p in page]
    if not paragraphs:
        raise ValueError(f"the shipped corpus holds no {lang!r} text; re-run scripts/freeze_corpus.py")
    return "\n".join(paragraphs)
# --8<-- [end:load_text]


# --8<-- [start:load_corpus]
def load_corpus(lang="vi", level="char", max_tokens=None):
    """Token ids of the book's text and the vocabulary that maps them."""
    tokens = tokenize(load_text(lang), level)
    if max_tokens is not None:
        tokens = tokens[:max_tokens]  # a shorter corpus trains faster
    if not tokens:
        raise ValueError("the corpus is empty; expected at least one token")
    vocab = Vocab(tokens)
    return vocab[tokens], vocab
# --8<-- [end:load_corpus]


# --8<-- [start:parallel_pairs]
import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def split_sentences(paragraph: str) -> list[str]:
    """Split after ".", "!" or "?" followed by white space."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def parallel_pairs(max_pairs=None) -> list[tuple[str, str]]:
    """(English, Vietnamese) sentence pairs aligned from the book's paragraphs.

    A translation usually keeps the sentences of its source paragraph, so
    when both sides have the same number of sentences we pair them one by
    one. Paragraphs whose sentence counts differ are skipped: pairing
    them would teach the model wrong translations.
    """
    pairs: list[tuple[str, str]] = []
    for page in read_corpus_file()["pages"]:
        for seg in page["segments"]:
            if not (seg["en"] and seg["vi"]):
                continue  # untranslated paragraph
            en, vi = split_sentences(seg["en"]), split_sentences(seg["vi"])
            if len(en) == len(vi):
                pairs.extend(zip(en, vi))
    return pairs[:max_pairs] if max_pairs is not None else pairs
# --8<-- [end:parallel_pairs]


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url, sha256, cache_dir=None) -> pathlib.Path:
    """Fetch `url` once into `cache_dir`, check its SHA-256, return the local path.

    The book never calls this by default; it is here for readers who want
    a larger corpus. A file already in the cache with the right checksum
    is reused; a file with the wrong checksum is fetched again.
    """
    cache_dir = pathlib.Path(cache_dir or os.environ.get("RNNBOOK_CACHE")
                             or pathlib.Path.home() / ".cache" / "rnnbook")
    name = pathlib.PurePosixPath(urllib.parse.urlparse(url).path).name
    if not name:
        raise ValueError(f"cannot name a cache file after {url!r}; expected a URL ending in a file name")
    target = cache_dir / name
    if target.exists() and _sha256(target) == sha256.lower():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file next to the target, then rename: a crash
    # never leaves a half-written file under the final name.
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url) as response:
            for block in iter(lambda: response.read(1 << 20), b""):
                out.write(block)
        actual = _sha256(tmp)
        if actual != sha256.lower():
            raise ValueError(f"{url}: SHA-256 is {actual}, expected {sha256}")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target
