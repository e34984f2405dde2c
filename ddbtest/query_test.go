package ddbtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func strOf(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberB:
		return fmt.Sprint(v.Value)
	}
	return fmt.Sprintf("%#v", v)
}

func sks(items []item) []string {
	var out []string
	for _, it := range items {
		out = append(out, strOf(it["sk"]))
	}
	return out
}

// queryAll pages through a query and returns every item.
func queryAll(t testing.TB, c *dynamodb.Client, in *dynamodb.QueryInput) ([]item, int) {
	t.Helper()
	var all []item
	pages := 0
	p := dynamodb.NewQueryPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		all = append(all, out.Items...)
		pages++
	}
	return all, pages
}

func TestSortOrder(t *testing.T) {
	t.Parallel()
	c := client(t)
	nums := []string{"-1e10", "-100", "-2.5", "-2", "-0.001", "0", "1e-130", "0.001", "0.5", "1", "1.5", "2", "10", "100", "123456789012345678901234567890123456.78", "9.9999999999999999999999999999999999999e125"}
	strs := []string{"", "A", "Z", "a", "a\x00", "a\x00b", "aa", "ab", "b", "é", "中"}[1:]
	bins := [][]byte{{0}, {0, 0}, {0, 1}, {1}, {1, 0}, {0xff}, {0xff, 0xff}}
	for _, typ := range []string{"N", "S", "B"} {
		name := "order" + typ
		mkTable(t, c, name, typ)
		var want []string
		var vals []types.AttributeValue
		switch typ {
		case "N":
			for _, x := range nums {
				vals = append(vals, n(x))
			}
		case "S":
			for _, x := range strs {
				vals = append(vals, s(x))
			}
		case "B":
			for _, x := range bins {
				vals = append(vals, &types.AttributeValueMemberB{Value: x})
			}
		}
		perm := rand.Perm(len(vals))
		for _, i := range perm {
			put(t, c, name, item{"pk": s("p"), "sk": vals[i]})
		}
		for _, v := range vals {
			want = append(want, strOf(v))
		}
		if typ == "N" {
			// Canonical forms of the numbers written with exponents.
			want[0] = "-10000000000"
			want[6] = "0." + strings.Repeat("0", 129) + "1"
			want[len(want)-1] = strings.Repeat("9", 38) + strings.Repeat("0", 88)
		}
		got, _ := queryAll(t, c, &dynamodb.QueryInput{TableName: aws.String(name), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: item{":p": s("p")}})
		if g := sks(got); !slices.Equal(g, want) {
			t.Fatalf("%s order:\n got %q\nwant %q", typ, g, want)
		}
		back, _ := queryAll(t, c, &dynamodb.QueryInput{TableName: aws.String(name), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: item{":p": s("p")}, ScanIndexForward: aws.Bool(false), Limit: aws.Int32(3)})
		slices.Reverse(want)
		if g := sks(back); !slices.Equal(g, want) {
			t.Fatalf("%s reverse order:\n got %q\nwant %q", typ, g, want)
		}
	}
}

