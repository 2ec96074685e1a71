"""Words every model's verdicts and steps share: what a run did, in one sentence a learner can follow.

Every verdict is a `Verdict(kind, sentence)`, and every kind a page can show is listed once, in
KINDS, with its tone: "good" (it worked), "caution" (it works, but slowly or unevenly) or "bad"
(it failed). A page boxes a verdict by its tone and an icon, never by colour alone. Each model's
verdicts are in its own module (gdcore.line.verdict, gdcore.network.network_verdict, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from gdcore import optimizers
from gdcore.data import SHIPPED

KINDS = {
    "converging": "good",  # the loss falls towards the bottom
    "learning": "good",  # the deep chain's loss falls below the average's
    "healthy": "good",  # every layer's gradient within a factor of 1,000 of the last's
    "oscillating": "caution",  # zig-zags across the valley, or bounces at the largest stable rate
    "crawling": "caution",  # the loss barely moves
    "stalling": "caution",  # the chain learns little more than the average
    "vanishing": "caution",  # layer 1's gradient under 1/1,000 of the last layer's
    "exploding": "caution",  # layer 1's gradient over 1,000 times the last layer's
    "diverging": "bad",  # the loss rises: the steps overshoot
    "diverged": "bad",  # the numbers grew too large to store, so the run stopped
    "blowing up": "bad",  # the chain's loss rises step after step
    "overflow": "bad",  # the chain's numbers grew too large to store
    "stuck": "bad",  # every gradient is exactly 0, so nothing can move again
    "dead": "bad",  # the last layer's gradient is 0: no layer gets a signal
}
TONES = ("good", "caution", "bad")


@dataclass(frozen=True)
class Verdict:
    kind: str  # one of KINDS
    sentence: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.kind!r} is not a verdict kind; the kinds are {', '.join(KINDS)}")

    @property
    def tone(self) -> str:
        """ "good", "caution" or "bad"."""
        return KINDS[self.kind]


def most_epochs(config) -> int:
    """The most epochs the config (and so the page's box) accepts."""
    return type(config).__dataclass_fields__["epochs"].metadata["high"]


def named(config) -> tuple[str, str]:
    """What y and one row are called in a sentence: ("price", "house") on the house data; an upload's y and "row"."""
    houses = config.data in SHIPPED
    return ("price" if houses and config.y == "price" else config.y), ("house" if houses else "row")


# What else moved the step, for the optimizers that do more than follow the gradient.
OPTIMIZER_WORDS = {optimizer.key: optimizer.memory for optimizer in optimizers.TABLE if optimizer.memory}


def step_sentence(record, label: str, number, optimizer: str = "gd", most: int | None = None) -> str:
    """One step in words, e.g. "Epoch 3: the slope rose from 40.1 to 47.9 because its gradient was -156
    and we step against it." `record`: a StepRecord; `label`: "Epoch 3" or "Step 12"; `number`: how a
    value is written (the page's format); `most`: name only the parameters that moved most (a network has 10).

    Plain descent moves each parameter by -learning rate x gradient, so a negative gradient makes it rise.
    Other optimizers move by their own update; the sentence says so instead of giving a reason it did not follow.
    """
    moves = [(abs(new - now), i) for i, (now, new) in enumerate(zip(record.current, record.new))]
    chosen = sorted(i for _, i in sorted(moves, reverse=True)[:most]) if most else range(len(moves))
    parts = []
    for i in chosen:
        name, now, new, g = record.names[i], record.current[i], record.new[i], record.gradient[i]
        went = f"rose from {number(now)} to {number(new)}" if new > now else f"fell from {number(now)} to {number(new)}"
        if new == now:
            went = f"stayed at {number(now)}"
        if optimizer == "gd" and new == now and g != 0:
            parts.append(f"the {name} {went}: its gradient was {number(g)}, but the step was too small to change it")
        elif optimizer == "gd":
            why = "and flat ground gives no push" if g == 0 else "and we step against it"
            parts.append(f"the {name} {went} because its gradient was {number(g)} {why}")
        else:
            shaped = f"{OPTIMIZER_WORDS[optimizer]} shaped the step"
            parts.append(f"the {name} {went}: its gradient was {number(g)}, and {shaped}")
    others = len(moves) - len(parts)
    rest = f" ({'the other parameter' if others == 1 else f'the {others} other parameters'} moved less)"
    return f"{label}: " + "; ".join(parts) + (rest if others else "") + "."
