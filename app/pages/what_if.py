"""Wat als (what if), managers only: other thresholds tried on the published data without
publishing anything (docs/business-rules.md section 13). The run is
`orchestration.whatif.run_what_if`, the same as `python -m orchestration.whatif`."""

import streamlit as st

from app import i18n, layout, what_if_words
from app.charts import what_if as charts
from app.data import scope
from app.data import what_if as queries
from app.i18n import t
from orchestration.whatif import ScratchBuildError, WhatIfInputError

RESULT_KEY = "wi_result"

layout.page_header("page.whatif")
lang = i18n.current_language()
if scope.current_scope() is not None:
    # The navigation offers this page to managers only; a URL typed by hand lands here.
    st.info(t("wi.managers_only"))
    st.stop()
st.markdown(t("wi.intro"))

current = queries.current_settings()


def _input(setting: queries.Setting, column) -> float:
    key = "wi_" + setting.name.replace(".", "_")
    label = t(f"wi.set.{setting.name}")
    value = current[setting.name]
    if setting.kind == "share":
        return column.slider(label, 0.0, 1.0, value, setting.step, format="%.2f", key=key)
    if setting.kind == "percent":
        return column.number_input(label, 0.0, 100.0, value, setting.step, format="%.1f", key=key)
    if setting.kind == "visits":
        return column.number_input(label, 0, 365, int(value), int(setting.step), key=key)
    return column.number_input(label, 0.0, None, value, setting.step, format="%.0f", key=key)


with st.form("wi_form"):
    groups = {
        "wi.group.abc": ("abc_a_share", "abc_b_share"),
        "wi.group.potential": ("potential_high", "potential_medium"),
        "wi.group.pyramid": ("pyramid_top_pct", "pyramid_large_pct", "pyramid_medium_pct"),
        "wi.group.norms": ("visits_per_year.A", "visits_per_year.B", "visits_per_year.C"),
    }
    by_name = {setting.name: setting for setting in queries.SETTINGS}
    values = {}
    for column, (group, names) in zip(st.columns(len(groups)), groups.items(), strict=True):
        column.markdown(f"**{t(group)}**")
        for name in names:
            values[name] = _input(by_name[name], column)
    submitted = st.form_submit_button(t("wi.run"), type="primary")

if submitted:
    with st.status(t("wi.running"), expanded=False) as status:

        def progress(stage: str) -> None:
            status.update(label=t(f"wi.stage.{stage}"))
            status.write(t(f"wi.stage.{stage}"))

        try:
            answer = queries.run(values, current, progress=progress)
        except WhatIfInputError as error:
            status.update(label=t("wi.bad_input"), state="error")
            st.error(str(error))
            st.stop()
        except ScratchBuildError as error:
            status.update(label=t("wi.failed"), state="error")
            st.error(t("wi.failed"))
            st.code(str(error))
            st.stop()
        status.update(
            label=t("wi.done", seconds=f"{answer.seconds:.1f}", models=answer.models_rebuilt),
            state="complete",
        )
    st.session_state[RESULT_KEY] = {
        "result": answer.result,
        "changes": {
            **answer.changes.variables,
            **{f"visits_per_year.{level}": v for level, v in answer.changes.norms.items()},
        },
        "version": scope.warehouse_version(scope.warehouse_path()),
    }

kept = st.session_state.get(RESULT_KEY)
if kept and kept["version"] != scope.warehouse_version(scope.warehouse_path()):
    kept = None  # a new publication since: the figures are of the old one
    st.session_state.pop(RESULT_KEY, None)

if kept is None:
    st.info(t("wi.not_run"))
    now = queries.today()
    period = now["next_review_period"] or "?"
    before = {
        "levels": now["service_levels"],
        "next": now["next_review"],
        "abc": now["abc"],
        "pyramid": now["pyramid"],
        "demand": now["next_review_visit_demand"],
    }
    after = dict.fromkeys(before)
    matrix = None
    effective_matrix = None
else:
    result = kept["result"]
    period = result["service_levels"]["next_review"]["period"] or "?"
    changed_text = ", ".join(
        f"{t(f'wi.set.{name}')}: {what_if_words.shown(name, current[name], lang)} → "
        f"{what_if_words.shown(name, value, lang)}"
        for name, value in kept["changes"].items()
    )
    st.caption(t("wi.changed", settings=changed_text or t("wi.none_changed")))
    st.subheader(t("wi.meaning"))
    st.markdown("\n".join(f"- {line}" for line in what_if_words.meaning(result, lang)))
    before = {
        "levels": result["service_levels"]["before"],
        "next": result["service_levels"]["next_review"]["before"],
        "abc": result["abc"]["before"],
        "pyramid": result["pyramid"]["before"],
        "demand": result["visit_demand"]["next_review"]["before"],
    }
    after = {
        "levels": result["service_levels"]["after"],
        "next": result["service_levels"]["next_review"]["after"],
        "abc": result["abc"]["after"],
        "pyramid": result["pyramid"]["after"],
        "demand": result["visit_demand"]["next_review"]["after"],
    }
    matrix = result["migration"]["next_review"]["matrix"]
    effective_matrix = result["migration"]["matrix"]

st.subheader(t("wi.levels.next", period=period))
st.caption(t("wi.levels.next.caption", period=period))
left, right = st.columns(2)
with left:
    layout.chart(charts.counts_chart(before["next"], after["next"], None, lang), key="wi_next")
with right:
    if matrix is not None:
        layout.chart(charts.migration_chart(matrix, lang), key="wi_matrix")
    else:
        st.caption(t("wi.matrix.after_run"))

st.subheader(t("wi.visits"))
st.caption(t("wi.visits.caption", period=period))
left, right = st.columns([2, 3])
with left:
    layout.chart(charts.demand_chart(before["demand"], after["demand"], lang), key="wi_demand")
with right:
    shown = after["demand"] or before["demand"]
    layout.table(queries.by_salesperson(before["demand"], after["demand"]), key="wi_salespeople")

left, right = st.columns(2)
with left:
    st.subheader(t("wi.abc"))
    layout.chart(charts.counts_chart(before["abc"], after["abc"], None, lang), key="wi_abc")
with right:
    st.subheader(t("wi.pyramid"))
    layout.chart(
        charts.counts_chart(before["pyramid"], after["pyramid"], "pyramid_level", lang),
        key="wi_pyramid",
    )

st.subheader(t("wi.levels.today"))
st.caption(t("wi.levels.today.caption", period=period))
left, right = st.columns(2)
with left:
    layout.chart(
        charts.counts_chart(before["levels"], after["levels"], None, lang), key="wi_levels"
    )
with right:
    if effective_matrix is not None:
        layout.chart(charts.migration_chart(effective_matrix, lang), key="wi_effective_matrix")
