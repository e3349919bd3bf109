"""One training loop for every model of the book; perplexity and text generation."""
import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from .text import tokenize
from .utils import default_device, set_seed


# --8<-- [start:train_config]
@dataclass
class TrainConfig:
    """The knobs of a training run, with defaults that suit a char-level RNN."""
    num_epochs: int = 10
    lr: float = 1.0
    optimizer: str = "sgd"       # "sgd" or "adam"
    grad_clip: float | None = 1.0  # max global gradient norm; None or 0 disables clipping
    seed: int | None = 0         # None: go on from the current random state
    device: torch.device | None = None  # None: the GPU when there is one (default_device)
    verbose: bool = False        # print one line per epoch
# --8<-- [end:train_config]


# --8<-- [start:history]
@dataclass
class History:
    """What a training run measured, one entry per epoch."""
    train_ppl: list = field(default_factory=list)
    val_ppl: list = field(default_factory=list)
    tokens_per_sec: float = 0.0
# --8<-- [end:history]


# --8<-- [start:grad_clipping]
def grad_clipping(params, max_norm) -> float:
    """Rescale all gradients together so their global L2 norm is at most `max_norm`.

    Scaling every gradient by the same factor keeps the update's direction
    and only shortens it. Returns the norm before clipping.
    """
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    norm = torch.sqrt(sum((g ** 2).sum() for g in grads)).item()
    if norm > max_norm:
        for g in grads:
            g.mul_(max_norm / norm)
    return norm
# --8<-- [end:grad_clipping]


# --8<-- [start:detach_state]
def detach_state(state):
    """Cut the graph behind a state (a tensor or nested tuples/lists of them)."""
    if state is None or torch.is_tensor(state):
        return None if state is None else state.detach()
    return type(state)(detach_state(s) for s in state)
# --8<-- [end:detach_state]


# --8<-- [start:make_optimizer]
def make_optimizer(model, config):
    if config.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=config.lr)
    if config.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=config.lr)
    raise ValueError(f"unknown optimizer {config.optimizer!r}; expected 'sgd' or 'adam'")
# --8<-- [end:make_optimizer]


# --8<-- [start:train_lm]
# --8<-- [start:train_loop]
from time import perf_counter


def train_epoch(model, losses, optimizer, config):
    """One pass of gradient descent; return the mean loss per item and the item count.

    `losses` yields, batch after batch, the loss to minimise, the summed loss
    it stands for and how many items (tokens, examples) that sum covers.
    """
    model.train()
    total, count = 0.0, 0
    for loss, batch_total, batch_count in losses:
        optimizer.zero_grad()
        loss.backward()
        if config.grad_clip:
            grad_clipping(model.parameters(), config.grad_clip)
        optimizer.step()
        total, count = total + batch_total, count + batch_count
    if count == 0:
        raise ValueError("the training data yielded no batches; expected at least one")
    return total / count, count


@dataclass
class Epoch:
    """What `fit` reports after each pass over the training data."""
    number: int     # 1, 2, ...
    loss: float     # mean training loss per item
    items: int      # tokens or examples seen
    seconds: float  # time spent training, evaluation left out


def fit(model, epoch_losses, config):
    """Train `model` as `config` says, yielding an `Epoch` after each pass.

    `epoch_losses()` starts one pass: an iterator of batch losses, as
    `train_epoch` takes. Between passes the caller evaluates what it likes.
    """
    if config.seed is not None:
        set_seed(config.seed)
    model.to(config.device or default_device())
    optimizer = make_optimizer(model, config)
    for number in range(1, config.num_epochs + 1):
        start = perf_counter()
        loss, items = train_epoch(model, epoch_losses(), optimizer, config)
        yield Epoch(number, loss, items, perf_counter() - start)
# --8<-- [end:train_loop]


