package ddbtest

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// l and m build list and map attribute values.
func l(vs ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: vs}
}
func m(it item) types.AttributeValue { return &types.AttributeValueMemberM{Value: it} }

// TestUpdatedReturnValues checks that UPDATED_OLD and UPDATED_NEW return
// only the updated document paths.
func TestUpdatedReturnValues(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "updpaths", "")
	key := item{"pk": s("u")}
	base := item{"pk": s("u"), "n": n("1"), "l": l(s("a"), s("b"), s("c"), s("d")),
		"m": m(item{"a": n("1"), "b": m(item{"c": s("x")})})}
	tests := []struct {
		expr   string
		rv     types.ReturnValue
		values item
		want   item
	}{
		{"SET m.b.c = :v, m.z = :v", types.ReturnValueUpdatedNew, item{":v": s("deep")},
			item{"m": m(item{"b": m(item{"c": s("deep")}), "z": s("deep")})}},
		{"SET m.b.c = :v, m.z = :v", types.ReturnValueUpdatedOld, item{":v": s("deep")},
			item{"m": m(item{"b": m(item{"c": s("x")})})}},
		{"REMOVE l[0], l[2]", types.ReturnValueUpdatedOld, nil, item{"l": l(s("a"), s("c"))}},
		{"REMOVE l[0], l[2]", types.ReturnValueUpdatedNew, nil, nil},
		{"SET l[1] = :v", types.ReturnValueUpdatedNew, item{":v": s("B")}, item{"l": l(s("B"))}},
		{"SET n = n + :v REMOVE m.a", types.ReturnValueUpdatedNew, item{":v": n("2")}, item{"n": n("3")}},
		{"REMOVE l[50]", types.ReturnValueUpdatedOld, nil, nil},
	}
	for _, tt := range tests {
		put(t, c, "updpaths", base)
		in := &dynamodb.UpdateItemInput{TableName: aws.String("updpaths"), Key: key, UpdateExpression: aws.String(tt.expr),
			ReturnValues: tt.rv}
		if tt.values != nil {
			in.ExpressionAttributeValues = tt.values
		}
		out, err := c.UpdateItem(ctx, in)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.expr, tt.rv, err)
		}
		if !reflect.DeepEqual(out.Attributes, tt.want) {
			t.Errorf("%s %s: Attributes = %v, want %v", tt.expr, tt.rv, out.Attributes, tt.want)
		}
	}
}

// TestQueryFilterOnKey: a Query filter may not name a key attribute of
// the table or index queried; a Scan filter may.
func TestQueryFilterOnKey(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "qfkey", "N", withGSI("g", types.ProjectionTypeAll))
	put(t, c, "qfkey", item{"pk": s("p"), "sk": n("1"), "g": s("x")})
	query := func(index, filter string, vals item) error {
		in := &dynamodb.QueryInput{TableName: aws.String("qfkey"), KeyConditionExpression: aws.String("pk = :p"),
			FilterExpression: aws.String(filter), ExpressionAttributeValues: item{":p": s("p")}}
		if index != "" {
			in.IndexName, in.KeyConditionExpression = aws.String(index), aws.String("g = :p")
			in.ExpressionAttributeValues = item{":p": s("x")}
		}
		for k, v := range vals {
			in.ExpressionAttributeValues[k] = v
		}
		_, err := c.Query(ctx, in)
		return err
	}
	const msg = "Filter Expression can only contain non-primary key attributes: Primary key attribute: "
	wantCode(t, query("", "sk > :v", item{":v": n("0")}), "ValidationException", msg+"sk")
	wantCode(t, query("", "attribute_exists(pk) AND g = :v", item{":v": s("x")}), "ValidationException", msg+"pk")
	wantCode(t, query("by_g", "size(g) > :v", item{":v": n("0")}), "ValidationException", msg+"g")
	if err := query("by_g", "sk = :v", item{":v": n("1")}); err != nil {
		t.Fatalf("filter on the table key of a GSI query: %v", err)
	}
	if err := query("", "g = :v", item{":v": s("x")}); err != nil {
		t.Fatalf("filter on a non-key attribute: %v", err)
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("qfkey"), FilterExpression: aws.String("sk = :v"),
		ExpressionAttributeValues: item{":v": n("1")}})
	if err != nil || out.Count != 1 {
		t.Fatalf("Scan filter on a key: %v %+v", err, out)
	}
}

