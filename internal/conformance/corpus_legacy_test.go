package conformance

import (
	"fmt"
	"slices"
	"strings"
)

// The legacy (pre-expression) API, generated systematically: every
// comparison operator with every AttributeValueList shape against every
// attribute type (through Expected, QueryFilter, ScanFilter and
// KeyConditions), the Value/Exists forms, ConditionalOperator,
// AttributeUpdates actions on each type, AttributesToGet, and the mixing
// rule between legacy and expression parameters.

// legacyOps are the comparison operators, in DynamoDB's enum order.
var legacyOps = []string{"IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS"}

// legacyList is one AttributeValueList shape; nil values means the member
// is absent.
type legacyList struct {
	name   string
	values []any
}

var legacyLists = []legacyList{
	{"absent", nil}, {"empty", []any{}},
	{"S", []any{S("hello")}}, {"Sprefix", []any{S("he")}}, {"N", []any{N("5")}}, {"B", []any{B("bi")}},
	{"SS", []any{SS("a")}}, {"NS", []any{NS("1")}}, {"BS", []any{BS("x")}},
	{"BOOL", []any{BOOL(true)}}, {"NULL", []any{NULL()}}, {"L", []any{L(S("a"), N("1"))}}, {"M", []any{M(kv("k", S("v")))}},
	{"N2", []any{N("1"), N("9")}}, {"N2rev", []any{N("9"), N("1")}}, {"S2", []any{S("a"), S("z")}},
	{"N3", []any{N("1"), N("5"), N("7")}}, {"mixed", []any{S("a"), N("1")}}, {"badN", []any{N("x")}}, {"emptySS", []any{obj{"SS": []any{}}}},
}

// legacyItem has one attribute of each type.
func legacyItem(pk string) obj {
	return kv("pk", S(pk), "s", S("hello"), "n", N("5"), "b", B("bin"), "ss", SS("a", "b"), "ns", NS("1", "2"), "bs", BS("x"),
		"l", L(S("a"), N("1")), "m", M(kv("k", S("v"))), "t", BOOL(true), "z", NULL())
}

var legacyAttrs = []string{"s", "n", "b", "ss", "ns", "bs", "l", "m", "t", "z", "nosuch"}

func avList(values []any) obj {
	if values == nil {
		return obj{}
	}
	return obj{"AttributeValueList": values}
}

func condOf(op string, values []any) obj { return with(avList(values), "ComparisonOperator", op) }

// Reasons for the differences the corpus allow-lists (see
// internal/conformance/DIFFERENCES.md).
const (
	legacyExpectedTypes = "dynalite checks neither the attribute value types an operator takes nor the values themselves in Expected's AttributeValueList (only in QueryFilter/ScanFilter/KeyConditions); the API reference gives Expected the same per-operator rules (e.g. LT: String, Number or Binary, not a set), so ddbtest applies them to both"
	legacyDocTypes      = "dynalite's type table only lets EQ and NE compare S, N, B and sets; the API reference says EQ and NE are supported for all data types, including lists and maps"
	legacyExistsValue   = "dynalite treats Exists:true with a Value as NOT_NULL (any value passes); the API reference says the attribute must have that Value"
	legacyCondOpMix     = "dynalite leaves ConditionalOperator out of the mixing check of PutItem, DeleteItem and UpdateItem (it includes it for Query and Scan); DynamoDB lists it there too (e.g. \"Non-expression parameters: {Expected, ConditionalOperator}\"), as ddbtest does"
	legacyOr            = "dynalite evaluates ConditionalOperator OR as its first condition (it returns at the first condition, true or false); in DynamoDB OR holds when any condition holds"
	legacyCondOpCount   = "dynalite accepts ConditionalOperator with fewer than two conditions; DynamoDB answers \"ConditionalOperator cannot be used without Filter or Expected\" (none) and \"ConditionalOperator can only be used when Filter or Expected has two or more elements\" (one), as recorded from DynamoDB by other emulators' dual-target suites"
	legacyActionEnum    = "dynalite does not check AttributeValueUpdate.Action against its enum [ADD, PUT, DELETE]; DynamoDB reports a constraint violation"
)

