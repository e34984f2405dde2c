#!/usr/bin/python3
"""boto3 smoke test of DynamoDB Streams against ddblocal.

Usage: /usr/bin/python3 compat/boto3_streams.py http://127.0.0.1:PORT [--expect-rollover]

Writes to a table with a NEW_AND_OLD_IMAGES stream through Debian's
python3-boto3 dynamodb client (put, an unchanged put, update, delete, a
batch, a transaction, and an item that expires by TTL, which ddblocal's
once-a-second sweep deletes), then reads the stream with boto3's
dynamodbstreams client, following shard lineage (parents before children),
and checks every record. With --expect-rollover (ddblocal started with
-stream-shard-size), it also checks that the records spanned several
shards. Exits non-zero on the first failure.
"""

import sys
import time

import boto3_local
from boto3_local import expect


def main(endpoint, expect_rollover):
    c = boto3_local.client(endpoint)
    s = boto3_local.client(endpoint, "dynamodbstreams")
    with boto3_local.table(
        c,
        "boto3-streams-",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    ) as table:
        shards = run(c, s, table)
    if expect_rollover and shards < 2:
        raise AssertionError("records in %d shard(s), want a rollover" % shards)
    print("boto3 streams: OK (%d shards)" % shards)


def item(pk, v=None, **extra):
    it = {"pk": {"S": pk}}
    if v is not None:
        it["v"] = {"N": str(v)}
    it.update(extra)
    return it


def run(c, s, table):
    c.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    c.put_item(TableName=table, Item=item("a", 1))
    c.put_item(TableName=table, Item=item("a", 1))  # unchanged: no record
    c.update_item(
        TableName=table,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = v + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    c.delete_item(TableName=table, Key={"pk": {"S": "a"}})
    c.batch_write_item(RequestItems={table: [
        {"PutRequest": {"Item": item("b", 1)}},
        {"PutRequest": {"Item": item("c", 1)}},
    ]})
    c.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": item("d", 1)}},
        {"Update": {"TableName": table, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET v = :five",
                    "ExpressionAttributeValues": {":five": {"N": "5"}}}},
        {"Delete": {"TableName": table, "Key": {"pk": {"S": "c"}}}},
    ])
    expired = str(int(time.time()) - 60)
    c.put_item(TableName=table, Item=item("e", 1, exp={"N": expired}))
    deadline = time.time() + 15
    while "Item" in c.get_item(TableName=table, Key={"pk": {"S": "e"}}, ConsistentRead=True):
        if time.time() > deadline:
            raise AssertionError("the TTL sweep did not delete the expired item")
        time.sleep(0.2)

    arn = c.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records, shards = read_stream(s, arn)

    def v(img):
        return None if img is None else int(img["v"]["N"])

    got = []
    last_seq = ""
    for r in records:
        d = r["dynamodb"]
        expect("eventSource", r["eventSource"], "aws:dynamodb")
        expect("StreamViewType", d["StreamViewType"], "NEW_AND_OLD_IMAGES")
        if d["SizeBytes"] <= 0:
            raise AssertionError("SizeBytes %r" % d["SizeBytes"])
        seq = d["SequenceNumber"]
        if (len(seq), seq) <= (len(last_seq), last_seq):
            raise AssertionError("sequence number %s after %s" % (seq, last_seq))
        last_seq = seq
        pk = d["Keys"]["pk"]["S"]
        expect("Keys", d["Keys"], {"pk": {"S": pk}})
        by_ttl = r.get("userIdentity") == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
        got.append((r["eventName"], pk, v(d.get("OldImage")), v(d.get("NewImage")), by_ttl))

    # Batch and transaction items need not be recorded in request order:
    # compare those groups as sets.
    groups = [
        [("INSERT", "a", None, 1, False)],
        [("MODIFY", "a", 1, 2, False)],
        [("REMOVE", "a", 2, None, False)],
        [("INSERT", "b", None, 1, False), ("INSERT", "c", None, 1, False)],
        [("INSERT", "d", None, 1, False), ("MODIFY", "b", 1, 5, False), ("REMOVE", "c", 1, None, False)],
        [("INSERT", "e", None, 1, False)],
        [("REMOVE", "e", 1, None, True)],
    ]
    expect("record count", len(got), sum(len(g) for g in groups))
    i = 0
    for g in groups:
        expect("records %d..%d" % (i, i + len(g)), sorted(got[i:i + len(g)]), sorted(g))
        i += len(g)
    return shards


def read_stream(s, arn):
    """Reads every record of the stream, parents' shards before children's."""
    shards, start = [], None
    while True:
        kw = {"StreamArn": arn}
        if start:
            kw["ExclusiveStartShardId"] = start
        d = s.describe_stream(**kw)["StreamDescription"]
        expect("StreamStatus", d["StreamStatus"], "ENABLED")
        shards += d["Shards"]
        start = d.get("LastEvaluatedShardId")
        if not start:
            break
    ids = {sh["ShardId"] for sh in shards}
    done, records = set(), []
    while len(done) < len(shards):
        ready = [sh for sh in shards if sh["ShardId"] not in done
                 and (sh.get("ParentShardId") not in ids or sh["ParentShardId"] in done)]
        if not ready:
            raise AssertionError("shard lineage has a cycle: %r" % shards)
        for sh in sorted(ready, key=lambda sh: sh["ShardId"]):
            records += read_shard(s, arn, sh)
            done.add(sh["ShardId"])
    return records, len(shards)


def read_shard(s, arn, sh):
    it = s.get_shard_iterator(StreamArn=arn, ShardId=sh["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    closed = "EndingSequenceNumber" in sh["SequenceNumberRange"]
    records = []
    while it:
        out = s.get_records(ShardIterator=it, Limit=2)
        records += out["Records"]
        it = out.get("NextShardIterator")
        if not out["Records"] and not closed:
            break  # an open shard read to its current end
    return records


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["--expect-rollover"]):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:] == ["--expect-rollover"])
