"""The site plugin on a tiny fixture book: both editions, fallbacks, numbering, nav, credits."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import build_site, run_tools, write_book
from site_fixture import files

from translation_tools.parse import parse

INTRO_PATH = "docs/chapter_a/intro.md"


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    config = write_book(root, files())
    result = build_site(config, root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def page(book: Path, *parts: str) -> str:
    return (book / "site" / Path(*parts) / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def test_both_editions_with_their_language(book):
    assert '<html lang="vi"' in page(book)
    assert '<html lang="en"' in page(book, "en")
    assert "Khởi đầu" in page(book, "chapter_a", "intro")
    english = article(page(book, "en", "chapter_a", "intro"))
    assert "Getting Started" in english and "Khởi đầu" not in english
    assert (book / "site" / "en" / "search" / "search_index.json").exists()


def test_untranslated_paragraph_is_english_with_badge_and_edit_link(book):
    doc = parse(files()[INTRO_PATH], INTRO_PATH)
    waiting = next(seg for seg in doc.segments() if seg.state == "untranslated")
    html = article(page(book, "chapter_a", "intro"))
    block = re.search(r'<div class="tt-seg tt-untranslated" id="tt-L(\d+)" lang="en">(.*?)</div>', html, re.DOTALL)
    assert block, html
    assert int(block.group(1)) == waiting.slot_start
    assert "This paragraph waits for a translator" in block.group(2)
    assert '<span class="tt-badge">chưa dịch</span>' in block.group(2)
    edit = f'href="https://example.org/book/edit/main/docs/chapter_a/intro.md#L{waiting.slot_start}"'
    assert edit in block.group(2) and "Dịch đoạn này" in block.group(2)


def test_translated_paragraph_keeps_english_original_in_details(book):
    html = article(page(book, "chapter_a", "intro"))
    assert 'id="tt-show-all"' in html
    original = re.search(
        r'<details class="tt-orig" lang="en">\s*<summary class="tt-toggle"[^>]*>EN</summary>(.*?)</details>',
        html,
        re.DOTALL,
    )
    assert original and "A recurrent neural network keeps a hidden state" in original.group(1)
    assert "Figure 1.1.1" in original.group(1)  # references inside the original are English


def test_outdated_segment_shows_translation_with_notice(book):
    html = article(page(book, "chapter_a", "intro"))
    outdated = re.search(r'<div class="tt-seg tt-outdated" id="tt-L\d+">(.*?)</div>', html, re.DOTALL)
    assert outdated and "Trạng thái thay đổi" in outdated.group(1)
    assert 'class="tt-outdated-note"' in outdated.group(1)


def test_numbering_of_sections_figures_equations(book):
    vi = article(page(book, "chapter_a", "intro"))
    assert re.search(r'<h1 id="sec_intro">1\.1\. Khởi đầu', vi)
    assert re.search(r'<h2 id="sec_details">1\.1\.1\. Chi tiết', vi)
    assert '<a href="#fig_unrolled">Hình 1.1.1</a>' in vi
    assert '<a href="#eq_state">(1.1.1)</a>' in vi
    assert re.search(r'<div class="tt-math" id="eq_state"><div class="tt-math-scroll"><math [^>]*display="block"', vi)
    assert '<span class="tt-eqno">(1.1.1)</span>' in vi
    assert re.search(r'<figure class="tt-figure" id="fig_unrolled">.*?width="300px".*?Hình 1\.1\.1:', vi, re.DOTALL)
    assert re.search(r'<div class="tt-seg" id="tab_steps">\s*<p class="tt-tabnum">Bảng 1\.1\.1</p>\s*<table>', vi)
    assert '<a href="#tab_steps">Bảng 1.1.1</a>' in vi
    chapter = article(page(book, "chapter_a"))
    assert re.search(r'<h1 id="chap_a">1\. Mạng hồi tiếp', chapter)
    assert '<a href="intro/">Mục 1.1</a>' in chapter
    en = article(page(book, "en", "chapter_a", "intro"))
    assert '<a href="#fig_unrolled">Figure 1.1.1</a>' in en and "Section" not in en.split("Figure")[0][-5:]
    assert '<a href="intro/">Section 1.1</a>' in article(page(book, "en", "chapter_a"))
    assert '<p class="tt-tabnum">Table 1.1.1</p>' in en and '<a href="#tab_steps">Table 1.1.1</a>' in en


def test_math_is_mathml_without_raw_tex(book):
    html = article(page(book, "chapter_a", "intro"))
    assert "<math" in html and "\\(" not in html and "$$" not in html and "arithmatex" not in html
    assert "<mo>⊙</mo>" in html  # \odot


def test_citation_links_to_the_pages_references(book):
    html = article(page(book, "chapter_a", "intro"))
    assert '<a href="#ref-Elman-1990">Elman, 1990</a>' in html
    assert re.search(r'<li id="ref-Elman-1990">Elman \(1990\)\. <em>Finding Structure in Time</em>', html)


def test_nav_follows_toc_blocks(book):
    html = page(book)
    links = list(re.findall(r'href="([^"]+)" class="md-nav__link', html))
    order = [link for link in links if link in ("chapter_a/", "chapter_a/intro/", "guide/", "progress/")]
    assert (
        order.index("chapter_a/") < order.index("chapter_a/intro/") < order.index("guide/") < order.index("progress/")
    )
    assert "1.1. Khởi đầu" in html and "1.1. Getting Started" in page(book, "en")


def test_contributors_box_and_page(book):
    html = article(page(book, "chapter_a", "intro"))
    box = re.search(r'<aside class="tt-credits">(.*?)</aside>', html, re.DOTALL)
    assert box and "<li>Nguyễn Văn A</li><li>Trần Thị B</li>" in box.group(1)
    assert "Những người thực hiện" in box.group(1)
    assert "Bản dịch trong trang này" not in html  # the source section is not rendered raw
    assert "Trần Thị B" in article(page(book, "contributors"))


def test_glossary_tooltip_on_first_occurrence_only(book):
    html = article(page(book, "chapter_a", "intro"))
    tips = re.findall(r'<abbr class="tt-term" data-tip="([^"]+)">([^<]+)</abbr>', html)
    assert ("recurrent neural network", "Mạng nơ-ron hồi tiếp") in tips
    assert [t for t in tips if t[0] == "recurrent neural network"] == [
        ("recurrent neural network", "Mạng nơ-ron hồi tiếp")
    ]
    assert not any(vi == "token" for _, vi in tips)  # same in both languages: no tooltip


def test_english_edition_tooltips_give_the_vietnamese_term(book):
    html = article(page(book, "en", "chapter_a", "intro"))
    assert '<abbr class="tt-term" data-tip="mạng nơ-ron hồi tiếp">recurrent neural network</abbr>' in html
    assert '<abbr class="tt-term" data-tip="trạng thái ẩn">hidden state</abbr>' in html
    assert "<abbr" not in article(page(book, "en", "guide"))  # a Vietnamese-only page is left alone


def test_glossary_page_is_a_filterable_table(book):
    html = article(page(book, "glossary"))
    assert 'id="tt-glossary-filter"' in html
    assert '<td lang="en">hidden state</td><td lang="vi">trạng thái ẩn</td>' in html


def test_progress_page_equals_status_json(book):
    status = run_tools("status", "docs", "--json", cwd=book)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    html = article(page(book, "progress"))
    for entry in report["pages"]:
        src = entry["path"].removeprefix("docs/")
        row = re.search(
            rf'<tr data-path="{re.escape(src)}" data-segments="(\d+)" data-translated="(\d+)" '
            rf'data-untranslated="(\d+)" data-outdated="(\d+)" data-draft="(\d+)" data-reviewed="(\d+)"',
            html,
        )
        assert row, src
        assert [int(n) for n in row.groups()] == [
            entry[k] for k in ("segments", "translated", "untranslated", "outdated", "draft", "reviewed")
        ]
    total = re.search(r'class="tt-progress-total" data-segments="(\d+)" data-translated="(\d+)"', html)
    assert [int(n) for n in total.groups()] == [report["total"]["segments"], report["total"]["translated"]]
    doc = parse(files()[INTRO_PATH], INTRO_PATH)
    line = next(seg.slot_start for seg in doc.segments() if seg.state == "untranslated")
    assert f'href="../chapter_a/intro/#tt-L{line}"' in html


def test_progress_page_lists_drafts_to_review(book):
    report = json.loads(run_tools("status", "docs", "--json", cwd=book).stdout)
    assert report["total"]["draft"] == 1  # the chapter page's machine draft
    html = article(page(book, "progress"))
    drafts = re.search(r'<details class="tt-drafts"><summary>Bản nháp cần duyệt</summary>(.*?)</details>', html)
    doc = parse(files()["docs/chapter_a/index.md"], "docs/chapter_a/index.md")
    line = next(seg.slot_start for seg in doc.segments() if seg.review_state == "draft")
    assert drafts and f'href="../chapter_a/#tt-L{line}"' in drafts.group(1)
    assert "<th>Bản nháp</th><th>Đã duyệt</th>" in html


def test_draft_paragraph_has_its_badge_in_the_built_page(book):
    html = article(page(book, "chapter_a"))
    draft = re.search(r'<div class="tt-seg tt-draft" id="tt-L\d+">(.*?)</div>', html, re.DOTALL)
    assert draft and "Chương này bắt đầu với" in draft.group(1)
    assert re.search(r'<span class="tt-badge tt-badge-draft" title="[^"]+">bản nháp</span>', draft.group(1))
    assert "bản nháp" not in article(page(book, "en", "chapter_a"))


def test_monolingual_page_in_english_edition_is_vietnamese(book):
    html = article(page(book, "en", "guide"))
    assert "This page exists only in Vietnamese." in html
    assert '<div class="tt-monolingual" lang="vi">' in html and "Trang này chỉ có tiếng Việt" in html


def test_language_switcher_goes_to_the_same_page(book):
    vi = page(book, "chapter_a", "intro")
    assert re.search(r'href="../../en/chapter_a/intro/"[^>]*data-tt-edition="en"', vi)
    en = page(book, "en", "chapter_a", "intro")
    assert re.search(r'href="../../../chapter_a/intro/"[^>]*data-tt-edition="vi"', en)


def test_search_index_holds_folded_text(book):
    index = json.loads((book / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    fields = index["config"]["fields"]
    assert fields["ftitle"]["boost"] < fields["title"]["boost"] and fields["ftext"]["boost"] < fields["text"]["boost"]
    assert "trimmer" not in index["config"]["pipeline"] and "stemmer" not in index["config"]["pipeline"]
    folded = " ".join(doc.get("ftext", "") for doc in index["docs"])
    assert "mang no-ron hoi tiep" in folded
    boost = {doc["location"]: doc.get("boost", 1) for doc in index["docs"]}
    assert boost["chapter_a/"] > boost["chapter_a/intro/"] > 1  # earlier in the book wins a near-tie
    assert boost[""] == boost["guide/"] == 1  # unnumbered pages get no boost
    assert boost["progress/"] == 1 if "progress/" in boost else True
    assert fields["tags"]["boost"] <= fields["text"]["boost"] * 10
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "A recurrent neural network keeps" not in texts  # originals are not indexed in the vi edition


# Runs Material's own search worker (lunr) under Node on a built index; prints result locations.
WORKER_HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const [worker, index, ...queries] = process.argv.slice(1);
let handler = null;
const sandbox = { console, setTimeout, clearTimeout, URL,
  addEventListener: (type, fn) => { handler = fn; }, postMessage: () => {},
  importScripts: () => { throw new Error("no language scripts expected"); } };
sandbox.self = sandbox; sandbox.window = undefined;
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(worker, "utf8"), sandbox);
(async () => {
  const results = {};
  const post = [];
  sandbox.postMessage = (m) => post.push(m);
  await handler({ data: { type: 0, data: Object.assign(JSON.parse(fs.readFileSync(index, "utf8")), { options: {} }) } });
  for (const q of queries) {
    post.length = 0;
    await handler({ data: { type: 2, data: q } });
    results[q] = post[0].data.items.map(group => group[0].location);
  }
  console.log(JSON.stringify(results));
})();
"""


