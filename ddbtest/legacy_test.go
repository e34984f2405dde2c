package ddbtest

import (
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func avl(vs ...types.AttributeValue) []types.AttributeValue { return vs }

func ss(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }

func cond(op types.ComparisonOperator, vs ...types.AttributeValue) types.ExpectedAttributeValue {
	return types.ExpectedAttributeValue{ComparisonOperator: op, AttributeValueList: vs}
}

// TestLegacyExpected evaluates every comparison operator, Exists and
// ConditionalOperator through PutItem's Expected.
func TestLegacyExpected(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "legacy_expected", "")
	put(t, c, "legacy_expected", item{"pk": s("a"), "s": s("hello"), "n": n("5"), "set": ss("x", "y"),
		"l": &types.AttributeValueMemberL{Value: avl(s("e"))}, "t": &types.AttributeValueMemberBOOL{Value: true}})
	type E = map[string]types.ExpectedAttributeValue
	for i, tc := range []struct {
		exp  E
		or   bool
		pass bool
	}{
		{E{"s": cond("EQ", s("hello"))}, false, true},
		{E{"s": cond("EQ", s("nope"))}, false, false},
		{E{"t": cond("EQ", &types.AttributeValueMemberBOOL{Value: true})}, false, true},
		{E{"s": cond("NE", s("nope"))}, false, true},
		{E{"missing": cond("NE", s("x"))}, false, true},
		{E{"n": cond("LT", n("6"))}, false, true},
		{E{"n": cond("LE", n("5"))}, false, true},
		{E{"n": cond("GT", n("5"))}, false, false},
		{E{"n": cond("GE", n("5.0"))}, false, true},
		{E{"n": cond("LT", s("6"))}, false, false}, // other type
		{E{"s": cond("NOT_NULL")}, false, true},
		{E{"missing": cond("NULL")}, false, true},
		{E{"s": cond("NULL")}, false, false},
		{E{"s": cond("CONTAINS", s("ell"))}, false, true},
		{E{"set": cond("CONTAINS", s("y"))}, false, true},
		{E{"l": cond("CONTAINS", s("e"))}, false, true},
		{E{"set": cond("NOT_CONTAINS", s("y"))}, false, false},
		{E{"missing": cond("NOT_CONTAINS", s("y"))}, false, true},
		{E{"s": cond("BEGINS_WITH", s("he"))}, false, true},
		{E{"n": cond("IN", n("1"), n("5"))}, false, true},
		{E{"missing": cond("IN", n("5"))}, false, false},
		{E{"n": cond("BETWEEN", n("1"), n("5"))}, false, true},
		{E{"n": cond("BETWEEN", n("6"), n("9"))}, false, false},
		{E{"s": {Value: s("hello")}}, false, true},
		{E{"s": {Value: s("hello"), Exists: aws.Bool(true)}}, false, true},
		{E{"s": {Value: s("other"), Exists: aws.Bool(true)}}, false, false},
		{E{"missing": {Exists: aws.Bool(false)}}, false, true},
		{E{"s": {Exists: aws.Bool(false)}}, false, false},
		{E{"s": cond("EQ", s("nope")), "n": cond("EQ", n("5"))}, true, true},
		{E{"s": cond("EQ", s("nope")), "n": cond("EQ", n("5"))}, false, false},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			in := &dynamodb.UpdateItemInput{TableName: aws.String("legacy_expected"), Key: item{"pk": s("a")}, Expected: tc.exp}
			if tc.or {
				in.ConditionalOperator = types.ConditionalOperatorOr
			}
			_, err := c.UpdateItem(ctx, in)
			if tc.pass && err != nil {
				t.Fatalf("%v: %v", tc.exp, err)
			}
			if !tc.pass {
				wantCode(t, err, "ConditionalCheckFailedException", "The conditional request failed")
			}
		})
	}
}

