"""What Streamlit 1.67's markdown makes of a source, without a browser: markdown-it-py (CommonMark, an
independent renderer) parses it, and the steps Streamlit adds are emulated from its frontend's own code
(streamlit/static/static/js/StreamlitMarkdown.*.js and remark-emoji.*.js):

- before parsing, ":material/" becomes ":material_" (an icon, below);
- extensions CommonMark lacks, which respect backslash escapes: maths ($...$, loaded only when the source
  looks like it has some), GFM's strikethrough with one tilde (~x~) and directives (:red[x], :small[x]);
- after parsing, changes to each text node that a backslash cannot stop: GFM's links for http://, www. and
  e-mail addresses, :emoji: shortcodes, :material_icon:, the :streamlit: logo, and -> <- -- >= <= ~= drawn
  as arrows and signs.

`render` gives the text a reader sees and every element the markup made, so a test can check that a
learner's text is shown as typed. The browser test (tests/browser/test_literal_browser.py) checks the real thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
JOIN = "\u2060"  # ui.literal's word joiner: no width, so not part of what a reader sees

# Streamlit's text changes, its regular expressions as its frontend has them (JavaScript's \w is ASCII: re.A).
TEXT_CHANGES = {
    "link": re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A),
    "e-mail link": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A),
    "emoji": re.compile(r":\+1:|:-1:|:[\w-]+:", re.A),
    "icon": re.compile(r":material_(\w+):", re.A),
    "logo": re.compile(r":streamlit:"),
    "arrow or sign": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}
# Streamlit loads its maths only when the source, without code spans and escaped \\ \$ \`, matches one of these.
_CODE_AND_ESCAPES = re.compile(
    r"(?:(?<=\n)|^) {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|$)|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]"
)
_MATHS = (re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$"), re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)"))
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash and the ASCII punctuation it escapes
_TILDES = re.compile(r"~[^~]+~")
_DIRECTIVE = re.compile(r":[A-Za-z][\w-]*\[")
BLOCKS = {"paragraph_open", "paragraph_close", "inline"}  # a plain paragraph; any other block is markup


@dataclass
class Rendered:
    text: str  # what a reader sees (word joiners left out)
    elements: list[tuple[str, str]] = field(default_factory=list)  # (what the markup made, its text)
    changes: list[tuple[str, str]] = field(default_factory=list)  # (Streamlit's change, the text it changes)


def maths(source: str) -> bool:
    """Would Streamlit render maths in this source?"""
    plain = _CODE_AND_ESCAPES.sub("_", source)
    return any(pattern.search(plain) for pattern in _MATHS)


def render(source: str) -> Rendered:
    """The text and the elements Streamlit would show for the markdown `source`."""
    out = Rendered("")
    if maths(source):
        out.elements.append(("maths", source))
    unescaped = _ESCAPED.sub("", source)
    out.elements += [("del", found) for found in _TILDES.findall(unescaped)]
    out.elements += [("directive", found) for found in _DIRECTIVE.findall(unescaped)]
    texts: list[str] = []
    for token in PARSER.parse(source.replace(":material/", ":material_")):
        if token.type not in BLOCKS:
            out.elements.append((token.tag or token.type, token.content))
        if token.type == "inline":
            _inline(token.children or [], out, texts)
            texts.append(" ")
    out.text = "".join(texts).replace(JOIN, "").strip()
    return out


def _inline(children, out: Rendered, texts: list[str]) -> None:
    open_tags: list[tuple[str, int]] = []  # (tag, where its text starts)
    for child in children:
        if child.type == "text":
            for change, pattern in TEXT_CHANGES.items():
                out.changes += [(change, found.group(0)) for found in pattern.finditer(child.content)]
            texts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            texts.append(" ")
            if child.type == "hardbreak":
                out.elements.append(("br", ""))
        elif child.type.endswith("_open"):
            open_tags.append((child.tag, len(texts)))
        elif child.type.endswith("_close"):
            tag, start = open_tags.pop()
            out.elements.append((tag, "".join(texts[start:]).replace(JOIN, "")))
        else:  # code_inline, html_inline, image: markup with text of its own
            out.elements.append((child.tag or child.type, child.content))
            texts.append(child.content)
