"""Campagnes (campaigns, managers only): pick an audience or narrow one ad hoc, see its size
with and without marketing consent, download the mailing list (contacts with consent only)
as CSV or Excel, every download recorded in the export log; and what earlier campaigns
achieved (docs/business-rules.md section 15)."""

import streamlit as st

from app import i18n, layout
from app.charts import campaigns as charts
from app.data import campaigns as queries
from app.data import scope
from app.formatting import fmt_int
from app.i18n import t
from orchestration.audiences import mailing

PREPARED_KEY = "campaign_prepared"  # the file offered for download, with what it was made of
RECORDED_KEY = "campaign_recorded"  # the export id of the last download, for the message

layout.page_header("page.campaigns")
lang = i18n.current_language()
if scope.current_scope() is not None:
    # Personal data of contacts leaves the system here: managers only (the navigation
    # already hides the page from a salesperson; this covers a direct link).
    st.error(t("camp.managers_only"))
    st.stop()
st.markdown(t("camp.intro"))

audiences = queries.audiences()
labels = dict(zip(audiences["audience"], audiences[f"label_{lang}"], strict=True))
names = list(labels)
default = names.index("suspects_contact_campaign") if "suspects_contact_campaign" in names else 0
audience = st.selectbox(
    t("camp.audience"),
    names,
    index=default,
    format_func=lambda name: f"{labels[name]} ({name})",
    key="campaign_audience",
)

filters: dict = {}
choices = queries.filter_choices()
people = queries.salesperson_names()
LABEL_KINDS = {
    "relation_kind": "relation_kind",
    "pyramid_level": "pyramid_level",
    "customer_group": "customer_group",
}


def _option_text(name: str):
    if name in LABEL_KINDS:
        return lambda value: i18n.label(LABEL_KINDS[name], value)
    if name == "salesperson_id":
        return lambda value: f"{people.get(value) or ''} ({value})".strip()
    return str


with st.expander(t("camp.filters"), expanded=audience == mailing.AD_HOC_BASE):
    columns = st.columns(4)
    for index, name in enumerate(queries.CHOICE_FILTERS):
        picked = columns[index % 4].multiselect(
            i18n.column(name),
            choices[name],
            key=f"campaign_filter_{name}",
            format_func=_option_text(name),
        )
        if picked:
            filters[name] = tuple(picked)
    yes_no = {"": t("filter.all"), "true": t("camp.yes"), "false": t("camp.no")}
    flag_columns = st.columns(4)
    for index, name in enumerate(mailing.BOOLEAN_FILTERS):
        picked = flag_columns[index].selectbox(
            i18n.column(name),
            list(yes_no),
            format_func=yes_no.get,
            key=f"campaign_flag_{name}",
        )
        if picked:
            filters[name] = picked == "true"
selection = mailing.Selection(audience, filters)

size = queries.size(selection)
metrics = st.columns(4)
metrics[0].metric(t("camp.metric.relations"), fmt_int(size["relation_count"]))
metrics[1].metric(t("camp.metric.contacts"), fmt_int(size["contact_count"]))
metrics[2].metric(t("camp.metric.consent"), fmt_int(size["consenting_contact_count"]))
metrics[3].metric(t("camp.metric.no_consent"), fmt_int(size["contacts_without_consent_count"]))
st.caption(t("camp.consent.caption"))
st.markdown(f"**{t('camp.sizes')}**")
layout.chart(charts.sizes_chart(audiences, lang))

st.subheader(t("camp.list"))
preview = queries.preview(selection)
layout.table(
    preview,
    size["consenting_contact_count"],
    columns=mailing.MAILING_COLUMNS,
    key="campaign_preview",
)

# The download: made here, recorded by the button's callback with the hash of exactly the
# bytes the button hands out, so the log holds what left the system.
st.subheader(t("camp.download"))
who = scope.current_username()
if who is None:
    who = st.text_input(t("camp.name"), key="campaign_name").strip()
file_format = st.radio(
    t("camp.format"), list(mailing.MIME_TYPES), horizontal=True, key="campaign_format"
)
version = scope.warehouse_version(scope.warehouse_path())
wanted = (selection, file_format, lang, version)
held = st.session_state.get(PREPARED_KEY)
if held is None or held[0] != wanted:
    held = (wanted, queries.prepare(selection, file_format, lang))
    st.session_state[PREPARED_KEY] = held
prepared = held[1]


def _record(prepared: mailing.Prepared, exported_by: str) -> None:
    try:
        st.session_state[RECORDED_KEY] = (queries.record(prepared, exported_by), None)
    except queries.StoreUnavailable as error:
        st.session_state[RECORDED_KEY] = (None, str(error))


st.download_button(
    t("camp.download.button", n=fmt_int(prepared.contact_count)),
    data=prepared.content,
    file_name=mailing.file_name(selection, file_format),
    mime=mailing.MIME_TYPES[file_format],
    on_click=_record,
    args=(prepared, who),
    disabled=not who or prepared.contact_count == 0,
    key="campaign_download",
    icon=":material/download:",
)
if not who:
    st.caption(t("camp.name.needed"))
recorded = st.session_state.pop(RECORDED_KEY, None)
if recorded is not None:
    export_id, problem = recorded
    if problem:
        st.error(t("camp.store_error", detail=problem))
    else:
        st.success(t("camp.recorded", id=export_id))

st.subheader(t("camp.log"))
try:
    log = queries.recorded_exports()
except queries.StoreUnavailable as error:
    st.error(t("camp.store_error", detail=error))
else:
    layout.table(
        log,
        columns=[
            "export_id",
            "audience",
            "exported_by",
            "exported_at",
            "file_format",
            "contact_count",
            "relation_count",
        ],
        key="campaign_log",
    )

st.subheader(t("camp.results"))
st.caption(t("camp.results.caption"))
results = queries.results()
if results.empty:
    st.info(t("camp.results.none"))
else:
    chart_column, table_column = st.columns([2, 3])
    with chart_column:
        layout.chart(charts.results_chart(results, lang))
    with table_column:
        layout.table(results, columns=queries.RESULT_COLUMNS, key="campaign_results")
