package ddbtest

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Tests of global secondary indexes with multi-attribute keys (up to four
// partition and four sort attributes), through the SDK client.

// mkAttr is one key attribute of a test index.
type mkAttr struct {
	name string
	typ  types.ScalarAttributeType
}

// mkSchema is the key schema of a test index: partition then sort
// attributes, in order.
type mkSchema struct{ hash, rng []mkAttr }

func (ks mkSchema) keySchema() []types.KeySchemaElement {
	var out []types.KeySchemaElement
	for _, a := range ks.hash {
		out = append(out, types.KeySchemaElement{AttributeName: aws.String(a.name), KeyType: types.KeyTypeHash})
	}
	for _, a := range ks.rng {
		out = append(out, types.KeySchemaElement{AttributeName: aws.String(a.name), KeyType: types.KeyTypeRange})
	}
	return out
}

func (ks mkSchema) attrDefs() []types.AttributeDefinition {
	var out []types.AttributeDefinition
	for _, a := range slices.Concat(ks.hash, ks.rng) {
		out = append(out, types.AttributeDefinition{AttributeName: aws.String(a.name), AttributeType: a.typ})
	}
	return out
}

// gsi returns the definition of index "idx" with key schema ks,
// projecting every attribute.
func (ks mkSchema) gsi() types.GlobalSecondaryIndex {
	return types.GlobalSecondaryIndex{
		IndexName:  aws.String("idx"),
		KeySchema:  ks.keySchema(),
		Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
	}
}

// mkIndexTable creates table name (key pk, S) with GSI "idx" of schema ks.
func mkIndexTable(t testing.TB, c *dynamodb.Client, name string, ks mkSchema) {
	t.Helper()
	mkTable(t, c, name, "", func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, ks.attrDefs()...)
		in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{ks.gsi()}
	})
}

// mkValue returns a value of type typ made from i.
func mkValue(typ types.ScalarAttributeType, i int) types.AttributeValue {
	switch typ {
	case types.ScalarAttributeTypeN:
		return n(strconv.Itoa(i))
	case types.ScalarAttributeTypeB:
		return &types.AttributeValueMemberB{Value: []byte{byte(i)}}
	}
	return s("v" + strconv.Itoa(i))
}

var mkTypes = []types.ScalarAttributeType{types.ScalarAttributeTypeS, types.ScalarAttributeTypeN, types.ScalarAttributeTypeB}

// TestMultiKeyCreate creates indexes of every size (1 to 4 partition
// attributes, 0 to 4 sort attributes, of mixed types), checks that
// DescribeTable reports the key schema as sent, and queries one item back
// with every attribute given.
func TestMultiKeyCreate(t *testing.T) {
	t.Parallel()
	c := client(t)
	for h := 1; h <= 4; h++ {
		for r := 0; r <= 4; r++ {
			t.Run(fmt.Sprintf("h%dr%d", h, r), func(t *testing.T) {
				t.Parallel()
				var ks mkSchema
				for i := range h {
					ks.hash = append(ks.hash, mkAttr{"h" + strconv.Itoa(i), mkTypes[(i+h+r)%3]})
				}
				for i := range r {
					ks.rng = append(ks.rng, mkAttr{"r" + strconv.Itoa(i), mkTypes[(i+h)%3]})
				}
				name := fmt.Sprintf("MKCreate%d%d", h, r)
				mkIndexTable(t, c, name, ks)
				d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
				if err != nil {
					t.Fatal(err)
				}
				got := d.Table.GlobalSecondaryIndexes[0].KeySchema
				if fmt.Sprint(keySchemaText(got)) != fmt.Sprint(keySchemaText(ks.keySchema())) {
					t.Errorf("DescribeTable KeySchema = %v, want %v", keySchemaText(got), keySchemaText(ks.keySchema()))
				}
				it := item{"pk": s("p")}
				var conds []string
				vals := map[string]types.AttributeValue{}
				for i, a := range slices.Concat(ks.hash, ks.rng) {
					it[a.name] = mkValue(a.typ, i+1)
					conds = append(conds, a.name+" = :v"+strconv.Itoa(i))
					vals[":v"+strconv.Itoa(i)] = it[a.name]
				}
				put(t, c, name, it)
				if h+r > 1 {
					put(t, c, name, item{"pk": s("sparse"), ks.hash[0].name: it[ks.hash[0].name]}) // lacks the others
				}
				out, err := c.Query(ctx, &dynamodb.QueryInput{
					TableName: aws.String(name), IndexName: aws.String("idx"),
					KeyConditionExpression:    aws.String(strings.Join(conds, " AND ")),
					ExpressionAttributeValues: vals,
				})
				if err != nil {
					t.Fatal(err)
				}
				if out.Count != 1 || strOf(out.Items[0]["pk"]) != "p" {
					t.Errorf("Query = %v", out.Items)
				}
			})
		}
	}
}

func keySchemaText(ks []types.KeySchemaElement) []string {
	var out []string
	for _, k := range ks {
		out = append(out, aws.ToString(k.AttributeName)+":"+string(k.KeyType))
	}
	return out
}

