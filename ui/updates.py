"""One step's update written out with its own numbers, for each optimizer, as LaTeX lines.

The numbers come from the step records (gdcore.descent.StepRecord): the gradient, the optimizer's
memory before and after the step, the learning rate, current and new. Nothing is recomputed here.
"""

from __future__ import annotations

from gdcore.descent import StepRecord
from gdcore.optimizers import DEFAULT_EPS, TABLE
from ui.fmt import tex

# Each rule in symbols, one equation a line (so a line fits a phone), shown above the numbers.
RULES_TEX = {optimizer.key: list(optimizer.symbols) for optimizer in TABLE}


def memory(record: StepRecord | None) -> dict[str, tuple[float, ...]]:
    """The optimizer's memory after `record` (all zeros before the first step)."""
    return dict(record.state) if record is not None else {}


def update_lines(config, record: StepRecord, previous: StepRecord | None) -> list[str]:
    """The step's arithmetic with this step's numbers: one short LaTeX equation per line, so that each
    fits a phone's width; the optimizer's memory carries the parameter's name as a subscript."""
    before, after = memory(previous), memory(record)
    eps = config.eps if config.eps is not None else DEFAULT_EPS.get(config.optimizer, 0.0)
    lr = tex(record.learning_rate)
    lines = []
    for i, name in enumerate(record.names):
        g, current, new = record.gradient[i], record.current[i], record.new[i]
        g_ = tex(g, wrap=True)
        was = {key: values[i] for key, values in before.items()}
        now = {key: values[i] for key, values in after.items()}
        sub = rf"_{{\text{{{name}}}}}"  # v_slope, m_w1, ...
        head = rf"\text{{{name}}} \leftarrow {tex(current)} - {lr} \times "
        if config.optimizer == "gd":
            lines.append(rf"{head}{g_} = {tex(new)}")
        elif config.optimizer in ("momentum", "nesterov"):
            mu, v = tex(config.momentum), now["velocity"]
            lines.append(rf"v{sub} = {mu} \times {tex(was.get('velocity', 0.0), wrap=True)} + {g_} = {tex(v)}")
            step = tex(v, wrap=True) if config.optimizer == "momentum" else rf"({g_} + {mu} \times {tex(v, wrap=True)})"
            lines.append(rf"{head}{step} = {tex(new)}")
        elif config.optimizer == "adagrad":
            total = now["sum_sq"]
            lines.append(rf"G{sub} = {tex(was.get('sum_sq', 0.0))} + {g_}^2 = {tex(total)}")
            lines.append(rf"{head}\frac{{{tex(g)}}}{{\sqrt{{{tex(total)}}} + {tex(eps)}}} = {tex(new)}")
        elif config.optimizer == "rmsprop":
            alpha, mean = tex(config.alpha), now["mean_sq"]
            lines.append(
                rf"E{sub} = {alpha} \times {tex(was.get('mean_sq', 0.0))} + (1 - {alpha}) \times {g_}^2 = {tex(mean)}"
            )
            lines.append(rf"{head}\frac{{{tex(g)}}}{{\sqrt{{{tex(mean)}}} + {tex(eps)}}} = {tex(new)}")
        else:  # adam
            b1, b2, s = tex(config.beta1), tex(config.beta2), record.step
            lines += [
                rf"m{sub} = {b1} \times {tex(was.get('m', 0.0), wrap=True)} + (1 - {b1}) \times {g_} = {tex(now['m'])}",
                rf"v{sub} = {b2} \times {tex(was.get('v', 0.0))} + (1 - {b2}) \times {g_}^2 = {tex(now['v'])}",
                rf"\hat m{sub} = \frac{{{tex(now['m'])}}}{{1 - {b1}^{{{s}}}}} = {tex(now['m_hat'])}",
                rf"\hat v{sub} = \frac{{{tex(now['v'])}}}{{1 - {b2}^{{{s}}}}} = {tex(now['v_hat'])}",
                rf"{head}\frac{{{tex(now['m_hat'])}}}{{\sqrt{{{tex(now['v_hat'])}}} + {tex(eps)}}} = {tex(new)}",
            ]
    return lines
