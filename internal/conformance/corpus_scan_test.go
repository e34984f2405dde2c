package conformance

import (
	"fmt"
	"strings"
)

// scanScenarios covers Scan (filters, Limit, segments, 1 MB pages) and
// the batch operations with their limits.
func scanScenarios() []scenario {
	var many []obj
	for i := range 20 {
		many = append(many, kv("pk", N(fmt.Sprint(i)), "v", N(fmt.Sprint(i%4)), "s", S(fmt.Sprint("item", i))))
	}
	var large []obj
	for i := range 12 {
		large = append(large, kv("pk", S("one"), "sk", N(fmt.Sprint(i)), "data", S(strings.Repeat("d", 100*1024))))
	}
	keys := func(n int) []any {
		var out []any
		for i := range n {
			out = append(out, kv("pk", N(fmt.Sprint(i))))
		}
		return out
	}
	putReqs := func(from, n int) []any {
		var out []any
		for i := from; i < from+n; i++ {
			out = append(out, kv("PutRequest", kv("Item", kv("pk", N(fmt.Sprint(i)), "b", BOOL(true)))))
		}
		return out
	}
	bget := func(ri obj, pairs ...any) step { return call("BatchGetItem", with(obj{"RequestItems": ri}, pairs...)) }
	bwrite := func(ri obj, pairs ...any) step {
		return call("BatchWriteItem", with(obj{"RequestItems": ri}, pairs...))
	}
	return []scenario{
		{name: "scans", steps: steps(
			newTable("T", "pk:N").step(),
			puts("T", many...),
			scan("T").unord(),
			scan("T", "FilterExpression", "v = :z", "ExpressionAttributeValues", vals(":z", N("0"))).unord(),
			scan("T", "Limit", 7).unord().paged().why("pages of 7"),
			scan("T", "Select", "COUNT", "FilterExpression", "v < :two", "ExpressionAttributeValues", vals(":two", N("2"))),
			scan("T", "ProjectionExpression", "s", "FilterExpression", "begins_with(s, :p)", "ExpressionAttributeValues", vals(":p", S("item1"))).unord(),
			scan("T", "FilterExpression", "pk > :x", "ExpressionAttributeValues", vals(":x", N("15"))).unord().why("Scan filters may use key attributes"),
			scan("T", "Segment", 0, "TotalSegments", 1).unord(),
			scan("T", "Segment", 1, "TotalSegments", 1).why("segment out of range"),
			scan("T", "Segment", 0).why("segment without total").unord().
				known("dynalite ignores Segment without TotalSegments; DynamoDB documents that Segment requires TotalSegments (ValidationException)"),
			scan("T", "TotalSegments", 1000001, "Segment", 0).why("too many segments").
				known("dynalite accepts TotalSegments above DynamoDB's documented maximum of 1000000"),
			scan("T", "Limit", 0),
			scan("T", "ReturnConsumedCapacity", "TOTAL", "Select", "COUNT"),
			scan("T", "ExclusiveStartKey", kv("pk", S("x"))).why("key type mismatch in ExclusiveStartKey"),
			scan("T", "IndexName", "nosuch"),
			scan("T", "ScanFilter", kv("v", kv("ComparisonOperator", "EQ", "AttributeValueList", []any{N("1")}))).unord(),
			scan("!nosuchtable"),
		)},
		{name: "scanpages", steps: steps(
			newTable("T", "pk:S", "sk:N").step(),
			puts("T", large...),
			scan("T", "ProjectionExpression", "sk", "ReturnConsumedCapacity", "TOTAL").paged().why("1 MB pages"),
			query("T", "KeyConditionExpression", "pk = :p", "ExpressionAttributeValues", vals(":p", S("one")), "ProjectionExpression", "sk", "ReturnConsumedCapacity", "TOTAL").paged().why("1 MB pages"),
			query("T", "KeyConditionExpression", "pk = :p", "ExpressionAttributeValues", vals(":p", S("one")), "Select", "COUNT", "ScanIndexForward", false).paged(),
			scan("T", "FilterExpression", "sk = :none", "ExpressionAttributeValues", vals(":none", N("99")), "ReturnConsumedCapacity", "TOTAL").paged().why("filtered-out pages"),
		)},
		{name: "batches", steps: steps(
			newTable("A", "pk:N").step(),
			newTable("B", "pk:S", "sk:S").step(),
			bwrite(obj{"A": putReqs(0, 25)}, "ReturnConsumedCapacity", "TOTAL"),
			bwrite(obj{"A": putReqs(0, 26)}).why("26 writes"),
			bwrite(obj{"A": putReqs(100, 13), "B": []any{
				kv("PutRequest", kv("Item", kv("pk", S("x"), "sk", S("1"), "v", S("v")))),
				kv("PutRequest", kv("Item", kv("pk", S("x"), "sk", S("2")))),
			}}, "ReturnConsumedCapacity", "INDEXES"),
			bwrite(obj{"A": []any{kv("DeleteRequest", kv("Key", kv("pk", N("0")))), kv("DeleteRequest", kv("Key", kv("pk", N("999"))))}}),
			bwrite(obj{"A": []any{kv("PutRequest", kv("Item", kv("pk", N("5")))), kv("DeleteRequest", kv("Key", kv("pk", N("5"))))}}).why("put and delete of one key"),
			bwrite(obj{"A": []any{kv("PutRequest", kv("Item", kv("pk", N("5")))), kv("PutRequest", kv("Item", kv("pk", N("5.0"))))}}).why("duplicate keys"),
			bwrite(obj{"A": []any{kv("PutRequest", kv("Item", kv("pk", S("5"))))}}).why("key type mismatch"),
			bwrite(obj{"A": []any{kv("DeleteRequest", kv("Key", kv("pk", N("1"), "x", N("1"))))}}).why("extra key attribute"),
			bwrite(obj{"A": []any{kv("PutRequest", kv("Item", kv("pk", N("500"))), "DeleteRequest", kv("Key", kv("pk", N("501"))))}}).why("both requests in one entry").
				known("unverified: ddbtest rejects a WriteRequest holding both PutRequest and DeleteRequest, dynalite performs it"),
			bwrite(obj{"A": []any{obj{}}}).why("empty entry"),
			bwrite(obj{"A": []any{}}).why("empty list"),
			bwrite(obj{}).why("no tables"),
			bwrite(obj{"nosuch": putReqs(0, 1)}),
			bwrite(obj{"A": []any{kv("PutRequest", kv("Item", kv("pk", N("7"), "big", S(strings.Repeat("x", 410*1024)))))}}).why("item too large"),
			bget(obj{"A": kv("Keys", keys(5)), "B": kv("Keys", []any{kv("pk", S("x"), "sk", S("1")), kv("pk", S("x"), "sk", S("nope"))})}, "ReturnConsumedCapacity", "TOTAL"),
			bget(obj{"A": kv("Keys", keys(3), "ProjectionExpression", "#b", "ExpressionAttributeNames", kv("#b", "b"), "ConsistentRead", true)}, "ReturnConsumedCapacity", "INDEXES"),
			bget(obj{"A": kv("Keys", keys(100))}).why("100 keys"),
			bget(obj{"A": kv("Keys", keys(101))}).why("101 keys"),
			bget(obj{"A": kv("Keys", keys(60)), "B": kv("Keys", func() []any {
				var out []any
				for i := range 41 {
					out = append(out, kv("pk", S("x"), "sk", S(fmt.Sprint(i))))
				}
				return out
			}())}).why("101 keys over two tables"),
			bget(obj{"A": kv("Keys", []any{kv("pk", N("1")), kv("pk", N("1.0"))})}).why("duplicate keys"),
			bget(obj{"A": kv("Keys", []any{})}).why("no keys"),
			bget(obj{"A": kv("Keys", []any{kv("pk", S("1"))})}).why("key type mismatch"),
			bget(obj{"nosuch": kv("Keys", keys(1))}),
			bget(obj{}).why("no tables"),
			bget(obj{"A": kv("Keys", keys(1), "AttributesToGet", []any{"b"}, "ProjectionExpression", "b")}).why("legacy and expression together"),
			bget(obj{"A": kv("Keys", keys(1), "ProjectionExpression", "b", "ExpressionAttributeNames", kv("#u", "u"))}).why("unused name"),
		)},
	}
}
