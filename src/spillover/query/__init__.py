"""One query layer, several engines: the store's event filtering and aggregation written once with Ibis.

By default the queries run on the embedded DuckDB store; pass a Spark session (or an Ibis backend, or a
connection string) to :func:`connect` to run the very same expressions on a distributed engine::

    from spillover.query import GroupFilter, connect, country_first_last

    con = connect()                                   # the default store, read-only DuckDB
    aqim = GroupFilter.family("Islamic Maghreb", "AQIM", "GSPC")
    where = country_first_last(con, {"AQIM": aqim})

    con = connect(spark)                              # a SparkSession whose catalogue holds the tables
    same = country_first_last(con, {"AQIM": aqim})    # equal to ``where``

Results are small pandas DataFrames with one documented normalisation (:mod:`spillover.query.normalise`).
"""

from typing import TYPE_CHECKING

from spillover._lazy import function_over_submodule, lazy_attributes

if TYPE_CHECKING:
    from spillover.query.aggregations import (
        actor_names,
        actor_rows,
        admin1_activity,
        aggregate,
        country_activity,
        country_first_last,
        events_for,
        events_in_window,
        group_events,
        matching_names,
        month_of,
        monthly_series,
        monthly_tactics,
        primary_tactic,
        tactic_totals,
        target_profile,
        yearly_activity,
    )
    from spillover.query.engines import (
        connect,
        connect_parquet,
        connect_spark,
        from_store,
        local_spark_session,
        open_engine,
        register_parquet_in_spark,
        spark_session,
    )
    from spillover.query.groups import GroupFilter, Groups, as_group_filters, memberships
    from spillover.query.normalise import normalise

__all__ = [
    "GroupFilter",
    "Groups",
    "actor_names",
    "actor_rows",
    "admin1_activity",
    "aggregate",
    "as_group_filters",
    "connect",
    "connect_parquet",
    "connect_spark",
    "country_activity",
    "country_first_last",
    "events_for",
    "events_in_window",
    "from_store",
    "group_events",
    "local_spark_session",
    "matching_names",
    "memberships",
    "month_of",
    "monthly_series",
    "monthly_tactics",
    "normalise",
    "open_engine",
    "primary_tactic",
    "register_parquet_in_spark",
    "spark_session",
    "tactic_totals",
    "target_profile",
    "yearly_activity",
]

#: where each name lives, imported on first use (PEP 562): a module of the package that needs no Ibis (the
#: web app's events table, :mod:`spillover.query.events_table`) must not load it (~0.4 s)
_LAZY = {
    "actor_names": "spillover.query.aggregations",
    "actor_rows": "spillover.query.aggregations",
    "admin1_activity": "spillover.query.aggregations",
    "aggregate": "spillover.query.aggregations",
    "country_activity": "spillover.query.aggregations",
    "country_first_last": "spillover.query.aggregations",
    "events_for": "spillover.query.aggregations",
    "events_in_window": "spillover.query.aggregations",
    "group_events": "spillover.query.aggregations",
    "matching_names": "spillover.query.aggregations",
    "month_of": "spillover.query.aggregations",
    "monthly_series": "spillover.query.aggregations",
    "monthly_tactics": "spillover.query.aggregations",
    "primary_tactic": "spillover.query.aggregations",
    "tactic_totals": "spillover.query.aggregations",
    "target_profile": "spillover.query.aggregations",
    "yearly_activity": "spillover.query.aggregations",
    "connect": "spillover.query.engines",
    "connect_parquet": "spillover.query.engines",
    "connect_spark": "spillover.query.engines",
    "from_store": "spillover.query.engines",
    "local_spark_session": "spillover.query.engines",
    "open_engine": "spillover.query.engines",
    "register_parquet_in_spark": "spillover.query.engines",
    "spark_session": "spillover.query.engines",
    "GroupFilter": "spillover.query.groups",
    "Groups": "spillover.query.groups",
    "as_group_filters": "spillover.query.groups",
    "memberships": "spillover.query.groups",
    "normalise": "spillover.query.normalise",
}

__getattr__ = lazy_attributes(__name__, _LAZY)

function_over_submodule(__name__, "normalise")  # the function, as it always was
