"""One step's update written out with its own numbers, for each optimizer, as LaTeX lines.

The numbers come from the step records (gdcore.descent.StepRecord): the gradient, the optimizer's
memory before and after the step, the learning rate, current and new. Nothing is recomputed here.
"""

from __future__ import annotations

import re

from gdcore.descent import StepRecord
from gdcore.optimizers import BY_KEY, DEFAULT_EPS, TABLE
from ui.fmt import tex

# Each rule in symbols, one equation a line (so a line fits a phone), shown above the numbers.
RULES_TEX = {optimizer.key: list(optimizer.symbols) for optimizer in TABLE}


def memory(record: StepRecord | None) -> dict[str, tuple[float, ...]]:
    """The optimizer's memory after `record` (all zeros before the first step)."""
    return dict(record.state) if record is not None else {}


# A hyperparameter's name in an optimizer's numbers (gdcore.optimizers.TABLE) and in the config.
HYPER = {"mu": "momentum", "alpha": "alpha", "b1": "beta1", "b2": "beta2"}
SLOT = re.compile(r"⟨(\(?)(\w+)\)?⟩")


def update_lines(config, record: StepRecord, previous: StepRecord | None) -> list[str]:
    """The step's arithmetic with this step's numbers: one short LaTeX equation per line, so that each
    fits a phone's width; the optimizer's memory carries the parameter's name as a subscript. Each line is
    the optimizer's own template (gdcore.optimizers.TABLE: ⟨name⟩ a number, ⟨(name)⟩ one in parentheses
    when negative, ⟨was_name⟩ its memory before the step)."""
    before, after = memory(previous), memory(record)
    eps = config.eps if config.eps is not None else DEFAULT_EPS.get(config.optimizer, 0.0)
    shared = {"lr": record.learning_rate, "eps": eps}
    shared |= {short: getattr(config, name) for short, name in HYPER.items() if hasattr(config, name)}
    lines = []
    for i, name in enumerate(record.names):
        values = shared | {"g": record.gradient[i], "current": record.current[i], "new": record.new[i]}
        values |= {key: numbers[i] for key, numbers in after.items()}
        values |= {f"was_{key}": before.get(key, (0.0,) * len(record.names))[i] for key in after}
        raw = {"sub": rf"_{{\text{{{name}}}}}", "s": str(record.step)}  # v_slope, m_w1, ...; the step's number
        raw["head"] = rf"\text{{{name}}} \leftarrow ⟨current⟩ - ⟨lr⟩ \times "
        lines += [filled(template, values, raw) for template in BY_KEY[config.optimizer].numbers]
    return lines


def filled(template: str, values: dict[str, float], raw: dict[str, str]) -> str:
    """An optimizer's template with the step's numbers: ⟨name⟩ a number, or LaTeX of its own (raw); ⟨(name)⟩ a
    number in parentheses when it is negative, as after "×" or "+"."""

    def one(slot: re.Match) -> str:
        return raw[slot[2]] if slot[2] in raw else tex(values[slot[2]], wrap=bool(slot[1]))

    return SLOT.sub(one, template.replace("⟨head⟩", raw["head"]))
