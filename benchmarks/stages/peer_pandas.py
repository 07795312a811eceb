"""The peer: the core marts as a BI team would write them in pandas, without a warehouse.

`python -m benchmarks.stages.peer_pandas --sources DIR --seeds DIR --out DIR --as-of YYYY-MM-DD
--parameters FILE`

Implements docs/business-rules.md sections 1-4 and 7 the way a competent pandas user
would: read only the needed columns of the CSV exports with the pyarrow CSV engine, then
vectorised merges, groupbys and sorts (no loops over rows), and write each result to
Parquet. It computes: the ERP-customer link (CRM id, else KvK), revenue_12m with credit
notes, relation kinds with needs_reactivation and is_lead, ABC classes, pyramid levels,
and service-level proposals.

It does less than the pipeline: no validation or rejects, no scoring, no payment
behaviour, no visit plan (which since 2026-12-06 follows holidays, absences and the
prospect rating), no data-quality marts, no history, no tests. Amounts are float64, as a
pandas user would keep them. Thresholds are those of the build being compared (its
`marts.rule_parameters`, written to a JSON file by the peer stage) and the seeds are read
from `seeds/`.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Rules:
    """The thresholds, from the `marts.rule_parameters` of a build (`--parameters`, a JSON
    object name -> value): the peer computes with the vars the pipeline used."""

    revenue_window_months: int
    inactive_after_months: int
    reactivate_after_months: int
    abc_a_share: float
    abc_b_share: float
    pyramid_pcts: tuple[tuple[str, float], ...]
    potential_high: float
    potential_medium: float

    @classmethod
    def from_parameters(cls, value: dict[str, str]) -> Rules:
        return cls(
            revenue_window_months=int(value["revenue_window_months"]),
            inactive_after_months=int(value["inactive_after_months"]),
            reactivate_after_months=int(value["reactivate_after_months"]),
            abc_a_share=float(value["abc_a_share"]),
            abc_b_share=float(value["abc_b_share"]),
            pyramid_pcts=tuple(
                (level, float(value[f"pyramid_{level}_pct"]))
                for level in ("top", "large", "medium")
            ),
            potential_high=float(value["potential_high"]),
            potential_medium=float(value["potential_medium"]),
        )


_DAY = pd.Timedelta(days=1)


def _select(conditions: list[pd.Series], choices: list, default) -> np.ndarray:
    """np.select over pandas conditions, where a missing value counts as false."""
    masks = [np.asarray(condition.fillna(False), dtype=bool) for condition in conditions]
    return np.select(masks, choices, default)


def read(sources: Path, name: str, columns: list[str], text: tuple[str, ...] = ()) -> pd.DataFrame:
    """One export, only `columns`; ids and codes stay text (KvK numbers keep leading zeros)."""
    return pd.read_csv(
        sources / f"{name}.csv",
        engine="pyarrow",
        usecols=columns,
        dtype={column: "string" for column in text},
    )


def as_datetime(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    return pd.to_datetime(series, format="ISO8601")


def load(sources: Path) -> dict[str, pd.DataFrame]:
    data = {
        "relations": read(
            sources,
            "crm/relations",
            ["relation_id", "name", "kvk_number", "account_manager_id", "estimated_annual_spend"],
            ("relation_id", "kvk_number", "account_manager_id"),
        ),
        "activities": read(
            sources,
            "crm/activities",
            ["relation_id", "activity_type", "occurred_at"],
            ("relation_id", "activity_type"),
        ),
        "opportunities": read(
            sources,
            "crm/opportunities",
            ["relation_id", "created_at", "closed_at"],
            ("relation_id",),
        ),
        "customers": read(
            sources,
            "erp/customers",
            ["customer_id", "kvk_number", "crm_relation_id"],
            ("customer_id", "kvk_number", "crm_relation_id"),
        ),
        "invoices": read(
            sources,
            "erp/invoices",
            ["invoice_id", "customer_id", "invoice_date", "invoice_type"],
            ("invoice_id", "customer_id", "invoice_type"),
        ),
        "lines": read(
            sources, "erp/invoice_lines", ["invoice_id", "amount_excl_vat"], ("invoice_id",)
        ),
    }
    data["activities"]["occurred_at"] = as_datetime(data["activities"]["occurred_at"])
    for column in ("created_at", "closed_at"):
        data["opportunities"][column] = as_datetime(data["opportunities"][column])
    data["invoices"]["invoice_date"] = as_datetime(data["invoices"]["invoice_date"])
    return data


def link_customers(customers: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """customer_id -> relation_id: the CRM id when it names a relation, else the KvK number."""
    known = customers["crm_relation_id"].isin(relations["relation_id"])
    by_kvk = relations.dropna(subset=["kvk_number"]).groupby("kvk_number")["relation_id"].min()
    linked = customers[["customer_id"]].copy()
    linked["relation_id"] = customers["crm_relation_id"].where(
        known, customers["kvk_number"].map(by_kvk)
    )
    return linked


def relation_facts(
    data: dict[str, pd.DataFrame], as_of: pd.Timestamp, rules: Rules
) -> pd.DataFrame:
    relations, invoices = data["relations"], data["invoices"]
    window_start = as_of - pd.DateOffset(months=rules.revenue_window_months)

    amounts = data["lines"].groupby("invoice_id", sort=False)["amount_excl_vat"].sum()
    invoices = invoices[invoices["invoice_date"] <= as_of].copy()
    invoices["amount"] = invoices["invoice_id"].map(amounts).fillna(0.0)
    linked = link_customers(data["customers"], relations)
    invoices = invoices.merge(linked, on="customer_id", how="inner").dropna(subset=["relation_id"])
    is_invoice = invoices["invoice_type"] == "invoice"
    invoices["amount_12m"] = invoices["amount"].where(invoices["invoice_date"] > window_start, 0.0)
    invoices["invoice_date_only"] = invoices["invoice_date"].where(is_invoice)
    per_relation = invoices.groupby("relation_id").agg(
        revenue_12m=("amount_12m", "sum"), last_invoice_date=("invoice_date_only", "max")
    )

    seeds = data["seeds"]
    two_way_types = seeds["activity_types"].loc[
        seeds["activity_types"]["is_two_way"], "activity_type"
    ]
    activities = data["activities"]
    activities = activities[activities["occurred_at"] < as_of + _DAY]
    two_way = activities[activities["activity_type"].isin(two_way_types)]
    last_two_way = two_way.groupby("relation_id")["occurred_at"].max().dt.normalize()

    opportunities = data["opportunities"]
    opportunities = opportunities[opportunities["created_at"] < as_of + _DAY]
    is_open = opportunities["closed_at"].isna() | (opportunities["closed_at"] >= as_of + _DAY)
    last_quote = opportunities.groupby("relation_id")["created_at"].max().dt.normalize()
    has_open = opportunities[is_open].groupby("relation_id").size() > 0

    facts = relations.set_index("relation_id")
    facts = facts.join(per_relation)
    facts["revenue_12m"] = facts["revenue_12m"].fillna(0.0)
    facts["last_two_way_activity"] = last_two_way
    facts["last_quote"] = last_quote
    facts["last_two_way_contact_date"] = facts[["last_two_way_activity", "last_quote"]].max(axis=1)
    facts["has_two_way_contact"] = facts["last_two_way_contact_date"].notna()
    facts["has_open_opportunity"] = has_open.reindex(facts.index, fill_value=False).astype(bool)
    return facts


def relation_kinds(facts: pd.DataFrame, as_of: pd.Timestamp, rules: Rules) -> pd.DataFrame:
    inactive_before = as_of - pd.DateOffset(months=rules.inactive_after_months)
    reactivate_before = as_of - pd.DateOffset(months=rules.reactivate_after_months)
    has_invoice = facts["last_invoice_date"].notna()
    kind = _select(
        [
            facts["last_invoice_date"] > inactive_before,
            has_invoice,
            facts["has_two_way_contact"],
        ],
        ["active", "inactive", "prospect"],
        "suspect",
    )
    kinds = facts.assign(relation_kind=kind)
    kinds["needs_reactivation"] = has_invoice & (facts["last_invoice_date"] <= reactivate_before)
    kinds["is_lead"] = (kinds["relation_kind"] == "prospect") & kinds["has_open_opportunity"]
    return kinds


def customer_abc(kinds: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    revenue = kinds.loc[kinds["revenue_12m"] > 0, ["revenue_12m"]].reset_index()
    revenue = revenue.sort_values(["revenue_12m", "relation_id"], ascending=[False, True])
    total = revenue["revenue_12m"].sum()
    cumulative = revenue["revenue_12m"].cumsum()
    revenue["revenue_rank"] = np.arange(1, len(revenue) + 1)
    revenue["cumulative_share"] = cumulative / total
    revenue["share_above"] = (cumulative - revenue["revenue_12m"]) / total
    revenue["abc_class"] = _select(
        [
            revenue["share_above"] < rules.abc_a_share,
            revenue["share_above"] < rules.abc_b_share,
        ],
        ["A", "B"],
        "C",
    )
    return revenue


def customer_pyramid(kinds: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    pyramid = kinds[["relation_kind", "revenue_12m", "account_manager_id"]].reset_index()
    active = pyramid[pyramid["relation_kind"] == "active"].sort_values(
        ["revenue_12m", "relation_id"], ascending=[False, True]
    )
    n_active = len(active)
    rank = pd.Series(np.arange(1, n_active + 1), index=active.index)
    pyramid["active_rank"] = rank
    level = pyramid["relation_kind"].to_numpy(dtype=object).copy()
    is_active = (pyramid["relation_kind"] == "active").to_numpy()
    level[is_active] = "small"
    paying = is_active & (pyramid["revenue_12m"] > 0).to_numpy()
    # Top down: the highest level whose cut-off the rank is within wins.
    for name, pct in reversed(rules.pyramid_pcts):
        within = paying & (pyramid["active_rank"] <= math.ceil(pct / 100.0 * n_active)).to_numpy()
        level[within] = name
    pyramid["pyramid_level"] = level
    return pyramid


def service_level_proposals(
    kinds: pd.DataFrame, abc: pd.DataFrame, matrix: pd.DataFrame, rules: Rules
) -> pd.DataFrame:
    customers = kinds.loc[
        kinds["relation_kind"].isin(["active", "inactive"]),
        ["relation_kind", "revenue_12m", "estimated_annual_spend", "account_manager_id"],
    ].reset_index()
    customers = customers.merge(abc[["relation_id", "abc_class"]], on="relation_id", how="left")
    spend = customers["estimated_annual_spend"]
    customers["growth_potential"] = (spend - customers["revenue_12m"]).clip(lower=0)
    customers["revenue_score"] = customers["abc_class"].map({"A": 3, "B": 2}).fillna(1)
    customers["potential_score"] = _select(
        [
            customers["growth_potential"] >= rules.potential_high,
            customers["growth_potential"] >= rules.potential_medium,
        ],
        [3, 2],
        1,
    )
    customers["revenue_score"] = customers["revenue_score"].astype("int64")
    proposals = customers.merge(
        matrix.rename(columns={"service_level": "proposed_level"}),
        on=["revenue_score", "potential_score"],
        how="left",
    )
    return proposals


def read_seeds(seeds_dir: Path) -> dict[str, pd.DataFrame]:
    seeds = {
        name: pd.read_csv(seeds_dir / f"{name}.csv")
        for name in (
            "activity_types",
            "service_level_matrix",
        )
    }
    return seeds


def run(sources: Path, seeds_dir: Path, out: Path, as_of: pd.Timestamp, rules: Rules) -> dict:
    timings = {}
    started = time.perf_counter()
    data = load(sources)
    data["seeds"] = read_seeds(seeds_dir)
    timings["read"] = time.perf_counter() - started

    step = time.perf_counter()
    facts = relation_facts(data, as_of, rules)
    kinds = relation_kinds(facts, as_of, rules)
    abc = customer_abc(kinds, rules)
    pyramid = customer_pyramid(kinds, rules)
    matrix = data["seeds"]["service_level_matrix"]
    proposals = service_level_proposals(kinds, abc, matrix, rules)
    timings["compute"] = time.perf_counter() - step

    step = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    kinds_out = kinds[
        ["relation_kind", "needs_reactivation", "is_lead", "revenue_12m", "last_invoice_date"]
    ].reset_index()
    kinds_out.to_parquet(out / "relation_kinds.parquet", index=False)
    abc.to_parquet(out / "customer_abc.parquet", index=False)
    pyramid.to_parquet(out / "customer_pyramid.parquet", index=False)
    proposals.to_parquet(out / "service_level_proposals.parquet", index=False)
    timings["write"] = time.perf_counter() - step
    timings["seconds"] = time.perf_counter() - started
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, required=True)
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument(
        "--parameters", type=Path, required=True, help="JSON name -> value of rule_parameters"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rules = Rules.from_parameters(json.loads(args.parameters.read_text()))
    timings = run(args.sources, args.seeds, args.out, pd.Timestamp(args.as_of), rules)
    if args.json:
        args.json.write_text(json.dumps(timings, indent=1))
    print(" ".join(f"{key} {value:.2f} s" for key, value in timings.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