// TestMultiKeyCreateErrors checks the key schemas CreateTable and
// UpdateTable reject.
func TestMultiKeyCreateErrors(t *testing.T) {
	t.Parallel()
	c := client(t)
	S, N := types.ScalarAttributeTypeS, types.ScalarAttributeTypeN
	attrs := func(names ...string) []mkAttr {
		var out []mkAttr
		for _, n := range names {
			out = append(out, mkAttr{n, S})
		}
		return out
	}
	hashRange := func(h, r []string) []types.KeySchemaElement {
		return mkSchema{attrs(h...), attrs(r...)}.keySchema()
	}
	defs := func(names ...string) []types.AttributeDefinition {
		return mkSchema{hash: attrs(names...)}.attrDefs()
	}
	tests := []struct {
		name string
		ks   []types.KeySchemaElement
		defs []types.AttributeDefinition
		lsi  []types.KeySchemaElement // an LSI instead of a GSI (the table gets sort key sk)
		msg  string
	}{
		{name: "5 HASH", ks: hashRange([]string{"a", "b", "c", "d", "e"}, nil), defs: defs("a", "b", "c", "d", "e"),
			msg: "Invalid KeySchema: The KeySchema of a global secondary index can have at most 4 HASH KeySchemaElements, found 5"},
		{name: "5 RANGE", ks: hashRange([]string{"a"}, []string{"b", "c", "d", "e", "f"}), defs: defs("a", "b", "c", "d", "e", "f"),
			msg: "Invalid KeySchema: The KeySchema of a global secondary index can have at most 4 RANGE KeySchemaElements, found 5"},
		{name: "duplicate hash", ks: hashRange([]string{"a", "a"}, nil), defs: defs("a"),
			msg: "Invalid KeySchema: The attribute a appears more than once in the KeySchema"},
		{name: "duplicate across", ks: hashRange([]string{"a", "b"}, []string{"a"}), defs: defs("a", "b"),
			msg: "Invalid KeySchema: The attribute a appears more than once in the KeySchema"},
		{name: "two of one name", ks: hashRange([]string{"a"}, []string{"a"}), defs: defs("a"),
			msg: "Both the Hash Key and the Range Key element in the KeySchema have the same name"},
		{name: "undefined", ks: hashRange([]string{"a", "b"}, []string{"c"}), defs: defs("a", "b"),
			msg: "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [a, b, c], AttributeDefinitions: [pk, a, b]"},
		{name: "HASH after RANGE", ks: append(hashRange([]string{"a"}, []string{"b"}), hashRange([]string{"c"}, nil)...), defs: defs("a", "b", "c"),
			msg: "Invalid KeySchema: A HASH KeySchemaElement cannot follow a RANGE KeySchemaElement"},
		{name: "RANGE first", ks: hashRange(nil, []string{"a", "b"}), defs: defs("a", "b"),
			msg: "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{name: "too many", ks: hashRange([]string{"a", "b", "c", "d", "e"}, []string{"f", "g", "h", "i"}), defs: defs("a", "b", "c", "d", "e", "f", "g", "h", "i"),
			msg: "at most 4 HASH KeySchemaElements, found 5"},
		{name: "unused definition", ks: hashRange([]string{"a", "b"}, nil), defs: defs("a", "b", "c"),
			msg: "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{name: "LSI of 3", lsi: hashRange([]string{"pk"}, []string{"a", "b"}), defs: defs("sk", "a", "b"),
			msg: "at 'localSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{name: "LSI of 2 HASH", lsi: hashRange([]string{"pk", "a"}, nil), defs: defs("sk", "a"),
			msg: "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name := "MKErr" + strconv.Itoa(i)
			in := &dynamodb.CreateTableInput{
				TableName:            aws.String(name),
				AttributeDefinitions: append(defs("pk"), tt.defs...),
				KeySchema:            hashRange([]string{"pk"}, nil),
				BillingMode:          types.BillingModePayPerRequest,
			}
			if tt.lsi != nil {
				in.KeySchema = hashRange([]string{"pk"}, []string{"sk"})
				in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("lsi"), KeySchema: tt.lsi,
					Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
			} else {
				in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: aws.String("idx"), KeySchema: tt.ks,
					Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
			}
			_, err := c.CreateTable(ctx, in)
			wantCode(t, err, "ValidationException", tt.msg)
			if tt.lsi != nil {
				return
			}
			// The same index added by UpdateTable.
			mkTable(t, c, name, "")
			_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
				TableName:            aws.String(name),
				AttributeDefinitions: tt.defs,
				GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
					IndexName: aws.String("idx"), KeySchema: tt.ks, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
				}}},
			})
			if tt.name == "unused definition" { // UpdateTable drops unused definitions
				if err != nil {
					t.Fatalf("UpdateTable: %v", err)
				}
				return
			}
			wantCode(t, err, "ValidationException", tt.msg)
		})
	}
	// A table's key schema stays at most 2 elements.
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("MKErrTable"),
		AttributeDefinitions: mkSchema{hash: []mkAttr{{"a", S}, {"b", N}}}.attrDefs(),
		KeySchema:            mkSchema{hash: []mkAttr{{"a", S}, {"b", N}}}.keySchema(),
		BillingMode:          types.BillingModePayPerRequest,
	})
	wantCode(t, err, "ValidationException", "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
}

// mkQuerySchema is the index of TestMultiKeyQuery: partition (t S, r N),
// sort (y N, m N, d S).
var mkQuerySchema = mkSchema{
	hash: []mkAttr{{"t", types.ScalarAttributeTypeS}, {"r", types.ScalarAttributeTypeN}},
	rng:  []mkAttr{{"y", types.ScalarAttributeTypeN}, {"m", types.ScalarAttributeTypeN}, {"d", types.ScalarAttributeTypeS}},
}

