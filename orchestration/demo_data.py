"""Deterministic demo data: the CRM and ERP exports of a Dutch/Flemish B2B wholesaler.

`generate` writes every source table of the contract (`orchestration.contract`) as CSV
(comma or Dutch-Excel semicolon dialect) or Parquet. The company is realistic enough to
exercise every business rule in RULES.md: active and quiet customers, prospects and
suspects, a Pareto revenue curve, seasonality, credit notes, late and partial payers,
salespeople per region, contact moments and quotes, and ERP customers linked by CRM id,
by KvK number only, or not at all.

Design, driven by the size target (50-100M invoice lines for a million relations):

* Relations are generated in fixed chunks. Each chunk has its own random stream derived
  from (seed, chunk number), so the output is byte-identical for equal arguments and
  memory stays flat whatever the scale.
* Everything is vectorised with numpy per chunk; no Python loop runs per row.
* CSV text is built without Python strings: every field is rendered into 4-byte words
  of a row matrix (digits via lookup tables of 4-digit groups, text from pools escaped
  once), padded with NUL bytes, and the NULs are squeezed out in one pass. Composite
  text (e-mail addresses, phone numbers, postcodes) is a concatenation of such fields.
  This is several times faster than pyarrow's or DuckDB's CSV writers for decimal
  columns and gives exactly the format we want (quotes only where needed, decimal
  comma, no BOM). The CSV path never converts Python objects to Arrow, which would
  import pandas (seconds of start-up on a cold machine).
* Parquet goes through pyarrow with contract types (decimal(18,2), date, timestamp).

Conventions of the files:

* ids: S001 salespeople, R0000001 relations, C00000001 contacts, A000000001 activities,
  O00000001 opportunities, D100001 ERP customers, F000000001 invoices and credit notes
  (one series, numbered by date within a chunk), P000000001 payments. A number that
  outgrows its width gets more digits, so ids stay unique at any scale.
* KvK numbers: 8 digits (NL); Belgian enterprise numbers: 10 digits starting with 0 or
  1, with their mod-97 check digits.
* Amounts exclude VAT. Payments settle those amounts (the warehouse compares them);
  credit notes are settled by offsetting in the ERP and never have a payment.
* Timestamps are 'YYYY-MM-DD HH:MM:SS'; payments carry their bank date at midnight.
  Nothing is dated after end_date except the due dates of invoices not yet due.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import functools
import math
import queue
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from orchestration.contract import (
    ACTIVITY_TYPES,
    INVOICE_TYPES,
    ONE_WAY_ACTIVITY_TYPES,
    OPPORTUNITY_STATUSES,
    RAW_SQL_TYPE,
    SOURCE_TABLES,
    SourceTable,
)

DEFAULT_SCALE = 5000
DEFAULT_SEED = 42
FILE_FORMATS = ("csv", "parquet")
DIALECTS = ("comma", "semicolon")

# Relations per chunk: large enough to amortise numpy call overhead, small enough that a
# chunk (about a million invoice lines) stays in a few hundred MB. Part of the output's
# identity: changing it changes the bytes for a given seed.
CHUNK_RELATIONS = 10_000
# Rows per CSV formatting block: the row matrix of a block stays in the CPU cache.
_CSV_BLOCK_ROWS = 8192
# History covered by invoices and activities, ending at end_date.
HISTORY_YEARS = 4
# KvK numbers are permutations of the relation index within a fixed range, unique only
# up to the size of that range (BE is the smaller one).
MAX_SCALE = 10_000_000

_DAY_S = 86_400
_YEAR_DAYS = 365.25

# --------------------------------------------------------------------------------------
# The company: reference data (why these values: see the comments per table)
# --------------------------------------------------------------------------------------

# Relation kinds as generated; the warehouse derives its own kinds from the data.
_ACTIVE, _QUIET, _PROSPECT, _SUSPECT = 0, 1, 2, 3
_KIND_SHARES = (0.35, 0.15, 0.25, 0.25)
_BE_SHARE = 0.25  # a Dutch seller with a Flemish branch

SECTORS = (
    "groothandel",
    "bouw",
    "horeca",
    "zorg",
    "industrie",
    "retail",
    "transport",
    "zakelijke dienstverlening",
    "agrarisch",
    "ICT",
    "onderwijs",
    "overheid",
)
_SECTOR_WEIGHTS = (14, 17, 10, 7, 14, 10, 7, 9, 4, 4, 2, 2)

# Sales regions, most important first: a small company covers only the first few and
# folds the others into a neighbour (_REGION_FALLBACK) until it has enough salespeople.
REGIONS = ("Randstad", "Zuid", "Oost", "Vlaanderen", "Noord", "West", "Brussel/Wallonië")
_REGION_FALLBACK = {
    "Noord": "Oost",
    "West": "Randstad",
    "Brussel/Wallonië": "Vlaanderen",
    "Vlaanderen": "Zuid",
    "Oost": "Randstad",
    "Zuid": "Randstad",
}
_RELATIONS_PER_SALESPERSON = 200

# Real cities: (name, region, population in thousands as weight, telephone area code,
# postcodes). NL postcodes are a 4-digit range (letters are added), BE a list of codes.
_NL_CITIES = (
    ("Amsterdam", "Randstad", 900, "20", (1011, 1109)),
    ("Rotterdam", "Randstad", 650, "10", (3011, 3089)),
    ("Den Haag", "Randstad", 550, "70", (2491, 2599)),
    ("Utrecht", "Randstad", 360, "30", (3511, 3585)),
    ("Eindhoven", "Zuid", 235, "40", (5611, 5658)),
    ("Groningen", "Noord", 235, "50", (9711, 9747)),
    ("Tilburg", "Zuid", 225, "13", (5011, 5049)),
    ("Almere", "Randstad", 215, "36", (1311, 1365)),
    ("Breda", "Zuid", 185, "76", (4811, 4839)),
    ("Nijmegen", "Oost", 180, "24", (6511, 6546)),
    ("Apeldoorn", "Oost", 165, "55", (7311, 7339)),
    ("Arnhem", "Oost", 165, "26", (6811, 6846)),
    ("Haarlem", "Randstad", 162, "23", (2011, 2037)),
    ("Enschede", "Oost", 160, "53", (7511, 7548)),
    ("Amersfoort", "Randstad", 160, "33", (3811, 3829)),
    ("Zaandam", "Randstad", 155, "75", (1501, 1509)),
    ("'s-Hertogenbosch", "Zuid", 155, "73", (5211, 5236)),
    ("Zwolle", "Oost", 130, "38", (8011, 8043)),
    ("Leiden", "Randstad", 125, "71", (2311, 2334)),
    ("Zoetermeer", "Randstad", 125, "79", (2711, 2729)),
    ("Leeuwarden", "Noord", 125, "58", (8911, 8939)),
    ("Maastricht", "Zuid", 120, "43", (6211, 6229)),
    ("Dordrecht", "Randstad", 120, "78", (3311, 3329)),
    ("Ede", "Oost", 118, "318", (6711, 6718)),
    ("Alphen aan den Rijn", "Randstad", 112, "172", (2401, 2409)),
    ("Alkmaar", "West", 110, "72", (1811, 1826)),
    ("Emmen", "Noord", 107, "591", (7811, 7828)),
    ("Delft", "Randstad", 104, "15", (2611, 2629)),
    ("Venlo", "Zuid", 102, "77", (5911, 5928)),
    ("Deventer", "Oost", 101, "570", (7411, 7431)),
    ("Helmond", "Zuid", 93, "492", (5701, 5709)),
    ("Oss", "Zuid", 92, "412", (5341, 5345)),
    ("Sittard", "Zuid", 92, "46", (6131, 6137)),
    ("Hilversum", "Randstad", 91, "35", (1211, 1223)),
    ("Heerlen", "Zuid", 87, "45", (6411, 6419)),
    ("Purmerend", "West", 81, "299", (1441, 1448)),
    ("Hengelo", "Oost", 81, "74", (7550, 7559)),
    ("Lelystad", "Oost", 80, "320", (8211, 8245)),
    ("Schiedam", "Randstad", 79, "10", (3111, 3125)),
    ("Roosendaal", "Zuid", 77, "165", (4701, 4709)),
    ("Gouda", "Randstad", 74, "182", (2801, 2809)),
    ("Hoorn", "West", 74, "229", (1620, 1628)),
    ("Spijkenisse", "Randstad", 72, "181", (3201, 3209)),
    ("Veenendaal", "Oost", 68, "318", (3901, 3909)),
    ("Assen", "Noord", 68, "592", (9401, 9409)),
    ("Bergen op Zoom", "Zuid", 68, "164", (4611, 4617)),
    ("Nieuwegein", "Randstad", 63, "30", (3431, 3439)),
    ("Barneveld", "Oost", 60, "342", (3771, 3781)),
    ("Doetinchem", "Oost", 58, "314", (7001, 7009)),
    ("Roermond", "Zuid", 58, "475", (6041, 6046)),
    ("Den Helder", "West", 56, "223", (1781, 1789)),
    ("Hoogeveen", "Noord", 55, "528", (7901, 7909)),
    ("Terneuzen", "West", 54, "115", (4531, 4539)),
    ("Kampen", "Oost", 54, "38", (8261, 8267)),
    ("Heerenveen", "Noord", 51, "513", (8441, 8448)),
    ("Weert", "Zuid", 50, "495", (6001, 6006)),
    ("Middelburg", "West", 49, "118", (4331, 4339)),
    ("Waalwijk", "Zuid", 48, "416", (5141, 5146)),
    ("Drachten", "Noord", 45, "512", (9200, 9206)),
    ("Vlissingen", "West", 45, "118", (4381, 4389)),
    ("Uden", "Zuid", 42, "413", (5401, 5406)),
    ("Goes", "West", 38, "113", (4461, 4465)),
    ("Gorinchem", "West", 37, "183", (4201, 4209)),
    ("Meppel", "Noord", 34, "522", (7941, 7944)),
    ("Sneek", "Noord", 34, "515", (8601, 8608)),
    ("Winterswijk", "Oost", 29, "543", (7101, 7108)),
)
_BE_CITIES = (
    (
        "Antwerpen",
        "Vlaanderen",
        530,
        "3",
        (2000, 2018, 2020, 2030, 2040, 2050, 2060, 2100, 2140, 2170, 2180, 2600, 2610, 2660),
    ),
    ("Gent", "Vlaanderen", 265, "9", (9000, 9030, 9031, 9032, 9040, 9041, 9042, 9050, 9051)),
    ("Brugge", "Vlaanderen", 118, "50", (8000, 8200, 8310, 8380)),
    ("Leuven", "Vlaanderen", 102, "16", (3000, 3001, 3010, 3012, 3018)),
    ("Aalst", "Vlaanderen", 88, "53", (9300, 9308, 9310, 9320)),
    ("Mechelen", "Vlaanderen", 87, "15", (2800, 2801, 2811, 2812)),
    ("Hasselt", "Vlaanderen", 79, "11", (3500, 3501, 3510, 3511, 3512)),
    ("Sint-Niklaas", "Vlaanderen", 78, "3", (9100, 9111, 9112)),
    ("Kortrijk", "Vlaanderen", 77, "56", (8500, 8501, 8510, 8511)),
    ("Oostende", "Vlaanderen", 72, "59", (8400,)),
    ("Genk", "Vlaanderen", 67, "89", (3600,)),
    ("Roeselare", "Vlaanderen", 64, "51", (8800,)),
    ("Beveren", "Vlaanderen", 49, "3", (9120,)),
    ("Beringen", "Vlaanderen", 47, "11", (3580,)),
    ("Turnhout", "Vlaanderen", 46, "14", (2300,)),
    ("Dendermonde", "Vlaanderen", 46, "52", (9200,)),
    ("Vilvoorde", "Vlaanderen", 44, "2", (1800,)),
    ("Lokeren", "Vlaanderen", 42, "9", (9160,)),
    ("Sint-Truiden", "Vlaanderen", 41, "11", (3800,)),
    ("Geel", "Vlaanderen", 40, "14", (2440,)),
    ("Waregem", "Vlaanderen", 38, "56", (8790,)),
    ("Lier", "Vlaanderen", 36, "3", (2500,)),
    ("Ieper", "Vlaanderen", 35, "57", (8900,)),
    ("Tienen", "Vlaanderen", 35, "16", (3300,)),
    ("Herentals", "Vlaanderen", 28, "14", (2200,)),
    # A Flemish seller reaches Brussels and Wallonia less: weights are damped below.
    (
        "Brussel",
        "Brussel/Wallonië",
        1200,
        "2",
        (1000, 1020, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1120, 1130, 1140, 1150, 1200),
    ),
    ("Charleroi", "Brussel/Wallonië", 200, "71", (6000, 6001, 6010, 6020)),
    ("Liège", "Brussel/Wallonië", 195, "4", (4000, 4020, 4030)),
    ("Namur", "Brussel/Wallonië", 110, "81", (5000, 5001, 5002, 5020)),
    ("Mons", "Brussel/Wallonië", 95, "65", (7000,)),
    ("La Louvière", "Brussel/Wallonië", 80, "64", (7100,)),
    ("Tournai", "Brussel/Wallonië", 69, "69", (7500,)),
    ("Wavre", "Brussel/Wallonië", 35, "10", (1300,)),
)
_WALLOON_DAMPING = 0.15

# The most common Dutch surnames, with their tussenvoegsel, roughly in order of frequency.
_NL_SURNAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
    "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven",
    "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom",
    "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra",
    "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink",
    "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer",
    "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen",
    "Schipper", "de Koning", "van der Laan", "Koning", "van der Velden", "Driessen",
    "van Doorn", "Hermans", "Evers", "van den Bosch", "van der Meulen", "Hofman", "Bosman",
    "Wolters", "Sanders", "van der Horst", "Mol", "Kuijpers", "Molenaar", "van de Pol",
    "de Leeuw", "Verbeek", "Zijlstra", "Wouters", "Claassen", "Bouma", "Hoogendoorn",
    "van Rijn", "Verschuren", "Terpstra", "van Essen", "Meijerink", "ter Horst", "Oosterhuis",
)  # fmt: skip
_LEGAL_FORMS = {
    "NL": (("B.V.", 40), ("BV", 12), ("", 18), ("V.O.F.", 8), ("VOF", 4), ("Holding B.V.", 3),
           ("N.V.", 2), ("C.V.", 1)),
    "BE": (("NV", 20), ("BV", 25), ("BVBA", 15), ("bv", 6), ("", 15), ("CommV", 4),
           ("VOF", 4), ("nv", 3)),
}  # fmt: skip
_SECTOR_WORDS = {
    "groothandel": ("Groothandel", "Handelsonderneming", "Distributie", "Trading", "Import",
                    "Handelmaatschappij"),
    "bouw": ("Bouw", "Bouwbedrijf", "Aannemersbedrijf", "Installatietechniek", "Dakwerken",
             "Schildersbedrijf", "Timmerbedrijf", "Elektrotechniek", "Loodgietersbedrijf"),
    "horeca": ("Café", "Eetcafé", "Restaurant", "Hotel", "Brasserie", "Lunchroom",
               "Grand Café", "Hotel-Restaurant"),
    "zorg": ("Zorggroep", "Thuiszorg", "Tandartspraktijk", "Fysiotherapie",
             "Huisartsenpraktijk", "Zorgcentrum", "Apotheek"),
    "industrie": ("Metaal", "Machinefabriek", "Kunststoffen", "Staalbouw", "Constructie",
                  "Metaalbewerking", "Verpakkingen", "Productie"),
    "retail": ("Fietsen", "Wonen", "Tuincentrum", "Bouwmarkt", "Mode", "Supermarkt",
               "Drogisterij", "Interieur"),
    "transport": ("Transport", "Logistiek", "Koeriersdienst", "Expeditie", "Verhuizingen"),
    "zakelijke dienstverlening": ("Accountants", "Adviesgroep", "Facilitaire Diensten",
                                  "Schoonmaakbedrijf", "Advocaten", "Uitzendbureau",
                                  "Beveiliging"),
    "agrarisch": ("Loonbedrijf", "Kwekerij", "Melkveehouderij", "Akkerbouw", "Boomkwekerij",
                  "Tuinbouw"),
    "ICT": ("Automatisering", "IT Solutions", "Software", "ICT", "Digital", "Systems"),
    "onderwijs": ("Scholengroep", "Onderwijsgroep", "Opleidingscentrum", "College"),
    "overheid": ("Gemeente",),
}  # fmt: skip
_HORECA_NOUNS = (
    "Zwaan", "Gouden Leeuw", "Kroon", "Molen", "Zon", "Haven", "Markt", "Brug",
    "Vergulde Hand", "Poort", "Pelikaan", "Posthoorn", "Sleutel", "Waag", "Engel",
)  # fmt: skip
_JOB_TITLES = (
    "Inkoper", "Hoofd inkoop", "Directeur", "Eigenaar", "Directeur-eigenaar",
    "Bedrijfsleider", "Facilitair manager", "Office manager", "Projectleider",
    "Technisch manager", "Financieel administrateur", "Werkvoorbereider",
    "Operationeel manager", "Logistiek manager", "Administratief medewerker",
    "Manager bedrijfsvoering", "Chef werkplaats",
)  # fmt: skip

# Product groups of a technical wholesaler: (name, median price EUR, median quantity,
# share of products sold by length or weight with decimal quantities).
_PRODUCT_GROUPS = (
    ("Bevestigingsmaterialen", 6.0, 25.0, 0.0),
    ("Gereedschap", 45.0, 2.0, 0.0),
    ("Elektra", 18.0, 6.0, 0.0),
    ("Kabels en leidingen", 3.5, 40.0, 0.9),
    ("Sanitair", 65.0, 2.0, 0.0),
    ("Verwarming", 120.0, 1.5, 0.0),
    ("Verlichting", 35.0, 4.0, 0.0),
    ("Persoonlijke bescherming", 12.0, 8.0, 0.0),
    ("Schoonmaakmiddelen", 9.0, 10.0, 0.2),
    ("Verpakkingsmaterialen", 4.0, 30.0, 0.1),
    ("Kantoorartikelen", 5.0, 12.0, 0.0),
    ("Bouwmaterialen", 14.0, 20.0, 0.5),
    ("Lijmen & kitten", 8.0, 8.0, 0.0),
    ("Verf, lak en beits", 28.0, 4.0, 0.3),
)
_N_PRODUCTS = 2500

# Invoice volume per calendar month (summer holidays and December are quiet).
_MONTH_SEASON = (0.92, 0.97, 1.08, 1.02, 1.03, 1.05, 0.74, 0.68, 1.08, 1.1, 1.1, 0.92)

# Activity rates per year by relation kind, in ACTIVITY_TYPES order: visit, call,
# meeting, seminar, trade_fair, web_form, campaign_sent, campaign_response, email_out,
# email_in. Customer visits, calls and meetings are scaled up with customer size.
_ACTIVITY_RATES = np.array(
    [
        [1.2, 2.5, 0.3, 0.12, 0.15, 0.25, 4.0, 0.5, 2.0, 1.5],  # active customer
        [1.0, 2.0, 0.25, 0.1, 0.12, 0.2, 4.0, 0.4, 1.5, 1.2],  # quiet customer
        [0.4, 1.0, 0.15, 0.1, 0.15, 0.2, 3.0, 0.25, 1.0, 0.4],  # prospect
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.3, 0.0],  # suspect: one-way only
    ]
)
_TYPE_INDEX = {name: i for i, name in enumerate(ACTIVITY_TYPES)}
# Activity types done by marketing automation: no salesperson, often no contact person.
_MARKETING_TYPES = np.array([t in ("campaign_sent", "campaign_response", "web_form")
                             for t in ACTIVITY_TYPES])  # fmt: skip
# Types that happen in office hours on working days (others: any time, any day).
_OFFICE_TYPES = np.array([t not in ("web_form", "email_in", "campaign_response")
                          for t in ACTIVITY_TYPES])  # fmt: skip
_TWO_WAY_TYPES = np.array([t not in ONE_WAY_ACTIVITY_TYPES for t in ACTIVITY_TYPES])

# Payment behaviour profiles: punctual, slow, habitual late payer.
_PROFILE_SHARES = (0.65, 0.25, 0.10)
_P_NEVER_PAID = np.array([0.002, 0.01, 0.06])
_P_PARTIAL = np.array([0.02, 0.06, 0.2])

_OUR_DOMAIN = "vanderlinde-techniek.nl"


# --------------------------------------------------------------------------------------
# Text rendering: 4-byte words, NUL padding squeezed out at the end
# --------------------------------------------------------------------------------------
#
# A CSV block is a (rows, words) uint32 matrix. Every field is written into its own
# words, text left-aligned and numbers right-aligned, with NUL bytes as padding, and
# carries its own trailing delimiter (or the newline): the row is the concatenation of
# its fields once the NULs are removed. Words are filled from lookup tables (4-digit
# groups, dates, times of day, pools of escaped strings), so each field costs a few
# vectorised operations per block instead of Python string work per value.


def _text_words(texts: Sequence[str]) -> np.ndarray:
    """Strings -> (n, k) uint32 words of their UTF-8 bytes, NUL padded on the right."""
    encoded = [text.encode() for text in texts]
    width = 4 * _words_for(max((len(b) for b in encoded), default=0))
    return np.array(encoded, dtype=f"S{width}").view(np.uint8).reshape(-1, width).view(np.uint32)


def _bytes_to_words(chars: np.ndarray) -> np.ndarray:
    """(n, m) uint8 -> (n, ceil(m/4)) uint32, NUL padded on the right."""
    n, m = chars.shape
    padded = np.zeros((n, 4 * _words_for(m)), dtype=np.uint8)
    padded[:, :m] = chars
    return padded.view(np.uint32)


def _words_for(n_bytes: int) -> int:
    return max(1, -(-n_bytes // 4))


def _ndigits(value: int) -> int:
    return len(str(max(int(value), 0)))


def _suffix_word(suffix: str) -> np.uint32:
    return _text_words([suffix])[0, 0]


def _digit_tables() -> tuple[np.ndarray, np.ndarray]:
    """Words for 4-digit groups, 20,000 entries each.

    Index r (< 10,000) is the group with its leading zeros ("0042"); index 10,000 + r
    the most significant group of a number, leading zeros as NULs ("\\0\\042"). In
    `lead` the value 0 of that group is empty, in `units` (the last group) it is "0".
    """
    v = np.arange(10_000)
    chars = (np.stack([v // 1000, v // 100 % 10, v // 10 % 10, v % 10], axis=1) + 48).astype(
        np.uint8
    )
    full = chars.view(np.uint32).ravel()
    ndigits = np.searchsorted([1, 10, 100, 1000], v, side="right")
    lead = np.where(np.arange(4) >= 4 - ndigits[:, None], chars, 0).astype(np.uint8)
    units = np.where(np.arange(4) >= 4 - np.maximum(ndigits, 1)[:, None], chars, 0)
    return (
        np.concatenate([full, lead.view(np.uint32).ravel()]),
        np.concatenate([full, units.astype(np.uint8).view(np.uint32).ravel()]),
    )


_LEAD, _UNITS = _digit_tables()
_POWERS_OF_TEN = 10 ** np.arange(19, dtype=np.int64)


def _fill_uint(dest: np.ndarray, values: np.ndarray) -> None:
    """Write non-negative integers right-aligned into dest (rows, words), no leading 0s."""
    x = values.astype(np.int64, copy=False)
    last = dest.shape[1] - 1
    for j in range(last, -1, -1):
        q = x // 10_000
        index = x - q * 10_000
        index += (q == 0) * 10_000
        dest[:, j] = (_UNITS if j == last else _LEAD)[index]
        x = q


def _put_minus(dest: np.ndarray, negative: np.ndarray, magnitude: np.ndarray) -> None:
    """Write '-' just before the first digit of right-aligned numbers (rows `negative`)."""
    rows = np.flatnonzero(negative)
    if len(rows):
        digits = np.maximum(1, np.searchsorted(_POWERS_OF_TEN, magnitude[rows], side="right"))
        chars = dest.view(np.uint8)
        chars[rows, chars.shape[1] - 1 - digits] = ord("-")


@functools.cache
def _fixed_layout(prefix: str, digits: int, suffix: str) -> tuple[tuple[int, int, np.ndarray]]:
    """Words of 'prefix + number zero-padded to `digits` + suffix', NUL-padded in front.

    Per word (divisor, modulus, table): the word is table[x // divisor % modulus], the
    table holding the word for every value of the digits that fall in it. Prefix and
    suffix share words with the digits, so R0000001 plus its delimiter takes 3 words.
    """
    roles = [("lit", c) for c in prefix.encode()]
    roles += [("digit", i) for i in range(digits)]
    roles += [("lit", c) for c in suffix.encode()]
    k = _words_for(len(roles))
    roles = [("nul", 0)] * (4 * k - len(roles)) + roles
    words = []
    for w in range(k):
        part = roles[4 * w : 4 * w + 4]
        positions = [i for role, i in part if role == "digit"]
        first, end = (positions[0], positions[-1] + 1) if positions else (0, 0)
        modulus = 10 ** (end - first)
        values = np.arange(modulus)
        chars = np.zeros((modulus, 4), dtype=np.uint8)
        for byte, (role, i) in enumerate(part):
            if role == "lit":
                chars[:, byte] = i
            elif role == "digit":
                chars[:, byte] = 48 + values // 10 ** (end - 1 - i) % 10
        words.append((10 ** (digits - end), modulus, chars.view(np.uint32).ravel()))
    return tuple(words)


def _gather(dest: np.ndarray, table: np.ndarray, index: np.ndarray) -> None:
    """dest[:] = table[index] for rows of words, moving each row as one opaque item.

    Viewing the rows as fixed-size void items makes numpy copy them with one memcpy
    each instead of word by word: 2-3 times faster on these narrow rows.
    """
    item = np.dtype((np.void, 4 * table.shape[1]))
    dest.view(item)[:, 0] = table.view(item)[:, 0][index]


@functools.cache
def _date_words(suffix: str) -> np.ndarray:
    """'YYYY-MM-DD' + suffix as 3 words for every day 1970-01-01 .. 2101-12-31 (due
    dates run into the year after the latest end_date)."""
    days = np.arange((dt.date(2102, 1, 1) - dt.date(1970, 1, 1)).days)
    text = np.char.add(np.datetime_as_string(days.astype("datetime64[D]"), unit="D"), suffix)
    return _bytes_to_words(text.astype("S12").view(np.uint8).reshape(len(days), 12))


@functools.cache
def _time_words(suffix: str) -> np.ndarray:
    """'\\0\\0 H', 'H:MM', ':SS' + suffix for every second of the day: the first word is
    OR-ed into the last date word ('DD\\0\\0'), so a timestamp takes 5 words."""
    s = np.arange(_DAY_S)
    hh, mm, ss = s // 3600, s // 60 % 60, s % 60
    zero, space, colon = np.zeros_like(s), np.full_like(s, ord(" ")), np.full_like(s, ord(":"))
    end = np.full_like(s, ord(suffix)) if suffix else zero
    parts = [zero, zero, space, hh // 10 + 48, hh % 10 + 48, colon, mm // 10 + 48]
    parts += [mm % 10 + 48, colon, ss // 10 + 48, ss % 10 + 48, end]
    return _bytes_to_words(np.stack(parts, axis=1).astype(np.uint8))


def _csv_quote(value: str, delimiter: str) -> str:
    """Quote a value only when it needs it (delimiter, quote, line break), RFC 4180."""
    if delimiter and _needs_quotes(delimiter).search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


@functools.cache
def _needs_quotes(delimiter: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(delimiter) + '"\r\n]')


@dataclass(frozen=True)
class _CsvStyle:
    delimiter: str  # "" renders text unescaped (for Parquet strings)
    decimal: str

    @functools.cache  # noqa: B019 - two styles live as long as the module
    def frac_words(self, suffix: str) -> np.ndarray:
        """Decimal separator, two digits and the suffix, e.g. ',05;', for 0..99 cents."""
        return _text_words([f"{self.decimal}{cents:02d}{suffix}" for cents in range(100)]).ravel()


_STYLES = {"comma": _CsvStyle(",", "."), "semicolon": _CsvStyle(";", ",")}
_RAW = _CsvStyle("", ".")


def _bitmap(valid: np.ndarray | None) -> pa.Buffer | None:
    """Arrow validity bitmap (None when every row is valid)."""
    if valid is None or valid.all():
        return None
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def _arrow_ints(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    # Built from buffers: converting numpy via pa.array would import pandas.
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [_bitmap(valid), pa.py_buffer(data)])


def _words_to_strings(words: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    """(n, k) NUL-padded words -> an Arrow string array (for Parquet)."""
    chars = words.view(np.uint8)
    keep = chars != 0
    offsets = np.zeros(len(words) + 1, dtype=np.int32)
    np.cumsum(keep.sum(axis=1), out=offsets[1:])
    return pa.StringArray.from_buffers(
        len(words), pa.py_buffer(offsets), pa.py_buffer(chars[keep]), _bitmap(valid)
    )


class _StringPool:
    """A fixed list of strings sampled by index; escaped once per CSV dialect."""

    def __init__(self, values: Sequence[str]):
        self.values = tuple(values)
        self._words: dict[tuple[str, str], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.values)

    def words(self, delimiter: str, suffix: str) -> np.ndarray:
        """Escaped value + suffix per value, plus a last row (just the suffix) for null."""
        if (delimiter, suffix) not in self._words:
            escaped = [_csv_quote(value, delimiter) + suffix for value in self.values]
            self._words[delimiter, suffix] = _text_words([*escaped, suffix])
        return self._words[delimiter, suffix]

    @functools.cached_property
    def arrow(self) -> pa.Array:
        encoded = [value.encode() for value in self.values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return pa.StringArray.from_buffers(
            len(encoded), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))
        )


# A column renders a block of rows into words: `plan` returns the block's width in
# words and a function that fills a (rows, width) view of the row matrix, ending with
# `suffix` (the delimiter, the newline, or nothing).
_Fill = Callable[[np.ndarray], None]


class _Column:
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        raise NotImplementedError

    def plan(self, rows: slice, style: _CsvStyle, suffix: str) -> tuple[int, _Fill]:
        raise NotImplementedError

    def to_arrow(self, type_: pa.DataType) -> pa.Array:
        """Default for text: render unescaped and convert."""
        width, fill = self.plan(slice(None), _RAW, "")
        words = np.empty((len(self), width), dtype=np.uint32)
        fill(words)
        return _words_to_strings(words, self.valid)

    def _blank_nulls(self, dest: np.ndarray, rows: slice, suffix: str) -> None:
        """Null rows are empty: nothing but the suffix."""
        if self.valid is not None:
            invalid = ~self.valid[rows]
            if invalid.any():
                dest[invalid] = 0
                dest[invalid, 0] = _suffix_word(suffix)


@dataclass
class _Ids(_Column):
    """Prefixed, zero-padded numbers such as R0000001 (or a bare KvK number)."""

    prefix: str
    numbers: np.ndarray
    digits: int
    valid: np.ndarray | None = None

    def __post_init__(self) -> None:
        # Never truncate: widen when a (non-null) number needs more digits.
        numbers = self.numbers if self.valid is None else self.numbers[self.valid]
        if len(numbers):
            self.digits = max(self.digits, _ndigits(numbers.max()))

    def __len__(self) -> int:
        return len(self.numbers)

    def plan(self, rows, style, suffix):
        layout = _fixed_layout(self.prefix, self.digits, suffix)

        def fill(dest):
            x = self.numbers[rows]
            for j, (divisor, modulus, table) in enumerate(layout):
                part = x // divisor if divisor > 1 else x
                dest[:, j] = table[part % modulus if modulus > 1 else 0]
            self._blank_nulls(dest, rows, suffix)

        return len(layout), fill


@dataclass
class _Pooled(_Column):
    """Text drawn from a pool by index (names, cities, enumerations)."""

    pool: _StringPool
    index: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.index)

    def plan(self, rows, style, suffix):
        table = self.pool.words(style.delimiter, suffix)

        def fill(dest):
            index = self.index[rows]
            if self.valid is not None:
                index = np.where(self.valid[rows], index, len(self.pool))
            _gather(dest, table, index)

        return table.shape[1], fill

    def to_arrow(self, type_):
        return self.pool.arrow.take(_arrow_ints(self.index, self.valid))


@dataclass
class _Const(_Column):
    """The same text on every row: separators inside composed text."""

    text: str
    n: int

    def __len__(self) -> int:
        return self.n

    def plan(self, rows, style, suffix):
        words = _text_words([self.text + suffix])[0]

        def fill(dest):
            dest[:] = words

        return len(words), fill


@dataclass
class _Concat(_Column):
    """Several columns written back to back as one field (e-mail, phone, postcode)."""

    parts: list[_Column]
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.parts[0])

    def plan(self, rows, style, suffix):
        last = len(self.parts) - 1
        plans = [p.plan(rows, style, suffix if i == last else "") for i, p in enumerate(self.parts)]

        def fill(dest):
            at = 0
            for width, part_fill in plans:
                part_fill(dest[:, at : at + width])
                at += width
            self._blank_nulls(dest, rows, suffix)

        return sum(width for width, _ in plans), fill


@dataclass
class _Choice(_Column):
    """Per row one of two renderings, e.g. a Dutch or a Belgian postcode."""

    condition: np.ndarray
    if_true: _Column
    if_false: _Column
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.condition)

    def plan(self, rows, style, suffix):
        (w_true, f_true), (w_false, f_false) = (
            self.if_true.plan(rows, style, suffix),
            self.if_false.plan(rows, style, suffix),
        )

        def fill(dest):
            a, b = np.zeros_like(dest), np.zeros_like(dest)
            f_true(a[:, :w_true])
            f_false(b[:, :w_false])
            dest[:] = np.where(self.condition[rows][:, None], a, b)
            self._blank_nulls(dest, rows, suffix)

        return max(w_true, w_false), fill


@dataclass
class _Int(_Column):
    values: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.values)

    @functools.cached_property
    def _layout(self) -> tuple[bool, int]:
        """(any negative, words for the digits and a sign), over the whole column."""
        values = self.values if self.valid is None else np.where(self.valid, self.values, 0)
        signed = bool((values < 0).any())
        return signed, _words_for(_ndigits(np.abs(values).max(initial=0)) + signed)

    def plan(self, rows, style, suffix):
        signed, width = self._layout
        end = _suffix_word(suffix)  # digits are right-aligned: the suffix needs a word

        def fill(dest):
            values = self.values[rows]
            magnitude = np.abs(values)
            _fill_uint(dest[:, :width], magnitude)
            if signed:
                _put_minus(dest[:, :width], values < 0, magnitude)
            dest[:, width] = end
            self._blank_nulls(dest, rows, suffix)

        return width + 1, fill

    def to_arrow(self, type_):
        return _arrow_ints(self.values, self.valid)


@dataclass
class _Money(_Column):
    """Decimal with two places, held as integer cents (exact, fast to render)."""

    cents: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.cents)

    @functools.cached_property
    def _layout(self) -> tuple[bool, int]:
        """(any negative, words for the units and a sign), over the whole column."""
        cents = self.cents if self.valid is None else np.where(self.valid, self.cents, 0)
        signed = bool((cents < 0).any())
        return signed, _words_for(_ndigits(np.abs(cents).max(initial=0) // 100) + signed)

    def plan(self, rows, style, suffix):
        signed, width = self._layout
        frac = style.frac_words(suffix)

        def fill(dest):
            cents = self.cents[rows]
            magnitude = np.abs(cents)
            units = magnitude // 100
            _fill_uint(dest[:, :width], units)
            if signed:
                _put_minus(dest[:, :width], cents < 0, units)
            dest[:, width] = frac[magnitude - units * 100]
            self._blank_nulls(dest, rows, suffix)

        return width + 1, fill

    def to_arrow(self, type_):
        cents = self.cents.astype(np.int64)
        # decimal128 is two little-endian 64-bit halves: the value and its sign extension.
        halves = np.empty((len(cents), 2), dtype=np.int64)
        halves[:, 0] = cents
        halves[:, 1] = cents >> 63
        return pa.Array.from_buffers(
            pa.decimal128(18, 2), len(cents), [_bitmap(self.valid), pa.py_buffer(halves)]
        )


@dataclass
class _Date(_Column):
    days: np.ndarray  # days since 1970-01-01
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.days)

    def plan(self, rows, style, suffix):
        table = _date_words(suffix)

        def fill(dest):
            _gather(dest, table, self.days[rows])
            self._blank_nulls(dest, rows, suffix)

        return 3, fill

    def to_arrow(self, type_):
        days = np.ascontiguousarray(self.days, dtype=np.int32)
        return pa.Array.from_buffers(
            pa.date32(), len(days), [_bitmap(self.valid), pa.py_buffer(days)]
        )


@dataclass
class _Timestamp(_Column):
    seconds: np.ndarray  # seconds since 1970-01-01 00:00:00
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.seconds)

    def plan(self, rows, style, suffix):
        dates, times = _date_words(""), _time_words(suffix)

        def fill(dest):
            seconds = self.seconds[rows]
            days = seconds // _DAY_S
            _gather(dest[:, :3], dates, days)
            day_word = dest[:, 2].copy()  # 'DD\0\0', shared with ' H' of the time
            _gather(dest[:, 2:], times, seconds - days * _DAY_S)
            dest[:, 2] |= day_word
            self._blank_nulls(dest, rows, suffix)

        return 5, fill

    def to_arrow(self, type_):
        micros = np.ascontiguousarray(self.seconds, dtype=np.int64) * 1_000_000
        return pa.Array.from_buffers(
            pa.timestamp("us"), len(micros), [_bitmap(self.valid), pa.py_buffer(micros)]
        )


@dataclass
class _Bool(_Column):
    values: np.ndarray
    valid: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.values)

    def plan(self, rows, style, suffix):
        table = _text_words(["false" + suffix, "true" + suffix])

        def fill(dest):
            _gather(dest, table, self.values[rows].astype(np.intp))
            self._blank_nulls(dest, rows, suffix)

        return table.shape[1], fill

    def to_arrow(self, type_):
        bits = pa.py_buffer(np.packbits(self.values.astype(bool), bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), len(self.values), [_bitmap(self.valid), bits])


@dataclass
class _Gathered(_Column):
    """Rows of another column repeated by index (an invoice id on each of its lines)."""

    base: _Column
    index: np.ndarray
    _words: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.index)

    def plan(self, rows, style, suffix):
        key = (style.delimiter, suffix)
        if key not in self._words:  # render every base row once, then copy per row
            width, fill = self.base.plan(slice(None), style, suffix)
            self._words[key] = np.empty((len(self.base), width), dtype=np.uint32)
            fill(self._words[key])
        words = self._words[key]

        def fill_rows(dest):
            _gather(dest, words, self.index[rows])

        return words.shape[1], fill_rows

    def to_arrow(self, type_):
        return self.base.to_arrow(type_).take(_arrow_ints(self.index))


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------

_ARROW_TYPES = {
    "id": pa.string(),
    "text": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.decimal128(18, 2),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}
assert set(_ARROW_TYPES) == set(RAW_SQL_TYPE), "every contract type needs an Arrow type"


class _FileSink:
    """Appends byte blocks to files from a background thread.

    The kernel's copy into the page cache (about a gigabyte per 10M invoice lines)
    releases the GIL, so it overlaps with formatting the next block. Blocks are written
    in the order they are queued, so the output does not depend on timing; the bounded
    queue keeps memory flat.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[BinaryIO, bytes] | None] = queue.Queue(maxsize=16)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="demo-data-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    item[0].write(item[1])
                except BaseException as error:  # handed to the producer
                    self._error = error

    def write(self, file: BinaryIO, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((file, data))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class _CsvWriter:
    def __init__(self, path: Path, table: SourceTable, style: _CsvStyle, sink: _FileSink):
        self.table = table
        self.style = style
        self.sink = sink
        self.file = path.open("wb")
        header = [_csv_quote(name, style.delimiter) for name in table.column_names]
        self.file.write((style.delimiter.join(header) + "\n").encode())

    def write(self, columns: dict[str, _Column]) -> int:
        ordered = [columns[name] for name in self.table.column_names]
        suffixes = [self.style.delimiter] * (len(ordered) - 1) + ["\n"]
        n = len(ordered[0])
        for start in range(0, n, _CSV_BLOCK_ROWS):
            rows = slice(start, min(n, start + _CSV_BLOCK_ROWS))
            plans = [c.plan(rows, self.style, s) for c, s in zip(ordered, suffixes, strict=True)]
            matrix = np.empty((rows.stop - rows.start, sum(w for w, _ in plans)), np.uint32)
            at = 0
            for width, fill in plans:
                fill(matrix[:, at : at + width])
                at += width
            # Squeeze out the NUL padding. bytes.translate beats numpy's boolean
            # indexing here: the NULs sit at the same places row after row, so its
            # byte loop predicts well.
            self.sink.write(self.file, matrix.tobytes().translate(None, b"\0"))
        return n

    def close(self) -> None:
        self.file.close()


class _ParquetWriter:
    def __init__(self, path: Path, table: SourceTable):
        import pyarrow.parquet as pq  # only Parquet output needs it

        self.schema = pa.schema(
            [pa.field(c.name, _ARROW_TYPES[c.type], nullable=c.nullable) for c in table.columns]
        )
        # Dictionary pages pay off for repeated text (sectors, cities, types) but cost
        # more than they save on ids and amounts, which are nearly all distinct.
        text = [c.name for c in table.columns if c.type == "text"]
        self.writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", use_dictionary=text or False
        )

    def write(self, columns: dict[str, _Column]) -> int:
        arrays = [columns[f.name].to_arrow(f.type) for f in self.schema]
        batch = pa.Table.from_arrays(arrays, schema=self.schema)
        if batch.num_rows:
            self.writer.write_table(batch)
        return batch.num_rows

    def close(self) -> None:
        self.writer.close()


