"""Verdicts: what a run did, in one sentence a learner can follow, for every page and the CLI.

Every verdict is a `Verdict(kind, sentence)`, and every kind a page can show is listed once, in
KINDS, with its tone: "good" (it worked), "caution" (it works, but slowly or unevenly) or "bad"
(it failed). A page boxes a verdict by its tone and an icon, never by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdcore import line, optimizers
from gdcore.chain import EXPLODING, VANISHING, ChainFit
from gdcore.data import SHIPPED
from gdcore.experiment import Fit, NetworkFit, baseline_loss
from gdcore.numbers import written

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


def progress(fit: Fit) -> float:
    """How much of the way from the starting loss to the least possible loss the run has gone, 0..1."""
    start_loss = fit.loss(fit.run.start)
    gap = start_loss - fit.best_loss
    if not math.isfinite(gap) or gap <= 0:
        return 1.0
    return (start_loss - fit.loss(fit.run.final)) / gap


def epochs_to_converge(fit: Fit, tolerance: float = 1e-6) -> float:
    """About how many epochs shrink the distance to the minimum by `tolerance` (inf if never).

    Each epoch multiplies the distance along the Hessian's eigenvectors by (1 - lr * h);
    the slowest of those factors sets the pace.
    """
    rate = max(abs(c) for c in line.contraction(fit.bowl, fit.config.loss, fit.config.learning_rate))
    if rate >= 1:
        return math.inf
    if rate == 0:
        return 1
    return math.ceil(math.log(tolerance) / math.log(rate))


def most_epochs(config) -> int:
    """The most epochs the config (and so the page's box) accepts."""
    return type(config).__dataclass_fields__["epochs"].metadata["high"]


def named(config) -> tuple[str, str]:
    """What y and one row are called in a sentence: ("price", "house") on the house data; an upload's y and "row"."""
    houses = config.data in SHIPPED
    return ("price" if houses and config.y == "price" else config.y), ("house" if houses else "row")


def trained_verdict(fit: Fit) -> Verdict:
    """The verdict of a run that is not plain full-batch descent: read from its losses, since the
    Hessian's rule for the largest stable rate holds only for plain steps."""
    run, config = fit.run, fit.config
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at epoch {run.diverged_at} {run.reason}, so the run stopped there. The steps grew until "
            f"the numbers no longer fit: try a smaller learning rate than {config.learning_rate:g}.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    losses = (
        f"the loss went from {written(first, 4)} to {written(last, 4)} "
        f"(the lowest possible is {written(fit.best_loss, 4)})"
    )
    noisy = (
        f" Each step saw only a batch of the {named(config)[1]}s, so the steps wobble around the way down."
        if (0 < config.batch_size < len(fit.x))
        else ""
    )
    if not last <= first:
        return Verdict(
            "diverging",
            f"Going the wrong way: {losses}. The steps overshoot the valley; try a smaller learning rate.{noisy}",
        )
    share = progress(fit)
    if share >= 0.999:
        return Verdict("converging", f"Converging: the ball rolls down to the bottom; {losses}.{noisy}")
    if share < 0.01:
        return Verdict(
            "crawling",
            f"Crawling: {losses}, only {100 * share:.2f}% of the way down. Raise the learning rate or add "
            f"epochs.{noisy}",
        )
    return Verdict(
        "converging",
        f"Converging: {losses}, {100 * share:.1f}% of the way down so far; more epochs would get closer.{noisy}",
    )


def verdict(fit: Fit) -> Verdict:
    """Converging, oscillating or diverging, in words a learner can follow."""
    if not fit.config.plain(len(fit.x)):
        return trained_verdict(fit)
    run, lr, lr_max = fit.run, fit.config.learning_rate, fit.max_stable_lr
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at epoch {run.diverged_at} {run.reason}, so the run stopped there. "
            f"The learning rate {lr:g} is above the largest stable rate for this data, "
            f"{written(lr_max, 4)} (2 / the largest eigenvalue of the loss's Hessian): every step "
            "overshoots the bottom of the valley by more than the last. "
            f"Try a learning rate below {written(lr_max, 4)}.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    losses = (
        f"the loss went from {written(first, 4)} to {written(last, 4)} "
        f"(the lowest possible is {written(fit.best_loss, 4)})"
    )
    if math.isclose(lr, lr_max, rel_tol=1e-6):
        return Verdict(
            "oscillating",
            f"Bouncing: {losses}. At exactly the largest stable learning rate, {written(lr_max, 4)}, "
            "each step lands as "
            "high up the other side of the valley as it started, so the ball bounces from wall to wall without "
            "settling. A little lower and it settles; a little higher and it flies off.",
        )
    if lr > lr_max:
        return Verdict(
            "diverging",
            f"Diverging: {losses}. Each step jumps across the valley and lands higher up the other "
            f"side. The largest stable learning rate here is {written(lr_max, 4)}; try one below it.",
        )
    share = progress(fit)
    steep = line.contraction(fit.bowl, fit.config.loss, lr)[1]  # the factor of the steepest direction
    if steep < 0:
        kind, how = (
            "oscillating",
            (
                "Oscillating: the guesses zig-zag from one side of the valley to the other, "
                "but each jump is smaller, so it still settles"
            ),
        )
    else:
        kind, how = "converging", "Converging: the ball rolls steadily downhill"
    more = epochs_to_converge(fit) if share < 0.999 else 0
    if steep >= 0 and share < 0.5 and more > most_epochs(fit.config):  # even the page's longest run falls short
        kind, how = "crawling", "Crawling: the ball rolls downhill, but its steps are so small that it has hardly moved"
    sentence = f"{how}; {losses}."
    if share < 0.999:
        pace = "it barely moves" if math.isinf(more) else f"it needs about {more:,} epochs in all to reach the bottom"
        if more > most_epochs(fit.config) and not math.isinf(more):
            pace += f", more than the {most_epochs(fit.config):,} the page allows: raise the learning rate"
        sentence += f" It has covered {100 * share:.1f}% of the way down; at this learning rate {pace}."
    return Verdict(kind, sentence)


