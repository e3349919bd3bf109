"""Pages marked `draft: true` (imported posts, say) are built but kept out of the nav unless asked."""

from __future__ import annotations

import pytest
from conftest import build_site, write_book
from site_fixture import CHAPTER, files

DRAFT = """\
---
title: Bản nháp
draft: true
---

# Ghi chép còn dang dở

Một bài viết chưa xong.
"""


def book_with_draft(root, **plugin):
    pages = files()
    pages["docs/chapter_a/index.md"] = CHAPTER.replace("```toc\nintro\n", "```toc\nintro\nnotes\n")
    pages["docs/chapter_a/notes.md"] = DRAFT
    config = write_book(root, pages, plugin=plugin or None)
    result = build_site(config, root / "site", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return (root / "site" / "chapter_a" / "intro" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("drafts", [False, True])
def test_draft_page_in_nav_only_when_asked(tmp_path, drafts):
    html = book_with_draft(tmp_path, **({"drafts": True} if drafts else {}))
    # In the nav, the draft is linked from the sidebar and the footer of its neighbour page.
    assert ('href="../notes/"' in html) is drafts
    assert (tmp_path / "site" / "chapter_a" / "notes" / "index.html").exists()
