"""rnnbook text, corpus, downloader and batching: behaviour on the shipped corpus and bad input."""

import hashlib
import itertools
import json
import pathlib
import unicodedata

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnbook import (
    SeqDataLoader,
    Vocab,
    download,
    load_corpus,
    load_data_lm,
    load_text,
    ngram_freqs,
    normalize,
    parallel_pairs,
    seq_data_iter_random,
    seq_data_iter_sequential,
    tokenize,
)
from rnnbook.corpus import read_corpus_file

VIETNAMESE = "Mạng nơ-ron hồi tiếp lưu giữ trạng thái ẩn qua thời gian. Dữ liệu: văn bản!"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# --- text -----------------------------------------------------------------


def test_normalize_composes_vietnamese():
    decomposed = unicodedata.normalize("NFD", "việt")
    assert len(decomposed) > 4
    assert normalize(decomposed) == "việt"


@pytest.mark.parametrize("level", ["char", "syllable", "word"])
def test_tokenize_same_tokens_for_nfc_and_nfd(level):
    nfd = unicodedata.normalize("NFD", VIETNAMESE)
    assert nfd != VIETNAMESE
    assert tokenize(nfd, level) == tokenize(VIETNAMESE, level)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aăâeêioôơuưyđ \u0300\u0301\u0303\u0309\u0323.,-", max_size=40))
def test_tokenize_nfc_nfd_property(text):
    for level in ("char", "syllable", "word"):
        assert tokenize(unicodedata.normalize("NFD", text), level) == tokenize(
            unicodedata.normalize("NFC", text), level
        )


def test_tokenize_char_keeps_spaces_and_lowercases():
    assert tokenize("Ab c") == ["a", "b", " ", "c"]


def test_tokenize_syllable_drops_punctuation():
    assert tokenize("Mạng nơ-ron, hồi tiếp!", "syllable") == ["mạng", "nơ-ron", "hồi", "tiếp"]


def test_tokenize_word_joins_lexicon_words():
    assert tokenize("Mạng nơ-ron hồi tiếp xử lý dữ liệu", "word") == ["mạng_nơ-ron", "hồi_tiếp", "xử", "lý", "dữ_liệu"]


def test_tokenize_unknown_level():
    with pytest.raises(ValueError, match="expected one of"):
        tokenize("abc", "sentence")


def test_vocab_unknown_is_zero_and_reserved_follow():
    vocab = Vocab(list("aaabbc"), reserved_tokens=["<pad>"])
    assert vocab.to_tokens([0, 1]) == ["<unk>", "<pad>"]
    assert vocab["a"] == 2 and vocab["zzz"] == vocab.unk == 0
    assert vocab[["b", "c"]] == [3, 4]
    assert vocab.token_freqs == [("a", 3), ("b", 2), ("c", 1)]
    assert len(vocab) == 5


def test_vocab_min_freq_drops_rare_tokens():
    vocab = Vocab([["a", "a"], ["b"]], min_freq=2)
    assert "a" in vocab and "b" not in vocab and vocab["b"] == 0


def test_vocab_to_tokens_out_of_range():
    with pytest.raises(ValueError, match="outside the vocabulary"):
        Vocab(["a"]).to_tokens(7)


def test_ngram_freqs_counts_and_orders():
    tokens = list("abababc")
    assert ngram_freqs(tokens, 1)[0] == (("a",), 3)
    assert ngram_freqs(tokens, 2)[:2] == [(("a", "b"), 3), (("b", "a"), 2)]
    assert sum(c for _, c in ngram_freqs(tokens, 3)) == len(tokens) - 2


# --- corpus ---------------------------------------------------------------