// legacyShapeKnown returns why dynalite's answer to operator op with
// values differs, or "".
func legacyShapeKnown(expected bool, op string, l legacyList, attr string) string {
	n := len(l.values)
	counts := map[string][2]int{"NULL": {0, 0}, "NOT_NULL": {0, 0}, "IN": {1, 1 << 30}, "BETWEEN": {2, 2}}
	want, ok := counts[op]
	if !ok {
		want = [2]int{1, 1}
	}
	if n < want[0] || n > want[1] || l.name == "mixed" {
		return "" // both reject the count or the mixed types the same way
	}
	if legacyCrashes(l) {
		return ""
	}
	if n == 0 {
		return ""
	}
	typ := l.name
	for _, t := range []string{"S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"} {
		if strings.HasPrefix(l.name, t) && (len(l.name) == len(t) || l.name[len(t)] == '2' || l.name[len(t)] == '3' || l.name == "Sprefix") {
			typ = t
		}
	}
	scalar := []string{"S", "N", "B"}
	allowed := map[string][]string{"EQ": nil, "NE": nil, "BEGINS_WITH": {"S", "B"}}
	types, listed := allowed[op]
	if !listed {
		types = scalar
	}
	switch {
	case types != nil && !slices.Contains(types, typ):
		if expected {
			return legacyExpectedTypes
		}
	case (op == "EQ" || op == "NE") && !slices.Contains([]string{"S", "N", "B", "SS", "NS", "BS"}, typ):
		if !expected {
			return legacyDocTypes
		}
		if (typ == "L" && attr == "l") || (typ == "M" && attr == "m") {
			return dynaliteDeepEq
		}
	}
	return ""
}

// legacyCrashes reports the lists of invalid values that dynalite does
// not validate in Expected and that crash it there (its number library
// throws); they are only sent in filters, which dynalite validates. Values
// of a type the operator does not take can crash it too (BEGINS_WITH on a
// BOOL attribute).
func legacyCrashes(l legacyList) bool { return l.name == "badN" || l.name == "emptySS" }

// legacyConditionScenarios: every operator and list shape through
// Expected (one UpdateItem per case, whose success tells the outcome) and
// ScanFilter.
func legacyConditionScenarios() []scenario {
	touch := kv("touched", kv("Action", "ADD", "Value", N("1")))
	var out []scenario
	for _, op := range legacyOps {
		exp := steps(newTable("T", "pk:S").step(), put("T", legacyItem("c")))
		flt := steps(newTable("T", "pk:S").step(), put("T", legacyItem("c")), put("T", kv("pk", S("other"), "n", N("1"))))
		for _, l := range legacyLists {
			for _, attr := range legacyAttrs {
				note := op + " " + l.name + " on " + attr
				// Values dynalite does not check in Expected can crash it
				// (see legacyCrashes); those cases are tested against
				// ddbtest alone, in ddbtest/legacy_test.go.
				if r := legacyShapeKnown(true, op, l, attr); !legacyCrashes(l) && r != legacyExpectedTypes {
					s := upd("T", kv("pk", S("c")), "", "AttributeUpdates", touch, "Expected", kv(attr, condOf(op, l.values))).why(note)
					if r != "" {
						s = s.known(r)
					}
					exp = append(exp, s)
				}
				f := scan("T", "ScanFilter", kv(attr, condOf(op, l.values)), "AttributesToGet", []any{"pk"}).unord().why(note)
				if r := legacyShapeKnown(false, op, l, attr); r != "" {
					f = f.known(r)
				}
				flt = append(flt, f)
			}
		}
		name := "legacy" + strings.ToLower(strings.ReplaceAll(op, "_", ""))
		out = append(out, scenario{name: name + "exp", steps: exp}, scenario{name: name + "flt", steps: flt})
	}
	return out
}

