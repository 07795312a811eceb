"""One chunk of CRM relations (`crm/relations`): who they are, what kind, where, and the
counters that number everything hanging off them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orchestration.demo.columns import (
    _Choice,
    _Column,
    _Concat,
    _Const,
    _Ids,
    _Int,
    _Money,
    _Pooled,
    _Timestamp,
)
from orchestration.demo.pools import _choice, _uniform_int
from orchestration.demo.reference import (
    _BE_SHARE,
    _KIND_SHARES,
    _PROFILE_SHARES,
    _PROSPECT,
    _QUIET,
    _SECTOR_WEIGHTS,
    _SUSPECT,
)
from orchestration.demo.words import _DAY_S
from orchestration.demo.world import _Calendar, _Catalog, _World

# KvK numbers are permutations of the relation index within a fixed range, unique only
# up to the size of that range (BE is the smaller one).
MAX_SCALE = 10_000_000


@dataclass
class _Counters:
    """Next number per id family; chunks run in order, so ids are dense and stable."""

    contact: int = 1
    activity: int = 1
    opportunity: int = 1
    customer: int = 100_001
    invoice: int = 1
    payment: int = 1
    orphan: int = 0


@dataclass
class _Relations:
    n: int
    number: np.ndarray
    kind: np.ndarray
    country: np.ndarray  # 0 NL, 1 BE
    city: np.ndarray
    sector: np.ndarray
    name: np.ndarray  # index into the company name pool
    size: np.ndarray
    employees: np.ndarray
    manager: np.ndarray  # salesperson index, -1 when unassigned
    created: np.ndarray  # seconds
    kvk: np.ndarray  # KvK (NL, 8 digits) or enterprise number (BE, 10 digits)
    start: np.ndarray  # customers: first day they may buy
    last: np.ndarray  # customers: day of their last invoice
    buying_end: np.ndarray  # customers: last day of regular buying
    expected_cents: np.ndarray  # customers: expected yearly revenue
    profile: dict[str, np.ndarray]  # buying parameters of the customers, in relation order


def _kvk_column(kvk: np.ndarray, belgian: np.ndarray, valid: np.ndarray | None) -> _Column:
    # Each side sees zeros for the other country's rows: a Belgian number must not widen
    # the Dutch ones (ids widen to their largest number).
    return _Choice(
        belgian,
        _Ids("", np.where(belgian, kvk, 0), 10),
        _Ids("", np.where(belgian, 0, kvk), 8),
        valid,
    )


def _customer_profile(rng: np.random.Generator, k: int, catalog: _Catalog) -> dict:
    """Size-driven buying parameters of k customers: a lognormal size gives the Pareto
    curve, as invoices per year, lines per invoice and quantities all grow with it."""
    size = np.clip(rng.lognormal(0.0, 1.5, k), 0.02, 1000.0)
    rate = np.clip(7.0 * size**0.6, 0.5, 250.0)  # invoices per year
    lines = np.clip(1 + 3.5 * size**0.3, 1.0, 40.0)  # lines per invoice
    qty_factor = size**0.15 * rng.lognormal(0.0, 0.2, k)
    price_factor = rng.uniform(0.93, 1.07, k)
    tier = size * rng.lognormal(0.0, 0.5, k)
    discount = np.select(
        [tier > 20, tier > 8, tier > 3, tier > 1.5, tier > 0.7], [1500, 1000, 750, 500, 250], 0
    )  # hundredths of a percent
    return {
        "size": size,
        "rate": rate,
        "lines": lines,
        "qty_factor": qty_factor,
        "price_factor": price_factor,
        "discount": discount,
        "expected_cents": rate * lines * catalog.mean_line_cents * qty_factor * price_factor,
        "terms": np.array([14, 30, 60])[_choice(rng, (0.25, 0.6, 0.15), k)],
        "profile": _choice(rng, _PROFILE_SHARES, k),
    }


def _timeline(
    rng: np.random.Generator, cal: _Calendar, quiet: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, last, buying_end) days: active customers bought recently (most in the last
    two months), quiet ones stopped 12-36 months ago."""
    k = len(quiet)
    recent = rng.random(k) < 0.7
    last_low = np.where(quiet, cal.end - 1080, np.where(recent, cal.end - 60, cal.end - 330))
    last_high = np.where(quiet, cal.end - 380, np.where(recent, cal.end, cal.end - 61))
    last = cal.sample(rng, last_low, last_high)
    new = rng.random(k) < np.where(quiet, 0.15, 0.25)
    latest_start = np.maximum(cal.start, last - np.where(quiet, 60, 30))
    start = np.where(new, _uniform_int(rng, np.full(k, cal.start), latest_start), cal.start)
    return start, last, np.where(quiet, last, cal.end)