// TestEmptyAttributeNameRejected: "#a": "" is an undefined name.
func TestEmptyAttributeNameRejected(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "emptyname", "")
	_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("emptyname"), Key: item{"pk": s("a")},
		UpdateExpression:         aws.String("SET #a = :v"),
		ExpressionAttributeNames: map[string]string{"#a": ""}, ExpressionAttributeValues: item{":v": s("x")}})
	wantCode(t, err, "ValidationException", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a")
	if got := get(t, c, "emptyname", item{"pk": s("a")}); got != nil {
		t.Fatalf("item written: %v", got)
	}
}

// serveRaw sends body to srv's request handler as operation op, with no
// client in between, and returns the status and response body.
func serveRaw(srv *Server, op, body string) (int, string) {
	req, _ := http.NewRequest("POST", "/", nil)
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	status, out, _ := srv.serve(ctx, req, []byte(body))
	return status, string(out)
}

// TestGetItemIgnoresValues: GetItem has no ExpressionAttributeValues
// member; like dynalite, the server ignores it.
func TestGetItemIgnoresValues(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := srv.Client()
	mkTable(t, c, "getvals", "")
	put(t, c, "getvals", item{"pk": s("a"), "x": n("1"), "y": n("2")})
	status, out := serveRaw(srv, "GetItem", `{"TableName":"getvals","Key":{"pk":{"S":"a"}},"ProjectionExpression":"x","ExpressionAttributeValues":{":v":{"N":"1"}}}`)
	if status != 200 || out != `{"Item":{"x":{"N":"1"}}}` {
		t.Fatalf("GetItem: %d %s", status, out)
	}
}

// TestTableMessages checks the messages of table-management errors
// against DynamoDB's (and dynalite's) texts.
func TestTableMessages(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "tmsg", "")
	const missing = "Requested resource not found: Table: tmsg.missing not found"
	_, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("tmsg.missing")})
	wantCode(t, err, "ResourceNotFoundException", missing)
	_, err = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("tmsg.missing")})
	wantCode(t, err, "ResourceNotFoundException", missing)
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("tmsg.missing"), BillingMode: types.BillingModePayPerRequest})
	wantCode(t, err, "ResourceNotFoundException", missing)
	_, err = c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("tmsg.missing")})
	wantCode(t, err, "ResourceNotFoundException", missing)
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tmsg.missing"), Key: item{"pk": s("a")}})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found")

	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("tmsg"), BillingMode: types.BillingModeProvisioned})
	wantCode(t, err, "ValidationException", "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("tmsg"), BillingMode: types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(0), WriteCapacityUnits: aws.Int64(1)}})
	wantCode(t, err, "ValidationException", "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1")

	hash := []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}
	defs := []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS}}
	gsi := func(name string) []types.GlobalSecondaryIndex {
		return []types.GlobalSecondaryIndex{{IndexName: aws.String(name),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
	}
	cases := []struct {
		name string
		in   dynamodb.CreateTableInput
		msg  string
	}{
		{"bad key type", dynamodb.CreateTableInput{AttributeDefinitions: defs[:1], BillingMode: types.BillingModePayPerRequest,
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: "PRIMARY"}}},
			"1 validation error detected: Value 'PRIMARY' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"},
		{"zero capacity", dynamodb.CreateTableInput{AttributeDefinitions: defs[:1], KeySchema: hash,
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(0), WriteCapacityUnits: aws.Int64(5)}},
			"1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"short index name", dynamodb.CreateTableInput{AttributeDefinitions: defs, KeySchema: hash, BillingMode: types.BillingModePayPerRequest, GlobalSecondaryIndexes: gsi("ab")},
			"1 validation error detected: Value 'ab' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"bad index name", dynamodb.CreateTableInput{AttributeDefinitions: defs, KeySchema: hash, BillingMode: types.BillingModePayPerRequest, GlobalSecondaryIndexes: gsi("a*")},
			"2 validation errors detected: Value 'a*' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value 'a*' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"more keys than definitions", dynamodb.CreateTableInput{AttributeDefinitions: defs[:1], BillingMode: types.BillingModePayPerRequest,
			KeySchema: append(hash, types.KeySchemaElement{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange})},
			"Invalid KeySchema: Some index key attribute have no definition"},
	}
	for _, tc := range cases {
		tc.in.TableName = aws.String("tmsg.create")
		_, err := c.CreateTable(ctx, &tc.in)
		wantCode(t, err, "ValidationException", tc.msg)
	}
}

