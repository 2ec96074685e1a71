"""Placeholder: being written."""

import streamlit as st

from ui import router

router.ensure_router()
st.title("5_network")