def _relations(world: _World, rng: np.random.Generator, first: int, n: int) -> _Relations:
    cal, pools = world.calendar, world.pools
    gi = np.arange(first, first + n, dtype=np.int64)
    kind = _choice(rng, _KIND_SHARES, n)
    country = (rng.random(n) < _BE_SHARE).astype(np.int64)
    city = np.zeros(n, dtype=np.int64)
    for c in (0, 1):
        mask = country == c
        options = np.flatnonzero(pools.city_country == c)
        city[mask] = options[_choice(rng, pools.city_weight[options], int(mask.sum()))]
    sector = _choice(rng, _SECTOR_WEIGHTS, n)
    name = pools.name_offsets[country, sector] + (
        rng.random(n) * pools.name_counts[country, sector]
    ).astype(np.int64)

    customer = kind <= _QUIET
    profile = _customer_profile(rng, int(customer.sum()), world.catalog)
    size = np.clip(rng.lognormal(0.0, 1.5, n), 0.02, 1000.0)
    size[customer] = profile["size"]
    employees = np.clip(
        np.rint(np.exp(1.6 + 0.75 * np.log(size) + rng.normal(0.0, 0.6, n))), 1, 25_000
    ).astype(np.int64)
    start, last, buying_end = (np.zeros(n, dtype=np.int64) for _ in range(3))
    start[customer], last[customer], buying_end[customer] = _timeline(
        rng, cal, kind[customer] == _QUIET
    )
    expected = np.zeros(n)
    expected[customer] = profile["expected_cents"]

    # Created in the CRM: long-standing customers before the history window, new ones a
    # few weeks to a year before their first order, prospects and suspects any time.
    created_day = np.where(
        kind == _PROSPECT,
        cal.end - 20 - (rng.random(n) * 6 * 365).astype(np.int64),
        cal.end - 1 - (rng.random(n) * 8 * 365).astype(np.int64),
    )
    old = customer & (start == cal.start)
    created_day[old] = cal.start - 1 - (rng.random(int(old.sum())) * 6 * 365).astype(np.int64)
    new = customer & (start > cal.start)
    created_day[new] = start[new] - 14 - (rng.random(int(new.sum())) * 350).astype(np.int64)
    created = created_day * _DAY_S + 8 * 3600 + rng.integers(0, 10 * 3600, n)

    first_sp, count_sp = world.city_salespeople[city].T
    manager = first_sp + (rng.random(n) * count_sp).astype(np.int64)
    manager[rng.random(n) < 0.02] = -1  # unassigned relations exist and must be reported

    a_nl, b_nl, a_be, b_be = world.kvk_permutation
    nl = 10_000_000 + (a_nl * gi + b_nl) % 80_000_000
    base = 2_000_000 + (a_be * gi + b_be) % 18_000_000
    be = base * 100 + 97 - base % 97  # Belgian enterprise numbers end in a mod-97 check
    return _Relations(
        n=n,
        number=gi + 1,
        kind=kind,
        country=country,
        city=city,
        sector=sector,
        name=name,
        size=size,
        employees=employees,
        manager=manager,
        created=created,
        kvk=np.where(country == 1, be, nl),
        start=start,
        last=last,
        buying_end=buying_end,
        expected_cents=expected,
        profile=profile,
    )


