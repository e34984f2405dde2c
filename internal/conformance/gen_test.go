package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The generated corpus: for every operation dynalite serves, a valid base
// request is mutated member by member — each wrong JSON type, each
// out-of-range length or value, each bad enum and pattern — and sent, on
// an existing and on a missing table, to both servers. Errors must agree
// on status, __type and the exact body (message text and the spelling of
// its member); successes on the status.
//
// The mutation points are written here independently of ddbtest's own
// shape tables, from the AWS API reference.

// genKind is the wire type of a mutation point.
type genKind int

const (
	gString genKind = iota
	gBool
	gInt
	gList   // a list of strings or structures
	gStruct // a structure
	gMap    // a map (of attribute values, strings, structures)
	gAttr   // one attribute value
)

// point is a member to mutate: its path in the request (keys, list
// indexes as numbers) and its type; extra are further values to try
// (lengths, enums, patterns, ranges).
type point struct {
	path  string
	kind  genKind
	extra []any
}

// genOp is one operation's base requests and mutation points.
type genOp struct {
	op     string
	base   func(table string) obj
	points []point
	// tables lists the table variants sent: "existing" and/or "missing".
	tables []string
}

// wrongTypes are the JSON values every point is put through.
var wrongTypes = []any{
	true, false, json.Number("1"), json.Number("1.5"), json.Number("-3"), "x", "", []any{}, []any{"x"},
	obj{}, obj{"a": "b"}, nil, []any{obj{}}, []any{json.Number("1")}, "TRUE", "no",
}

var (
	long256     = strings.Repeat("a", 256)
	badNames    = []any{"ab", "a", "a!b", "ab!", "a b c", long256, strings.Repeat("é", 2)}
	badEnum     = []any{"bogus", "total", "NONEX"}
	badCounts   = []any{json.Number("0"), json.Number("-1"), json.Number("101"), json.Number("0.5"), json.Number("2147483648")}
	avWrong     = []any{obj{"S": json.Number("1")}, obj{"N": true}, obj{"B": "abc"}, obj{"B": json.Number("1")}, obj{"SS": "x"}, obj{"L": obj{}}, obj{"M": []any{}}, obj{"BOOL": "x"}, obj{"NULL": json.Number("1")}, obj{"S": obj{}}, obj{"BS": []any{json.Number("1")}}, obj{"S": []any{}}}
	exprStrings = []any{"", "a =", "#x = :y"}
)

func str2any(ss ...string) []any { return anys(ss) }

func keysList(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = obj{"pk": S(strconv.Itoa(i))}
	}
	return out
}

func writes(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = obj{"PutRequest": obj{"Item": obj{"pk": S(strconv.Itoa(i))}}}
	}
	return out
}

