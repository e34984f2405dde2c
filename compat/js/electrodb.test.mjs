// ElectroDB smoke suite against ddblocal: two entities and a service with a
// collection over one table (pk/sk + gsi1pk/gsi1sk template keys), the
// write and read methods, begins_with/between queries, pagination cursors,
// a service transaction, and an index of ElectroDB's "composite" type
// (a DynamoDB multi-attribute GSI key: its composite attributes are the
// index's own HASH and RANGE attributes, with no template key).
//
// Run: DDBLOCAL_URL=http://127.0.0.1:PORT node --test electrodb.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Entity, Service } from "electrodb";

import { attributeDefinitions, clientConfig, createTable, keySchema, tableName } from "./env.mjs";

const raw = new DynamoDBClient(clientConfig);
const client = DynamoDBDocumentClient.from(raw);
const table = tableName("js-electrodb");

const task = new Entity(
  {
    model: { entity: "task", version: "1", service: "projects" },
    attributes: {
      project: { type: "string", required: true },
      taskId: { type: "string", required: true },
      title: { type: "string", required: true },
      owner: { type: "string", required: true },
      status: { type: ["open", "done"], default: "open" },
      priority: { type: "number", default: 3 },
      due: { type: "string", required: true },
      tags: { type: "set", items: "string" },
    },
    indexes: {
      byId: {
        pk: { field: "pk", composite: ["project"] },
        sk: { field: "sk", composite: ["taskId"] },
      },
      byStatus: {
        index: "gsi1",
        collection: "work",
        pk: { field: "gsi1pk", composite: ["project"] },
        sk: { field: "gsi1sk", composite: ["status", "due"] },
      },
      // A multi-attribute GSI key: HASH owner, project; RANGE priority, due.
      byOwner: {
        index: "byOwner",
        type: "composite",
        pk: { composite: ["owner", "project"] },
        sk: { composite: ["priority", "due"] },
      },
    },
  },
  { table, client },
);

const comment = new Entity(
  {
    model: { entity: "comment", version: "1", service: "projects" },
    attributes: {
      project: { type: "string", required: true },
      commentId: { type: "string", required: true },
      taskId: { type: "string", required: true },
      body: { type: "string", required: true },
    },
    indexes: {
      byId: {
        pk: { field: "pk", composite: ["project"] },
        sk: { field: "sk", composite: ["commentId"] },
      },
      byTask: {
        index: "gsi1",
        collection: "work",
        pk: { field: "gsi1pk", composite: ["project"] },
        sk: { field: "gsi1sk", composite: ["taskId", "commentId"] },
      },
    },
  },
  { table, client },
);

const service = new Service({ task, comment }, { table, client });

before(async () => {
  await createTable(raw, {
    TableName: table,
    AttributeDefinitions: attributeDefinitions({ pk: "S", sk: "S", gsi1pk: "S", gsi1sk: "S", owner: "S", project: "S", priority: "N", due: "S" }),
    KeySchema: keySchema(["pk"], ["sk"]),
    GlobalSecondaryIndexes: [
      { IndexName: "gsi1", KeySchema: keySchema(["gsi1pk"], ["gsi1sk"]), Projection: { ProjectionType: "ALL" } },
      // The multi-attribute key of the byOwner access pattern.
      { IndexName: "byOwner", KeySchema: keySchema(["owner", "project"], ["priority", "due"]), Projection: { ProjectionType: "ALL" } },
    ],
  });
  for (let i = 0; i < 9; i++) {
    await task
      .put({
        project: "apollo",
        taskId: `t-${String(i).padStart(2, "0")}`,
        title: `task ${i}`,
        owner: i % 3 === 0 ? "ann" : "bob",
        status: i < 6 ? "open" : "done",
        priority: i % 4,
        due: `2025-${String(i + 1).padStart(2, "0")}-01`,
      })
      .go();
  }
});

after(async () => {
  await raw.send(new DeleteTableCommand({ TableName: table }));
  raw.destroy();
});