// TestReturnValuesOnConditionCheckFailure: ALL_OLD puts the stored item in
// ConditionalCheckFailedException.Item for every single-item write, and
// nothing is returned without it or when there is no item.
func TestReturnValuesOnConditionCheckFailure(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "rvoccf", "")
	stored := item{"pk": s("a"), "v": n("1"), "l": l(s("x"))}
	put(t, c, "rvoccf", stored)
	cond, vals := aws.String("v = :two"), item{":two": n("2")}
	all := types.ReturnValuesOnConditionCheckFailureAllOld
	writes := map[string]func(key item, rv types.ReturnValuesOnConditionCheckFailure) error{
		"PutItem": func(key item, rv types.ReturnValuesOnConditionCheckFailure) error {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("rvoccf"), Item: key,
				ConditionExpression: cond, ExpressionAttributeValues: vals, ReturnValuesOnConditionCheckFailure: rv})
			return err
		},
		"UpdateItem": func(key item, rv types.ReturnValuesOnConditionCheckFailure) error {
			_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("rvoccf"), Key: key,
				UpdateExpression: aws.String("SET w = :two"), ConditionExpression: cond, ExpressionAttributeValues: vals,
				ReturnValuesOnConditionCheckFailure: rv})
			return err
		},
		"DeleteItem": func(key item, rv types.ReturnValuesOnConditionCheckFailure) error {
			_, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("rvoccf"), Key: key,
				ConditionExpression: cond, ExpressionAttributeValues: vals, ReturnValuesOnConditionCheckFailure: rv})
			return err
		},
	}
	for op, write := range writes {
		for _, tc := range []struct {
			key  item
			rv   types.ReturnValuesOnConditionCheckFailure
			want item
		}{
			{item{"pk": s("a")}, all, stored},
			{item{"pk": s("a")}, types.ReturnValuesOnConditionCheckFailureNone, nil},
			{item{"pk": s("a")}, "", nil},
			{item{"pk": s("missing")}, all, nil},
		} {
			var ccf *types.ConditionalCheckFailedException
			if err := write(tc.key, tc.rv); !errors.As(err, &ccf) {
				t.Fatalf("%s %v: %v", op, tc.rv, err)
			}
			if !reflect.DeepEqual(ccf.Item, tc.want) {
				t.Errorf("%s %v on %v: Item = %v, want %v", op, tc.rv, tc.key, ccf.Item, tc.want)
			}
		}
	}
}

// TestTransactCancellationItems: a cancellation reason carries the item
// only for the actions that asked for it with ALL_OLD.
func TestTransactCancellationItems(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "txitems", "")
	for _, k := range []string{"p", "u", "d", "c"} {
		put(t, c, "txitems", item{"pk": s(k), "v": n("1")})
	}
	cond, vals := aws.String("v = :two"), item{":two": n("2")}
	all := types.ReturnValuesOnConditionCheckFailureAllOld
	tab := aws.String("txitems")
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: tab, Item: item{"pk": s("p")}, ConditionExpression: cond, ExpressionAttributeValues: vals, ReturnValuesOnConditionCheckFailure: all}},
		{Update: &types.Update{TableName: tab, Key: item{"pk": s("u")}, UpdateExpression: aws.String("SET w = :two"), ConditionExpression: cond, ExpressionAttributeValues: vals, ReturnValuesOnConditionCheckFailure: all}},
		{Delete: &types.Delete{TableName: tab, Key: item{"pk": s("d")}, ConditionExpression: cond, ExpressionAttributeValues: vals}},
		{ConditionCheck: &types.ConditionCheck{TableName: tab, Key: item{"pk": s("c")}, ConditionExpression: aws.String("v = :one"), ExpressionAttributeValues: item{":one": n("1")}, ReturnValuesOnConditionCheckFailure: all}},
		{Update: &types.Update{TableName: tab, Key: item{"pk": s("new")}, UpdateExpression: aws.String("SET w = :two"), ConditionExpression: cond, ExpressionAttributeValues: vals, ReturnValuesOnConditionCheckFailure: all}},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 5 {
		t.Fatalf("TransactWriteItems: %v", err)
	}
	want := []struct {
		code string
		item item
	}{
		{"ConditionalCheckFailed", item{"pk": s("p"), "v": n("1")}},
		{"ConditionalCheckFailed", item{"pk": s("u"), "v": n("1")}},
		{"ConditionalCheckFailed", nil},
		{"None", nil},
		{"ConditionalCheckFailed", nil},
	}
	for i, r := range tce.CancellationReasons {
		if aws.ToString(r.Code) != want[i].code || !reflect.DeepEqual(r.Item, want[i].item) {
			t.Errorf("reason %d = %s %v, want %s %v", i, aws.ToString(r.Code), r.Item, want[i].code, want[i].item)
		}
	}
}