def _relation_columns(world: _World, rng: np.random.Generator, rel: _Relations) -> dict:
    pools, n = world.pools, rel.n
    customer = rel.kind <= _QUIET
    # Share of wallet: what the relation spends in our range, of which we get a part.
    share = rng.uniform(0.25, 1.0, n)
    per_employee = rng.lognormal(math.log(40_000), 0.6, n)  # cents per employee per year
    spend = np.where(customer, rel.expected_cents / share, rel.employees * per_employee)
    rating = np.select(
        [customer, rel.kind == _PROSPECT],
        [
            np.clip(np.rint(2.7 + 0.45 * np.log(rel.size) + rng.normal(0, 0.9, n)), 1, 5),
            np.clip(np.rint(2.3 + rng.normal(0, 0.9, n)), 1, 4),
        ],
        np.clip(np.rint(1.6 + rng.normal(0, 0.6, n)), 1, 3),
    ).astype(np.int64)
    has_city = rng.random(n) > np.where(rel.kind == _SUSPECT, 0.03, 0.002)
    has_kvk = customer | (rng.random(n) > np.where(rel.kind == _SUSPECT, 0.15, 0.05))
    return {
        "relation_id": _Ids("R", rel.number, world.digits["R"]),
        "name": _Pooled(pools.names, rel.name),
        "kvk_number": _kvk_column(rel.kvk, rel.country == 1, has_kvk),
        "sector": _Pooled(pools.sectors, rel.sector, rng.random(n) > 0.03),
        "city": _Pooled(pools.cities, rel.city, has_city),
        "postcode": _postcodes(world, rng, rel.city, has_city),
        "country": _Pooled(pools.countries, rel.country),
        "employees": _Int(rel.employees, rng.random(n) > 0.05),
        "account_manager_id": _Ids("S", rel.manager + 1, world.digits["S"], rel.manager >= 0),
        "estimated_annual_spend": _Money(
            (np.rint(spend / 10_000) * 10_000).astype(np.int64), rng.random(n) > 0.15
        ),
        "relationship_rating": _Int(rating, rng.random(n) > 0.30),
        "created_at": _Timestamp(rel.created),
    }


def _postcodes(
    world: _World, rng: np.random.Generator, city: np.ndarray, valid: np.ndarray
) -> _Column:
    """NL '1234 AB' within the city's range; BE one of the city's 4-digit codes."""
    pools, n = world.pools, len(city)
    pick = _uniform_int(rng, pools.city_pc_low[city], pools.city_pc_high[city])
    belgian = pools.city_country[city] == 1
    letters = rng.integers(0, len(pools.postcode_letters), n)
    return _Choice(
        belgian,
        _Ids("", pools.be_postcodes[np.where(belgian, pick, 0)], 4),
        _Concat([_Ids("", pick, 4), _Const(" ", n), _Pooled(pools.postcode_letters, letters)]),
        valid,
    )


def _phones(
    world: _World, rng: np.random.Generator, city: np.ndarray, valid: np.ndarray
) -> _Column:
    """+31/+32 numbers: a mobile, or a landline with the city's area code."""
    pools, n = world.pools, len(city)
    belgian = pools.city_country[city] == 1
    mobile = rng.random(n) < 0.5
    be_mobile = np.searchsorted(pools.areas.values, "470") + rng.integers(0, 30, n)
    nl_mobile = pools.areas.values.index("6")
    area = np.where(mobile, np.where(belgian, be_mobile, nl_mobile), pools.city_area[city])
    # National numbers: 9 digits in NL; in BE 9 for mobiles and 8 for landlines.
    digits = np.where(belgian & ~mobile, 8, 9) - pools.area_digits[area]
    low = 10 ** (digits - 1)
    subscriber = low + (rng.random(n) * 9 * low).astype(np.int64)
    return _Concat(
        [
            _Pooled(pools.phone_prefixes, belgian.astype(np.int64)),
            _Const(" ", n),
            _Pooled(pools.areas, area),
            _Const(" ", n),
            _Int(subscriber),
        ],
        valid,
    )