test("create, get, patch, update, remove, delete", async () => {
  const key = { project: "gemini", taskId: "t-1" };
  const created = await task.create({ ...key, title: "write", owner: "cy", due: "2025-02-02", tags: ["a"] }).go();
  assert.equal(created.data.status, "open");
  await assert.rejects(task.create({ ...key, title: "again", owner: "cy", due: "2025-02-02" }).go(), (err) => {
    assert.equal(err.name, "ElectroError");
    assert.match(err.message, /The conditional request failed/);
    assert.equal(err.cause?.name, "ConditionalCheckFailedException");
    return true;
  });

  const got = await task.get(key).go();
  assert.deepEqual(got.data, { ...key, title: "write", owner: "cy", status: "open", priority: 3, due: "2025-02-02", tags: ["a"] });

  const patched = await task.patch(key).set({ status: "done" }).composite({ due: "2025-02-02" }).add({ priority: 2, tags: ["b"] }).go({ response: "all_new" });
  assert.equal(patched.data.status, "done");
  assert.equal(patched.data.priority, 5);
  assert.deepEqual(patched.data.tags.sort(), ["a", "b"]);
  // patch of a missing item fails its attribute_exists condition.
  await assert.rejects(task.patch({ project: "gemini", taskId: "none" }).set({ status: "done", due: "2025-01-01" }).go(), /The conditional request failed/);
  // update upserts.
  await task.update({ project: "gemini", taskId: "t-2" }).set({ title: "upserted", owner: "cy", status: "open", due: "2025-03-03" }).go();
  const upserted = await task.get({ project: "gemini", taskId: "t-2" }).go();
  assert.equal(upserted.data.title, "upserted");

  const removed = await task.remove(key).go({ response: "all_old" });
  assert.equal(removed.data.title, "write");
  await assert.rejects(task.remove(key).go(), /The conditional request failed/);
  await task.delete({ project: "gemini", taskId: "t-2" }).go();
  assert.equal((await task.get({ project: "gemini", taskId: "t-2" }).go()).data, null);
});

test("queries with begins_with and between, on the table and on gsi1", async () => {
  const begins = await task.query.byId({ project: "apollo" }).begins({ taskId: "t-0" }).go();
  assert.equal(begins.data.length, 9);
  const between = await task.query.byId({ project: "apollo" }).between({ taskId: "t-02" }, { taskId: "t-04" }).go();
  assert.deepEqual(
    between.data.map((t) => t.taskId),
    ["t-02", "t-03", "t-04"],
  );
  const open = await task.query
    .byStatus({ project: "apollo", status: "open" })
    .between({ due: "2025-02" }, { due: "2025-04" })
    .go();
  assert.deepEqual(
    open.data.map((t) => t.taskId),
    ["t-01", "t-02"],
  );
  const done = await task.query.byStatus({ project: "apollo", status: "done" }).go({ order: "desc" });
  assert.deepEqual(
    done.data.map((t) => t.taskId),
    ["t-08", "t-07", "t-06"],
  );
  const filtered = await task.query
    .byId({ project: "apollo" })
    .where(({ owner }, { eq }) => eq(owner, "ann"))
    .go();
  assert.deepEqual(
    filtered.data.map((t) => t.taskId),
    ["t-00", "t-03", "t-06"],
  );
});

test("pagination cursors", async () => {
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const page = await task.query.byId({ project: "apollo" }).go({ cursor, limit: 4 });
    seen.push(...page.data.map((t) => t.taskId));
    cursor = page.cursor;
    pages++;
  } while (cursor);
  assert.equal(seen.length, 9);
  assert.deepEqual(seen, [...seen].sort());
  assert.ok(pages >= 3, `pages ${pages}`);
  const all = await task.query.byId({ project: "apollo" }).go({ pages: "all", limit: 2 });
  assert.equal(all.data.length, 9);
  assert.equal(all.cursor, null);
});

test("the service collection reads both entities from gsi1", async () => {
  await comment.put({ project: "apollo", commentId: "c-1", taskId: "t-01", body: "looks good" }).go();
  await comment.put({ project: "apollo", commentId: "c-2", taskId: "t-02", body: "needs work" }).go();
  const work = await service.collections.work({ project: "apollo" }).go({ pages: "all" });
  assert.equal(work.data.task.length, 9);
  assert.deepEqual(
    work.data.comment.map((c) => c.commentId),
    ["c-1", "c-2"],
  );
});

