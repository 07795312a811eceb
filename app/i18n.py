"""Looking up the dashboard's words: UI strings, column headers and enum labels.

The words themselves live in app/locales/<language>.yaml, one file per language with the
same keys. Lookups take the language explicitly or read it from the session state (the
sidebar switch in `streamlit_app.py`), so they work without Streamlit in tests.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import yaml

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
LANG_KEY = "lang"
LOCALES_DIR = Path(__file__).parent / "locales"

# Enum values in the order the dashboard shows them; their labels are in the locale files.
# Pyramid levels top down, as the mart orders them (pyramid_level_order 1..7).
PYRAMID_LEVELS = ("top", "large", "medium", "small", "inactive", "prospect", "suspect")
RELATION_KINDS = ("active", "inactive", "prospect", "suspect")
CUSTOMER_GROUPS = ("partner", "friend", "economicus", "dog")
MOVEMENTS = ("promoted", "demoted", "unchanged", "new")


@functools.cache
def catalog(lang: str) -> dict:
    """The locale file of `lang`: {"strings": {...}, "columns": {...}, "enums": {...}}."""
    return yaml.safe_load((LOCALES_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))


def t(key: str, lang: str | None = None, **kwargs: object) -> str:
    """The string `key` in `lang` (default: the session's language), formatted with kwargs.

    A key missing in `lang` falls back to Dutch, and a key missing there shows as itself.
    """
    lang = lang or current_language()
    text = catalog(lang)["strings"].get(key) or catalog(DEFAULT_LANGUAGE)["strings"].get(key)
    text = key if text is None else text
    return text.format(**kwargs) if kwargs else text


def label(kind: str, value: object, lang: str | None = None) -> str:
    """The label of an enum value (e.g. pyramid_level 'large' -> 'Groot'); unknown: as is."""
    lang = lang or current_language()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return catalog(lang)["enums"].get(kind, {}).get(str(value), str(value))


def column(name: str, lang: str | None = None) -> str:
    """The header of a mart column; unknown: the column name itself."""
    lang = lang or current_language()
    return catalog(lang)["columns"].get(name, name)


def current_language() -> str:
    """The session's language; Dutch outside a Streamlit session (tests, scripts)."""
    try:
        import streamlit as st

        lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    except Exception:  # no Streamlit runtime (unit tests, benchmark): the default
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE
