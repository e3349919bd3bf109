"""Tools for the bilingual book format, in three parts.

The format itself and the translators' commands live here: ``syntax`` (every pattern of the
format), ``document`` (the model), ``parse`` / ``write`` (text <-> model, ``write(parse(x)) == x``),
``edition`` (what each edition shows), then one module per command (``status``, ``check``,
``contributors``, ``scaffold`` and ``update``, ``review``, ``align``, ``memory``, ``exchange``,
``drift``, ``glossary``, ``corpus``, ``importer``) and a thin ``cli``. They import neither
MkDocs nor the execution engine.

``site`` is the MkDocs plugin that renders a book; ``execution`` runs a book's code.
"""
