"""One step's update written out with its own numbers, for each optimizer, as LaTeX lines.

The numbers come from the step records (gdcore.descent.StepRecord): the gradient, the optimizer's
memory before and after the step, the learning rate, current and new. Nothing is recomputed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gdcore.descent import StepRecord
from gdcore.optimizers import BY_KEY, TABLE
from ui.fmt import tex

# Each rule in symbols, one equation a line (so a line fits a phone), shown above the numbers.
RULES_TEX = {optimizer.key: list(optimizer.symbols) for optimizer in TABLE}


def memory(record: StepRecord | None) -> dict[str, tuple[float, ...]]:
    """The optimizer's memory after `record` (all zeros before the first step)."""
    return dict(record.state) if record is not None else {}


SLOT = re.compile(r"⟨(\(?)(\w+)\)?⟩")


def update_lines(
    optimizer: str, hyper: Mapping[str, float | None], record: StepRecord, previous: StepRecord | None
) -> list[str]:
    """The step's arithmetic with this step's numbers: one short LaTeX equation per line, so that each
    fits a phone's width; the optimizer's memory carries the parameter's name as a subscript. Each line is
    the optimizer's own template (gdcore.optimizers.TABLE: ⟨name⟩ a number, ⟨(name)⟩ one in parentheses
    when negative, ⟨was_name⟩ its memory before the step). `hyper`: its settings by name (None: its default)."""
    before, after = memory(previous), memory(record)
    rule = BY_KEY[optimizer]
    shared = {"lr": record.learning_rate} | {
        s.short: value for s, value in zip(rule.settings, rule.own(hyper).values())
    }
    lines = []
    for i, name in enumerate(record.names):
        values = shared | {"g": record.gradient[i], "current": record.current[i], "new": record.new[i]}
        values |= {key: numbers[i] for key, numbers in after.items()}
        values |= {f"was_{key}": before.get(key, (0.0,) * len(record.names))[i] for key in after}
        raw = {"sub": rf"_{{\text{{{name}}}}}", "s": str(record.step)}  # v_slope, m_w1, ...; the step's number
        raw["head"] = rf"\text{{{name}}} \leftarrow ⟨current⟩ - ⟨lr⟩ \times "
        lines += [filled(template, values, raw) for template in rule.numbers]
    return lines


def filled(template: str, values: dict[str, float], raw: dict[str, str]) -> str:
    """An optimizer's template with the step's numbers: ⟨name⟩ a number, or LaTeX of its own (raw); ⟨(name)⟩ a
    number in parentheses when it is negative, as after "×" or "+"."""

    def one(slot: re.Match) -> str:
        return raw[slot[2]] if slot[2] in raw else tex(values[slot[2]], wrap=bool(slot[1]))

    return SLOT.sub(one, template.replace("⟨head⟩", raw["head"]))


def written_out(optimizer: str, hyper: Mapping[str, float | None], run, k: int, name: str) -> list[str]:
    """The LaTeX of epoch k + 1's last step for one parameter, as a page writes it out after Next (the prediction
    box's reveal): that parameter's lines of update_lines, headed by the step's number when the epoch took several."""
    latest = run.epoch_records(k + 1)[-1]
    previous = run.records[latest.step - 2] if latest.step > 1 else None  # record i is step i + 1
    mine = [text for text in update_lines(optimizer, hyper, latest, previous) if rf"\text{{{name}}}" in text]
    many = len(run.epoch_records(k + 1)) > 1
    return ([rf"\text{{(the epoch's last step, step {latest.step})}}"] if many else []) + mine
