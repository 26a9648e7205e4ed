"""The warehouse has one writer at a time: a Prefect global concurrency limit of 1."""

from contextlib import contextmanager

from prefect import get_client
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists

WAREHOUSE_WRITER = "hubcensus-warehouse-writer"


@contextmanager
def warehouse_writer():
    """Hold the warehouse's only writer slot: a daily run and a backfill queue for it, on
    whatever Prefect server (or embedded one) runs them."""
    with get_client(sync_client=True) as client:
        try:
            client.upsert_global_concurrency_limit_by_name(WAREHOUSE_WRITER, 1)
        except ObjectAlreadyExists:  # another flow created it a moment ago
            pass
    with concurrency(WAREHOUSE_WRITER, occupy=1, strict=True):
        yield