def why_different(fit: Fit, reference: tuple[float, float], rtol: float = 1e-6) -> tuple[bool, str]:
    """Does the descent's line match `reference` (slope, intercept in data units)? And if not, why.

    Returns (agrees, sentence).
    """
    got = fit.in_data_units(fit.run.final)
    size = max(abs(value) for value in reference)  # a parameter near 0 is judged on the other's scale
    if all(math.isclose(a, b, rel_tol=rtol, abs_tol=rtol * size) for a, b in zip(got, reference)):
        return True, (
            f"They agree to within {written(rtol)} relative: after {len(fit.run.records)} epochs gradient descent has "
            "walked to the same bottom of the bowl that the formula jumps to directly."
        )
    lr, lr_max = fit.config.learning_rate, fit.max_stable_lr
    if not fit.config.plain(len(fit.x)):
        if fit.run.diverged_at is not None:
            return False, f"They differ because the descent diverged: {trained_verdict(fit).sentence}"
        return False, (
            f"They differ because the descent has not reached the bottom yet: after {fit.run.epochs} epochs its "
            f"slope is still {written(abs(got[0] - reference[0]), 4)} and its intercept "
            f"{written(abs(got[1] - reference[1]), 4)} "
            "away from the answer (in the data's units). "
            + (
                f"With mini-batches each step follows a few {named(fit.config)[1]}s, so the line keeps wobbling near "
                "the bottom "
                "instead of settling on it; a larger batch, or a schedule that lowers the rate, settles it."
                if 0 < fit.config.batch_size < len(fit.x)
                else "Add epochs, or change the learning rate."
            )
        )
    if fit.run.diverged_at is not None or lr >= lr_max:
        return False, (
            f"They differ because the descent diverged: the learning rate {lr:g} is at or above the largest "
            f"stable rate {written(lr_max, 4)}, so every step overshoots further. Lower it below {written(lr_max, 4)}."
        )
    rate = max(abs(c) for c in line.contraction(fit.bowl, fit.config.loss, lr))  # per-epoch shrink factor
    off = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(got, reference))  # relative distance now
    off = min(off, 1e300)  # a reference near 0 makes a distance of rounding "infinitely" far: count it as very far
    more = math.inf if rate >= 1 else max(1, math.ceil(math.log(rtol / off) / math.log(rate))) if rate > 0 else 1
    sentence = (
        f"They differ because the descent has not converged yet: after {len(fit.run.records)} epochs its slope "
        f"is still {written(abs(got[0] - reference[0]), 4)} and its intercept {written(abs(got[1] - reference[1]), 4)} "
        "away from the answer (in the data's units)"
    )
    room = most_epochs(fit.config) - len(fit.run.records)  # more epochs the page's box still allows
    if math.isinf(more) or more > room:
        sentence += (
            f", and at learning rate {lr:g} it would need "
            f"{'forever' if math.isinf(more) else f'about {more:,} more epochs'}"
            + ("" if math.isinf(more) else f", more than the {most_epochs(fit.config):,} the page allows")
            + ". The learning rate is too small for "
        )
        if fit.config.scale == "none":
            sentence += (
                "the shape of this loss: in raw units the bowl is long and narrow (the slope and the intercept "
                "pull in very different amounts), so a rate small enough for the steep side crawls along the "
                "flat one. Standardize the features, or raise the learning rate towards "
                f"{written(lr_max, 4)}."
            )
        else:
            sentence += f"this loss: raise it towards {written(lr_max, 4)}."
    else:
        sentence += (
            f"; about {more:,} more epoch{'s' if more > 1 else ''} would get within {written(rtol)} relative. "
            "Add epochs."
        )
    return False, sentence


