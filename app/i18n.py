"""Every string the dashboard shows, in Dutch (default) and English, and number formatting.

Pure Python: the formatting functions take the language explicitly, so they are unit-tested
without Streamlit. Pages call `t(key)`, which reads the language from the session state
(the sidebar switch in `streamlit_app.py`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
LANG_KEY = "lang"

# --- UI strings -------------------------------------------------------------------------
STRINGS: dict[str, dict[str, str]] = {
    # shell
    "app.title": {"nl": "Klantenpiramide", "en": "Customer pyramid"},
    "app.language": {"nl": "Taal / Language", "en": "Language / Taal"},
    "page.pyramid": {"nl": "Klantenpiramide", "en": "Customer pyramid"},
    "page.kinds": {"nl": "Relatiesoorten", "en": "Relation kinds"},
    "page.abc": {"nl": "ABC-analyse", "en": "ABC analysis"},
    "page.scoring": {"nl": "Klantwaardering", "en": "Customer rating"},
    "page.service": {"nl": "Serviceniveaus", "en": "Service levels"},
    "page.visits": {"nl": "Bezoekplanning", "en": "Visit planning"},
    "page.dq": {"nl": "Datakwaliteit", "en": "Data quality"},
    # login (app/auth.py)
    "auth.title": {"nl": "Inloggen", "en": "Log in"},
    "auth.username": {"nl": "Gebruikersnaam", "en": "Username"},
    "auth.password": {"nl": "Wachtwoord", "en": "Password"},
    "auth.submit": {"nl": "Inloggen", "en": "Log in"},
    "auth.failed": {
        "nl": "Onbekende gebruikersnaam of onjuist wachtwoord.",
        "en": "Unknown username or wrong password.",
    },
    "auth.logged_in": {
        "nl": "Ingelogd als **{user}** ({role})",
        "en": "Logged in as **{user}** ({role})",
    },
    "auth.role.manager": {"nl": "manager: alle relaties", "en": "manager: every relation"},
    "auth.role.salesperson": {
        "nl": "verkoper {id}: alleen eigen relaties",
        "en": "salesperson {id}: own relations only",
    },
    "auth.logout": {"nl": "Uitloggen", "en": "Log out"},
    "auth.open": {
        "nl": "Open modus: er is geen gebruikersbestand ingesteld (`PYRAMID_USERS_FILE`), dus "
        "geen inlog en alle relaties zichtbaar. Het dashboard is daarom alleen op deze "
        "computer bereikbaar (127.0.0.1).",
        "en": "Open mode: no users file is configured (`PYRAMID_USERS_FILE`), so there is no "
        "login and every relation is visible. The dashboard is therefore only reachable on "
        "this computer (127.0.0.1).",
    },
    "auth.open.remote": {
        "nl": "Zonder gebruikersbestand (`PYRAMID_USERS_FILE`) is het dashboard alleen op de "
        "computer zelf te gebruiken. Vraag de beheerder gebruikers in te stellen.",
        "en": "Without a users file (`PYRAMID_USERS_FILE`) the dashboard can only be used on "
        "the computer itself. Ask the administrator to configure users.",
    },
    "auth.file_error": {
        "nl": "Het gebruikersbestand is niet te lezen, dus niemand kan inloggen: {detail}",
        "en": "The users file cannot be read, so nobody can log in: {detail}",
    },
    "auth.required": {
        "nl": "Log opnieuw in om gegevens te zien.",
        "en": "Log in again to see data.",
    },
    "download.personal": {
        "nl": "Met persoonsgegevens (namen van verkopers)",
        "en": "Include personal data (names of salespeople)",
    },
    # warehouse state
    "wh.missing": {
        "nl": "Er is nog geen gepubliceerd datawarehouse op `{path}`. Draai eerst de "
        "nachtelijke verversing met `make refresh`, of `make demo` voor demogegevens.",
        "en": "There is no published warehouse at `{path}` yet. Run the nightly refresh "
        "first with `make refresh`, or `make demo` for demo data.",
    },
    "wh.incomplete": {
        "nl": "Het datawarehouse op `{path}` mist tabellen of kolommen die het dashboard "
        "leest ({detail}). Draai `make refresh` om het opnieuw op te bouwen.",
        "en": "The warehouse at `{path}` lacks tables or columns the dashboard reads "
        "({detail}). Run `make refresh` to rebuild it.",
    },
    "fresh.caption": {
        "nl": "Peildatum **{as_of}** · gepubliceerd {published} ({age}) · "
        "laatst ingelezen {loaded}",
        "en": "As of **{as_of}** · published {published} ({age}) · last loaded {loaded}",
    },
    "fresh.age.minutes": {"nl": "{n} min geleden", "en": "{n} min ago"},
    "fresh.age.hours": {"nl": "{n} uur geleden", "en": "{n} h ago"},
    "fresh.age.days": {"nl": "{n} dagen geleden", "en": "{n} days ago"},
    "fresh.unknown": {"nl": "onbekend", "en": "unknown"},
    # filters
    "filter.header": {"nl": "Filters", "en": "Filters"},
    "filter.salesperson": {"nl": "Verkoper", "en": "Salesperson"},
    "filter.region": {"nl": "Regio", "en": "Region"},
    "filter.sector": {"nl": "Branche", "en": "Sector"},
    "filter.all": {"nl": "Alle", "en": "All"},
    "filter.none_value": {"nl": "(leeg)", "en": "(empty)"},
    "filter.active": {"nl": "Filter actief: {what}", "en": "Filter active: {what}"},
    "filter.search": {
        "nl": "Zoek op naam of relatienummer",
        "en": "Search by name or relation id",
    },
    # generic
    "rows.shown": {
        "nl": "{shown} van {total} rijen getoond",
        "en": "{shown} of {total} rows shown",
    },
    "rows.none": {"nl": "Geen rijen voor deze selectie.", "en": "No rows for this selection."},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
    "total": {"nl": "Totaal", "en": "Total"},
    "download.csv": {"nl": "Download als CSV", "en": "Download as CSV"},
    # pyramid page
    "pyr.intro": {
        "nl": "Elke relatie staat op precies één niveau: actieve klanten naar omzet "
        "(top 1%, groot tot 5%, middel tot 20%, klein de rest), daaronder inactieve "
        "klanten, prospects en suspects.",
        "en": "Every relation sits on exactly one level: active customers by revenue "
        "(top 1%, large up to 5%, medium up to 20%, small the rest), below them "
        "inactive customers, prospects and suspects.",
    },
    "pyr.metric.relations": {"nl": "Relaties", "en": "Relations"},
    "pyr.metric.active": {"nl": "Actieve klanten", "en": "Active customers"},
    "pyr.metric.revenue": {"nl": "Omzet 12 mnd", "en": "Revenue 12 m"},
    "pyr.chart.title": {"nl": "De piramide", "en": "The pyramid"},
    "pyr.shares.title": {
        "nl": "Aandeel relaties en aandeel omzet per niveau",
        "en": "Share of relations and share of revenue per level",
    },
    "pyr.select": {
        "nl": "Kies een niveau (of klik op de piramide) om de relaties te zien",
        "en": "Choose a level (or click the pyramid) to list its relations",
    },
    "pyr.list.title": {"nl": "Relaties op niveau {level}", "en": "Relations at level {level}"},
    "pyr.empty": {
        "nl": "Geen relaties voor deze filters: kies een andere verkoper, regio of branche.",
        "en": "No relations for these filters: choose another salesperson, region or sector.",
    },
    # relation kinds page
    "kinds.intro": {
        "nl": "Actief: gefactureerd in de laatste 24 maanden; inactief: eerder "
        "gefactureerd; prospect: nooit gefactureerd maar wel tweerichtingscontact; "
        "suspect: alleen een profiel.",
        "en": "Active: invoiced within the last 24 months; inactive: invoiced before; "
        "prospect: never invoiced but two-way contact; suspect: only a profile.",
    },
    "kinds.counts": {"nl": "Relaties per soort", "en": "Relations per kind"},
    "kinds.leads": {"nl": "Prospects die lead zijn", "en": "Prospects that are leads"},
    "kinds.leads.caption": {
        "nl": "{leads} van {prospects} prospects hebben een openstaande offerte ({share}).",
        "en": "{leads} of {prospects} prospects have an open quote ({share}).",
    },
    "kinds.leads.list": {"nl": "Leads", "en": "Leads"},
    "kinds.reactivation": {"nl": "Reactivatielijst", "en": "Reactivation list"},
    "kinds.reactivation.caption": {
        "nl": "Klanten zonder factuur in de laatste 12 maanden: niet afschrijven, maar "
        "benaderen (reactivatie en tevredenheidsonderzoek). Recentst verloren eerst.",
        "en": "Customers without an invoice in the last 12 months: not written off but "
        "contacted (reactivation and satisfaction survey). Most recently lost first.",
    },
    "kinds.reactivation.empty": {
        "nl": "Geen klanten die reactivatie nodig hebben.",
        "en": "No customers need reactivation.",
    },
    "kinds.history": {"nl": "Verschuivingen in de tijd", "en": "Movements over time"},
    "kinds.history.none": {
        "nl": "Nog geen historie: de verversingen tot nu toe ({versions} versies in "
        "`history.relation_kinds_history`) zagen geen relatie van soort veranderen. Elke "
        "nachtelijke verversing (`make refresh`) legt veranderingen vast; vanaf de eerste "
        "verandering staan de verschuivingen (bijv. prospect → actief) hier.",
        "en": "No history yet: the refreshes so far ({versions} versions in "
        "`history.relation_kinds_history`) saw no relation change kind. Every nightly "
        "refresh (`make refresh`) records changes; from the first change the movements "
        "(e.g. prospect → active) show here.",
    },
    "kinds.history.missing": {
        "nl": "De historietabel `history.relation_kinds_history` bestaat nog niet: die "
        "ontstaat bij de eerste verversing (`make refresh`).",
        "en": "The history table `history.relation_kinds_history` does not exist yet: the "
        "first refresh (`make refresh`) creates it.",
    },
    "kinds.history.caption": {
        "nl": "Soortwisselingen per maand (datum van de verversing die de wisseling zag).",
        "en": "Kind changes per month (date of the refresh that saw the change).",
    },
    "kinds.movement": {"nl": "Verschuiving", "en": "Movement"},
    # ABC page
    "abc.intro": {
        "nl": "Relaties met omzet in de laatste 12 maanden, van hoog naar laag: A tot "
        "{a} van de omzet, B tot {b}, C de rest.",
        "en": "Relations with revenue in the last 12 months, high to low: A up to {a} "
        "of revenue, B up to {b}, C the rest.",
    },
    "abc.pareto": {"nl": "Paretocurve", "en": "Pareto curve"},
    "abc.pareto.caption": {
        "nl": "{points} punten getekend voor {n} relaties (ingedikt, klassegrenzen behouden).",
        "en": "{points} points drawn for {n} relations (downsampled, class boundaries kept).",
    },
    "abc.classes": {
        "nl": "Aandeel klanten tegenover aandeel omzet per klasse",
        "en": "Share of customers against share of revenue per class",
    },
    "abc.empty": {
        "nl": "Geen relaties met omzet in de laatste 12 maanden voor deze filters.",
        "en": "No relations with revenue in the last 12 months for these filters.",
    },
    "abc.x": {"nl": "Aandeel klanten (cumulatief)", "en": "Share of customers (cumulative)"},
    "abc.y": {"nl": "Aandeel omzet (cumulatief)", "en": "Share of revenue (cumulative)"},
    "abc.boundary": {"nl": "grens {cls}", "en": "boundary {cls}"},
    "abc.filtered": {
        "nl": "Met filters wordt de curve binnen de selectie berekend; de klasse blijft die "
        "van het hele bedrijf.",
        "en": "With filters the curve is computed within the selection; the class stays "
        "the company-wide one.",
    },
    # scoring page
    "score.intro": {
        "nl": "Klantwaardering: per criterium een score 1-5 uit een band, gewogen opgeteld. "
        "De klantmatrix zet relatiegedrag tegen koopgedrag.",
        "en": "Customer rating: per criterion a score 1-5 from a band, summed with weights. "
        "The customer matrix sets relationship behaviour against buying behaviour.",
    },
    "score.matrix": {"nl": "Klantmatrix", "en": "Customer matrix"},
    "score.matrix.caption": {
        "nl": "Aantal klanten per cel (scores afgerond op {step}); lijnen: drempels relatie "
        "{rel} en koopgedrag {buy}.",
        "en": "Customers per cell (scores rounded to {step}); lines: thresholds relationship "
        "{rel} and buying {buy}.",
    },
    "score.groups": {"nl": "Klanten per groep", "en": "Customers per group"},
    "score.total": {"nl": "Verdeling totaalscore", "en": "Total score distribution"},
    "score.cutoff.caption": {
        "nl": "{passes} van {n} klanten halen de ondergrens {cutoff} ({share}).",
        "en": "{passes} of {n} customers pass the cut-off {cutoff} ({share}).",
    },
    "score.explain": {"nl": "Score uitgelegd", "en": "Score explained"},
    "score.pick": {"nl": "Relatie", "en": "Relation"},
    "score.pick.none": {
        "nl": "Geen klant gevonden voor deze zoekterm en filters.",
        "en": "No customer found for this search and these filters.",
    },
    "score.pick.caption": {
        "nl": "De {n} best scorende treffers; verfijn de zoekterm voor andere.",
        "en": "The {n} best-scoring matches; refine the search for others.",
    },
    "score.explain.caption": {
        "nl": "{name}: totaalscore {total} (rang {rank}), groep {group}, {cutoff}.",
        "en": "{name}: total score {total} (rank {rank}), group {group}, {cutoff}.",
    },
    "score.passes": {"nl": "haalt de ondergrens", "en": "passes the cut-off"},
    "score.fails": {"nl": "haalt de ondergrens niet", "en": "below the cut-off"},
    "score.empty": {
        "nl": "Geen klanten (actief of inactief) voor deze filters.",
        "en": "No customers (active or inactive) for these filters.",
    },
    "score.relationship": {"nl": "Relatiescore", "en": "Relationship score"},
    "score.buying": {"nl": "Koopscore", "en": "Buying score"},
    # service levels page
    "svc.intro": {
        "nl": "Serviceniveau uit omzet (ABC) en groeipotentieel; het toegekende niveau "
        "verandert alleen bij de halfjaarlijkse review.",
        "en": "Service level from revenue (ABC) and growth potential; the assigned level "
        "only changes at the half-yearly review.",
    },
    "svc.mix": {"nl": "A/B/C-verdeling", "en": "A/B/C mix"},
    "svc.mix.caption": {
        "nl": "Bediend niveau = toegekend bij de laatste review, anders het voorstel.",
        "en": "Served level = assigned at the latest review, else the proposal.",
    },
    "svc.review": {"nl": "Laatste review: {period}", "en": "Latest review: {period}"},
    "svc.review.none": {
        "nl": "Er is nog geen review vastgelegd. Bevries de voorstellen met de "
        "halfjaarlijkse review, bijvoorbeeld `make review PERIOD=2027-H1`.",
        "en": "No review has been frozen yet. Freeze the proposals with the half-yearly "
        "review, for example `make review PERIOD=2027-H1`.",
    },
    "svc.review.moves": {
        "nl": "Promoties en degradaties",
        "en": "Promotions and demotions",
    },
    "svc.review.moves.none": {
        "nl": "Geen promoties of degradaties in deze review (bij een eerste review is "
        "elke klant nieuw).",
        "en": "No promotions or demotions in this review (at a first review every "
        "customer is new).",
    },
    "svc.different": {
        "nl": "Voorstel wijkt af van toegekend niveau",
        "en": "Proposal differs from the assigned level",
    },
    "svc.different.caption": {
        "nl": "De to-do-lijst voor de volgende review; ook klanten zonder toegekend niveau.",
        "en": "The next review's to-do list; also customers without an assigned level.",
    },
    "svc.different.none": {
        "nl": "Elk voorstel is gelijk aan het toegekende niveau.",
        "en": "Every proposal equals the assigned level.",
    },
    "svc.capacities": {"nl": "Wat hoort bij elk niveau", "en": "What each level gets"},
    # visit planning page
    "visit.intro": {
        "nl": "Bezoekplan voor de komende {weeks} weken vanaf {start}: achterstallig, "
        "reactiveren, volgens norm en prospects opvolgen, op prioriteit binnen capaciteit.",
        "en": "Visit plan for the coming {weeks} weeks from {start}: overdue, reactivation, "
        "due and prospect follow-ups, by priority within capacity.",
    },
    "visit.who": {"nl": "Wie ben je?", "en": "Who are you?"},
    "visit.manager": {"nl": "Manager: alle verkopers", "en": "Manager: all salespeople"},
    "visit.reasons": {"nl": "Redenen", "en": "Reasons"},
    "visit.capacity": {"nl": "Capaciteit per week", "en": "Capacity per week"},
    "visit.capacity.caption": {
        "nl": "{planned} bezoeken gepland binnen een capaciteit van {capacity}; "
        "{over} passen niet (boven capaciteit).",
        "en": "{planned} visits planned within a capacity of {capacity}; "
        "{over} do not fit (over capacity).",
    },
    "visit.plan": {"nl": "Het plan", "en": "The plan"},
    "visit.plan.none": {
        "nl": "Geen bezoeken gepland voor deze selectie.",
        "en": "No visits planned for this selection.",
    },
    "visit.compare": {"nl": "Verkopers vergeleken", "en": "Salespeople compared"},
    "visit.used": {"nl": "Gepland", "en": "Planned"},
    "visit.over": {"nl": "Boven capaciteit", "en": "Over capacity"},
    "visit.available": {"nl": "Beschikbaar", "en": "Available"},
    "visit.week": {"nl": "Week", "en": "Week"},
    "visit.none_salespeople": {
        "nl": "Er zijn geen verkopers in `crm/salespeople`.",
        "en": "There are no salespeople in `crm/salespeople`.",
    },
    "visit.csv.caption": {
        "nl": "De CSV bevat geen contactpersonen of andere persoonsgegevens.",
        "en": "The CSV holds no contact persons or other personal data.",
    },
    # data quality page
    "dq.fresh": {"nl": "Actualiteit", "en": "Freshness"},
    "dq.runs": {"nl": "Laatste inlees per brontabel", "en": "Latest load per source table"},
    "dq.rejects": {"nl": "Afgewezen regels", "en": "Rejected rows"},
    "dq.rejects.none": {
        "nl": "Geen afgewezen regels bij de laatste inlees.",
        "en": "No rows were rejected at the latest load.",
    },
    "dq.unlinked": {"nl": "Niet-gekoppelde ERP-klanten", "en": "Unlinked ERP customers"},
    "dq.unlinked.caption": {
        "nl": "{n} ERP-klanten zonder CRM-relatie, samen {revenue} omzet in 12 maanden "
        "die de segmentatie niet kan plaatsen.",
        "en": "{n} ERP customers without a CRM relation, together {revenue} revenue in "
        "12 months the segmentation cannot place.",
    },
    "dq.unlinked.none": {
        "nl": "Elke ERP-klant is aan een CRM-relatie gekoppeld.",
        "en": "Every ERP customer links to a CRM relation.",
    },
    "dq.unassigned": {"nl": "Relaties zonder verkoper", "en": "Relations without a salesperson"},
    "dq.unassigned.caption": {
        "nl": "Deze relaties vallen buiten elke portefeuille en elk bezoekplan.",
        "en": "These relations are missing from every portfolio and visit plan.",
    },
    "dq.unassigned.none": {
        "nl": "Elke relatie heeft een bekende verkoper.",
        "en": "Every relation has a known salesperson.",
    },
    "dq.refresh": {"nl": "Verversing", "en": "Refresh"},
    "dq.refresh.ok": {
        "nl": "Laatste verversing geslaagd op {when} (peildatum {as_of}).",
        "en": "Last refresh succeeded at {when} (as of {as_of}).",
    },
    "dq.refresh.failed": {
        "nl": "De laatste verversing is mislukt op {when}, in stap `{step}`. Het dashboard "
        "toont de laatste geslaagde verversing ({success}).",
        "en": "The last refresh failed at {when}, in step `{step}`. The dashboard shows "
        "the last successful refresh ({success}).",
    },
    "dq.refresh.reason": {"nl": "Reden", "en": "Reason"},
    "dq.refresh.earlier_failure": {
        "nl": "Eerder mislukt: {when}, stap `{step}`.",
        "en": "Failed earlier: {when}, step `{step}`.",
    },
    "dq.refresh.unknown": {
        "nl": "Er is geen verversing geregistreerd bij dit warehouse.",
        "en": "No refresh was recorded for this warehouse.",
    },
    "dq.refresh.never": {"nl": "nooit", "en": "never"},
    "dq.metric.as_of": {"nl": "Peildatum", "en": "As of"},
    "dq.metric.published": {"nl": "Gepubliceerd", "en": "Published"},
    "dq.metric.loaded": {"nl": "Laatst ingelezen", "en": "Last loaded"},
    "dq.metric.rejected": {"nl": "Afgewezen regels", "en": "Rejected rows"},
}

# --- enum labels (mart values -> label) -------------------------------------------------
ENUMS: dict[str, dict[str, dict[str, str]]] = {
    "pyramid_level": {
        "top": {"nl": "Top", "en": "Top"},
        "large": {"nl": "Groot", "en": "Large"},
        "medium": {"nl": "Middel", "en": "Medium"},
        "small": {"nl": "Klein", "en": "Small"},
        "inactive": {"nl": "Inactief", "en": "Inactive"},
        "prospect": {"nl": "Prospect", "en": "Prospect"},
        "suspect": {"nl": "Suspect", "en": "Suspect"},
    },
    "relation_kind": {
        "active": {"nl": "Actief", "en": "Active"},
        "inactive": {"nl": "Inactief", "en": "Inactive"},
        "prospect": {"nl": "Prospect", "en": "Prospect"},
        "suspect": {"nl": "Suspect", "en": "Suspect"},
    },
    "customer_group": {
        "partner": {"nl": "Partner", "en": "Partner"},
        "friend": {"nl": "Vriend", "en": "Friend"},
        "economicus": {"nl": "Economicus", "en": "Economicus"},
        "dog": {"nl": "Hond", "en": "Dog"},
    },
    "movement": {
        "promoted": {"nl": "Gepromoveerd", "en": "Promoted"},
        "demoted": {"nl": "Gedegradeerd", "en": "Demoted"},
        "unchanged": {"nl": "Ongewijzigd", "en": "Unchanged"},
        "new": {"nl": "Nieuw", "en": "New"},
    },
    "reason": {
        "overdue": {"nl": "Bezoek achterstallig", "en": "Visit overdue"},
        "reactivation": {"nl": "Reactiveren", "en": "Reactivation"},
        "due": {"nl": "Bezoek volgens norm", "en": "Visit due"},
        "prospect_follow_up": {"nl": "Prospect opvolgen", "en": "Prospect follow-up"},
    },
    "axis": {
        "relationship": {"nl": "Relatie", "en": "Relationship"},
        "buying": {"nl": "Koopgedrag", "en": "Buying"},
        "none": {"nl": "Overig", "en": "Other"},
    },
    "criterion": {
        "revenue_12m": {"nl": "Omzet 12 mnd", "en": "Revenue 12 m"},
        "invoice_count_12m": {"nl": "Aantal orders", "en": "Number of orders"},
        "average_order_value_12m": {"nl": "Gem. orderwaarde", "en": "Average order value"},
        "share_of_wallet": {"nl": "Share of wallet", "en": "Share of wallet"},
        "margin_pct_12m": {"nl": "Marge", "en": "Margin"},
        "growth_potential": {"nl": "Groeipotentieel", "en": "Growth potential"},
        "average_days_paid_late": {
            "nl": "Gem. dagen te laat betaald",
            "en": "Average days paid late",
        },
        "overdue_open_amount": {"nl": "Achterstallig bedrag", "en": "Overdue open amount"},
        "two_way_contacts_window": {"nl": "Contactintensiteit", "en": "Contact intensity"},
        "response_rate_window": {"nl": "Responsgraad", "en": "Response rate"},
        "relationship_rating": {
            "nl": "Beoordeling accountmanager",
            "en": "Account manager's rating",
        },
    },
    "dq_reason": {
        "no account manager": {"nl": "geen accountmanager", "en": "no account manager"},
        "account manager unknown in crm/salespeople": {
            "nl": "accountmanager onbekend in crm/salespeople",
            "en": "account manager unknown in crm/salespeople",
        },
    },
    "band": {"missing": {"nl": "onbekend", "en": "missing"}},
}

# Pyramid levels top down, as the mart orders them (pyramid_level_order 1..7).
PYRAMID_LEVELS = ("top", "large", "medium", "small", "inactive", "prospect", "suspect")
RELATION_KINDS = ("active", "inactive", "prospect", "suspect")
CUSTOMER_GROUPS = ("partner", "friend", "economicus", "dog")
MOVEMENTS = ("promoted", "demoted", "unchanged", "new")

# --- column headers ---------------------------------------------------------------------
COLUMNS: dict[str, dict[str, str]] = {
    "relation_id": {"nl": "Relatienr.", "en": "Relation id"},
    "relation_name": {"nl": "Relatie", "en": "Relation"},
    "relation_kind": {"nl": "Soort", "en": "Kind"},
    "pyramid_level": {"nl": "Niveau", "en": "Level"},
    "relations": {"nl": "Relaties", "en": "Relations"},
    "relation_share": {"nl": "Aandeel relaties", "en": "Share of relations"},
    "revenue_12m": {"nl": "Omzet 12 mnd", "en": "Revenue 12 m"},
    "revenue_share": {"nl": "Aandeel omzet", "en": "Share of revenue"},
    "customer_share": {"nl": "Aandeel klanten", "en": "Share of customers"},
    "active_rank": {"nl": "Rang", "en": "Rank"},
    "account_manager_id": {"nl": "Verkoper-id", "en": "Salesperson id"},
    "account_manager_name": {"nl": "Verkoper", "en": "Salesperson"},
    "salesperson_id": {"nl": "Verkoper-id", "en": "Salesperson id"},
    "salesperson_name": {"nl": "Verkoper", "en": "Salesperson"},
    "region": {"nl": "Regio", "en": "Region"},
    "sector": {"nl": "Branche", "en": "Sector"},
    "city": {"nl": "Plaats", "en": "City"},
    "last_invoice_date": {"nl": "Laatste factuur", "en": "Last invoice"},
    "months_since_last_invoice": {"nl": "Maanden sinds factuur", "en": "Months since invoice"},
    "last_two_way_contact_date": {"nl": "Laatste contact", "en": "Last contact"},
    "is_lead": {"nl": "Lead", "en": "Lead"},
    "needs_reactivation": {"nl": "Reactiveren", "en": "Needs reactivation"},
    "abc_class": {"nl": "ABC-klasse", "en": "ABC class"},
    "customers": {"nl": "Klanten", "en": "Customers"},
    "customer_group": {"nl": "Groep", "en": "Group"},
    "total_score": {"nl": "Totaalscore", "en": "Total score"},
    "score_rank": {"nl": "Rang", "en": "Rank"},
    "relationship_score": {"nl": "Relatiescore", "en": "Relationship score"},
    "buying_score": {"nl": "Koopscore", "en": "Buying score"},
    "passes_cutoff": {"nl": "Boven ondergrens", "en": "Passes cut-off"},
    "criterion": {"nl": "Criterium", "en": "Criterion"},
    "axis": {"nl": "As", "en": "Axis"},
    "raw_value": {"nl": "Waarde", "en": "Raw value"},
    "band": {"nl": "Band", "en": "Band"},
    "score": {"nl": "Score", "en": "Score"},
    "weight": {"nl": "Gewicht", "en": "Weight"},
    "contribution": {"nl": "Bijdrage", "en": "Contribution"},
    "service_level": {"nl": "Serviceniveau", "en": "Service level"},
    "effective_level": {"nl": "Bediend niveau", "en": "Served level"},
    "proposed_level": {"nl": "Voorgesteld", "en": "Proposed"},
    "assigned_level": {"nl": "Toegekend", "en": "Assigned"},
    "previous_level": {"nl": "Vorig niveau", "en": "Previous level"},
    "override_level": {"nl": "Handmatig niveau", "en": "Override"},
    "override_reason": {"nl": "Reden handmatig", "en": "Override reason"},
    "decided_by": {"nl": "Besloten door", "en": "Decided by"},
    "review_period": {"nl": "Review", "en": "Review"},
    "movement": {"nl": "Beweging", "en": "Movement"},
    "growth_potential": {"nl": "Groeipotentieel", "en": "Growth potential"},
    "response_rule": {"nl": "Reactietijd", "en": "Response time"},
    "response_time_hours": {"nl": "Reactietijd (uur)", "en": "Response time (hours)"},
    "max_discount_pct": {"nl": "Max. korting", "en": "Max. discount"},
    "payment_terms_days": {"nl": "Betaaltermijn (dagen)", "en": "Payment terms (days)"},
    "free_delivery": {"nl": "Gratis levering", "en": "Free delivery"},
    "fixed_contact_person": {"nl": "Vaste contactpersoon", "en": "Fixed contact person"},
    "visits_per_year": {"nl": "Bezoeken per jaar", "en": "Visits per year"},
    "reason": {"nl": "Reden", "en": "Reason"},
    "priority": {"nl": "Prioriteit", "en": "Priority"},
    "week_start": {"nl": "Week van", "en": "Week of"},
    "week_number": {"nl": "Week", "en": "Week"},
    "within_capacity": {"nl": "Binnen capaciteit", "en": "Within capacity"},
    "last_visit_date": {"nl": "Laatste bezoek", "en": "Last visit"},
    "next_due_date": {"nl": "Volgend bezoek uiterlijk", "en": "Next visit due"},
    "days_overdue": {"nl": "Dagen te laat", "en": "Days overdue"},
    "visits": {"nl": "Bezoeken", "en": "Visits"},
    "relation_count": {"nl": "Relaties", "en": "Relations"},
    "active_count": {"nl": "Actief", "en": "Active"},
    "inactive_count": {"nl": "Inactief", "en": "Inactive"},
    "prospect_count": {"nl": "Prospects", "en": "Prospects"},
    "suspect_count": {"nl": "Suspects", "en": "Suspects"},
    "lead_count": {"nl": "Leads", "en": "Leads"},
    "needs_reactivation_count": {"nl": "Te reactiveren", "en": "To reactivate"},
    "top_count": {"nl": "Top", "en": "Top"},
    "large_count": {"nl": "Groot", "en": "Large"},
    "medium_count": {"nl": "Middel", "en": "Medium"},
    "small_count": {"nl": "Klein", "en": "Small"},
    "level_a_count": {"nl": "Niveau A", "en": "Level A"},
    "level_b_count": {"nl": "Niveau B", "en": "Level B"},
    "level_c_count": {"nl": "Niveau C", "en": "Level C"},
    "visits_per_week": {"nl": "Bezoeken per week", "en": "Visits per week"},
    "visits_planned": {"nl": "Gepland", "en": "Planned"},
    "visits_over_capacity": {"nl": "Boven capaciteit", "en": "Over capacity"},
    "visit_capacity": {"nl": "Capaciteit", "en": "Capacity"},
    "capacity_used_share": {"nl": "Bezetting", "en": "Capacity used"},
    "overdue_visit_count": {"nl": "Achterstallig", "en": "Overdue"},
    "reactivation_visit_count": {"nl": "Reactiveren", "en": "Reactivation"},
    "due_visit_count": {"nl": "Volgens norm", "en": "Due"},
    "prospect_follow_up_visit_count": {"nl": "Prospect opvolgen", "en": "Prospect follow-up"},
    "source_table": {"nl": "Brontabel", "en": "Source table"},
    "source_file": {"nl": "Bronbestand", "en": "Source file"},
    "file_format": {"nl": "Formaat", "en": "Format"},
    "rows_read": {"nl": "Gelezen", "en": "Read"},
    "rows_loaded": {"nl": "Geladen", "en": "Loaded"},
    "rows_rejected": {"nl": "Afgewezen", "en": "Rejected"},
    "extra_columns": {"nl": "Onbekende kolommen", "en": "Unknown columns"},
    "loaded_at": {"nl": "Ingelezen op", "en": "Loaded at"},
    "line_number": {"nl": "Regel", "en": "Line"},
    "column_name": {"nl": "Kolom", "en": "Column"},
    "rejected_rows": {"nl": "Afgewezen regels", "en": "Rejected rows"},
    "customer_id": {"nl": "ERP-klantnr.", "en": "ERP customer id"},
    "customer_name": {"nl": "Klantnaam", "en": "Customer name"},
    "crm_relation_id": {"nl": "CRM-id in ERP", "en": "CRM id in ERP"},
    "kvk_number": {"nl": "KvK-nummer", "en": "KvK number"},
    "invoice_count": {"nl": "Facturen", "en": "Invoices"},
    "from_kind": {"nl": "Van", "en": "From"},
    "to_kind": {"nl": "Naar", "en": "To"},
    "change_month": {"nl": "Maand", "en": "Month"},
    "changes": {"nl": "Wisselingen", "en": "Changes"},
    "share_of_relations": {"nl": "Aandeel", "en": "Share"},
}


def t(key: str, lang: str | None = None, **kwargs: object) -> str:
    """The string `key` in `lang` (default: the session's language), formatted with kwargs."""
    lang = lang or current_language()
    entry = STRINGS.get(key)
    text = key if entry is None else entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**kwargs) if kwargs else text


