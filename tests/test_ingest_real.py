"""Every real event file loads end to end, every row is accounted for, and raw rows come back exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from realdata import event_datasets

from spillover.sources.reading import sha256_of

DATASETS = event_datasets()


def _raw_frame(path: Path) -> pd.DataFrame:
    """The file as pandas reads it, every value as text (an oracle independent of the loaders)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.mark.parametrize("ds", DATASETS, ids=[d.name for d in DATASETS])
def test_every_row_is_accounted_for(ds, real_data, loaded_store) -> None:  # noqa: ANN001
    path = real_data / ds.file
    raw = _raw_frame(path)
    file_id = sha256_of(path)
    (rows, added, known, quarantined, layout) = loaded_store.con.execute(
        "SELECT rows, events_added, events_known, rows_quarantined, layout FROM files WHERE file_id = ?",
        [file_id],
    ).fetchall()[0]
    assert rows == len(raw), "the store must see every row pandas sees"
    assert (
        loaded_store.con.execute("SELECT count(*) FROM raw_rows WHERE file_id = ?", [file_id]).fetchall()[0][
            0
        ]
        == rows
    )
    if layout == "acled-monadic":  # one event per id, several rows each
        assert (
            added + known
            == raw["event_id_cnty"].nunique() - raw.loc[raw["event_id_cnty"] == "", "event_id_cnty"].size
        )
    else:
        assert added + known + quarantined == rows
    reasons = loaded_store.quarantined(file_id)
    assert reasons["row_number"].nunique() == quarantined
    assert reasons["reason"].str.len().gt(0).all(), "every quarantined row is explained"


def test_quarantined_row_is_explained_with_file_row_and_field(real_data, loaded_store) -> None:  # noqa: ANN001
    """The ACLED global export has one row without an event id: it is kept in quarantine, not dropped."""
    path = real_data / "acled_global_2020-04-28_2020-05-09_export.csv.gz"
    raw = _raw_frame(path)
    missing = raw.index[raw["event_id_cnty"].str.strip() == ""].tolist()
    q = loaded_store.quarantined(sha256_of(path))
    assert sorted(q["row_number"].tolist()) == [i + 1 for i in missing]
    assert (q["field"] == "id").all() and q["reason"].str.contains("missing id").all()
    assert (q["file"] == path.name).all()


@pytest.mark.parametrize(
    "name",
    [
        "gtd_0718dist_sample_2000_2017",
        "rand_rdwti_1968_2009_exdex",
        "acled_hdx_mali_1997_2020",
        "ucdp_ged_v19_1_syria",
        "acled_boko_haram_lake_chad_2009_2019",
    ],
)
def test_round_trip_of_100_rows(name, real_data, loaded_store) -> None:  # noqa: ANN001
    """100 rows drawn at random come back from the store exactly as the file has them."""
    ds = next(d for d in DATASETS if d.name == name)
    path = real_data / ds.file
    raw = _raw_frame(path)
    sample = raw.sample(100, random_state=7)
    file_id = sha256_of(path)
    stored = loaded_store.raw_rows(file_id, [int(i) + 1 for i in sample.index])
    assert len(stored) == 100
    for idx, row in sample.iterrows():
        back = stored[int(idx) + 1]
        assert list(back.values()) == list(row.values), f"row {idx + 1} differs"
        named = {k: v for k, v in back.items() if k}  # pandas renames an empty header to 'Unnamed: 0'
        assert all(row[k] == v for k, v in named.items())


def test_gtd_unknown_day_keeps_its_precision(real_data, loaded_store) -> None:  # noqa: ANN001
    raw = _raw_frame(real_data / "gtd_0718dist_head_1970_1972.csv.gz")
    day0 = raw[(raw["iday"] == "0") & (raw["imonth"] != "0")]
    assert len(day0) > 0
    ev = loaded_store.query(
        "SELECT source_id, date_start, date_end, date_precision FROM events WHERE source = 'gtd' AND source_id IN "
        "(SELECT unnest(?))",
        [day0["eventid"].tolist()],
    )
    assert len(ev) == len(day0)
    assert (ev["date_precision"] == "month").all()
    assert (pd.to_datetime(ev["date_start"]).dt.day == 1).all()
    assert (pd.to_datetime(ev["date_end"]).dt.is_month_end).all()


def test_gtd_perpetrators_are_all_kept(real_data, loaded_store) -> None:  # noqa: ANN001
    raw = _raw_frame(real_data / "gtd_0718dist_sample_2000_2017.csv.gz")
    multi = raw[raw["gname2"].str.strip() != ""]
    assert len(multi) > 0
    for _, row in multi.iterrows():
        names = loaded_store.query(
            "SELECT name, uncertain FROM event_actors WHERE event_id = ? AND role = 'perpetrator' ORDER BY ordinal",
            [f"gtd:{row['eventid']}"],
        )
        expected = [n for n in (row["gname"], row["gname2"], row["gname3"]) if n.strip()]
        assert names["name"].tolist() == expected
        assert names["uncertain"].tolist() == [
            row[f"guncertain{i}"] == "1" for i in range(1, len(expected) + 1)
        ]


