"""The MkDocs site plugin (``rnnbook``): a book's two editions from the document model.

It owns the editions' Markdown (``editions``), the whole-book view of numbers, labels and the
nav (``book``), the generated progress and glossary pages (``generated``), bibliography
(``bib``), MathML (``mathml``), search (``search``), glossary tooltips (``tooltips``), the HTML
allow-list (``sanitize``), the render cache that lets a warm build or a ``serve`` rebuild convert
only the pages that changed (``rendercache``), and its assets and templates. It never parses the format itself (it
asks ``translation_tools.parse``) and never runs code: it shows the outputs the execution
plugin leaves in ``page.meta``.
"""
