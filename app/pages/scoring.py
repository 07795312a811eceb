"""Klantwaardering: the customer matrix, the score distribution and one score explained."""

import streamlit as st

from app import filters, i18n, layout
from app.charts import scoring as charts
from app.data import scoring as queries
from app.data.parameters import drawn_parameters
from app.formatting import fmt_eur, fmt_int, fmt_number, fmt_pct, fmt_raw_value
from app.i18n import t

layout.page_header("page.scoring")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
settings = drawn_parameters()
st.markdown(t("score.intro"))
if chosen.is_active():
    st.caption(filters.describe(chosen))

groups = queries.score_groups(chosen)
if groups.empty:
    st.info(t("score.empty"))
    st.stop()

by_group = groups.set_index("customer_group")
group_columns = st.columns(len(i18n.CUSTOMER_GROUPS))
for column, group in zip(group_columns, i18n.CUSTOMER_GROUPS, strict=True):
    count = int(by_group["customers"].get(group, 0))
    revenue = by_group["revenue_12m"].get(group, 0)
    column.metric(
        i18n.label("customer_group", group),
        fmt_int(count),
        fmt_eur(revenue),
        delta_color="off",
        delta_arrow="off",
    )

left, right = st.columns([3, 2])
with left:
    st.subheader(t("score.matrix"))
    cells = queries.score_matrix(chosen)
    layout.chart(
        charts.score_matrix_chart(
            cells,
            lang,
            settings["matrix_relationship_threshold"],
            settings["matrix_buying_threshold"],
            queries.SCORE_BIN,
        )
    )
    st.caption(
        t(
            "score.matrix.caption",
            step=fmt_number(queries.SCORE_BIN, decimals=1),
            rel=fmt_number(settings["matrix_relationship_threshold"], decimals=1),
            buy=fmt_number(settings["matrix_buying_threshold"], decimals=1),
        )
    )
with right:
    st.subheader(t("score.total"))
    histogram = queries.score_histogram(chosen)
    layout.chart(
        charts.score_histogram_chart(
            histogram, lang, settings["score_cutoff"], queries.SCORE_HISTOGRAM_BIN
        )
    )
    customers = int(groups["customers"].sum())
    passing = int(groups["passes_cutoff"].sum())
    st.caption(
        t(
            "score.cutoff.caption",
            passes=fmt_int(passing),
            n=fmt_int(customers),
            cutoff=fmt_number(settings["score_cutoff"], decimals=1),
            share=fmt_pct(passing / customers if customers else 0),
        )
    )
    st.subheader(t("score.groups"))
    layout.table(groups, columns=["customer_group", "customers", "customer_share", "revenue_12m"])


def explain_customer() -> None:
    """One customer's score, criterion by criterion."""
    st.subheader(t("score.explain"))
    search = st.text_input(t("filter.search"), key="score_search")
    candidates = queries.score_search(chosen, search.strip() or None)
    if candidates.empty:
        st.info(t("score.pick.none"))
        return
    names = {
        row.relation_id: f"{row.relation_name} ({row.relation_id}) · "
        f"{fmt_number(row.total_score, decimals=2)}"
        for row in candidates.itertuples()
    }
    if st.session_state.get("score_relation") not in names:
        st.session_state["score_relation"] = next(iter(names))
    relation_id = st.selectbox(
        t("score.pick"), list(names), key="score_relation", format_func=names.get
    )
    st.caption(t("score.pick.caption", n=len(candidates)))

    score = queries.score_of(relation_id)
    components = queries.score_components(relation_id)
    if not score.empty:
        row = score.iloc[0]
        st.markdown(
            t(
                "score.explain.caption",
                name=f"**{row['relation_name']}**",
                total=f"**{fmt_number(row['total_score'], decimals=2)}**",
                rank=fmt_int(row["score_rank"]),
                group=i18n.label("customer_group", row["customer_group"]),
                cutoff=t("score.passes" if row["passes_cutoff"] else "score.fails"),
            )
        )
    explained = components.copy()
    explained["raw_value"] = [
        fmt_raw_value(criterion, value)
        for criterion, value in zip(explained["criterion"], explained["raw_value"], strict=True)
    ]
    chart_column, _ = st.columns([1, 1])
    with chart_column:
        layout.chart(charts.score_components_chart(components, lang))
    layout.table(
        explained,
        columns=["criterion", "axis", "raw_value", "band", "score", "weight", "contribution"],
        key="score_components",
    )


def explain_prospects() -> None:
    """The best-rated prospects and one prospect's rating, criterion by criterion."""
    st.subheader(t("score.prospects"))
    st.caption(t("score.prospects.caption"))
    prospects, total = queries.top_prospects(chosen)
    if prospects.empty:
        st.info(t("score.prospects.none"))
        return
    layout.table(
        prospects,
        total,
        columns=[
            "score_rank",
            "relation_name",
            "relation_id",
            "is_lead",
            "total_score",
            "account_manager_name",
            "last_two_way_contact_date",
            "missing_value_count",
        ],
        key="prospect_scores",
    )
    labels = {
        row.relation_id: f"{row.relation_name} ({row.relation_id}) · "
        f"{fmt_number(row.total_score, decimals=2)}"
        for row in prospects.itertuples()
    }
    if st.session_state.get("score_prospect") not in labels:
        st.session_state["score_prospect"] = next(iter(labels))
    prospect_id = st.selectbox(
        t("score.prospects.pick"), list(labels), key="score_prospect", format_func=labels.get
    )
    components = queries.prospect_components(prospect_id)
    components["raw_value"] = [
        fmt_raw_value(criterion, value)
        for criterion, value in zip(components["criterion"], components["raw_value"], strict=True)
    ]
    layout.table(
        components,
        columns=["criterion", "raw_value", "band", "score", "weight", "contribution"],
        key="prospect_components",
    )


explain_customer()
explain_prospects()
