"""``import``: a Hugo or Jekyll blog post becomes a Vietnamese-only book page.

Shortcodes, Liquid tags and inline HTML figures become Markdown figures, links
and code fences; math is kept as written. Anything not understood is reported
with ``file:line`` and kept visibly. Errors (broken front matter, an unclosed
shortcode or HTML tag) stop before any file is written.
"""

from __future__ import annotations

import filecmp
import html
import os
import re
import sys
from dataclasses import dataclass, field

from translation_tools.parse import FormatError, parse
from translation_tools.syntax import CODE_SPAN, FENCE, MATH
from translation_tools.write import check_output, write_file_atomic

REMOTE_TITLE = "remote image"  # link title marking a figure whose image stays on another host
METADATA_KEYS = ("title", "subtitle", "date", "author", "tags", "categories", "keywords", "description", "draft")
THUMBNAIL_KEYS = ("thumbnail", "thumbnailImage", "thumbnail_image", "image", "cover", "featured_image", "images")
DROPPED_KEYS = (
    "mathjax",
    "math",
    "katex",
    "layout",
    "comments",
    "toc",
    "slug",
    "url",
    "aliases",
    "permalink",
    "lastmod",
    "published",
    "weight",
    "type",
    "share",
    "showtoc",
    "summary",
)

_SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)([\w.-]+)(.*?)\s*([>%])\}\}", re.DOTALL)
_LIQUID = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_POSITIONAL = re.compile(r"\"([^\"]*)\"|'([^']*)'|(\S+)")
# Tags whose end tag HTML requires (<p> and <li> may legally stay open).
_PAIRED_TAGS = ("center", "figure", "figcaption", "a", "em", "i", "b", "strong", "div", "span", "table", "sup", "sub")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b([^<>]*?)(/?)>")
_HTML_FIGURE = re.compile(
    r"<(center|figure|p|div)\b[^>]*>(?:(?!</\1>).)*?<img\b(?:(?!</\1>).)*?</\1>", re.DOTALL | re.IGNORECASE
)
_IMG = re.compile(r"<img\b([^>]*?)/?>", re.IGNORECASE)
_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL | re.IGNORECASE)
_MORE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*\n?", re.IGNORECASE | re.MULTILINE)
_TOC = re.compile(r"^[ \t]*<!--\s*toc\s*-->[ \t]*\n?", re.IGNORECASE | re.MULTILINE)
_MASK = re.compile(r"\x00(\d+)\n*\x00")
_JEKYLL_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)\.(md|markdown)$")


@dataclass
class Imported:
    text: str
    notes: list[str] = field(default_factory=list)  # "file:line: warning: …" lines
    images: list[tuple[str, str]] = field(default_factory=list)  # (copy from, copy to)


