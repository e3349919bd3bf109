"""Turning raw text into tokens and tokens into integer ids."""
# --8<-- [start:normalize]
import unicodedata


def normalize(text: str) -> str:
    """Return the Unicode NFC form of `text`.

    Vietnamese letters such as "ệ" can arrive precomposed (one code point)
    or decomposed ("e" + two combining marks). NFC makes both spellings
    the same string, so they become the same tokens.
    """
    return unicodedata.normalize("NFC", text)
# --8<-- [end:normalize]


# --8<-- [start:tokenize]
import re

# Multi-syllable Vietnamese words: Vietnamese writes a space between the
# syllables of one word, so word-level tokens must glue them back together.
VIETNAMESE_WORDS = (
    "mạng nơ-ron", "hồi tiếp", "trạng thái", "dữ liệu", "mô hình", "ngôn ngữ",
    "thời gian", "đầu vào", "đầu ra", "tham số", "huấn luyện", "dự đoán",
    "xác suất", "văn bản", "từ vựng", "lan truyền", "học sâu", "học máy",
    "máy tính", "bộ nhớ", "ngắn hạn", "dài hạn", "mất mát", "tiêu biến",
    "bùng nổ", "ma trận", "véc-tơ", "phân loại", "bản dịch", "dịch máy",
    "giải mã", "mã hoá", "chương trình", "ví dụ", "kết quả", "ký tự",
    "âm tiết", "câu hỏi", "tính toán", "kích hoạt", "trọng số", "độ dài",
    "phân phối", "ước lượng", "tuần tự", "ngẫu nhiên", "mục tiêu", "mã hóa",
)
_LEXICON = {tuple(normalize(w).split()) for w in VIETNAMESE_WORDS if " " in w}
_LONGEST_WORD = max(len(w) for w in _LEXICON)
_SYLLABLE = re.compile(r"\w+(?:[-'’]\w+)*")
LEVELS = ("char", "syllable", "word")


def tokenize(text: str, level: str = "char") -> list[str]:
    """Split `text` into lowercase tokens at the given level.

    "char": every character, spaces included; "syllable": Vietnamese
    syllables or English words, punctuation dropped; "word": syllables
    joined with "_" when they form a word of the built-in lexicon.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    # lower() may change code points, so normalise after it as well.
    text = normalize(normalize(text).lower())
    if level == "char":
        return list(text)
    syllables = _SYLLABLE.findall(text)
    if level == "syllable":
        return syllables
    words, i = [], 0
    while i < len(syllables):
        # Greedy longest match: try the longest lexicon entry first.
        for size in range(min(_LONGEST_WORD, len(syllables) - i), 0, -1):
            if size == 1 or tuple(syllables[i:i + size]) in _LEXICON:
                words.append("_".join(syllables[i:i + size]))
                i += size
                break
    return words
# --8<-- [end:tokenize]


# --8<-- [start:vocab]
import collections


class Vocab:
    """A two-way mapping between tokens and integer ids.

    Id 0 is always the unknown token `<unk>`; reserved tokens come next,
    then the corpus tokens from most to least frequent.
    """

    def __init__(self, tokens=(), min_freq=0, reserved_tokens=()):
        # Accept a flat list of tokens or a list of token lists (one per line).
        tokens = list(tokens)
        if tokens and isinstance(tokens[0], (list, tuple)):
            tokens = [tok for line in tokens for tok in line]
        counter = collections.Counter(tokens)
        # Ties broken by the token itself so the ids never depend on luck.
        self.token_freqs = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        self.idx_to_token = ["<unk>", *reserved_tokens]
        self.idx_to_token += [tok for tok, freq in self.token_freqs
                              if freq >= min_freq and tok not in self.idx_to_token]
        self.token_to_idx = {tok: idx for idx, tok in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if isinstance(tokens, (list, tuple)):
            return [self[tok] for tok in tokens]
        return self.token_to_idx.get(tokens, self.unk)

    def __contains__(self, token):
        return token in self.token_to_idx

    def to_tokens(self, indices):
        if isinstance(indices, (list, tuple)):
            return [self.to_tokens(idx) for idx in indices]
        idx = int(indices)
        if not 0 <= idx < len(self):
            raise ValueError(f"id {idx} is outside the vocabulary; expected 0 <= id < {len(self)}")
        return self.idx_to_token[idx]

    @property
    def unk(self):
        return 0
# --8<-- [end:vocab]


# --8<-- [start:ngram_freqs]
import collections


def ngram_freqs(tokens, n: int) -> list[tuple[tuple[str, ...], int]]:
    """Count every run of `n` consecutive tokens, most frequent first."""
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    # zip over n shifted views of the list yields each n-gram once.
    grams = zip(*(tokens[i:] for i in range(n)))
    counts = collections.Counter(grams)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
# --8<-- [end:ngram_freqs]
