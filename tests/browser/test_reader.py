"""What a reader sees in a real browser (headless Debian Chromium driven by Playwright)."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from browser.conftest import CHAPTER, ROOT, search

pytestmark = pytest.mark.browser


def test_home_and_chapter_load_cleanly_from_the_local_server_only(visit):
    for path in ("/", CHAPTER, "/en/", "/en" + CHAPTER):
        visit.goto(path)
    assert visit.console_errors == []
    assert visit.foreign_requests() == []
    assert any(url.endswith(CHAPTER) for url in visit.requests)


def test_math_is_typeset_without_raw_tex(visit):
    page = visit.goto(CHAPTER)
    maths = page.locator("article math")
    assert maths.count() > 0
    box = maths.first.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    text = page.locator("article").inner_text()
    assert "$$" not in text and "\\(" not in text and "\\[" not in text
    assert not re.search(r"\$[^$\s][^$]*\$", text), "inline $…$ left untypeset"


def test_copy_button_copies_the_code(visit):
    page = visit.goto(CHAPTER)
    block = page.locator("article .highlight:visible").first
    block.hover()
    # Material 9.8 puts its copy button in a small toolbar inside the <pre>.
    block.locator("button[data-md-type=copy], button.md-clipboard").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    code = block.locator("code").inner_text()
    assert copied.strip() and copied.strip() == code.strip()


def test_dark_mode_toggles(visit):
    page = visit.goto(CHAPTER)

    def scheme():
        return page.evaluate("document.body.getAttribute('data-md-color-scheme')")

    before = scheme()
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{before}'")
    assert {before, scheme()} == {"default", "slate"}


def test_mobile_viewport_has_no_horizontal_scroll(browser, served_site, artifacts):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    for path in ("/", CHAPTER):
        page.goto(served_site + path, wait_until="networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls horizontally by {overflow}px at 390×844"
        assert page.locator("article h1").first.is_visible()
    context.close()


SCREENS = {"desktop": (1280, 900), "mobile": (390, 844)}


def luminance(rgb) -> float:
    """Relative luminance of an sRGB colour, 0 (black) to 1 (white), close enough for a threshold."""
    red, green, blue = (channel / 255 for channel in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def css_rgb(value: str) -> tuple[int, int, int]:
    """``rgb(30, 33, 41)`` (a computed CSS colour) as a tuple."""
    red, green, blue = (int(float(n)) for n in re.findall(r"[\d.]+", value)[:3])
    return red, green, blue


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_screenshots_for_people(browser, served_site, artifacts, scheme, device):
    """Saves the chapter as a reader sees it (tests/artifacts/), and checks what the picture shows:
    the scheme's background, the title's text drawn inside the viewport, the layout of the device."""
    from PIL import Image

    from translation_tools.parse import parse_file

    width, height = SCREENS[device]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.goto(served_site + CHAPTER, wait_until="networkidle")
    expected = {"light": "default", "dark": "slate"}[scheme]
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    path = artifacts / f"chapter-{device}-{scheme}.png"
    page.screenshot(path=str(path), full_page=False)
    shot = Image.open(path).convert("RGB")
    assert shot.size == (width, height)

    # The background: the picture's commonest colour is the body's, dark in the dark scheme.
    _, background = max(shot.getcolors(maxcolors=width * height))
    assert background == css_rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    if scheme == "dark":
        assert luminance(background) < 0.25, f"dark scheme drawn on {background}"
    else:
        assert luminance(background) > 0.9, f"light scheme drawn on {background}"

    # The chapter's title (read from its source page) is the h1, inside the viewport, and drawn:
    # its box holds many pixels that stand out from the background (glyphs, not an empty box).
    title = parse_file(ROOT / "docs" / "chapter_rnn" / "rnn.md").title
    heading = page.locator("article h1").first
    assert title and title in heading.inner_text()
    box = heading.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["y"] >= 0 and box["y"] + box["height"] <= height
    left, top = int(box["x"]), int(box["y"])
    right, bottom = int(box["x"] + box["width"]), int(box["y"] + box["height"])
    ink = [
        x
        for y in range(top, bottom)
        for x in range(left, right)
        if abs(luminance(shot.getpixel((x, y))) - luminance(background)) > 0.25
    ]
    assert len(ink) > 500, f"the title's box holds {len(ink)} pixels of text"

    # The layout: on a phone the navigation is a drawer behind the header's menu button and the
    # text starts a few pixels from the left edge; on a desktop the navigation is a sidebar left of it.
    drawer_button = page.locator("label.md-header__button[for=__drawer]")
    sidebar = page.locator(".md-sidebar--primary").bounding_box()
    assert sidebar
    if device == "mobile":
        assert drawer_button.is_visible()
        assert sidebar["x"] + sidebar["width"] <= 0, "the navigation drawer is open or laid out on screen"
        assert min(ink) <= 24, f"the title starts {min(ink)} px from the left edge"
    else:
        assert not drawer_button.is_visible()
        assert sidebar["x"] >= 0 and sidebar["width"] > 100
        assert min(ink) >= sidebar["x"] + sidebar["width"], "the title overlaps the navigation"
    context.close()


@pytest.mark.parametrize("query", ["hồi tiếp", "hoi tiep"])
def test_vietnamese_search_with_and_without_diacritics(visit, query):
    page = visit.goto("/")
    hits = search(page, query)
    # The RNN chapter ranks at the top; a reading page titled with the same words may share it.
    assert any("/chapter_rnn/" in hit for hit in hits[:3]), hits[:5]


def test_english_search_in_the_english_edition(visit):
    page = visit.goto("/en/")
    hits = search(page, "hidden state")
    assert hits and all("/en/" in url for url in hits), hits[:5]


# Bytes a chapter page transfers on first load, not counting the search index and images.
PAGE_WEIGHT_BUDGET = 500_000


def first_load_bytes(browser, url: str) -> dict[str, int]:
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}

    def record(response):
        request = response.request
        if request.resource_type == "image" or "search_index" in response.url or "/search/" in response.url:
            return
        with contextlib.suppress(PlaywrightError):  # redirects and aborted requests have no body
            sizes[response.url] = len(response.body())

    page.on("response", record)
    page.goto(url, wait_until="networkidle")
    context.close()
    return sizes


def test_chapter_page_weight_stays_under_budget(browser, served_site):
    sizes = first_load_bytes(browser, served_site + CHAPTER)
    total = sum(sizes.values())
    print(
        f"chapter page first load: {total / 1000:.0f} kB in {len(sizes)} files (budget {PAGE_WEIGHT_BUDGET / 1000:.0f} kB)"
    )
    assert any(url.endswith(CHAPTER) for url in sizes)
    assert total < PAGE_WEIGHT_BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]


def test_english_original_of_one_paragraph_appears_on_demand(visit):
    page = visit.goto(CHAPTER)
    original = page.locator("article .tt-seg details.tt-orig").first
    assert original.get_attribute("lang") == "en"
    english = original.locator("p").first
    assert not english.is_visible()
    original.locator("summary").click()
    assert english.is_visible() and len(english.inner_text()) > 40
    others = page.locator("article .tt-seg details.tt-orig[open]")
    assert others.count() == 1


def test_page_wide_switch_shows_every_original(visit):
    page = visit.goto(CHAPTER)
    total = page.locator("article details.tt-orig").count()
    assert total > 5
    page.locator("#tt-show-all").click()
    page.wait_for_function("[...document.querySelectorAll('article details.tt-orig')].every(d => d.open)")
    assert page.locator("article details.tt-orig[lang=en] > :not(summary):visible").count() >= total
    page.locator("#tt-show-all").click()
    page.wait_for_function("[...document.querySelectorAll('article details.tt-orig')].every(d => !d.open)")


def test_untranslated_paragraph_shows_english_badge_and_edit_link(browser, served_fixture_book):
    context = browser.new_context()
    page = context.new_page()
    page.goto(served_fixture_book + "/chapter_a/intro/", wait_until="networkidle")
    block = page.locator(".tt-untranslated").first
    assert block.is_visible()
    assert block.get_attribute("lang") == "en" or block.locator("[lang=en]").count() > 0
    assert "This paragraph waits for a translator" in block.inner_text()
    assert (
        page.locator(".tt-untranslated .tt-badge, .tt-untranslated + .tt-badge").first.inner_text().strip().lower()
        == "chưa dịch"
    )
    link = page.locator(".tt-untranslated a.tt-edit").first
    assert link.is_visible() and "Dịch đoạn này" in link.inner_text()
    # The slot of that paragraph is line 18 of docs/chapter_a/intro.md in tests/site_fixture.py.
    assert link.get_attribute("href").endswith("docs/chapter_a/intro.md#L18")
    context.close()


def test_language_switcher_round_trip(visit):
    page = visit.goto(CHAPTER)
    page.locator(".tt-lang .md-header__button").hover()
    page.locator("a.tt-lang-link[data-tt-edition=en]").click()
    page.wait_for_url("**/en" + CHAPTER)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("article h1").first.inner_text().startswith("1.4")
    page.locator(".tt-lang .md-header__button").hover()
    page.locator("a.tt-lang-link[data-tt-edition=vi]").click()
    page.wait_for_url("**" + CHAPTER)
    assert not page.url.rstrip("/").endswith("/en" + CHAPTER.rstrip("/"))
    assert page.evaluate("document.documentElement.lang") == "vi"


def test_figure_equation_and_section_references_land_on_their_targets(visit):
    page = visit.goto(CHAPTER)
    # Material's instant navigation turns hrefs into absolute URLs, hence the suffix match.
    for anchor in ("fig_rnn", "eq_rnn_h"):
        link = page.locator(f"article .tt-seg > p a[href$='#{anchor}']").first
        label = link.inner_text()
        link.click()
        page.wait_for_function(f"location.hash === '#{anchor}'")
        target = page.locator(f"[id='{anchor}']")
        assert target.count() == 1 and target.is_visible(), label
        box = target.bounding_box()
        assert box and 0 <= box["y"] < page.viewport_size["height"], f"{label} did not scroll to #{anchor}"
    section_link = page.locator("article .tt-seg a", has_text=re.compile(r"^Mục \d+(\.\d+)*$")).first
    number = section_link.inner_text().split()[1]
    section_link.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("article h1, article h2, article h3").filter(has_text=number).count() >= 1


def test_credits_box_progress_page_and_glossary_tooltips(visit):
    page = visit.goto(CHAPTER)
    credits = page.locator(".tt-credits")
    credits.scroll_into_view_if_needed()
    assert credits.is_visible() and "Nhóm phát triển rnnbook" in credits.inner_text()
    term = page.locator("article abbr.tt-term").first
    term.scroll_into_view_if_needed()
    assert term.is_visible() and term.get_attribute("data-tip")  # a popover (test_book_ui), not a title
    page = visit.goto("/progress/")
    assert "100" in page.locator("article").inner_text()
    assert page.locator("article progress, article .tt-progress-bar, article meter").count() > 0
    page = visit.goto("/glossary/")
    rows = page.locator("#tt-glossary tbody tr")
    assert rows.count() > 10
    page.locator("#tt-glossary-filter").fill("hidden state")
    assert page.locator("#tt-glossary tbody tr:visible").count() >= 1
    assert page.locator("#tt-glossary tbody tr:visible").count() < rows.count()
