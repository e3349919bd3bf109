"""Diagrams in the edition's language: one SVG per figure, its words written in both languages.

A diagram's label is a standard SVG ``<switch>``: a ``<text systemLanguage="vi">`` child and an
English fallback child (no ``systemLanguage``). Any SVG viewer shows the reader's language or the
fallback; the site resolves each switch for the edition it builds, so the Vietnamese edition's
image holds only the Vietnamese labels and the English edition's only the English ones.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
NAMESPACES = {"": SVG_NS, "xlink": "http://www.w3.org/1999/xlink"}
SWITCH = f"{{{SVG_NS}}}switch"


class FigureError(ValueError):
    """An SVG the site cannot read; ``line`` is where the parser stopped."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def has_switch(svg: str) -> bool:
    return "<switch" in svg


def for_edition(svg: str, edition: str) -> str:
    """The SVG with each ``<switch>`` replaced by its child for ``edition`` (the fallback child
    when none names the edition), that child's ``systemLanguage`` removed. Other SVGs unchanged."""
    if not has_switch(svg):
        return svg
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        root = ET.fromstring(svg, parser=parser)
    except ET.ParseError as error:
        raise FigureError(f"not well-formed SVG ({error.msg}); fix the markup", error.position[0]) from None
    for parent in root.iter():
        for index, child in enumerate(list(parent)):
            if child.tag != SWITCH:
                continue
            chosen = _choice(child, edition)
            parent.remove(child)
            if chosen is not None:
                chosen.attrib.pop("systemLanguage", None)
                chosen.tail = child.tail
                parent.insert(index, chosen)
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n' if svg.lstrip().startswith("<?xml") else ""
    return declaration + ET.tostring(root, encoding="unicode") + "\n"


def _choice(switch: ET.Element, edition: str) -> ET.Element | None:
    fallback = None
    for child in switch:
        if not isinstance(child.tag, str):
            continue  # a comment
        languages = [lang.strip().lower() for lang in child.get("systemLanguage", "").split(",") if lang.strip()]
        if not languages:
            fallback = fallback if fallback is not None else child
        elif any(lang == edition or lang.startswith(edition + "-") for lang in languages):
            return child
    return fallback
