"""Decoding a trained encoder-decoder: greedy, beam and exhaustive search."""
import torch
from torch import nn

from .text import tokenize


# --8<-- [start:sequence_score]
def sequence_score(log_prob, length, alpha=0.0):
    """Log-probability of a whole output divided by length ** alpha.

    alpha = 0 keeps the raw log-probability, which favours short outputs
    (every extra token multiplies in a probability below 1); alpha = 1 is
    the mean log-probability per token.
    """
    return log_prob / max(length, 1) ** alpha
# --8<-- [end:sequence_score]


# --8<-- [start:beam_search]
def beam_search(step, state, bos, eos, beam_size, max_steps, alpha=0.0):
    """The best output found keeping `beam_size` partial outputs per step.

    `step(token, state)` returns the log-probabilities of the next token
    (a 1-D tensor over the vocabulary) and the new state. An output ends
    with `eos` (counted in its length) or after `max_steps` tokens.
    Returns (tokens without eos, score); beam_size=1 is greedy decoding.
    """
    beams: list = [([], 0.0, bos, state)]  # (tokens so far, log-prob, last token, state)
    finished = []                    # (tokens, log-prob, length)
    for t in range(max_steps):
        candidates = []
        for tokens, log_prob, last, st in beams:
            log_probs, new_st = step(last, st)  # (vocab,)
            for token, lp in enumerate(log_probs.tolist()):
                candidates.append((log_prob + lp, tokens, token, new_st))
        # Keep the `beam_size` most probable extensions, ended or not.
        candidates.sort(key=lambda c: c[0], reverse=True)
        beams = []
        for log_prob, tokens, token, st in candidates[:beam_size]:
            if token == eos:
                finished.append((tokens, log_prob, len(tokens) + 1))
            elif t == max_steps - 1:  # out of steps: the output stops here
                finished.append(([*tokens, token], log_prob, len(tokens) + 1))
            else:
                beams.append(([*tokens, token], log_prob, token, st))
        if not beams:
            break
    tokens, log_prob, length = max(finished, key=lambda f: sequence_score(f[1], f[2], alpha))
    return tokens, sequence_score(log_prob, length, alpha)
# --8<-- [end:beam_search]


# --8<-- [start:exhaustive_search]
import itertools


def exhaustive_search(step, state, bos, eos, vocab_size, max_steps, alpha=0.0):
    """The best output among all vocab_size ** max_steps possible ones."""
    best_tokens, best_score = [], -float("inf")
    for length in range(1, max_steps + 1):
        for tokens in itertools.product(range(vocab_size), repeat=length):
            if eos in tokens[:-1]:
                continue  # the output would have ended earlier
            log_prob, st, last = 0.0, state, bos
            for token in tokens:
                log_probs, st = step(last, st)
                log_prob, last = log_prob + log_probs[token].item(), token
            if tokens[-1] != eos and length < max_steps:
                continue  # not finished yet: a longer output covers it
            score = sequence_score(log_prob, length, alpha)
            if score > best_score:
                words = list(tokens[:-1]) if tokens[-1] == eos else list(tokens)
                best_tokens, best_score = words, score
    return best_tokens, best_score
# --8<-- [end:exhaustive_search]


# --8<-- [start:translation_step]
def encode_sentence(model, sentence, src_vocab, num_steps):
    """The decoder's first state for one English sentence."""
    device = next(model.parameters()).device
    ids = [*src_vocab[tokenize(sentence, "syllable")][:num_steps - 1], src_vocab["<eos>"]]
    src = torch.tensor([ids + [src_vocab["<pad>"]] * (num_steps - len(ids))], device=device)
    src_len = torch.tensor([len(ids)])
    if hasattr(model, "init_decoder"):  # a decoder with attention keeps every encoder output
        return model.init_decoder(src, src_len)
    _, enc_state = model.encoder(src, src_len)
    return model.decoder.init_state(enc_state)


def translation_step(decoder: nn.Module):
    """Wrap a decoder as `step(token, state) -> (log-probabilities, state)`."""
    device = next(decoder.parameters()).device

    def step(token, state):
        logits, state = decoder(torch.tensor([[token]], device=device), state)  # (1, 1, vocab)
        return torch.log_softmax(logits[0, -1], dim=-1), state
    return step


@torch.no_grad()
def translate_beam(model, sentence, src_vocab, tgt_vocab, beam_size=4, num_steps=12, alpha=0.0):
    """Translate with beam search; returns (Vietnamese text, score)."""
    model.eval()
    state = encode_sentence(model, sentence, src_vocab, num_steps)
    tokens, score = beam_search(translation_step(model.decoder), state, tgt_vocab["<bos>"],
                                tgt_vocab["<eos>"], beam_size, num_steps, alpha)
    return " ".join(tgt_vocab.to_tokens(tokens)), score
# --8<-- [end:translation_step]


# --8<-- [start:table_step]
def table_step(logits):
    """A toy decoder whose scores come from a fixed table, for testing searches.

    `logits[t, prev]` holds the scores of the token at step t after token
    `prev`; the state is just the step number t.
    """
    def step(token, t):
        return torch.log_softmax(logits[t, token], dim=-1), t + 1  # (vocab,), next step
    return step
# --8<-- [end:table_step]
