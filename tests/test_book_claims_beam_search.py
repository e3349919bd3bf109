"""What chapter_modern_rnn/beam-search.md says about its searches, checked by running its cells."""

from __future__ import annotations

import pytest
from claims_fixture import page_namespace

from rnnbook import beam_search, bleu, exhaustive_search, translate_beam

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PAGE = "chapter_modern_rnn/beam-search.md"


def searches(step, alpha):
    """Greedy, a beam of two and exhaustive search on the page's toy table."""
    greedy = beam_search(step, 0, 0, 0, beam_size=1, max_steps=4, alpha=alpha)
    beam = beam_search(step, 0, 0, 0, beam_size=2, max_steps=4, alpha=alpha)
    exact = exhaustive_search(step, 0, 0, 0, vocab_size=4, max_steps=4, alpha=alpha)
    return greedy, beam, exact


@pytest.mark.slow
def test_beam_search_toy_table():
    ns = page_namespace(PAGE)
    step, names = ns["step"], ns["names"]
    (greedy, _), (beam, beam_score), (exact, exact_score) = searches(step, 0.0)
    assert names[greedy[0]] == "a", "expected greedy decoding to start with a"
    assert names[beam[0]] == "c", "expected the beam of two to keep c and start with it"
    assert beam == exact and beam_score == pytest.approx(exact_score), "expected the beam to find the exact output"
    assert beam_score > searches(step, 0.0)[0][1], "expected a higher log-probability than greedy decoding"
    _, (longer, _), (exact_normalised, _) = searches(step, 0.75)
    assert longer == exact_normalised and len(longer) > len(beam), "expected normalisation to prefer a longer output"


@pytest.mark.slow
def test_beam_search_on_held_out_sentences():
    ns = page_namespace(PAGE)
    model, src_vocab, tgt_vocab = ns["model"], ns["src_vocab"], ns["tgt_vocab"]
    unseen, references, greedy = ns["unseen"], ns["references"], ns["greedy"]
    rows = {}
    for alpha in (0.0, 0.75):
        for k in (1, 4):
            outputs = [translate_beam(model, en, src_vocab, tgt_vocab, k, 16, alpha) for en, _ in unseen]
            rows[k, alpha] = {
                "bleu": sum(bleu(text, ref) for (text, _), ref in zip(outputs, references)) / len(unseen),
                "length": sum(len(text.split()) for text, _ in outputs) / len(unseen),
                "score": sum(score for _, score in outputs) / len(unseen),
                "changed": sum(text != g for (text, _), g in zip(outputs, greedy)),
            }
    for alpha in (0.0, 0.75):
        one, four = rows[1, alpha], rows[4, alpha]
        assert one["changed"] == 0, "a beam of one is greedy decoding"
        assert four["changed"] > len(unseen) / 3, f"expected a beam of four to change many outputs: {four}"
        assert four["score"] > one["score"], f"expected the wider beam to reach a better score: {rows}"
        assert abs(four["bleu"] - one["bleu"]) < 0.02 and max(one["bleu"], four["bleu"]) < 0.1, rows
    assert rows[4, 0.0]["length"] < rows[1, 0.0]["length"], f"expected shorter outputs without normalisation: {rows}"
    assert rows[4, 0.75]["length"] > rows[4, 0.0]["length"], f"expected normalisation to bring the length back: {rows}"
    assert rows[4, 0.75]["length"] > 0.95 * rows[1, 0.75]["length"], rows