func genOps() []genOp {
	both := []string{"existing", "missing"}
	common := func(p ...point) []point { return p }
	itemPoints := func(member string) []point {
		return common(
			point{path: member, kind: gMap, extra: []any{obj{"pk": S("")}, obj{}}},
			point{path: member + ".pk", kind: gAttr, extra: avWrong},
			point{path: member + ".pk.S", kind: gString},
		)
	}
	capacity := point{path: "ReturnConsumedCapacity", kind: gString, extra: badEnum}
	metrics := point{path: "ReturnItemCollectionMetrics", kind: gString, extra: badEnum}
	retVals := point{path: "ReturnValues", kind: gString, extra: append(str2any("ALL_NEW", "UPDATED_NEW"), badEnum...)}
	table := point{path: "TableName", kind: gString, extra: badNames}
	names := point{path: "ExpressionAttributeNames", kind: gMap, extra: []any{obj{"#a": json.Number("1")}, obj{"#a": obj{}}}}
	values := point{path: "ExpressionAttributeValues", kind: gMap, extra: []any{obj{":a": "x"}, obj{":a": []any{}}, obj{":a": S("x")}}}
	legacy := []point{
		{path: "ConditionalOperator", kind: gString, extra: badEnum},
		{path: "Expected", kind: gMap, extra: []any{obj{"a": "x"}, obj{"a": []any{}}, obj{"a": obj{"ComparisonOperator": "BAD"}}, obj{"a": obj{"Exists": "maybe"}}, obj{"a": obj{"Value": "x"}}, obj{"a": obj{"AttributeValueList": "x"}}}},
	}
	expr := func(name string) point { return point{path: name, kind: gString, extra: exprStrings} }
	keyed := func(op string, extra ...point) genOp {
		return genOp{op: op, tables: both, base: func(tbl string) obj {
			return obj{"TableName": tbl, "Key": obj{"pk": S("k")}}
		}, points: append(append(append([]point{capacity, table}, itemPoints("Key")...), extra...), names, values)}
	}
	read := func(op string, extra ...point) genOp {
		return genOp{op: op, tables: both, base: func(tbl string) obj {
			if op == "Query" {
				return obj{"TableName": tbl, "KeyConditionExpression": "pk = :k", "ExpressionAttributeValues": obj{":k": S("k")}}
			}
			return obj{"TableName": tbl}
		}, points: append([]point{
			capacity, table,
			{path: "Select", kind: gString, extra: append(str2any("COUNT", "SPECIFIC_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"), badEnum...)},
			{path: "IndexName", kind: gString, extra: badNames},
			{path: "Limit", kind: gInt, extra: badCounts},
			{path: "ConsistentRead", kind: gBool},
			{path: "ExclusiveStartKey", kind: gMap, extra: []any{obj{"pk": "x"}}},
			{path: "ConditionalOperator", kind: gString, extra: badEnum},
			{path: "AttributesToGet", kind: gList, extra: []any{[]any{json.Number("1")}, anys(strings.Split(strings.Repeat("a,", 255)+"a", ","))}},
			expr("FilterExpression"), expr("ProjectionExpression"), names, values,
		}, extra...)}
	}
	ks := func(pairs ...string) []any {
		var out []any
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, obj{"AttributeName": pairs[i], "KeyType": pairs[i+1]})
		}
		return out
	}
	throughput := []point{
		{path: "ProvisionedThroughput", kind: gStruct, extra: []any{obj{"ReadCapacityUnits": json.Number("1")}}},
		{path: "ProvisionedThroughput.ReadCapacityUnits", kind: gInt, extra: badCounts},
		{path: "ProvisionedThroughput.WriteCapacityUnits", kind: gInt, extra: badCounts},
	}
	return []genOp{
		{op: "CreateTable", tables: []string{"fresh"}, base: func(tbl string) obj {
			return obj{"TableName": tbl, "BillingMode": "PROVISIONED",
				"KeySchema":             ks("pk", "HASH"),
				"AttributeDefinitions":  []any{obj{"AttributeName": "pk", "AttributeType": "S"}},
				"ProvisionedThroughput": obj{"ReadCapacityUnits": json.Number("1"), "WriteCapacityUnits": json.Number("1")},
			}
		}, points: append([]point{
			table,
			{path: "BillingMode", kind: gString, extra: badEnum},
			{path: "KeySchema", kind: gList, extra: []any{ks("pk", "HASH", "sk", "RANGE", "x", "RANGE")}},
			{path: "KeySchema.0", kind: gStruct},
			{path: "KeySchema.0.KeyType", kind: gString, extra: badEnum},
			{path: "KeySchema.0.AttributeName", kind: gString},
			{path: "AttributeDefinitions", kind: gList},
			{path: "AttributeDefinitions.0", kind: gStruct},
			{path: "AttributeDefinitions.0.AttributeType", kind: gString, extra: badEnum},
			{path: "AttributeDefinitions.0.AttributeName", kind: gString},
			{path: "GlobalSecondaryIndexes", kind: gList, extra: []any{[]any{obj{"IndexName": "a", "KeySchema": []any{}, "Projection": obj{"ProjectionType": "BAD"}}}}},
			{path: "LocalSecondaryIndexes", kind: gList, extra: []any{[]any{obj{"IndexName": "ab!", "KeySchema": ks("pk", "HASH")}}}},
		}, throughput...)},
		{op: "DescribeTable", tables: both, base: func(tbl string) obj { return obj{"TableName": tbl} }, points: []point{table}},
		{op: "DescribeTimeToLive", tables: both, base: func(tbl string) obj { return obj{"TableName": tbl} }, points: []point{table}},
		{op: "DeleteTable", tables: []string{"missing"}, base: func(tbl string) obj { return obj{"TableName": tbl} }, points: []point{table}},
		{op: "ListTables", tables: []string{"existing"}, base: func(string) obj { return obj{} }, points: []point{
			{path: "Limit", kind: gInt, extra: badCounts},
			{path: "ExclusiveStartTableName", kind: gString, extra: badNames},
		}},
		{op: "UpdateTable", tables: []string{"missing"}, base: func(tbl string) obj {
			return obj{"TableName": tbl, "ProvisionedThroughput": obj{"ReadCapacityUnits": json.Number("2"), "WriteCapacityUnits": json.Number("2")}}
		}, points: append([]point{
			table,
			{path: "BillingMode", kind: gString, extra: badEnum},
			{path: "GlobalSecondaryIndexUpdates", kind: gList, extra: []any{[]any{obj{"Update": obj{"IndexName": "a"}}}, []any{obj{"Delete": obj{}}}, []any{obj{"Create": obj{"IndexName": "abc"}}}}},
		}, throughput...)},
		{op: "PutItem", tables: both, base: func(tbl string) obj {
			return obj{"TableName": tbl, "Item": obj{"pk": S("k"), "a": N("1")}}
		}, points: append(append(append([]point{capacity, table, retVals, metrics}, itemPoints("Item")...), legacy...),
			expr("ConditionExpression"), names, values,
			point{path: "ReturnValuesOnConditionCheckFailure", kind: gString, extra: badEnum})},
		keyed("GetItem", point{path: "ConsistentRead", kind: gBool}, expr("ProjectionExpression"),
			point{path: "AttributesToGet", kind: gList, extra: []any{[]any{json.Number("1")}}}),
		keyed("DeleteItem", append(legacy, retVals, metrics, expr("ConditionExpression"))...),
		keyed("UpdateItem", append(legacy, retVals, metrics, expr("ConditionExpression"), expr("UpdateExpression"),
			point{path: "AttributeUpdates", kind: gMap, extra: []any{obj{"a": "x"}, obj{"a": obj{"Action": json.Number("1")}}, obj{"a": obj{"Value": "x"}}}})...),
		read("Query", point{path: "KeyConditionExpression", kind: gString, extra: exprStrings},
			point{path: "ScanIndexForward", kind: gBool},
			point{path: "KeyConditions", kind: gMap, extra: []any{obj{"pk": "x"}, obj{"pk": obj{}}, obj{"pk": obj{"ComparisonOperator": "BAD"}}, obj{"pk": obj{"ComparisonOperator": "EQ", "AttributeValueList": "x"}}}},
			point{path: "QueryFilter", kind: gMap, extra: []any{obj{"a": "x"}, obj{"a": obj{}}}}),
		read("Scan", point{path: "Segment", kind: gInt, extra: badCounts},
			point{path: "TotalSegments", kind: gInt, extra: append(badCounts, json.Number("1000001"))},
			point{path: "ScanFilter", kind: gMap, extra: []any{obj{"a": "x"}, obj{"a": obj{}}, obj{"a": obj{"ComparisonOperator": "BAD"}}}}),
		{op: "BatchGetItem", tables: both, base: func(tbl string) obj {
			return obj{"RequestItems": obj{tbl: obj{"Keys": []any{obj{"pk": S("k")}}}}}
		}, points: []point{
			capacity,
			{path: "RequestItems", kind: gMap, extra: []any{obj{"ab": obj{"Keys": keysList(1)}}, obj{"a!bc": obj{"Keys": keysList(1)}}}},
			{path: "RequestItems.$T", kind: gStruct, extra: []any{obj{"Keys": []any{}}, obj{"Keys": keysList(101)}}},
			{path: "RequestItems.$T.Keys", kind: gList},
			{path: "RequestItems.$T.Keys.0", kind: gMap},
			{path: "RequestItems.$T.Keys.0.pk", kind: gAttr, extra: avWrong},
			{path: "RequestItems.$T.ConsistentRead", kind: gBool},
			{path: "RequestItems.$T.ProjectionExpression", kind: gString, extra: exprStrings},
			{path: "RequestItems.$T.ExpressionAttributeNames", kind: gMap},
			{path: "RequestItems.$T.AttributesToGet", kind: gList},
		}},
		{op: "BatchWriteItem", tables: both, base: func(tbl string) obj {
			return obj{"RequestItems": obj{tbl: []any{obj{"PutRequest": obj{"Item": obj{"pk": S("k")}}}}}}
		}, points: []point{
			capacity, metrics,
			{path: "RequestItems", kind: gMap, extra: []any{obj{"ab": writes(1)}, obj{"a!bc": writes(1)}}},
			{path: "RequestItems.$T", kind: gList, extra: []any{writes(26), []any{obj{}}}},
			{path: "RequestItems.$T.0", kind: gStruct, extra: []any{obj{"PutRequest": obj{}}, obj{"DeleteRequest": obj{}}}},
			{path: "RequestItems.$T.0.PutRequest", kind: gStruct},
			{path: "RequestItems.$T.0.PutRequest.Item", kind: gMap},
			{path: "RequestItems.$T.0.PutRequest.Item.pk", kind: gAttr, extra: avWrong},
			{path: "RequestItems.$T.0.DeleteRequest", kind: gStruct, extra: []any{obj{"Key": obj{"pk": S("k")}}}},
		}},
	}
}

