"""Reference pools, built once per process from fixed data (independent of the seed):
company, street and person names; and the sampling helpers the tables share."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orchestration.demo.columns import _Choice, _Column, _Concat, _Const, _Pooled, _StringPool
from orchestration.demo.reference import (
    _BE_CITIES,
    _HORECA_NOUNS,
    _JOB_TITLES,
    _LEGAL_FORMS,
    _NL_CITIES,
    _NL_SURNAMES,
    _SECTOR_WORDS,
    _WALLOON_DAMPING,
    REGIONS,
    SECTORS,
)
from orchestration.ingest.contract import ACTIVITY_TYPES, INVOICE_TYPES, OPPORTUNITY_STATUSES

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Company names per (country, sector): about 9,000 in all, a few hundred per group.
_NAMES_PER_GROUP = 400


def _slug(text: str) -> str:
    """ASCII, lower case, letters and digits only: for e-mail addresses and domains."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("", ascii_text.lower())


@dataclass(frozen=True)
class _Pools:
    names: _StringPool  # company names, then the same names in upper case (ERP style)
    domains: _StringPool  # e-mail domain per company name
    name_offsets: np.ndarray  # (country, sector) -> first index in names
    name_counts: np.ndarray
    cities: _StringPool
    city_country: np.ndarray  # 0 NL, 1 BE
    city_region: np.ndarray  # index into REGIONS
    city_weight: np.ndarray
    city_area: np.ndarray  # index into areas
    city_pc_low: np.ndarray  # NL: postcode range; BE: index range into be_postcodes
    city_pc_high: np.ndarray
    be_postcodes: np.ndarray
    areas: _StringPool  # telephone area codes and mobile prefixes
    area_digits: np.ndarray
    first_names: _StringPool  # NL male, NL female, BE male, BE female
    first_slugs: _StringPool
    initials: _StringPool
    first_segments: tuple[tuple[int, np.ndarray], ...]  # (offset, cumulative weights)
    last_names: _StringPool  # NL, then BE
    last_slugs: _StringPool
    last_segments: tuple[tuple[int, np.ndarray], ...]
    job_titles: _StringPool
    sectors: _StringPool
    regions: _StringPool
    countries: _StringPool
    phone_prefixes: _StringPool
    activity_types: _StringPool
    statuses: _StringPool
    invoice_types: _StringPool
    postcode_letters: _StringPool


def _segment(start: int, weights: Sequence[float]) -> tuple[int, np.ndarray]:
    w = np.asarray(weights, dtype=np.float64)
    return start, np.cumsum(w / w.sum())


