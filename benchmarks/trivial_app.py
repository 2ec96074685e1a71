"""The reference for benchmarks/clicks.py: one button, one number, nothing else."""

import streamlit as st

st.title("Trivial")
if st.button("Next epoch"):
    st.session_state.count = st.session_state.get("count", 0) + 1
st.write(f"Epoch {st.session_state.get('count', 0)} of 40")
