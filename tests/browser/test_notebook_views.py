"""Notebook views in a real browser: MathML and no raw LaTeX, every image loads, nothing leaves
127.0.0.1, plots carry the page's alt text, the language menu reaches the other view."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.browser

VIEWS = ("/notebooks/chapter_rnn/rnn/", "/en/notebooks/chapter_rnn/rnn/", "/notebooks/chapter_rnn/sequence/")


@pytest.mark.parametrize("path", VIEWS)
def test_notebook_view_has_mathml_images_and_stays_local(visit, path):
    page = visit.goto(path)
    assert page.locator(".jupyter-wrapper math").count() > 0
    text = page.locator(".jupyter-wrapper .jp-MarkdownCell").all_inner_texts()
    prose = "\n".join(text)
    assert "$$" not in prose and not re.search(r"\$[^$\s][^$]*\$", prose), "raw LaTeX in a view"
    assert "RNNBOOKMATH" not in prose and "eq_" not in prose
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"
    )
    assert broken == []
    alts = page.evaluate("Array.from(document.querySelectorAll('.jp-OutputArea img')).map(i => i.alt)")
    assert all(alt and "No description" not in alt for alt in alts)
    assert visit.foreign_requests() == []
    assert visit.console_errors == []  # no script error, and no resource the view asks for is missing


def test_language_menu_on_a_view_reaches_the_other_view(visit):
    page = visit.goto(VIEWS[0])
    href = page.locator('a.tt-lang-link[data-tt-edition="en"]').first.get_attribute("href")
    response = page.goto(urljoin(visit.base_url + VIEWS[0], href))
    assert response is not None and response.status == 200
    assert page.locator(".jupyter-wrapper").count() == 1