func TestQueryConditions(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "qcond", "S")
	for _, p := range []string{"p", "q"} {
		for _, sk := range []string{"a", "b", "ba", "bb", "c", "d"} {
			put(t, c, "qcond", item{"pk": s(p), "sk": s(sk), "f": n(fmt.Sprint(len(sk)))})
		}
	}
	cases := []struct {
		cond string
		vals item
		want string
	}{
		{"pk = :p", nil, "a,b,ba,bb,c,d"},
		{"pk = :p AND sk = :b", item{":b": s("b")}, "b"},
		{"pk = :p AND sk < :b", item{":b": s("b")}, "a"},
		{"pk = :p AND sk <= :b", item{":b": s("b")}, "a,b"},
		{"pk = :p AND sk > :b", item{":b": s("b")}, "ba,bb,c,d"},
		{"pk = :p AND sk >= :b", item{":b": s("b")}, "b,ba,bb,c,d"},
		{"pk = :p AND sk BETWEEN :b AND :c", item{":b": s("b"), ":c": s("c")}, "b,ba,bb,c"},
		{"pk = :p AND begins_with(sk, :b)", item{":b": s("b")}, "b,ba,bb"},
		{":p = pk AND :b < sk", item{":b": s("c")}, "d"},
	}
	for _, tc := range cases {
		vals := item{":p": s("p")}
		for k, v := range tc.vals {
			vals[k] = v
		}
		for _, fwd := range []bool{true, false} {
			for _, limit := range []int32{0, 1} {
				in := &dynamodb.QueryInput{TableName: aws.String("qcond"), KeyConditionExpression: aws.String(tc.cond), ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(fwd)}
				if limit > 0 {
					in.Limit = aws.Int32(limit)
				}
				got, _ := queryAll(t, c, in)
				g := sks(got)
				if !fwd {
					slices.Reverse(g)
				}
				if strings.Join(g, ",") != tc.want {
					t.Errorf("%s fwd=%v limit=%d: got %v want %s", tc.cond, fwd, limit, g, tc.want)
				}
			}
		}
	}
	// Filter applies after Limit: Count vs ScannedCount.
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("qcond"), KeyConditionExpression: aws.String("pk = :p"),
		FilterExpression: aws.String("f = :two"), ExpressionAttributeValues: item{":p": s("p"), ":two": n("2")}, Limit: aws.Int32(3)})
	if err != nil || out.Count != 1 || out.ScannedCount != 3 || out.LastEvaluatedKey == nil || strOf(out.LastEvaluatedKey["sk"]) != "ba" {
		t.Fatalf("filtered query: %v %+v", err, out)
	}
	out, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("qcond"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: item{":p": s("p")}, Select: types.SelectCount})
	if err != nil || out.Count != 6 || out.Items != nil {
		t.Fatalf("count query: %v %+v", err, out)
	}
	out, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("qcond"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: item{":p": s("p")}, ProjectionExpression: aws.String("sk"), Limit: aws.Int32(1)})
	if err != nil || len(out.Items) != 1 || len(out.Items[0]) != 1 {
		t.Fatalf("projected query: %v %+v", err, out)
	}
	errCases := []struct {
		cond string
		vals item
		msg  string
	}{
		{"sk = :b", item{":b": s("b")}, "Query condition missed key schema element: pk"},
		{"pk = :b", item{":b": n("1")}, "Condition parameter type does not match schema type"},
		{"pk = :p OR sk = :p", item{":p": s("p")}, "Invalid operator used in KeyConditionExpression: OR"},
		{"pk = :p AND f = :p", item{":p": s("p")}, "Query condition missed key schema element"},
	}
	for _, tc := range errCases {
		_, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("qcond"), KeyConditionExpression: aws.String(tc.cond), ExpressionAttributeValues: tc.vals})
		wantCode(t, err, "ValidationException", tc.msg)
	}
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("qcond"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: item{":p": s("p")}, ExclusiveStartKey: item{"pk": s("q"), "sk": s("a")}})
	wantCode(t, err, "ValidationException", "The provided starting key is outside query boundaries")
}

func TestPageLimit(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "mbpage", "N")
	big := strings.Repeat("x", 100*1024)
	for i := 0; i < 25; i++ {
		put(t, c, "mbpage", item{"pk": s("p"), "sk": n(fmt.Sprint(i)), "data": s(big)})
	}
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("mbpage"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: item{":p": s("p")}})
	if err != nil || out.Count < 9 || out.Count > 11 || out.LastEvaluatedKey == nil {
		t.Fatalf("first page: %v count=%d", err, out.Count)
	}
	all, pages := queryAll(t, c, &dynamodb.QueryInput{TableName: aws.String("mbpage"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: item{":p": s("p")}})
	if len(all) != 25 || pages != 3 {
		t.Fatalf("%d items in %d pages", len(all), pages)
	}
	sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("mbpage"), Select: types.SelectCount})
	if err != nil || sc.Count == 25 || sc.LastEvaluatedKey == nil {
		t.Fatalf("scan page: %v %+v", err, sc)
	}
}