// mkQueryItems are the items of TestMultiKeyQuery: pk, then t r y m d
// ("" for a missing attribute).
var mkQueryItems = [][6]string{
	{"1", "a", "1", "2024", "1", "x"},
	{"2", "a", "1", "2024", "2", "a"},
	{"3", "a", "1", "2024", "2", "b"},
	{"4", "a", "1", "2025", "1", "c"},
	{"5", "a", "1", "2025", "3", "a"},
	{"6", "a", "2", "2024", "1", "a"},
	{"7", "b", "1", "2024", "1", "a"},
	{"8", "a", "1", "", "1", "a"},    // no y: not in the index
	{"9", "a", "1", "2024", "1", ""}, // no d: not in the index
}

// mkQueryTable creates table name with the index of mkQuerySchema and
// mkQueryItems, on the shared server.
func mkQueryTable(t *testing.T, name string) *dynamodb.Client {
	t.Helper()
	c := client(t)
	mkIndexTable(t, c, name, mkQuerySchema)
	mkPutQueryItems(t, c, name)
	return c
}

func mkPutQueryItems(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	for _, row := range mkQueryItems {
		it := item{"pk": s(row[0]), "x": n("1")}
		for i, a := range slices.Concat(mkQuerySchema.hash, mkQuerySchema.rng) {
			if v := row[i+1]; v != "" {
				if a.typ == types.ScalarAttributeTypeN {
					it[a.name] = n(v)
				} else {
					it[a.name] = s(v)
				}
			}
		}
		put(t, c, name, it)
	}
}

// TestMultiKeyQuery runs every allowed shape of key condition on a
// multi-attribute index, and each disallowed one.
func TestMultiKeyQuery(t *testing.T) {
	t.Parallel()
	const name = "MKQuery"
	c := mkQueryTable(t, name)
	vals := map[string]types.AttributeValue{
		":a": s("a"), ":b": s("b"), ":one": n("1"), ":two": n("2"), ":three": n("3"),
		":y24": n("2024"), ":y25": n("2025"), ":da": s("a"), ":db": s("b"), ":daz": s("az"), ":s1": s("1"),
	}
	tests := []struct {
		cond   string
		desc   bool
		want   string // pks in order, or the error message
		legacy map[string]types.Condition
	}{
		{cond: "t = :a AND r = :one", want: "1 2 3 4 5"},
		{cond: "r = :one AND t = :a", desc: true, want: "5 4 3 2 1"},
		{cond: "t = :a AND r = :two", want: "6"},
		{cond: "t = :b AND r = :one", want: "7"},
		{cond: "t = :a AND r = :one AND y = :y24", want: "1 2 3"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m = :two", want: "2 3"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m = :two AND d = :db", want: "3"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m = :two AND begins_with(d, :da)", want: "2"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m = :two AND d > :da", want: "3"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m = :two AND d BETWEEN :da AND :daz", want: "2"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m > :one", want: "2 3"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m >= :two", want: "2 3"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m < :two", want: "1"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m <= :two", desc: true, want: "3 2 1"},
		{cond: "t = :a AND r = :one AND y BETWEEN :y24 AND :y25", want: "1 2 3 4 5"},
		{cond: "t = :a AND r = :one AND y > :y24", want: "4 5"},
		{cond: "t = :a AND r = :one AND y < :y25", desc: true, want: "3 2 1"},
		{cond: "t = :a AND r = :one AND y = :y25 AND m BETWEEN :two AND :three", want: "5"},
		{cond: "t = :a AND r = :one AND :y24 < y", want: "4 5"},
		// Disallowed shapes.
		{cond: "t = :a", want: "Query condition missed key schema element: r"},
		{cond: "r = :one AND y = :y24", want: "Query condition missed key schema element: t"},
		{cond: "t = :a AND r > :one", want: "Query key condition not supported"},
		{cond: "t = :a AND r = :one AND m = :two", want: "RANGE key attributes y must have equality conditions specified in the query because a condition is present on key attribute m"},
		{cond: "t = :a AND r = :one AND y = :y24 AND d = :da", want: "RANGE key attributes m must have equality conditions specified in the query because a condition is present on key attribute d"},
		{cond: "t = :a AND r = :one AND y > :y24 AND m = :one", want: "RANGE key attributes y must have equality conditions specified in the query because a condition is present on key attribute m"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m < :two AND d = :da", want: "RANGE key attributes m must have equality conditions specified in the query because a condition is present on key attribute d"},
		{cond: "t = :a AND r = :one AND x = :one", want: "Query condition missed key schema element: y"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m = :two AND d = :da AND x = :one", want: "Query key condition not supported"},
		{cond: "t = :a AND r = :s1", want: "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{cond: "t = :a AND r = :one AND y = :y24 AND m = :da", want: "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		// The legacy KeyConditions.
		{legacy: map[string]types.Condition{
			"t": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a")}},
			"r": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{n("1")}},
			"y": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{n("2024")}},
			"m": {ComparisonOperator: types.ComparisonOperatorGt, AttributeValueList: []types.AttributeValue{n("1")}},
		}, want: "2 3"},
		{legacy: map[string]types.Condition{
			"t": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a")}},
			"r": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{n("1")}},
			"m": {ComparisonOperator: types.ComparisonOperatorGt, AttributeValueList: []types.AttributeValue{n("1")}},
		}, want: "RANGE key attributes y must have equality conditions specified in the query because a condition is present on key attribute m"},
		{legacy: map[string]types.Condition{
			"t": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a")}},
			"r": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{n("1")}},
			"y": {ComparisonOperator: types.ComparisonOperatorNe, AttributeValueList: []types.AttributeValue{n("1")}},
		}, want: "Attempted conditional constraint is not an indexable operation"},
	}
	for _, tt := range tests {
		label := tt.cond
		if tt.legacy != nil {
			label = fmt.Sprint("legacy ", tt.want)
		}
		t.Run(label, func(t *testing.T) {
			t.Parallel()
			for _, limit := range []int32{0, 1, 2} {
				in := &dynamodb.QueryInput{TableName: aws.String(name), IndexName: aws.String("idx"), ScanIndexForward: aws.Bool(!tt.desc)}
				if tt.legacy != nil {
					in.KeyConditions = tt.legacy
				} else {
					in.KeyConditionExpression = aws.String(tt.cond)
					in.ExpressionAttributeValues = map[string]types.AttributeValue{}
					for _, k := range placeholder.FindAllString(tt.cond, -1) {
						in.ExpressionAttributeValues[k] = vals[k]
					}
				}
				if limit > 0 {
					in.Limit = aws.Int32(limit)
				}
				var got []string
				p := dynamodb.NewQueryPaginator(c, in)
				for p.HasMorePages() {
					out, err := p.NextPage(ctx)
					if err != nil {
						if tt.want[0] >= '0' && tt.want[0] <= '9' {
							t.Fatalf("Query: %v", err)
						}
						wantCode(t, err, "ValidationException", tt.want)
						return
					}
					for _, it := range out.Items {
						got = append(got, strOf(it["pk"]))
					}
					if lek := out.LastEvaluatedKey; lek != nil && len(lek) != 6 {
						t.Errorf("LastEvaluatedKey %v: want pk and the 5 index key attributes", lek)
					}
				}
				if g := strings.Join(got, " "); g != tt.want {
					t.Errorf("Limit %d: got %q, want %q", limit, g, tt.want)
				}
			}
		})
	}
}