def network_verdict(fit: NetworkFit, suggest: float = 0.05) -> Verdict:
    """Converging, crawling, diverging (the loss rose) or diverged (the numbers overflowed)."""
    run, lr = fit.run, fit.config.learning_rate
    name = "SSE" if fit.config.loss == "sse" else "MSE"
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at epoch {run.diverged_at} {run.reason}, so the run stopped there. The learning rate "
            f"{lr:g} is far too large: each step overshoots the valley and lands higher up the other side, further "
            f"each time. Try a smaller one, such as {suggest:g}.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    count = run.epochs  # epochs, not steps: a mini-batch run takes several steps per epoch
    went = f"the {name} went from {written(first)} to {written(last)} in {count:,} epoch{'' if count == 1 else 's'}"
    if not last <= first:
        return Verdict(
            "diverging",
            f"Going the wrong way: {went}. The steps are too big: each one jumps across the valley and lands "
            f"higher up. Try a smaller learning rate, such as {suggest:g}.",
        )
    if first - last < 1e-3 * first:
        return Verdict(
            "crawling",
            f"Barely moving: {went}. At learning rate {lr:g} each step is tiny; raise it (try {suggest:g}) or take "
            "more epochs.",
        )
    return Verdict(
        "converging",
        f"Going downhill: {went}. For comparison, always guessing the average {named(fit.config)[0]} gives "
        f"{written(baseline_loss(fit), 6)}.",
    )


def _g(value: float) -> str:
    """A number in words-and-digits: 3 significant digits, or "too large to store" for inf and nan."""
    return written(value, 3) if math.isfinite(value) else "too large to store"


def gradient_verdict(sizes: np.ndarray, one: str = "house") -> Verdict:
    """Vanishing, exploding or healthy, from the ratio of layer 1's gradient to the last layer's.

    ratio < 1e-3: vanishing; ratio > 1e3: exploding; otherwise healthy. Numbers that overflowed
    (inf or nan) and a last layer whose gradient is exactly 0 get their own sentences.
    """
    depth = len(sizes)
    bad = [layer for layer, size in enumerate(sizes, start=1) if not np.isfinite(size)]
    if bad:
        return Verdict(
            "overflow",
            f"Too large to store: from layer {max(bad)} down to layer {min(bad)} the gradients grew beyond the "
            "largest 64-bit float (about 1.8e308), so they cannot be shown. The product of the layers' "
            "factors exploded; try a smaller scale or fewer layers.",
        )
    first, last = float(sizes[0]), float(sizes[-1])
    if last == 0:
        return Verdict(
            "dead",
            f"No gradient at all: layer {depth}'s gradient is exactly 0 (its node is switched off or flat for "
            f"every {one}), so no layer gets a signal and nothing can move.",
        )
    ratio = first / last
    compare = f"layer 1's gradient is {_g(ratio)} times layer {depth}'s"
    if ratio < VANISHING:
        if first == 0:
            compare = f"layer 1's gradient is exactly 0 (too small for a 64-bit float), layer {depth}'s {_g(last)}"
        return Verdict(
            "vanishing",
            f"Vanishing: {compare}. A step that moves layer {depth} a useful amount barely moves layer 1, so "
            "the early layers hardly learn.",
        )
    if ratio > EXPLODING:
        return Verdict(
            "exploding",
            f"Exploding: {compare}. A learning rate small enough for layer {depth} is far too big for layer 1: "
            "its steps are too big to be useful, and the descent is thrown around or overflows.",
        )
    return Verdict(
        "healthy",
        f"Healthy: {compare}, within a factor of 1,000, so one learning rate can suit every layer.",
    )


