"""Historie: compare any two refresh dates of marts.segment_history: migration matrices of
kind, pyramid level, ABC class and service level, and the relations behind a cell."""

import streamlit as st

from app import filters, i18n, layout
from app.charts import history as charts
from app.data import history as queries
from app.formatting import fmt_date, fmt_int
from app.i18n import t

layout.page_header("page.history")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
st.markdown(t("history.intro"))
if chosen.is_active():
    st.caption(filters.describe(chosen))

dates = queries.snapshot_dates()
if not dates:
    st.info(t("history.empty"))
    st.stop()

left, right = st.columns(2)
# The format is bound to this run's language (Streamlit calls it again outside the run).
date_from = left.selectbox(
    t("history.from"), dates, index=0, format_func=lambda d: fmt_date(d, lang), key="history_from"
)
date_to = right.selectbox(
    t("history.to"),
    dates,
    index=len(dates) - 1,
    format_func=lambda d: fmt_date(d, lang),
    key="history_to",
)
if len(dates) == 1:
    st.caption(t("history.one_date", date=fmt_date(dates[0])))

tabs = st.tabs([t(f"history.dim.{dimension}") for dimension in queries.DIMENSIONS])
for tab, dimension in zip(tabs, queries.DIMENSIONS, strict=True):
    with tab:
        matrix = queries.migration(dimension, date_from, date_to, chosen)
        if matrix.empty:
            st.info(t("rows.none"))
            continue
        moved = int(matrix.loc[matrix["from_value"] != matrix["to_value"], "relations"].sum())
        st.caption(
            t(
                "history.summary",
                moved=fmt_int(moved),
                total=fmt_int(int(matrix["relations"].sum())),
            )
        )
        layout.chart(
            charts.migration_chart(matrix, dimension, date_from, date_to, lang),
            key=f"history_chart_{dimension}",
        )
        # The cells, largest movement first (the diagonal after every movement).
        cells = matrix.assign(stayed=matrix["from_value"] == matrix["to_value"]).sort_values(
            ["stayed", "relations"], ascending=[True, False]
        )
        options = list(zip(cells["from_value"], cells["to_value"], strict=True))
        counts = dict(zip(options, cells["relations"], strict=True))
        cell = st.selectbox(
            t("history.cell"),
            options,
            format_func=lambda pair, d=dimension, n=counts: t(
                "history.cell.option",
                source=charts.value_label(d, pair[0], lang),
                target=charts.value_label(d, pair[1], lang),
                n=fmt_int(n[pair]),
            ),
            key=f"history_cell_{dimension}",
        )
        rows, total = queries.cell_relations(
            dimension, date_from, date_to, cell[0], cell[1], chosen
        )
        for column in ("from_value", "to_value"):
            rows[column] = rows[column].map(lambda v, d=dimension: charts.value_label(d, v, lang))
        layout.table(rows, total, key=f"history_rows_{dimension}")
