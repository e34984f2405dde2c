#!/usr/bin/python3
"""boto3 smoke test of multi-attribute GSI keys against ddblocal.

Usage: /usr/bin/python3 compat/boto3_mgsi.py http://127.0.0.1:PORT

Through Debian's python3-boto3 client: creates a table whose global
secondary index has a key of two partition attributes (S, N) and three sort
attributes (N, S, B), checks that DescribeTable reports the key schema as
sent, writes items (one sparse), queries every allowed shape of key
condition (expression and legacy KeyConditions), checks that a gap in the
sort attributes and a range condition before the last one are rejected,
pages with Limit and ExclusiveStartKey, moves an item to another partition
with UpdateItem, and adds a second such index with UpdateTable (backfill).
Exits non-zero on the first failure.
"""

import sys

from botocore.exceptions import ClientError

import boto3_local
from boto3_local import expect

KEY_SCHEMA = [
    {"AttributeName": "tenant", "KeyType": "HASH"},
    {"AttributeName": "shardNo", "KeyType": "HASH"},
    {"AttributeName": "year", "KeyType": "RANGE"},
    {"AttributeName": "status", "KeyType": "RANGE"},
    {"AttributeName": "tag", "KeyType": "RANGE"},
]


def main(endpoint):
    c = boto3_local.client(endpoint)
    with boto3_local.table(
        c,
        "boto3-mgsi-",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "tenant", "AttributeType": "S"},
            {"AttributeName": "shardNo", "AttributeType": "N"},
            {"AttributeName": "year", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "tag", "AttributeType": "B"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "byTenant", "KeySchema": KEY_SCHEMA, "Projection": {"ProjectionType": "ALL"}},
        ],
        BillingMode="PAY_PER_REQUEST",
    ) as table:
        run(c, table)
    print("boto3 multi-attribute GSI keys: OK")


def expect_error(what, call, code, message_part):
    try:
        call()
    except ClientError as e:
        expect(what + " error code", e.response["Error"]["Code"], code)
        if message_part not in e.response["Error"]["Message"]:
            raise AssertionError("%s: message %r lacks %r" % (what, e.response["Error"]["Message"], message_part))
        return
    raise AssertionError(what + ": succeeded")


def query(c, table, cond, values, index="byTenant", **kw):
    """Every item of a Query, through the paginator; returns the pks."""
    pages = c.get_paginator("query").paginate(
        TableName=table, IndexName=index, KeyConditionExpression=cond, ExpressionAttributeValues=values, **kw
    )
    return [i["pk"]["S"] for p in pages for i in p["Items"]]


# Items: pk, tenant, shardNo, year, status, tag.
ITEMS = [
    ("o1", "acme", 1, 2024, "open", b"\x01"),
    ("o2", "acme", 1, 2024, "open", b"\x02"),
    ("o3", "acme", 1, 2024, "shipped", b"\x01"),
    ("o4", "acme", 1, 2025, "open", b"\x00"),
    ("o5", "acme", 1, 2025, "returned", b"\x05"),
    ("o6", "acme", 2, 2024, "open", b"\x01"),
    ("o7", "globex", 1, 2024, "open", b"\x01"),
]


