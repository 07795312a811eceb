"""A visit plan as an iCalendar file (RFC 5545, the `icalendar` package): one all-day
event per planned visit on its planned date, for Outlook, Google Calendar and the like.

Why these fields:
- UID is the salesperson and the relation: the plan holds at most one visit per relation,
  so importing the next night's plan moves an event that changed day instead of adding a
  second one.
- SEQUENCE grows with the plan's as_of date: calendars only take an update of a known UID
  whose sequence is higher than the one they hold.
- METHOD:PUBLISH marks the file as a calendar to import, not a meeting invitation that
  would ask the reader to accept.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from icalendar import Calendar, Event

from app import i18n

PRODID = "-//customer-pyramid//visit plan//NL"
UID_DOMAIN = "customer-pyramid"
_SEQUENCE_EPOCH = dt.date(2000, 1, 1)

# What the builder reads from a row of marts.visit_plan.
ICS_COLUMNS = (
    "salesperson_id",
    "salesperson_name",
    "relation_id",
    "relation_name",
    "reason",
    "priority_group",
    "service_level",
    "priority",
    "postcode_area",
    "planned_date",
    "as_of_date",
)


def visit_uid(salesperson_id: object, relation_id: object) -> str:
    """The same visit keeps the same UID in every night's plan."""
    return f"visit-{salesperson_id}-{relation_id}@{UID_DOMAIN}"


def _as_date(value: object) -> dt.date:
    return pd.Timestamp(value).date()


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def build_ics(
    visits: pd.DataFrame,
    lang: str = i18n.DEFAULT_LANGUAGE,
    calendar_name: str | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The planned visits in `visits` (rows of marts.visit_plan with ICS_COLUMNS) as an
    .ics file. Visits over capacity (no planned_date) have no day: they are left out."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = calendar_name or i18n.t("ics.calendar_name", lang)
    # Not in RFC 5545, but Google, Apple and Outlook name an imported calendar by it.
    calendar.add("x-wr-calname", name)
    planned = visits[visits["planned_date"].notna()].sort_values(["planned_date", "priority"])
    for row in planned.itertuples(index=False):
        day = _as_date(row.planned_date)
        reason = i18n.label("reason", row.reason, lang)
        group = i18n.label("priority_group", row.priority_group, lang)
        event = Event()
        event.add("uid", visit_uid(row.salesperson_id, row.relation_id))
        event.add("dtstamp", stamp)
        event.add("sequence", (_as_date(row.as_of_date) - _SEQUENCE_EPOCH).days)
        event.add("dtstart", day)  # a date, not a time: an all-day event
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # the day is not blocked as busy
        event.add(
            "summary",
            i18n.t("ics.summary", lang, relation=row.relation_name, reason=reason, group=group),
        )
        event.add(
            "description",
            i18n.t(
                "ics.description",
                lang,
                relation=_text(row.relation_name),
                relation_id=_text(row.relation_id),
                reason=reason,
                level=_text(row.service_level) or "-",
                group=group,
                priority=int(row.priority),
                area=_text(row.postcode_area) or "-",
            ),
        )
        event.add("categories", [reason, group])
        calendar.add_component(event)
    return calendar.to_ical()
