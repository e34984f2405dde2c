#!/usr/bin/python3
"""boto3 smoke test of DynamoDB's legacy (pre-expression) API against ddblocal.

Usage: /usr/bin/python3 compat/boto3_legacy.py http://127.0.0.1:PORT

Runs, through Debian's python3-boto3 client, PutItem with Expected, GetItem
with AttributesToGet, Query with KeyConditions and QueryFilter, Scan with
ScanFilter and UpdateItem with AttributeUpdates, and checks every answer.
Exits non-zero on the first failure.
"""

import sys

from botocore.exceptions import ClientError

import boto3_local
from boto3_local import expect


def main(endpoint):
    c = boto3_local.client(endpoint)
    with boto3_local.table(
        c,
        "boto3-legacy-",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    ) as table:
        run(c, table)
    print("boto3 legacy API: OK")


def run(c, table):
    # PutItem with Expected: create only when absent.
    for i in range(1, 6):
        c.put_item(
            TableName=table,
            Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"N": str(i * 10)}, "tag": {"S": "odd" if i % 2 else "even"}},
            Expected={"pk": {"Exists": False}},
        )
    try:
        c.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": "1"}}, Expected={"pk": {"Exists": False}})
        raise AssertionError("PutItem with Expected Exists=false on an existing item succeeded")
    except ClientError as e:
        expect("PutItem Expected error", e.response["Error"]["Code"], "ConditionalCheckFailedException")
    c.put_item(
        TableName=table,
        Item={"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"N": "11"}, "tag": {"S": "odd"}},
        Expected={"v": {"ComparisonOperator": "LE", "AttributeValueList": [{"N": "10"}]}},
    )

    # GetItem with AttributesToGet.
    got = c.get_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"N": "1"}}, AttributesToGet=["v", "nosuch"])
    expect("GetItem AttributesToGet", got["Item"], {"v": {"N": "11"}})

    # Query with KeyConditions and QueryFilter.
    got = c.query(
        TableName=table,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "4"}]},
        },
        QueryFilter={"tag": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}},
        AttributesToGet=["sk"],
        ScanIndexForward=False,
    )
    expect("Query items", got["Items"], [{"sk": {"N": "3"}}, {"sk": {"N": "1"}}])
    expect("Query ScannedCount", got["ScannedCount"], 4)

    # Scan with ScanFilter and ConditionalOperator OR.
    got = c.scan(
        TableName=table,
        ScanFilter={
            "v": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "50"}]},
            "sk": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "2"}]},
        },
        ConditionalOperator="OR",
        AttributesToGet=["sk"],
    )
    expect("Scan items", sorted(int(i["sk"]["N"]) for i in got["Items"]), [2, 5])

    # UpdateItem with AttributeUpdates: PUT, ADD (number, set), DELETE.
    got = c.update_item(
        TableName=table,
        Key={"pk": {"S": "p"}, "sk": {"N": "2"}},
        AttributeUpdates={
            "v": {"Action": "ADD", "Value": {"N": "5"}},
            "tags": {"Action": "ADD", "Value": {"SS": ["a", "b"]}},
            "note": {"Action": "PUT", "Value": {"S": "hi"}},
            "tag": {"Action": "DELETE"},
        },
        Expected={"v": {"Value": {"N": "20"}}},
        ReturnValues="ALL_NEW",
    )
    item = got["Attributes"]
    expect("UpdateItem v", item["v"], {"N": "25"})
    expect("UpdateItem tags", sorted(item["tags"]["SS"]), ["a", "b"])
    expect("UpdateItem note", item["note"], {"S": "hi"})
    expect("UpdateItem removed tag", "tag" in item, False)
    try:
        c.update_item(
            TableName=table,
            Key={"pk": {"S": "p"}, "sk": {"N": "2"}},
            AttributeUpdates={"v": {"Action": "ADD", "Value": {"N": "1"}}},
            Expected={"v": {"Value": {"N": "20"}}},
        )
        raise AssertionError("UpdateItem with a failing Expected succeeded")
    except ClientError as e:
        expect("UpdateItem Expected error", e.response["Error"]["Code"], "ConditionalCheckFailedException")

    # Mixing legacy and expression parameters is rejected, except
    # KeyConditions with FilterExpression/ProjectionExpression.
    try:
        c.get_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"N": "1"}}, AttributesToGet=["v"], ProjectionExpression="v")
        raise AssertionError("GetItem mixing AttributesToGet and ProjectionExpression succeeded")
    except ClientError as e:
        expect("mixing error", e.response["Error"]["Code"], "ValidationException")
    got = c.query(
        TableName=table,
        KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}},
        FilterExpression="v > :v",
        ProjectionExpression="sk",
        ExpressionAttributeValues={":v": {"N": "30"}},
    )
    expect("KeyConditions with FilterExpression", [i["sk"]["N"] for i in got["Items"]], ["4", "5"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
