// JS SDK v3 smoke suite against ddblocal: @aws-sdk/client-dynamodb,
// @aws-sdk/lib-dynamodb and @aws-sdk/client-dynamodb-streams, unmodified
// (default retry strategy, no middleware), on one table with a GSI, a
// multi-attribute GSI (4 HASH + 4 RANGE attributes) and a stream. The tests
// run in order; each writes its own partitions of the table.
//
// Run: DDBLOCAL_URL=http://127.0.0.1:PORT node --test sdk.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";

import {
  DeleteTableCommand,
  DescribeLimitsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTagsOfResourceCommand,
  QueryCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateTableCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  BatchExecuteStatementCommand,
  NumberValue,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetCommand,
  PutCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
  paginateScan,
  paginatedBatchGet,
} from "@aws-sdk/lib-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from "@aws-sdk/client-dynamodb-streams";

import { attributeDefinitions, clientConfig, createTable, endpoint, keySchema, tableName } from "./env.mjs";

const client = new DynamoDBClient(clientConfig);
const doc = DynamoDBDocumentClient.from(client, {
  marshallOptions: { removeUndefinedValues: true },
});
const streams = new DynamoDBStreamsClient(clientConfig);
const table = tableName("js-sdk");

// The multi-attribute GSI: four partition and four sort attributes, each
// compared by its own type.
const mgsiKeySchema = keySchema(["tenant", "region", "shard", "kind"], ["year", "month", "status", "tag"]);