// legacyExpectedScenarios: the Value/Exists forms, ConditionalOperator,
// and the checks that combine members, on PutItem, DeleteItem and
// UpdateItem.
func legacyExpectedScenarios() []scenario {
	k := kv("pk", S("c"))
	type form struct {
		name string
		ev   obj
		diff string
	}
	forms := []form{
		{"Exists false", obj{"Exists": false}, ""},
		{"Exists true", obj{"Exists": true}, ""},
		{"Value", obj{"Value": N("5")}, ""},
		{"Value other", obj{"Value": S("5")}, ""},
		{"Value Exists true", obj{"Value": N("5"), "Exists": true}, ""},
		{"Value other Exists true", obj{"Value": N("6"), "Exists": true}, legacyExistsValue},
		{"Value Exists false", obj{"Value": N("5"), "Exists": false}, ""},
		{"empty", obj{}, ""},
		{"list alone", obj{"AttributeValueList": []any{N("5")}}, ""},
		{"op and Exists", obj{"ComparisonOperator": "NULL", "Exists": false}, ""},
		{"op and Value", obj{"ComparisonOperator": "GE", "Value": N("5")}, ""},
		{"op Value and list", obj{"ComparisonOperator": "EQ", "Value": N("5"), "AttributeValueList": []any{N("5")}}, ""},
		{"op without values", obj{"ComparisonOperator": "EQ"}, ""},
		{"bad op", obj{"ComparisonOperator": "EQUALS", "AttributeValueList": []any{N("5")}}, ""},
		{"bad Value", obj{"Value": N("x")}, ""},
	}
	var st []step
	st = append(st, newTable("T", "pk:S").step())
	for _, f := range forms {
		for _, attr := range []string{"n", "nosuch"} {
			diff := f.diff
			if attr == "nosuch" && f.diff == legacyExistsValue {
				diff = ""
			}
			exp := kv(attr, f.ev)
			for _, w := range []step{
				put("T", legacyItem("c"), "Expected", exp),
				upd("T", k, "", "Expected", exp, "AttributeUpdates", kv("u", kv("Value", S("x")))),
				del("T", k, "Expected", exp),
			} {
				w = w.why(f.name + " on " + attr)
				if diff != "" {
					w = w.known(diff)
				}
				st = append(st, put("T", legacyItem("c")), w)
			}
		}
	}
	t, f := obj{"Exists": false}, obj{"Value": S("no")}
	for _, co := range []any{nil, "AND", "OR", "XOR"} {
		for _, pair := range [][2]obj{{t, t}, {t, f}, {f, t}, {f, f}} {
			pairs := []any{"Expected", kv("nosuch", pair[0], "n", pair[1])}
			if co != nil {
				pairs = append(pairs, "ConditionalOperator", co)
			}
			w := upd("T", k, "", append(pairs, "AttributeUpdates", kv("u", kv("Value", S("x"))))...).why(fmt.Sprint("ConditionalOperator ", co))
			if co == "OR" && pair[0]["Exists"] != nil { // n (sent first) fails either way, nosuch holds
				w = w.known(legacyOr)
			}
			st = append(st, w)
		}
	}
	st = append(st,
		put("T", legacyItem("c"), "ConditionalOperator", "OR").why("ConditionalOperator without Expected").known(legacyCondOpCount),
		put("T", legacyItem("c"), "ConditionalOperator", "AND", "Expected", kv("n", obj{"Value": N("5")})).why("ConditionalOperator with one condition").known(legacyCondOpCount),
		scan("T", "ConditionalOperator", "OR", "ScanFilter", kv("n", condOf("NOT_NULL", nil))).why("ConditionalOperator with one filter condition").known(legacyCondOpCount),
		query("T", "ConditionalOperator", "OR", "KeyConditions", kv("pk", condOf("EQ", []any{S("c")}))).why("ConditionalOperator without QueryFilter").known(legacyCondOpCount),
		put("T", legacyItem("c"), "ConditionalOperator", "AND", "Expected", kv("n", obj{"Value": N("5")}), "ConditionExpression", "attribute_exists(pk)").why("mixing is checked first"),
		put("T", legacyItem("c"), "Expected", obj{}).why("empty Expected"),
		put("T", legacyItem("c"), "Expected", kv("n", kv("ComparisonOperator", "EQ", "AttributeValueList", []any{N("5")}), "s", kv("Value", S("hello")), "nosuch", kv("Exists", false))).why("three conditions"),
	)
	return []scenario{{name: "legacyexpected", steps: st}}
}