// genCase is one generated request.
type genCase struct {
	label string
	op    string
	body  []byte
}

// setPath returns a deep copy of v with the value at path (dotted; "$T"
// stands for the table name) replaced by x (nil deletes a member when del).
func setPath(v any, path []string, x any) any {
	if len(path) == 0 {
		return x
	}
	switch c := v.(type) {
	case obj:
		out := obj{}
		for k, e := range c {
			out[k] = e
		}
		out[path[0]] = setPath(c[path[0]], path[1:], x)
		return out
	case []any:
		i, err := strconv.Atoi(path[0])
		if err != nil || i >= len(c) {
			return c
		}
		out := append([]any(nil), c...)
		out[i] = setPath(c[i], path[1:], x)
		return out
	}
	return v
}

// genCases expands every operation's points into requests.
func genCases() []genCase {
	var out []genCase
	for _, g := range genOps() {
		for _, variant := range g.tables {
			for _, p := range g.points {
				vals := append(append([]any(nil), wrongTypes...), p.extra...)
				last := p.path[strings.LastIndexByte(p.path, '.')+1:]
				for i, x := range vals {
					if _, err := strconv.Atoi(last); (err == nil || last == "$T" || p.kind == gAttr) && x == nil {
						continue // a null list element, map value or attribute value crashes dynalite
					}
					tbl := "gen_" + variant
					if variant == "fresh" {
						tbl = fmt.Sprintf("gen_fresh_%s_%d", strings.ReplaceAll(p.path, ".", "_"), i)
					}
					path := strings.Split(strings.ReplaceAll(p.path, "$T", tbl), ".")
					req := setPath(g.base(tbl), path, x)
					body, err := json.Marshal(req)
					if err != nil {
						panic(err)
					}
					label := fmt.Sprintf("%s[%s] %s=%s", g.op, variant, p.path, shortJSON(x))
					out = append(out, genCase{label: label, op: g.op, body: body})
				}
			}
		}
	}
	return out
}

