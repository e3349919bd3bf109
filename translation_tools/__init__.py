"""Tools for the bilingual book format: a lossless document model and the translators' CLI.

``document`` (model), ``parse`` / ``write`` (text <-> model, ``write(parse(x)) == x``),
one module per command (``status``, ``contributors``, ``scaffold``, ``check``,
``glossary``, ``corpus``, ``importer``) and a thin ``cli``. ``site`` is the MkDocs plugin.
"""
