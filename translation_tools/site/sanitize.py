"""The one HTML sanitiser of the site (nh3, Ammonia's bindings): what a page body may hold.

Translators write Markdown, and Markdown passes raw HTML and any link target through,
so every page body is cleaned once it is complete (the plugin's own markup, MathML and
credits included) with an allow-list fit for book prose. Nothing here can run script:
no ``script``/``style``/``iframe``, no ``on…`` attribute, only http(s), mailto and
relative URLs.
"""

from __future__ import annotations

import html
import re

import nh3

# What Markdown, its extensions (tables, admonitions, details, tabbed, highlight, toc) and
# the plugin's own wrappers produce.
PROSE_TAGS = {
    *("p", "div", "section", "aside", "figure", "figcaption", "details", "summary", "blockquote"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "wbr", "pre", "code"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
    *("a", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "span"),
    *("kbd", "abbr", "samp", "var", "cite", "q", "dfn", "time", "img"),
    *("button", "input", "label", "progress"),  # show-all switch, tabs, glossary filter, progress bars
}
# Presentation MathML as latex2mathml writes it (no ``href``, ``maction`` or ``annotation-xml``).
MATHML_TAGS = {
    *("math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "mglyph", "merror"),
    *("msub", "msup", "msubsup", "mmultiscripts", "mprescripts", "none", "mover", "munder", "munderover"),
    *("mfrac", "msqrt", "mroot", "mstyle", "mpadded", "mphantom", "menclose"),
    *("mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation"),
}
MATHML_ATTRIBUTES = {
    *("display", "mathvariant", "mathsize", "mathcolor", "mathbackground", "dir"),
    *("stretchy", "fence", "separator", "lspace", "rspace", "accent", "accentunder", "movablelimits"),
    *("largeop", "symmetric", "form", "minsize", "maxsize", "width", "height", "depth", "voffset"),
    *("linethickness", "displaystyle", "scriptlevel", "notation", "linebreak", "encoding"),
    *("columnalign", "columnspacing", "columnlines", "rowspacing", "rowlines", "rowalign", "frame"),
    *("framespacing", "equalrows", "equalcolumns", "columnspan", "rowspan"),
}
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", "hidden", "dir", "aria-label", "aria-hidden", "aria-pressed"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"style", "align", "colspan", "rowspan"},
    "td": {"style", "align", "colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "button": {"type"},
    "input": {"type", "name", "checked", "placeholder"},
    "label": {"for"},
    "progress": {"value", "max"},
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}
# Removed with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "title"}
URL_SCHEMES = {"http", "https", "mailto"}
TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")  # a tag or comment; a lone "<" is text, escaped on output


def clean(fragment: str) -> str:
    """``fragment`` (a page body) with only the allow-listed tags, attributes and URLs."""
    return nh3.clean(
        fragment,
        tags=PROSE_TAGS | MATHML_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        generic_attribute_prefixes={"data-"},
        url_schemes=URL_SCHEMES,
        filter_style_properties={"text-align"},  # what Markdown tables write
        link_rel=None,
        strip_comments=True,
    )


def plain_text(text: str) -> str:
    """A title with every tag removed, for places that show text only (nav, progress page)."""
    return TAG.sub("", text)


def escape_title(text: str) -> str:
    """A plain-text title as HTML: the theme writes nav titles into the page unescaped."""
    return html.escape(plain_text(text), quote=False)
