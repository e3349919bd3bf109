"""A rough spelling score for generated text: how many of its syllables are real."""
from .text import tokenize


# --8<-- [start:real_syllable_share]
def real_syllable_share(text, vocab) -> float:
    """The share of the syllables of `text` that `vocab` contains.

    `vocab` is any collection of syllables, such as the syllable Vocab of
    the corpus. When `text` stops inside a word, that last, unfinished
    syllable is not counted: the length limit cut it, not the model.
    """
    syllables = tokenize(text, "syllable")
    if syllables and text[-1].isalnum():
        syllables = syllables[:-1]
    if not syllables:
        raise ValueError(f"found no complete syllable in {text!r}; expected a longer sample")
    return sum(s in vocab for s in syllables) / len(syllables)
# --8<-- [end:real_syllable_share]

