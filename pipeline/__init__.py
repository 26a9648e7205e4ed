"""Plain, testable logic of hubcensus: the Hub client, parsing, the census and the warehouse.

Nothing here knows of Prefect; `flows/` wires it into flows and tasks.
"""
