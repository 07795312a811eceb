"""Every query the dashboard runs: marts only, parameterised, read-only connections.

`scope` is the one way in (connection, cache, who sees what, the sidebar filters as SQL);
`parameters` holds the business-rule parameters drawn as lines; `shell` the queries every
page shows around its content; and each page has its own module of the same name as in
app/pages/.

Rules kept in this package:
- SQL names mart columns only here, so a renamed column is a fix in one module.
- Filter and search values always travel as `?` parameters; the only text formatted into
  SQL are column names and fragments from these modules' own constants.
- Aggregation happens in DuckDB: charts get the rows they draw, lists a `limit` and the
  total count (see `scope.limited`).
"""
