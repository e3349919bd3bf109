"""A tiny bilingual book exercising every feature of the site plugin (shared by test_site_*)."""

from __future__ import annotations

INDEX = """\
<!--
# A Tiny Book
-->

# Một cuốn sách nhỏ

```toc
:numbered:

chapter_a/index
```

```toc
guide
```
"""

CHAPTER = """\
<!--
# Recurrent Networks
-->

# Mạng hồi tiếp
:label:`chap_a`

<!--
This chapter starts with :numref:`sec_intro`.
-->
<!-- draft: machine -->

Chương này bắt đầu với :numref:`sec_intro`.

```toc
intro
```
"""

INTRO = """\
<!--
# Getting Started
-->

# Khởi đầu
:label:`sec_intro`

<!--
A recurrent neural network keeps a hidden state, see :numref:`fig_unrolled` and :eqref:`eq_state` :cite:`Elman.1990`.
-->

Mạng nơ-ron hồi tiếp giữ một trạng thái ẩn, xem :numref:`fig_unrolled` và :eqref:`eq_state` :cite:`Elman.1990`. Nhắc lại: mạng nơ-ron hồi tiếp.

<!--
This paragraph waits for a translator; it mentions $x_t$ and `code`.
-->

*dịch đoạn phía trên*

<!--
## Details
-->

## Chi tiết
:label:`sec_details`

<!--
The state changes over time.
-->
<!-- outdated: the English above changed; review the translation, then delete this line -->

Trạng thái thay đổi theo thời gian.

$$\\mathbf{h}_t = \\tanh(\\mathbf{W} \\mathbf{h}_{t-1} + \\mathbf{x}_t) \\odot \\boldsymbol{\\sigma}.$$
:eqlabel:`eq_state`

<!--
![An unrolled network.](../img/net.svg)
-->

![Một mạng được trải ra.](../img/net.svg)
:label:`fig_unrolled`
:width:`300px`

<!--
| step | state |
|------|-------|
| 1    | $h_1$ |
-->

| bước | trạng thái |
|------|------------|
| 1    | $h_1$      |
:label:`tab_steps`

<!--
The table :numref:`tab_steps` lists the states.
-->

Bảng :numref:`tab_steps` liệt kê các trạng thái.

```python
print(1 + 1)
```

## Những người thực hiện
Bản dịch trong trang này được thực hiện bởi:
<!--
Hướng dẫn: mỗi dòng một tên.
-->

* Nguyễn Văn A
* Trần Thị B
"""

GUIDE = """\
# Hướng dẫn đọc

Trang này chỉ có tiếng Việt, và nói về mạng nơ-ron hồi tiếp.
"""

GLOSSARY = """\
- en: recurrent neural network
  vi: mạng nơ-ron hồi tiếp
  forbidden: [mạng nơ-ron hồi quy]
- en: hidden state
  vi: trạng thái ẩn
- en: token
  vi: token
"""

BIB = """\
@article{Elman.1990,
  title = {Finding Structure in Time},
  author = {Elman, Jeffrey L.},
  journal = {Cognitive Science},
  year = {1990}
}
"""

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'

CONTRIBUTORS = "# Những người đóng góp\n\n* Nguyễn Văn A\n* Trần Thị B\n"


def files() -> dict[str, str]:
    return {
        "docs/index.md": INDEX,
        "docs/chapter_a/index.md": CHAPTER,
        "docs/chapter_a/intro.md": INTRO,
        "docs/guide.md": GUIDE,
        "docs/glossary.yml": GLOSSARY,
        "docs/references.bib": BIB,
        "docs/img/net.svg": SVG,
        "contributors.md": CONTRIBUTORS,
    }