var placeholder = regexp.MustCompile(`:[a-z0-9]+`)

// TestMultiKeyReads checks the other reads of a multi-attribute
// index: filters on its key attributes, consumed capacity, starting keys,
// Scan.
func TestMultiKeyReads(t *testing.T) {
	t.Parallel()
	const name = "MKRead"
	c := mkQueryTable(t, name)
	keyVals := map[string]types.AttributeValue{":a": s("a"), ":one": n("1")}
	_, err := c.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(name), IndexName: aws.String("idx"),
		KeyConditionExpression: aws.String("t = :a AND r = :one"), FilterExpression: aws.String("m = :one"),
		ExpressionAttributeValues: keyVals,
	})
	wantCode(t, err, "ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: m")

	// Consumed capacity is the index's, as for any index.
	out, err := c.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(name), IndexName: aws.String("idx"),
		KeyConditionExpression: aws.String("t = :a AND r = :one"), ExpressionAttributeValues: keyVals,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
	})
	if err != nil {
		t.Fatal(err)
	}
	if cc := out.ConsumedCapacity; cc == nil || *cc.CapacityUnits != 0.5 || *cc.GlobalSecondaryIndexes["idx"].CapacityUnits != 0.5 {
		t.Errorf("ConsumedCapacity = %+v", cc)
	}

	// A starting key needs every key attribute of the table and index.
	esk := item{"pk": s("2"), "t": s("a"), "r": n("1"), "y": n("2024"), "m": n("2"), "d": s("a")}
	out, err = c.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(name), IndexName: aws.String("idx"),
		KeyConditionExpression: aws.String("t = :a AND r = :one"), ExpressionAttributeValues: keyVals, ExclusiveStartKey: esk,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(pksOf(out.Items)); got != "[3 4 5]" {
		t.Errorf("after %v: %v", esk, got)
	}
	short := maps(esk)
	delete(short, "d")
	_, err = c.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(name), IndexName: aws.String("idx"),
		KeyConditionExpression: aws.String("t = :a AND r = :one"), ExpressionAttributeValues: keyVals, ExclusiveStartKey: short,
	})
	wantCode(t, err, "ValidationException", "The provided starting key is invalid")
	wrong := maps(esk)
	wrong["d"] = n("1")
	_, err = c.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(name), IndexName: aws.String("idx"),
		KeyConditionExpression: aws.String("t = :a AND r = :one"), ExpressionAttributeValues: keyVals, ExclusiveStartKey: wrong,
	})
	wantCode(t, err, "ValidationException", "The provided starting key is invalid: The provided key element does not match the schema")
	_, err = c.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(name), IndexName: aws.String("idx"),
		KeyConditionExpression:    aws.String("t = :a AND r = :one AND y = :y"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":a": s("a"), ":one": n("1"), ":y": n("2025")}, ExclusiveStartKey: esk,
	})
	wantCode(t, err, "ValidationException", "The provided starting key is outside query boundaries based on provided conditions")

	// A Scan of the index holds the indexed items only, paged by any Limit.
	for _, limit := range []int32{0, 1, 3} {
		in := &dynamodb.ScanInput{TableName: aws.String(name), IndexName: aws.String("idx")}
		if limit > 0 {
			in.Limit = aws.Int32(limit)
		}
		var got []string
		for p := dynamodb.NewScanPaginator(c, in); p.HasMorePages(); {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, pksOf(out.Items)...)
		}
		slices.Sort(got)
		if fmt.Sprint(got) != "[1 2 3 4 5 6 7]" {
			t.Errorf("Scan Limit %d = %v", limit, got)
		}
	}

	// A table's Query still takes at most two conditions.
	mkTable(t, c, name+"Table", "S")
	_, err = c.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(name + "Table"), KeyConditionExpression: aws.String("pk = :a AND sk = :a AND x = :a"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":a": s("a")},
	})
	wantCode(t, err, "ValidationException", "Conditions can be of length 1 or 2 only")
}