def run(c, table):
    d = c.describe_table(TableName=table)["Table"]
    expect("DescribeTable KeySchema", d["GlobalSecondaryIndexes"][0]["KeySchema"], KEY_SCHEMA)
    for pk, tenant, shard, year, status, tag in ITEMS:
        c.put_item(
            TableName=table,
            Item={
                "pk": {"S": pk},
                "tenant": {"S": tenant},
                "shardNo": {"N": str(shard)},
                "year": {"N": str(year)},
                "status": {"S": status},
                "tag": {"B": tag},
            },
        )
    # Sparse: no tag, so not in the index.
    c.put_item(TableName=table, Item={"pk": {"S": "o8"}, "tenant": {"S": "acme"}, "shardNo": {"N": "1"}, "year": {"N": "2024"}, "status": {"S": "open"}})

    part = "tenant = :t AND shardNo = :s"
    v = {":t": {"S": "acme"}, ":s": {"N": "1"}}
    shapes = [
        (part, {}, ["o1", "o2", "o3", "o4", "o5"]),
        (part + " AND #y = :y", {":y": {"N": "2024"}}, ["o1", "o2", "o3"]),
        (part + " AND #y > :y", {":y": {"N": "2024"}}, ["o4", "o5"]),
        (part + " AND #y BETWEEN :a AND :b", {":a": {"N": "2023"}, ":b": {"N": "2024"}}, ["o1", "o2", "o3"]),
        (part + " AND #y = :y AND #st = :st", {":y": {"N": "2024"}, ":st": {"S": "open"}}, ["o1", "o2"]),
        (part + " AND #y = :y AND begins_with(#st, :st)", {":y": {"N": "2025"}, ":st": {"S": "re"}}, ["o5"]),
        (part + " AND #y = :y AND #st >= :st", {":y": {"N": "2024"}, ":st": {"S": "p"}}, ["o3"]),
        (part + " AND #y = :y AND #st = :st AND tag = :g", {":y": {"N": "2024"}, ":st": {"S": "open"}, ":g": {"B": b"\x02"}}, ["o2"]),
        (part + " AND #y = :y AND #st = :st AND tag < :g", {":y": {"N": "2024"}, ":st": {"S": "open"}, ":g": {"B": b"\x02"}}, ["o1"]),
    ]
    names = {"#y": "year", "#st": "status"}
    for cond, extra, want in shapes:
        used = {k: n for k, n in names.items() if k in cond}
        kw = {"ExpressionAttributeNames": used} if used else {}
        expect("Query " + cond, query(c, table, cond, dict(v, **extra), **kw), want)
        expect("Query desc " + cond, query(c, table, cond, dict(v, **extra), ScanIndexForward=False, **kw), want[::-1])

    # The legacy KeyConditions.
    got = c.query(
        TableName=table,
        IndexName="byTenant",
        KeyConditions={
            "tenant": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "acme"}]},
            "shardNo": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]},
            "year": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "2024"}]},
            "status": {"ComparisonOperator": "GT", "AttributeValueList": [{"S": "open"}]},
        },
    )
    expect("KeyConditions", [i["pk"]["S"] for i in got["Items"]], ["o3"])

    # Disallowed shapes.
    expect_error(
        "missing partition attribute",
        lambda: c.query(TableName=table, IndexName="byTenant", KeyConditionExpression="tenant = :t", ExpressionAttributeValues={":t": {"S": "acme"}}),
        "ValidationException",
        "Query condition missed key schema element: shardNo",
    )
    expect_error(
        "gap in the sort attributes",
        lambda: c.query(
            TableName=table,
            IndexName="byTenant",
            KeyConditionExpression=part + " AND #st = :st",
            ExpressionAttributeNames={"#st": "status"},
            ExpressionAttributeValues=dict(v, **{":st": {"S": "open"}}),
        ),
        "ValidationException",
        "RANGE key attributes year must have equality conditions specified in the query because a condition is present on key attribute status",
    )
    expect_error(
        "range condition before the last sort attribute",
        lambda: c.query(
            TableName=table,
            IndexName="byTenant",
            KeyConditionExpression=part + " AND #y > :y AND #st = :st",
            ExpressionAttributeNames={"#y": "year", "#st": "status"},
            ExpressionAttributeValues=dict(v, **{":y": {"N": "2023"}, ":st": {"S": "open"}}),
        ),
        "ValidationException",
        "RANGE key attributes year must have equality conditions specified in the query because a condition is present on key attribute status",
    )

    # Paging: LastEvaluatedKey carries the table key and every index key
    # attribute.
    seen, start = [], None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        page = c.query(TableName=table, IndexName="byTenant", KeyConditionExpression=part, ExpressionAttributeValues=v, Limit=2, **kw)
        seen += [i["pk"]["S"] for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
        expect("LastEvaluatedKey attributes", sorted(start), ["pk", "shardNo", "status", "tag", "tenant", "year"])
    expect("paged Query", seen, ["o1", "o2", "o3", "o4", "o5"])

    # Moving an item to another partition of the index.
    c.update_item(TableName=table, Key={"pk": {"S": "o1"}}, UpdateExpression="SET shardNo = :two", ExpressionAttributeValues={":two": {"N": "2"}})
    expect("after the move, shard 1", query(c, table, part, v), ["o2", "o3", "o4", "o5"])
    expect("after the move, shard 2", query(c, table, part, {":t": {"S": "acme"}, ":s": {"N": "2"}}), ["o1", "o6"])

    # UpdateTable adds a second multi-attribute index, backfilled.
    c.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "status", "AttributeType": "S"}, {"AttributeName": "year", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "byStatus",
                    "KeySchema": [
                        {"AttributeName": "status", "KeyType": "HASH"},
                        {"AttributeName": "year", "KeyType": "HASH"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            }
        ],
    )
    c.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1})
    got = sorted(query(c, table, "#st = :st AND #y = :y", {":st": {"S": "open"}, ":y": {"N": "2024"}}, index="byStatus", ExpressionAttributeNames=names))
    expect("backfilled index", got, ["o1", "o2", "o6", "o7", "o8"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
