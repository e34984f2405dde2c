"""Set-up shared by the boto3 smoke scripts in this directory.

The scripts run as `/usr/bin/python3 compat/boto3_NAME.py URL`, so Python
finds this module beside them.
"""

import contextlib
import uuid

import boto3


def client(endpoint, service="dynamodb"):
    """A boto3 client of service for the local server at endpoint, with
    dummy credentials (any SigV4 credentials are accepted)."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="test",
    )


def table_name(prefix):
    """A table name of prefix that no earlier run used."""
    return prefix + uuid.uuid4().hex[:8]


@contextlib.contextmanager
def table(c, prefix, **create):
    """Creates a table named after prefix with CreateTable's arguments
    create, waits until it exists, yields its name, and deletes it."""
    name = table_name(prefix)
    c.create_table(TableName=name, **create)
    c.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    try:
        yield name
    finally:
        c.delete_table(TableName=name)


def expect(what, got, want):
    """Raises AssertionError naming what unless got equals want."""
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))
