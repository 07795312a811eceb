"""The CRM tables hanging off a chunk of relations: contacts, activities, opportunities."""

from __future__ import annotations

import numpy as np

from orchestration.demo.columns import _Bool, _Column, _Gathered, _Ids, _Money, _Pooled, _Timestamp
from orchestration.demo.pools import _email, _pick_segments
from orchestration.demo.reference import (
    _ACTIVE,
    _ACTIVITY_RATES,
    _MARKETING_TYPES,
    _OFFICE_TYPES,
    _PROSPECT,
    _QUIET,
    _SUSPECT,
    _TWO_WAY_TYPES,
    _TYPE_INDEX,
)
from orchestration.demo.relations import _Counters, _phones, _Relations
from orchestration.demo.words import _DAY_S
from orchestration.demo.world import _YEAR_DAYS, _World
from orchestration.ingest.contract import ACTIVITY_TYPES


def _contacts(
    world: _World, rng: np.random.Generator, rel: _Relations, counters: _Counters
) -> tuple[dict, np.ndarray, np.ndarray]:
    """Contact persons: 1-4 at customers, 1-3 at prospects, at most one at suspects."""
    pools, n = world.pools, rel.n
    count = np.select(
        [rel.kind <= _QUIET, rel.kind == _PROSPECT],
        [
            1 + np.minimum(3, rng.poisson(0.5 + 0.35 * np.log1p(rel.size))),
            1 + np.minimum(2, rng.poisson(0.4, n)),
        ],
        (rng.random(n) < 0.6).astype(np.int64),
    )
    m = int(count.sum())
    first_number = counters.contact + np.cumsum(count) - count
    numbers = counters.contact + np.arange(m)
    counters.contact += m
    owner = np.repeat(np.arange(n), count)
    country = rel.country[owner]
    first = _pick_segments(rng, 2 * country + (rng.random(m) < 0.4), pools.first_segments)
    last = _pick_segments(rng, country, pools.last_segments)
    domain = _Pooled(pools.domains, rel.name[owner] % len(pools.domains))
    columns = {
        "contact_id": _Ids("C", numbers, world.digits["C"]),
        "relation_id": _Ids("R", rel.number[owner], world.digits["R"]),
        "first_name": _Pooled(pools.first_names, first),
        "last_name": _Pooled(pools.last_names, last),
        "email": _email(pools, first, last, domain, rng.random(m) < 0.3, rng.random(m) > 0.1),
        "phone": _phones(world, rng, rel.city[owner], rng.random(m) > 0.12),
        "job_title": _Pooled(
            pools.job_titles, rng.integers(0, len(pools.job_titles), m), rng.random(m) > 0.08
        ),
        "marketing_consent": _Bool(rng.random(m) < 0.62, rng.random(m) > 0.02),
    }
    return columns, first_number, count


def _activities(
    world: _World,
    rng: np.random.Generator,
    rel: _Relations,
    contact_first: np.ndarray,
    contact_count: np.ndarray,
    relation_ids: _Column,
    counters: _Counters,
) -> dict:
    """Contact moments over the history: a Poisson stream per relation and type."""
    cal, n, n_types = world.calendar, rel.n, len(ACTIVITY_TYPES)
    end_s = cal.end * _DAY_S + _DAY_S - 1
    begin = np.maximum(rel.created + 60, cal.start * _DAY_S)
    rates = _ACTIVITY_RATES[rel.kind]
    # Larger customers are visited, called and met more often.
    boost = np.where(rel.kind <= _QUIET, np.clip(rel.size**0.45, 0.3, 12.0), 1.0)
    for name in ("visit", "call", "meeting"):
        rates[:, _TYPE_INDEX[name]] *= boost
    # Half the suspects were never reached at all, not even by a mailing.
    rates[(rel.kind == _SUSPECT) & (rng.random(n) < 0.5)] = 0.0
    # Quiet customers: two-way contact fades out two months after their last invoice;
    # the mailings go on.
    two_way_end = np.where(rel.kind == _QUIET, np.minimum(end_s, (rel.last + 60) * _DAY_S), end_s)
    finish = np.where(_TWO_WAY_TYPES[None, :], two_way_end[:, None], end_s)
    years = np.maximum(finish - begin[:, None], 0) / (_YEAR_DAYS * _DAY_S)
    count = rng.poisson(rates * years)
    # Every prospect had at least one two-way contact; every reached suspect at least
    # one mailing.
    prospects = np.flatnonzero(rel.kind == _PROSPECT)
    two_way = np.flatnonzero(_TWO_WAY_TYPES)
    count[prospects, two_way[rng.integers(0, len(two_way), len(prospects))]] += 1
    sent = _TYPE_INDEX["campaign_sent"]
    count[np.flatnonzero((rel.kind == _SUSPECT) & (rates[:, sent] > 0)), sent] += 1

    stream = np.repeat(np.arange(n * n_types), count.ravel())
    m = len(stream)
    owner, kind = stream // n_types, stream % n_types
    low, high = begin[owner], finish.ravel()[stream]
    at = low + (rng.random(m) * (high - low)).astype(np.int64)
    day = at // _DAY_S
    office = _OFFICE_TYPES[kind]
    weekday = (day + 3) % 7
    day += np.where(office & (weekday >= 5), 7 - weekday, 0)  # weekend -> Monday
    time_of_day = np.where(
        office, 8 * 3600 + rng.integers(0, 9 * 3600, m), 7 * 3600 + rng.integers(0, 16 * 3600, m)
    )
    # Mailings go out on the hour, from the marketing tool.
    campaign = kind == sent
    time_of_day[campaign] = 3600 * rng.integers(8, 11, int(campaign.sum()))
    at = np.clip(day * _DAY_S + time_of_day, low, high)

    # Mostly the main contact person; mailings often go to a general address.
    contacts = contact_count[owner]
    marketing = _MARKETING_TYPES[kind]
    contact = contact_first[owner] + (rng.random(m) ** 1.5 * contacts).astype(np.int64)
    has_contact = (contacts > 0) & ~(marketing & (rng.random(m) < 0.4))
    # The account manager does most of the work; colleagues fill in.
    manager = rel.manager[owner]
    colleague = rng.integers(0, world.n_salespeople, m)
    salesperson = np.where((manager >= 0) & (rng.random(m) < 0.85), manager, colleague)

    order = np.argsort(at, kind="stable")
    numbers = counters.activity + np.arange(m)
    counters.activity += m
    return {
        "activity_id": _Ids("A", numbers, 9),
        "relation_id": _Gathered(relation_ids, owner[order]),
        "contact_id": _Ids("C", contact[order], world.digits["C"], has_contact[order]),
        "salesperson_id": _Ids("S", salesperson[order] + 1, world.digits["S"], ~marketing[order]),
        "activity_type": _Pooled(world.pools.activity_types, kind[order]),
        "occurred_at": _Timestamp(at[order]),
    }


