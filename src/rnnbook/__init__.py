"""The book's PyTorch code."""
