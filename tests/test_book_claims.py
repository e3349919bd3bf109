"""What the book's prose says about its own results, checked by running the code it describes.

One test per claim, named after the page that makes it (``test_<page>_<claim>``); a page with many
claims may keep them in its own ``test_book_claims_<page>.py``, with the shared helpers of
``claims_fixture``. A test either calls
the package the way the page does, with the page's seeds, or, when the claim is about a model the
page trains, runs the page's own code cells in order (`page_namespace`: snippets expanded as the
build expands them, one torch thread as in the build's kernel). The expectation is always computed
here, independently of what the page prints: counts with plain loops, baselines recomputed, the
syllables of a sample looked up in the corpus. Claims about speed are never asserted (timings live
in `bench/`); the pages only point at the figures they print.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections import Counter

import pytest
import torch
from claims_fixture import (
    book_share,
    book_syllables,
    count_pair,
    loops,
    page_namespace,
    vi_syllables,
)
from torch import nn

from rnnbook import (
    RNNLM,
    RNNScratch,
    bleu,
    evaluate_perplexity,
    load_corpus,
    load_data_classification,
    load_data_lm,
    load_text,
    parallel_pairs,
    read_corpus_file,
    seq_data_iter_random,
    seq_data_iter_sequential,
    set_seed,
    split_sentences,
    tokenize,
    train_lm,
    unigram_perplexity,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# --- helpers ---------------------------------------------------------------------------------


# chapter_rnn/sequence.md and chapter_applications/speech-and-time-series.md: test_book_claims_sequence.py


# --- chapter_rnn/text-preprocessing.md ---------------------------------------------------------


def test_text_preprocessing_character_vocabularies():
    vi, en = (unicodedata.normalize("NFC", load_text(lang).lower()) for lang in ("vi", "en"))
    assert 100 < len(set(vi)) < 200, "expected a little over a hundred Vietnamese characters"
    assert len(set(en)) < len(set(vi)), "expected fewer English characters than Vietnamese ones"
    nfd = unicodedata.normalize("NFD", vi)
    assert len(set(nfd)) < len(set(vi)), "expected NFD to use fewer distinct symbols"
    assert len(nfd) > len(vi), "expected NFD sequences to be longer"


def test_text_preprocessing_min_freq_3_removes_a_third():
    counts = Counter(vi_syllables())
    rare = sum(1 for n in counts.values() if n < 3)
    share = rare / len(counts)
    assert 0.25 < share < 0.42, f"expected about a third of the syllables to occur once or twice: {share:.2f}"


def test_text_preprocessing_token_levels_trade_length_for_vocabulary():
    sizes = {}
    for lang in ("vi", "en"):
        for level in ("char", "syllable", "word"):
            corpus, vocab = load_corpus(lang, level)
            sizes[lang, level] = len(corpus), len(vocab)
    (chars, char_vocab), (syllables, syllable_vocab) = sizes["vi", "char"], sizes["vi", "syllable"]
    assert chars / syllables > 3, "expected syllables to shorten the corpus several times over"
    assert syllable_vocab / char_vocab > chars / syllables, "expected the vocabulary to grow by a larger factor"
    words = sizes["vi", "word"][0]
    assert 0.85 * syllables < words < syllables, "expected words to shorten Vietnamese a little further"
    en_syllables, en_words = sizes["en", "syllable"][0], sizes["en", "word"][0]
    assert abs(en_syllables - en_words) < 0.01 * en_syllables, "expected English syllables and words to agree"


# --- chapter_rnn/language-models-and-dataset.md ------------------------------------------------


def test_language_models_unseen_pair_count():
    tokens = vi_syllables()
    assert count_pair(tokens, "mô", "phỏng") == 0, "the page presents ('mô', 'phỏng') as a pair that never occurs"
    assert "phỏng" in book_syllables(), "expected 'phỏng' to occur elsewhere in the corpus"


def test_language_models_smoothing_flattens_the_frequent_pair():
    tokens = vi_syllables()
    n_mo, n_pair, V = tokens.count("mô"), count_pair(tokens, "mô", "hình"), len(set(tokens))
    assert n_mo < V / 2, f"expected 'mô' ({n_mo}) to occur far fewer times than there are syllables ({V})"
    assert n_pair / n_mo > 0.9, "expected 'hình' to be nearly certain after 'mô' when counting"
    assert (n_pair + 1) / (n_mo + V) < 0.25, "expected Laplace smoothing to cut it to a small fraction"


def test_language_models_top_ngrams():
    tokens = vi_syllables()
    top = [w for w, _ in Counter(tokens).most_common(4)]
    assert top == ["một", "và", "của", "các"], top
    bigrams = Counter(itertools.pairwise(tokens))
    assert bigrams.most_common(1)[0][0] == ("mô", "hình")
    trigrams = Counter(zip(tokens, tokens[1:], tokens[2:]))
    assert ("trạng", "thái", "ẩn") in [g for g, _ in trigrams.most_common(4)]


def test_language_models_zipf_straight_line():
    counts = sorted(Counter(vi_syllables()).values(), reverse=True)
    xs = [math.log(rank) for rank in range(10, 501)]
    ys = [math.log(counts[rank - 1]) for rank in range(10, 501)]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys))
    sxx, syy = sum((a - mx) ** 2 for a in xs), sum((b - my) ** 2 for b in ys)
    alpha, r2 = -sxy / sxx, sxy**2 / (sxx * syy)
    assert r2 > 0.95, f"expected a straight line on log-log axes (R² {r2:.3f})"
    assert 0.8 < alpha < 1.2, f"expected an exponent close to one: {alpha:.2f}"


def test_language_models_most_ngrams_occur_once():
    tokens = vi_syllables()
    distinct = []
    for n in (1, 2, 3):
        counts = Counter(zip(*(tokens[i:] for i in range(n))))
        distinct.append(len(counts))
        if n > 1:
            once = sum(1 for c in counts.values() if c == 1) / len(counts)
            assert once > 0.5, f"expected most distinct {n}-grams to occur once: {once:.2f}"
    assert distinct[0] < distinct[1] < distinct[2], f"expected more distinct n-grams for larger n: {distinct}"


def test_language_models_perplexity_falls_with_context():
    corpus, vocab = load_corpus("vi", "char")
    V, split = len(vocab), int(0.9 * len(corpus))
    train, val = corpus[:split], corpus[split:]
    uni_counts, pair_counts, first_counts = Counter(train), Counter(itertools.pairwise(train)), Counter(train[:-1])
    uni_nll = -sum(math.log((uni_counts[t] + 1) / (len(train) + V)) for t in val) / len(val)
    pairs = list(itertools.pairwise(val))
    bi_nll = -sum(math.log((pair_counts[p] + 1) / (first_counts[p[0]] + V)) for p in pairs) / len(pairs)
    unigram, bigram = math.exp(uni_nll), math.exp(bi_nll)
    assert V > unigram > bigram > 5, f"expected uniform {V} > unigram {unigram:.2f} > bigram {bigram:.2f}, far from 1"
    assert unigram_perplexity(train, val, V) == pytest.approx(unigram, rel=1e-6)


@pytest.mark.slow
def test_language_models_minibatches_of_one_sentence():
    ns = page_namespace("chapter_rnn/language-models-and-dataset.md")
    sentence, toy, vocab = ns["sentence"], ns["toy"], ns["vocab"]
    assert "".join(vocab.to_tokens(toy)) == sentence, "expected the ids to spell the sentence"
    assert len(toy) == 41, f"the page says the sentence has 41 characters: {len(toy)}"
    # The iterators only look at positions, so run them on positions instead of ids.
    positions = list(range(len(toy)))
    sequential = list(seq_data_iter_sequential(positions, batch_size=2, num_steps=6, seed=0))
    shuffled = list(seq_data_iter_random(positions, batch_size=2, num_steps=6, seed=0))
    for batches in (sequential, shuffled):
        assert len(batches) == 3, "expected three minibatches per epoch"
        first = min(X.min().item() for X, _ in batches)
        assert first == len("mạng"), f"expected the offset to leave out the first word 'mạng': {first}"
    for (X, _), (X_next, _) in itertools.pairwise(sequential):
        assert (X_next[:, 0] == X[:, -1] + 1).all(), "expected each row to continue where it stopped"
    continued = [(X_next[:, 0] == X[:, -1] + 1).any().item() for (X, _), (X_next, _) in itertools.pairwise(shuffled)]
    assert not any(continued), "expected no row of random sampling to continue the previous batch"


# --- chapter_rnn/rnn.md ------------------------------------------------------------------------


def test_rnn_untrained_perplexity_near_vocabulary_size():
    ns = page_namespace("chapter_rnn/rnn.md")
    V = len(ns["vocab"])
    assert 90 < V < 150, f"expected around a hundred characters: {V}"
    model, val_iter = ns["model"], ns["val_iter"]
    ppl = evaluate_perplexity(model, val_iter)
    assert abs(ppl - V) < 0.1 * V, f"expected an untrained model near the uniform guess {V}: {ppl:.1f}"


# --- chapter_rnn/bptt.md -----------------------------------------------------------------------


def test_bptt_eigenvalue_powers():
    assert pytest.approx(0.005, abs=0.0005) == 0.9**50
    assert pytest.approx(117, abs=1) == 1.1**50


def gradient_norms(sigma: float, num_steps: int = 50, num_inputs: int = 8, num_hiddens: int = 64):
    """The cell of the page: per-step input gradient norms of the last state (index 0 = last step)."""
    set_seed(0)
    inputs = 0.5 * torch.randn(1, num_steps, num_inputs)
    set_seed(0)
    rnn = RNNScratch(num_inputs, num_hiddens, sigma=sigma)
    x = inputs.clone().requires_grad_(True)
    _, state = rnn(x)
    (grad,) = torch.autograd.grad(state.sum(), x)
    return grad[0].norm(dim=-1).flip(0), rnn.W_hh.detach()


def test_bptt_spectral_norm_and_radius():
    h = 64
    for sigma in (0.05, 0.12, 0.3):
        _, W_hh = gradient_norms(sigma)
        norm = torch.linalg.matrix_norm(W_hh, ord=2).item()
        radius = torch.linalg.eigvals(W_hh).abs().max().item()
        assert norm == pytest.approx(2 * sigma * math.sqrt(h), rel=0.1), f"sigma={sigma}: norm {norm:.2f}"
        assert radius == pytest.approx(sigma * math.sqrt(h), rel=0.1), f"sigma={sigma}: radius {radius:.2f}"


def test_bptt_gradient_norms_vanish_or_explode():
    small, _ = gradient_norms(0.05)
    assert small[40] < 1e-10 * small[1], "expected the smallest weights to lose many orders of magnitude"
    middle, W_hh = gradient_norms(0.12)
    assert torch.linalg.matrix_norm(W_hh, ord=2) > 1, "expected a spectral norm above 1 in the middle setting"
    assert 1e-10 * middle[1] < middle[40] < middle[1], "expected a slower decay in the middle setting"
    large, _ = gradient_norms(0.3)
    assert large[40] > large[1], "expected distant inputs to get larger gradients with the largest weights"


def test_bptt_detach_removes_only_the_gradient_into_the_first_chunk():
    ns = page_namespace("chapter_rnn/bptt.md")
    full, trunc = ns["grad_full"][0], ns["grad_trunc"][0]
    assert full[:10].norm() > 0 and trunc[:10].abs().max() == 0
    torch.testing.assert_close(full[10:], trunc[10:])
    torch.testing.assert_close(ns["state_full"], ns["state_trunc"])


def test_bptt_without_detach_second_minibatch_raises():
    set_seed(0)
    train_iter, _, vocab = load_data_lm(batch_size=4, num_steps=8, max_tokens=2000)
    assert train_iter.sequential
    model = RNNLM(RNNScratch(len(vocab), 16), len(vocab))
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    batches = iter(train_iter)
    state = None
    for minibatch in (1, 2):
        X, Y = next(batches)
        logits, state = model(X, state)  # the state is carried over without detaching it
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1))
        optimizer.zero_grad()
        if minibatch == 1:
            loss.backward()
            optimizer.step()
        else:
            with pytest.raises(RuntimeError, match="backward through the graph a second time"):
                loss.backward()


# --- chapter_modern_rnn/seq2seq.md -------------------------------------------------------------


def test_seq2seq_opening_example_is_a_training_pair_that_changes_length():
    pair = ("Recurrent Neural Networks", "Mạng nơ-ron hồi tiếp")
    assert pair in parallel_pairs(320), "the page's opening example should be one of the book's training pairs"
    assert [len(tokenize(side, "syllable")) for side in pair] == [3, 4], "three English words, four syllables"
    pairs = parallel_pairs()
    differ = sum(len(tokenize(en, "syllable")) != len(tokenize(vi, "syllable")) for en, vi in pairs) / len(pairs)
    assert differ > 0.5, f"expected most sentence pairs to change length: {differ:.0%}"


@pytest.mark.slow
def test_seq2seq_loss_from_log_vocabulary_to_near_zero():
    ns = page_namespace("chapter_modern_rnn/seq2seq.md")
    losses, V = ns["losses"], len(ns["tgt_vocab"])
    assert losses[0] == pytest.approx(math.log(V), abs=0.5), f"first epoch {losses[0]:.2f} vs log V {math.log(V):.2f}"
    assert losses[-1] < 0.1


@pytest.mark.slow
def test_seq2seq_memorises_but_does_not_generalise():
    ns = page_namespace("chapter_modern_rnn/seq2seq.md")
    seen, unseen = ns["seen_bleu"], ns["unseen_bleu"]
    assert sum(seen) / len(seen) > 0.9 and sum(unseen) / len(unseen) < 0.1
    src_vocab = ns["src_vocab"]
    words = [w for en, _ in ns["unseen"] for w in tokenize(en, "syllable")]
    unknown = sum(w not in src_vocab for w in words) / len(words)
    assert unknown > 0.2, f"expected many held-out words outside the source vocabulary: {unknown:.0%}"


# --- chapter_applications/sequence-tasks.md ----------------------------------------------------


def test_sequence_tasks_last_output_is_the_final_state():
    set_seed(0)
    outputs, state = nn.GRU(8, 16, batch_first=True)(torch.randn(2, 5, 8))
    torch.testing.assert_close(outputs[:, -1], state[0])


# --- chapter_applications/text-generation.md ---------------------------------------------------


def test_text_generation_temperature_flattens_the_distribution():
    logits = torch.tensor([3.0, 2.0, 1.0, 0.5, -1.0])
    entropies = []
    for tau in (0.01, 0.25, 0.5, 1.0, 2.0, 5.0, 100.0):
        p = torch.softmax(logits / tau, dim=0)
        entropies.append(-(p * p.clamp_min(1e-30).log()).sum().item())
    assert all(a < b for a, b in itertools.pairwise(entropies)), entropies
    assert entropies[0] < 1e-3, "expected a tiny temperature to act like greedy decoding"
    assert entropies[-1] == pytest.approx(math.log(5), abs=0.01), "expected a huge temperature to be uniform"


@pytest.mark.slow
def test_text_generation_perplexity_and_gap():
    ns = page_namespace("chapter_applications/text-generation.md")
    history, V = ns["history"], len(ns["vocab"])
    assert history.val_ppl[-1] < V / 10, "expected small perplexities next to the vocabulary size"
    assert history.val_ppl[-1] > history.train_ppl[-1], "expected validation to end above training"


@pytest.mark.slow
def test_text_generation_gru_beats_a_plain_rnn():
    ns = page_namespace("chapter_applications/text-generation.md")
    rnn = RNNLM(nn.RNN(len(ns["vocab"]), 128, batch_first=True), len(ns["vocab"]))
    plain = train_lm(rnn, ns["train_iter"], ns["val_iter"], ns["config"])
    assert plain.val_ppl[-1] > ns["history"].val_ppl[-1], "expected nn.RNN to end above the GRU"


@pytest.mark.slow
def test_text_generation_spelling_degrades_with_temperature():
    ns = page_namespace("chapter_applications/text-generation.md")
    model, vocab, prefix = ns["model"], ns["vocab"], ns["prefix"]
    samples = {
        t: ns["generate"](model, vocab, prefix, num_tokens=80, temperature=t, seed=0) for t in (0.0, 0.5, 0.8, 1.0, 1.5)
    }
    assert loops(samples[0.0], prefix), f"expected the greedy line to repeat: {samples[0.0]!r}"
    share = {t: book_share(text, prefix) for t, text in samples.items()}
    assert share[0.0] >= 0.9 and share[0.5] >= 0.9, f"expected almost only book syllables: {share}"
    assert share[0.5] >= share[0.8] >= share[1.0] >= share[1.5], f"expected fewer book syllables as τ grows: {share}"
    assert share[1.5] < 0.6, f"expected the spelling to fall apart at τ = 1.5: {samples[1.5]!r}"


@pytest.mark.slow
def test_text_generation_hint_greedy_has_the_fewest_distinct_4grams():
    ns = page_namespace("chapter_applications/text-generation.md")
    fractions = {}
    for t in (0.0, 0.5, 0.8, 1.0, 1.5):
        text = ns["generate"](ns["model"], ns["vocab"], ns["prefix"], num_tokens=300, temperature=t, seed=0)
        grams = [text[i : i + 4] for i in range(len(text) - 3)]
        fractions[t] = len(set(grams)) / len(grams)
    assert min(fractions, key=fractions.get) == 0.0, fractions


def test_text_generation_hint_word_vocabulary_is_over_a_thousand():
    chars = load_corpus("vi", "char", 40000)[1]
    words = load_corpus("vi", "word", 40000)[1]
    assert 50 < len(chars) < 200 and len(words) > 1000, (len(chars), len(words))


# --- chapter_applications/text-classification.md -----------------------------------------------


@pytest.mark.slow
def test_text_classification_overfits_above_the_baseline():
    ns = page_namespace("chapter_applications/text-classification.md")
    result, y_val = ns["result"], ns["y_val"]
    majority = Counter(y_val.tolist()).most_common(1)[0][1] / len(y_val)
    train, val = result["train_acc"], result["val_acc"]
    assert 1000 <= len(ns["train_loader"].dataset) < 1500, "the page speaks of a thousand or so training sentences"
    assert train[-1] > 0.95 and train[3] > 0.9, f"expected close to 100 % within a few epochs: {train}"
    assert val[-1] > majority + 0.1, f"expected clearly above the majority baseline {majority:.3f}: {val}"
    assert val[-1] - val[0] < train[-1] - train[0], "expected validation accuracy to rise more slowly"
    assert train[-1] - val[-1] > 0.2, "expected validation far below training"


@pytest.mark.slow
def test_text_classification_chapter_specific_sentence():
    ns = page_namespace("chapter_applications/text-classification.md")
    model, vocab, names = ns["model"], ns["vocab"], ns["class_names"]
    ids = torch.tensor([vocab[tokenize("Bộ giải mã dịch câu tiếng Anh sang tiếng Việt.", "syllable")]])
    with torch.no_grad():
        probs = torch.softmax(model(ids), dim=-1)[0]
    # Decoders and translation are taught in chapter 2 and applied in chapter 3.
    assert names[int(probs.argmax())] in {"chapter_modern_rnn", "chapter_applications"}


def test_text_classification_hint_english_vocabulary_is_larger():
    sizes = {lang: len(load_data_classification(batch_size=32, num_steps=24, lang=lang)[2]) for lang in ("vi", "en")}
    assert sizes["en"] > sizes["vi"], sizes


# --- chapter_applications/machine-translation.md -----------------------------------------------


def test_machine_translation_held_out_pairs_come_from_other_pages():
    pages = []
    for page in read_corpus_file()["pages"]:
        for seg in page["segments"]:
            if seg["en"] and seg["vi"]:
                en, vi = split_sentences(seg["en"]), split_sentences(seg["vi"])
                if len(en) == len(vi):
                    pages += [page["path"]] * len(en)
    num_train = min(int(0.9 * len(pages)), 800)
    training_pages = set(pages[:num_train])
    shared = sum(p in training_pages for p in pages[num_train:]) / len(pages[num_train:])
    assert shared < 0.1, f"expected almost all held-out pairs from other pages: {shared:.0%}"


@pytest.mark.slow
def test_machine_translation_memorises_training_pairs():
    ns = page_namespace("chapter_applications/machine-translation.md")
    n_params = sum(p.numel() for p in ns["model"].parameters())
    assert n_params > 100_000
    assert 100 < len(ns["train_loader"].dataset) < 1000, "the page speaks of a few hundred short sentences"
    assert ns["losses"][-1] < 0.05, "expected the loss to end close to zero"
    bleu, translate, num_steps = ns["bleu"], ns["translate"], ns["num_steps"]
    model, src_vocab, tgt_vocab = ns["model"], ns["src_vocab"], ns["tgt_vocab"]

    def mean_bleu(pairs):
        scores = [
            bleu(translate(model, en, src_vocab, tgt_vocab, num_steps), " ".join(tokenize(vi, "syllable")))
            for en, vi in pairs
        ]
        return sum(scores) / len(scores)

    assert mean_bleu(ns["seen"]) > 0.9 and mean_bleu(ns["unseen"]) < 0.1
    words = [w for en, _ in ns["unseen"] for w in tokenize(en, "syllable")]
    unknown = sum(w not in src_vocab for w in words) / len(words)
    assert 0.15 < unknown < 0.5, f"expected a sizeable share of unknown held-out words: {unknown:.0%}"


def test_machine_translation_hint_bleu_by_hand():
    # Clipped unigrams 3 of 5 (mạng, hồi, tiếp), bigrams 1 of 4 (hồi tiếp); no brevity penalty.
    assert bleu("mạng hồi tiếp hồi tiếp", "mạng nơ-ron hồi tiếp") == pytest.approx(math.sqrt(3 / 5 * 1 / 4))
    assert round(math.sqrt(3 / 20), 3) == 0.387


# --- chapter_applications/beyond-rnns.md -------------------------------------------------------


@pytest.mark.slow
def test_beyond_rnns_a_unit_tracks_spaces():
    corr = page_namespace("chapter_applications/beyond-rnns.md")["corr"].abs()
    assert corr.max() > 2 * corr.median(), f"best {corr.max():.2f}, median {corr.median():.2f}"


# --- reading/tri-nho-mo-dan.md -----------------------------------------------------------------


def test_tri_nho_mo_dan_powers():
    assert round(0.9**49, 3) == 0.006 and 0.9**49 < 0.01
    assert 0.5**10 < 0.001 and round(0.5**10, 5) == 0.00098
    assert round(1.1**49) == 107
