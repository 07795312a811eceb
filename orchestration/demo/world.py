"""The world shared by all chunks: the calendar, the product catalogue, the salespeople."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from orchestration.demo.columns import _Column, _Const, _Date, _Ids, _Int, _Pooled, _StringPool
from orchestration.demo.pools import _email, _person_name, _pick_segments, _Pools, _pools
from orchestration.demo.reference import (
    _BE_SHARE,
    _MONTH_SEASON,
    _N_PRODUCTS,
    _OUR_DOMAIN,
    _PRODUCT_GROUPS,
    _REGION_FALLBACK,
    _RELATIONS_PER_SALESPERSON,
    REGIONS,
)
from orchestration.demo.words import _ndigits

# History covered by invoices and activities, ending at end_date.
HISTORY_YEARS = 4


_YEAR_DAYS = 365.25


@dataclass(frozen=True)
class _Calendar:
    """Working-day invoice intensity over the history, for weighted date sampling."""

    start: int  # first day of the history (days since epoch)
    end: int  # end_date (days since epoch)
    cum: np.ndarray  # cum[i] = weight of days start .. start+i-1, about 1.0 per year
    # Inverse of cum on a fine grid: a table lookup instead of a binary search per draw.
    inverse: np.ndarray
    step: float

    @classmethod
    def build(cls, end: int) -> _Calendar:
        start = end - round(HISTORY_YEARS * _YEAR_DAYS)
        days = np.arange(start, end + 1)
        dates = days.astype("datetime64[D]")
        month_start = dates.astype("datetime64[M]")
        month = month_start.astype(np.int64) % 12
        day_of_month = (dates - month_start.astype("datetime64[D]")).astype(np.int64) + 1
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        weight = np.asarray(_MONTH_SEASON)[month] * np.where(
            weekday < 5, 1.0, np.where(weekday == 5, 0.04, 0.0)
        )
        # Christmas to New Year: closed on the holidays, a skeleton crew in between.
        december = month == 11
        weight[december & (day_of_month >= 24)] *= 0.35
        weight[december & ((day_of_month == 25) | (day_of_month == 26))] = 0.0
        weight[(month == 0) & (day_of_month == 1)] = 0.0
        cum = np.concatenate([[0.0], np.cumsum(weight)])
        cum *= len(days) / _YEAR_DAYS / cum[-1]
        step = cum[-1] / (1 << 20)
        inverse = np.searchsorted(cum, np.arange(1 << 20) * step, side="right") - 1
        return cls(start, end, cum, inverse.astype(np.int32), step)

    def weight(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Expected events per unit yearly rate in the days [low, high]."""
        return self.cum[high - self.start + 1] - self.cum[low - self.start]

    def sample(self, rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """One day per row in [low, high], weighted by the invoice intensity."""
        lo = self.cum[low - self.start]
        hi = self.cum[high - self.start + 1]
        at = lo + rng.random(len(low)) * (hi - lo)
        cell = np.minimum((at / self.step).astype(np.int64), len(self.inverse) - 1)
        return np.clip(self.start + self.inverse[cell], low, high)


@dataclass(frozen=True)
class _Catalog:
    ids: _StringPool
    group: np.ndarray
    groups: _StringPool
    price_cents: np.ndarray
    cost_ratio: np.ndarray
    base_quantity: np.ndarray
    measured: np.ndarray
    popular: np.ndarray  # 65,536 product indices: a popularity-weighted lookup table
    mean_line_cents: float

    @classmethod
    def build(cls, rng: np.random.Generator) -> _Catalog:
        n = _N_PRODUCTS
        group = rng.integers(0, len(_PRODUCT_GROUPS), n)
        median_price = np.array([g[1] for g in _PRODUCT_GROUPS])[group]
        median_qty = np.array([g[2] for g in _PRODUCT_GROUPS])[group]
        measured_share = np.array([g[3] for g in _PRODUCT_GROUPS])[group]
        price = np.maximum(50, np.rint(median_price * 100 * rng.lognormal(0.0, 0.8, n)))
        quantity = np.maximum(1.0, median_qty * rng.lognormal(0.0, 0.5, n))
        numbers = np.sort(rng.choice(90_000, n, replace=False) + 10_000)
        # Zipf-like popularity: a few products make up most lines.
        popularity = 1.0 / rng.permutation(np.arange(1, n + 1)) ** 0.9
        cum = np.cumsum(popularity / popularity.sum())
        popular = np.searchsorted(cum, (np.arange(65_536) + 0.5) / 65_536).astype(np.intp)
        share = np.bincount(popular, minlength=n) / 65_536
        return cls(
            ids=_StringPool([f"ART{number:05d}" for number in numbers]),
            group=group,
            groups=_StringPool([g[0] for g in _PRODUCT_GROUPS]),
            price_cents=price,
            cost_ratio=rng.uniform(0.6, 0.85, n),
            base_quantity=quantity,
            measured=rng.random(n) < measured_share,
            popular=popular,
            mean_line_cents=float((share * price * quantity).sum() * math.exp(0.55**2 / 2)),
        )


@dataclass(frozen=True)
class _World:
    scale: int
    seed: int
    calendar: _Calendar
    catalog: _Catalog
    pools: _Pools
    n_salespeople: int
    # Widths of the ids that several tables and chunks write separately: fixed from the
    # scale, so S0999 never appears as S999 elsewhere.
    digits: dict[str, int]
    city_salespeople: np.ndarray  # per city: (first salesperson index, count)
    salespeople: dict[str, _Column]
    absences: dict[str, _Column]
    kvk_permutation: tuple[int, int, int, int]

    def rng(self, stream: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(stream,)))


