"""The lesson's pages, in order: one list, from which each page's number, title and link path come. The router
(app.py) navigates it; a sentence that sends a learner to another page names it here (`page("check")` is
"page 4"), so a page added in the middle renumbers every mention at once. Pure data: no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of the lesson."""

    path: str  # its link's path and its name here: "descent" (/descent)
    script: str  # its script, run by the router: "pages/3_descent.py"
    title: str  # its entry in the menu: "Gradient descent"
    icon: str  # its menu icon
    long: str = ""  # the title on the page itself, if longer than the menu's: "Gradient descent, epoch by epoch"

    @property
    def number(self) -> int:
        return PAGES.index(self) + 1


PAGES = (
    Page("guess", "pages/1_guess.py", "Guess and measure", ":material/straighten:"),
    Page("loss_curve", "pages/2_loss_curve.py", "Loss against the slope", ":material/show_chart:"),
    Page(
        "descent",
        "pages/3_descent.py",
        "Gradient descent",
        ":material/downhill_skiing:",
        long="Gradient descent, epoch by epoch",
    ),
    Page("check", "pages/4_check.py", "Check against scikit-learn", ":material/fact_check:"),
    Page("network", "pages/5_network.py", "A small neural network", ":material/hub:"),
    Page("gradients", "pages/6_gradients.py", "Vanishing and exploding gradients", ":material/bolt:"),
    Page("ball", "pages/7_ball.py", "The ball on the hill", ":material/sports_baseball:"),
    Page("landscape", "pages/8_landscape.py", "The landscape of the house data", ":material/terrain:"),
    Page("optimizers", "pages/9_optimizers.py", "Optimizers", ":material/sports_score:"),
    Page("batches", "pages/10_batches.py", "Batch, mini-batch, stochastic", ":material/shuffle:"),
)
BY_PATH = {page.path: page for page in PAGES}


def number(path: str) -> int:
    """The page's number in the lesson: 3 for "descent"."""
    return BY_PATH[path].number


def page(path: str) -> str:
    """The page as a sentence names it: "page 3"."""
    return f"page {number(path)}"


def pages(*paths: str) -> str:
    """Several pages as a sentence names them, in order, a run of three or more joined: "pages 3 to 6 and 8"."""
    numbers = sorted({number(path) for path in paths})
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    named = [text for run in runs for text in ([f"{run[0]} to {run[-1]}"] if len(run) > 2 else map(str, run))]
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    return "pages " + (", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0])


def title(path: str) -> str:
    """The page's menu entry, numbered: "3. Gradient descent"."""
    return f"{number(path)}. {BY_PATH[path].title}"


def heading(path: str) -> str:
    """The page's own title, numbered: "3. Gradient descent, epoch by epoch"."""
    return f"{number(path)}. {BY_PATH[path].long or BY_PATH[path].title}"