# --------------------------------------------------------------------------------------
# Reference pools, built once per process from fixed data (independent of the seed)
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# The world: calendar, catalogue, salespeople (shared by all chunks)
# --------------------------------------------------------------------------------------


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
        kvk_permutation=kvk,
    )


# --------------------------------------------------------------------------------------
# One chunk of relations and everything that hangs off them
# --------------------------------------------------------------------------------------


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


def _erp(
    world: _World,
    rng: np.random.Generator,
    rel: _Relations,
    first_chunk: bool,
    counters: _Counters,
) -> tuple[dict, dict, dict, dict]:
    """ERP customers with their invoices, invoice lines and payments."""
    cal, pools, catalog = world.calendar, world.pools, world.catalog
    linked = np.flatnonzero(rel.kind <= _QUIET)
    n_linked = len(linked)
    # A few ERP customers match no relation at all (one-off buyers never entered in the
    # CRM); the warehouse must report them, so the first chunk always has one.
    n_orphans = int(rng.binomial(n_linked, 0.01))
    if first_chunk and world.scale >= 200:
        n_orphans = max(1, n_orphans)
    orphan = _customer_profile(rng, n_orphans, catalog)
    o_start, o_last, o_end = _timeline(rng, cal, np.zeros(n_orphans, dtype=bool))
    p = {key: np.concatenate([rel.profile[key], orphan[key]]) for key in orphan}
    start = np.concatenate([rel.start[linked], o_start])
    last = np.concatenate([rel.last[linked], o_last])
    buying_end = np.concatenate([rel.buying_end[linked], o_end])
    k = n_linked + n_orphans

    # --- customers: linked by CRM id, by KvK only (10%), or not at all (orphans; their
    # KvK numbers come from a range no relation uses).
    orphan_rows = np.arange(k) >= n_linked
    by_kvk = ~orphan_rows & (rng.random(k) < 0.10)
    relation_number = np.concatenate([rel.number[linked], np.zeros(n_orphans, np.int64)])
    orphan_kvk = 90_000_000 + counters.orphan + np.arange(n_orphans)
    counters.orphan += n_orphans
    kvk = np.concatenate([rel.kvk[linked], orphan_kvk])
    belgian = np.concatenate([rel.country[linked] == 1, np.zeros(n_orphans, dtype=bool)])
    has_kvk = by_kvk | orphan_rows | (rng.random(k) < 0.75)
    orphan_sector = _choice(rng, _SECTOR_WEIGHTS, n_orphans)
    orphan_name = pools.name_offsets[0, orphan_sector] + (
        rng.random(n_orphans) * pools.name_counts[0, orphan_sector]
    ).astype(np.int64)
    name = np.concatenate([rel.name[linked], orphan_name])
    name += np.where(rng.random(k) < 0.15, len(pools.names) // 2, 0)  # some ERPs shout
    customer_ids = _Ids("D", counters.customer + np.arange(k), 6)
    counters.customer += k
    customers = {
        "customer_id": customer_ids,
        "name": _Pooled(pools.names, name),
        "kvk_number": _kvk_column(kvk, belgian, has_kvk),
        "crm_relation_id": _Ids("R", relation_number, world.digits["R"], ~(by_kvk | orphan_rows)),
        "payment_terms_days": _Int(p["terms"]),
    }

    # --- invoices: a Poisson stream per customer over its buying period, weighted by
    # the working-day calendar (seasonality), plus its last invoice on the `last` day.
    regular = np.minimum(rng.poisson(p["rate"] * cal.weight(start, buying_end)), 3000)
    who = np.repeat(np.arange(k), regular)
    inv_customer = np.concatenate([who, np.arange(k)])
    inv_day = np.concatenate([cal.sample(rng, start[who], buying_end[who]), last])
    credit = np.concatenate([rng.random(len(who)) < 0.042, np.zeros(k, dtype=bool)])
    # Invoice numbers follow the date (a stable radix sort on the day offset).
    order = np.argsort((inv_day - cal.start).astype(np.int16), kind="stable")
    inv_customer, inv_day, credit = inv_customer[order], inv_day[order], credit[order]
    n_inv = len(inv_customer)
    invoice_ids = _Ids("F", counters.invoice + np.arange(n_inv), 9)
    counters.invoice += n_inv
    terms = p["terms"][inv_customer]
    invoices = {
        "invoice_id": invoice_ids,
        "customer_id": _Gathered(customer_ids, inv_customer),
        "invoice_date": _Date(inv_day),
        "due_date": _Date(inv_day + terms),
        "invoice_type": _Pooled(pools.invoice_types, credit.astype(np.int64)),
    }

    # --- invoice lines
    # Lines per invoice: geometric-like, many short orders and a few long ones.
    mean_extra = np.where(credit, 0.6, p["lines"][inv_customer] - 1.0)
    extra = (rng.standard_exponential(n_inv, dtype=np.float32) * mean_extra + 0.5).astype(np.int64)
    n_lines = 1 + np.minimum(extra, np.where(credit, 7, 98))
    line_invoice = np.repeat(np.arange(n_inv), n_lines)
    total = len(line_invoice)
    line_number = np.arange(1, total + 1) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    line_customer = inv_customer[line_invoice]
    product = catalog.popular[rng.integers(0, len(catalog.popular), total, dtype=np.int32)]
    noise = np.exp(0.55 * rng.standard_normal(total, dtype=np.float32))
    quantity = catalog.base_quantity[product] * p["qty_factor"][line_customer] * noise
    # Pieces are whole; products sold by length or weight have decimals.
    quantity_h = np.where(
        catalog.measured[product], np.maximum(50, np.rint(quantity * 100)), np.ceil(quantity) * 100
    )
    quantity_h = np.minimum(quantity_h, 1_000_000).astype(np.int64)
    # Prices rise about 3% a year; customers have their own price agreements.
    inflation = 1.0 + 0.03 / _YEAR_DAYS * (inv_day[line_invoice] - cal.start)
    price = catalog.price_cents[product] * p["price_factor"][line_customer] * inflation
    price_c = np.clip(np.rint(price), 50, 5_000_000).astype(np.int64)
    discount = np.where(rng.random(total, dtype=np.float32) < 0.8, p["discount"][line_customer], 0)
    # amount = quantity x price x (1 - discount%), in whole cents, half up: exact integer
    # arithmetic (hundredths x cents x ten-thousandths).
    amount = (quantity_h * price_c * (10_000 - discount) + 500_000) // 1_000_000
    cost = np.rint(amount * catalog.cost_ratio[product]).astype(np.int64)
    sign = 1 - 2 * credit[line_invoice].astype(np.int64)  # credit notes are negative
    lines = {
        "invoice_id": _Gathered(invoice_ids, line_invoice),
        "line_number": _Int(line_number),
        "product_id": _Pooled(catalog.ids, product),
        "product_group": _Pooled(catalog.groups, catalog.group[product]),
        "quantity": _Money(sign * quantity_h),
        "unit_price": _Money(price_c),
        "discount_pct": _Money(discount),
        "amount_excl_vat": _Money(sign * amount),
        "cost_amount": _Money(sign * cost),
    }

    # --- payments: credit notes are settled by offsetting and never paid; invoices are
    # paid once, late, partly or not at all, depending on the customer's profile.
    invoice_total = np.rint(np.bincount(line_invoice, weights=amount, minlength=n_inv))
    payable = np.flatnonzero(~credit)
    q = len(payable)
    profile = p["profile"][inv_customer[payable]]
    due = terms[payable]
    delay = np.select(
        [profile == 0, profile == 1],
        [np.maximum(2, due + np.rint(rng.normal(-5.0, 4.0, q))),
         due + np.rint(rng.exponential(14.0, q))],
        due + 10 + np.rint(rng.exponential(35.0, q)),
    ).astype(np.int64)  # fmt: skip
    paid = rng.random(q) >= _P_NEVER_PAID[profile]
    partial = rng.random(q) < _P_PARTIAL[profile]
    amount_due = invoice_total[payable].astype(np.int64)
    first_amount = np.where(
        partial, np.maximum(1, (amount_due * rng.uniform(0.3, 0.9, q)).astype(np.int64)), amount_due
    )
    first_day = inv_day[payable] + delay
    second_day = first_day + 10 + np.rint(rng.exponential(25.0, q)).astype(np.int64)
    pays_rest = partial & (rng.random(q) < 0.7) & (amount_due > first_amount)
    first_ok = paid & (first_day <= cal.end)
    second_ok = first_ok & pays_rest & (second_day <= cal.end)
    pay_invoice = np.concatenate([payable[first_ok], payable[second_ok]])
    pay_day = np.concatenate([first_day[first_ok], second_day[second_ok]])
    pay_amount = np.concatenate([first_amount[first_ok], (amount_due - first_amount)[second_ok]])
    order = np.argsort((pay_day - cal.start).astype(np.int16), kind="stable")
    payments = {
        "payment_id": _Ids("P", counters.payment + np.arange(len(order)), 9),
        "invoice_id": _Gathered(invoice_ids, pay_invoice[order]),
        "paid_at": _Timestamp(pay_day[order] * _DAY_S),
        "amount": _Money(pay_amount[order]),
    }
    counters.payment += len(order)
    return customers, invoices, lines, payments


def _chunk(world: _World, index: int, counters: _Counters) -> dict[str, dict[str, _Column]]:
    """All rows hanging off relations [index * CHUNK_RELATIONS, ...), per raw table."""
    rng = world.rng(1 + index)
    first = index * CHUNK_RELATIONS
    rel = _relations(world, rng, first, min(CHUNK_RELATIONS, world.scale - first))
    relations = _relation_columns(world, rng, rel)
    contacts, contact_first, contact_count = _contacts(world, rng, rel, counters)
    ids = relations["relation_id"]
    activities = _activities(world, rng, rel, contact_first, contact_count, ids, counters)
    opportunities = _opportunities(world, rng, rel, ids, counters)
    customers, invoices, lines, payments = _erp(world, rng, rel, index == 0, counters)
    return {
        "crm_relations": relations,
        "crm_contacts": contacts,
        "crm_activities": activities,
        "crm_opportunities": opportunities,
        "erp_customers": customers,
        "erp_invoices": invoices,
        "erp_invoice_lines": lines,
        "erp_payments": payments,
    }


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def generate(
    out_dir: str | Path,
    scale: int = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    end_date: dt.date | str | None = None,
    file_format: str = "csv",
    dialect: str = "comma",
) -> dict[str, int]:
    """Write the demo company's source files into `out_dir`; return rows per raw table.

    `scale` is the number of CRM relations; invoice lines come to about 100 per
    relation. Nothing is dated after `end_date` (default today); the history covers
    about four years before it. Equal arguments give byte-identical files. `dialect`
    only applies to CSV. Files of the other format for the same tables are removed, so
    the folder always holds exactly one file per source table.
    """
    if file_format not in FILE_FORMATS:
        raise ValueError(f"file_format must be one of {FILE_FORMATS}, not {file_format!r}")
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE:,}, not {scale}")
    if end_date is None:
        end_date = dt.date.today()
    elif isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    if not dt.date(1990, 1, 1) <= end_date <= dt.date(2100, 12, 31):
        raise ValueError(f"end_date must lie between 1990 and 2100, not {end_date}")

    out = Path(out_dir)
    world = _build_world(scale, seed, end_date)
    counts = {table.name: 0 for table in SOURCE_TABLES}
    with contextlib.ExitStack() as stack:
        writers: dict[str, _CsvWriter | _ParquetWriter] = {}
        sink = _FileSink() if file_format == "csv" else None
        for table in SOURCE_TABLES:
            path = out / f"{table.relative_path}.{file_format}"
            path.parent.mkdir(parents=True, exist_ok=True)
            for other in FILE_FORMATS:
                if other != file_format:
                    (out / f"{table.relative_path}.{other}").unlink(missing_ok=True)
            if sink is None:
                writers[table.name] = _ParquetWriter(path, table)
            else:
                writers[table.name] = _CsvWriter(path, table, _STYLES[dialect], sink)
            stack.callback(writers[table.name].close)
        if sink is not None:
            stack.callback(sink.close)  # runs first: flush the queue before closing files
        counts["crm_salespeople"] += writers["crm_salespeople"].write(world.salespeople)
        counters = _Counters()
        for index in range(-(-scale // CHUNK_RELATIONS)):
            for name, columns in _chunk(world, index, counters).items():
                counts[name] += writers[name].write(columns)
    return counts


def _keep_freed_memory() -> None:
    """Let glibc reuse freed memory instead of returning it to the OS (CLI only).

    Each chunk allocates and frees hundreds of MB of numpy temporaries. By default glibc
    hands large blocks back to the kernel and every new array pays page faults again,
    which costs a third of the run time on a VM. Raising the mmap and trim thresholds
    keeps the memory in the heap: the footprint stays flat at the size of one chunk.
    Process-wide, so only the command line (its own process) does it.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)  # glibc's upper limit
    libc.mallopt(m_trim_threshold, 1024 * 1024 * 1024)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.demo_data",
        description="Write a deterministic demo company (CRM and ERP exports) into a folder.",
    )
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument(
        "--scale",
        type=int,
        default=DEFAULT_SCALE,
        help="number of CRM relations (default %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)"
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=None,
        help="last date of the history, YYYY-MM-DD (default today)",
    )
    parser.add_argument("--format", choices=FILE_FORMATS, default="csv", dest="file_format")
    parser.add_argument("--dialect", choices=DIALECTS, default="comma", help="CSV dialect")
    args = parser.parse_args(argv)

    _keep_freed_memory()
    started = time.perf_counter()
    counts = generate(
        args.out,
        scale=args.scale,
        seed=args.seed,
        end_date=args.end_date,
        file_format=args.file_format,
        dialect=args.dialect,
    )
    elapsed = time.perf_counter() - started
    for name, rows in counts.items():
        print(f"{name:<20} {rows:>14,} rows")
    total = sum(counts.values())
    lines = counts["erp_invoice_lines"]
    print(f"{'total':<20} {total:>14,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)")
    print(f"invoice lines: {lines / elapsed:,.0f} per second of wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