// legacyUpdateScenarios: each AttributeUpdates action with each value
// type on each attribute type, from a fresh item each time.
func legacyUpdateScenarios() []scenario {
	values := []struct {
		name string
		v    any
	}{{"none", nil}, {"S", S("x")}, {"N", N("2.5")}, {"B", B("y")}, {"SS", SS("a", "c")}, {"NS", NS("1", "3")}, {"BS", BS("x", "z")},
		{"L", L(S("e"))}, {"M", M(kv("q", N("1")))}, {"BOOL", BOOL(false)}, {"NULL", NULL()}, {"badN", N("x")}}
	var out []scenario
	for _, action := range []any{"PUT", "ADD", "DELETE", nil, "SET"} {
		st := steps(newTable("T", "pk:S").step())
		for _, v := range values {
			for _, attr := range []string{"s", "n", "b", "ss", "ns", "bs", "l", "m", "nosuch"} {
				u := obj{}
				if action != nil {
					u["Action"] = action
				}
				if v.v != nil {
					u["Value"] = v.v
				}
				s := upd("T", kv("pk", S("c")), "", "AttributeUpdates", kv(attr, u), "ReturnValues", "ALL_NEW").why(fmt.Sprint(action, " ", v.name, " on ", attr))
				if action == "SET" && v.v != nil && v.name != "badN" { // the others are rejected either way, with other messages
					s = s.known(legacyActionEnum)
				}
				st = append(st, put("T", legacyItem("c")), s)
			}
		}
		out = append(out, scenario{name: "legacyupdate" + strings.ToLower(fmt.Sprint(action)), steps: st})
	}
	k := kv("pk", S("c"), "sk", N("1"))
	rv := func(r string) []any { return []any{"ReturnValues", r} }
	out = append(out, scenario{name: "legacyupdatemore", steps: steps(
		newTable("T", "pk:S", "sk:N").step(),
		put("T", kv("pk", S("c"), "sk", N("1"), "n", N("1"), "ss", SS("a"))),
		upd("T", k, "", append([]any{"AttributeUpdates", kv("n", kv("Action", "ADD", "Value", N("1")), "new", kv("Value", S("v")), "ss", kv("Action", "DELETE"))}, rv("UPDATED_OLD")...)...),
		upd("T", k, "", append([]any{"AttributeUpdates", kv("n", kv("Action", "ADD", "Value", N("1")), "new2", kv("Value", S("v")))}, rv("UPDATED_NEW")...)...),
		upd("T", k, "", append([]any{"AttributeUpdates", kv("n", kv("Action", "DELETE"))}, rv("ALL_OLD")...)...),
		upd("T", k, "", "AttributeUpdates", kv("sk", kv("Value", N("2")))).why("update a key attribute"),
		upd("T", k, "", "AttributeUpdates", kv("pk", kv("Action", "DELETE"))).why("remove a key attribute"),
		upd("T", kv("pk", S("new"), "sk", N("1")), "", append([]any{"AttributeUpdates", kv("a", kv("Action", "DELETE"), "b", kv("Action", "ADD", "Value", N("3")))}, rv("ALL_NEW")...)...).why("creates the item"),
		upd("T", k, "", "AttributeUpdates", obj{}, "ReturnValues", "ALL_NEW").why("empty AttributeUpdates"),
		upd("T", k, "", "AttributeUpdates", kv("a", kv("Value", S("1"))), "Expected", kv("n", kv("Exists", false)), "ReturnValues", "ALL_NEW").why("AttributeUpdates with Expected"),
		get("T", k),
	)})
	return out
}