def _office_hours(rng: np.random.Generator, seconds: np.ndarray) -> np.ndarray:
    """The same day between 08:00 and 18:00, moved from a weekend to the Monday after."""
    day = seconds // _DAY_S
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    day += np.where(weekday >= 5, 7 - weekday, 0)
    return day * _DAY_S + 8 * 3600 + rng.integers(0, 10 * 3600, len(seconds))


def _opportunities(
    world: _World,
    rng: np.random.Generator,
    rel: _Relations,
    relation_ids: _Column,
    counters: _Counters,
) -> dict:
    """Quotes: won and lost at customers; open leads and lost quotes at prospects."""
    cal, n = world.calendar, rel.n
    end_s = cal.end * _DAY_S + _DAY_S - 1
    begin = np.maximum(rel.created + 3600, cal.start * _DAY_S)
    finish = np.where(rel.kind == _QUIET, rel.last * _DAY_S + 12 * 3600, end_s)
    years = np.maximum(finish - begin, 0) / (_YEAR_DAYS * _DAY_S)
    group = rng.random(n)
    prospect = rel.kind == _PROSPECT
    lead = prospect & (group < 0.45)
    lost_only = prospect & (group >= 0.45) & (group < 0.70)
    rate = np.select(
        [rel.kind == _ACTIVE, rel.kind == _QUIET, lead | lost_only],
        [np.clip(rel.size**0.2, 0.5, 3.0), 0.8, 0.25],
        0.0,
    )
    count = rng.poisson(rate * years) + lost_only
    owner = np.concatenate([np.repeat(np.arange(n), count), np.flatnonzero(lead)])
    m = len(owner)
    is_lead = np.arange(m) >= int(count.sum())
    low = np.where(is_lead, np.maximum(begin[owner], end_s - 150 * _DAY_S), begin[owner])
    created = low + (rng.random(m) * (finish[owner] - low)).astype(np.int64)
    created = np.clip(_office_hours(rng, created), low, finish[owner])
    decided = _office_hours(
        rng, created + ((3 + rng.exponential(25.0, m)) * _DAY_S).astype(np.int64)
    )
    is_customer = rel.kind[owner] <= _QUIET
    # Index into OPPORTUNITY_STATUSES: 0 open, 1 won, 2 lost. Prospects never win (a
    # won quote would have made them customers).
    status = np.where(is_customer & (rng.random(m) < 0.55), 1, 2)
    status = np.where(is_lead | (decided > end_s), 0, status)
    amount = np.where(
        is_customer,
        rel.expected_cents[owner] * rng.uniform(0.03, 0.3, m),
        rel.employees[owner] * rng.uniform(2_000, 30_000, m),
    )
    amount = np.maximum(np.rint(amount / 100), 1).astype(np.int64) * 100  # whole euros
    order = np.argsort(created, kind="stable")
    numbers = counters.opportunity + np.arange(m)
    counters.opportunity += m
    manager = rel.manager[owner][order]
    return {
        "opportunity_id": _Ids("O", numbers, 8),
        "relation_id": _Gathered(relation_ids, owner[order]),
        "salesperson_id": _Ids("S", manager + 1, world.digits["S"], manager >= 0),
        "created_at": _Timestamp(created[order]),
        "amount": _Money(amount[order], rng.random(m) > 0.05),
        "status": _Pooled(world.pools.statuses, status[order]),
        "closed_at": _Timestamp(decided[order], status[order] != 0),
    }