def test_acled_and_or_attribution_gives_both_candidates(real_data, loaded_store) -> None:  # noqa: ANN001
    raw = _raw_frame(real_data / "events/acled_hdx_burkina_faso_1997_2020.csv.gz")
    uncertain = raw[raw["actor1"].str.contains(" and/or ")]
    assert len(uncertain) > 10
    row = uncertain.iloc[0]
    names = loaded_store.query(
        "SELECT name, uncertain FROM event_actors WHERE event_id = ? AND role = 'side_a'",
        [f"acled:{row['event_id_cnty']}"],
    )
    assert sorted(names["name"]) == sorted(row["actor1"].split(" and/or "))
    assert names["uncertain"].all()
    attribution = loaded_store.query(
        "SELECT attribution FROM events WHERE event_id = ?", [f"acled:{row['event_id_cnty']}"]
    )["attribution"].item()
    assert attribution == "uncertain"


def test_monadic_rows_become_one_event_with_both_sides(real_data, loaded_store) -> None:  # noqa: ANN001
    raw = _raw_frame(real_data / "events/acled_mali_2017_2020_monadic.csv.gz")
    pairs = raw.groupby("event_id_cnty")["actor1"].agg(list)
    two = pairs[pairs.str.len() == 2].iloc[-1:]
    eid, (first, second) = two.index[0], two.iloc[0]
    roles = loaded_store.query(
        "SELECT role, name FROM event_actors WHERE event_id = ? AND role LIKE 'side%'", [f"acled:{eid}"]
    )
    assert set(map(tuple, roles.values.tolist())) >= {("side_a", first), ("side_b", second)} or set(
        map(tuple, roles.values.tolist())
    ) >= {("side_a", second), ("side_b", first)}


def _names_of_cell(cell: str, separator: str) -> set[tuple[str, bool]]:
    """An ACLED actor cell as its codebook reads it, in Python (an oracle independent of the staging SQL):
    several names separated by ``separator`` (associated actors: '; '), 'A and/or B' both names, each
    uncertain; names trimmed of spaces, empty ones dropped, each once."""
    names = set()
    for piece in cell.split(separator):
        doubtful = " and/or " in piece
        for name in piece.split(" and/or ") if doubtful else [piece]:
            if name.strip(" "):
                names.add((name.strip(" "), doubtful))
    return names


def test_acled_actor_names_of_every_event_follow_its_cells(real_data: Path, tmp_path: Path) -> None:
    """Every loaded event of a real ACLED file has exactly the actor names (role, name, uncertain) its four
    actor cells give, each once: as many names as the cells hold, none lost, none repeated."""
    from spillover.store import Store

    path = real_data / "events/acled_hdx_burkina_faso_1997_2020.csv.gz"
    raw = _raw_frame(path)
    cells = {"side_a": ("actor1", "\x1f"), "assoc_a": ("assoc_actor_1", "; ")}
    cells |= {"side_b": ("actor2", "\x1f"), "assoc_b": ("assoc_actor_2", "; ")}
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(path)
        loaded = set(store.query("SELECT event_id FROM events")["event_id"])
        stored = store.query("SELECT event_id, role, name, uncertain FROM event_actors")
    expected = set()
    for _, row in raw.iterrows():
        event = f"acled:{row['event_id_cnty'].strip(' ')}"
        if event not in loaded:
            continue
        for role, (column, separator) in cells.items():
            cell = row[column].strip(" ")
            expected |= {
                (event, role, name, doubt) for name, doubt in _names_of_cell(cell, separator) if cell
            }
    assert any(doubt for *_, doubt in expected) and any(r == "assoc_b" for _, r, *_ in expected)
    assert len(stored) == len(expected), "an event's names are each stored once"
    assert set(map(tuple, stored.values.tolist())) == expected


def test_a_country_code_that_is_no_iso_code_gives_way_to_the_country_name(loaded_store) -> None:  # noqa: ANN001
    """ACLED's global export of 2020 writes ``ROM`` for Romania, no ISO 3166 code: its events are stored under
    ROU, the name's code, where the country pages and the analyses look (the page of ROM was a 404 and
    Romania's missed them); the raw row keeps what the file says.  On every real file, a country name with an
    ISO code and the stored code agree."""
    from spillover.countries import to_iso3

    codes = loaded_store.query(
        "SELECT source, country, country_iso3, count(*) AS n FROM events WHERE country IS NOT NULL GROUP BY ALL"
    )
    by_name = codes["country"].map(to_iso3(codes["country"]))
    differing = codes[by_name.notna() & (by_name != codes["country_iso3"])]
    assert differing.empty, differing.to_string()
    romania = loaded_store.query(
        "SELECT event_id, country_iso3 FROM events WHERE source = 'acled' AND country = 'Romania'"
    )
    assert len(romania) >= 5 and set(romania["country_iso3"]) == {"ROU"}
    assert loaded_store.raw_row(romania["event_id"].iloc[0])[0]["iso3"] == "ROM"
