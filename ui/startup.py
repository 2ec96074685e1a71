"""Run once per server process, before the first page: import the heavy libraries, then freeze.

Streamlit runs a full garbage collection after every rerun (runner.postScriptGC). With streamlit,
plotly, pandas and scikit-learn loaded that walks about a million long-lived objects: 94 ms a rerun
on the reference machine (benchmarks/bench.py). gc.freeze() moves everything alive now out of the
collector's sight, so each rerun's collection only looks at what the rerun made.
"""

import gc

import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import sklearn.linear_model  # noqa: F401
import streamlit  # noqa: F401

import gdcore  # noqa: F401

gc.freeze()
