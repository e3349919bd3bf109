"""Regularising a recurrent language model: dropout between layers and weight tying."""
import torch
from torch import nn

from .batching import SeqDataLoader
from .train import evaluate_perplexity


# --8<-- [start:lstm_lm]
class LSTMLM(nn.Module):
    """Embedding -> stacked nn.LSTM -> scores over the vocabulary.

    `dropout` acts on the connections a value crosses once: embeddings to
    the first layer, each layer to the next, the top layer to the output;
    never on the recurrent connection from one step to the next.
    `tie_weights=True` makes the output layer reuse the embedding matrix.
    """

    def __init__(self, vocab_size, num_hiddens, num_layers=2, dropout=0.0, tie_weights=False):
        super().__init__()
        self.vocab_size, self.num_hiddens, self.num_layers = vocab_size, num_hiddens, num_layers
        # Embedding width = hidden width, so that the two matrices can be tied.
        self.embedding = nn.Embedding(vocab_size, num_hiddens)  # weight (vocab, hiddens)
        # nn.Embedding starts from N(0, 1), far larger than nn.Linear's weights;
        # a small uniform start suits both uses of the matrix once it is tied.
        nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
        self.dropout = nn.Dropout(dropout)
        # nn.LSTM's own dropout acts between its layers only, not after the last.
        self.rnn = nn.LSTM(num_hiddens, num_hiddens, num_layers, batch_first=True,
                           dropout=dropout if num_layers > 1 else 0.0)
        self.output = nn.Linear(num_hiddens, vocab_size)  # weight (vocab, hiddens)
        if tie_weights:
            # Not a copy: both modules now hold the same Parameter object.
            self.output.weight = self.embedding.weight

    def begin_state(self, batch_size, device=None):
        shape = (self.num_layers, batch_size, self.num_hiddens)
        return torch.zeros(shape, device=device), torch.zeros(shape, device=device)

    def forward(self, X, state=None):
        # X: token ids (batch, steps)
        if X.dim() != 2:
            raise ValueError(f"X has shape {tuple(X.shape)}; expected token ids (batch, steps)")
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        inputs = self.dropout(self.embedding(X))          # (batch, steps, hiddens)
        outputs, state = self.rnn(inputs, state)          # (batch, steps, hiddens)
        return self.output(self.dropout(outputs)), state  # (batch, steps, vocab)
# --8<-- [end:lstm_lm]


# --8<-- [start:count_parameters]
def count_parameters(model) -> int:
    """The number of trainable numbers in `model`; a shared Parameter counts once."""
    # model.parameters() yields each Parameter object once, however many
    # modules hold it, so a tied matrix is not counted twice.
    return sum(p.numel() for p in model.parameters())
# --8<-- [end:count_parameters]


# --8<-- [start:measure_lm]
def measure_lm(model, train_iter, val_iter) -> dict:
    """Perplexity on the training and the validation text, dropout off, and the size.

    `train_lm` reports the training perplexity of each epoch with dropout on
    and while the weights still change; for a fair gap, measure it again here.
    """
    train_text = SeqDataLoader(train_iter.corpus, train_iter.batch_size, train_iter.num_steps,
                               reshuffle=False)  # the same batches every time
    return {"train ppl": evaluate_perplexity(model, train_text),
            "val ppl": evaluate_perplexity(model, val_iter),
            "params": count_parameters(model)}
# --8<-- [end:measure_lm]


# --8<-- [start:format_table]
def format_table(rows) -> str:
    """`rows` maps a variant's name to `measure_lm`'s dict; one line per variant."""
    lines = [f"{'variant':<16}{'train ppl':>10}{'val ppl':>10}{'gap':>8}{'params':>10}"]
    for name, row in rows.items():
        gap = row["val ppl"] - row["train ppl"]  # how far validation lags behind
        lines.append(f"{name:<16}{row['train ppl']:>10.1f}{row['val ppl']:>10.1f}"
                     f"{gap:>8.1f}{row['params']:>10}")
    return "\n".join(lines)
# --8<-- [end:format_table]