def label(kind: str, value: object, lang: str | None = None) -> str:
    """The label of an enum value (e.g. pyramid_level 'large' -> 'Groot'); unknown: as is."""
    lang = lang or current_language()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    entry = ENUMS.get(kind, {}).get(str(value))
    return str(value) if entry is None else entry.get(lang, str(value))


def column(name: str, lang: str | None = None) -> str:
    lang = lang or current_language()
    entry = COLUMNS.get(name)
    return name if entry is None else entry.get(lang, name)


def current_language() -> str:
    """The session's language; Dutch outside a Streamlit session (tests, scripts)."""
    try:
        import streamlit as st

        lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    except Exception:  # no Streamlit runtime (unit tests, benchmark): the default
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


# --- number and date formatting ---------------------------------------------------------
def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def fmt_number(value: object, lang: str | None = None, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (nl) or '1,234,567.5' (en); missing -> ''."""
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    # Half away from zero, as people round money (Python's own rounding is half-even).
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0" for tiny negatives
    text = f"{number:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_eur(value: object, lang: str | None = None, decimals: int = 0) -> str:
    """1234567 -> '€ 1.234.567' (nl) or '€1,234,567' (en); negatives: '€ -1.234' / '-€1,234'."""
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    text = fmt_number(value, lang, decimals)
    negative = text.startswith("-")
    digits = text.lstrip("-")
    if lang == "nl":
        return f"€ -{digits}" if negative else f"€ {digits}"
    return f"-€{digits}" if negative else f"€{digits}"


def fmt_pct(value: object, lang: str | None = None, decimals: int = 1) -> str:
    """A fraction: 0.125 -> '12,5%' (nl) or '12.5%' (en)."""
    if _is_missing(value):
        return ""
    return f"{fmt_number(float(value) * 100, lang, decimals)}%"


def fmt_int(value: object, lang: str | None = None) -> str:
    return fmt_number(value, lang, 0)


def fmt_date(value: object, lang: str | None = None) -> str:
    """23-11-2026 (nl) or 2026-11-23 (en); missing -> ''."""
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d-%m-%Y") if lang == "nl" else value.isoformat()


def fmt_datetime(value: object, lang: str | None = None) -> str:
    if _is_missing(value):
        return ""
    lang = lang or current_language()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (int, float)):
        value = dt.datetime.fromtimestamp(value)
    return value.strftime("%d-%m-%Y %H:%M") if lang == "nl" else value.strftime("%Y-%m-%d %H:%M")


def fmt_bool(value: object, lang: str | None = None) -> str:
    if _is_missing(value):
        return ""
    return t("yes" if bool(value) else "no", lang)


def vega_number_locale(lang: str | None = None) -> dict:
    """d3-format locale for Vega-Lite axes: Dutch separators and '€ ' in Dutch mode."""
    lang = lang or current_language()
    if lang == "nl":
        return {
            "decimal": ",",
            "thousands": ".",
            "grouping": [3],
            "currency": ["€ ", ""],
        }
    return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]}


# --- presenting a query result ----------------------------------------------------------
# How a mart column is shown: a formatter per kind of column.
EUR_COLUMNS = {
    "revenue_12m",
    "growth_potential",
    "estimated_annual_spend",
    "cumulative_revenue",
}
PCT_COLUMNS = {
    "relation_share",
    "revenue_share",
    "customer_share",
    "capacity_used_share",
    "share_of_relations",
}
DATE_COLUMNS = {
    "last_invoice_date",
    "last_two_way_contact_date",
    "last_visit_date",
    "next_due_date",
    "week_start",
    "as_of_date",
}
DATETIME_COLUMNS = {"loaded_at"}
BOOL_COLUMNS = {
    "is_lead",
    "needs_reactivation",
    "passes_cutoff",
    "within_capacity",
    "free_delivery",
    "fixed_contact_person",
    "has_override",
}
SCORE_COLUMNS = {"total_score", "relationship_score", "buying_score", "contribution", "weight"}
ENUM_COLUMNS = {
    "pyramid_level": "pyramid_level",
    "relation_kind": "relation_kind",
    "from_kind": "relation_kind",
    "to_kind": "relation_kind",
    "customer_group": "customer_group",
    "movement": "movement",
    "reason": "reason",
    "axis": "axis",
    "criterion": "criterion",
    "band": "band",
}


def formatter_for(name: str, lang: str) -> Callable[[object], str] | None:
    if name in EUR_COLUMNS:
        return lambda v: fmt_eur(v, lang)
    if name in PCT_COLUMNS:
        return lambda v: fmt_pct(v, lang)
    if name in DATE_COLUMNS:
        return lambda v: fmt_date(v, lang)
    if name in DATETIME_COLUMNS:
        return lambda v: fmt_datetime(v, lang)
    if name in BOOL_COLUMNS:
        return lambda v: fmt_bool(v, lang)
    if name in SCORE_COLUMNS:
        return lambda v: fmt_number(v, lang, 2)
    if name == "max_discount_pct":
        return lambda v: f"{fmt_number(v, lang, 1)}%"
    return None


def translate_frame(
    frame: pd.DataFrame, lang: str | None = None, columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """Enum values as labels and the chosen columns only; numbers stay numbers."""
    lang = lang or current_language()
    out = frame[list(columns)] if columns is not None else frame
    out = out.copy()
    for name, kind in ENUM_COLUMNS.items():
        if name in out.columns:
            out[name] = out[name].map(lambda v, kind=kind: label(kind, v, lang))
    return out


def styled(frame: pd.DataFrame, lang: str | None = None, columns: Iterable[str] | None = None):
    """A display version of a mart result: labels translated, numbers formatted per language.

    A pandas Styler: Streamlit shows the formatted text and sorts on the raw values.
    """
    lang = lang or current_language()
    out = translate_frame(frame, lang, columns)
    formats = {}
    for name in out.columns:
        formatter = formatter_for(name, lang)
        if formatter is not None:
            formats[column(name, lang)] = formatter
        elif pd.api.types.is_bool_dtype(out[name]):
            continue
        elif pd.api.types.is_numeric_dtype(out[name]):
            formats[column(name, lang)] = lambda v: fmt_number(v, lang, 0)
        else:
            # text: an empty cell rather than Streamlit's grey "None"
            out[name] = out[name].astype(object).where(out[name].notna(), "")
    out = out.rename(columns={name: column(name, lang) for name in out.columns})
    return out.style.format(formats, na_rep="")


# Units of the scoring criteria's raw values (seeds/scoring_criteria.csv descriptions).
CRITERION_UNITS = {
    "revenue_12m": "eur",
    "average_order_value_12m": "eur",
    "growth_potential": "eur",
    "overdue_open_amount": "eur",
    "share_of_wallet": "fraction",
    "margin_pct_12m": "fraction",
    "response_rate_window": "fraction",
}


def fmt_raw_value(criterion: str, value: object, lang: str | None = None) -> str:
    """A criterion's raw value in its unit; an unknown value shows as 'onbekend'."""
    if _is_missing(value):
        return label("band", "missing", lang)
    unit = CRITERION_UNITS.get(criterion)
    if unit == "eur":
        return fmt_eur(value, lang)
    if unit == "fraction":
        return fmt_pct(value, lang)
    number = float(value)
    return fmt_number(number, lang, 0 if number == int(number) else 1)


# Columns holding personal data (AVG/GDPR) that a mart may carry: names of people.
# Downloads leave them out unless the user asks for them (`include_personal`).
PERSONAL_COLUMNS = frozenset(
    {
        "salesperson_name",
        "account_manager_name",
        "decided_by",
        "first_name",
        "last_name",
        "contact_name",
        "contact_email",
        "contact_phone",
        "salesperson_email",
        "email",
        "phone",
    }
)


def to_csv(
    frame: pd.DataFrame,
    columns: Iterable[str],
    lang: str | None = None,
    include_personal: bool = False,
) -> bytes:
    """A download: translated headers and labels; Dutch CSV (`;`, decimal comma) for
    Dutch Excel, plain CSV in English. UTF-8 with BOM so Excel reads the accents.

    Personal data (`PERSONAL_COLUMNS`) only with `include_personal`."""
    lang = lang or current_language()
    columns = [c for c in columns if include_personal or c not in PERSONAL_COLUMNS]
    export = translate_frame(frame, lang, columns)
    for name in columns:
        if name in BOOL_COLUMNS:
            export[name] = export[name].map(lambda v: fmt_bool(v, lang))
    export = export.rename(columns={name: column(name, lang) for name in columns})
    if lang == "nl":
        text = export.to_csv(index=False, sep=";", decimal=",")
    else:
        text = export.to_csv(index=False)
    return text.encode("utf-8-sig")
