"""Beoordeling: the open half-yearly review. The migration matrix, the proposed changes
with why and what it would take, a decision per relation (accept or override, with a
reason) written to the decisions store, and the review as CSV or Excel."""

import functools

import streamlit as st

from app import filters, i18n, layout, reasons, review_export
from app.charts import review as charts
from app.data import review as queries
from app.data import scope
from app.formatting import fmt_eur, fmt_int
from app.i18n import t
from orchestration.decisions.validation import InvalidDecision

NOTICE_KEY = "review_notice"  # what the last decision came to, shown after the rerun
LIST_COLUMNS = [
    "relation_id",
    "relation_name",
    "account_manager_name",
    "movement",
    "previous_level",
    "proposed_level",
    "assigned_level",
    "revenue_12m",
    "why",
    "what_it_takes",
    "override_reason",
    "decided_by",
    "decided_at",
]
ERROR_KEYS = {
    "relation_id": "review.error.not_yours",
    "level": "review.error.level",
    "reason": "review.error.reason",
    "decided_by": "review.error.name",
}

layout.page_header("page.review")
chosen = filters.sidebar_filters()
lang = i18n.current_language()
st.markdown(t("review.intro"))
st.caption(t("review.refresh"))
if chosen.is_active():
    st.caption(filters.describe(chosen))

period = queries.open_period()
if period is None:
    st.info(t("review.none"))
    st.stop()
try:
    queries.store_overrides(period)
except queries.StoreUnavailable as error:
    st.error(t("review.store_error", detail=error))
    st.stop()
notice = st.session_state.pop(NOTICE_KEY, None)
if notice is not None:
    kind, text = notice
    (st.success if kind == "success" else st.error)(text)

summary = queries.review_summary(period, chosen).set_index("movement")
st.subheader(t("review.title", period=period))
if summary["is_frozen"].any():
    st.caption(t("review.frozen", period=period))
metric_columns = st.columns(len(queries.MOVEMENT_ORDER) + 1)
for column, movement in zip(metric_columns[:-1], queries.MOVEMENT_ORDER, strict=True):
    column.metric(
        i18n.label("movement", movement),
        fmt_int(summary["customers"].get(movement, 0)),
        fmt_eur(summary["revenue_12m"].get(movement, 0)),
        delta_color="off",
        delta_arrow="off",
    )
metric_columns[-1].metric(
    t("review.decided"),
    fmt_int(summary["decided"].sum()),
    t("review.decided.of", total=fmt_int(summary["customers"].sum())),
    delta_color="off",
    delta_arrow="off",
)

movements = st.multiselect(
    t("review.movements"),
    list(queries.MOVEMENT_ORDER),
    default=list(queries.MOVEMENT_ORDER),
    format_func=lambda v: i18n.label("movement", v),
    key="review_movements",
)
chosen_movements = tuple(movements)

chart_column, _ = st.columns([3, 2])
with chart_column:
    st.markdown(f"**{t('review.matrix')}**")
    layout.chart(
        charts.migration_chart(queries.migration_matrix(period, chosen, chosen_movements), lang)
    )
    st.caption(t("review.matrix.caption"))

st.subheader(t("review.list"))
rows, total = queries.review_rows(period, chosen, chosen_movements)
if total == 0:
    st.info(t("rows.none"))
    st.stop()
rows = reasons.explained(rows, lang)
layout.table(rows, total, columns=LIST_COLUMNS, key="review_list")


# --- the decision -------------------------------------------------------------------------
st.subheader(t("review.decide"))
st.caption(t("review.decide.caption"))
by_id = rows.set_index("relation_id")
if st.session_state.get("review_relation") not in by_id.index:
    st.session_state["review_relation"] = by_id.index[0]  # first visit, or filtered away
relation_id = st.selectbox(
    t("review.relation"),
    list(by_id.index),
    key="review_relation",
    format_func=lambda v: f"{v} · {by_id.at[v, 'relation_name']}",
)
row = by_id.loc[relation_id]
st.markdown(
    t(
        "review.chosen",
        proposed=row["proposed_level"],
        assigned=row["assigned_level"],
        previous=row["previous_level"] if isinstance(row["previous_level"], str) else "—",
        why=row["why"],
        takes=row["what_it_takes"] or "—",
    )
)
open_mode = scope.current_username() is None
# A replay shows the past: decisions are taken on the published warehouse only.
in_replay = scope.selected_replay() is not None
if in_replay:
    st.info(t("replay.no_decisions"))


def record(accept: bool) -> None:
    """Form callback: runs before the next script run, so the page it draws shows the
    decision at once (the queries read the store)."""
    state = st.session_state
    if in_replay:
        return
    level = row["proposed_level"] if accept else state[f"review_level_{relation_id}"]
    reason = state["review_reason"].strip() or (t("review.accept.reason") if accept else "")
    try:
        queries.decide(relation_id, level, reason, state.get("review_name"))
    except InvalidDecision as error:
        state[NOTICE_KEY] = ("error", t(ERROR_KEYS.get(error.column, "review.error"), detail=error))
    except queries.StoreUnavailable as error:
        state[NOTICE_KEY] = ("error", t("review.store_error", detail=error))
    else:
        state[NOTICE_KEY] = ("success", t("review.saved", relation=relation_id, level=level))
        state["review_reason"] = ""


with st.form("review_decision"):
    st.radio(
        t("review.level"),
        ["A", "B", "C"],
        index=["A", "B", "C"].index(row["assigned_level"]),
        horizontal=True,
        key=f"review_level_{relation_id}",
    )
    st.text_area(t("review.reason"), key="review_reason", placeholder=t("review.reason.hint"))
    if open_mode:
        st.text_input(t("review.name"), key="review_name")
    accept_column, override_column = st.columns(2)
    accept_column.form_submit_button(
        t("review.accept", level=row["proposed_level"]),
        on_click=record,
        args=(True,),
        key="review_accept",
        disabled=in_replay,
    )
    override_column.form_submit_button(
        t("review.submit"),
        on_click=record,
        args=(False,),
        type="primary",
        key="review_submit",
        disabled=in_replay,
    )


# --- downloads ----------------------------------------------------------------------------
st.subheader(t("review.download"))
with_personal = st.checkbox(t("download.personal.review"), value=False, key="review_personal")
selection = (period, chosen, chosen_movements, lang, with_personal)
layout.download_buttons(
    f"beoordeling_{period}",
    "review",
    functools.partial(review_export.review_csv, *selection),
    functools.partial(review_export.review_xlsx, *selection),
)
st.caption(t("review.download.caption"))
