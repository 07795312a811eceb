"""Deterministic demo data: the CRM and ERP exports of a Dutch/Flemish B2B wholesaler.

`generate` writes every source table of the contract (`orchestration.ingest.contract`) as CSV
(comma or Dutch-Excel semicolon dialect) or Parquet. The company is realistic enough to
exercise every business rule in docs/business-rules.md: active and quiet customers, prospects and
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

Modules: `reference` (the company's fixed data), `pools` (names built from it), `world`
(calendar, catalogue, salespeople), one module per group of tables (`relations`, `crm`,
`erp`), `generate` (chunk by chunk into files), and for the files `columns` and `words`
(the numpy CSV rendering) and `writers`. The command line is `python -m orchestration.demo`.
"""

from orchestration.demo.generate import generate

__all__ = ["generate"]
