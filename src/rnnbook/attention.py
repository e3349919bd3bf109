"""Additive (Bahdanau) attention and an encoder-decoder whose decoder attends to the source."""
import torch
from torch import nn

from .plot import in_each_language, new_figure, say
from .seq2seq import EncoderDecoder
from .text import tokenize


# --8<-- [start:masked_softmax]
def masked_softmax(scores, valid_len):
    """Softmax over the last axis, ignoring positions at or after `valid_len`.

    scores: (batch, queries, keys); valid_len: (batch,) real keys per row.
    """
    positions = torch.arange(scores.shape[-1], device=scores.device)  # (keys,)
    mask = positions[None, None, :] < valid_len.to(scores.device)[:, None, None]
    # A very negative score becomes a weight of exactly 0 after the softmax.
    return torch.softmax(scores.masked_fill(~mask, -1e6), dim=-1)
# --8<-- [end:masked_softmax]


# --8<-- [start:additive_attention]
class AdditiveAttention(nn.Module):
    """Score each key against a query with a one-hidden-layer MLP."""

    def __init__(self, query_size, key_size, num_hiddens):
        super().__init__()
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)

    def forward(self, queries, keys, values, valid_len):
        # queries: (batch, q, query_size); keys, values: (batch, k, key_size)
        features = torch.tanh(self.W_q(queries)[:, :, None, :]
                              + self.W_k(keys)[:, None, :, :])  # (batch, q, k, hiddens)
        scores = self.w_v(features).squeeze(-1)                # (batch, q, k)
        weights = masked_softmax(scores, valid_len)            # each row sums to 1
        return weights @ values, weights                      # (batch, q, value_size)
# --8<-- [end:additive_attention]


# --8<-- [start:attention_decoder]
class AttentionDecoder(nn.Module):
    """A GRU decoder that, before each step, attends to all encoder outputs."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers=1, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, batch_first=True,
                          dropout=dropout if num_layers > 1 else 0.0)
        self.output = nn.Linear(num_hiddens, vocab_size)
        self.attention_weights = None  # (batch, steps, source steps) of the last call

    def init_state(self, enc_outputs, enc_state, src_valid_len):
        # Keep every encoder output (the keys and values) and the source lengths.
        return enc_outputs, enc_state, src_valid_len

    def forward(self, X, state):
        # X: target ids (batch, steps), starting with <bos>
        enc_outputs, hidden, valid_len = state
        embs = self.embedding(X)                  # (batch, steps, embed)
        outputs, weights = [], []
        for t in range(X.shape[1]):
            query = hidden[-1][:, None, :]        # (batch, 1, hiddens): the state so far
            context, w = self.attention(query, enc_outputs, enc_outputs, valid_len)
            x = torch.cat([embs[:, t:t + 1], context], dim=-1)  # (batch, 1, embed + hiddens)
            out, hidden = self.rnn(x, hidden)
            outputs.append(out)
            weights.append(w)
        self.attention_weights = torch.cat(weights, dim=1)
        logits = self.output(torch.cat(outputs, dim=1))  # (batch, steps, vocab)
        return logits, (enc_outputs, hidden, valid_len)


class AttentionEncoderDecoder(EncoderDecoder):
    """The encoder-decoder of seq2seq, with a decoder that sees every source position."""

    def init_decoder(self, src, src_valid_len):
        enc_outputs, enc_state = self.encoder(src, src_valid_len)
        return self.decoder.init_state(enc_outputs, enc_state, src_valid_len)

    def forward(self, src, dec_input, src_valid_len=None):
        if src_valid_len is None:
            src_valid_len = torch.full((src.shape[0],), src.shape[1])
        logits, _ = self.decoder(dec_input, self.init_decoder(src, src_valid_len))
        return logits  # (batch, target steps, target vocab)
# --8<-- [end:attention_decoder]


# --8<-- [start:translate_attention]
@torch.no_grad()
def translate_with_attention(model, sentence, src_vocab, tgt_vocab, num_steps=12):
    """Greedy translation; returns (output tokens, source tokens, attention weights)."""
    device = next(model.parameters()).device
    model.eval()
    tokens = tokenize(sentence, "syllable")[:num_steps - 1]
    ids = [*src_vocab[tokens], src_vocab["<eos>"]]
    src = torch.tensor([ids + [src_vocab["<pad>"]] * (num_steps - len(ids))], device=device)
    state = model.init_decoder(src, torch.tensor([len(ids)]))
    token = torch.tensor([[tgt_vocab["<bos>"]]], device=device)  # (1, 1)
    emitted, weights = [], []
    for _ in range(num_steps):
        logits, state = model.decoder(token, state)
        weights.append(model.decoder.attention_weights[0, 0, :len(ids)])  # (source tokens,)
        token = logits.argmax(dim=-1)
        emitted.append(tgt_vocab.to_tokens(token.item()))
        if token.item() == tgt_vocab["<eos>"]:
            break
    # One row of weights per emitted token (<eos> included), one column per source token.
    return emitted, [*tokens, "<eos>"], torch.stack(weights)
# --8<-- [end:translate_attention]


# --8<-- [start:plot_attention]
@in_each_language
def plot_attention(weights, source, target, xlabel=None, ylabel=None, figsize=(5, 3.5)):
    """Heat map of attention weights: one row per output token, one column per source token."""
    fig, ax = new_figure(figsize)
    image = ax.imshow(weights.detach().cpu(), cmap="Reds", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(source)), source, rotation=60, ha="right")
    ax.set_yticks(range(len(target)), target)
    ax.set_xlabel(say(xlabel))
    ax.set_ylabel(say(ylabel))
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    return fig
# --8<-- [end:plot_attention]
