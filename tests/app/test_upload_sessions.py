"""Two learners upload two different files at the same time: neither ever sees the other's columns or rows.

Both sessions run in one process, as on a shared server (AppTest runs its sessions in this process),
so the process-wide cache of parsed uploads is shared by construction: what keeps them apart is that
each session can only reach the uploads listed in its own session state.
"""

from __future__ import annotations

import re

import numpy as np
from test_uploads import assert_healthy, open_page, upload

from ui.fmt import num

RNG = np.random.default_rng(11)
AGE = RNG.uniform(20, 60, 40)  # (40,) years
INCOME = 900 * AGE + RNG.normal(0, 3_000, 40)  # (40,) euros
MINE = "age,income\n" + "".join(f"{a:.1f},{i:.0f}\n" for a, i in zip(AGE, INCOME))
THEIRS = "speed,stopping\n" + "".join(f"{s},{2 * s + s * s / 20:.2f}\n" for s in range(10, 60, 2))


def test_two_sessions_with_different_uploads_never_see_each_others_data() -> None:
    ann, bob = open_page("pages/3_descent.py"), open_page("pages/3_descent.py")
    upload(ann, MINE.encode(), "ann.csv")
    upload(bob, THEIRS.encode(), "bob.csv")
    assert_healthy(ann)
    assert_healthy(bob)
    ann.run()  # after Bob's upload, Ann's page is still hers
    for me, mine, other, their_words in (
        (ann, ("age", "income", "40 rows"), bob, ("speed", "stopping", "bob.csv")),
        (bob, ("speed", "stopping", "25 rows"), ann, ("age", "income", "ann.csv")),
    ):
        text = " ".join(str(e.value) for kind in ("markdown", "caption", "success", "info") for e in getattr(me, kind))
        assert all(re.search(rf"\b{re.escape(word)}\b", text) for word in mine), mine
        assert not any(re.search(rf"\b{re.escape(word)}\b", text) for word in their_words), their_words
        (data,) = [s for s in me.selectbox if s.label == "Data"]
        assert len(data.options) == 2 and other.query_params["data"] not in data.options  # houses, and its own file
        assert me.query_params["data"] != other.query_params["data"]
    # Ann's least-squares slope from her own rows, recomputed here: her page-4 check uses her data only.
    ann.switch_page("pages/4_check.py").run()
    slope = np.polyfit(np.round(AGE, 1), np.round(INCOME), 1)[0]
    cells = ann.table[0].value.to_string()
    assert num(slope)[:5] in cells and "speed" not in cells
    # A link to Bob's file, opened by Ann, keeps Ann on her own choice of data and says why.
    ann.query_params["data"] = bob.query_params["data"]
    ann.switch_page("pages/3_descent.py").run()
    assert_healthy(ann)
    assert "speed" not in " ".join(str(m.value) for m in ann.markdown)
