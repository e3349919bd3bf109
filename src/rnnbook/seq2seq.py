"""An encoder-decoder that translates the book's English sentences into Vietnamese."""
import collections
import math

import torch
import torch.nn.functional as F
from torch import nn

from .corpus import parallel_pairs
from .text import Vocab, tokenize
from .train import fit


# --8<-- [start:seq2seq_encoder]
class Seq2SeqEncoder(nn.Module):
    """Read the source sentence with a GRU; its final state summarises it."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers=1, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, batch_first=True,
                          dropout=dropout if num_layers > 1 else 0.0)

    def forward(self, X, valid_len=None):
        # X: token ids (batch, steps); valid_len: true lengths before padding
        embs = self.embedding(X)  # (batch, steps, embed)
        if valid_len is None:
            return self.rnn(embs)  # outputs (batch, steps, hiddens), state (layers, batch, hiddens)
        # Packing makes the GRU stop at each sentence's last real token, so
        # padding never leaks into the summary state.
        packed = nn.utils.rnn.pack_padded_sequence(
            embs, valid_len.cpu().clamp(min=1), batch_first=True, enforce_sorted=False)
        outputs, state = self.rnn(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True,
                                                      total_length=X.shape[1])
        return outputs, state
# --8<-- [end:seq2seq_encoder]


# --8<-- [start:seq2seq_decoder]
class Seq2SeqDecoder(nn.Module):
    """Generate the target sentence; every step also sees the source summary."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers=1, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, batch_first=True,
                          dropout=dropout if num_layers > 1 else 0.0)
        self.output = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_state):
        # Start from the encoder's final state, and keep its top layer as a
        # fixed "context" fed to every step, so the source is never far away.
        return enc_state, enc_state[-1]

    def forward(self, X, state):
        # X: target ids (batch, steps), starting with <bos>
        hidden, context = state
        embs = self.embedding(X)                                    # (batch, steps, embed)
        context_steps = context[:, None, :].expand(-1, X.shape[1], -1)  # (batch, steps, hiddens)
        outputs, hidden = self.rnn(torch.cat([embs, context_steps], dim=-1), hidden)
        return self.output(outputs), (hidden, context)              # (batch, steps, vocab)
# --8<-- [end:seq2seq_decoder]