def descent_verdict(fit: ChainFit) -> Verdict:
    """Blew up, stuck, blowing up, stalling or learning: what the descent's losses did, in words."""
    run, depth = fit.run, fit.config.depth
    moved = fit.moved  # (L,) how far each layer's bias went in all
    motion = f"Layer 1's bias moved {_g(moved[0])} in all, layer {depth}'s {_g(moved[-1])}."
    if run.diverged_at is not None and not run.records:
        return Verdict(
            "overflow",
            f"Blew up before the first step: at epoch 1 {run.reason}. The starting weights are already so large "
            "that the numbers do not fit; try a smaller scale or fewer layers.",
        )
    if run.diverged_at is not None:
        steps = len(run.records)
        return Verdict(
            "overflow",
            f"Blew up: at epoch {run.diverged_at} {run.reason}, so the run stopped there, after {steps} "
            f"step{'' if steps == 1 else 's'}. The steps were too big to be useful: they threw the weights far "
            "from any sensible value.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    if not math.isfinite(last):  # the last step was finite, but the loss after it is not
        return Verdict(
            "overflow",
            f"Blew up: after epoch {run.epochs} the loss grew too large to store in a 64-bit float. The "
            "steps were too big to be useful.",
        )
    epochs = f"{run.epochs} epoch{'' if run.epochs == 1 else 's'}"
    losses = f"the loss went from {written(first, 4)} to {written(last, 4)} in {epochs}"
    target, one = named(fit.config)
    average = f"guessing the average {target} for every {one} gives {written(fit.baseline, 4)}"
    # Once every gradient is 0 the step is 0, so the weights never change again.
    stuck = next((r.epoch for r in run.records if not np.any(r.gradient)), None)
    if stuck is not None:
        cut = (
            f"a whole layer of relus is switched off (z <= 0) for every {one}"
            if fit.config.activation == "relu"
            else f"a layer sits so far out on the flat part of the {fit.config.activation} that its slope is 0"
        )
        return Verdict(
            "stuck",
            f"Stuck: {losses}, but from epoch {stuck} on every gradient is exactly 0: {cut}, so no step can "
            f"change anything again. {motion}",
        )
    if last > 1.01 * first:
        return Verdict("blowing up", f"Blowing up: {losses}: each step lands higher than the last. {motion}")
    if last > 0.9 * fit.baseline:
        return Verdict(
            "stalling",
            f"Stalling: {losses}, while {average}: the chain has learned little more than the average. {motion}",
        )
    return Verdict(
        "learning",
        f"Learning: {losses}, below the {written(fit.baseline, 4)} that guessing the average {target} for every {one} "
        f"gives. {motion}",
    )


def ball_verdict(config, run) -> Verdict:
    """Crawling, converging, oscillating or diverging: the ball's roll down a curve (gdcore.curve), in words."""
    from gdcore import curve  # here, not at the top: curve imports the config, which the verdicts do not need

    steps = len(run.records)
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at step {run.diverged_at} {run.reason}, so the roll stopped there. Each step threw the "
            f"ball further up the other side than the last: try a smaller learning rate than {config.learning_rate:g}.",
        )
    ws = curve.path(run)
    bottoms, _ = curve.turning_points(config.curve)
    where = curve.valley(config.curve, ws[-1])
    target = bottoms[where] if where is not None else min(bottoms, key=lambda b: abs(b - ws[-1]))
    deepest = curve.bottom(config.curve)
    valley = (
        "the valley"
        if len(bottoms) == 1
        else "the deepest valley"
        if target == deepest
        else f"the valley at w = {written(target, 3)} (not the deepest: that one is at w = {written(deepest, 3)})"
    )
    d = [abs(w - target) for w in ws]  # how far from the bottom after each step
    flips = sum(1 for a, b in zip(ws, ws[1:]) if (a - target) * (b - target) < 0)
    tol = config.tolerance
    plain = config.optimizer == "gd" and config.schedule == "constant" and not config.warmup
    if d[-1] <= tol:
        arrived = len(d) - [x > tol for x in d][::-1].index(True) if d[0] > tol else 0
        if flips >= 2:
            return Verdict(
                "oscillating",
                f"Oscillating, but settling: the ball jumps from one side of the bottom of {valley} to the other, "
                f"each jump smaller than the last, and is within {tol:g} of it from step {arrived} on.",
            )
        return Verdict(
            "converging",
            f"Converging: the ball rolls down into {valley} and is within {tol:g} of its bottom from step {arrived} "
            "on.",
        )
    if d[-1] > d[0]:
        hint = (
            f" Near that bottom the curve bends so that the largest learning rate that settles is "
            f"{written(curve.largest_stable_rate(config.curve, target), 3)}; {config.learning_rate:g} is above it."
            if plain
            else ""
        )
        return Verdict(
            "diverging",
            "Diverging: each step lands further from the bottom, on the other side. "
            f"The ball started {written(d[0], 3)} "
            f"from the bottom of {valley} and is {written(d[-1], 3)} from it after {steps} steps.{hint}",
        )
    if flips >= 2:
        return Verdict(
            "oscillating",
            f"Oscillating: the ball zig-zags across {valley} and is still {written(d[-1], 3)} from its bottom "
            f"after {steps} steps.",
        )
    share = 1 - d[-1] / d[0]
    if share < 0.9:
        return Verdict(
            "crawling",
            f"Crawling: after {steps} steps the ball has covered {100 * share:.0f}% of the way to the bottom of "
            f"{valley}, with {written(d[-1], 3)} still to go. Raise the learning rate or take more steps.",
        )
    return Verdict(
        "converging",
        f"Converging: the ball rolls down into {valley}, {written(d[-1], 3)} from its bottom after {steps} steps; more "
        "steps would get it within "
        f"{tol:g}.",
    )


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
