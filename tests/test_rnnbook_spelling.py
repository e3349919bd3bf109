"""The spelling score of generated text: which syllables count, and what it divides by."""

import pytest

from rnnbook import Vocab, real_syllable_share, tokenize

REAL = Vocab(tokenize("mạng nơ-ron hồi tiếp học rất nhanh", "syllable"))


def test_share_counts_known_syllables():
    # "nơ-ron" is one token, as tokenize splits syllables.
    assert real_syllable_share("mạng nơ-ron thang hồi ", REAL) == pytest.approx(3 / 4)


def test_last_syllable_cut_by_the_length_limit_is_left_out():
    assert real_syllable_share("hồi tiếp thang hồi tiế", REAL) == pytest.approx(3 / 4)


def test_finished_last_syllable_counts():
    assert real_syllable_share("hồi tiếp thang.", REAL) == pytest.approx(2 / 3)


def test_punctuation_and_case_do_not_matter():
    assert real_syllable_share("Hồi, TIẾP (học) ", REAL) == 1.0


def test_any_collection_of_syllables_works():
    assert real_syllable_share("học thang ", {"học"}) == 0.5


@pytest.mark.parametrize("text", ["", "   ", "(", "hồi"])
def test_no_complete_syllable_is_an_error(text):
    with pytest.raises(ValueError, match="no complete syllable"):
        real_syllable_share(text, REAL)
