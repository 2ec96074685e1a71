"""Everything that touches streamlit: controls, charts (plotly figures, and ECharts options for the
stepping pages), tables and cached wrappers."""
