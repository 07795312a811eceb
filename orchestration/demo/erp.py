"""The ERP tables of a chunk of relations: customers, invoices with their lines, payments."""

from __future__ import annotations

import numpy as np

from orchestration.demo.columns import _Date, _Gathered, _Ids, _Int, _Money, _Pooled, _Timestamp
from orchestration.demo.pools import _choice
from orchestration.demo.reference import _P_NEVER_PAID, _P_PARTIAL, _QUIET, _SECTOR_WEIGHTS
from orchestration.demo.relations import (
    _Counters,
    _customer_profile,
    _kvk_column,
    _Relations,
    _timeline,
)
from orchestration.demo.words import _DAY_S
from orchestration.demo.world import _YEAR_DAYS, _World


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
