"""Many-to-one: guess which chapter a sentence of the book comes from."""
import torch
import torch.nn.functional as F
from torch import nn

from .corpus import corpus_pages, split_sentences
from .text import Vocab, tokenize
from .train import fit


# --8<-- [start:load_data_classification]
def load_data_classification(batch_size=32, num_steps=40, lang="vi", val_fraction=0.2, seed=0):
    """Loaders of (X, valid_len, y) batches, the vocabulary and the class names.

    Every sentence of the book is an example; its label is the chapter
    (the folder of its page). Tokens are syllables (words in English).
    """
    examples = []
    for path, paragraphs in corpus_pages(lang):
        chapter = path.rpartition("/")[0].rpartition("/")[2]  # the page's folder
        if not chapter.startswith("chapter"):
            continue  # the home page, the translation guide: not a chapter
        for paragraph in paragraphs:
            examples += [(tokenize(s, "syllable"), chapter) for s in split_sentences(paragraph)]
    examples = [(tokens[:num_steps], label) for tokens, label in examples if tokens]
    class_names = sorted({label for _, label in examples})
    if len(class_names) < 2:
        raise ValueError(f"found {len(class_names)} chapter(s); expected at least 2 to classify")
    # Shuffle before splitting so both splits mix all chapters.
    order = torch.randperm(len(examples), generator=torch.Generator().manual_seed(seed))
    examples = [examples[i] for i in order]
    num_val = max(1, int(len(examples) * val_fraction))
    train, val = examples[num_val:], examples[:num_val]
    # Only training sentences build the vocabulary: validation words it
    # never saw become <unk>, as they would for a new sentence.
    vocab = Vocab([tokens for tokens, _ in train], reserved_tokens=["<pad>"])

    def loader(split, shuffle):
        pad = vocab["<pad>"]
        X = torch.tensor([vocab[t] + [pad] * (num_steps - len(t)) for t, _ in split])
        lengths = torch.tensor([len(t) for t, _ in split])
        y = torch.tensor([class_names.index(label) for _, label in split])
        return torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(X, lengths, y), batch_size=batch_size,
            shuffle=shuffle, generator=torch.Generator().manual_seed(seed))

    return loader(train, True), loader(val, False), vocab, class_names
# --8<-- [end:load_data_classification]


# --8<-- [start:rnn_classifier]
class RNNClassifier(nn.Module):
    """Embed the tokens, read them with an LSTM, classify from the final states."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_classes, bidirectional=True):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.LSTM(embed_size, num_hiddens, batch_first=True, bidirectional=bidirectional)
        directions = 2 if bidirectional else 1
        self.output = nn.Linear(directions * num_hiddens, num_classes)

    def forward(self, X, valid_len=None):
        # X: token ids (batch, steps)
        embs = self.embedding(X)  # (batch, steps, embed)
        if valid_len is not None:
            # Stop each direction at the real end of its sentence, not the padding.
            embs = nn.utils.rnn.pack_padded_sequence(
                embs, valid_len.cpu().clamp(min=1), batch_first=True, enforce_sorted=False)
        _, (H, _) = self.rnn(embs)  # H: (directions, batch, hiddens)
        # The forward reader's last state saw the whole sentence left to
        # right, the backward reader's right to left: use both.
        summary = torch.cat(list(H), dim=-1)  # (batch, directions * hiddens)
        return self.output(summary)           # (batch, classes)
# --8<-- [end:rnn_classifier]


# --8<-- [start:train_classifier]
def classifier_batch(batch, device):
    """(X, valid_len, y) or (X, y) -> tensors on `device` (valid_len may be None)."""
    X, *rest = batch
    valid_len, y = rest if len(rest) == 2 else (None, rest[0])
    return X.to(device), valid_len, y.to(device)


@torch.no_grad()
def accuracy(model, loader, device=None):
    device = device or next(model.parameters()).device  # wherever the model lives
    model.eval()
    correct = total = 0
    for batch in loader:
        X, valid_len, y = classifier_batch(batch, device)
        correct += (model(X, valid_len).argmax(dim=-1) == y).sum().item()
        total += len(y)
    model.train()
    return correct / max(total, 1)


def classifier_losses(model, loader):
    """Yield the mean cross-entropy per example of each batch of `loader`."""
    device = next(model.parameters()).device
    for batch in loader:
        X, valid_len, y = classifier_batch(batch, device)
        loss = F.cross_entropy(model(X, valid_len), y)  # scores (batch, classes)
        yield loss, loss.item() * len(y), len(y)


def train_classifier(model, train_loader, val_loader, config):
    """Train with cross-entropy; return per-epoch train/val accuracy and loss."""
    result: dict[str, list[float]] = {"train_acc": [], "val_acc": [], "loss": []}
    for epoch in fit(model, lambda: classifier_losses(model, train_loader), config):
        result["loss"].append(epoch.loss)
        result["train_acc"].append(accuracy(model, train_loader))
        result["val_acc"].append(accuracy(model, val_loader))
        if config.verbose:
            print(f"epoch {epoch.number}: loss {result['loss'][-1]:.3f}, "
                  f"train acc {result['train_acc'][-1]:.3f}, val acc {result['val_acc'][-1]:.3f}")
    return result
# --8<-- [end:train_classifier]
