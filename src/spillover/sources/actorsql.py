"""The SQL of a file's actor names: its cells split into names, one row per name, and the attribution.

An actor column holds a few thousand distinct cells where the rows are millions, so each distinct cell is
split into its names once (``_stage_cells``) and the rows are joined to their cells' names: no split, trim
or DISTINCT per row.  Run by the staging (:mod:`spillover.sources.stage`) over ``_n0`` (every row,
normalised) and ``_n`` (the same, with ids and ``_ok``); ``_actor{i}`` and ``_actor{i}_unc`` are the name
and the uncertain flag of the loader's i-th :class:`~spillover.sources.base.ActorColumn`.
"""

from __future__ import annotations

from collections.abc import Sequence

from spillover.sources.base import ActorColumn, lit

#: Names that say the actor is not known: they make no attribution (single, joint or uncertain).
UNKNOWN_PREFIXES = ("Unknown", "Unidentified")


def cells_sql(columns: Sequence[ActorColumn]) -> str:
    """``(i, cell, name, _split)``: every distinct cell of every actor column (of any row) and its names:
    several names separated by the column's separator, 'A and/or B' both names (``_split``), trimmed,
    empty ones dropped, each once."""
    parts = []
    for i, col in enumerate(columns):
        split = (
            f"string_split(cell, {lit(col.separator)})"
            if col.separator != "\x1f"
            else "CASE WHEN contains(cell, chr(31)) THEN string_split(cell, chr(31)) ELSE [cell] END"
        )
        parts.append(
            f"SELECT {i} AS i, cell, unnest({split}) AS _piece "
            f"FROM (SELECT DISTINCT _actor{i} AS cell FROM _n0 WHERE _actor{i} IS NOT NULL)"
        )
    return f"""
        SELECT DISTINCT i, cell, name, _split
        FROM (SELECT i, cell, trim(unnest(CASE WHEN contains(_piece, ' and/or ') THEN string_split(_piece, ' and/or ')
                                               ELSE [_piece] END)) AS name,
                     contains(_piece, ' and/or ') AS _split
              FROM ({" UNION ALL ".join(parts)}))
        WHERE name <> ''
    """


def actors_sql(columns: Sequence[ActorColumn], monadic: bool) -> str:
    """One row per actor name of every loaded row (``event_id, role, ordinal, name, uncertain, _row``);
    'A and/or B' gives both names, each flagged uncertain.

    The actor cells of the loaded rows are unnested into one row per column (``i``) and joined once to their
    cells' names (no per-column join of a materialised copy of the rows: ACLED 2M, 0.9–1.1 → 0.7 CPU s).
    A row's names are distinct without a DISTINCT over every row: one cell's names are distinct, and the
    columns of a row differ in role or ordinal (checked here)."""
    roles = [(c.role, c.ordinal) for c in columns]
    side_b = [(c.role.replace("_a", "_b"), c.ordinal) for c in columns]
    if len(set(roles)) < len(roles) or (monadic and len(set(side_b)) < len(side_b)):
        raise AssertionError(f"actor columns share a role and ordinal: {roles}")
    nth = "[l.i + 1]"
    role = f"[{', '.join(lit(c.role) for c in columns)}]{nth}"
    if monadic:  # the n-th row of an event names its n-th actor: row 1 → side A, row 2 → side B
        role_b = f"[{', '.join(lit(c.role.replace('_a', '_b')) for c in columns)}]{nth}"
        role = f"CASE WHEN _rank = 1 THEN {role} ELSE {role_b} END"
    ordinal = f"[{', '.join(str(c.ordinal) for c in columns)}]{nth} + (_rank - 1) * 100"
    doubt = [c.uncertain != "false" for c in columns]
    flagged = ", ".join(f"coalesce(_actor{i}_unc, false)" if d else "false" for i, d in enumerate(doubt))
    loaded = (
        f"SELECT _row, event_id, _rank, unnest(range({len(columns)})) AS i, "
        f"unnest([{', '.join(f'_actor{i}' for i in range(len(columns)))}]) AS cell, unnest([{flagged}]) AS _unc "
        "FROM _n WHERE _ok"
    )
    row = f"SELECT event_id, {role} AS role, {ordinal} AS ordinal, c.name"
    names = "c ON c.i = l.i AND c.cell = l.cell"
    if not any(doubt):  # the rows add no doubt: a name is uncertain when split from 'A and/or B'
        return f"{row}, c._split AS uncertain, _row FROM ({loaded}) l JOIN _stage_cells {names}"
    return f"""
        WITH loaded AS MATERIALIZED ({loaded})
        {row}, c._split AS uncertain, _row FROM loaded l JOIN _stage_cells {names} WHERE NOT l._unc
        UNION ALL
        {row}, true AS uncertain, _row FROM loaded l JOIN (SELECT DISTINCT i, cell, name FROM _stage_cells) {names}
        WHERE l._unc
    """


def main_role(columns: Sequence[ActorColumn]) -> str:
    """The role whose names make the attribution: the perpetrators where a source names them, else side A."""
    return "perpetrator" if any(c.role == "perpetrator" for c in columns) else "side_a"


def _main_columns(columns: Sequence[ActorColumn]) -> list[int]:
    role = main_role(columns)
    return [i for i, c in enumerate(columns) if c.role == role]


def attribution_sql(columns: Sequence[ActorColumn]) -> str:
    """``_stage_attribution``: the attribution of every distinct combination of the main role's cells
    (and their uncertain flags): several names → joint; any 'and/or' or flagged uncertain → uncertain;
    names saying the actor is unknown do not count; no name left → no row (attribution 'none').

    A row's main role is named on its own row (in a monadic file, an event's first row: the second names
    side B), so the rule reads the names of the row's cells; computed once per combination, not per row."""
    main = _main_columns(columns)
    if not main:
        return "SELECT NULL::VARCHAR AS _attribution WHERE false"
    key = [f"_actor{i}" for i in main] + [f"_u{i}" for i in main]
    combos = ", ".join(f"_actor{i}, coalesce(_actor{i}_unc, false) AS _u{i}" for i in main)
    named = " UNION ALL ".join(
        f"SELECT k.*, c.name, k._u{i} OR c._split AS uncertain "
        f"FROM combos k JOIN _stage_cells c ON c.i = {i} AND c.cell = k._actor{i}"
        for i in main
    )
    unknown = " OR ".join(f"starts_with(name, {lit(p)})" for p in UNKNOWN_PREFIXES)
    return f"""
        WITH combos AS (SELECT DISTINCT {combos} FROM _n0)
        SELECT {", ".join(key)},
               CASE WHEN bool_or(uncertain) THEN 'uncertain'
                    WHEN min(name) <> max(name) THEN 'joint' ELSE 'single' END AS _attribution
        FROM ({named}) WHERE NOT ({unknown})
        GROUP BY {", ".join(key)}
    """


def attribution_join(columns: Sequence[ActorColumn], rows: str = "n") -> str:
    """The condition joining ``_stage_attribution a`` to the event rows ``rows`` (``false`` when no column has the main role)."""
    main = _main_columns(columns)
    if not main:
        return "false"
    return " AND ".join(
        f"a._actor{i} IS NOT DISTINCT FROM {rows}._actor{i} AND a._u{i} = coalesce({rows}._actor{i}_unc, false)"
        for i in main
    )
