"""customer-pyramid dashboard: the entry script and router (`make app`)."""

import streamlit as st

st.set_page_config(page_title="Klantenpiramide", layout="wide")

pages = [
    st.Page("pages/pyramid.py", title="Klantenpiramide", default=True),
]
st.navigation(pages).run()
