"""gdcore.lesson: the one list of the lesson's pages. Every page script is in it once, each page's link path is the
one Streamlit gives its script, sentences name pages by their place in it, and no other code writes a page's
number by hand (a page added in the middle would leave such a number wrong)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdcore import lesson

REPO = Path(__file__).resolve().parents[2]


def test_every_page_script_is_in_the_list_once_under_the_path_streamlit_gives_it() -> None:
    scripts = sorted(path.relative_to(REPO).as_posix() for path in (REPO / "pages").glob("*.py"))
    assert sorted(page.script for page in lesson.PAGES) == scripts
    for page in lesson.PAGES:  # Streamlit's url path: the file name without its leading number and underscore
        assert re.sub(r"^\d+_", "", Path(page.script).stem) == page.path
    assert [page.number for page in lesson.PAGES] == list(range(1, len(lesson.PAGES) + 1))


@pytest.mark.parametrize(
    ("paths", "said"),
    [
        (("descent",), "page 3"),
        (("check", "descent"), "pages 3 and 4"),
        (("guess", "descent", "check"), "pages 1, 3 and 4"),
        (("descent", "check", "network"), "pages 3 to 5"),
        (
            ("descent", "check", "network", "gradients", "landscape", "optimizers", "batches"),
            "pages 3 to 6 and 8 to 10",
        ),  # noqa: E501
    ],
)
def test_pages_are_named_in_order_with_runs_joined(paths: tuple[str, ...], said: str) -> None:
    assert lesson.pages(*paths) == said


def test_no_code_but_the_list_writes_a_pages_number() -> None:
    titles = "|".join(re.escape(page.title) for page in lesson.PAGES)
    written = re.compile(rf"\b[Pp]ages? \d+|\d+[.,] ({titles})")  # "page 3", "pages 3 to 6", "3. Gradient descent"
    found = []
    for folder in ("gdcore", "ui", "pages"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name == "lesson.py":
                continue
            for number, text in enumerate(path.read_text("utf-8").splitlines(), start=1):
                if written.search(text):
                    found.append(f"{path.relative_to(REPO)}:{number}: {text.strip()}")
    router = (REPO / "app.py").read_text("utf-8")
    assert router.count("st.Page(") == 1 and "lesson.PAGES" in router  # the menu is made from the list too
    assert not found, found