// TestLegacyValidation checks DynamoDB's messages for invalid legacy
// parameters and for mixing them with expressions.
func TestLegacyValidation(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "legacy_valid", "S")
	k := item{"pk": s("a"), "sk": s("b")}
	type E = map[string]types.ExpectedAttributeValue
	type C = map[string]types.Condition
	upd := func(e E, u map[string]types.AttributeValueUpdate) error {
		_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("legacy_valid"), Key: k, Expected: e, AttributeUpdates: u})
		return err
	}
	query := func(kc, qf C, mod ...func(*dynamodb.QueryInput)) error {
		in := &dynamodb.QueryInput{TableName: aws.String("legacy_valid"), KeyConditions: kc, QueryFilter: qf}
		for _, m := range mod {
			m(in)
		}
		_, err := c.Query(ctx, in)
		return err
	}
	eq := func(v types.AttributeValue) types.Condition {
		return types.Condition{ComparisonOperator: "EQ", AttributeValueList: avl(v)}
	}
	for _, tc := range []struct {
		name string
		err  error
		msg  string
	}{
		{"count", upd(E{"x": cond("EQ")}, nil), "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: x"},
		{"count2", upd(E{"x": cond("BETWEEN", n("1"))}, nil), "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{"null args", upd(E{"x": cond("NULL", n("1"))}, nil), "Invalid number of argument(s) for the NULL ComparisonOperator"},
		{"same type", upd(E{"x": cond("IN", n("1"), s("1"))}, nil), "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{"type", upd(E{"x": cond("LT", ss("a"))}, nil), "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"},
		{"between", upd(E{"x": cond("BETWEEN", n("5"), n("1"))}, nil), "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{"exists+op", upd(E{"x": {ComparisonOperator: "NULL", Exists: aws.Bool(false)}}, nil), "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: x"},
		{"value+list", upd(E{"x": {ComparisonOperator: "EQ", Value: n("1"), AttributeValueList: avl(n("1"))}}, nil), "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: x"},
		{"list alone", upd(E{"x": {AttributeValueList: avl(n("1"))}}, nil), "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: x"},
		{"exists true", upd(E{"x": {Exists: aws.Bool(true)}}, nil), "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: x"},
		{"exists null", upd(E{"x": {}}, nil), "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: x"},
		{"exists false", upd(E{"x": {Exists: aws.Bool(false), Value: n("1")}}, nil), "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: x"},
		{"bad op", upd(E{"x": cond("EQUALS", n("1"))}, nil), "1 validation error detected: Value 'EQUALS' at 'expected.x.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
		{"no value", upd(nil, map[string]types.AttributeValueUpdate{"x": {Action: "PUT"}}), "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{"delete scalar", upd(nil, map[string]types.AttributeValueUpdate{"x": {Action: "DELETE", Value: n("1")}}), "One or more parameter values were invalid: DELETE action with value is not supported for the type N"},
		{"add string", upd(nil, map[string]types.AttributeValueUpdate{"x": {Action: "ADD", Value: s("1")}}), "One or more parameter values were invalid: ADD action is not supported for the type S"},
		{"update key", upd(nil, map[string]types.AttributeValueUpdate{"sk": {Action: "PUT", Value: s("1")}}), "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"},
		{"bad action", upd(nil, map[string]types.AttributeValueUpdate{"x": {Action: "SET", Value: s("1")}}), "1 validation error detected: Value 'SET' at 'attributeUpdates.x.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"},
		{"mix", func() error {
			_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("legacy_valid"), Key: k, UpdateExpression: aws.String("SET a = :a"),
				ExpressionAttributeValues: item{":a": n("1")}, AttributeUpdates: map[string]types.AttributeValueUpdate{"x": {Action: "DELETE"}}, Expected: E{"x": {Exists: aws.Bool(false)}}})
			return err
		}(), "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression}"},
		{"key conditions with key expression", query(C{"pk": eq(s("a"))}, nil, func(in *dynamodb.QueryInput) {
			in.KeyConditionExpression, in.ExpressionAttributeValues = aws.String("pk = :a"), item{":a": s("a")}
		}), "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}"},
		{"query filter with filter expression", query(C{"pk": eq(s("a"))}, C{"x": eq(s("a"))}, func(in *dynamodb.QueryInput) {
			in.FilterExpression = aws.String("attribute_exists(y)")
		}), "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression}"},
		{"no key", query(C{"sk": eq(s("a"))}, nil), "Query condition missed key schema element: pk"},
		{"hash op", query(C{"pk": {ComparisonOperator: "GT", AttributeValueList: avl(s("a"))}}, nil), "Query key condition not supported"},
		{"not indexable", query(C{"pk": eq(s("a")), "sk": {ComparisonOperator: "NE", AttributeValueList: avl(s("a"))}}, nil), "Attempted conditional constraint is not an indexable operation"},
		{"key type", query(C{"pk": eq(n("1"))}, nil), "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"three", query(C{"pk": eq(s("a")), "sk": eq(s("a")), "x": eq(s("a"))}, nil), "Conditions can be of length 1 or 2 only"},
		{"other attr", query(C{"pk": eq(s("a")), "x": eq(s("a"))}, nil), "Query condition missed key schema element: sk"},
		{"filter on key", query(C{"pk": eq(s("a"))}, C{"sk": eq(s("a"))}), "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"},
		{"filter type", query(C{"pk": eq(s("a"))}, C{"x": {ComparisonOperator: "BEGINS_WITH", AttributeValueList: avl(n("1"))}}), "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{"conditional operator", query(C{"pk": eq(s("a"))}, nil, func(in *dynamodb.QueryInput) { in.ConditionalOperator = "XOR" }),
			"1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"},
		{"count attributes", query(C{"pk": eq(s("a"))}, nil, func(in *dynamodb.QueryInput) { in.Select, in.AttributesToGet = "COUNT", []string{"x"} }),
			"1 validation error detected: Cannot specify the AttributesToGet when choosing to get only the Count"},
		{"no key conditions", query(nil, nil), "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."},
		{"conditional operator alone", query(C{"pk": eq(s("a"))}, nil, func(in *dynamodb.QueryInput) { in.ConditionalOperator = "OR" }),
			"ConditionalOperator cannot be used without Filter or Expected"},
		{"conditional operator one condition", query(C{"pk": eq(s("a"))}, C{"x": eq(s("a"))}, func(in *dynamodb.QueryInput) { in.ConditionalOperator = "OR" }),
			"ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		{"mix order", func() error {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("legacy_valid"), Item: k, ConditionalOperator: "AND",
				Expected: E{"x": {Exists: aws.Bool(false)}, "y": {Exists: aws.Bool(false)}}, ConditionExpression: aws.String("attribute_exists(pk)")})
			return err
		}(), "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected, ConditionalOperator} Expression parameters: {ConditionExpression}"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.err, "ValidationException", tc.msg) })
	}
}