class _Post:
    """The body of one post, with math and code masked so conversions cannot touch them."""

    def __init__(self, path: str, body: str, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.notes: list[str] = []
        self.kept: list[str] = []
        self.body = body

    def line_of(self, offset: int, text: str | None = None) -> int:
        return (text if text is not None else self.body).count("\n", 0, offset) + self.first_line

    def line_containing(self, needle: str) -> int:
        offset = self.body.find(needle)
        return self.line_of(offset) if offset >= 0 else self.first_line

    def error(self, offset: int, message: str, text: str | None = None) -> FormatError:
        return FormatError(self.path, self.line_of(offset, text), message)

    def warn(self, offset: int, message: str, text: str | None = None) -> None:
        self.notes.append(f"{self.path}:{self.line_of(offset, text)}: warning: {message}")

    def keep(self, text: str, original: str | None = None) -> str:
        """Hide ``text`` behind a token holding as many newlines as ``original`` had (line numbers stay right)."""
        self.kept.append(text)
        newlines = (text if original is None else original).count("\n")
        return f"\x00{len(self.kept) - 1}" + "\n" * newlines + "\x00"

    def unmask(self, text: str) -> str:
        while "\x00" in text:
            text = _MASK.sub(lambda m: self.kept[int(m.group(1))], text)
        return text


def import_post(text: str, path: str, images_dir: str | None = None, output: str | None = None) -> Imported:
    """Convert a post's text; raises ``FormatError`` on input that cannot be converted."""
    if not text.strip():
        raise FormatError(path, 1, "empty post: nothing to import")
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    meta, body, first_line = _front_matter(text, path)
    post = _Post(path, body, first_line)
    body = _convert_fences(post, body)
    body = _convert_paired_shortcodes(post, body)
    body = _mask_math_and_code(post, body)
    _check_unclosed(post, body)
    body, excerpt = _markers(body)
    body = _convert_shortcodes(post, body)
    body = _convert_liquid(post, body)
    body = _convert_html(post, body)
    body = post.unmask(body)
    page_meta = _page_metadata(post, meta, path, excerpt)
    result = Imported("", post.notes)
    body = _resolve_images(post, body, images_dir, output, result)
    title = page_meta.get("title")
    heading = f"# {title}\n\n" if title and not re.match(r"\s*# ", body) else ""
    page = _render_front_matter(page_meta) + "\n" + heading + body.strip("\n") + "\n"
    page += CONTRIBUTORS.format(author=f"* {page_meta['author']}\n" if page_meta.get("author") else "")
    page = re.sub(r"\n{3,}", "\n\n", page)
    _report_empty_headings(post, page)
    parse(page, path=output or path)  # the result must be a valid page
    result.text = page
    return result


CONTRIBUTORS = """
## Những người thực hiện
Bài viết trong trang này được thực hiện bởi:
<!--
Hướng dẫn: mỗi dòng một tên, bắt đầu bằng `* ` (dấu sao và một dấu cách).
-->

{author}"""


# --- front matter -------------------------------------------------------------------


def _front_matter(text: str, path: str) -> tuple[dict, str, int]:
    lines = text.split("\n")
    fence = lines[0].strip()
    if fence not in ("---", "+++"):
        return {}, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == fence:
            break
    else:
        raise FormatError(path, 1, f"front matter never closed: add a '{fence}' line after it")
    source = "\n".join(lines[1:index])
    if fence == "+++":
        import tomllib

        try:
            data = tomllib.loads(source + "\n")
        except tomllib.TOMLDecodeError as error:
            line = int(m.group(1)) + 1 if (m := re.search(r"line (\d+)", str(error))) else 2
            raise FormatError(path, line, f"broken TOML front matter ({str(error).split(' (')[0]}): fix it") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 2 if mark else 1
            raise FormatError(
                path, line, f"broken YAML front matter ({getattr(error, 'problem', 'invalid YAML')}): fix it"
            ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FormatError(path, 2, "front matter must be 'key: value' pairs")
    return data, "\n".join(lines[index + 1 :]), index + 2


def _page_metadata(post: _Post, meta: dict, path: str, excerpt: str) -> dict:
    out: dict = {}
    for key in METADATA_KEYS:
        if meta.get(key) not in (None, "", []):
            out[key] = meta[key]
    if "date" not in out and (match := _JEKYLL_NAME.search(os.path.basename(path))):
        out["date"] = match.group(1)
    if "date" in out:
        out["date"] = str(out["date"])[:10]
    for key in ("tags", "categories", "keywords"):
        if isinstance(out.get(key), str):  # "a, b c" is two items; "a b" (Jekyll) is two items too
            separator = "," if "," in out[key] else None
            out[key] = [part.strip() for part in out[key].split(separator) if part.strip()]
    if "description" not in out and excerpt:
        out["description"] = excerpt
    for key in THUMBNAIL_KEYS:
        value = meta.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value:
            if re.match(r"(https?:)?//", value):
                post.notes.append(f"{post.path}:1: warning: thumbnail {value} is on another host; dropped")
            else:
                out["thumbnail"] = value
            break
    unknown = sorted(set(meta) - set(METADATA_KEYS) - set(THUMBNAIL_KEYS) - set(DROPPED_KEYS))
    if unknown:
        post.notes.append(
            f"{post.path}:1: warning: front matter key(s) not carried over: {', '.join(map(str, unknown))}"
        )
    out["imported_from"] = os.path.basename(path)
    return out


def _render_front_matter(meta: dict) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100) + "---\n"


# --- code and math --------------------------------------------------------------------


def _convert_fences(post: _Post, body: str) -> str:
    """Protect fenced code (``` and ~~~) from every later conversion."""
    lines = body.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            out.append(lines[index])
            index += 1
            continue
        marker = match.group(1)
        end = next(
            (
                j
                for j in range(index + 1, len(lines))
                if lines[j].strip().startswith(marker[0] * len(marker)) and not lines[j].strip().strip(marker[0])
            ),
            None,
        )
        if end is None:
            raise FormatError(post.path, index + post.first_line, f"code fence never closed: add a '{marker}' line")
        out.append(post.keep("\n".join(lines[index : end + 1])))
        index = end + 1
    return "\n".join(out)


def _convert_paired_shortcodes(post: _Post, body: str) -> str:
    """``{{< highlight python >}}…{{< /highlight >}}`` and Liquid ``{% highlight %}`` become fences."""

    def fence(match: re.Match[str]) -> str:
        code = match.group(2).strip("\n")
        return post.keep(f"```{match.group(1)}\n{code}\n```", match.group(0))

    body = re.sub(
        r"\{\{[<%]\s*highlight\s+([\w+-]+)[^}]*?[>%]\}\}(.*?)\{\{[<%]\s*/highlight\s*[>%]\}\}",
        fence,
        body,
        flags=re.DOTALL,
    )
    body = re.sub(
        r"\{%-?\s*highlight\s+([\w+-]+)[^%]*?-?%\}(.*?)\{%-?\s*endhighlight\s*-?%\}", fence, body, flags=re.DOTALL
    )
    body = re.sub(
        r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}",
        lambda m: post.keep(m.group(1), m.group(0)),
        body,
        flags=re.DOTALL,
    )
    return body