func TestIndexes(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "idx", "N", func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions,
			types.AttributeDefinition{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String("gs"), AttributeType: types.ScalarAttributeTypeN},
			types.AttributeDefinition{AttributeName: aws.String("l"), AttributeType: types.ScalarAttributeTypeS})
		in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{
			{IndexName: aws.String("gKeys"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("gs"), KeyType: types.KeyTypeRange}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
			{IndexName: aws.String("gInc"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"x"}}},
		}
		in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{
			{IndexName: aws.String("lAll"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("l"), KeyType: types.KeyTypeRange}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}},
		}
	})
	for i := 0; i < 10; i++ {
		it := item{"pk": s("p"), "sk": n(fmt.Sprint(i)), "x": n("1"), "y": n("2"), "l": s(fmt.Sprint(9 - i))}
		if i%2 == 0 { // sparse: odd items are not in the GSIs
			it["g"] = s("G")
			it["gs"] = n("5") // equal index sort keys: the table key breaks ties
		}
		put(t, c, "idx", it)
	}
	q := func(index string, mod func(*dynamodb.QueryInput)) ([]item, int) {
		in := &dynamodb.QueryInput{TableName: aws.String("idx"), IndexName: aws.String(index), KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}, Limit: aws.Int32(2)}
		if mod != nil {
			mod(in)
		}
		return queryAll(t, c, in)
	}
	got, pages := q("gKeys", nil)
	if len(got) != 5 || pages != 3 || len(got[0]) != 4 || got[0]["x"] != nil {
		t.Fatalf("gKeys: %d items in %d pages: %v", len(got), pages, got)
	}
	got, _ = q("gInc", nil)
	if len(got) != 5 || got[0]["x"] == nil || got[0]["y"] != nil {
		t.Fatalf("gInc: %v", got)
	}
	got, _ = q("lAll", func(in *dynamodb.QueryInput) {
		in.KeyConditionExpression = aws.String("pk = :g AND l < :three")
		in.ExpressionAttributeValues = item{":g": s("p"), ":three": s("3")}
	})
	if g := sks(got); strings.Join(g, ",") != "9,8,7" {
		t.Fatalf("lAll order: %v", g)
	}
	// LastEvaluatedKey of an index holds the table and index keys.
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("idx"), IndexName: aws.String("gKeys"), KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}, Limit: aws.Int32(1)})
	if err != nil || len(out.LastEvaluatedKey) != 4 {
		t.Fatalf("index LEK: %v %v", err, out.LastEvaluatedKey)
	}
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("idx"), IndexName: aws.String("gKeys"), KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}, ConsistentRead: aws.Bool(true)})
	wantCode(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("idx"), IndexName: aws.String("gKeys"), KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}, Select: types.SelectAllAttributes})
	wantCode(t, err, "ValidationException", "projection type is not ALL")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("idx"), IndexName: aws.String("nope"), KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: item{":g": s("G")}})
	wantCode(t, err, "ValidationException", "The table does not have the specified index: nope")
	// Index maintenance on update and delete.
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("idx"), Key: item{"pk": s("p"), "sk": n("0")}, UpdateExpression: aws.String("REMOVE g")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("idx"), Key: item{"pk": s("p"), "sk": n("2")}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := q("gKeys", nil); len(got) != 3 {
		t.Fatalf("after update/delete: %v", got)
	}
	// A GSI added later is backfilled.
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:            aws.String("idx"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("y"), AttributeType: types.ScalarAttributeTypeN}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("byY"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("y"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = queryAll(t, c, &dynamodb.QueryInput{TableName: aws.String("idx"), IndexName: aws.String("byY"), KeyConditionExpression: aws.String("y = :y"), ExpressionAttributeValues: item{":y": n("2")}})
	if len(got) != 9 {
		t.Fatalf("backfilled index: %d items", len(got))
	}
	sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("idx"), IndexName: aws.String("gKeys")})
	if err != nil || sc.Count != 3 {
		t.Fatalf("index scan: %v %+v", err, sc)
	}
}