// TestLegacyAttributeUpdates applies PUT, ADD and DELETE to each type and
// returns UPDATED_OLD / UPDATED_NEW.
func TestLegacyAttributeUpdates(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "legacy_updates", "")
	put(t, c, "legacy_updates", item{"pk": s("a"), "n": n("1"), "set": ss("x"), "l": &types.AttributeValueMemberL{Value: avl(s("1"))}, "gone": s("g")})
	type U = map[string]types.AttributeValueUpdate
	out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("legacy_updates"), Key: item{"pk": s("a")}, ReturnValues: types.ReturnValueUpdatedNew,
		AttributeUpdates: U{
			"n":     {Action: "ADD", Value: n("2.5")},
			"new":   {Action: "ADD", Value: n("3")},
			"set":   {Action: "ADD", Value: ss("x", "y")},
			"l":     {Action: "ADD", Value: &types.AttributeValueMemberL{Value: avl(s("2"))}},
			"nl":    {Action: "ADD", Value: &types.AttributeValueMemberL{Value: avl(s("2"))}},
			"p":     {Value: s("put")}, // PUT is the default
			"gone":  {Action: "DELETE"},
			"never": {Action: "DELETE", Value: ss("z")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(sortedAttrs(out.Attributes))
	if want := "[l=[1 2] n=3.5 new=3 nl=[2] p=put set=[x y]]"; got != want {
		t.Errorf("UPDATED_NEW = %s, want %s", got, want)
	}
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("legacy_updates"), Key: item{"pk": s("a")},
		AttributeUpdates: U{"n": {Action: "ADD", Value: ss("x")}}})
	wantCode(t, err, "ValidationException", "Type mismatch for attribute to update")
	out, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("legacy_updates"), Key: item{"pk": s("a")}, ReturnValues: types.ReturnValueAllNew,
		AttributeUpdates: U{"set": {Action: "DELETE", Value: ss("x", "y")}, "l": {Action: "PUT", Value: n("7")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(sortedAttrs(out.Attributes)); got != "[l=7 n=3.5 new=3 nl=[2] p=put pk=a]" {
		t.Errorf("ALL_NEW = %s", got)
	}
}

// sortedAttrs renders an item's scalars, sets and lists for comparison.
func sortedAttrs(it item) []string {
	var out []string
	var text func(v types.AttributeValue) string
	text = func(v types.AttributeValue) string {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			return v.Value
		case *types.AttributeValueMemberN:
			return v.Value
		case *types.AttributeValueMemberSS:
			x := append([]string(nil), v.Value...)
			sort.Strings(x)
			return fmt.Sprint(x)
		case *types.AttributeValueMemberL:
			var x []string
			for _, e := range v.Value {
				x = append(x, text(e))
			}
			return fmt.Sprint(x)
		}
		return fmt.Sprintf("%T", v)
	}
	for k, v := range it {
		out = append(out, k+"="+text(v))
	}
	sort.Strings(out)
	return out
}

