"""Small helpers every chapter uses: seeding and picking a device."""
# --8<-- [start:set_seed]
import random

import numpy as np
import torch


def set_seed(seed: int) -> None:
    """Seed every random number generator the book touches."""
    # Python, NumPy and PyTorch each keep their own generator,
    # so a run is only repeatable when all three start from the same seed.
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
# --8<-- [end:set_seed]


# --8<-- [start:default_device]
def default_device() -> torch.device:
    """The GPU when there is one, otherwise the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
# --8<-- [end:default_device]
