"""The command line: `python -m gdcore descend ...` prints the ledger of a descent as CSV.

Instructors print it for handouts; the team uses it to check numbers by hand.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys

from gdcore.config import LOSSES, SCALES, DescentConfig
from gdcore.data import DataError, load_xy
from gdcore.descent import LEDGER_COLUMNS, ledger_rows
from gdcore.experiment import fit_line

DESCRIPTION = """\
Run gradient descent on a straight line, prediction = slope * x + intercept, and print the
ledger as CSV on stdout: one row per parameter per epoch, with the columns
epoch,parameter,current,gradient,learning_rate,new,loss. `loss` is the loss at `current` on the
whole data set, `gradient` its exact derivative, new = current - learning_rate * gradient, and
the next epoch starts from `new`. Numbers are printed in full (repr-exact floats).

If the numbers overflow, the rows up to the last finite epoch are printed, the line
"diverged at epoch K: <reason>" goes to stderr, and the exit status is still 0.
Bad input prints one line on stderr and exits with status 2.
"""

EPILOG = """\
example:
  python -m gdcore descend --data data/windsor_housing.csv --x bedrooms --y price \\
      --lr 0.1 --epochs 25 --loss mse --scale standardize --seed 0
"""


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument gives one line on stderr instead of a usage block."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see python -m gdcore descend --help)\n")


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number above 0")
    return value


def finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number")
    return value


def count(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {low}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m gdcore", description="Gradient descent, every number shown.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    descend = commands.add_parser(
        "descend",
        help="print the ledger of a gradient descent as CSV",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    descend.add_argument("--data", required=True, metavar="PATH", help="a CSV file with a header row")
    descend.add_argument(
        "--x", required=True, metavar="COL", help="the feature column (names may contain spaces: quote them)"
    )
    descend.add_argument("--y", required=True, metavar="COL", help="the target column")
    descend.add_argument("--lr", required=True, type=positive_float, metavar="FLOAT", help="the learning rate, above 0")
    descend.add_argument("--epochs", required=True, type=count(1), metavar="INT", help="how many steps, at least 1")
    descend.add_argument("--model", choices=("line",), default="line", help="the model (default: line)")
    descend.add_argument(
        "--loss", choices=LOSSES, default="sse", help="sum (sse) or mean (mse) of squared errors (default: sse)"
    )
    descend.add_argument(
        "--scale",
        choices=SCALES,
        default="none",
        help="standardize: replace x and y by (value - mean) / population std; the parameters then "
        "live in that scaled space (default: none)",
    )
    descend.add_argument("--init-slope", type=finite_float, metavar="FLOAT", help="starting slope (default 0)")
    descend.add_argument("--init-intercept", type=finite_float, metavar="FLOAT", help="starting intercept (default 0)")
    descend.add_argument(
        "--seed",
        type=count(0),
        metavar="INT",
        help="draw the starting slope and intercept at random from this seed, as the app does "
        "(instead of --init-slope and --init-intercept)",
    )
    return parser


def config_from_args(args: argparse.Namespace) -> DescentConfig:
    typed = args.init_slope is not None or args.init_intercept is not None
    if typed and args.seed is not None:
        raise ValueError("give either --seed or --init-slope/--init-intercept, not both")
    return DescentConfig(
        learning_rate=args.lr,
        epochs=args.epochs,
        loss=args.loss,
        scale=args.scale,
        start="random" if args.seed is not None else "typed",
        seed=args.seed or 0,
        init_slope=args.init_slope or 0.0,
        init_intercept=args.init_intercept or 0.0,
        x=args.x,
        y=args.y,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
        fit = fit_line(config, load_xy(args.data, config.x, config.y))
    except (ValueError, DataError) as error:  # DataError's sentence is meant for people
        print(f"error: {error}", file=sys.stderr)
        return 2
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    writer.writerows(ledger_rows(fit.run.records))  # csv writes floats with repr: exact
    if fit.run.diverged_at is not None:
        print(f"diverged at epoch {fit.run.diverged_at}: {fit.run.reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        sys.exit(0)