func shortJSON(x any) string {
	b, _ := json.Marshal(x)
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

// genAllowed lists where dynalite departs from DynamoDB (the AWS API
// reference decides) and ddbtest follows DynamoDB, or where ddbtest's
// behaviour is another part of issue #10: each rule matches a case by its
// label and the two answers, with the reason.
var genAllowed = []struct {
	why   string
	match func(label string, ddb, dyn rawReply) bool
}{
	{"expression syntax errors: DynamoDB words them `Syntax error; token: \"<t>\", near: \"<text>\"`; dynalite gives its PEG parser's expectations",
		func(_ string, a, b rawReply) bool {
			pa, pb := syntaxPrefix(a.body), syntaxPrefix(b.body)
			return pa != "" && pa == pb
		}},
	{"Scan ConsistentRead: a Boolean member of Scan in the API reference; dynalite's Scan does not know it and ignores it",
		func(l string, _, _ rawReply) bool {
			return strings.HasPrefix(l, "Scan[") && strings.Contains(l, "] ConsistentRead=")
		}},
	{"ReturnValuesOnConditionCheckFailure (enum ALL_OLD, NONE in the API reference) is newer than dynalite, which ignores it",
		func(l string, _, _ rawReply) bool {
			return strings.Contains(l, "] ReturnValuesOnConditionCheckFailure=")
		}},
	{"Select: SPECIFIC_ATTRIBUTES needs a ProjectionExpression and ALL_PROJECTED_ATTRIBUTES an IndexName (API reference, Select); dynalite does not check",
		func(l string, _, _ rawReply) bool {
			return strings.HasSuffix(l, `Select="SPECIFIC_ATTRIBUTES"`) || strings.HasSuffix(l, `Select="ALL_PROJECTED_ATTRIBUTES"`)
		}},
	{"DeleteItem ReturnValues: the API reference allows only NONE and ALL_OLD; dynalite accepts the others",
		func(l string, a, _ rawReply) bool {
			return strings.HasPrefix(l, "DeleteItem[") && strings.Contains(a.body, "ReturnValues can only be ALL_OLD or NONE")
		}},
	{"a WriteRequest with both PutRequest and DeleteRequest: the API reference allows exactly one; dynalite takes the PutRequest",
		func(_ string, a, _ rawReply) bool {
			return strings.Contains(a.body, "a WriteRequest must hold exactly one of PutRequest and DeleteRequest")
		}},
	{"Scan Segment 0 without TotalSegments: the API reference requires both together; dynalite tests Segment's JavaScript truthiness, so 0 passes",
		func(l string, a, _ rawReply) bool {
			return strings.HasPrefix(l, "Scan[") && strings.Contains(a.body, "The TotalSegments parameter is required")
		}},
	{"empty key string: ddbtest answers DynamoDB's current wording (`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value`), dynalite an older one (`were invalid:`)",
		func(_ string, a, b rawReply) bool {
			return strings.Contains(a.body, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty") &&
				strings.Contains(b.body, "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty")
		}},
	{"ProvisionedThroughput of a GSI to create is optional since on-demand tables (API reference: CreateGlobalSecondaryIndexAction); dynalite requires it",
		func(l string, _, _ rawReply) bool {
			return strings.HasPrefix(l, "UpdateTable[") && strings.Contains(l, `"Create":{"IndexName":"abc"}`)
		}},
	{"ProvisionedThroughput of a GSI update is one of three settings since OnDemandThroughput and WarmThroughput (API reference: UpdateGlobalSecondaryIndexAction), so not a constraint checked with the others; dynalite requires it",
		func(l string, a, b rawReply) bool {
			const null = "update.provisionedThroughput' failed to satisfy constraint: Member must not be null"
			return strings.HasPrefix(l, "UpdateTable[") && strings.Contains(b.body, null) && !strings.Contains(a.body, null)
		}},
}

// syntaxPrefix returns "Invalid XExpression: Syntax error;" when body is
// such a ValidationException.
func syntaxPrefix(body string) string {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil || m["__type"] != "com.amazon.coral.validate#ValidationException" {
		return ""
	}
	msg, _ := m["message"].(string)
	if i := strings.Index(msg, ": Syntax error;"); i > 0 && strings.HasPrefix(msg, "Invalid ") {
		return msg[:i]
	}
	return ""
}

func allowedGen(label string, a, b rawReply) string {
	for _, r := range genAllowed {
		if r.match(label, a, b) {
			return r.why
		}
	}
	return ""
}

// rawReply is an answer as bytes, for exact comparison.
type rawReply struct {
	status int
	body   string
}

func (b backend) sendRaw(op string, body []byte) (rawReply, error) {
	r, err := b.send(op, body)
	if err != nil {
		return rawReply{}, err
	}
	if r.status == 200 {
		return rawReply{status: 200}, nil
	}
	return rawReply{status: r.status, body: canonical(r.body)}, nil
}

func TestGeneratedCorpus(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	setup := newTable("gen_existing", "pk:S").req
	for _, be := range []backend{ddb, dyn} {
		if r, err := be.sendValue("CreateTable", setup); err != nil || r.isError() {
			t.Fatalf("%s: creating gen_existing: %v %v", be.name, err, r.body)
		}
		if err := settle(be, "CreateTable", "gen_existing"); err != nil {
			t.Fatal(err)
		}
	}
	cases := genCases()
	byOp := map[string][]genCase{}
	for _, c := range cases {
		byOp[c.op] = append(byOp[c.op], c)
	}
	var (
		mu                     sync.Mutex
		same, allowed, differs int
		allowedLines           []string
		byReason               = map[string]int{}
	)
	ops := make([]string, 0, len(byOp))
	for op := range byOp {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	t.Run("ops", func(t *testing.T) {
		for _, op := range ops {
			t.Run(op, func(t *testing.T) {
				if op != "CreateTable" { // tables it creates must exist before the others run
					t.Parallel()
				}
				for _, c := range byOp[op] {
					a, errA := ddb.sendRaw(c.op, c.body)
					b, errB := dyn.sendRaw(c.op, c.body)
					if errA != nil || errB != nil {
						t.Fatalf("%s: transport: %v / %v", c.label, errA, errB)
					}
					if c.op == "CreateTable" && a.status == 200 {
						var req obj
						_ = json.Unmarshal(c.body, &req)
						if name, ok := req["TableName"].(string); ok {
							for _, be := range []backend{ddb, dyn} {
								_ = settle(be, "CreateTable", name)
							}
						}
					}
					mu.Lock()
					switch {
					case a == b:
						same++
					case allowedGen(c.label, a, b) != "":
						allowed++
						why := allowedGen(c.label, a, b)
						byReason[why]++
						if *showAll {
							allowedLines = append(allowedLines, c.label+": "+why)
						}
					default:
						differs++
						t.Errorf("%s\nrequest:  %s\nddbtest:  %d %s\ndynalite: %d %s", c.label, bytes.TrimSpace(c.body), a.status, a.body, b.status, b.body)
					}
					mu.Unlock()
				}
			})
		}
	})
	t.Logf("generated corpus: %d requests per server over %d operations; %d identical, %d allow-listed, %d differ",
		len(cases), len(ops), same, allowed, differs)
	for _, r := range genAllowed {
		t.Logf("allowed %4d: %s", byReason[r.why], r.why)
	}
	for _, l := range allowedLines {
		t.Log("allowed: " + l)
	}
}