def _company_names(
    rng: np.random.Generator, country: str, sector: str, surnames: list[str], cities: list[str]
) -> list[tuple[str, str]]:
    """Up to _NAMES_PER_GROUP distinct (name, e-mail domain) pairs for a country and sector."""
    legal_forms, legal_cum = zip(*_LEGAL_FORMS[country], strict=True)
    legal_cum = np.cumsum(legal_cum) / sum(legal_cum)
    words = _SECTOR_WORDS[sector]
    tld = ".nl" if country == "NL" else ".be"

    # Random numbers drawn up front: numpy calls per pick would dominate start-up.
    tries = 3 * _NAMES_PER_GROUP
    draws = rng.integers(0, 1 << 30, (tries, 6)).tolist()
    legal_draw = np.searchsorted(legal_cum, rng.random(tries)).tolist()
    coin = (rng.random((tries, 2)) < 0.7).tolist()
    result: dict[str, str] = {}
    for i in range(tries):
        if len(result) >= _NAMES_PER_GROUP:
            break
        d = draws[i]
        surname, other = surnames[d[0] % len(surnames)], surnames[d[1] % len(surnames)]
        word, city = words[d[2] % len(words)], cities[d[3] % len(cities)]
        pattern = d[4] % 10
        if sector == "overheid":
            core = f"{'Stad' if country == 'BE' and pattern < 3 else 'Gemeente'} {city}"
        elif sector == "horeca":
            noun = _HORECA_NOUNS[d[5] % len(_HORECA_NOUNS)]
            core = (f'{word} "De {noun}"', f"{word} 't {noun}", f"{word} De {noun}",
                    f"{word} {surname}", f"{word} {city}")[pattern % 5]  # fmt: skip
        elif pattern < 3:
            core = f"{surname} {word}"
        elif pattern < 5:
            core = f"{word} {surname}"
        elif pattern == 5:
            core = f"{surname} & {other}"
        elif pattern == 6:
            core = f"{surname} & Zn." if country == "NL" else f"{surname} & Zonen"
        elif pattern == 7:
            core = f"{word} {city}"
        elif pattern == 8:
            # Real exports hold names with commas and semicolons: they must be quoted
            # in the matching CSV dialect.
            core = (f"{surname}, {other} & Partners" if coin[i][0]
                    else f"{surname} {word}; vestiging {city}")  # fmt: skip
        else:
            core = f"{surname} {word} {city}"
        legal = legal_forms[legal_draw[i]]
        if sector in ("overheid", "onderwijs", "zorg") and coin[i][1]:
            legal = ""  # foundations and public bodies carry no company form
        name = f"{core} {legal}".strip()
        if name not in result:
            result[name] = (_slug(core) or "bedrijf")[:40] + tld
    return list(result.items())


@functools.cache
def _pools() -> _Pools:
    from faker.providers.person.nl_BE import Provider as BePerson
    from faker.providers.person.nl_NL import Provider as NlPerson

    # A private, fixed stream: the pools are reference data, identical for every seed.
    rng = np.random.default_rng(20_261_123)
    surnames = {
        # 'van der Meer' starts a company name as 'Van der Meer'.
        "NL": [s[:1].upper() + s[1:] for s in _NL_SURNAMES],
        "BE": list(BePerson.last_names),
    }
    city_names = {"NL": [c[0] for c in _NL_CITIES], "BE": [c[0] for c in _BE_CITIES[:25]]}
    names: list[str] = []
    domains: list[str] = []
    offsets = np.zeros((2, len(SECTORS)), dtype=np.int64)
    counts = np.zeros((2, len(SECTORS)), dtype=np.int64)
    for c, country in enumerate(("NL", "BE")):
        for s, sector in enumerate(SECTORS):
            pairs = _company_names(rng, country, sector, surnames[country], city_names[country])
            offsets[c, s], counts[c, s] = len(names), len(pairs)
            names += [name for name, _ in pairs]
            domains += [domain for _, domain in pairs]

    cities = [(*c, 0) for c in _NL_CITIES] + [(*c, 1) for c in _BE_CITIES]
    areas = sorted({c[3] for c in cities} | {"6"} | {str(p) for p in range(470, 500)})
    be_postcodes: list[int] = []
    low, high = [], []
    for *_, codes, country in cities:
        if country == 0:
            low.append(codes[0])
            high.append(codes[1])
        else:
            low.append(len(be_postcodes))
            be_postcodes.extend(codes)
            high.append(len(be_postcodes) - 1)
    weights = [c[2] * (_WALLOON_DAMPING if c[1] == "Brussel/Wallonië" else 1.0) for c in cities]

    nl_male, nl_female = list(NlPerson.first_names_male), list(NlPerson.first_names_female)
    be_male, be_female = BePerson.first_names_male, BePerson.first_names_female
    first = nl_male + nl_female + list(be_male) + list(be_female)
    first_segments = (
        _segment(0, [1.0] * len(nl_male)),
        _segment(len(nl_male), [1.0] * len(nl_female)),
        _segment(len(nl_male) + len(nl_female), list(be_male.values())),
        _segment(len(nl_male) + len(nl_female) + len(be_male), list(be_female.values())),
    )
    # Dutch surname frequencies fall off roughly like a power law.
    nl_weights = 1.0 / np.arange(1, len(_NL_SURNAMES) + 1) ** 0.7
    last = list(_NL_SURNAMES) + list(BePerson.last_names)
    last_segments = (
        _segment(0, nl_weights),
        _segment(len(_NL_SURNAMES), list(BePerson.last_names.values())),
    )
    letters = [a + b for a in "ABCDEFGHJKLMNPRSTVWXZ" for b in "ABCDEFGHJKLMNPRSTVWXZ"]
    return _Pools(
        names=_StringPool(names + [name.upper() for name in names]),
        domains=_StringPool(domains),
        name_offsets=offsets,
        name_counts=counts,
        cities=_StringPool([c[0] for c in cities]),
        city_country=np.array([c[5] for c in cities]),
        city_region=np.array([REGIONS.index(c[1]) for c in cities]),
        city_weight=np.array(weights),
        city_area=np.array([areas.index(c[3]) for c in cities]),
        city_pc_low=np.array(low),
        city_pc_high=np.array(high),
        be_postcodes=np.array(be_postcodes),
        areas=_StringPool(areas),
        area_digits=np.array([len(a) for a in areas]),
        first_names=_StringPool(first),
        first_slugs=_StringPool([_slug(n) for n in first]),
        initials=_StringPool([_slug(n)[:1] for n in first]),
        first_segments=first_segments,
        last_names=_StringPool(last),
        last_slugs=_StringPool([_slug(n) for n in last]),
        last_segments=last_segments,
        job_titles=_StringPool(_JOB_TITLES),
        sectors=_StringPool(SECTORS),
        regions=_StringPool(REGIONS),
        countries=_StringPool(("NL", "BE")),
        phone_prefixes=_StringPool(("+31", "+32")),
        activity_types=_StringPool(ACTIVITY_TYPES),
        statuses=_StringPool(OPPORTUNITY_STATUSES),
        invoice_types=_StringPool(INVOICE_TYPES),
        # Dutch postcodes never end in SA, SD or SS.
        postcode_letters=_StringPool([p for p in letters if p not in ("SA", "SD", "SS")]),
    )