func pksOf(items []item) []string {
	var out []string
	for _, it := range items {
		out = append(out, strOf(it["pk"]))
	}
	return out
}

func maps(it item) item {
	out := item{}
	for k, v := range it {
		out[k] = v
	}
	return out
}

// mkIndexPKs queries partition (t, r) of the TestMultiKeyQuery index and
// returns the pks in order.
func mkIndexPKs(t *testing.T, c *dynamodb.Client, name, tv, rv string) string {
	t.Helper()
	all, _ := queryAll(t, c, &dynamodb.QueryInput{
		TableName: aws.String(name), IndexName: aws.String("idx"),
		KeyConditionExpression:    aws.String("t = :t AND r = :r"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": s(tv), ":r": n(rv)},
	})
	return strings.Join(pksOf(all), " ")
}

// TestMultiKeyMove updates the key attributes of items: they move between
// the index's partitions, change places in sort order, and leave the index
// when they lose an attribute.
func TestMultiKeyMove(t *testing.T) {
	t.Parallel()
	const name = "MKMove"
	c := mkQueryTable(t, name)
	update := func(pk, expr string, vals map[string]types.AttributeValue) {
		t.Helper()
		_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(name), Key: item{"pk": s(pk)},
			UpdateExpression: aws.String(expr), ExpressionAttributeValues: vals,
		})
		if err != nil {
			t.Fatalf("UpdateItem %s %s: %v", pk, expr, err)
		}
	}
	count := func() int64 {
		t.Helper()
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return *d.Table.GlobalSecondaryIndexes[0].ItemCount
	}
	steps := []struct {
		do         func()
		a1, a2, b1 string // partitions (a,1), (a,2), (b,1)
		count      int64
	}{
		{func() {}, "1 2 3 4 5", "6", "7", 7},
		{func() { update("1", "SET r = :two", map[string]types.AttributeValue{":two": n("2")}) }, "2 3 4 5", "6 1", "7", 7},
		{func() { update("5", "SET t = :b", map[string]types.AttributeValue{":b": s("b")}) }, "2 3 4", "6 1", "7 5", 7},
		{func() { update("4", "SET y = :y", map[string]types.AttributeValue{":y": n("2023")}) }, "4 2 3", "6 1", "7 5", 7},
		{func() { update("3", "SET m = :m", map[string]types.AttributeValue{":m": n("0")}) }, "4 3 2", "6 1", "7 5", 7},
		{func() { update("2", "REMOVE d", nil) }, "4 3", "6 1", "7 5", 6},
		{func() { update("8", "SET y = :y", map[string]types.AttributeValue{":y": n("2030")}) }, "4 3 8", "6 1", "7 5", 7},
		{func() { update("9", "SET d = :d", map[string]types.AttributeValue{":d": s("z")}) }, "4 3 9 8", "6 1", "7 5", 8},
		{func() { update("6", "SET x = :x", map[string]types.AttributeValue{":x": n("5")}) }, "4 3 9 8", "6 1", "7 5", 8},
		{func() {
			if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(name), Key: item{"pk": s("7")}}); err != nil {
				t.Fatal(err)
			}
		}, "4 3 9 8", "6 1", "5", 7},
		{func() {
			put(t, c, name, item{"pk": s("3"), "t": s("b"), "r": n("1"), "y": n("1"), "m": n("1"), "d": s("d")})
		}, "4 9 8", "6 1", "3 5", 7},
	}
	for i, st := range steps {
		st.do()
		got := [3]string{mkIndexPKs(t, c, name, "a", "1"), mkIndexPKs(t, c, name, "a", "2"), mkIndexPKs(t, c, name, "b", "1")}
		if want := [3]string{st.a1, st.a2, st.b1}; got != want {
			t.Errorf("step %d: partitions %q, want %q", i, got, want)
		}
		if got := count(); got != st.count {
			t.Errorf("step %d: ItemCount %d, want %d", i, got, st.count)
		}
	}
	// A key attribute of the wrong type is refused on write.
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: item{"pk": s("w"), "t": s("a"), "r": s("1")}})
	wantCode(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key r Expected: N Actual: S IndexName: idx")
}

// TestMultiKeyBackfill adds a multi-attribute index with UpdateTable to a
// table that has items: those with every key attribute, of the declared
// types, are indexed.
func TestMultiKeyBackfill(t *testing.T) {
	t.Parallel()
	c := client(t)
	const name = "MKBackfill"
	mkTable(t, c, name, "")
	mkPutQueryItems(t, c, name)
	put(t, c, name, item{"pk": s("w"), "t": s("a"), "r": s("1"), "y": n("1"), "m": n("1"), "d": s("a")}) // r is not N
	ks := mkQuerySchema
	_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: ks.attrDefs(),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("idx"), KeySchema: ks.keySchema(), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	g := d.Table.GlobalSecondaryIndexes[0]
	if fmt.Sprint(keySchemaText(g.KeySchema)) != fmt.Sprint(keySchemaText(ks.keySchema())) || *g.ItemCount != 7 {
		t.Errorf("index %v, %d items", keySchemaText(g.KeySchema), *g.ItemCount)
	}
	if got := mkIndexPKs(t, c, name, "a", "1"); got != "1 2 3 4 5" {
		t.Errorf("partition (a, 1) = %q", got)
	}
}