func TestParallelScan(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pscan", "N")
	const items = 300
	var reqs []types.WriteRequest
	flush := func() {
		if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"pscan": reqs}}); err != nil {
			t.Fatal(err)
		}
		reqs = nil
	}
	for i := 0; i < items; i++ {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item{"pk": s(fmt.Sprint(i % 100)), "sk": n(fmt.Sprint(i))}}})
		if len(reqs) == 25 {
			flush()
		}
	}
	for _, total := range []int32{1, 3, 7} {
		seen := map[string]int{}
		for seg := int32(0); seg < total; seg++ {
			p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String("pscan"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(total), Limit: aws.Int32(17)})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range out.Items {
					seen[strOf(it["sk"])]++
				}
			}
		}
		if len(seen) != items {
			t.Fatalf("total %d: saw %d distinct items", total, len(seen))
		}
		for k, n := range seen {
			if n != 1 {
				t.Fatalf("total %d: item %s seen %d times", total, k, n)
			}
		}
	}
	_, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("pscan"), Segment: aws.Int32(3), TotalSegments: aws.Int32(3)})
	wantCode(t, err, "ValidationException", "Segment")
	// Filtered scan.
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("pscan"), FilterExpression: aws.String("sk < :ten"), ExpressionAttributeValues: item{":ten": n("10")}})
	if err != nil || out.Count != 10 || out.ScannedCount != items {
		t.Fatalf("filtered scan: %v %d/%d", err, out.Count, out.ScannedCount)
	}
	var got []string
	for _, it := range out.Items {
		got = append(got, strOf(it["sk"]))
	}
	sort.Strings(got)
	if len(got) != 10 {
		t.Fatal(got)
	}
}

// TestPaginationProperty pages through table, GSI and LSI queries and
// scans with every small Limit, in both directions: the pages concatenate
// to the unpaged result.
func TestPaginationProperty(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "pagep", "N", withGSI("g", types.ProjectionTypeAll), func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("l"), AttributeType: types.ScalarAttributeTypeS})
		in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("byL"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("l"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}
	})
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 40; i++ {
		it := item{"pk": s(fmt.Sprint("p", i%3)), "sk": n(fmt.Sprint(i)), "l": s(fmt.Sprint(r.IntN(5)))}
		if i%4 != 0 {
			it["g"] = s(fmt.Sprint("G", r.IntN(2)))
		}
		put(t, c, "pagep", it)
	}
	ids := func(items []item) string {
		var out []string
		for _, it := range items {
			out = append(out, strOf(it["pk"])+"/"+strOf(it["sk"]))
		}
		return strings.Join(out, ",")
	}
	queries := []*dynamodb.QueryInput{
		{KeyConditionExpression: aws.String("pk = :v"), ExpressionAttributeValues: item{":v": s("p1")}},
		{IndexName: aws.String("by_g"), KeyConditionExpression: aws.String("g = :v"), ExpressionAttributeValues: item{":v": s("G1")}},
		{IndexName: aws.String("byL"), KeyConditionExpression: aws.String("pk = :v AND l >= :l"), ExpressionAttributeValues: item{":v": s("p2"), ":l": s("1")}},
	}
	for qi, q := range queries {
		for _, fwd := range []bool{true, false} {
			base := *q
			base.TableName, base.ScanIndexForward = aws.String("pagep"), aws.Bool(fwd)
			all, _ := queryAll(t, c, &base)
			if len(all) < 5 {
				t.Fatalf("query %d: only %d items", qi, len(all))
			}
			for limit := int32(1); limit <= 4; limit++ {
				paged := base
				paged.Limit = aws.Int32(limit)
				got, _ := queryAll(t, c, &paged)
				if ids(got) != ids(all) {
					t.Fatalf("query %d fwd=%v limit=%d:\n got %s\nwant %s", qi, fwd, limit, ids(got), ids(all))
				}
			}
		}
	}
	for _, index := range []*string{nil, aws.String("by_g")} {
		var want string
		for limit := int32(0); limit <= 3; limit++ {
			in := &dynamodb.ScanInput{TableName: aws.String("pagep"), IndexName: index}
			if limit > 0 {
				in.Limit = aws.Int32(limit)
			}
			var got []item
			p := dynamodb.NewScanPaginator(c, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, out.Items...)
			}
			if limit == 0 {
				want = ids(got)
			} else if ids(got) != want {
				t.Fatalf("scan index=%v limit=%d:\n got %s\nwant %s", index, limit, ids(got), want)
			}
		}
	}
}
