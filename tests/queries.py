"""What the query-count pins count."""


def reads(captured) -> list[dict]:
    """The captured queries that read or write data: not the statements that
    set a session's planner settings for one query (SET, RESET: the CSV
    export on PostgreSQL, departures/exports.py)."""
    return [
        query
        for query in captured
        if not query["sql"].lstrip().upper().startswith(("SET ", "RESET "))
    ]