// TestMultiKeyPaging pages through large partitions with every Limit and
// both directions.
func TestMultiKeyPaging(t *testing.T) {
	t.Parallel()
	c := client(t)
	const name = "MKPaging"
	ks := mkSchema{
		hash: []mkAttr{{"h1", types.ScalarAttributeTypeN}, {"h2", types.ScalarAttributeTypeB}},
		rng:  []mkAttr{{"s1", types.ScalarAttributeTypeS}, {"s2", types.ScalarAttributeTypeN}},
	}
	mkIndexTable(t, c, name, ks)
	const per = 120
	for p := range 2 {
		for i := range per {
			// s1 values of several lengths, so that concatenated
			// encodings of unequal lengths are compared.
			put(t, c, name, item{
				"pk": s(fmt.Sprintf("%d-%03d", p, i)),
				"h1": n("7"), "h2": &types.AttributeValueMemberB{Value: []byte{byte(p)}},
				"s1": s(strings.Repeat("a", 1+i%4)), "s2": n(strconv.Itoa(per - i)),
			})
		}
	}
	for _, fwd := range []bool{true, false} {
		var first []string
		for _, limit := range []int32{0, 1, 7, 50} {
			in := &dynamodb.QueryInput{
				TableName: aws.String(name), IndexName: aws.String("idx"), ScanIndexForward: aws.Bool(fwd),
				KeyConditionExpression:    aws.String("h1 = :h1 AND h2 = :h2"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":h1": n("7"), ":h2": &types.AttributeValueMemberB{Value: []byte{1}}},
			}
			if limit > 0 {
				in.Limit = aws.Int32(limit)
			}
			all, pages := queryAll(t, c, in)
			if len(all) != per {
				t.Fatalf("Limit %d: %d items", limit, len(all))
			}
			if limit > 1 && pages < per/int(limit) {
				t.Errorf("Limit %d: %d pages", limit, pages)
			}
			var keys []string
			for _, it := range all {
				if strOf(it["h2"]) != "[1]" {
					t.Fatalf("item from another partition: %v", it)
				}
				s2, _ := strconv.Atoi(strOf(it["s2"]))
				keys = append(keys, fmt.Sprintf("%s/%04d", strOf(it["s1"]), s2))
			}
			sorted := slices.Clone(keys)
			slices.Sort(sorted)
			if !fwd {
				slices.Reverse(sorted)
			}
			if !slices.Equal(keys, sorted) {
				t.Errorf("Limit %d forward %v: not in order: %v", limit, fwd, keys)
			}
			if first == nil {
				first = pksOf(all)
			} else if !slices.Equal(first, pksOf(all)) {
				t.Errorf("Limit %d forward %v: other items than without Limit", limit, fwd)
			}
		}
	}
}