// legacyReadScenarios: KeyConditions (alone and with expression filters
// and projections), QueryFilter, AttributesToGet on every read, Select.
func legacyReadScenarios() []scenario {
	eq := func(v any) obj { return condOf("EQ", []any{v}) }
	hash := eq(S("p"))
	kc := func(rng obj) obj {
		if rng == nil {
			return kv("pk", hash)
		}
		return kv("pk", hash, "sk", rng)
	}
	q := func(pairs ...any) step { return query("T", pairs...) }
	var items []obj
	for i := 1; i <= 6; i++ {
		items = append(items, kv("pk", S("p"), "sk", N(fmt.Sprint(i)), "v", N(fmt.Sprint(i*10)), "w", S(fmt.Sprint("w", i%2)), "g", S("g")))
	}
	st := steps(newTable("T", "pk:S", "sk:N").gsi("GIX", projAll, "g:S", "sk:N").step(), puts("T", items...), put("T", kv("pk", S("q"), "sk", N("1"))))
	for _, op := range legacyOps {
		for _, l := range []legacyList{{"absent", nil}, {"N", []any{N("3")}}, {"N2", []any{N("2"), N("4")}}, {"N2rev", []any{N("4"), N("2")}}, {"S", []any{S("3")}}, {"N3", []any{N("1"), N("2"), N("3")}}} {
			st = append(st, q("KeyConditions", kc(condOf(op, l.values)), "AttributesToGet", []any{"sk"}).why("sort key "+op+" "+l.name))
		}
		st = append(st, q("KeyConditions", kv("pk", condOf(op, []any{S("p")}))).why("partition key "+op))
	}
	st = append(st,
		q("KeyConditions", kc(condOf("BEGINS_WITH", []any{N("1")}))).why("BEGINS_WITH on a number key"),
		q("KeyConditions", kv("sk", eq(N("1")))).why("no partition key condition"),
		q("KeyConditions", kv("pk", hash, "v", eq(N("1")))).why("condition on a non-key attribute"),
		q("KeyConditions", kv("pk", hash, "sk", eq(N("1")), "v", eq(N("1")))).why("three conditions"),
		q("KeyConditions", obj{}).why("no conditions"),
		q("KeyConditions", kv("pk", eq(N("1")))).why("partition key type"),
		q("KeyConditions", kc(condOf("GT", []any{N("2")})), "ScanIndexForward", false, "Limit", 2),
		q("KeyConditions", kc(nil), "ExclusiveStartKey", kv("pk", S("p"), "sk", N("3")), "AttributesToGet", []any{"sk"}),
		q("KeyConditions", kc(nil), "IndexName", "GIX").why("wrong key schema for the index"),
		q("IndexName", "GIX", "KeyConditions", kv("g", eq(S("g")), "sk", condOf("LE", []any{N("2")}))),
		q("KeyConditions", kc(nil), "FilterExpression", "v > :v", "ExpressionAttributeValues", vals(":v", N("30")), "ProjectionExpression", "sk, v").why("KeyConditions with FilterExpression and ProjectionExpression"),
		q("KeyConditions", kc(condOf("GE", []any{N("2")})), "ProjectionExpression", "#w", "ExpressionAttributeNames", kv("#w", "w")).why("KeyConditions with ProjectionExpression"),
		q("KeyConditions", kc(nil), "FilterExpression", "sk > :v", "ExpressionAttributeValues", vals(":v", N("3"))).why("key attribute in the FilterExpression"),
		q("KeyConditions", kc(nil), "KeyConditionExpression", "pk = :p", "ExpressionAttributeValues", vals(":p", S("p"))).why("KeyConditions with KeyConditionExpression"),
		q("KeyConditions", kc(nil), "ExpressionAttributeValues", vals(":p", S("p"))).why("values without expressions"),
		q("KeyConditions", kc(nil), "ExpressionAttributeNames", kv("#p", "pk")).why("names without expressions"),
		q("KeyConditions", kc(nil), "FilterExpression", "v > :v", "ExpressionAttributeValues", vals(":v", N("3")), "QueryFilter", kv("w", eq(S("w1")))).why("QueryFilter with FilterExpression"),
		q("KeyConditions", kc(nil), "QueryFilter", kv("w", eq(S("w1")), "v", condOf("GT", []any{N("30")}))),
		q("KeyConditions", kc(nil), "QueryFilter", kv("w", eq(S("w1")), "v", condOf("GT", []any{N("30")})), "ConditionalOperator", "OR").known(legacyOr),
		q("KeyConditions", kc(nil), "QueryFilter", kv("sk", eq(N("1")))).why("QueryFilter on the sort key"),
		q("KeyConditions", kc(nil), "QueryFilter", kv("w", obj{"AttributeValueList": []any{S("w1")}})).why("QueryFilter without ComparisonOperator"),
		q("KeyConditions", kc(nil), "QueryFilter", kv("w", eq(S("w1"))), "Limit", 2).why("Limit counts scanned items"),
		q("KeyConditions", kc(nil), "Select", "COUNT", "QueryFilter", kv("w", eq(S("w1")))),
		q("KeyConditions", kc(nil), "Select", "COUNT", "AttributesToGet", []any{"v"}).why("AttributesToGet with COUNT").known(dynaliteSelect),
		q("KeyConditions", kc(nil), "Select", "SPECIFIC_ATTRIBUTES", "AttributesToGet", []any{"v"}),
		q("KeyConditions", kc(nil), "AttributesToGet", []any{"v", "v"}).why("duplicate attribute"),
		q("KeyConditions", kc(nil), "AttributesToGet", []any{}).why("empty AttributesToGet"),
		q("KeyConditions", kc(nil), "AttributesToGet", []any{"v"}, "ProjectionExpression", "v").why("AttributesToGet with ProjectionExpression"),
		q("KeyConditions", kc(nil), "ConditionalOperator", "AND", "FilterExpression", "v > :v", "ExpressionAttributeValues", vals(":v", N("3"))).why("ConditionalOperator with FilterExpression"),
		scan("T", "ScanFilter", kv("v", condOf("BETWEEN", []any{N("20"), N("40")}), "w", eq(S("w1"))), "ConditionalOperator", "OR", "AttributesToGet", []any{"sk"}).unord().known(legacyOr),
		scan("T", "ScanFilter", kv("v", eq(N("20"))), "FilterExpression", "v > :v", "ExpressionAttributeValues", vals(":v", N("3"))).why("ScanFilter with FilterExpression"),
		scan("T", "AttributesToGet", []any{"sk", "sk"}).why("duplicate attribute"),
		scan("T", "Select", "COUNT", "ScanFilter", kv("w", eq(S("w0")))),
		get("T", kv("pk", S("p"), "sk", N("1")), "AttributesToGet", []any{"w", "nosuch"}),
		get("T", kv("pk", S("p"), "sk", N("1")), "AttributesToGet", []any{"w", "w"}).why("duplicate attribute"),
		get("T", kv("pk", S("p"), "sk", N("1")), "AttributesToGet", []any{"w"}, "ProjectionExpression", "w").why("AttributesToGet with ProjectionExpression"),
		call("BatchGetItem", obj{"RequestItems": obj{"T": kv("Keys", []any{kv("pk", S("p"), "sk", N("1")), kv("pk", S("q"), "sk", N("1"))}, "AttributesToGet", []any{"sk", "v"})}}),
		call("BatchGetItem", obj{"RequestItems": obj{"T": kv("Keys", []any{kv("pk", S("p"), "sk", N("1"))}, "AttributesToGet", []any{"v", "v"})}}).why("duplicate attribute"),
	)
	return []scenario{{name: "legacyreads", steps: st}}
}

