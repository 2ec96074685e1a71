"""Run once per server process, before the first page: import the heavy libraries, then freeze.

Streamlit runs a full garbage collection after every rerun (runner.postScriptGC). With streamlit,
plotly, pandas and scikit-learn loaded that walks about a million long-lived objects: 94 ms a rerun
on the reference machine (benchmarks/bench.py). gc.freeze() moves everything alive now out of the
collector's sight, so each rerun's collection only looks at what the rerun made.

scikit-learn is imported a few seconds later, in the background, so the first page does not wait
for it (it took 1.2 s of a cold start of about 4 s).
"""

import gc
import threading

import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import streamlit  # noqa: F401

import gdcore  # noqa: F401

gc.freeze()


def _import_scikit_learn() -> None:
    """scikit-learn takes 1.2 s to import and only the check page uses it: import it once the first page is
    drawn, then freeze again. A visit to the check page before then imports it itself (Python's import lock
    makes the two wait for each other, never import twice)."""
    import sklearn.linear_model  # noqa: F401

    gc.freeze()


_later = threading.Timer(5.0, _import_scikit_learn)
_later.daemon = True  # a server stopping within the five seconds does not wait for it
_later.start()