// TestLegacyReads covers KeyConditions (alone, and with the
// FilterExpression and ProjectionExpression guregu/dynamo sends with
// them), QueryFilter, ScanFilter and AttributesToGet on every read.
func TestLegacyReads(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "legacy_reads", "N")
	for i := 1; i <= 5; i++ {
		put(t, c, "legacy_reads", item{"pk": s("p"), "sk": n(fmt.Sprint(i)), "v": n(fmt.Sprint(i * 10)), "w": s("w")})
	}
	put(t, c, "legacy_reads", item{"pk": s("q"), "sk": n("1"), "v": n("99")})
	type C = map[string]types.Condition
	keys := func(rng ...types.Condition) C {
		m := C{"pk": {ComparisonOperator: "EQ", AttributeValueList: avl(s("p"))}}
		if len(rng) > 0 {
			m["sk"] = rng[0]
		}
		return m
	}
	render := func(items []item) string {
		var out []string
		for _, it := range items {
			out = append(out, fmt.Sprint(sortedAttrs(it)))
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		name string
		in   *dynamodb.QueryInput
		want string
	}{
		{"hash only", &dynamodb.QueryInput{KeyConditions: keys(), AttributesToGet: []string{"sk"}}, "[[sk=1] [sk=2] [sk=3] [sk=4] [sk=5]]"},
		{"between desc", &dynamodb.QueryInput{KeyConditions: keys(types.Condition{ComparisonOperator: "BETWEEN", AttributeValueList: avl(n("2"), n("4"))}),
			AttributesToGet: []string{"sk"}, ScanIndexForward: aws.Bool(false)}, "[[sk=4] [sk=3] [sk=2]]"},
		{"gt limit", &dynamodb.QueryInput{KeyConditions: keys(types.Condition{ComparisonOperator: "GT", AttributeValueList: avl(n("3"))}),
			AttributesToGet: []string{"sk"}, Limit: aws.Int32(1)}, "[[sk=4]]"},
		{"query filter or", &dynamodb.QueryInput{KeyConditions: keys(), AttributesToGet: []string{"v"}, ConditionalOperator: "OR",
			QueryFilter: C{"v": {ComparisonOperator: "LE", AttributeValueList: avl(n("10"))}, "w": {ComparisonOperator: "NULL"}}}, "[[v=10]]"},
		{"guregu style", &dynamodb.QueryInput{KeyConditions: keys(types.Condition{ComparisonOperator: "GE", AttributeValueList: avl(n("4"))}),
			FilterExpression: aws.String("#v > :v"), ProjectionExpression: aws.String("#v, sk"),
			ExpressionAttributeNames: map[string]string{"#v": "v"}, ExpressionAttributeValues: item{":v": n("40")}}, "[[sk=5 v=50]]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.TableName = aws.String("legacy_reads")
			out, err := c.Query(ctx, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(out.Items); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("legacy_reads"), AttributesToGet: []string{"v"},
		ScanFilter: map[string]types.Condition{"v": {ComparisonOperator: "IN", AttributeValueList: avl(n("20"), n("99"))}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := render(out.Items); got != "[[v=20] [v=99]]" && got != "[[v=99] [v=20]]" {
		t.Errorf("Scan = %s", got)
	}
	g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("legacy_reads"), Key: item{"pk": s("p"), "sk": n("1")}, AttributesToGet: []string{"w", "nosuch"}})
	if err != nil || fmt.Sprint(sortedAttrs(g.Item)) != "[w=w]" {
		t.Errorf("GetItem = %v, %v", g, err)
	}
	b, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"legacy_reads": {Keys: []item{{"pk": s("q"), "sk": n("1")}}, AttributesToGet: []string{"v"}}}})
	if err != nil || render(b.Responses["legacy_reads"]) != "[[v=99]]" {
		t.Errorf("BatchGetItem = %v, %v", b, err)
	}
}

// TestLegacyLarge covers what the translation into expressions splits to
// stay within the expression limits: IN lists above 100 values and
// AttributeUpdates of many attributes.
func TestLegacyLarge(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "legacy_large", "")
	put(t, c, "legacy_large", item{"pk": s("a"), "n": n("149")})
	var in []types.AttributeValue
	for i := 0; i < 150; i++ {
		in = append(in, n(fmt.Sprint(i)))
	}
	updates := map[string]types.AttributeValueUpdate{}
	for i := 0; i < 120; i++ {
		updates[fmt.Sprintf("attr%03d", i)] = types.AttributeValueUpdate{Action: "ADD", Value: n(fmt.Sprint(i))}
	}
	out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("legacy_large"), Key: item{"pk": s("a")},
		Expected: map[string]types.ExpectedAttributeValue{"n": cond("IN", in...)}, AttributeUpdates: updates, ReturnValues: types.ReturnValueUpdatedNew})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Attributes) != 120 || numOf(out.Attributes["attr119"]) != "119" {
		t.Errorf("UPDATED_NEW has %d attributes, attr119 = %v", len(out.Attributes), out.Attributes["attr119"])
	}
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("legacy_large"), Key: item{"pk": s("a")},
		Expected: map[string]types.ExpectedAttributeValue{"n": cond("IN", in[:149]...)}, AttributeUpdates: updates})
	wantCode(t, err, "ConditionalCheckFailedException", "The conditional request failed")
}
