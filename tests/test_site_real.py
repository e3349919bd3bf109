"""A chapter of the public d2l-vn translation builds with the plugin and a mkdocs.yml of a few lines.

The pages (``*_vn.md``, an ``index_vn.md`` whose toc lists them) live under
``tests/real/d2l-vn/final/<chapter>/``; RNNBOOK_D2L_VN=DIR points at another such folder.
Their problems (references to other chapters, images that are not there, `check` findings)
are warnings of a plain build, each with its file and line.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import MKDOCS, ROOT, committed

from translation_tools.document import CodeBlock
from translation_tools.parse import parse_file

REAL = Path(os.environ.get("RNNBOOK_D2L_VN") or ROOT / "tests" / "real" / "d2l-vn" / "final")
CHAPTERS = committed(sorted(index.parent for index in REAL.glob("*/index_vn.md")), f"a d2l-vn chapter under {REAL}")
CONFIG = """\
site_name: Đắm mình vào Học Sâu
docs_dir: {docs}
theme: material
plugins: [rnnbook]
markdown_extensions: [attr_list, md_in_html, tables, toc, pymdownx.superfences, {{pymdownx.arithmatex: {{generic: true}}}}]
"""
LOCATED = re.compile(r"WARNING -  \w+: \S+:\d+: ")  # the plugin's: file:line: message
MISSING_LINK = re.compile(r"WARNING -  Doc file '[^']+' contains a link '[^']+', but the target is not found")
RAW = (":begin_tab:", ":end_tab:", ":label:", ":eqlabel:", ":numref:", ":cite:", "\\(", "$$")


def served(page: Path) -> str:
    """Where a ``*_vn.md`` page is served: ``rnn_vn.md`` -> ``rnn/``, ``index_vn.md`` -> the site's root."""
    name = page.name.removesuffix(".md").removesuffix("_vn")
    return "" if name == "index" else name


def article(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return page[page.index("<article") : page.index("</article>")]


def kind(line: str) -> str:
    if MISSING_LINK.match(line):
        return "missing image or link"
    message = re.sub(r"^(error|warning): ", "", LOCATED.sub("", line))
    return re.sub(r":\w+:`[^`]*`|'[^']*'|`[^`]*`|\$+[^$]*\$+", "…", message).split(":")[0]


@pytest.mark.slow  # a whole chapter of another book, built with the plugin
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.name)
def test_chapter_builds_with_warnings_only(tmp_path, chapter):
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(docs=chapter), encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", RNNBOOK_EXECUTE="0")
    result = subprocess.run(
        [*MKDOCS, "build", "--config-file", str(tmp_path / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert all(LOCATED.match(line) or MISSING_LINK.match(line) for line in warnings), "\n".join(warnings)
    print(
        f"\n{chapter.name}: {len(warnings)} warnings",
        *(f"{n:4} {k}" for k, n in Counter(map(kind, warnings)).most_common()),
        sep="\n",
    )

    pages = sorted(chapter.glob("*_vn.md"))
    for edition in ("", "en"):
        for page in pages:
            html = article(tmp_path / "site" / edition / served(page) / "index.html")
            leftovers = [raw for raw in RAW if raw in html]
            assert not leftovers, (edition, page.name, leftovers)
    index = parse_file(str(chapter / "index_vn.md"))
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert index.title and index.title in re.sub(r"<[^>]+>", "", article(tmp_path / "site" / "index.html"))
    links = re.findall(r'href="([^"]+)" class="md-nav__link', home)
    toc = [
        name
        for block in index.blocks
        if isinstance(block, CodeBlock) and block.kind == "toc"
        for name in block.toc_entries
    ]
    expected = [served(chapter / f"{name.removesuffix('_vn')}_vn.md") + "/" for name in toc]
    assert [link for link in links if link in expected] == expected  # the nav follows the toc block