def _mask_math_and_code(post: _Post, body: str) -> str:
    body = CODE_SPAN.sub(lambda m: post.keep(m.group(0)), body)
    return MATH.sub(lambda m: post.keep(m.group(0)), body)


# --- shortcodes, Liquid, HTML -----------------------------------------------------------


def _check_unclosed(post: _Post, body: str) -> None:
    for opener, closer in (("{{<", ">}}"), ("{{%", "%}}"), ("{%", "%}")):
        start = 0
        while (found := body.find(opener, start)) >= 0:
            end = body.find(closer, found + len(opener))
            next_open = body.find(opener, found + len(opener))
            if end < 0 or (0 <= next_open < end):
                raise post.error(found, f"unclosed shortcode '{opener}': close it with '{closer}'", body)
            start = end + len(closer)
    stack: list[tuple[str, int]] = []
    for match in _TAG.finditer(body):
        closing, name, _, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        if name not in _PAIRED_TAGS or self_closing:
            continue
        if not closing:
            stack.append((name, match.start()))
            continue
        if not stack or stack[-1][0] != name:
            raise post.error(match.start(), f"</{name}> closes a tag that is not open: fix the HTML", body)
        stack.pop()
    if stack:
        name, offset = stack[-1]
        raise post.error(offset, f"unclosed HTML tag <{name}>: add </{name}>", body)


def _arguments(text: str) -> tuple[dict[str, str], list[str]]:
    named = {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTRIBUTE.finditer(text)
    }
    rest = _ATTRIBUTE.sub(" ", text)
    positional = [m.group(1) or m.group(2) or m.group(3) for m in _POSITIONAL.finditer(rest)]
    return named, positional


def _figure(src: str, caption: str) -> str:
    caption = " ".join(caption.split()).replace("[", "\\[").replace("]", "\\]")
    return f"\n\n![{caption}]({src})\n\n"


