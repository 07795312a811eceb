"""Klantenpiramide: relations and revenue per level of the customer pyramid."""

import streamlit as st

from app import data

st.title("Klantenpiramide")
try:
    counts = data.pyramid_counts()
except data.WarehouseNotBuilt as error:
    st.info(f"Nog geen gegevens: {error}")
    st.stop()

st.caption(f"Peildatum: {data.as_of_date()}")
st.dataframe(counts, hide_index=True)