def _pick_segments(
    rng: np.random.Generator, segment: np.ndarray, segments: Sequence[tuple[int, np.ndarray]]
) -> np.ndarray:
    """Weighted draw per row from the pool segment named by `segment`."""
    u = rng.random(len(segment))
    out = np.zeros(len(segment), dtype=np.int64)
    for s, (offset, cum) in enumerate(segments):
        mask = segment == s
        out[mask] = offset + np.minimum(np.searchsorted(cum, u[mask], side="right"), len(cum) - 1)
    return out


def _choice(rng: np.random.Generator, shares: Sequence[float], n: int) -> np.ndarray:
    cum = np.cumsum(np.asarray(shares, dtype=np.float64))
    return np.minimum(np.searchsorted(cum / cum[-1], rng.random(n), side="right"), len(cum) - 1)


def _uniform_int(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniform integer per row in [low, high] (inclusive, arrays)."""
    return low + (rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def _person_name(pools: _Pools, first: np.ndarray, last: np.ndarray) -> _Column:
    return _Concat(
        [
            _Pooled(pools.first_names, first),
            _Const(" ", len(first)),
            _Pooled(pools.last_names, last),
        ]
    )


def _email(
    pools: _Pools,
    first: np.ndarray,
    last: np.ndarray,
    domain: _Column,
    initial_only: np.ndarray | None = None,
    valid: np.ndarray | None = None,
) -> _Column:
    """first.last@domain, or f.last@domain where `initial_only`."""
    n = len(first)
    given: _Column = _Pooled(pools.first_slugs, first)
    if initial_only is not None:
        given = _Choice(initial_only, _Pooled(pools.initials, first), given)
    return _Concat(
        [given, _Const(".", n), _Pooled(pools.last_slugs, last), _Const("@", n), domain], valid
    )
