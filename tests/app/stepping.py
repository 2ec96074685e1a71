"""Stepping through epochs in AppTest, as the browser's stepper does.

The Previous/Next/Play/Reset buttons are a small browser component (ui/stepper.py) that AppTest
cannot click. `choose_epoch` does what a click does: it reports an absolute epoch as the component's
state, with the nonce the page last sent, so the page's own code path (ui.stepper._accept) runs.
`jump_to_end` sets the epoch past the end, which the page clamps to its last epoch.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def choose_epoch(at: AppTest, epoch: int, key: str = "epoch") -> AppTest:
    """Report `epoch` from the browser's stepper, then rerun: what any click or Play frame does."""
    nonce = at.session_state[f"{key}:sync"]["nonce"]
    at.session_state[f"{key}:buttons"] = {"position": {"epoch": epoch, "nonce": nonce}}
    return at.run()


def epoch_shown(at: AppTest, key: str = "epoch") -> int:
    return at.session_state[key]


def jump_to_end(at: AppTest, key: str = "epoch") -> int:
    """Show the run's last epoch; returns it."""
    at.session_state[key] = 10**9
    at.run()
    return at.session_state[key]
