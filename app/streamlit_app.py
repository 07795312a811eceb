"""customer-pyramid dashboard: the entry script and router (`make app`).

Runs for every page: language switch, login (when a users file is configured),
navigation, and one place that turns a missing or incomplete warehouse into an
explanation instead of a stack trace.
"""

import streamlit as st

from app import auth, filters, i18n, replays
from app.data import scope
from app.i18n import t

st.set_page_config(
    page_title="Klantenpiramide", page_icon=":material/change_history:", layout="wide"
)

if st.session_state.get(i18n.LANG_KEY) not in i18n.LANGUAGES:
    st.session_state[i18n.LANG_KEY] = i18n.DEFAULT_LANGUAGE
with st.sidebar:
    st.radio(
        t("app.language"),
        list(i18n.LANGUAGES),
        key=i18n.LANG_KEY,
        format_func=i18n.LANGUAGE_NAMES.get,
        horizontal=True,
    )
auth.require_login()  # stops here until someone logs in; the data layer scopes queries
filters.keep_state()
replays.sidebar_choice()  # the published warehouse, or a replay of a past date

# url_path stays Dutch in both languages, so links and bookmarks do not change.
PAGES = [
    ("pages/pyramid.py", "page.pyramid", "klantenpiramide", ":material/change_history:"),
    ("pages/relation_kinds.py", "page.kinds", "relatiesoorten", ":material/category:"),
    ("pages/abc.py", "page.abc", "abc-analyse", ":material/show_chart:"),
    ("pages/scoring.py", "page.scoring", "klantwaardering", ":material/star:"),
    ("pages/service_levels.py", "page.service", "serviceniveaus", ":material/support_agent:"),
    ("pages/review.py", "page.review", "beoordeling", ":material/rule:"),
    ("pages/compliance.py", "page.compliance", "naleving", ":material/rule:"),
    ("pages/campaigns.py", "page.campaigns", "campagnes", ":material/campaign:"),
    ("pages/visit_planning.py", "page.visits", "bezoekplanning", ":material/event:"),
    ("pages/data_quality.py", "page.dq", "datakwaliteit", ":material/fact_check:"),
    ("pages/history.py", "page.history", "historie", ":material/history:"),
]
# Managers only (a what-if counts every relation): a salesperson's navigation lacks it.
if scope.current_scope() is None:
    PAGES.append(("pages/what_if.py", "page.whatif", "wat-als", ":material/science:"))
# Pages a salesperson does not get (personal data of contacts leaves the system there).
MANAGER_PAGES = {"pages/campaigns.py"}
if scope.current_scope() is not None:
    PAGES = [entry for entry in PAGES if entry[0] not in MANAGER_PAGES]
page = st.navigation(
    [
        st.Page(path, title=t(title), url_path=url, icon=icon, default=index == 0)
        for index, (path, title, url, icon) in enumerate(PAGES)
    ]
)
try:
    with scope.batch():
        page.run()
except scope.WarehouseNotBuilt:
    st.info(t("wh.missing", path=scope.warehouse_path()), icon=":material/info:")
except scope.WarehouseIncomplete as error:
    st.warning(
        t("wh.incomplete", path=scope.warehouse_path(), detail=error), icon=":material/warning:"
    )
except scope.NotAuthenticated:
    st.error(t("auth.required"))
