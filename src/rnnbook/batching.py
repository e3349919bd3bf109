"""Cutting one long token sequence into minibatches of (input, target) windows."""
import torch

from .corpus import load_corpus


# --8<-- [start:choose_offset]
def choose_offset(num_tokens, batch_size, num_steps, generator=None):
    """Pick a random start offset and the number of batches an epoch holds.

    Starting each epoch at a different offset means the windows cut the
    text at different places, so the model sees every boundary. The offset
    is capped so that every epoch has the same number of batches.
    """
    if num_tokens < num_steps + 1:
        raise ValueError(f"corpus has {num_tokens} tokens; expected at least "
                         f"num_steps + 1 = {num_steps + 1} (inputs plus the shifted targets)")
    window = batch_size * num_steps  # tokens consumed by one batch of inputs
    num_batches = (num_tokens - 1) // window
    if num_batches == 0:
        raise ValueError(f"batch_size={batch_size} is larger than the data: {num_tokens} tokens "
                         f"hold at most {(num_tokens - 1) // num_steps} windows of {num_steps} steps")
    max_offset = min(num_steps - 1, num_tokens - 1 - num_batches * window)
    offset = torch.randint(0, max_offset + 1, (1,), generator=generator).item()
    return offset, num_batches
# --8<-- [end:choose_offset]


# --8<-- [start:seq_data_iter_random]
def seq_data_iter_random(corpus, batch_size, num_steps, seed=None):
    """Yield (X, Y) batches of windows taken from random places in the corpus.

    Neighbouring rows of a batch, and consecutive batches, are unrelated,
    so a model must start every batch from a fresh state.
    """
    # Without a seed, draw from torch's global generator (see set_seed).
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    corpus = torch.as_tensor(corpus, dtype=torch.long)
    offset, num_batches = choose_offset(len(corpus), batch_size, num_steps, gen)
    starts = torch.arange(offset, len(corpus) - num_steps, num_steps)
    starts = starts[torch.randperm(len(starts), generator=gen)]  # shuffle the windows
    for i in range(num_batches):
        batch = starts[i * batch_size:(i + 1) * batch_size]
        index = batch[:, None] + torch.arange(num_steps)  # (batch, steps)
        # The target of each position is the token right after it.
        yield corpus[index], corpus[index + 1]
# --8<-- [end:seq_data_iter_random]


# --8<-- [start:seq_data_iter_sequential]
def seq_data_iter_sequential(corpus, batch_size, num_steps, seed=None):
    """Yield (X, Y) batches whose rows continue where the previous batch stopped.

    The corpus is cut into `batch_size` long rows; batch i holds columns
    [i * num_steps, (i + 1) * num_steps) of every row. Row r of batch i + 1
    follows row r of batch i in the text, so the hidden state may carry over.
    """
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    corpus = torch.as_tensor(corpus, dtype=torch.long)
    offset, num_batches = choose_offset(len(corpus), batch_size, num_steps, gen)
    num_tokens = num_batches * batch_size * num_steps
    Xs = corpus[offset:offset + num_tokens].reshape(batch_size, -1)          # (batch, rows)
    Ys = corpus[offset + 1:offset + 1 + num_tokens].reshape(batch_size, -1)  # shifted by one
    for i in range(0, Xs.shape[1], num_steps):
        yield Xs[:, i:i + num_steps], Ys[:, i:i + num_steps]
# --8<-- [end:seq_data_iter_sequential]


# --8<-- [start:seq_data_loader]
class SeqDataLoader:
    """A re-iterable loader: each pass over it is one epoch of (X, Y) batches.

    With `reshuffle=False` every pass yields the same batches, which is
    what an evaluation set needs to be comparable across epochs.
    """

    def __init__(self, corpus, batch_size, num_steps, random=False, seed=0, reshuffle=True):
        self.corpus = torch.as_tensor(corpus, dtype=torch.long)
        self.batch_size, self.num_steps = batch_size, num_steps
        self.sequential = not random
        self.seed, self.reshuffle = seed, reshuffle
        self.epoch = 0
        self._iter_fn = seq_data_iter_random if random else seq_data_iter_sequential
        # Validate now, so a bad size fails here rather than mid-training.
        _, self.num_batches = choose_offset(len(self.corpus), batch_size, num_steps,
                                            torch.Generator().manual_seed(0))

    def __iter__(self):
        # A new seed per epoch gives a new offset (and order) every epoch,
        # yet the whole run is repeatable from `seed`.
        seed = self.seed
        if self.reshuffle and seed is not None:
            seed += self.epoch
        self.epoch += 1
        return self._iter_fn(self.corpus, self.batch_size, self.num_steps, seed)

    def __len__(self):
        return self.num_batches
# --8<-- [end:seq_data_loader]


# --8<-- [start:load_data_lm]
def load_data_lm(batch_size=32, num_steps=32, lang="vi", level="char", random=False,
                 val_fraction=0.1, max_tokens=None):
    """Training and validation loaders over the book's text, and its vocabulary."""
    corpus, vocab = load_corpus(lang, level, max_tokens)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    split = int(len(corpus) * (1 - val_fraction))
    train_iter = SeqDataLoader(corpus[:split], batch_size, num_steps, random)
    # The validation text is short; use fewer rows rather than refuse it.
    val_batch = min(batch_size, max(1, (len(corpus) - split - 1) // num_steps))
    val_iter = SeqDataLoader(corpus[split:], val_batch, num_steps, random=False, reshuffle=False)
    return train_iter, val_iter, vocab
# --8<-- [end:load_data_lm]
