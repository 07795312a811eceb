"""Chart builders: pure functions from query results (pandas) to Altair charts.

No Streamlit here, so every builder is unit-tested on its own; one module per page of
app/pages/, and `base` for what they share. Each builder takes the language explicitly;
labels and tooltips are translated and numbers formatted the Dutch or the English way
(axes through a Vega-Lite number locale, tooltips as preformatted text). Inputs are small
aggregates from app/data/: the charts never see one row per relation.
"""
