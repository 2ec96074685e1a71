""" "Show the code" (ui/code.py) on the stepping pages: the source of what computed the page's numbers, each function
once, an optimizer's rule after any rule it builds on (AdamW's after Adam's), and the descent loop."""

from __future__ import annotations

import re

import pytest
from opening import open_page

from gdcore import lesson


def code_shown(page: str, **params: str) -> list[str]:
    at = open_page(lesson.BY_PATH[page].script, **params)
    assert not at.exception, [e.value for e in at.exception]
    (section,) = [expander for expander in at.main.expander if expander.label == "Show the code"]
    return [block.value for block in section.code]


def defined(blocks: list[str]) -> list[str]:
    return [re.search(r"^(?:def|class) (\w+)", block, re.M)[1] for block in blocks]


@pytest.mark.parametrize(
    ("page", "params", "expected"),
    [
        ("descent", {"opt": "adamw", "sched": "cosine"}, ["adam", "adamw", "cosine", "descend"]),
        ("ball", {"opt": "nesterov"}, ["roll", "nesterov", "descend"]),
        ("optimizers", {"adamw": "yes"}, ["race", "gd", "momentum", "adam", "adamw", "descend"]),
    ],
)
def test_the_code_shows_each_function_once_and_a_rule_after_what_it_builds_on(page, params, expected) -> None:
    names = defined(code_shown(page, **params))
    assert len(names) == len(set(names)), names
    positions = [names.index(name) for name in expected]
    assert positions == sorted(positions), names
