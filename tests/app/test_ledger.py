"""ui.ledger without a browser: the words every stepping page's ledger shares, and the note under a frame that
shows only the latest steps (the pages' own words are checked by their page tests)."""

from __future__ import annotations

from stepping import text_of

from ui import ledger


def test_a_plain_runs_intro_checks_rows_by_learning_rate_times_gradient():
    table = ledger.table({"rows": []}, "epoch", plain=True)
    assert table["title"] == "The ledger" and table["rows"] == []
    assert text_of(table["intro"]) == (
        "One row per parameter per epoch. Check any row: new = current − learning rate × gradient, and the next "
        "epoch starts from that new value. The latest epoch is at the top, marked ▶."
    )
    assert text_of(table["empty"]) == "No epochs yet: the ledger fills in as you press Next epoch."


def test_a_page_without_title_or_empty_words_writes_its_own():
    table = ledger.table({}, "step", plain=False, more="The last columns are memory.", title="", empty=False)
    assert table["title"] == "" and table["empty"] == ""
    assert "new = current − update, where the update comes from the optimizer's rule above;" in text_of(table["intro"])
    assert "The last columns are memory. The latest step is at the top, marked ▶." in text_of(table["intro"])


def test_the_note_counts_what_the_ledger_leaves_out():
    assert ledger.note(500, 500, plain=False) == ""  # every step shown: nothing to say
    assert text_of(ledger.note(1234, 500, plain=False)) == "Showing the latest 500 of the 1,234 steps taken."
    assert text_of(ledger.note(1234, 50, plain=True)) == "Showing the latest 50 of the 1,234 epochs taken."
    glance = ledger.note(1234, 5, plain=True, follow=50, unit="epoch")
    assert text_of(glance) == (
        "Showing the latest 5 of the 1,234 epochs taken. The latest 50 follow once you stop at this epoch."
    )