// legacyMixScenarios: every legacy parameter with every expression
// parameter of each operation.
func legacyMixScenarios() []scenario {
	k := kv("pk", S("c"))
	legacy := map[string]any{
		"Expected": kv("a", obj{"Exists": false}), "ConditionalOperator": "AND", "AttributesToGet": []any{"a"},
		"AttributeUpdates": kv("a", obj{"Action": "DELETE"}), "KeyConditions": kv("pk", condOf("EQ", []any{S("c")})),
		"QueryFilter": kv("a", condOf("NULL", nil)), "ScanFilter": kv("a", condOf("NULL", nil)),
	}
	exprs := map[string][]any{
		"ConditionExpression": {"ConditionExpression", "attribute_not_exists(b)"}, "UpdateExpression": {"UpdateExpression", "REMOVE zz"},
		"ProjectionExpression": {"ProjectionExpression", "b"}, "FilterExpression": {"FilterExpression", "attribute_not_exists(b)"},
		"KeyConditionExpression": {"KeyConditionExpression", "pk = :c", "ExpressionAttributeValues", vals(":c", S("c"))},
	}
	ops := []struct {
		op     string
		base   obj
		legacy []string
		exprs  []string
	}{
		{"PutItem", obj{"Item": k}, []string{"Expected", "ConditionalOperator"}, []string{"ConditionExpression"}},
		{"DeleteItem", obj{"Key": k}, []string{"Expected", "ConditionalOperator"}, []string{"ConditionExpression"}},
		{"UpdateItem", obj{"Key": k}, []string{"Expected", "ConditionalOperator", "AttributeUpdates"}, []string{"ConditionExpression", "UpdateExpression"}},
		{"GetItem", obj{"Key": k}, []string{"AttributesToGet"}, []string{"ProjectionExpression"}},
		{"Query", obj{}, []string{"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"}, []string{"ProjectionExpression", "FilterExpression", "KeyConditionExpression"}},
		{"Scan", obj{}, []string{"AttributesToGet", "ScanFilter", "ConditionalOperator"}, []string{"ProjectionExpression", "FilterExpression"}},
	}
	st := steps(newTable("T", "pk:S").step(), put("T", kv("pk", S("c"), "b", S("b"))))
	for _, o := range ops {
		for _, l := range o.legacy {
			for _, e := range o.exprs {
				req := with(o.base, "TableName", "T", l, legacy[l])
				req = with(req, exprs[e]...)
				if o.op == "Query" && l != "KeyConditions" && e != "KeyConditionExpression" {
					req["KeyConditions"] = legacy["KeyConditions"]
				}
				st = append(st, legacyMix(call(o.op, req).why(l+" with "+e), o.op, l))
			}
			if len(o.exprs) > 1 {
				req := with(o.base, "TableName", "T", l, legacy[l])
				for _, e := range o.exprs {
					req = with(req, exprs[e]...)
				}
				st = append(st, legacyMix(call(o.op, req).why(l+" with every expression"), o.op, l))
			}
		}
	}
	return []scenario{{name: "legacymix", steps: st}}
}

// legacyMix marks the mixing steps dynalite answers differently.
func legacyMix(s step, op, param string) step {
	if param == "ConditionalOperator" && (op == "PutItem" || op == "DeleteItem" || op == "UpdateItem") {
		return s.known(legacyCondOpMix)
	}
	return s
}

// legacyScenarios returns the legacy API's scenarios.
func legacyScenarios() []scenario {
	return slices.Concat(legacyConditionScenarios(), legacyExpectedScenarios(), legacyUpdateScenarios(), legacyReadScenarios(), legacyMixScenarios())
}
