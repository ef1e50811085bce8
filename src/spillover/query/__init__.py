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