def search(site: Path, *queries: str) -> dict[str, list[str]]:
    import shutil

    import material

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run Material's search worker")
    workers = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers"
    worker = next(workers.glob("search.*.min.js"))
    out = subprocess.run(
        [node, "-e", WORKER_HARNESS, str(worker), str(site / "search" / "search_index.json"), *queries],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_lunr_finds_vietnamese_with_or_without_diacritics(book):
    found = search(book / "site", "hồi tiếp", "hoi tiep", "mang no ron", "trạng thái ẩn", "trang thai an", "khởi đầu")
    assert found["hồi tiếp"][0] == found["hoi tiep"][0] == "chapter_a/"  # the title "Mạng hồi tiếp"
    assert "chapter_a/intro/" in found["hoi tiep"] and "chapter_a/intro/" in found["mang no ron"]
    assert "chapter_a/intro/" in found["trạng thái ẩn"][:2]  # with the glossary page
    assert "chapter_a/intro/" in found["trang thai an"][:2]
    assert "progress/" not in found["trang thai an"]  # statistics are not searchable
    assert found["khởi đầu"][0].startswith("chapter_a/intro/")


def test_lunr_english_edition_answers_english(book):
    found = search(book / "site" / "en", "hidden state", "networks")
    assert found["hidden state"][0].startswith("chapter_a/intro/")
    assert found["networks"]


def test_repository_link_does_not_fetch_github_facts(book):
    # Material's JS calls api.github.com for stars/forks of a data-md-component="source" link.
    html = page(book, "chapter_a", "intro")
    assert 'class="md-source"' in html and 'data-md-component="source"' not in html