before(async () => {
  await createTable(client, {
    TableName: table,
    AttributeDefinitions: attributeDefinitions({ pk: "S", sk: "S", status: "S", n: "N", tenant: "S", region: "S", shard: "N", kind: "S", year: "N", month: "N", tag: "B" }),
    KeySchema: keySchema(["pk"], ["sk"]),
    GlobalSecondaryIndexes: [
      { IndexName: "byStatus", KeySchema: keySchema(["status"], ["n"]), Projection: { ProjectionType: "KEYS_ONLY" } },
      { IndexName: "byTenant", KeySchema: mgsiKeySchema, Projection: { ProjectionType: "ALL" } },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    Tags: [{ Key: "suite", Value: "js-sdk" }],
  });
});

after(async () => {
  await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
  streams.destroy();
});

// expectError runs fn and checks the SDK error's name, HTTP status and
// that its message contains message.
async function expectError(fn, name, message) {
  const err = await fn().then(
    () => assert.fail(`succeeded, want ${name}`),
    (e) => e,
  );
  assert.equal(err.name, name, `error ${err.name}: ${err.message}`);
  assert.equal(err.$fault, "client");
  assert.equal(err.$metadata.httpStatusCode, 400);
  if (message !== undefined) assert.ok(err.message.includes(message), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(message)}`);
  return err;
}

test("DescribeTable reports the indexes, the stream and the multi-attribute key schema as sent", async () => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  assert.equal(Table.TableStatus, "ACTIVE");
  assert.deepEqual(Table.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
  assert.match(Table.LatestStreamArn, new RegExp(`:table/${table}/stream/`));
  const gsis = Object.fromEntries(Table.GlobalSecondaryIndexes.map((g) => [g.IndexName, g]));
  assert.deepEqual(gsis.byTenant.KeySchema, mgsiKeySchema);
  assert.equal(gsis.byTenant.IndexStatus, "ACTIVE");
  assert.equal(gsis.byStatus.Projection.ProjectionType, "KEYS_ONLY");
});

// DynamoDB reports a warm throughput for every table and index (developer
// guide, "Check your DynamoDB table's current warm throughput").
test("DescribeTable reports the warm throughput of the table and its indexes", async () => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  for (const wt of [Table.WarmThroughput, ...Table.GlobalSecondaryIndexes.map((g) => g.WarmThroughput)]) {
    assert.equal(wt?.Status, "ACTIVE");
    assert.ok(wt.ReadUnitsPerSecond > 0 && wt.WriteUnitsPerSecond > 0);
  }
});

test("DocumentClient put/get/update/delete with conditions", async () => {
  const key = { pk: "doc#1", sk: "a" };
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { ...key, name: "first", count: 1, tags: new Set(["x"]), nested: { list: [1, "two", null, true] }, gone: undefined },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  // A second put with the same condition fails and returns the old item.
  const err = await expectError(
    () =>
      doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...key, name: "second" },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    "ConditionalCheckFailedException",
    "The conditional request failed",
  );
  // The document client does not unmarshall the error's Item.
  assert.deepEqual(err.Item.name, { S: "first" });
  assert.deepEqual(err.Item.count, { N: "1" });

  const got = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  assert.deepEqual(got.Item, { ...key, name: "first", count: 1, tags: new Set(["x"]), nested: { list: [1, "two", null, true] } });

  const proj = await doc.send(
    new GetCommand({ TableName: table, Key: key, ProjectionExpression: "#n, nested.#l[1]", ExpressionAttributeNames: { "#n": "name", "#l": "list" } }),
  );
  assert.deepEqual(proj.Item, { name: "first", nested: { list: ["two"] } });

  const upd = await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: "SET #n = :n, nested.#l[0] = :one ADD #c :inc, tags :t REMOVE gone",
      ConditionExpression: "#c = :expect AND contains(tags, :x)",
      ExpressionAttributeNames: { "#n": "name", "#c": "count", "#l": "list" },
      ExpressionAttributeValues: { ":n": "updated", ":one": 10, ":inc": 2, ":t": new Set(["y"]), ":expect": 1, ":x": "x" },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  assert.deepEqual(upd.Attributes, { name: "updated", count: 3, tags: new Set(["x", "y"]), nested: { list: [10] } });

  const updErr = await expectError(
    () =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: "SET #n = :n",
          ConditionExpression: "#c > :big",
          ExpressionAttributeNames: { "#n": "name", "#c": "count" },
          ExpressionAttributeValues: { ":n": "never", ":big": 100 },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    "ConditionalCheckFailedException",
  );
  assert.deepEqual(updErr.Item.name, { S: "updated" });

  await expectError(
    () => doc.send(new DeleteCommand({ TableName: table, Key: key, ConditionExpression: "attribute_not_exists(#n)", ExpressionAttributeNames: { "#n": "name" } })),
    "ConditionalCheckFailedException",
  );
  const del = await doc.send(
    new DeleteCommand({ TableName: table, Key: key, ConditionExpression: "#n = :n", ExpressionAttributeNames: { "#n": "name" }, ExpressionAttributeValues: { ":n": "updated" }, ReturnValues: "ALL_OLD" }),
  );
  assert.equal(del.Attributes.count, 3);
  const none = await doc.send(new GetCommand({ TableName: table, Key: key }));
  assert.equal(none.Item, undefined);

  // Types the document client maps: empty strings, binary sets, numbers
  // beyond JavaScript's precision (NumberValue), maps and lists.
  const big = NumberValue.from("12345678901234567890123456789012345678");
  const typed = { pk: "doc#3", sk: "a", empty: "", bins: new Set([Uint8Array.of(1), Uint8Array.of(2, 3)]), big, tiny: NumberValue.from("-1E-130"), m: { l: [[], {}] } };
  await doc.send(new PutCommand({ TableName: table, Item: typed }));
  const back = await doc.send(new GetCommand({ TableName: table, Key: { pk: "doc#3", sk: "a" } }));
  // A document client of its own: document clients share their client's
  // configuration.
  const wrapped = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), { unmarshallOptions: { wrapNumbers: true } });
  const exact = await wrapped.send(new GetCommand({ TableName: table, Key: { pk: "doc#3", sk: "a" } }));
  wrapped.destroy();
  assert.equal(back.Item.empty, "");
  assert.deepEqual([...back.Item.bins].map((b) => [...b]).sort(), [[1], [2, 3]]);
  assert.equal(exact.Item.big.toString(), "12345678901234567890123456789012345678");
  assert.equal(Number(exact.Item.tiny.toString()), -1e-130); // canonical text: plain decimal notation
  assert.deepEqual(back.Item.m, { l: [[], {}] });
  await expectError(
    () => doc.send(new PutCommand({ TableName: table, Item: { pk: "doc#3", sk: "b", n: NumberValue.from("1E+126") } })),
    "ValidationException",
    "Number overflow",
  );

  // A write to the table and both indexes: 1 unit each (on-demand, < 1 KB).
  const cc = await doc.send(
    new PutCommand({
      TableName: table,
      Item: { pk: "doc#2", sk: "a", status: "cc", n: 1, tenant: "t", region: "r", shard: 1, kind: "k", year: 1, month: 1, tag: Uint8Array.of(1) },
      ReturnConsumedCapacity: "INDEXES",
    }),
  );
  assert.deepEqual(cc.ConsumedCapacity, {
    TableName: table,
    CapacityUnits: 3,
    Table: { CapacityUnits: 1 },
    GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 1 }, byTenant: { CapacityUnits: 1 } },
  });
});

test("Query and Scan with paginators, on the table, a GSI and the multi-attribute GSI", async () => {
  const items = [];
  for (let i = 0; i < 7; i++) {
    items.push({
      pk: "q#1",
      sk: `s${i}`,
      status: i % 2 ? "odd" : "even",
      n: i,
      tenant: "acme",
      region: "eu",
      shard: 1,
      kind: "order",
      year: 2024 + (i % 2),
      month: 12 - i,
      tag: Uint8Array.of(i),
    });
  }
  await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }));

  const pages = [];
  for await (const page of paginateQuery(
    { client: doc, pageSize: 3 },
    { TableName: table, KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b", ExpressionAttributeValues: { ":p": "q#1", ":a": "s1", ":b": "s6" }, ScanIndexForward: false },
  )) {
    pages.push(page.Items.map((it) => it.sk));
  }
  assert.deepEqual(pages, [["s6", "s5", "s4"], ["s3", "s2", "s1"], []]);

  const odd = [];
  for await (const page of paginateQuery(
    { client: doc, pageSize: 1 },
    { TableName: table, IndexName: "byStatus", KeyConditionExpression: "#s = :s AND n >= :n", ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":s": "odd", ":n": 3 } },
  )) {
    odd.push(...page.Items);
  }
  assert.deepEqual(odd, [
    { pk: "q#1", sk: "s3", status: "odd", n: 3 },
    { pk: "q#1", sk: "s5", status: "odd", n: 5 },
  ]);

  // Every partition attribute with =, the leading sort attributes with =
  // and a range condition on the next one; items in sort-attribute order.
  const mgsi = [];
  let mgsiPages = 0;
  for await (const page of paginateQuery(
    { client: doc, pageSize: 2 },
    {
      TableName: table,
      IndexName: "byTenant",
      KeyConditionExpression: "tenant = :t AND #r = :r AND #sh = :sh AND kind = :k AND #y = :y AND #m < :m",
      ExpressionAttributeNames: { "#r": "region", "#sh": "shard", "#y": "year", "#m": "month" },
      ExpressionAttributeValues: { ":t": "acme", ":r": "eu", ":sh": 1, ":k": "order", ":y": 2024, ":m": 12 },
    },
  )) {
    mgsiPages++;
    if (page.LastEvaluatedKey) {
      assert.deepEqual(Object.keys(page.LastEvaluatedKey).sort(), ["kind", "month", "pk", "region", "shard", "sk", "status", "tag", "tenant", "year"]);
    }
    mgsi.push(...page.Items.map((it) => it.sk));
  }
  assert.deepEqual(mgsi, ["s6", "s4", "s2"]); // months 6, 8, 10
  assert.equal(mgsiPages, 2);

  // A gap in the sort attributes is refused.
  await expectError(
    () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: "byTenant",
          KeyConditionExpression: "tenant = :t AND #r = :r AND #sh = :sh AND kind = :k AND #m = :m",
          ExpressionAttributeNames: { "#r": "region", "#sh": "shard", "#m": "month" },
          ExpressionAttributeValues: { ":t": { S: "acme" }, ":r": { S: "eu" }, ":sh": { N: "1" }, ":k": { S: "order" }, ":m": { N: "6" } },
        }),
      ),
    "ValidationException",
  );

  // PartiQL on the multi-attribute index: a Query (equality on every
  // partition attribute), ORDER BY the first sort attribute, paged by Limit.
  const ql = [];
  let NextToken;
  do {
    const out = await doc.send(
      new ExecuteStatementCommand({
        Statement: `SELECT sk FROM "${table}"."byTenant" WHERE tenant = ? AND "region" = ? AND "shard" = ? AND kind = ? AND "year" = ? ORDER BY "year" DESC`,
        Parameters: ["acme", "eu", 1, "order", 2025],
        Limit: 2,
        NextToken,
      }),
    );
    ql.push(...out.Items.map((it) => it.sk));
    NextToken = out.NextToken;
  } while (NextToken);
  // Year 2025 holds s1, s3, s5 (months 11, 9, 7): DESC reverses the
  // index order (year, month, ...), so month 11 comes first.
  assert.deepEqual(ql, ["s1", "s3", "s5"]);

  let scanned = 0;
  let scanPages = 0;
  for await (const page of paginateScan(
    { client: doc, pageSize: 2 },
    { TableName: table, FilterExpression: "pk = :p", ExpressionAttributeValues: { ":p": "q#1" }, ConsistentRead: true },
  )) {
    scanPages++;
    scanned += page.Count;
  }
  assert.equal(scanned, 7);
  assert.ok(scanPages >= 4, `scan pages ${scanPages}`);

  // A parallel scan of the multi-attribute index covers each item once.
  const seen = [];
  for (let segment = 0; segment < 3; segment++) {
    for await (const page of paginateScan({ client: doc }, { TableName: table, IndexName: "byTenant", Segment: segment, TotalSegments: 3 })) {
      seen.push(...page.Items.filter((it) => it.pk === "q#1").map((it) => it.sk));
    }
  }
  assert.deepEqual(seen.sort(), items.map((it) => it.sk));
});

test("BatchWrite and BatchGet", async () => {
  const keys = Array.from({ length: 30 }, (_, i) => ({ pk: "batch#1", sk: String(i).padStart(3, "0") }));
  for (let i = 0; i < keys.length; i += 25) {
    const out = await doc.send(
      new BatchWriteCommand({ RequestItems: { [table]: keys.slice(i, i + 25).map((k) => ({ PutRequest: { Item: { ...k, v: k.sk } } })) } }),
    );
    assert.deepEqual(out.UnprocessedItems, {});
  }
  await expectError(
    () => doc.send(new BatchWriteCommand({ RequestItems: { [table]: keys.slice(0, 26).map((Key) => ({ DeleteRequest: { Key } })) } })),
    "ValidationException",
    "Member must have length less than or equal to 25",
  );
  const got = [];
  for await (const page of paginatedBatchGet({ client: doc }, { RequestItems: { [table]: { Keys: [...keys, { pk: "batch#1", sk: "missing" }], ProjectionExpression: "sk, v" } } })) {
    got.push(...(page.Responses[table] ?? []));
  }
  assert.deepEqual(got.map((it) => it.v).sort(), keys.map((k) => k.sk));
  await expectError(
    () => doc.send(new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: keys[0] } }, { DeleteRequest: { Key: keys[0] } }] } })),
    "ValidationException",
    "Provided list of item keys contains duplicates",
  );
});

test("TransactWrite with ClientRequestToken replay, TransactGet and cancellation reasons", async () => {
  const a = { pk: "tx#1", sk: "a" };
  const b = { pk: "tx#1", sk: "b" };
  await doc.send(new PutCommand({ TableName: table, Item: { ...b, n: 1 } }));
  const input = {
    ClientRequestToken: `token-${table}`,
    TransactItems: [
      { Put: { TableName: table, Item: { ...a, v: "new" }, ConditionExpression: "attribute_not_exists(pk)" } },
      { Update: { TableName: table, Key: b, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": 1 } } },
    ],
  };
  await doc.send(new TransactWriteCommand(input));
  // The same token and request within 10 minutes: success, applied once.
  await doc.send(new TransactWriteCommand(input));
  const tg = await doc.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: table, Key: a } }, { Get: { TableName: table, Key: b } }] }));
  assert.deepEqual(
    tg.Responses.map((r) => r.Item),
    [
      { ...a, v: "new" },
      { ...b, n: 2 },
    ],
  );
  // The same token with another request.
  await expectError(
    () => doc.send(new TransactWriteCommand({ ...input, TransactItems: input.TransactItems.slice(1) })),
    "IdempotentParameterMismatchException",
  );

  const err = await expectError(
    () =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: table, Key: b, ConditionExpression: "n = :n", ExpressionAttributeValues: { ":n": 99 }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
            { Delete: { TableName: table, Key: a } },
          ],
        }),
      ),
    "TransactionCanceledException",
    "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]",
  );
  assert.deepEqual(
    err.CancellationReasons.map((r) => r.Code),
    ["ConditionalCheckFailed", "None"],
  );
  assert.deepEqual(err.CancellationReasons[0].Item.n, { N: "2" });
});

test("PartiQL ExecuteStatement", async () => {
  await doc.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'n': ?}`, Parameters: ["ql#1", "a", 1] }));
  await expectError(
    () => doc.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?}`, Parameters: ["ql#1", "a"] })),
    "DuplicateItemException",
  );
  await doc.send(new ExecuteStatementCommand({ Statement: `UPDATE "${table}" SET n = n + ? SET extra = ? WHERE pk = ? AND sk = ?`, Parameters: [4, "x", "ql#1", "a"] }));
  const sel = await doc.send(new ExecuteStatementCommand({ Statement: `SELECT n, extra FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["ql#1", "a"] }));
  assert.deepEqual(sel.Items, [{ n: 5, extra: "x" }]);
  await expectError(
    () => doc.send(new ExecuteStatementCommand({ Statement: `DELETE FROM "${table}" WHERE pk = ? AND sk = ? AND n = ?`, Parameters: ["ql#1", "a", 1] })),
    "ConditionalCheckFailedException",
  );
  await doc.send(new ExecuteStatementCommand({ Statement: `DELETE FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["ql#1", "a"] }));
  const after = await doc.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${table}" WHERE pk = ?`, Parameters: ["ql#1"] }));
  assert.deepEqual(after.Items, []);
  await expectError(() => doc.send(new ExecuteStatementCommand({ Statement: `SELEC * FROM "${table}"` })), "ValidationException");

  const tx = {
    ClientRequestToken: `ql-${table}`,
    TransactStatements: [
      { Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'n': ?}`, Parameters: ["ql#2", "a", 1] },
      { Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'n': ?}`, Parameters: ["ql#2", "b", 2] },
    ],
  };
  await doc.send(new ExecuteTransactionCommand(tx));
  await doc.send(new ExecuteTransactionCommand(tx)); // replayed: not applied again
  const batch = await doc.send(
    new BatchExecuteStatementCommand({
      Statements: [
        { Statement: `SELECT n FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["ql#2", "a"] },
        { Statement: `SELECT n FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["ql#2", "b"], ConsistentRead: true },
        { Statement: `SELECT n FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["ql#2", "c"] },
      ],
    }),
  );
  assert.deepEqual(
    batch.Responses.map((r) => r.Item),
    [{ n: 1 }, { n: 2 }, undefined],
  );
  const txErr = await expectError(
    () =>
      doc.send(
        new ExecuteTransactionCommand({
          TransactStatements: [{ Statement: `UPDATE "${table}" SET n = 5 WHERE pk = ? AND sk = ? AND n = ?`, Parameters: ["ql#2", "a", 9], ReturnValuesOnConditionCheckFailure: "ALL_OLD" }],
        }),
      ),
    "TransactionCanceledException",
  );
  assert.equal(txErr.CancellationReasons[0].Code, "ConditionalCheckFailed");
  assert.deepEqual(txErr.CancellationReasons[0].Item?.n, { N: "1" });
});

test("TagResource, ListTagsOfResource, UntagResource", async () => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  const arn = Table.TableArn;
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "team", Value: "compat" }, { Key: "suite", Value: "js-sdk-2" }] }));
  let tags = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  assert.deepEqual(
    tags.Tags.sort((x, y) => x.Key.localeCompare(y.Key)),
    [
      { Key: "suite", Value: "js-sdk-2" },
      { Key: "team", Value: "compat" },
    ],
  );
  await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["team"] }));
  tags = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  assert.deepEqual(tags.Tags, [{ Key: "suite", Value: "js-sdk-2" }]);
  await expectError(
    () => client.send(new ListTagsOfResourceCommand({ ResourceArn: arn.replace(table, `${table}-missing`) })),
    "ResourceNotFoundException",
  );
});

test("error names and messages", async () => {
  await expectError(
    () => client.send(new GetItemCommand({ TableName: `${table}-missing`, Key: { pk: { S: "x" }, sk: { S: "y" } } })),
    "ResourceNotFoundException",
    "Requested resource not found",
  );
  await expectError(
    () => client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "x" } } })),
    "ValidationException",
    "The provided key element does not match the schema",
  );
  await expectError(
    () => doc.send(new UpdateCommand({ TableName: table, Key: { pk: "x", sk: "y" }, UpdateExpression: "SET a = :v" })),
    "ValidationException",
    "An expression attribute value used in expression is not defined; attribute value: :v",
  );
  await expectError(
    () => doc.send(new PutCommand({ TableName: table, Item: { pk: "x", sk: "y", status: 7 } })),
    "ValidationException",
    "One or more parameter values were invalid: Type mismatch for Index Key status Expected: S Actual: N IndexName: byStatus",
  );
  await expectError(() => client.send(new DescribeTableCommand({ TableName: "a" })), "ValidationException", "TableName");
});

// readStream reads every record of the stream: every shard, parents before
// children (paging DescribeStream), each from TRIM_HORIZON to its end: a
// closed shard ends without NextShardIterator, an open one answers no
// records at its end.
async function readStream(StreamArn) {
  const shards = [];
  let status;
  let start;
  do {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn, ExclusiveStartShardId: start, Limit: 1 }));
    assert.equal(StreamDescription.StreamViewType, "NEW_AND_OLD_IMAGES");
    assert.equal(StreamDescription.TableName, table);
    status = StreamDescription.StreamStatus;
    shards.push(...StreamDescription.Shards);
    start = StreamDescription.LastEvaluatedShardId;
  } while (start);
  const ordered = [];
  const visit = (s) => {
    if (ordered.includes(s)) return;
    const parent = shards.find((p) => p.ShardId === s.ParentShardId);
    if (parent) visit(parent);
    ordered.push(s);
  };
  shards.forEach(visit);

  const records = [];
  for (const shard of ordered) {
    let { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
    while (ShardIterator) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 5 }));
      records.push(...out.Records);
      if (out.Records.length === 0 && shard.SequenceNumberRange.EndingSequenceNumber === undefined) break;
      ShardIterator = out.NextShardIterator;
    }
  }
  return { status, shards, records };
}

test("the streams client reads the table's changes, following shards", async () => {
  const key = { pk: "stream#1", sk: "a" };
  await doc.send(new PutCommand({ TableName: table, Item: { ...key, v: 1 } }));
  await doc.send(new UpdateCommand({ TableName: table, Key: key, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": 2 } }));
  await doc.send(new DeleteCommand({ TableName: table, Key: key }));

  const listed = await streams.send(new ListStreamsCommand({ TableName: table }));
  assert.equal(listed.Streams.length, 1);
  const { StreamArn } = listed.Streams[0];

  const { status, shards, records } = await readStream(StreamArn);
  assert.equal(status, "ENABLED");
  assert.ok(shards.length >= 1);
  const mine = records.filter((r) => r.dynamodb.Keys.pk.S === key.pk);
  assert.deepEqual(
    mine.map((r) => r.eventName),
    ["INSERT", "MODIFY", "REMOVE"],
  );
  assert.deepEqual(mine[1].dynamodb.OldImage.v, { N: "1" });
  assert.deepEqual(mine[1].dynamodb.NewImage.v, { N: "2" });
  assert.equal(mine[2].dynamodb.NewImage, undefined);
  assert.equal(mine[0].eventSource, "aws:dynamodb");
  assert.equal(mine[0].awsRegion, "us-east-1");
  assert.equal(mine[0].dynamodb.StreamViewType, "NEW_AND_OLD_IMAGES");
  const seqs = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
  assert.deepEqual(seqs, [...seqs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  assert.ok(mine.every((r) => r.dynamodb.ApproximateCreationDateTime instanceof Date));

  // Disabling the stream closes its shards; they are read to their end.
  await client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
  const closed = await readStream(StreamArn);
  assert.ok(["DISABLING", "DISABLED"].includes(closed.status), closed.status);
  assert.ok(closed.shards.every((s) => s.SequenceNumberRange.EndingSequenceNumber !== undefined));
  assert.deepEqual(
    closed.records.map((r) => r.dynamodb.SequenceNumber),
    records.map((r) => r.dynamodb.SequenceNumber),
  );
});

// setFaults replaces ddblocal's fault spec (served by -faults-admin); it
// answers false when the server does not serve it.
async function setFaults(spec) {
  const res = await fetch(new URL("/ddblocal/faults", endpoint), { method: "POST", body: spec });
  if (res.status === 404) return false;
  assert.equal(res.status, 200, await res.text());
  return true;
}

test("the SDK's retries of throttling and 5xx answers, and X-Amz-Crc32 of every answer", async (t) => {
  // A client of its own, recording each HTTP answer's X-Amz-Crc32 header
  // and the CRC32 of its body (the JS SDK v3 does not check the header).
  const probed = new DynamoDBClient(clientConfig);
  const crcs = [];
  probed.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const chunks = [];
      for await (const c of out.response.body) chunks.push(c);
      const body = Buffer.concat(chunks);
      crcs.push({ header: out.response.headers["x-amz-crc32"], body: String(crc32(body)), status: out.response.statusCode });
      out.response.body = Readable.from([body]);
      return out;
    },
    { step: "deserialize", priority: "low", name: "crc32Probe" },
  );
  t.after(() => probed.destroy());
  await probed.send(new DescribeTableCommand({ TableName: table }));
  await probed.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "missing" }, sk: { S: "x" } } }));
  await expectError(() => probed.send(new DescribeTableCommand({ TableName: `${table}-missing` })), "ResourceNotFoundException");
  assert.equal(crcs.length, 3);
  for (const c of crcs) assert.equal(c.header, c.body, `X-Amz-Crc32 of a ${c.status} answer`);

  if (!(await setFaults("throttle=1,ops=DescribeLimits"))) {
    t.skip("ddblocal was started without -faults-admin");
    return;
  }
  t.after(() => setFaults(""));
  // Every attempt throttled: the SDK tries its default number of times
  // (4 for DynamoDB in this SDK version).
  const err = await expectError(() => client.send(new DescribeLimitsCommand({})), "ProvisionedThroughputExceededException");
  assert.equal(err.$metadata.attempts, await client.config.maxAttempts());

  // 30% of the attempts answer HTTP 500: the SDK retries them, and a call
  // fails only when all its attempts did.
  assert.ok(await setFaults("internal=0.3,ops=DescribeLimits"));
  const maxAttempts = await client.config.maxAttempts();
  let retried = 0;
  for (let i = 0; i < 30; i++) {
    const out = await client.send(new DescribeLimitsCommand({})).catch((e) => e);
    if (out instanceof Error) {
      assert.equal(out.name, "InternalServerError");
      assert.equal(out.$metadata.attempts, maxAttempts);
      continue;
    }
    assert.equal(out.TableMaxReadCapacityUnits, 40000);
    if (out.$metadata.attempts > 1) retried++;
  }
  assert.ok(retried > 0, "no call succeeded after a retry");
});
