"""The Markdown render cache (translation_tools/site/rendercache.py): a warm build converts only
what changed, gives the same site as a build without the cache, and still reports every problem."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import build_site, write_book

PAGE = """\
<!--
# Code
-->

# Mã

<!--
The function, see [the other page](other.md#a-heading).
-->

Hàm, xem [trang kia](other.md#a-heading).

```python
--8<-- "src/snip.py:demo"
```
"""

OTHER = """\
<!--
# Other
-->

# Trang kia

## A heading

<!--
Text.
-->

Chữ.
"""

SNIPPET = """\
# --8<-- [start:demo]
def demo():
    return 1
# --8<-- [end:demo]
"""


def small_book(root: Path, page: str = PAGE) -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "snip.py").write_text(SNIPPET, encoding="utf-8")
    return write_book(
        root,
        {
            "docs/index.md": "<!--\n# Book\n-->\n\n# Sách\n\n```toc\ncode\nother\n```\n",
            "docs/code.md": page,
            "docs/other.md": OTHER,
        },
    )


def build(config: Path, site: Path, **env: str):
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return build_site(config, site, cwd=config.parent)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def entries(root: Path) -> list[Path]:
    return sorted((root / ".cache" / "site" / "render" / "vi").glob("*.json"))


def html_of(site: Path, page: str = "code") -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_a_warm_build_recalls_every_page_and_makes_the_same_site(tmp_path):
    config = small_book(tmp_path)
    first = build(config, tmp_path / "site1")
    assert first.returncode == 0, first.stderr
    stored = entries(tmp_path)
    assert len(stored) >= 3  # the three pages, each stored once
    stamps = {path: path.stat().st_mtime_ns for path in stored}
    second = build(config, tmp_path / "site2")
    assert second.returncode == 0, second.stderr
    assert {path: path.stat().st_mtime_ns for path in entries(tmp_path)} == stamps  # recalled, not rewritten
    off = build(config, tmp_path / "site3", RNNBOOK_RENDER_CACHE="0")
    assert off.returncode == 0, off.stderr
    for page in ("code", "other"):
        assert html_of(tmp_path / "site2", page) == html_of(tmp_path / "site3", page)
    index = "search/search_index.json"
    assert (tmp_path / "site2" / index).read_text(encoding="utf-8") == (tmp_path / "site3" / index).read_text(
        encoding="utf-8"
    )  # the remembered search entries are the ones a parse gives
    assert '<span class="nf">demo</span>' in html_of(tmp_path / "site2")  # the snippet, highlighted
    # The toc (sidebar) comes back from the entry too.
    assert 'href="#a-heading"' in html_of(tmp_path / "site2", "other")


def test_a_changed_snippet_file_renders_its_page_again(tmp_path):
    config = small_book(tmp_path)
    assert build(config, tmp_path / "site1").returncode == 0
    (tmp_path / "src" / "snip.py").write_text(SNIPPET.replace("return 1", "return 42"), encoding="utf-8")
    result = build(config, tmp_path / "site2")
    assert result.returncode == 0, result.stderr
    assert '<span class="mi">42</span>' in html_of(tmp_path / "site2")


def test_a_broken_link_is_reported_on_every_build(tmp_path):
    config = small_book(tmp_path, PAGE.replace("(other.md#a-heading)", "(missing.md)"))
    for name in ("site1", "site2"):
        result = build(config, tmp_path / name)
        assert result.returncode != 0
        assert "missing.md" in result.stdout + result.stderr
    stored = [json.loads(p.read_text(encoding="utf-8"))["content"] for p in entries(tmp_path)]
    assert not any("missing" in content for content in stored)  # the warning page was never stored


def test_a_link_target_that_goes_away_is_reported_though_the_page_did_not_change(tmp_path):
    config = small_book(tmp_path)
    assert build(config, tmp_path / "site1").returncode == 0
    (tmp_path / "docs" / "other.md").unlink()
    index = tmp_path / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("other\n", ""), encoding="utf-8")
    result = build(config, tmp_path / "site2")
    assert result.returncode != 0
    assert "other.md" in result.stdout + result.stderr


def test_an_anchor_that_goes_away_is_still_checked_after_a_recall(tmp_path):
    """The anchored links a page makes come back from its entry, so MkDocs checks them."""
    config = small_book(tmp_path)
    assert build(config, tmp_path / "site1").returncode == 0
    other = tmp_path / "docs" / "other.md"
    other.write_text(OTHER.replace("## A heading", "## Renamed"), encoding="utf-8")
    result = build(config, tmp_path / "site2")
    assert "a-heading" in result.stdout + result.stderr  # MkDocs' note about the lost anchor


def test_an_edited_page_is_searched_by_its_new_words(tmp_path):
    config = small_book(tmp_path)
    assert build(config, tmp_path / "site1").returncode == 0
    other = tmp_path / "docs" / "other.md"
    other.write_text(OTHER.replace("Chữ.", "Chữ mới toanh."), encoding="utf-8")
    assert build(config, tmp_path / "site2").returncode == 0
    docs = json.loads((tmp_path / "site2" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    texts = " ".join(doc.get("text", "") for doc in docs)
    assert "Chữ mới toanh." in texts
    assert "Chữ.</p>" not in texts


def test_a_build_with_other_settings_leaves_the_usual_entries_warm(tmp_path):
    config = small_book(tmp_path)
    assert build(config, tmp_path / "site1").returncode == 0
    usual = set(entries(tmp_path))
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("permalink: true", "permalink: false"), encoding="utf-8")
    assert build(config, tmp_path / "site2").returncode == 0
    assert len(entries(tmp_path)) > len(usual)  # other Markdown settings: other keys
    assert usual <= set(entries(tmp_path))  # kept beside the new ones
    config.write_text(text, encoding="utf-8")
    assert build(config, tmp_path / "site3").returncode == 0
    assert "permalink: true" in text and html_of(tmp_path / "site3", "other").count('class="headerlink"') >= 1
