"""Everything that touches streamlit or plotly: controls, charts, tables and cached wrappers."""
