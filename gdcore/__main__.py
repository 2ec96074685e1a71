"""The command line: `python -m gdcore descend ...` prints the ledger of a descent as CSV.

Instructors print it for handouts; the team uses it to check numbers by hand.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys

from gdcore.config import ACTIVATIONS, LOSSES, SCALES, DescentConfig, NetworkConfig
from gdcore.data import DataError, load_xy, read_table, select_columns
from gdcore.descent import LEDGER_COLUMNS, ledger_rows
from gdcore.experiment import fit_line, fit_network

DESCRIPTION = """\
Run gradient descent and print the ledger as CSV on stdout: one row per parameter per epoch,
with the columns epoch,parameter,current,gradient,learning_rate,new,loss. `loss` is the loss at
`current` on the whole data set, `gradient` its exact derivative, new = current - learning_rate
* gradient, and the next epoch starts from `new`. Numbers are printed in full (repr-exact floats).

--model line (default): prediction = slope * x + intercept; parameters slope, intercept.

--model network: --x names three columns, comma-separated (x1,x2,x3); inputs and target are
always standardized ((value - mean) / population std) and the loss is on the standardized target:
    h1 = act(w1*x1 + w2*x2 + w3*x3 + b1)
    h2 = act(w4*x1 + w5*x2 + w6*x3 + b2)
    prediction = w7*h1 + w8*h2
with act from --activation; parameters w1..w8, b1, b2, started from Normal(0, 1) drawn with --seed
(default 0), exactly as the app's network page does.

If the numbers overflow, the rows up to the last finite epoch are printed, the line
"diverged at epoch K: <reason>" goes to stderr, and the exit status is still 0.
Bad input prints one line on stderr and exits with status 2.
"""

EPILOG = """\
examples:
  python -m gdcore descend --data data/windsor_housing.csv --x bedrooms --y price \\
      --lr 0.2 --epochs 40 --loss mse --scale standardize --seed 8
  python -m gdcore descend --model network --data data/windsor_housing.csv \\
      --x bedrooms,bathrms,lotsize --y price --lr 0.05 --epochs 500 --loss mse --seed 0
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
        "--x",
        required=True,
        metavar="COL",
        help="the feature column (names may contain spaces: quote them); for --model network, three "
        "columns separated by commas",
    )
    descend.add_argument("--y", required=True, metavar="COL", help="the target column")
    descend.add_argument("--lr", required=True, type=positive_float, metavar="FLOAT", help="the learning rate, above 0")
    descend.add_argument("--epochs", required=True, type=count(1), metavar="INT", help="how many steps, at least 1")
    descend.add_argument("--model", choices=("line", "network"), default="line", help="the model (default: line)")
    descend.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        help="the hidden nodes' activation, for --model network only (default: sigmoid)",
    )
    descend.add_argument(
        "--loss", choices=LOSSES, default="sse", help="sum (sse) or mean (mse) of squared errors (default: sse)"
    )
    descend.add_argument(
        "--scale",
        choices=SCALES,
        help="standardize: replace x and y by (value - mean) / population std; the parameters then "
        "live in that scaled space (default: none for a line; a network always standardizes)",
    )
    descend.add_argument("--init-slope", type=finite_float, metavar="FLOAT", help="starting slope (default 0)")
    descend.add_argument("--init-intercept", type=finite_float, metavar="FLOAT", help="starting intercept (default 0)")
    descend.add_argument(
        "--seed",
        type=count(0),
        metavar="INT",
        help="draw the starting values at random from this seed, as the app does (for a line, instead "
        "of --init-slope and --init-intercept; for a network, default 0)",
    )
    return parser


def config_from_args(args: argparse.Namespace) -> DescentConfig | NetworkConfig:
    typed = args.init_slope is not None or args.init_intercept is not None
    if args.model == "network":
        names = [name.strip() for name in args.x.split(",")]
        if len(names) != 3 or not all(names):
            raise ValueError(f"--model network needs three input columns in --x, separated by commas, not {args.x!r}")
        if typed:
            raise ValueError("--init-slope and --init-intercept are for --model line; a network starts from --seed")
        if args.scale == "none":
            raise ValueError("--model network always standardizes its inputs and target: drop --scale none")
        return NetworkConfig(
            learning_rate=args.lr,
            epochs=args.epochs,
            loss=args.loss,
            activation=args.activation or "sigmoid",
            seed=args.seed or 0,
            x1=names[0],
            x2=names[1],
            x3=names[2],
            y=args.y,
        )
    if args.activation is not None:
        raise ValueError("--activation is for --model network; a line has no activation")
    if typed and args.seed is not None:
        raise ValueError("give either --seed or --init-slope/--init-intercept, not both")
    return DescentConfig(
        learning_rate=args.lr,
        epochs=args.epochs,
        loss=args.loss,
        scale=args.scale or "none",
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
        if isinstance(config, NetworkConfig):
            fit = fit_network(config, *select_columns(read_table(args.data), config.inputs, config.y))
        else:
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
