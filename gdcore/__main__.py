"""The command line: `python -m gdcore descend ...` prints the ledger of a descent as CSV.

Instructors print it for handouts; the team uses it to check numbers by hand.
"""

from __future__ import annotations

import argparse
import csv
import sys
import textwrap
from dataclasses import fields

from gdcore.config import describe_range, kind_of, link_text, parse_value
from gdcore.data import WINDSOR, DataError, read_table
from gdcore.descent import ledger_columns, ledger_rows
from gdcore.models import MODELS, model_of
from gdcore.optimizers import TABLE

DESCRIPTION = """\
Run gradient descent and print the ledger as CSV on stdout: one row per parameter per step,
with the columns epoch,parameter,current,gradient,learning_rate,new,loss. `loss` is the loss at
`current` on the whole data set, `gradient` its exact derivative on the step's rows, new =
current - learning_rate * gradient for plain descent, and the next step starts from `new`.
Numbers are printed in full (repr-exact floats). Every option has a default, the app's: with
none at all this prints the descent page's default run.

{optimizers}
Schedules give epoch t's rate: constant lr; step lr * gamma^floor((t-1)/every); exponential
lr * gamma^(t-1); cosine lr_min + (lr - lr_min)(1 + cos(pi (t-1)/epochs))/2; --warmup W
multiplies it by t/W while t <= W. --batch-size B: each epoch passes over all rows in batches of
B (the last may be smaller), freshly shuffled from the seed unless --shuffle no; on a batch, sse
is the sum over its rows and mse their mean.

{models}

If the numbers overflow, the rows up to the last finite step are printed, the line
"diverged at epoch K: <reason>" goes to stderr, and the exit status is still 0.
Bad input prints one line on stderr and exits with status 2.
"""


def optimizers_help() -> str:
    """The help's paragraph on the optimizers' columns, and each optimizer's rule (gdcore.optimizers.TABLE)."""
    kept: dict[str, list[str]] = {}
    for optimizer in TABLE:
        if optimizer.remembers:
            kept.setdefault(", ".join(optimizer.remembers), []).append(optimizer.key)
    memories = ", ".join(f"{names} ({', '.join(keys)})" for names, keys in kept.items())
    paragraph = (
        "When the optimizer, the schedule or the batch size is not the default, these columns follow: step (counted "
        "from 1 across epochs), update (new = current - update), rows (the 0-based rows of the step's batch, "
        f"separated by spaces), and the optimizer's memory after the step: {memories}."
    )
    width = max(len(optimizer.key) for optimizer in TABLE) + 2
    rules = [f"  {o.key:<{width}}{o.formula.replace(chr(10), chr(10) + ' ' * (width + 2))}" for o in TABLE]
    return "\n".join([textwrap.fill(paragraph, 96), *rules])


EPILOG = """\
examples:
  python -m gdcore descend --data data/windsor_housing.csv --x bedrooms --y price \\
      --lr 0.2 --epochs 40 --loss mse --scale standardize --seed 8
  python -m gdcore descend --model network --data data/windsor_housing.csv \\
      --x bedrooms,bathrms,lotsize --y price --lr 0.05 --epochs 500 --loss mse --seed 0
  python -m gdcore descend --optimizer adam --lr 0.1 --batch-size 32 --epochs 5

"""


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument gives one line on stderr instead of a usage block."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see python -m gdcore descend --help)\n")


RUNS = {model.key: model for model in MODELS if model.command}  # the models it runs: line, network
CONFIGS = {key: model.config for key, model in RUNS.items()}
FIRST = next(iter(RUNS))  # --model's default: the lesson's first model, the line


def option_type(f):
    """Parse an option's text as the config field f's metadata says: its type, its range."""

    def parse(text: str):
        try:
            return parse_value(text, f)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None

    parse.__name__ = kind_of(f).__name__  # what argparse names in "invalid <type> value"
    return parse


def default_text(name: str) -> str:
    """The default of config field `name`, for the help: one value, or one per model where they differ."""
    values = {model: getattr(cls(), name) for model, cls in CONFIGS.items() if name in cls.__dataclass_fields__}
    shown = {model: "the optimizer's own" if value is None else link_text(value) for model, value in values.items()}
    if len(set(shown.values())) == 1:
        return next(iter(shown.values()))
    return ", ".join(f"{model} {value}" for model, value in shown.items())