// TestUnprocessedShape: items left unprocessed by FaultUnprocessed come
// back exactly as they were sent, ready to resend.
func TestUnprocessedShape(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	mkTable(t, c, "unproc", "")
	mkTable(t, c, "unproc2", "N")
	srv.SetFaults(Faults{Seed: 3, Rules: []FaultRule{{Ops: []string{"BatchWriteItem"}, Kind: FaultUnprocessed, Rate: 1}}})
	reqs := map[string][]types.WriteRequest{
		"unproc": {
			{PutRequest: &types.PutRequest{Item: item{"pk": s("a"), "n": n("1.5"), "m": m(item{"l": l(s("x"), &types.AttributeValueMemberNULL{Value: true})}),
				"ss": &types.AttributeValueMemberSS{Value: []string{"b", "a"}}, "b": &types.AttributeValueMemberB{Value: []byte{0, 1}}}}},
			{DeleteRequest: &types.DeleteRequest{Key: item{"pk": s("b")}}},
		},
		"unproc2": {
			{DeleteRequest: &types.DeleteRequest{Key: item{"pk": s("c"), "sk": n("2")}}},
			{PutRequest: &types.PutRequest{Item: item{"pk": s("d"), "sk": n("-3"), "t": &types.AttributeValueMemberBOOL{Value: true}}}},
		},
	}
	out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: reqs})
	if err != nil {
		t.Fatal(err)
	}
	// At least one item is processed; all the others come back unchanged.
	left := 0
	for table, ws := range out.UnprocessedItems {
		for _, w := range ws {
			found := false
			for _, r := range reqs[table] {
				found = found || reflect.DeepEqual(w, r)
			}
			if !found {
				t.Errorf("unprocessed %s entry %+v is not one of the requests", table, w)
			}
			left++
		}
	}
	if left != 3 {
		t.Fatalf("%d items unprocessed, want 3 (all but one): %+v", left, out.UnprocessedItems)
	}
	srv.SetFaults(Faults{})
	out, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: out.UnprocessedItems})
	if err != nil || len(out.UnprocessedItems) != 0 {
		t.Fatalf("resending: %v %+v", err, out)
	}
}

