"""Datakwaliteit: freshness, the check of the source files, rejected rows, unlinked ERP
customers, ambiguous KvK numbers, relations without a salesperson."""

import pandas as pd
import streamlit as st

from app import i18n, layout
from app.charts import data_quality as charts
from app.data import data_quality as queries
from app.formatting import fmt_date, fmt_datetime, fmt_eur, fmt_int
from app.i18n import t

fresh = layout.page_header("page.dq")
lang = i18n.current_language()
runs = queries.ingest_runs()

st.subheader(t("dq.fresh"))
as_of_column, published_column, loaded_column, rejected_column = st.columns(4)
as_of_column.metric(t("dq.metric.as_of"), fmt_date(fresh["as_of_date"]) or "—")
published_column.metric(t("dq.metric.published"), fmt_datetime(fresh["published_at"]) or "—")
loaded_column.metric(t("dq.metric.loaded"), fmt_datetime(fresh["loaded_at"]) or "—")
rejected_column.metric(t("dq.metric.rejected"), fmt_int(int(runs["rows_rejected"].sum())))

status = queries.refresh_status()
success, failure = status.get("last_success"), status.get("last_failure")
st.markdown(f"**{t('dq.refresh')}**")
if not success and not failure:
    st.info(t("dq.refresh.unknown"))
if failure and (not success or failure["failed_at"] >= success["finished_at"]):
    st.error(
        t(
            "dq.refresh.failed",
            when=fmt_datetime(failure["failed_at"]),
            step=failure["step"],
            success=fmt_datetime(success["finished_at"]) if success else t("dq.refresh.never"),
        )
    )
    st.caption(t("dq.refresh.reason"))
    st.code(failure["reason"], language=None)
elif success:
    st.success(
        t(
            "dq.refresh.ok",
            when=fmt_datetime(success["finished_at"]),
            as_of=fmt_date(success["as_of"]),
        )
    )
    if failure:
        st.caption(
            t(
                "dq.refresh.earlier_failure",
                when=fmt_datetime(failure["failed_at"]),
                step=failure["step"],
            )
        )
st.markdown(f"**{t('dq.runs')}**")
layout.table(runs, key="ingest_runs")

# What the last refresh found in each source file: the report `make inspect` gives.
st.subheader(t("dq.sources"))
reports = queries.source_reports()
if not reports:
    st.info(t("dq.sources.none"))
else:
    failing = [report for report in reports if not report.get("ok")]
    if failing:
        st.error(t("dq.sources.failing", tables=", ".join(r["table"] for r in failing)))
    else:
        st.success(t("dq.sources.ok"))
    st.caption(t("dq.sources.caption"))
    layout.table(queries.source_report_summary(reports), key="source_reports")
    for report in reports:
        findings = [
            (
                t("dq.sources.read_as"),
                ", ".join(
                    f"{value}"
                    for value in (
                        report.get("file_format"),
                        report.get("sheet"),
                        report.get("delimiter") and repr(report["delimiter"]),
                        report.get("encoding"),
                    )
                    if value
                ),
            ),
            (t("dq.sources.dates"), report.get("date_format")),
            (
                t("dq.sources.mapped"),
                ", ".join(
                    f"{column} ← {header}" for column, header in report["columns_mapped"].items()
                ),
            ),
            (t("dq.sources.missing"), ", ".join(report["missing_columns"])),
            (t("dq.sources.unknown_columns"), ", ".join(report["unknown_columns"])),
            (
                t("dq.sources.unknown_values"),
                ", ".join(
                    f"{value['column']} = {value['value']!r} ({fmt_int(value['rows'])})"
                    for value in report["unknown_values"]
                ),
            ),
            (t("dq.sources.note"), report.get("note")),
        ]
        if not (
            report.get("error")
            or report["rejected_sample"]
            or report["missing_columns"]
            or report["unknown_columns"]
            or report["unknown_values"]
        ):
            continue
        with st.expander(report["table"], expanded=not report.get("ok")):
            if report.get("error"):
                st.code(report["error"], language=None)
            st.markdown("\n".join(f"- **{name}**: {value}" for name, value in findings if value))
            if report["rejected_sample"]:
                st.caption(t("dq.sources.sample"))
                sample = pd.DataFrame(report["rejected_sample"]).rename(
                    columns={"line": "line_number", "column": "column_name", "value": "raw_value"}
                )
                layout.table(sample, key=f"source_sample_{report['raw_table']}")

st.subheader(t("dq.rejects"))
reject_counts = queries.reject_counts()
if reject_counts.empty:
    st.success(t("dq.rejects.none"))
else:
    left, right = st.columns([2, 3])
    with left:
        layout.chart(charts.reject_counts_chart(reject_counts, lang))
    with right:
        layout.table(reject_counts, key="reject_counts")
    reject_rows, reject_total = queries.rejects()
    layout.table(reject_rows, reject_total, key="rejects")

st.subheader(t("dq.unlinked"))
unlinked, unlinked_total, unlinked_revenue = queries.unlinked_erp_customers()
if unlinked_total == 0:
    st.success(t("dq.unlinked.none"))
else:
    st.caption(
        t(
            "dq.unlinked.caption",
            n=fmt_int(unlinked_total),
            revenue=fmt_eur(unlinked_revenue),
        )
    )
    layout.table(unlinked, unlinked_total, key="unlinked")

st.subheader(t("dq.ambiguous"))
ambiguous, ambiguous_total = queries.ambiguous_kvk()
if ambiguous_total == 0:
    st.success(t("dq.ambiguous.none"))
else:
    st.caption(t("dq.ambiguous.caption", n=fmt_int(ambiguous_total)))
    layout.table(ambiguous, ambiguous_total, key="ambiguous_kvk")

st.subheader(t("dq.unassigned"))
unassigned, unassigned_total = queries.unassigned_relations()
if unassigned_total == 0:
    st.success(t("dq.unassigned.none"))
else:
    st.caption(t("dq.unassigned.caption"))
    counts = queries.unassigned_counts()
    counts["reason"] = counts["reason"].map(lambda v: i18n.label("dq_reason", v))
    layout.table(counts, key="unassigned_counts")
    unassigned["reason"] = unassigned["reason"].map(lambda v: i18n.label("dq_reason", v))
    layout.table(unassigned, unassigned_total, key="unassigned")