def lm_losses(model, loader):
    """Yield the mean cross-entropy per token of each batch of `loader`."""
    device = next(model.parameters()).device  # wherever `fit` put the model
    state = None
    for X, Y in loader:
        X, Y = X.to(device), Y.to(device)  # (batch, steps)
        if state is None or not getattr(loader, "sequential", False):
            state = model.begin_state(X.shape[0], device)  # random windows: start afresh
        else:
            # Sequential windows continue the text, so keep the state's
            # value, but cut its graph: backpropagation stops at this
            # batch boundary (truncated BPTT) and memory stays bounded.
            state = detach_state(state)
        logits, state = model(X, state)  # (batch, steps, vocab)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1))
        yield loss, loss.item() * Y.numel(), Y.numel()


def train_lm(model, train_loader, val_loader, config):
    """Train a language model; return per-epoch train/val perplexity."""
    history, tokens, seconds = History(), 0, 0.0
    for epoch in fit(model, lambda: lm_losses(model, train_loader), config):
        tokens, seconds = tokens + epoch.items, seconds + epoch.seconds
        history.train_ppl.append(math.exp(epoch.loss))
        history.val_ppl.append(evaluate_perplexity(model, val_loader))
        if config.verbose:
            print(f"epoch {epoch.number}: train ppl {history.train_ppl[-1]:.2f}, "
                  f"val ppl {history.val_ppl[-1]:.2f}")
    history.tokens_per_sec = tokens / max(seconds, 1e-9)
    return history
# --8<-- [end:train_lm]


# --8<-- [start:evaluate_perplexity]
@torch.no_grad()
def evaluate_perplexity(model, loader, device=None) -> float:
    """exp(mean cross-entropy per token) of `model` on the batches of `loader`."""
    device = device or next(model.parameters()).device  # wherever the model lives
    was_training = model.training
    model.eval()
    state, loss_sum, count = None, 0.0, 0
    for X, Y in loader:
        X, Y = X.to(device), Y.to(device)
        if state is None or not getattr(loader, "sequential", False):
            state = model.begin_state(X.shape[0], device)
        logits, state = model(X, state)
        loss_sum += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1),
                                    reduction="sum").item()
        count += Y.numel()
    model.train(was_training)
    if count == 0:
        raise ValueError("the loader yielded no batches; expected at least one")
    return math.exp(loss_sum / count)
# --8<-- [end:evaluate_perplexity]


# --8<-- [start:unigram_perplexity]
def unigram_perplexity(train_ids, val_ids, vocab_size) -> float:
    """Perplexity of the add-one unigram model: the baseline that ignores context."""
    counts = torch.bincount(torch.as_tensor(train_ids), minlength=vocab_size).double()
    # Add one to every count so tokens unseen in training keep some probability.
    probs = (counts + 1) / (counts.sum() + vocab_size)
    return math.exp(-probs.log()[torch.as_tensor(val_ids)].mean().item())
# --8<-- [end:unigram_perplexity]


# --8<-- [start:generate]
@torch.no_grad()
def generate(model, vocab, prefix, num_tokens, temperature=0.0, seed=None, level="char"):
    """Continue `prefix` with `num_tokens` tokens predicted by `model`.

    temperature 0 picks the most likely token each time (greedy); a
    positive temperature samples from softmax(logits / temperature):
    below 1 sharper and safer, above 1 flatter and more surprising.
    """
    tokens = tokenize(prefix, level)
    if not tokens:
        raise ValueError("prefix is empty; expected at least one token to start from")
    unknown = sorted({tok for tok in tokens if tok not in vocab})
    if unknown:
        raise ValueError(f"prefix has tokens outside the vocabulary: {unknown}; "
                         "expected only tokens seen in training")
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    was_training = model.training
    model.eval()
    # Warm-up: read the prefix to build the state; predictions not needed.
    ids = torch.tensor([vocab[tokens]], device=device)  # (1, prefix length)
    logits, state = model(ids, model.begin_state(1, device))
    for _ in range(num_tokens):
        scores = logits[0, -1].cpu()  # scores for the next token
        if temperature == 0:
            next_id = int(scores.argmax())
        else:
            probs = torch.softmax(scores / temperature, dim=0)
            next_id = int(torch.multinomial(probs, 1, generator=generator))
        tokens.append(vocab.to_tokens(next_id))
        logits, state = model(torch.tensor([[next_id]], device=device), state)
    model.train(was_training)
    return ("" if level == "char" else " ").join(tokens)
# --8<-- [end:generate]
