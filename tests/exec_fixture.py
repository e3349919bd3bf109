"""A tiny book for the execution engine (shared by test_exec_*): two pages, two modules, a data file.

Page a imports ``fixmod_a`` (a function, a snippet section, a figure); page b imports ``fixmod_b``
and reads ``data/words.txt``, so each kind of dependency has a page that uses it and one that does not.
"""

from __future__ import annotations

from pathlib import Path

MODULE_A = '''\
"""Fixture module used by page a only."""
SCALE = 2


def double(x):
    return x * SCALE


def unused():
    return "never called by any page"


# --8<-- [start:answer]
answer = 6 * 7
answer
# --8<-- [end:answer]
'''

MODULE_B = '''\
"""Fixture module used by page b only."""


def triple(x):
    return 3 * x
'''

PAGE_A = """\
<!--
# Page A
-->

# Trang A

<!--
Some prose.
-->

Một đoạn văn.

```python
import fixmod_a
print(fixmod_a.double(3))
```

```python
--8<-- "fixmod_a.py:answer"
```

```python
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot([1, 3, 2])
fig
```
"""

PAGE_B = """\
<!--
# Page B
-->

# Trang B

```python
import fixmod_b
with open("data/words.txt", encoding="utf-8") as f:
    words = f.read().split()
print(fixmod_b.triple(len(words)))
```
"""


def write_exec_book(root: Path) -> None:
    """The two pages under ``root/docs``, their modules and data file under ``root``."""
    (root / "docs").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "fixmod_a.py").write_text(MODULE_A, encoding="utf-8")
    (root / "fixmod_b.py").write_text(MODULE_B, encoding="utf-8")
    (root / "data" / "words.txt").write_text("một hai ba\n", encoding="utf-8")
    (root / "docs" / "a.md").write_text(PAGE_A, encoding="utf-8")
    (root / "docs" / "b.md").write_text(PAGE_B, encoding="utf-8")


def run_book(root: Path, pages=("a", "b"), timeout: float = 120):
    """Execute (or recall from ``root/.cache/execution``) the named pages in turn; the Executor."""
    from translation_tools.execution.cells import code_cells
    from translation_tools.execution.runner import Executor
    from translation_tools.parse import parse_file

    executor = Executor(root, root / ".cache" / "execution", timeout)
    for name in pages:
        doc = parse_file(root / "docs" / f"{name}.md", f"docs/{name}.md")
        executor.run_page(f"docs/{name}.md", code_cells(doc, root))
    return executor