def test_corpus_file_has_version_and_pages():
    data = read_corpus_file()
    assert data["version"] and data["pages"]
    assert all({"en", "vi", "role"} <= set(seg) for p in data["pages"] for seg in p["segments"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_load_text_is_nfc_prose(lang):
    text = load_text(lang)
    assert len(text.split()) > 1000
    assert unicodedata.is_normalized("NFC", text)


def test_load_text_vietnamese_has_diacritics():
    def accented_share(text):
        return sum(not ch.isascii() for ch in text) / len(text)

    # English prose quotes a Vietnamese word now and then; Vietnamese is full of them.
    assert accented_share(load_text("vi")) > 10 * accented_share(load_text("en"))


def test_load_text_unknown_language():
    with pytest.raises(ValueError, match="expected one of"):
        load_text("fr")


def test_load_corpus_round_trips_through_vocab():
    ids, vocab = load_corpus("vi", "char", max_tokens=500)
    assert len(ids) == 500
    assert vocab.to_tokens(ids) == tokenize(load_text("vi"))[:500]


def test_parallel_pairs_are_aligned_sentences():
    pairs = parallel_pairs()
    assert len(pairs) > 20
    assert all(en and vi for en, vi in pairs)
    assert parallel_pairs(max_pairs=5) == pairs[:5]


# --- download -------------------------------------------------------------


def _served_file(tmp_path, content=b"xin chao\n"):
    source = tmp_path / "src" / "corpus.txt"
    source.parent.mkdir()
    source.write_bytes(content)
    return source, hashlib.sha256(content).hexdigest()


def test_download_verifies_and_caches(tmp_path):
    source, sha = _served_file(tmp_path)
    cache = tmp_path / "cache"
    path = download(source.as_uri(), sha, cache)
    assert path == cache / "corpus.txt" and path.read_bytes() == source.read_bytes()
    source.unlink()  # a second call must not need the source any more
    assert download(source.as_uri(), sha, cache) == path


def test_download_rejects_wrong_checksum(tmp_path):
    source, _ = _served_file(tmp_path)
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="SHA-256"):
        download(source.as_uri(), "0" * 64, cache)
    assert list(cache.iterdir()) == []  # no partial or bad file left behind


def test_download_replaces_corrupted_cache(tmp_path):
    source, sha = _served_file(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "corpus.txt").write_bytes(b"tampered")
    assert download(source.as_uri(), sha, cache).read_bytes() == source.read_bytes()


# --- batching -------------------------------------------------------------


@pytest.mark.parametrize("iterate", [seq_data_iter_random, seq_data_iter_sequential])
def test_batches_have_shape_and_shifted_targets(iterate):
    corpus = list(range(500))
    batches = list(iterate(corpus, 4, 7, seed=1))
    assert batches
    for X, Y in batches:
        assert X.shape == Y.shape == (4, 7) and X.dtype == torch.long
        assert torch.equal(Y, X + 1)  # ids equal positions: Y is X shifted by one


@pytest.mark.parametrize("seed", range(6))
def test_sequential_serves_every_position_once(seed):
    corpus, batch_size, num_steps = list(range(1003)), 5, 8
    served = [X.flatten() for X, _ in seq_data_iter_sequential(corpus, batch_size, num_steps, seed)]
    positions = torch.cat(served).tolist()
    offset = min(positions)
    assert offset < num_steps
    assert sorted(positions) == list(range(offset, offset + len(positions)))  # each once, no gap
    assert len(corpus) - 1 - offset - len(positions) < batch_size * num_steps  # little left out


def test_sequential_rows_continue_across_batches():
    batches = list(seq_data_iter_sequential(list(range(1000)), 3, 6, seed=0))
    for (X1, _), (X2, _) in itertools.pairwise(batches):
        assert torch.equal(X2[:, 0], X1[:, -1] + 1)


def test_random_windows_are_distinct():
    starts = [int(x) for X, _ in seq_data_iter_random(list(range(1000)), 4, 10, seed=3) for x in X[:, 0]]
    assert len(starts) == len(set(starts))


def test_loader_reiterates_with_constant_length():
    loader = SeqDataLoader(list(range(777)), 4, 9, random=True, seed=0)
    epochs = [list(loader) for _ in range(3)]
    assert all(len(e) == len(loader) for e in epochs)
    assert not loader.sequential and SeqDataLoader(list(range(777)), 4, 9).sequential
    assert not torch.equal(epochs[0][0][0], epochs[1][0][0])  # a new offset/order per epoch


def test_loader_is_repeatable_from_its_seed():
    first = [X for X, _ in SeqDataLoader(list(range(500)), 2, 5, random=True, seed=4)]
    second = [X for X, _ in SeqDataLoader(list(range(500)), 2, 5, random=True, seed=4)]
    assert all(torch.equal(a, b) for a, b in zip(first, second))


def test_empty_corpus_is_rejected():
    with pytest.raises(ValueError, match="corpus has 0 tokens"):
        SeqDataLoader([], 2, 5)


def test_corpus_shorter_than_num_steps_is_rejected():
    with pytest.raises(ValueError, match="num_steps \\+ 1 = 11"):
        list(seq_data_iter_sequential(list(range(10)), 1, 10))


def test_batch_size_larger_than_data_is_rejected():
    with pytest.raises(ValueError, match="batch_size=50 is larger than the data"):
        list(seq_data_iter_random(list(range(100)), 50, 5))


def test_load_data_lm_shapes_and_split():
    train, val, vocab = load_data_lm(batch_size=8, num_steps=16, max_tokens=5000)
    assert len(train.corpus) + len(val.corpus) == 5000
    assert train.sequential and val.sequential
    for X, Y in train:
        assert X.shape == Y.shape == (8, 16)
        assert int(X.max()) < len(vocab)
    assert all(X.shape[1] == 16 for X, _ in val)


def test_load_data_lm_rejects_bad_fraction():
    with pytest.raises(ValueError, match="val_fraction"):
        load_data_lm(max_tokens=1000, val_fraction=1.5)


def test_loader_without_reshuffle_repeats_its_batches():
    loader = SeqDataLoader(list(range(500)), 2, 5, reshuffle=False)
    first, second = list(loader), list(loader)
    assert all(torch.equal(a[0], b[0]) for a, b in zip(first, second))


# --- the frozen data file and the script that freezes it --------------------


def load_freeze_script():
    import importlib.util

    path = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "freeze_corpus.py"
    spec = importlib.util.spec_from_file_location("freeze_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_version_matches_its_content():
    # The version is a hash of the pages, so a hand edit without re-freezing shows up here.
    import hashlib

    freeze = load_freeze_script()
    shipped = json.loads(freeze.DEFAULT_OUTPUT.read_text(encoding="utf-8"))
    body = json.dumps(shipped["pages"], ensure_ascii=False, sort_keys=True)
    assert shipped["version"] == "book-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


def test_freeze_keeps_prose_roles_only(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    table = "| a | b |\n|---|---|\n| 1 | 2 |"
    (docs / "a.md").write_text(
        f"<!--\n{table}\n-->\n\n{table}\n\n"
        "<!--\nSee :numref:`sec_rnn` and $n$ tokens.\n-->\n\n"
        "Xem :numref:`sec_rnn` và $n$ token.\n",
        encoding="utf-8",
    )
    frozen = load_freeze_script().freeze(docs)
    roles = [seg["role"] for page in frozen["pages"] for seg in page["segments"]]
    assert roles == ["paragraph"]
    assert ":numref:" not in json.dumps(frozen) and "$" not in json.dumps(frozen)


def test_freeze_script_rejects_missing_docs(tmp_path, capsys):
    assert load_freeze_script().main([str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_freeze_script_writes_corpus_from_pages(tmp_path):
    docs = tmp_path / "docs" / "chapter_x"
    docs.mkdir(parents=True)
    (docs / "a.md").write_text(
        "<!--\n# Title\n-->\n\n# Tiêu đề\n\n<!--\nOne. Two.\n-->\n\nMột. Hai.\n", encoding="utf-8"
    )
    out = tmp_path / "corpus.json"
    assert load_freeze_script().main([str(tmp_path / "docs"), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"].startswith("book-")
    assert data["pages"] == [
        {
            "path": "chapter_x/a.md",
            "segments": [
                {"en": "Title", "vi": "Tiêu đề", "role": "heading"},
                {"en": "One. Two.", "vi": "Một. Hai.", "role": "paragraph"},
            ],
        }
    ]