# --8<-- [start:encoder_decoder]
class EncoderDecoder(nn.Module):
    """Encode the source, then decode the target from the encoder's state."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, src, dec_input, src_valid_len=None):
        _, enc_state = self.encoder(src, src_valid_len)
        logits, _ = self.decoder(dec_input, self.decoder.init_state(enc_state))
        return logits  # (batch, target steps, target vocab)
# --8<-- [end:encoder_decoder]


# --8<-- [start:load_data_nmt]
def pad_or_trim(ids, num_steps, pad):
    """Make a list of ids exactly `num_steps` long."""
    return ids[:num_steps] + [pad] * (num_steps - len(ids))


def load_data_nmt(batch_size=32, num_steps=12, max_pairs=None, min_freq=1):
    """Loader of (src, src_len, tgt, tgt_len) batches and the two vocabularies.

    Sources are English words, targets Vietnamese syllables. Only pairs
    whose sentences fit in `num_steps` tokens (with <eos>) are kept: a cut
    sentence would teach the model a translation that stops halfway.
    """
    pairs = [(tokenize(en, "syllable"), tokenize(vi, "syllable"))
             for en, vi in parallel_pairs(max_pairs)]
    pairs = [(s, t) for s, t in pairs if 0 < len(s) < num_steps and 0 < len(t) < num_steps]
    if not pairs:
        raise ValueError(f"no sentence pair fits in num_steps={num_steps} tokens; "
                         "expected a larger num_steps")
    reserved = ["<pad>", "<bos>", "<eos>"]
    src_vocab = Vocab([s for s, _ in pairs], min_freq, reserved)
    tgt_vocab = Vocab([t for _, t in pairs], min_freq, reserved)

    def encode(sentences, vocab):
        ids = [vocab[s] + [vocab["<eos>"]] for s in sentences]
        lengths = torch.tensor([len(x) for x in ids])
        return torch.tensor([pad_or_trim(x, num_steps, vocab["<pad>"]) for x in ids]), lengths

    src, src_len = encode([s for s, _ in pairs], src_vocab)  # (pairs, steps), (pairs,)
    tgt, tgt_len = encode([t for _, t in pairs], tgt_vocab)
    dataset = torch.utils.data.TensorDataset(src, src_len, tgt, tgt_len)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(0))
    return loader, src_vocab, tgt_vocab
# --8<-- [end:load_data_nmt]


# --8<-- [start:train_seq2seq]
def seq2seq_losses(model, loader, tgt_vocab):
    """Yield the loss per target token of each batch, under teacher forcing."""
    device = next(model.parameters()).device
    bos, pad = tgt_vocab["<bos>"], tgt_vocab["<pad>"]
    for src, src_len, tgt, _tgt_len in loader:
        src, tgt = src.to(device), tgt.to(device)
        # Teacher forcing: the decoder reads the true previous token
        # (<bos> first), not its own guess, so errors do not compound.
        dec_input = torch.cat([torch.full_like(tgt[:, :1], bos), tgt[:, :-1]], dim=1)
        logits = model(src, dec_input, src_len)  # (batch, steps, vocab)
        # Padding positions are not words: leave them out of the loss.
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1),
                               ignore_index=pad, reduction="sum")
        num_tokens = (tgt != pad).sum()
        yield loss / num_tokens, loss.item(), num_tokens.item()


def train_seq2seq(model, loader, tgt_vocab, config):
    """Train with teacher forcing; return the mean loss per target token of each epoch."""
    losses = []
    for epoch in fit(model, lambda: seq2seq_losses(model, loader, tgt_vocab), config):
        losses.append(epoch.loss)
        if config.verbose:
            print(f"epoch {epoch.number}: loss {epoch.loss:.3f}")
    return losses
# --8<-- [end:train_seq2seq]


# --8<-- [start:translate]
@torch.no_grad()
def translate(model, sentence, src_vocab, tgt_vocab, num_steps=12, device=None):
    """Greedy translation: feed each predicted token back in until <eos>."""
    device = device or next(model.parameters()).device
    model.eval()
    ids = [*src_vocab[tokenize(sentence, "syllable")][:num_steps - 1], src_vocab["<eos>"]]
    src = torch.tensor([ids + [src_vocab["<pad>"]] * (num_steps - len(ids))], device=device)
    _, enc_state = model.encoder(src, torch.tensor([len(ids)]))
    state = model.decoder.init_state(enc_state)
    token = torch.tensor([[tgt_vocab["<bos>"]]], device=device)  # (1, 1)
    words = []
    for _ in range(num_steps):
        logits, state = model.decoder(token, state)
        token = logits.argmax(dim=-1)  # (1, 1): the most likely next token
        if token.item() == tgt_vocab["<eos>"]:
            break
        words.append(tgt_vocab.to_tokens(token.item()))
    return " ".join(words)
# --8<-- [end:translate]


# --8<-- [start:bleu]
import collections
import math


def bleu(pred: str, label: str, k=2) -> float:
    """BLEU of one prediction against one reference, with n-grams up to `k`.

    Geometric mean of the clipped n-gram precisions (uniform weights),
    times a brevity penalty that stops short predictions from scoring high.
    """
    pred_tokens, label_tokens = pred.split(), label.split()
    if not pred_tokens:
        return 0.0
    score = math.exp(min(0.0, 1 - len(label_tokens) / len(pred_tokens)))  # brevity penalty
    for n in range(1, k + 1):
        pred_grams = collections.Counter(zip(*(pred_tokens[i:] for i in range(n))))
        label_grams = collections.Counter(zip(*(label_tokens[i:] for i in range(n))))
        total = sum(pred_grams.values())
        # A predicted n-gram counts at most as often as the reference has it.
        matches = sum(min(c, label_grams[g]) for g, c in pred_grams.items())
        if total == 0 or matches == 0:
            return 0.0
        score *= (matches / total) ** (1 / k)
    return score
# --8<-- [end:bleu]
