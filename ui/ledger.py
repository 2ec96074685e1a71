"""The ledger's words on a stepping page: its title, the intro that says how to check a row, what it says before
the first step, and the note under a frame that shows only the latest steps. Every View that sends a ledger
(ui/descent.py, ui/network/stepping.py, ui/batch_steps.py, ui/race_steps.py) words it here, so the four ledgers
read alike; the rows themselves come from ui.frames.ledger and ui.frames.ledger_stretch."""

from __future__ import annotations

from html import escape

from ui import frames

TITLE = "The ledger"

# How to check a row, up to the next row's start: a plain run's rule, or an optimizer's (its own update).
PLAIN = "**new = current − learning rate × gradient**, and"
UPDATE = "**new = current − update**, where the update comes from the optimizer's rule above;"

# The extended ledger's last columns (ui.tables.ledger_frame, extended=True), on the descent and network pages.
BATCH_AND_MEMORY = "The columns after *update* are the batch's rows and what the optimizer remembers after the step."


def row(plain: bool) -> str:
    """What a ledger's rows come in: an epoch on a plain run (one step per epoch), else a step."""
    return "epoch" if plain else "step"


def table(
    listed: dict,
    unit: str,
    plain: bool,
    more: str = "",
    *,
    rows: str = "One row per parameter per {row}.",
    rule: str = "",
    title: str = TITLE,
    empty: bool = True,
) -> dict:
    """The ledger's table (`listed`, from ui.frames.ledger or ledger_stretch) with its title, intro and the words it
    shows before the first step.

    `unit`: what the page's Next button takes ("epoch" or "step"). `plain`: a plain run, whose rows check by
    learning rate × gradient, one step per epoch; else an optimizer's or a batched run, whose rows check by the
    update, one step at a time. `more`: the page's own sentence on its columns. `rows`: how many rows a step has
    (`{row}`: epoch or step), `rule`: how to check one (PLAIN or UPDATE by default). `title` "": the page writes its
    own heading above; `empty` False: the page's step says why there is no row yet.
    """
    each = row(plain)
    rule = rule or (PLAIN if plain else UPDATE)
    intro = (
        f"{rows.format(row=each)} Check any row: {rule} the next {each} starts from that new value."
        + (f" {more}" if more else "")
        + f" The latest {each} is at the top, marked ▶."
    )
    said = f"No {unit}s yet: the ledger fills in as you press Next {unit}." if empty else ""
    return listed | {"title": title, "intro": frames.html(intro), "empty": frames.html(said) if said else ""}


def note(taken: int, keep: int, plain: bool, follow: int = 0, unit: str = "") -> str:
    """Under a frame's ledger that shows only its latest `keep` of the `taken` steps, a note that says so (HTML);
    "" when it shows them all. A glance at a frame outside the stretch the browser holds (ui.frames.ledger_stretch)
    shows fewer: `follow`, the page's usual number, once the learner stops at this `unit` (epoch or step).

    Plain text, not markdown: a long run writes it for each of thousands of frames."""
    if taken <= keep:
        return ""
    said = f"Showing the latest {keep} of the {taken:,} {row(plain)}s taken."
    if follow:
        said += f" The latest {follow} follow once you stop at this {unit}."
    return f"<p>{escape(said, quote=False)}</p>\n"
