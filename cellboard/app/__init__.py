"""Streamlit helpers the pages share: the URL's filters, tables and downloads, drill-downs, the login gate."""