def _coprime(rng: np.random.Generator, modulus: int) -> int:
    while True:
        candidate = int(rng.integers(1, modulus))
        if math.gcd(candidate, modulus) == 1:
            return candidate


def _build_world(scale: int, seed: int, end: dt.date) -> _World:
    pools = _pools()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    calendar = _Calendar.build((end - dt.date(1970, 1, 1)).days)
    catalog = _Catalog.build(rng)

    # Salespeople: about one per 200 relations, at least 3, over the regions that exist
    # at this size, in proportion to the relations they hold.
    n_sp = max(3, round(scale / _RELATIONS_PER_SALESPERSON))
    active = REGIONS[: min(len(REGIONS), n_sp)]
    digits = {
        "S": max(3, _ndigits(n_sp)),
        "R": max(7, _ndigits(scale)),
        "C": max(8, _ndigits(4 * scale)),  # at most four contacts per relation
    }

    def covering(region: str) -> int:
        while region not in active:
            region = _REGION_FALLBACK[region]
        return active.index(region)

    city_share = np.zeros(len(pools.city_weight))
    for c, country_share in ((0, 1 - _BE_SHARE), (1, _BE_SHARE)):
        mask = pools.city_country == c
        city_share[mask] = country_share * pools.city_weight[mask] / pools.city_weight[mask].sum()
    city_region = np.array([covering(REGIONS[r]) for r in pools.city_region])
    ideal = np.bincount(city_region, weights=city_share, minlength=len(active)) * n_sp
    # Largest remainder, with at least one salesperson per covered region.
    allocation = np.maximum(1, np.floor(ideal)).astype(np.int64)
    while allocation.sum() < n_sp:
        allocation[np.argmax(ideal - allocation)] += 1
    while allocation.sum() > n_sp:
        allocation[np.argmax(np.where(allocation > 1, allocation - ideal, -np.inf))] -= 1
    first = np.concatenate([[0], np.cumsum(allocation)[:-1]])
    city_salespeople = np.stack([first[city_region], allocation[city_region]], axis=1)

    region = np.repeat(np.arange(len(active)), allocation)
    flemish = np.isin(np.array(active)[region], ("Vlaanderen", "Brussel/Wallonië"))
    female = rng.random(n_sp) < 0.35
    first_name = _pick_segments(rng, 2 * flemish + female, pools.first_segments)
    last_name = _pick_segments(rng, flemish.astype(np.int64), pools.last_segments)
    salespeople: dict[str, _Column] = {
        "salesperson_id": _Ids("S", np.arange(1, n_sp + 1), digits["S"]),
        "name": _person_name(pools, first_name, last_name),
        "email": _email(pools, first_name, last_name, _Const(_OUR_DOMAIN, n_sp)),
        "region": _Pooled(pools.regions, np.array([REGIONS.index(r) for r in active])[region]),
        "visits_per_week": _Int(rng.integers(8, 21, n_sp)),
        "country": _Pooled(_COUNTRIES, _salesperson_countries(active, region)),
    }
    # KvK numbers are an affine permutation of the relation index: unique without
    # remembering earlier chunks (the multipliers are coprime with the range sizes).
    kvk = (
        _coprime(rng, 80_000_000),
        int(rng.integers(0, 80_000_000)),
        _coprime(rng, 18_000_000),
        int(rng.integers(0, 18_000_000)),
    )
    return _World(
        scale=scale,
        seed=seed,
        calendar=calendar,
        catalog=catalog,
        pools=pools,
        n_salespeople=n_sp,
        digits=digits,
        city_salespeople=city_salespeople,
        salespeople=salespeople,
        absences=_absences(seed, end, n_sp, digits["S"]),
        kvk_permutation=kvk,
    )


_COUNTRIES = _StringPool(("NL", "BE"))


def _salesperson_countries(active: tuple[str, ...], region: np.ndarray) -> np.ndarray:
    """Index into _COUNTRIES per salesperson: the Belgian regions are covered from
    Belgium, and Zuid, along the border, by one salesperson who lives there (its last),
    so even the smallest demo plans with both countries' holidays."""
    names = np.array(active)[region]
    belgian = np.isin(names, ("Vlaanderen", "Brussel/Wallonië"))
    zuid = np.flatnonzero(names == "Zuid")
    if len(zuid):
        belgian[zuid[-1]] = True
    return belgian.astype(np.int64)


def _absences(seed: int, end: dt.date, n_sp: int, digits: int) -> dict[str, _Column]:
    """A few absences (crm/absences): per salesperson a Thursday-to-Monday leave within
    the next ten weeks, across a week boundary, and every other salesperson a day off a
    month or two ago. A stream of its own, so the other tables do not change with it."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, 1)))
    epoch = dt.date(1970, 1, 1)
    next_monday = (end - epoch).days + 7 - end.weekday()
    leave_start = next_monday + 7 * rng.integers(0, 9, n_sp) + 3
    past_day = (end - epoch).days - rng.integers(30, 60, n_sp)
    people = np.arange(1, n_sp + 1)
    past = people % 2 == 0
    number = np.concatenate([people[past], people])
    start = np.concatenate([past_day[past], leave_start])
    finish = np.concatenate([past_day[past], leave_start + 4])
    order = np.lexsort((start, number))
    return {
        "salesperson_id": _Ids("S", number[order], digits),
        "date_from": _Date(start[order]),
        "date_to": _Date(finish[order]),
    }
