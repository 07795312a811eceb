"""The source contract: what a user exports from CRM and ERP.

One place defines every source table, its file, its columns with their types, which
columns may be empty, the key, and the allowed values of enumerations. The demo
generator writes this contract, ingestion validates against it, the dbt sources
describe the raw tables it produces, and `docs/sources.md` documents it for users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["id", "text", "integer", "decimal", "boolean", "date", "timestamp"]

# How each contract type is stored in the raw layer of the warehouse.
RAW_SQL_TYPE: dict[str, str] = {
    "id": "varchar",
    "text": "varchar",
    "integer": "bigint",
    "decimal": "decimal(18, 2)",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}

ACTIVITY_TYPES = (
    "visit",
    "call",
    "meeting",
    "seminar",
    "trade_fair",
    "web_form",
    "campaign_sent",
    "campaign_response",
    "email_out",
    "email_in",
)
# campaign_sent and email_out reach the relation but get no answer: they never make a
# suspect a prospect (docs/business-rules.md section 2).
ONE_WAY_ACTIVITY_TYPES = ("campaign_sent", "email_out")
OPPORTUNITY_STATUSES = ("open", "won", "lost")
# Countries whose public holidays the visit plan knows (docs/business-rules.md section 9).
SALESPERSON_COUNTRIES = ("NL", "BE")
INVOICE_TYPES = ("invoice", "credit_note")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    accepted_values: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    description: str = ""
    # A column added to the contract after exports were set up: a file whose header lacks
    # it is read as if the column were there and empty. Present, it is checked as usual.
    may_be_absent: bool = False
    # Another date column of the same row this one may not lie before (date_to after
    # date_from): the row is rejected naming this column.
    not_before: str | None = None


@dataclass(frozen=True)
class SourceTable:
    system: Literal["crm", "erp"]
    entity: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""
    # (column, referenced table name, referenced column): documented and tested in dbt.
    references: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    # The columns among `references` that point at the row's parent, which the row means
    # nothing without (an invoice line without its invoice): ingestion rejects a row whose
    # value is not in the parent as loaded. The other references have legitimate gaps
    # that the data-quality marts report (a relation without a known account manager, an
    # ERP customer linked to no CRM relation), so they are not checked at the door.
    parent_columns: tuple[str, ...] = ()
    # An export not every CRM has (absences): no file means no rows, not an error.
    optional: bool = False

    @property
    def parent_references(self) -> tuple[tuple[str, str, str], ...]:
        """The (column, parent table, parent column) references ingestion enforces."""
        return tuple(ref for ref in self.references if ref[0] in self.parent_columns)

    @property
    def name(self) -> str:
        """Table name in the raw schema, e.g. `crm_relations`."""
        return f"{self.system}_{self.entity}"

    @property
    def relative_path(self) -> str:
        """File path under the source folder, without extension, e.g. `crm/relations`."""
        return f"{self.system}/{self.entity}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


def _required(name: str, type_: ColumnType, description: str = "", **kwargs) -> Column:
    return Column(name, type_, nullable=False, description=description, **kwargs)


def _optional(name: str, type_: ColumnType, description: str = "", **kwargs) -> Column:
    return Column(name, type_, nullable=True, description=description, **kwargs)


SALESPEOPLE = SourceTable(
    system="crm",
    entity="salespeople",
    description="Salespeople (account managers) and their visit capacity.",
    key=("salesperson_id",),
    columns=(
        _required("salesperson_id", "id", "Salesperson key in the CRM."),
        _required("name", "text", "Full name."),
        _optional("email", "text", "Work e-mail address."),
        _optional("region", "text", "Sales region the salesperson covers."),
        _required(
            "visits_per_week", "integer", "Visits the salesperson can make per week.", min_value=0
        ),
        _optional(
            "country",
            "text",
            "Country whose public holidays the salesperson has off, NL or BE; the column may "
            "be left out of the file (empty or absent: dbt var default_country).",
            accepted_values=SALESPERSON_COUNTRIES,
            may_be_absent=True,
        ),
    ),
)

ABSENCES = SourceTable(
    system="crm",
    entity="absences",
    description="Days a salesperson is away (leave, training, illness), from date_from to "
    "date_to inclusive; the file is optional: without it nobody is absent.",
    key=("salesperson_id", "date_from"),
    references=(("salesperson_id", "crm_salespeople", "salesperson_id"),),
    parent_columns=("salesperson_id",),
    optional=True,
    columns=(
        _required("salesperson_id", "id", "Salesperson who is away."),
        _required("date_from", "date", "First day away."),
        _required(
            "date_to",
            "date",
            "Last day away (inclusive), not before date_from.",
            not_before="date_from",
        ),
    ),
)

RELATIONS = SourceTable(
    system="crm",
    entity="relations",
    description="Every company in the CRM: customers, prospects and suspects.",
    key=("relation_id",),
    references=(("account_manager_id", "crm_salespeople", "salesperson_id"),),
    columns=(
        _required("relation_id", "id", "Relation key in the CRM."),
        _required("name", "text", "Company name."),
        _optional("kvk_number", "id", "Chamber of Commerce (KvK / KBO) number."),
        _optional("sector", "text", "Sector of the company."),
        _optional("city", "text", "City of the main address."),
        _optional("postcode", "text", "Postcode of the main address."),
        _optional("country", "text", "ISO country code, NL or BE."),
        _optional("employees", "integer", "Number of employees.", min_value=0),
        _optional("account_manager_id", "id", "Salesperson who owns the relation."),
        _optional(
            "estimated_annual_spend",
            "decimal",
            "Estimated yearly spend of the relation in our product range, EUR (share of wallet).",
            min_value=0,
        ),
        _optional(
            "relationship_rating",
            "integer",
            "The account manager's judgement of the relationship, 1 (weak) to 5 (strong).",
            min_value=1,
            max_value=5,
        ),
        _required("created_at", "timestamp", "When the relation was created in the CRM."),
    ),
)

CONTACTS = SourceTable(
    system="crm",
    entity="contacts",
    description="Contact persons at relations (personal data).",
    key=("contact_id",),
    references=(("relation_id", "crm_relations", "relation_id"),),
    parent_columns=("relation_id",),
    columns=(
        _required("contact_id", "id", "Contact person key in the CRM."),
        _required("relation_id", "id", "Relation the contact works for."),
        _optional("first_name", "text", "First name (personal data)."),
        _optional("last_name", "text", "Last name (personal data)."),
        _optional("email", "text", "E-mail address (personal data)."),
        _optional("phone", "text", "Phone number (personal data)."),
        _optional("job_title", "text", "Job title."),
        _optional("marketing_consent", "boolean", "Consent to receive marketing (true/false)."),
    ),
)

ACTIVITIES = SourceTable(
    system="crm",
    entity="activities",
    description="Contact moments with relations, one-way and two-way.",
    key=("activity_id",),
    references=(
        ("relation_id", "crm_relations", "relation_id"),
        ("contact_id", "crm_contacts", "contact_id"),
        ("salesperson_id", "crm_salespeople", "salesperson_id"),
    ),
    # A contact may have been erased (GDPR) and a salesperson may have left: the activity
    # still counts for its relation.
    parent_columns=("relation_id",),
    columns=(
        _required("activity_id", "id", "Activity key in the CRM."),
        _required("relation_id", "id", "Relation contacted."),
        _optional("contact_id", "id", "Contact person involved, if known."),
        _optional("salesperson_id", "id", "Salesperson who made the contact."),
        _required(
            "activity_type",
            "text",
            "Kind of contact; campaign_sent and email_out are one-way, all others two-way.",
            accepted_values=ACTIVITY_TYPES,
        ),
        _required("occurred_at", "timestamp", "When the contact took place."),
    ),
)

OPPORTUNITIES = SourceTable(
    system="crm",
    entity="opportunities",
    description="Quotes and opportunities.",
    key=("opportunity_id",),
    references=(
        ("relation_id", "crm_relations", "relation_id"),
        ("salesperson_id", "crm_salespeople", "salesperson_id"),
    ),
    parent_columns=("relation_id",),
    columns=(
        _required("opportunity_id", "id", "Opportunity key in the CRM."),
        _required("relation_id", "id", "Relation the quote is for."),
        _optional("salesperson_id", "id", "Salesperson who made the quote."),
        _required("created_at", "timestamp", "When the quote was made."),
        _optional("amount", "decimal", "Quoted amount excluding VAT, EUR."),
        _required("status", "text", "open, won or lost.", accepted_values=OPPORTUNITY_STATUSES),
        _optional("closed_at", "timestamp", "When the quote was won or lost; empty while open."),
    ),
)

CUSTOMERS = SourceTable(
    system="erp",
    entity="customers",
    description="Customer accounts in the ERP (debtors).",
    key=("customer_id",),
    references=(("crm_relation_id", "crm_relations", "relation_id"),),
    columns=(
        _required("customer_id", "id", "Customer (debtor) key in the ERP."),
        _required("name", "text", "Customer name as invoiced."),
        _optional(
            "kvk_number",
            "id",
            "Chamber of Commerce number; links to the CRM when crm_relation_id is empty.",
        ),
        _optional("crm_relation_id", "id", "CRM relation this customer belongs to, if recorded."),
        _optional("payment_terms_days", "integer", "Agreed payment term in days.", min_value=0),
    ),
)

INVOICES = SourceTable(
    system="erp",
    entity="invoices",
    description="Invoice and credit note headers.",
    key=("invoice_id",),
    references=(("customer_id", "erp_customers", "customer_id"),),
    parent_columns=("customer_id",),
    columns=(
        _required("invoice_id", "id", "Invoice key in the ERP."),
        _required("customer_id", "id", "Customer invoiced."),
        _required("invoice_date", "date", "Invoice date."),
        _optional("due_date", "date", "Date payment is due."),
        _required("invoice_type", "text", "invoice or credit_note.", accepted_values=INVOICE_TYPES),
    ),
)

INVOICE_LINES = SourceTable(
    system="erp",
    entity="invoice_lines",
    description="Invoice lines; credit note lines carry negative amounts.",
    key=("invoice_id", "line_number"),
    references=(("invoice_id", "erp_invoices", "invoice_id"),),
    parent_columns=("invoice_id",),
    columns=(
        _required("invoice_id", "id", "Invoice the line belongs to."),
        _required("line_number", "integer", "Line number within the invoice.", min_value=0),
        _optional("product_id", "id", "Product sold."),
        _optional("product_group", "text", "Product group."),
        _optional("quantity", "decimal", "Quantity; negative on returns."),
        _optional("unit_price", "decimal", "Unit price excluding VAT, EUR."),
        _optional("discount_pct", "decimal", "Discount in percent (0-100)."),
        _required(
            "amount_excl_vat",
            "decimal",
            "Line amount excluding VAT, EUR; negative on credit notes.",
        ),
        _optional("cost_amount", "decimal", "Cost price of the line, EUR (for margin)."),
    ),
)

PAYMENTS = SourceTable(
    system="erp",
    entity="payments",
    description="Payments received against invoices.",
    key=("payment_id",),
    references=(("invoice_id", "erp_invoices", "invoice_id"),),
    parent_columns=("invoice_id",),
    columns=(
        _required("payment_id", "id", "Payment key in the ERP."),
        _required("invoice_id", "id", "Invoice paid."),
        _required("paid_at", "timestamp", "When the payment was received (a date is enough)."),
        _required("amount", "decimal", "Amount paid, EUR."),
    ),
)

SOURCE_TABLES: tuple[SourceTable, ...] = (
    SALESPEOPLE,
    ABSENCES,
    RELATIONS,
    CONTACTS,
    ACTIVITIES,
    OPPORTUNITIES,
    CUSTOMERS,
    INVOICES,
    INVOICE_LINES,
    PAYMENTS,
)
SOURCE_TABLES_BY_NAME: dict[str, SourceTable] = {table.name: table for table in SOURCE_TABLES}

# Dates outside this range are typing errors (year 0001, 9999), not business events.
PLAUSIBLE_YEARS = (1900, 2100)
