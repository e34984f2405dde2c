package conformance

const (
	dynaliteDigits = "dynalite computes SET arithmetic and ADD with unbounded precision and stores results of more than 38 significant digits; DynamoDB rejects them (ValidationException: Attempting to store more than 38 significant digits in a Number)"
)

// updateScenarios covers UpdateItem: every UpdateExpression action,
// ReturnValues, and invalid expressions.
func updateScenarios() []scenario {
	k := kv("pk", S("u"))
	base := kv("pk", S("u"), "n", N("10"), "s", S("str"), "l", L(N("0"), N("1"), N("2"), N("3")),
		"m", M(kv("a", N("1"), "b", M(kv("c", S("x"))))), "ss", SS("a", "b"), "ns", NS("1", "2"), "bs", BS("x"))
	u := func(expr string, pairs ...any) step { return upd("T", k, expr, pairs...) }
	rv := func(r string) []any { return []any{"ReturnValues", r} }
	return []scenario{
		{name: "updateforms", steps: steps(
			newTable("T", "pk:S").step(),
			put("T", base),
			u("SET n = n + :one, s = :s", "ExpressionAttributeValues", vals(":one", N("1"), ":s", S("new")), "ReturnValues", "UPDATED_NEW"),
			u("SET n = n - :x", "ExpressionAttributeValues", vals(":x", N("0.25")), "ReturnValues", "UPDATED_OLD"),
			u("SET n = :a + :b", "ExpressionAttributeValues", vals(":a", N("0.1"), ":b", N("0.2")), "ReturnValues", "UPDATED_NEW").why("exact decimal arithmetic"),
			u("SET newattr = if_not_exists(newattr, :d), n = if_not_exists(n, :d)", "ExpressionAttributeValues", vals(":d", N("7")), "ReturnValues", "UPDATED_NEW"),
			u("SET l = list_append(l, :tail)", "ExpressionAttributeValues", vals(":tail", L(S("t"))), "ReturnValues", "UPDATED_NEW"),
			u("SET l = list_append(:head, l)", "ExpressionAttributeValues", vals(":head", L(S("h"))), "ReturnValues", "UPDATED_NEW"),
			u("SET l[1] = :v, l[99] = :w", "ExpressionAttributeValues", vals(":v", S("one"), ":w", S("past end")), "ReturnValues", "ALL_NEW"),
			u("SET l[0] = :v", "ExpressionAttributeValues", vals(":v", S("h")), "ReturnValues", "UPDATED_NEW"),
			u("REMOVE l[50]", "ReturnValues", "UPDATED_OLD").why("remove past the end").
				known("dynalite answers an empty Attributes map when no updated path exists in the item; DynamoDB omits Attributes, as ddbtest does"),
			u("SET m.b.c = :v, m.z = :v", "ExpressionAttributeValues", vals(":v", S("deep")), "ReturnValues", "UPDATED_NEW"),
			u("SET m.nosuch.c = :v", "ExpressionAttributeValues", vals(":v", S("x"))).why("missing intermediate map"),
			u("SET s[0] = :v", "ExpressionAttributeValues", vals(":v", S("x"))).why("index into a string"),
			u("ADD n :five, newnum :five, ss :more, newset :more", "ExpressionAttributeValues", vals(":five", N("5"), ":more", SS("b", "c")), "ReturnValues", "UPDATED_NEW"),
			u("ADD ns :x", "ExpressionAttributeValues", vals(":x", NS("2", "3")), "ReturnValues", "UPDATED_NEW"),
			u("DELETE ss :x, ns :y", "ExpressionAttributeValues", vals(":x", SS("a", "zz"), ":y", NS("1", "2", "3")), "ReturnValues", "ALL_NEW").why("emptied set is removed"),
			u("DELETE bs :x", "ExpressionAttributeValues", vals(":x", BS("x")), "ReturnValues", "UPDATED_OLD"),
			u("DELETE nosuchset :x", "ExpressionAttributeValues", vals(":x", SS("a")), "ReturnValues", "ALL_NEW"),
			u("REMOVE s, m.a, nosuch", "ReturnValues", "ALL_OLD"),
			u("SET #r = :v", "ExpressionAttributeNames", kv("#r", "size"), "ExpressionAttributeValues", vals(":v", BOOL(true)), "ReturnValues", "ALL_NEW"),
			u("SET a = :v REMOVE n ADD c :one DELETE newset :d", "ExpressionAttributeValues", vals(":v", NULL(), ":one", N("1"), ":d", SS("b")), "ReturnValues", "ALL_NEW"),
			u("set lower = :v", "ExpressionAttributeValues", vals(":v", S("keywords are case-insensitive")), "ReturnValues", "UPDATED_NEW"),
			u("SET m.b = :v", append([]any{"ExpressionAttributeValues", vals(":v", M(kv("fresh", S("map"))))}, rv("NONE")...)...),
			get("T", k),
		)},
		{name: "updatelists", steps: steps(
			newTable("T", "pk:S").step(),
			put("T", kv("pk", S("rm"), "l", L(S("a"), S("b"), S("c"), S("d")), "n", N("1"))),
			upd("T", kv("pk", S("rm")), "REMOVE l[0], l[2]", "ReturnValues", "UPDATED_OLD"),
			get("T", kv("pk", S("rm"))).known("dynalite applies the REMOVEs of the previous step one after another, so l[2] is taken from the already shortened list; in DynamoDB every path of an expression refers to the item before the update"),
			upd("T", kv("pk", S("rm")), "SET n = n + :big", "ExpressionAttributeValues", vals(":big", N("9.9999999999999999999999999999999999999E+125")), "ReturnValues", "UPDATED_NEW").
				why("result needs more than 38 digits").known(dynaliteDigits),
			upd("T", kv("pk", S("rm")), "SET n = :x + :y", "ExpressionAttributeValues", vals(":x", N("12345678901234567890123456789012345678"), ":y", N("0.5")), "ReturnValues", "UPDATED_NEW").
				why("precision loss").known(dynaliteDigits),
			upd("T", kv("pk", S("rm")), "ADD n :x", "ExpressionAttributeValues", vals(":x", N("-9.9999999999999999999999999999999999999E+125")), "ReturnValues", "UPDATED_NEW").
				known(dynaliteDigits),
			upd("T", kv("pk", S("rm")), "SET n = :x - :y", "ExpressionAttributeValues", vals(":x", N("-9.9999999999999999999999999999999999999E+125"), ":y", N("1E+125")), "ReturnValues", "UPDATED_NEW").
				why("magnitude overflow").known(dynaliteDigits),
		)},
		{name: "updatenew", steps: steps(
			newTable("T", "pk:S", "sk:N").step(),
			upd("T", kv("pk", S("a"), "sk", N("1")), "SET v = :v", "ExpressionAttributeValues", vals(":v", S("created")), "ReturnValues", "ALL_OLD").why("upsert"),
			upd("T", kv("pk", S("a"), "sk", N("2")), "", "ReturnValues", "ALL_NEW").why("no expression creates a key-only item"),
			get("T", kv("pk", S("a"), "sk", N("2"))),
			upd("T", kv("pk", S("a"), "sk", N("3")), "ADD c :one", "ExpressionAttributeValues", vals(":one", N("1")), "ReturnValues", "ALL_NEW"),
			upd("T", kv("pk", S("a"), "sk", N("4")), "SET c = c + :one", "ExpressionAttributeValues", vals(":one", N("1"))).why("arithmetic on a missing attribute"),
			upd("T", kv("pk", S("a"), "sk", N("5")), "REMOVE x", "ReturnValues", "ALL_NEW"),
			upd("T", kv("pk", S("a"), "sk", N("6")), "SET v = :v", "ExpressionAttributeValues", vals(":v", S("x")), "ReturnConsumedCapacity", "TOTAL"),
			upd("T", kv("pk", S("a"), "sk", N("1")), "SET v = :v", "ExpressionAttributeValues", vals(":v", S("again")), "ReturnValues", "ALL_OLD", "ReturnConsumedCapacity", "INDEXES"),
			upd("T", kv("pk", S("a")), "SET v = :v", "ExpressionAttributeValues", vals(":v", S("x"))).why("missing range key"),
		)},
		{name: "updateinvalid", steps: steps(
			newTable("T", "pk:S", "sk:S").step(),
			put("T", kv("pk", S("i"), "sk", S("i"), "n", N("1"), "s", S("x"), "l", L(N("1")), "ss", SS("a"))),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET pk = :v", "ExpressionAttributeValues", vals(":v", S("x"))).why("update hash key"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "REMOVE sk").why("remove range key"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v, a = :w", "ExpressionAttributeValues", vals(":v", S("x"), ":w", S("y"))).why("same path twice"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET m = :v REMOVE m.a", "ExpressionAttributeValues", vals(":v", S("x"))).why("overlapping paths"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v SET b = :v", "ExpressionAttributeValues", vals(":v", S("x"))).why("SET clause twice"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v,", "ExpressionAttributeValues", vals(":v", S("x"))).why("trailing comma"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a :v", "ExpressionAttributeValues", vals(":v", S("x"))).why("missing ="),
			upd("T", kv("pk", S("i"), "sk", S("i")), "PUT a = :v", "ExpressionAttributeValues", vals(":v", S("x"))).why("unknown action"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :missing").why("undefined value placeholder"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v", "ExpressionAttributeValues", vals(":v", S("x"), ":unused", S("y"))).why("unused value"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v", "ExpressionAttributeValues", vals(":v", S("x")), "ExpressionAttributeNames", kv("#u", "u")).why("unused name"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET s = s + :one", "ExpressionAttributeValues", vals(":one", N("1"))).why("arithmetic on a string"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET n = n + :s", "ExpressionAttributeValues", vals(":s", S("1"))).why("adding a string"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "ADD s :one", "ExpressionAttributeValues", vals(":one", N("1"))).why("ADD number to a string"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "ADD ss :n", "ExpressionAttributeValues", vals(":n", NS("1"))).why("ADD number set to a string set"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "ADD l :v", "ExpressionAttributeValues", vals(":v", L(N("2")))).why("ADD a list"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "DELETE n :v", "ExpressionAttributeValues", vals(":v", NS("1"))).why("DELETE from a number"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "DELETE ss :v", "ExpressionAttributeValues", vals(":v", S("a"))).why("DELETE a scalar"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET l = list_append(l, :v)", "ExpressionAttributeValues", vals(":v", S("x"))).why("list_append with a string"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = if_not_exists(:v, :v)", "ExpressionAttributeValues", vals(":v", S("x"))).why("if_not_exists on a value"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = size(s)").why("size in SET"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = nosuchfn(s)").why("unknown function"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v", "ExpressionAttributeValues", vals(":v", SS())).why("empty set value"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v", "ExpressionAttributeValues", vals(":v", S("x")), "AttributeUpdates", kv("b", kv("Action", "DELETE"))).why("legacy and expression together"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "REMOVE l[0].x").why("path into a number"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v", "ExpressionAttributeValues", kv("v", S("x"))).why("placeholder without colon"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET #a = :v", "ExpressionAttributeValues", vals(":v", S("x")), "ExpressionAttributeNames", kv("#a", "")).why("empty attribute name"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "SET a = :v", "ExpressionAttributeValues", vals(":v", S("x")), "ReturnValues", "SOME").why("bad ReturnValues"),
			upd("T", kv("pk", S("i"), "sk", S("i")), "").why("empty expression"),
			get("T", kv("pk", S("i"), "sk", S("i"))),
		)},
	}
}
