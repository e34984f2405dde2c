package conformance

import (
	"fmt"
	"strings"
)

// multiKeyGSI marks requests with a global secondary index whose key has
// several partition or sort attributes (DynamoDB since November 2025).
const multiKeyGSI = "multi-attribute GSI keys (dynalite predates)"

const dynaliteNoGSIUpdates = "dynalite ignores GlobalSecondaryIndexUpdates Create/Delete (it only updates index throughput), so the index stays; ddbtest drops it at once"

// tableScenarios covers CreateTable, DescribeTable, UpdateTable,
// DeleteTable and ListTables, valid and invalid.
func tableScenarios() []scenario {
	ks := func(pairs ...string) []any { // "name:HASH", "name:RANGE"
		var out []any
		for _, p := range pairs {
			n, r, _ := strings.Cut(p, ":")
			out = append(out, obj{"AttributeName": n, "KeyType": r})
		}
		return out
	}
	ad := func(pairs ...string) []any { // "name:S"
		var out []any
		for _, p := range pairs {
			n, t, _ := strings.Cut(p, ":")
			out = append(out, obj{"AttributeName": n, "AttributeType": t})
		}
		return out
	}
	n := 0
	ct := func(pairs ...any) step { // each on its own table, in case it is (wrongly) created
		n++
		return call("CreateTable", with(obj{
			"TableName": fmt.Sprint("bad", n), "BillingMode": "PAY_PER_REQUEST",
			"KeySchema": ks("pk:HASH"), "AttributeDefinitions": ad("pk:S"),
		}, pairs...))
	}
	indexed := newTable("X", "pk:S", "sk:N").
		lsi("bylsi", projKeys, "l:S").
		lsi("bylsi2", projInclude("a", "b"), "l2:N").
		gsi("bygsi", projAll, "g:S", "sk:N").
		gsi("bygsi2", projInclude("a"), "g2:B").
		provisioned(5, 3)
	return []scenario{
		{name: "basic", steps: steps(
			call("CreateTable", newTable("T", "pk:S").req).why("TableStatus CREATING in the answer"),
			describe("T"),
			put("T", kv("pk", S("a"), "n", N("1"))),
			get("T", kv("pk", S("a"))),
			get("T", kv("pk", S("zz"))),
			describe("missing"),
			drop("T"),
			describe("T"),
			drop("T").why("already deleted"),
			put("T", kv("pk", S("a"))).why("table gone"),
		)},
		{name: "indexes", steps: steps(
			indexed.step(),
			call("CreateTable", indexed.req).why("table exists"),
			describe("X"),
			call("UpdateTable", obj{"TableName": "X", "ProvisionedThroughput": obj{"ReadCapacityUnits": 7, "WriteCapacityUnits": 3}}).
				ign("TableDescription.TableStatus", "TableDescription.ProvisionedThroughput"),
			describe("X"),
			call("UpdateTable", obj{"TableName": "X", "GlobalSecondaryIndexUpdates": []any{
				obj{"Delete": obj{"IndexName": "bygsi2"}}}}).ign("TableDescription.TableStatus", "TableDescription.GlobalSecondaryIndexes").
				known(dynaliteNoGSIUpdates),
			describe("X").known(dynaliteNoGSIUpdates),
			call("UpdateTable", obj{"TableName": "X", "GlobalSecondaryIndexUpdates": []any{
				obj{"Delete": obj{"IndexName": "nosuch"}}}}).known(dynaliteNoGSIUpdates),
			call("UpdateTable", obj{"TableName": "missing", "ProvisionedThroughput": obj{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}),
			call("UpdateTable", obj{"TableName": "X"}).why("nothing to update"),
			drop("X").ign("TableDescription.TableStatus").known(dynaliteNoGSIUpdates),
		)},
		{name: "billing", steps: steps(
			newTable("T", "pk:N").provisioned(1, 1).step(),
			call("UpdateTable", obj{"TableName": "T", "BillingMode": "PAY_PER_REQUEST"}).ign("TableDescription.TableStatus"),
			describe("T"),
			call("UpdateTable", obj{"TableName": "T", "BillingMode": "PROVISIONED"}).why("provisioned without throughput"),
		)},
		{name: "createinvalid", steps: steps(
			ct("TableName", "!ab").why("name too short"),
			ct("TableName", "!bad name!").why("bad characters"),
			ct("TableName", "!"+strings.Repeat("n", 256)).why("name too long"),
			ct("KeySchema", nil).why("no key schema"),
			ct("AttributeDefinitions", nil).why("no attribute definitions"),
			ct("KeySchema", ks("pk:HASH", "pk2:HASH")).why("two hash keys"),
			ct("KeySchema", ks("pk:RANGE")).why("range only"),
			ct("KeySchema", ks("pk:HASH", "sk:RANGE", "x:RANGE")).why("three keys"),
			ct("AttributeDefinitions", ad("pk:S", "extra:S")).why("unused attribute definition"),
			ct("AttributeDefinitions", ad("other:S")).why("key attribute not defined"),
			ct("AttributeDefinitions", ad("pk:BOOL")).why("BOOL key type"),
			ct("AttributeDefinitions", ad("pk:X")).why("unknown key type"),
			ct("KeySchema", ks("pk:PRIMARY")).why("bad KeyType"),
			ct("BillingMode", "PROVISIONED").why("provisioned without throughput"),
			ct("BillingMode", "CHEAP").why("bad billing mode"),
			ct("ProvisionedThroughput", obj{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}).why("on-demand with throughput"),
			ct("BillingMode", nil, "ProvisionedThroughput", obj{"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}).why("zero capacity"),
			ct("KeySchema", ks("pk:HASH", "sk:RANGE"), "AttributeDefinitions", ad("pk:S", "sk:S", "l:S"),
				"LocalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("other:HASH", "l:RANGE"), "Projection": projAll}}).
				why("LSI with another hash key"),
			ct("AttributeDefinitions", ad("pk:S", "l:S"),
				"LocalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("pk:HASH", "l:RANGE"), "Projection": projAll}}).
				why("LSI on a table without range key"),
			ct("AttributeDefinitions", ad("pk:S", "g:S"),
				"GlobalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("g:HASH"), "Projection": obj{"ProjectionType": "INCLUDE"}}}).
				why("INCLUDE without NonKeyAttributes").
				known("dynalite accepts an INCLUDE projection without NonKeyAttributes; DynamoDB rejects it (ValidationException: ProjectionType is INCLUDE, but NonKeyAttributes is not specified)"),
			ct("AttributeDefinitions", ad("pk:S", "g:S"),
				"GlobalSecondaryIndexes", []any{
					obj{"IndexName": "idx", "KeySchema": ks("g:HASH"), "Projection": projAll},
					obj{"IndexName": "idx", "KeySchema": ks("g:HASH"), "Projection": projAll}}).
				why("duplicate index names"),
			ct("AttributeDefinitions", ad("pk:S", "g:S"),
				"GlobalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("g:HASH"), "Projection": obj{"ProjectionType": "ALL", "NonKeyAttributes": []any{"a"}}}}).
				why("ALL with NonKeyAttributes"),
			ct("AttributeDefinitions", ad("pk:S", "g:S"),
				"GlobalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("g:HASH"), "Projection": projAll}},
				"BillingMode", "PROVISIONED", "ProvisionedThroughput", obj{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}).
				why("provisioned GSI without throughput").
				known("dynalite creates a PROVISIONED table whose GSI has no ProvisionedThroughput; DynamoDB rejects it (ProvisionedThroughput must be specified for index)"),
			ct("AttributeDefinitions", ad("pk:S", "g:S", "h:N", "s:S", "t:B"),
				"GlobalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("g:HASH", "h:HASH", "s:RANGE", "t:RANGE"), "Projection": projAll}}).
				why("GSI with a multi-attribute key").known(multiKeyGSI),
			ct("AttributeDefinitions", ad("pk:S", "g:S", "h:N"),
				"GlobalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("g:HASH", "h:HASH"), "Projection": projAll}}).
				why("GSI with two partition attributes").known(multiKeyGSI),
			ct("AttributeDefinitions", ad("pk:S", "a:S", "b:S", "c:S", "d:S", "e:S"),
				"GlobalSecondaryIndexes", []any{obj{"IndexName": "idx", "KeySchema": ks("a:HASH", "b:HASH", "c:HASH", "d:HASH", "e:HASH"), "Projection": projAll}}).
				why("GSI with five partition attributes"),
			ct("KeySchema", ks("pk:HASH", "sk:RANGE"), "AttributeDefinitions", ad("pk:S", "sk:S", "l:S"),
				"LocalSecondaryIndexes", func() []any {
					var l []any
					for i := range 6 {
						l = append(l, obj{"IndexName": fmt.Sprint("idx", i), "KeySchema": ks("pk:HASH", "l:RANGE"), "Projection": projAll})
					}
					return l
				}()).why("six LSIs"),
			call("CreateTable", obj{}).why("empty request"),
		)},
		{name: "zzlist", steps: steps(
			newTable("a", "pk:S").step(),
			newTable("b", "pk:S").step(),
			newTable("c", "pk:S").step(),
			call("ListTables", obj{"ExclusiveStartTableName": "!zzlist", "Limit": 2}),
			call("ListTables", obj{"ExclusiveStartTableName": "b", "Limit": 2}),
			call("ListTables", obj{"ExclusiveStartTableName": "a"}),
			call("ListTables", obj{"ExclusiveStartTableName": "c"}),
			call("ListTables", obj{"Limit": 0}),
			call("ListTables", obj{"Limit": 101}),
			call("ListTables", obj{"ExclusiveStartTableName": "!x"}),
			drop("b").ign("TableDescription.TableStatus"),
			call("ListTables", obj{"ExclusiveStartTableName": "!zzlist"}),
		)},
	}
}