// TestMultiKeyProperty compares Queries with random allowed key
// conditions on random items with a brute-force filter and sort of a Scan
// of the table.
func TestMultiKeyProperty(t *testing.T) {
	t.Parallel()
	c := client(t)
	schemas := []mkSchema{
		{hash: []mkAttr{{"a", types.ScalarAttributeTypeS}, {"b", types.ScalarAttributeTypeN}},
			rng: []mkAttr{{"c", types.ScalarAttributeTypeN}, {"d", types.ScalarAttributeTypeS}, {"e", types.ScalarAttributeTypeB}}},
		{hash: []mkAttr{{"a", types.ScalarAttributeTypeB}},
			rng: []mkAttr{{"b", types.ScalarAttributeTypeS}, {"c", types.ScalarAttributeTypeS}, {"d", types.ScalarAttributeTypeN}, {"e", types.ScalarAttributeTypeN}}},
		{hash: []mkAttr{{"a", types.ScalarAttributeTypeN}, {"b", types.ScalarAttributeTypeS}, {"c", types.ScalarAttributeTypeB}, {"d", types.ScalarAttributeTypeN}},
			rng: []mkAttr{{"e", types.ScalarAttributeTypeN}}},
	}
	for si, ks := range schemas {
		t.Run(strconv.Itoa(si), func(t *testing.T) {
			t.Parallel()
			rnd := rand.New(rand.NewPCG(uint64(si), 12))
			name := "MKProp" + strconv.Itoa(si)
			mkIndexTable(t, c, name, ks)
			attrs := slices.Concat(ks.hash, ks.rng)
			// Small domains, so that equalities match often.
			randValue := func(typ types.ScalarAttributeType) types.AttributeValue {
				switch typ {
				case types.ScalarAttributeTypeN:
					return n([]string{"-10", "-1.5", "0", "0.25", "1", "2", "10", "100"}[rnd.IntN(8)])
				case types.ScalarAttributeTypeB:
					return &types.AttributeValueMemberB{Value: [][]byte{{0}, {0, 0}, {1}, {1, 2}, {0xff}}[rnd.IntN(5)]}
				}
				return s([]string{"a", "ab", "abc", "b", "ba", "\x00", "z"}[rnd.IntN(7)])
			}
			for i := range 250 {
				it := item{"pk": s(strconv.Itoa(i))}
				for _, a := range attrs {
					if rnd.IntN(30) > 0 { // sometimes missing: sparse
						it[a.name] = randValue(a.typ)
					}
				}
				if i%3 == 0 { // fewer partitions
					for _, a := range ks.hash {
						it[a.name] = mkValue(a.typ, 1)
					}
				}
				put(t, c, name, it)
			}
			all, err := scanAll(c, &dynamodb.ScanInput{TableName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			ops := []string{"<", "<=", ">", ">=", "BETWEEN", "begins_with"}
			nonEmpty := 0
			defer func() { t.Logf("%d of 150 queries returned items", nonEmpty) }()
			for q := range 150 {
				// A partition: that of a random item, or one of nothing.
				base := all[rnd.IntN(len(all))]
				vals := map[string]types.AttributeValue{}
				var conds []string
				var check []func(item) bool
				eq := func(a mkAttr, v types.AttributeValue) {
					k := ":v" + strconv.Itoa(len(vals))
					vals[k] = v
					conds = append(conds, a.name+" = "+k)
					check = append(check, func(it item) bool { return mkCompare(it[a.name], v) == 0 })
				}
				pick := func(a mkAttr) types.AttributeValue {
					if v, ok := base[a.name]; ok && rnd.IntN(4) > 0 {
						return v
					}
					return randValue(a.typ)
				}
				for _, a := range ks.hash {
					eq(a, pick(a))
				}
				given := rnd.IntN(len(ks.rng) + 1)
				for i, a := range ks.rng[:given] {
					op := "="
					if i == given-1 && rnd.IntN(3) > 0 {
						op = ops[rnd.IntN(len(ops))]
						if op == "begins_with" && a.typ == types.ScalarAttributeTypeN {
							op = ">"
						}
					}
					v := pick(a)
					switch op {
					case "=":
						eq(a, v)
						continue
					case "BETWEEN":
						w := randValue(a.typ)
						if mkCompare(v, w) > 0 {
							v, w = w, v
						}
						lo, hi := ":v"+strconv.Itoa(len(vals)), ":v"+strconv.Itoa(len(vals)+1)
						vals[lo], vals[hi] = v, w
						conds = append(conds, a.name+" BETWEEN "+lo+" AND "+hi)
						check = append(check, func(it item) bool { return mkCompare(it[a.name], v) >= 0 && mkCompare(it[a.name], w) <= 0 })
						continue
					case "begins_with":
						if bv, ok := v.(*types.AttributeValueMemberB); ok {
							v = &types.AttributeValueMemberB{Value: bv.Value[:1+rnd.IntN(len(bv.Value))]}
						} else {
							sv := strOf(v)
							v = s(sv[:rnd.IntN(len(sv))+1])
						}
					}
					k := ":v" + strconv.Itoa(len(vals))
					vals[k] = v
					if op == "begins_with" {
						conds = append(conds, "begins_with("+a.name+", "+k+")")
					} else {
						conds = append(conds, a.name+" "+op+" "+k)
					}
					check = append(check, func(it item) bool { return mkMatch(op, it[a.name], v) })
				}
				// Brute force: the indexed items (every key attribute,
				// declared types) that satisfy every condition, sorted by
				// the sort attributes.
				var want []item
				for _, it := range all {
					ok := true
					for _, a := range attrs {
						if v, has := it[a.name]; !has || mkType(v) != a.typ {
							ok = false
						}
					}
					for _, f := range check {
						ok = ok && f(it)
					}
					if ok {
						want = append(want, it)
					}
				}
				sortKey := func(it item) []types.AttributeValue {
					var out []types.AttributeValue
					for _, a := range ks.rng {
						out = append(out, it[a.name])
					}
					return out
				}
				cmpItems := func(x, y item) int {
					kx, ky := sortKey(x), sortKey(y)
					for i := range kx {
						if c := mkCompare(kx[i], ky[i]); c != 0 {
							return c
						}
					}
					return 0
				}
				slices.SortStableFunc(want, cmpItems)
				fwd := rnd.IntN(2) == 0
				if !fwd {
					slices.Reverse(want)
				}
				in := &dynamodb.QueryInput{
					TableName: aws.String(name), IndexName: aws.String("idx"), ScanIndexForward: aws.Bool(fwd),
					KeyConditionExpression: aws.String(strings.Join(conds, " AND ")), ExpressionAttributeValues: vals,
				}
				if rnd.IntN(2) == 0 {
					in.Limit = aws.Int32(int32(1 + rnd.IntN(5)))
				}
				got, _ := queryAll(t, c, in)
				// Items of equal sort keys come in table key hash order:
				// compare the sequence of sort keys, and the sets of items.
				if len(got) != len(want) {
					t.Fatalf("query %d %q %v: %d items, want %d", q, *in.KeyConditionExpression, vals, len(got), len(want))
				}
				for i := range got {
					if cmpItems(got[i], want[i]) != 0 {
						t.Fatalf("query %d %q: item %d has sort key %v, want %v", q, *in.KeyConditionExpression, i, sortKey(got[i]), sortKey(want[i]))
					}
				}
				nonEmpty += min(len(got), 1)
				gp, wp := pksOf(got), pksOf(want)
				slices.Sort(gp)
				slices.Sort(wp)
				if !slices.Equal(gp, wp) {
					t.Fatalf("query %d %q: items %v, want %v", q, *in.KeyConditionExpression, gp, wp)
				}
			}
		})
	}
}

func mkType(v types.AttributeValue) types.ScalarAttributeType {
	switch v.(type) {
	case *types.AttributeValueMemberN:
		return types.ScalarAttributeTypeN
	case *types.AttributeValueMemberB:
		return types.ScalarAttributeTypeB
	case *types.AttributeValueMemberS:
		return types.ScalarAttributeTypeS
	}
	return ""
}

// mkCompare orders two values of one scalar type as DynamoDB does:
// numbers by value, strings and binaries by bytes.
func mkCompare(x, y types.AttributeValue) int {
	switch x := x.(type) {
	case *types.AttributeValueMemberN:
		a, _ := new(big.Rat).SetString(x.Value)
		b, _ := new(big.Rat).SetString(y.(*types.AttributeValueMemberN).Value)
		return a.Cmp(b)
	case *types.AttributeValueMemberB:
		return bytes.Compare(x.Value, y.(*types.AttributeValueMemberB).Value)
	}
	return strings.Compare(strOf(x), strOf(y))
}

// mkMatch reports whether v satisfies "v op w".
func mkMatch(op string, v, w types.AttributeValue) bool {
	switch op {
	case "begins_with":
		if b, ok := v.(*types.AttributeValueMemberB); ok {
			return bytes.HasPrefix(b.Value, w.(*types.AttributeValueMemberB).Value)
		}
		return strings.HasPrefix(strOf(v), strOf(w))
	case "<":
		return mkCompare(v, w) < 0
	case "<=":
		return mkCompare(v, w) <= 0
	case ">":
		return mkCompare(v, w) > 0
	}
	return mkCompare(v, w) >= 0 // ">="
}

// TestMultiKeyBolt stores a table with a multi-attribute index (one
// created with the table, one added by UpdateTable) in a bolt store,
// reopens it, and reads the indexes back.
func TestMultiKeyBolt(t *testing.T) {
	t.Parallel()
	store := boltReopener(t)
	open := func() *Server { return NewServer(WithStore(store())) }
	srv := open()
	c := boltClient(srv.URL)
	const name = "MKBolt"
	mkIndexTable(t, c, name, mkQuerySchema)
	mkPutQueryItems(t, c, name)
	second := mkSchema{hash: []mkAttr{{"d", types.ScalarAttributeTypeS}, {"t", types.ScalarAttributeTypeS}}, rng: []mkAttr{{"m", types.ScalarAttributeTypeN}, {"pk", types.ScalarAttributeTypeS}}}
	_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: second.attrDefs(),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("idx2"), KeySchema: second.keySchema(), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	queryIdx2 := func(c *dynamodb.Client) string {
		all, _ := queryAll(t, c, &dynamodb.QueryInput{
			TableName: aws.String(name), IndexName: aws.String("idx2"), ScanIndexForward: aws.Bool(false),
			KeyConditionExpression:    aws.String("d = :d AND t = :t AND m <= :m"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":d": s("a"), ":t": s("a"), ":m": n("2")},
		})
		return strings.Join(pksOf(all), " ")
	}
	before := [2]string{mkIndexPKs(t, c, name, "a", "1"), queryIdx2(c)}
	if before != [2]string{"1 2 3 4 5", "2 8 6"} {
		t.Fatalf("before reopen: %q", before)
	}
	srv.Close()

	srv = open()
	defer srv.Close()
	c = boltClient(srv.URL)
	if after := [2]string{mkIndexPKs(t, c, name, "a", "1"), queryIdx2(c)}; after != before {
		t.Errorf("after reopen: %q, want %q", after, before)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for i, ks := range []mkSchema{mkQuerySchema, second} {
		if got := keySchemaText(d.Table.GlobalSecondaryIndexes[i].KeySchema); fmt.Sprint(got) != fmt.Sprint(keySchemaText(ks.keySchema())) {
			t.Errorf("index %d KeySchema after reopen = %v", i, got)
		}
	}
	// Writes after reopening maintain the index.
	put(t, c, name, item{"pk": s("0"), "t": s("a"), "r": n("1"), "y": n("1999"), "m": n("1"), "d": s("q")})
	if got := mkIndexPKs(t, c, name, "a", "1"); got != "0 1 2 3 4 5" {
		t.Errorf("after a write: %q", got)
	}
}

// TestMultiKeyPartiQL selects from a multi-attribute index with PartiQL:
// equalities on every partition attribute make a Query (in index order),
// anything else a Scan of the index.
func TestMultiKeyPartiQL(t *testing.T) {
	t.Parallel()
	const name = "MKPartiQL"
	c := mkQueryTable(t, name)
	tests := []struct {
		stmt   string
		params []types.AttributeValue
		want   string
		sorted bool // compare sorted (a Scan's order)
	}{
		{`SELECT pk FROM "MKPartiQL"."idx" WHERE t = ? AND r = ?`, []types.AttributeValue{s("a"), n("1")}, "1 2 3 4 5", false},
		{`SELECT pk FROM "MKPartiQL"."idx" WHERE r = ? AND t = ? ORDER BY y DESC`, []types.AttributeValue{n("1"), s("a")}, "5 4 3 2 1", false},
		{`SELECT pk FROM "MKPartiQL"."idx" WHERE t = ? AND r = ? AND y = ? AND m > ?`, []types.AttributeValue{s("a"), n("1"), n("2024"), n("1")}, "2 3", false},
		{`SELECT pk FROM "MKPartiQL"."idx" WHERE t = ? AND r = ? AND y = ? AND m = ? AND begins_with(d, ?)`, []types.AttributeValue{s("a"), n("1"), n("2024"), n("2"), s("b")}, "3", false},
		{`SELECT pk FROM "MKPartiQL"."idx" WHERE t = ? AND r = ? AND y > ? AND m = ?`, []types.AttributeValue{s("a"), n("1"), n("2024"), n("1")}, "4", true},
		{`SELECT pk FROM "MKPartiQL"."idx" WHERE t = ? AND x = ?`, []types.AttributeValue{s("a"), n("1")}, "1 2 3 4 5 6", true},
	}
	for _, tt := range tests {
		all, err := statementAll(c, &dynamodb.ExecuteStatementInput{Statement: aws.String(tt.stmt), Parameters: tt.params})
		if err != nil {
			t.Errorf("%s: %v", tt.stmt, err)
			continue
		}
		got := pksOf(all)
		if tt.sorted {
			slices.Sort(got)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s = %q, want %q", tt.stmt, g, tt.want)
		}
	}
}
