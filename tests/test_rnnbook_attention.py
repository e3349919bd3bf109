"""Additive attention and the attention decoder: shapes, masking, and learning a few pairs."""

import pytest
import torch

from rnnbook import (
    AdditiveAttention,
    AttentionDecoder,
    AttentionEncoderDecoder,
    Seq2SeqEncoder,
    TrainConfig,
    load_data_nmt,
    masked_softmax,
    plot_attention,
    set_seed,
    train_seq2seq,
    translate_beam,
    translate_with_attention,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_masked_softmax_ignores_padding():
    scores = torch.randn(2, 3, 5)
    weights = masked_softmax(scores, torch.tensor([2, 5]))
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3))
    assert (weights[0, :, 2:] == 0).all() and (weights[1] > 0).all()


def test_additive_attention_shapes_and_weights():
    torch.manual_seed(0)
    attention = AdditiveAttention(query_size=6, key_size=4, num_hiddens=8)
    queries, keys, values = torch.randn(2, 3, 6), torch.randn(2, 5, 4), torch.randn(2, 5, 7)
    valid_len = torch.tensor([3, 5])
    context, weights = attention(queries, keys, values, valid_len)
    assert context.shape == (2, 3, 7) and weights.shape == (2, 3, 5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3))
    assert (weights[0, :, 3:] == 0).all()
    # Whatever sits in the padded positions cannot change the result.
    keys2, values2 = keys.clone(), values.clone()
    keys2[0, 3:], values2[0, 3:] = 100.0, -100.0
    context2, weights2 = attention(queries, keys2, values2, valid_len)
    torch.testing.assert_close(context2, context)
    torch.testing.assert_close(weights2, weights)


def small_model(src_size, tgt_size):
    return AttentionEncoderDecoder(Seq2SeqEncoder(src_size, 16, 32), AttentionDecoder(tgt_size, 16, 32))


def test_attention_decoder_shapes_and_weights_over_the_source():
    torch.manual_seed(0)
    model = small_model(11, 13)
    src, src_len = torch.randint(3, 11, (4, 7)), torch.tensor([7, 3, 5, 1])
    dec_input = torch.randint(3, 13, (4, 6))
    logits = model(src, dec_input, src_len)
    assert logits.shape == (4, 6, 13)
    weights = model.decoder.attention_weights
    assert weights.shape == (4, 6, 7)
    torch.testing.assert_close(weights.sum(-1), torch.ones(4, 6))
    for row, n in enumerate(src_len.tolist()):
        assert (weights[row, :, n:] == 0).all()


def test_padding_tokens_do_not_change_the_translation_scores():
    torch.manual_seed(0)
    model = small_model(11, 13).eval()
    src, src_len = torch.randint(3, 11, (1, 7)), torch.tensor([4])
    dec_input = torch.randint(3, 13, (1, 5))
    other = src.clone()
    other[0, 4:] = 5  # different junk after the valid length
    torch.testing.assert_close(model(src, dec_input, src_len), model(other, dec_input, src_len))


def test_attention_model_overfits_a_few_pairs():
    set_seed(0)
    loader, src_vocab, tgt_vocab = load_data_nmt(batch_size=8, num_steps=10)
    subset = torch.utils.data.Subset(loader.dataset, range(8))
    small = torch.utils.data.DataLoader(subset, batch_size=8)
    model = AttentionEncoderDecoder(Seq2SeqEncoder(len(src_vocab), 32, 64), AttentionDecoder(len(tgt_vocab), 32, 64))
    config = TrainConfig(num_epochs=150, lr=0.01, optimizer="adam", device="cpu")
    losses = train_seq2seq(model, small, tgt_vocab, config)
    assert losses[-1] < 0.05 * losses[0]
    for src, src_len, tgt, tgt_len in subset:
        source = " ".join(src_vocab.to_tokens(src[: src_len - 1].tolist()))
        target = " ".join(tgt_vocab.to_tokens(tgt[: tgt_len - 1].tolist()))
        words, source_tokens, weights = translate_with_attention(model, source, src_vocab, tgt_vocab, 10)
        assert " ".join(words[:-1]) == target and words[-1] == "<eos>"
        assert weights.shape == (len(words), len(source_tokens))
        torch.testing.assert_close(weights.sum(-1), torch.ones(len(words)))
        assert translate_beam(model, source, src_vocab, tgt_vocab, 1, 10)[0] == target


def test_plot_attention_labels():
    fig = plot_attention(torch.rand(2, 3), ["a", "b", "c"], ["x", "y"], xlabel="nguồn", ylabel="đích")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "nguồn" and ax.get_ylabel() == "đích"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