test("service.transaction.write commits, and cancels on a failed condition", async () => {
  const result = await service.transaction
    .write(({ task, comment }) => [
      task.create({ project: "apollo", taskId: "t-tx", title: "tx", owner: "cy", due: "2025-12-01" }).commit(),
      comment.create({ project: "apollo", commentId: "c-tx", taskId: "t-tx", body: "in tx" }).commit(),
      task.patch({ project: "apollo", taskId: "t-00" }).set({ status: "done" }).composite({ due: "2025-01-01" }).commit(),
    ])
    .go();
  assert.equal(result.canceled, false);
  assert.equal((await task.get({ project: "apollo", taskId: "t-00" }).go()).data.status, "done");
  assert.equal((await comment.get({ project: "apollo", commentId: "c-tx" }).go()).data.body, "in tx");

  const canceled = await service.transaction
    .write(({ task, comment }) => [
      task.create({ project: "apollo", taskId: "t-tx", title: "dup", owner: "cy", due: "2025-12-01" }).commit({ response: "all_old" }),
      comment.remove({ project: "apollo", commentId: "c-tx" }).commit(),
    ])
    .go();
  assert.equal(canceled.canceled, true);
  assert.deepEqual(
    canceled.data.map((r) => r.code),
    ["ConditionalCheckFailed", "None"],
  );
  assert.equal(canceled.data[0].item.title, "tx");
  assert.equal((await comment.get({ project: "apollo", commentId: "c-tx" }).go()).data.body, "in tx");
});

test("an index of type composite (multi-attribute GSI key)", async () => {
  // owner "bob": tasks 1, 2, 4, 5, 7, 8 with priorities 1, 2, 0, 1, 3, 0.
  const all = await task.query.byOwner({ owner: "bob", project: "apollo" }).go();
  assert.deepEqual(
    all.data.map((t) => [t.priority, t.taskId]),
    [
      [0, "t-04"],
      [0, "t-08"],
      [1, "t-01"],
      [1, "t-05"],
      [2, "t-02"],
      [3, "t-07"],
    ],
  );
  const p1 = await task.query.byOwner({ owner: "bob", project: "apollo", priority: 1 }).go();
  assert.deepEqual(
    p1.data.map((t) => t.taskId),
    ["t-01", "t-05"],
  );
  const gte = await task.query.byOwner({ owner: "bob", project: "apollo" }).gte({ priority: 2 }).go();
  assert.deepEqual(
    gte.data.map((t) => t.taskId),
    ["t-02", "t-07"],
  );
  const between = await task.query
    .byOwner({ owner: "bob", project: "apollo", priority: 0 })
    .between({ due: "2025-06" }, { due: "2025-10" })
    .go();
  assert.deepEqual(
    between.data.map((t) => t.taskId),
    ["t-08"],
  );
  const begins = await task.query.byOwner({ owner: "bob", project: "apollo", priority: 1 }).begins({ due: "2025-06" }).go();
  assert.deepEqual(
    begins.data.map((t) => t.taskId),
    ["t-05"],
  );
  // Cursor paging on the composite index.
  const seen = [];
  let cursor = null;
  do {
    const page = await task.query.byOwner({ owner: "bob", project: "apollo" }).go({ cursor, limit: 4 });
    seen.push(...page.data.map((t) => t.taskId));
    cursor = page.cursor;
  } while (cursor);
  assert.deepEqual(seen, ["t-04", "t-08", "t-01", "t-05", "t-02", "t-07"]);
  // Moving a task to another owner moves its index entry.
  await task.patch({ project: "apollo", taskId: "t-07" }).set({ owner: "ann" }).go();
  const after = await task.query.byOwner({ owner: "bob", project: "apollo" }).gte({ priority: 3 }).go();
  assert.deepEqual(after.data, []);
});

test("batch put, batch get, batch delete and scan", async () => {
  const keys = Array.from({ length: 30 }, (_, i) => ({ project: "batch", taskId: `b-${String(i).padStart(2, "0")}` }));
  const put = await task.put(keys.map((k) => ({ ...k, title: k.taskId, owner: "dee", due: "2026-01-01" }))).go();
  assert.deepEqual(put.unprocessed, []);
  const got = await task.get([...keys, { project: "batch", taskId: "missing" }]).go();
  assert.deepEqual(got.data.map((t) => t.title).sort(), keys.map((k) => k.taskId));
  assert.deepEqual(got.unprocessed, []);
  const scanned = await task.scan.where(({ project }, { eq }) => eq(project, "batch")).go({ pages: "all" });
  assert.equal(scanned.data.length, 30);
  const deleted = await task.delete(keys).go();
  assert.deepEqual(deleted.unprocessed, []);
  assert.deepEqual((await task.query.byId({ project: "batch" }).go()).data, []);
});
