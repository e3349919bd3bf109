"""The MkDocs side of the book: editions, references, credits, search, execution."""
