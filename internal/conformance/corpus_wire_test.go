package conformance

// wireScenarios covers tagging and the shapes of ConsumedCapacity.
func wireScenarios() []scenario {
	const arn = "arn:aws:dynamodb:us-east-1:000000000000:table/"
	tag := func(k, v string) obj { return obj{"Key": k, "Value": v} }
	tagOn := func(table string, tags ...any) step {
		return call("TagResource", obj{"ResourceArn": arn + table, "Tags": tags}).
			known("an empty body for DynamoDB and ddbtest (the operation has no output members), \"\" for dynalite")
	}
	list := func(table string) step { return call("ListTagsOfResource", obj{"ResourceArn": arn + table}) }
	capTable := newTable("C", "pk:S", "sk:N").
		lsi("bylsi", projAll, "l:S").
		gsi("bygsi", projAll, "g:S")
	item := kv("pk", S("a"), "sk", N("1"), "l", S("x"), "g", S("y"), "data", S("some data"))
	key := kv("pk", S("a"), "sk", N("1"))
	var capSteps []step
	capSteps = append(capSteps, capTable.step())
	const indexWrites = "dynalite reports writes on the table only; ddbtest, as DynamoDB, also charges a write for each index the item is written to or removed from"
	for _, mode := range []string{"NONE", "TOTAL", "INDEXES"} {
		write := func(st step) step {
			if mode == "NONE" {
				return st
			}
			return st.known(indexWrites)
		}
		capSteps = append(capSteps,
			write(put("C", item, "ReturnConsumedCapacity", mode)),
			get("C", key, "ReturnConsumedCapacity", mode),
			get("C", key, "ReturnConsumedCapacity", mode, "ConsistentRead", true),
			query("C", "KeyConditionExpression", "pk = :p", "ExpressionAttributeValues", vals(":p", S("a")), "ReturnConsumedCapacity", mode),
			query("C", "IndexName", "bygsi", "KeyConditionExpression", "g = :g", "ExpressionAttributeValues", vals(":g", S("y")), "ReturnConsumedCapacity", mode),
			query("C", "IndexName", "bylsi", "KeyConditionExpression", "pk = :p", "ExpressionAttributeValues", vals(":p", S("a")), "ReturnConsumedCapacity", mode),
			scan("C", "ReturnConsumedCapacity", mode),
			upd("C", key, "SET data = :d", "ExpressionAttributeValues", vals(":d", S("more")), "ReturnConsumedCapacity", mode),
			call("BatchGetItem", obj{"RequestItems": obj{"C": obj{"Keys": []any{key}}}, "ReturnConsumedCapacity": mode}),
			write(call("BatchWriteItem", obj{"RequestItems": obj{"C": []any{obj{"PutRequest": obj{"Item": item}}}}, "ReturnConsumedCapacity": mode})),
			write(del("C", key, "ReturnConsumedCapacity", mode)),
		)
	}
	return []scenario{
		{name: "tagging", steps: steps(
			newTable("T", "pk:S").step(),
			list("T"),
			tagOn("T", tag("a", "1"), tag("b", "")),
			list("T"),
			tagOn("T", tag("a", "2")),
			list("T"),
			call("UntagResource", obj{"ResourceArn": arn + "T", "TagKeys": []any{"a", "nosuch"}}).
				known("an empty body for DynamoDB and ddbtest, \"\" for dynalite"),
			list("T"),
			list("missing").why("unknown table"),
			call("TagResource", obj{"ResourceArn": arn + "missing", "Tags": []any{tag("a", "1")}}).why("unknown table"),
			call("UntagResource", obj{"ResourceArn": arn + "missing", "TagKeys": []any{"a"}}).why("unknown table"),
			call("TagResource", obj{"Tags": []any{tag("a", "1")}}).why("no ARN"),
			call("TagResource", obj{"ResourceArn": "nonsense", "Tags": []any{tag("a", "1")}}).why("not an ARN (the message names the caller)"),
			call("TagResource", obj{"ResourceArn": arn + "T"}).why("no tags"),
			call("TagResource", obj{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:index/T", "Tags": []any{tag("a", "1")}}).why("not a table"),
			call("TagResource", obj{"ResourceArn": arn + "T", "Tags": []any{}}).why("empty tags"),
			call("UntagResource", obj{"ResourceArn": arn + "T"}).why("no keys"),
			call("UntagResource", obj{"ResourceArn": arn + "T", "TagKeys": []any{}}).why("empty keys"),
			call("ListTagsOfResource", obj{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:nottable/T"}).why("not a table"),
		)},
		{name: "capacity", steps: capSteps},
	}
}
