// Shared setup of the compat suites: the ddblocal endpoint (DDBLOCAL_URL),
// dummy credentials and a fixed region, and unique table names.
import { randomBytes } from "node:crypto";

import { CreateTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";

/** The ddblocal endpoint the suites run against. */
export const endpoint = process.env.DDBLOCAL_URL;
if (!endpoint) {
  throw new Error("set DDBLOCAL_URL to the ddblocal endpoint, e.g. http://127.0.0.1:8000");
}

/** Client configuration shared by every SDK client of the suites. */
export const clientConfig = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
};

/** tableName returns a fresh table name starting with prefix. */
export function tableName(prefix) {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** keySchema returns the KeySchema of the HASH attributes hash, then the RANGE attributes range. */
export function keySchema(hash, range = []) {
  return [...hash.map((AttributeName) => ({ AttributeName, KeyType: "HASH" })), ...range.map((AttributeName) => ({ AttributeName, KeyType: "RANGE" }))];
}

/** attributeDefinitions returns the AttributeDefinitions of types, a map of attribute names to S, N or B. */
export function attributeDefinitions(types) {
  return Object.entries(types).map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

/** createTable creates an on-demand table as input says and waits until it is ACTIVE. */
export async function createTable(client, input) {
  await client.send(new CreateTableCommand({ BillingMode: "PAY_PER_REQUEST", ...input }));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: input.TableName });
}