def add_config_options(command: argparse.ArgumentParser, model: str) -> None:
    """One option per config field that has a command-line name, parsed and checked as the app checks
    the same field (the chosen model's field where the two models differ)."""
    seen = set()
    for cls in (CONFIGS[model], *CONFIGS.values()):
        for f in fields(cls):
            option = f.metadata.get("cli")
            if not option or option in seen:
                continue
            seen.add(option)
            meta = f.metadata
            help_text = f"{meta['help'] or meta['label']} (default: {default_text(f.name)})"
            if meta["choices"]:
                help_text = (
                    f"{meta['help'] or meta['label']}: {'|'.join(meta['choices'])} (default: {default_text(f.name)})"
                )
                command.add_argument(f"--{option}", choices=meta["choices"], metavar=f.name.upper(), help=help_text)
            elif kind_of(f) is bool:
                command.add_argument(f"--{option}", type=option_type(f), metavar="yes|no", help=help_text)
            else:
                if meta["low"] is not None:
                    help_text += f"; {describe_range(f)}"
                metavar = "INT" if kind_of(f) is int else "FLOAT"
                command.add_argument(f"--{option}", type=option_type(f), metavar=metavar, help=help_text)


def peek_model(argv: list[str]) -> str:
    """The --model the command line asks for (line if none or unknown), before the full parse."""
    peek = argparse.ArgumentParser(add_help=False)
    peek.add_argument("--model", default=FIRST)
    model = peek.parse_known_args(argv)[0].model
    return model if model in CONFIGS else FIRST


def build_parser(model: str = FIRST) -> argparse.ArgumentParser:
    parser = Parser(prog="python -m gdcore", description="Gradient descent, every number shown.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    descend = commands.add_parser(
        "descend",
        help="print the ledger of a gradient descent as CSV",
        description=DESCRIPTION.format(
            optimizers=optimizers_help(), models="\n\n".join(model.command.about for model in RUNS.values())
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    descend.add_argument(
        "--data",
        default=str(WINDSOR),
        metavar="PATH",
        help="a CSV file with a header row (default: the Windsor houses)",
    )
    descend.add_argument(
        "--x",
        metavar="COL",
        help="the feature column (names may contain spaces: quote them); for --model network, three "
        f"columns separated by commas (default: {', '.join(f'{key} {run.command.x}' for key, run in RUNS.items())})",
    )
    y = CONFIGS[FIRST]().y
    descend.add_argument("--y", default=y, metavar="COL", help=f"the target column (default: {y})")
    descend.add_argument("--model", choices=tuple(RUNS), default=FIRST, help=f"the model (default: {FIRST})")
    add_config_options(descend, model)
    for run in RUNS.values():  # each model's own options, offered with every model: the other model says no in words
        if run.command.options:
            run.command.options(descend)
    return parser


def given(args: argparse.Namespace, cls) -> dict:
    """The config fields the command line set: every option left out keeps the app's default."""
    values = {}
    for f in fields(cls):
        option = f.metadata.get("cli")
        value = getattr(args, option.replace("-", "_"), None) if option else None
        if value is not None:
            values[f.name] = value
    return values


def config_from_args(args: argparse.Namespace):
    """The config of the model the command line asks for, from the options given (ValueError if they clash)."""
    return RUNS[args.model].command.config(args, given(args, CONFIGS[args.model]))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(peek_model(argv))
    if not argv:
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
        fit = model_of(config).fit(config, read_table(args.data))
    except (ValueError, DataError) as error:  # DataError's sentence is meant for people
        print(f"error: {error}", file=sys.stderr)
        return 2
    extended = not config.plain(fit.rows)  # the step, update, rows and state columns, when they say something
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(ledger_columns(config.optimizer, extended))
    writer.writerows(ledger_rows(fit.run.records, extended))  # csv writes floats with repr: exact
    if fit.run.diverged_at is not None:
        print(f"diverged at epoch {fit.run.diverged_at}: {fit.run.reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        sys.exit(0)
