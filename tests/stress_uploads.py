"""Stress the pages with generated uploads: `python tests/stress_uploads.py` (500 files, about ten minutes).

Each file (tests/strategies.py: numbers from 1e-320 to 1.8e308, hostile names, broken structure) is uploaded on
one of the pages that run on an upload, through Streamlit's AppTest, and checked as tests/app/upload_fuzz.py says:
no exception, no NaN or inf on screen, names shown literally, every refusal one sentence, and the page works on the
house data after it. Prints what became of the files, per page, and every problem with the file that made it
(also written to artifacts/stress-uploads/, to upload by hand). Exits 1 if any file made a problem.

    python tests/stress_uploads.py --files 500 --seed 1
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "app"), str(REPO)]

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from upload_fuzz import PAGES, files, try_upload  # noqa: E402

OUT = REPO / "artifacts" / "stress-uploads"
# Any name, ending as the uploader asks (the browser's uploader refuses another ending before the app sees the file).
FILE_NAMES = st.builds(
    lambda stem, end: stem + end,
    st.one_of(
        st.sampled_from(("data", "[f](http://example.com/f) **f**")),
        st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30),  # no file system writes \0 or \n
    ),
    st.sampled_from((".csv", ".txt", ".CSV")),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500, help="how many files to try (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed: the same seed, the same files")
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's "no runtime" warnings, once per file
    OUT.mkdir(parents=True, exist_ok=True)
    tally: collections.Counter = collections.Counter()
    failures: list[tuple[str, str, list[str]]] = []
    start = time.monotonic()

    @seed(args.seed)
    @settings(
        max_examples=args.files,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        page=st.sampled_from(sorted(PAGES)),
        generated=files(rows=60, width=6),
        name=FILE_NAMES,
    )
    def one(page, generated, name) -> None:
        try:
            outcome, problems = try_upload(page, generated, name)
        except Exception as error:  # a failure of the harness or AppTest itself is a problem too, not a stop
            outcome, problems = "harness", [f"{type(error).__name__}: {error}"[:400]]
        tally[(page, outcome)] += 1
        if problems:
            number = len(failures) + 1
            (OUT / f"{number:03d}.csv").write_bytes(generated.data)
            failures.append((page, f"{OUT.name}/{number:03d}.csv (uploaded as {name!r})", problems))
        done = sum(tally.values())
        if done % 50 == 0:
            print(f"{done:,} files, {len(failures)} with problems, {time.monotonic() - start:.0f} s", flush=True)

    one()
    print(f"\n{sum(tally.values()):,} files in {time.monotonic() - start:.0f} s (seed {args.seed})\n")
    print(f"{'page':<24} {'refused':>8} {'columns refused':>16} {'ran':>6} {'harness':>8}")
    for page in sorted(PAGES):
        counts = [tally[(page, outcome)] for outcome in ("refused", "columns refused", "ran", "harness")]
        print(f"{Path(page).stem:<24} {counts[0]:>8} {counts[1]:>16} {counts[2]:>6} {counts[3]:>8}")
    for page, where, problems in failures:
        print(f"\n{page}, {where}:")
        for problem in problems[:5]:
            print(f"  - {problem}")
    print(f"\n{len(failures)} of {sum(tally.values()):,} files made a problem")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
