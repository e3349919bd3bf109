"""The execution engine: runs a book's code so its pages show real outputs.

It owns a page's cells and their snippet expansion (``cells``), what a run depended on
(``sources``), the cache keyed by both (``cache``), the Jupyter kernel and its set-up
(``kernel``, ``runner``), the notebook export (``notebooks``) and its MkDocs plugin
(``plugin``, registered as ``rnnbook-execute``). It reads pages through the document model and
knows nothing of the site's editions or HTML; the site plugin reads the outputs it leaves in
``page.meta``.
"""
