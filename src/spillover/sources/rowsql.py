"""The SQL of what one raw row says about itself: its id, the problems that quarantine it, its flags.

Built per loader and file (:class:`spillover.sources.base.Loader`, :class:`~spillover.sources.base.Context`)
and run by the staging (:mod:`spillover.sources.stage`) over the file's rows.
"""

from __future__ import annotations

from collections.abc import Mapping

from spillover.sources.base import Check, Context, Loader, lit

#: Dates before this year are not in any source's coverage: a typo or a placeholder (e.g. 1800-01-01).
FIRST_YEAR = 1900


def date_range_checks(loader: Loader, ctx: Context, computed: Mapping[str, str] | None = None) -> list[Check]:
    """Every source: a date before :data:`FIRST_YEAR` or more than a year from today is impossible (a typo,
    a placeholder such as 9999-01-01): the row is quarantined, naming the source's date column.

    ``computed``: the SQL of a normalised date already computed for the row (a column), by field name, read
    instead of the field's expression (which would be evaluated a second time)."""
    own = loader.fields(ctx)
    fields = {**own, **(computed or {})}
    column = loader.date_field
    value = ctx.text(column) if ctx.has(column) else "NULL"
    outside = [
        f"({fields[key]})::DATE NOT BETWEEN DATE '{FIRST_YEAR}-01-01' AND current_date + INTERVAL 1 YEAR"
        for key in ("date_start", "date_end")
        if key in own
    ]
    if not outside:
        return []
    return [Check(column, " OR ".join(outside), f"date outside {FIRST_YEAR} – one year from today", value)]


def problems_sql(loader: Loader, ctx: Context, computed: Mapping[str, str] | None = None) -> str:
    """The list of a row's problems (field, value, reason); ``computed`` as in :func:`date_range_checks`."""
    items = [
        f"CASE WHEN coalesce({c.bad}, false) THEN {{'field': {lit(c.field)}, 'value': ({c.value})::VARCHAR, "
        f"'reason': {lit(c.reason)}}} END"
        for c in loader.checks(ctx) + date_range_checks(loader, ctx, computed)
    ]
    return f"list_filter([{', '.join(items)}], lambda x: x IS NOT NULL)" if items else "[]"


def flags_sql(loader: Loader, ctx: Context) -> str:
    items = [f"CASE WHEN coalesce({f.when}, false) THEN {lit(f.name)} END" for f in loader.flags(ctx)]
    return (
        f"list_filter([{', '.join(items)}]::VARCHAR[], lambda x: x IS NOT NULL)" if items else "[]::VARCHAR[]"
    )


def normalised_text(sql: str) -> str:
    """A value as a content id reads it: trimmed, '3.0' as '3' (a spreadsheet or R re-export), empty as ''."""
    return f"regexp_replace(trim(coalesce({sql}, '')), '^(-?[0-9]+)\\.0+$', '\\1')"


def whole_id(sql: str) -> str:
    """An id as text, '15960.0' (an id written as a float by an R or pandas export) as '15960'.  The pattern
    runs only on ids that end in '0' (no other can match it): a regular expression per row is most of the
    cost of an id (ACLED 2M, read three times per ingest: 0.25 → 0.18 CPU s each)."""
    return f"CASE WHEN ends_with({sql}, '0') THEN regexp_replace({sql}, '\\.0+$', '') ELSE {sql} END"


def source_id_sql(loader: Loader, ctx: Context) -> str:
    """The source's own id, or, for files without ids (RAND, GTD extracts), a content hash of the row's
    normalised values in the layout's column order (the file's columns the layout knows): a re-export with
    its columns reordered, quoted differently, with stray white space around values or compressed gives
    the same ids, so its events are not loaded twice."""
    ids = [c for c in loader.id_columns if ctx.has(c)]
    if ids:
        return " || '-' || ".join(whole_id(ctx.text(c)) for c in ids)
    normalisers = loader.content_id_values(ctx)
    values = [
        normalisers[col] if col in normalisers else normalised_text(ctx.text(col))
        for col in ctx.layout.columns
        if ctx.has(col)
    ]
    return f"'h' || substr(md5(concat_ws(chr(31), {', '.join(values)})), 1, 16)"
