"""Benchmark: training throughput (tokens/s) of the scratch RNN LM against the nn.RNN one.

Both models train at the book's settings (char-level Vietnamese, batch 32, 32 steps,
128 hidden units, SGD with clipping) in the same run; rounds alternate between the
models so machine load affects both alike. Prints the median tokens/s of each and the
ratio scratch / nn.RNN (goal: >= 0.5 on CPU). A third line shows a scratch RNN that
computes the input projection inside the time loop, to show what hoisting it buys.
Run: ``python bench/bench_training.py [--hidden N] [--rounds N] [--threads N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

from rnnbook import RNNLM, RNNScratch, default_device, grad_clipping, load_data_lm, set_seed


class LoopProjectionRNN(RNNScratch):
    """The textbook loop: both matrix products inside every time step."""

    def forward(self, inputs, state=None):
        state = self.begin_state(inputs.shape[0], inputs.device) if state is None else state
        outputs = []
        for t in range(inputs.shape[1]):
            state = torch.tanh(inputs[:, t] @ self.W_xh + state @ self.W_hh + self.b_h)
            outputs.append(state)
        return torch.stack(outputs, dim=1), state


def train_steps(model, batches, device):
    """Seconds spent on one SGD step per batch (forward, backward, clip, update)."""
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    state, seconds = None, []
    for X, Y in batches:
        X, Y = X.to(device), Y.to(device)
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        state = (
            model.begin_state(X.shape[0], device)
            if state is None
            else (state.detach() if torch.is_tensor(state) else tuple(s.detach() for s in state))
        )
        logits, state = model(X, state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        grad_clipping(model.parameters(), 1.0)
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--num-steps", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per model")
    parser.add_argument("--batches", type=int, default=10, help="timed batches per round")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = default_device()
    set_seed(0)
    train_iter, _, vocab = load_data_lm(args.batch_size, args.num_steps, max_tokens=40_000)
    batches = list(train_iter)[: args.batches]
    tokens_per_batch = args.batch_size * args.num_steps
    models = {
        "scratch RNN (projection hoisted)": RNNLM(RNNScratch(len(vocab), args.hidden), len(vocab)),
        "nn.RNN": RNNLM(nn.RNN(len(vocab), args.hidden, batch_first=True), len(vocab)),
        "scratch RNN (projection in loop)": RNNLM(LoopProjectionRNN(len(vocab), args.hidden), len(vocab)),
    }
    times = {name: [] for name in models}
    for model in models.values():
        model.to(device)
        train_steps(model, batches[:3], device)  # warm-up: allocator, kernels, caches
    for _ in range(args.rounds):
        for name, model in models.items():
            times[name] += train_steps(model, batches, device)
    rates = {name: tokens_per_batch / statistics.median(t) for name, t in times.items()}
    print(
        f"device {device}, torch threads {torch.get_num_threads()}, vocab {len(vocab)}, "
        f"hidden {args.hidden}, batch {args.batch_size} x {args.num_steps} steps, "
        f"{args.rounds * args.batches} timed batches per model"
    )
    for name, rate in rates.items():
        print(f"  {name:34s} {rate:10,.0f} tokens/s")
    ratio = rates["scratch RNN (projection hoisted)"] / rates["nn.RNN"]
    naive = rates["scratch RNN (projection in loop)"] / rates["nn.RNN"]
    print(f"  ratio scratch / nn.RNN: {ratio:.2f} (goal >= 0.5); with the projection in the loop: {naive:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