def _convert_shortcodes(post: _Post, body: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(3).lower()
        named, positional = _arguments(match.group(4))
        if not match.group(2) and name in ("image", "img", "figure", "fig", "imgproc"):
            src = named.get("src") or (positional[0] if positional else "")
            caption = named.get("title") or named.get("caption") or named.get("alt") or ""
            if src:
                return post.keep(_figure(src, caption), match.group(0))
        if name in ("youtube", "vimeo", "tweet", "gist", "instagram") and positional:
            post.warn(match.start(), f"shortcode '{{{{< {name} >}}}}' embeds another site; kept as a link", body)
            return post.keep(f"[{name}: {positional[-1]}]({_embed_url(name, positional)})", match.group(0))
        post.warn(match.start(), f"unknown shortcode '{match.group(0)[:60]}' kept as text: convert it by hand", body)
        return post.keep(f"`{match.group(0)}`", match.group(0))

    return _SHORTCODE.sub(replace, body)


def _embed_url(name: str, args: list[str]) -> str:
    if name == "youtube":
        return f"https://www.youtube.com/watch?v={args[-1]}"
    if name == "gist" and len(args) >= 2:
        return f"https://gist.github.com/{args[0]}/{args[1]}"
    return args[-1] if args[-1].startswith("http") else f"https://{name}.com/{args[-1]}"


def _convert_liquid(post: _Post, body: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        named, positional = _arguments(match.group(2))
        if name == "include" and positional and re.match(r"(image|figure|img)", positional[0]):
            src = named.get("url") or named.get("src") or named.get("file") or ""
            caption = named.get("description") or named.get("caption") or named.get("alt") or named.get("title") or ""
            if src:
                return post.keep(_figure(src, caption), match.group(0))
        post.warn(match.start(), f"unknown Liquid tag '{match.group(0)[:60]}' kept as text: convert it by hand", body)
        return post.keep(f"`{match.group(0)}`", match.group(0))

    return _LIQUID.sub(replace, body)


def _convert_html(post: _Post, body: str) -> str:
    def figure(match: re.Match[str]) -> str:
        block = match.group(0)
        image = _IMG.search(block)
        assert image is not None, "_HTML_FIGURE only matches blocks holding an <img>"
        attributes, _ = _arguments(image.group(1))
        caption_match = re.search(
            r"<(figcaption|em|i|small|p)\b[^>]*>(.*?)</\1>", block[image.end() :], re.DOTALL | re.IGNORECASE
        )
        caption = _strip_tags(caption_match.group(2)) if caption_match else attributes.get("alt", "")
        return post.keep(_figure(attributes.get("src", ""), caption or attributes.get("title", "")), block)

    def image(match: re.Match[str]) -> str:
        attributes, _ = _arguments(match.group(1))
        return post.keep(
            _figure(attributes.get("src", ""), attributes.get("alt") or attributes.get("title", "")), match.group(0)
        )

    def link(match: re.Match[str]) -> str:
        attributes, _ = _arguments(match.group(1))
        return f"[{_strip_tags(match.group(2))}]({attributes.get('href', '')})"

    body = _HTML_FIGURE.sub(figure, body)
    body = _IMG.sub(image, body)
    body = _LINK.sub(link, body)
    body = re.sub(r"<br\s*/?>", "  \n", body, flags=re.IGNORECASE)
    for match in _TAG.finditer(body):
        post.warn(match.start(), f"HTML tag <{match.group(2)}> kept as it is: check how it renders", body)
    return body


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _markers(body: str) -> tuple[str, str]:
    """``<!--more-->`` ends the excerpt (kept as the description); ``<!-- toc -->`` is the site's job."""
    excerpt = ""
    more = _MORE.search(body)
    if more:
        text = re.sub(r"\x00\d+\x00", "", body[: more.start()])
        excerpt = " ".join(_strip_tags(text).replace("#", "").split())[:300]
        body = body[: more.start()] + "\n" + body[more.end() :]
    return _TOC.sub("", body), excerpt


# --- images -----------------------------------------------------------------------------


def _resolve_images(post: _Post, body: str, images_dir: str | None, output: str | None, result: Imported) -> str:
    target_dir, prefix = _image_home(output)

    def replace(match: re.Match[str]) -> str:
        caption, src = match.group(1), match.group(2)
        if not src:
            post.notes.append(
                f"{post.path}:{post.line_containing(caption or '<img')}: warning: "
                f"figure '{caption[:40]}' has no image source: add one"
            )
            return match.group(0)
        name = os.path.basename(src.split("?")[0].split("#")[0])
        local = os.path.join(images_dir, name) if images_dir and name else None
        if local and os.path.isfile(local):
            result.images.append((local, os.path.join(target_dir, name)))
            return f"![{caption}]({prefix}{name})"
        if re.match(r"(https?:)?//", src) or src.startswith("/"):
            post.notes.append(
                f"{post.path}:{post.line_containing(src)}: warning: image {src} is not in the book; "
                "it became a link (supply a copy with --images DIR)"
            )
            return f'[{caption or name}]({src} "{REMOTE_TITLE}")'
        return match.group(0)

    return re.sub(r"!\[((?:\\\]|[^\]])*)\]\(([^)\s]*)\)", replace, body)


def _image_home(output: str | None) -> tuple[str, str]:
    """Where copied images go: the book's ``docs/img`` when the page is inside ``docs``."""
    if not output:
        return "img", "img/"
    page_dir = os.path.dirname(os.path.abspath(output))
    folder = page_dir
    while True:
        if os.path.basename(folder) == "docs":
            target = os.path.join(folder, "img")
            return target, os.path.relpath(target, page_dir).replace(os.sep, "/") + "/"
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(page_dir, "img"), "img/"
        folder = parent


def _report_empty_headings(post: _Post, page: str) -> None:
    from translation_tools.check import empty_headings

    for _, level, title in empty_headings(page):
        match = re.search(rf"^#{{{level}}}\s+{re.escape(title)}\s*$", post.body, re.MULTILINE)
        line = post.line_of(match.start()) if match else post.first_line
        post.notes.append(
            f"{post.path}:{line}: warning: heading '{title}' has no text under it: the post is still an outline there"
        )


def _same_file(source: str, target: str) -> bool:
    """An image already copied by an earlier import: nothing to replace."""
    return os.path.isfile(target) and filecmp.cmp(source, target, shallow=False)


def _note_line(note: str) -> int:
    match = re.match(r"[^:]*:(\d+):", note)
    return int(match.group(1)) if match else 0


def run(args) -> int:
    try:
        with open(args.post, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise FormatError(args.post, 1, "no such file: check the path") from None
    except IsADirectoryError:
        raise FormatError(args.post, 1, "is a folder: pass the post's Markdown file") from None
    except UnicodeDecodeError:
        raise FormatError(args.post, 1, "not valid UTF-8: re-save the post as UTF-8") from None
    if args.images and not os.path.isdir(args.images):
        raise FormatError(args.images, 1, "--images must be a folder of local image copies")
    if args.output:
        check_output(args.output, args.force)
    result = import_post(text, args.post, args.images, args.output)
    copies = [(source, target) for source, target in result.images if args.output and not _same_file(source, target)]
    for _, target in copies:
        check_output(target, args.force, make_folders=True)  # the book's img folder may be new
    for note in sorted(result.notes, key=_note_line):
        print(note, file=sys.stderr)
    if args.output:
        for source, target in copies:
            with open(source, "rb") as image:
                write_file_atomic(target, image.read())
        write_file_atomic(args.output, result.text)
        print(f"{args.output}: imported ({len(result.notes)} note(s))", file=sys.stderr)
    else:
        if result.images:
            print("images are copied only with -o OUT.md", file=sys.stderr)
        sys.stdout.write(result.text)
    return 0