// TestCountPagination: Select COUNT with Limit pages through a partition
// with LastEvaluatedKey/ExclusiveStartKey, counting every item once.
func TestCountPagination(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "countpages", "N")
	for i := range 23 {
		put(t, c, "countpages", item{"pk": s("p"), "sk": n(fmt.Sprint(i)), "odd": &types.AttributeValueMemberBOOL{Value: i%2 == 1}})
	}
	for _, tc := range []struct {
		filter      string
		limit       int32
		count, scan int32
	}{{"", 5, 23, 23}, {"odd = :t", 4, 11, 23}, {"", 23, 23, 23}, {"", 100, 23, 23}} {
		in := &dynamodb.QueryInput{TableName: aws.String("countpages"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: item{":p": s("p")}, Select: types.SelectCount, Limit: aws.Int32(tc.limit)}
		if tc.filter != "" {
			in.FilterExpression = aws.String(tc.filter)
			in.ExpressionAttributeValues[":t"] = &types.AttributeValueMemberBOOL{Value: true}
		}
		var count, scanned, pages int32
		for {
			out, err := c.Query(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Items != nil {
				t.Fatalf("COUNT returned items: %v", out.Items)
			}
			count, scanned, pages = count+out.Count, scanned+out.ScannedCount, pages+1
			if out.ScannedCount > tc.limit {
				t.Fatalf("page scanned %d > Limit %d", out.ScannedCount, tc.limit)
			}
			if out.LastEvaluatedKey == nil {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
		wantPages := (23 + tc.limit - 1) / tc.limit
		if 23%tc.limit == 0 {
			wantPages++ // the last full page has a LastEvaluatedKey
		}
		if count != tc.count || scanned != tc.scan || pages != wantPages {
			t.Errorf("filter %q limit %d: count %d scanned %d pages %d, want %d %d %d", tc.filter, tc.limit, count, scanned, pages, tc.count, tc.scan, wantPages)
		}
	}
	// The paginator of the SDK does the same.
	p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{TableName: aws.String("countpages"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: item{":p": s("p")}, Select: types.SelectCount, Limit: aws.Int32(7)})
	var total int32
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		total += out.Count
	}
	if total != 23 {
		t.Fatalf("paginator counted %d", total)
	}
}

// TestMoreMessages checks further messages against DynamoDB's (and
// dynalite's) texts.
func TestMoreMessages(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	mkTable(t, c, "msgs", "")
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("msgs"), Item: item{"pk": s("a")},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
		Expected:            map[string]types.ExpectedAttributeValue{"pk": {Exists: aws.Bool(false)}}})
	wantCode(t, err, "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("msgs"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: item{":p": s("a")}, AttributesToGet: []string{"pk"},
		QueryFilter: map[string]types.Condition{"x": {ComparisonOperator: types.ComparisonOperatorNull}}})
	wantCode(t, err, "ValidationException", "Non-expression parameters: {AttributesToGet, QueryFilter} Expression parameters: {KeyConditionExpression}")
	_, err = c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("msgs"), AttributesToGet: []string{"pk", "pk"}})
	wantCode(t, err, "ValidationException", "One or more parameter values were invalid: Duplicate value in attribute name: pk")

	// The size is checked before the key.
	big := strings.Repeat("x", 400*1024)
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("msgs"), Item: item{"pk": n("1"), "x": s(big)}})
	wantCode(t, err, "ValidationException", "Item size has exceeded the maximum allowed size")
	var ae smithy.APIError
	if errors.As(err, &ae); ae.ErrorMessage() != "Item size has exceeded the maximum allowed size" {
		t.Fatalf("message %q", ae.ErrorMessage())
	}

	call := func(op, body string) string {
		_, out := serveRaw(srv, op, body)
		return out
	}
	const required = `{"__type":"com.amazon.coral.validate#ValidationException","message":"The parameter 'TableName' is required but was not present in the request"}`
	for _, op := range []string{"CreateTable", "DeleteTable", "DescribeTable", "UpdateTable", "DescribeTimeToLive"} {
		if got := call(op, `{}`); got != required {
			t.Errorf("%s without TableName: %s", op, got)
		}
	}
	if got := call("GetItem", `{"Key":{"pk":{"S":"a"}}}`); !strings.Contains(got, "Value null at 'tableName' failed to satisfy constraint: Member must not be null") {
		t.Errorf("GetItem without TableName: %s", got)
	}
	if got := call("BatchWriteItem", `{"RequestItems":{"msgs":[{}]}}`); !strings.Contains(got, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes") {
		t.Errorf("empty WriteRequest: %s", got)
	}
}

// TestIdempotencyTokenSameRequest: a retried TransactWriteItems with the
// same token is the same request although its body lists object members
// and set members in another order.
func TestIdempotencyTokenSameRequest(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := srv.Client()
	mkTable(t, c, "tokens", "")
	call := func(body string) string {
		_, out := serveRaw(srv, "TransactWriteItems", body)
		return out
	}
	first := call(`{"ClientRequestToken":"t1","TransactItems":[{"Update":{"TableName":"tokens","Key":{"pk":{"S":"a"}},` +
		`"UpdateExpression":"ADD n :one, s :s","ExpressionAttributeValues":{":one":{"N":"1"},":s":{"SS":["x","y"]}}}}]}`)
	again := call(`{"TransactItems":[{"Update":{"ExpressionAttributeValues":{":s":{"SS":["y","x"]},":one":{"N":"1"}},` +
		`"UpdateExpression":"ADD n :one, s :s","Key":{"pk":{"S":"a"}},"TableName":"tokens"}}],"ClientRequestToken":"t1"}`)
	if first != "{}" || again != "{}" {
		t.Fatalf("first %s, again %s", first, again)
	}
	if got := get(t, c, "tokens", item{"pk": s("a")}); numOf(got["n"]) != "1" {
		t.Fatalf("retry applied again: %v", got)
	}
	changed := call(`{"ClientRequestToken":"t1","TransactItems":[{"Update":{"TableName":"tokens","Key":{"pk":{"S":"a"}},` +
		`"UpdateExpression":"ADD n :one","ExpressionAttributeValues":{":one":{"N":"2"}}}}]}`)
	if !strings.Contains(changed, "IdempotentParameterMismatchException") {
		t.Fatalf("changed request: %s", changed)
	}
}
