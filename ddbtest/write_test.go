package ddbtest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func get(t testing.TB, c *dynamodb.Client, table string, key item) item {
	t.Helper()
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	return out.Item
}

func numOf(v types.AttributeValue) string {
	if n, ok := v.(*types.AttributeValueMemberN); ok {
		return n.Value
	}
	return fmt.Sprintf("%#v", v)
}

func TestConditionalWrites(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "cond", "")
	put(t, c, "cond", item{"pk": s("a"), "v": n("1")})
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("cond"), Item: item{"pk": s("a")},
		ConditionExpression:                 aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || numOf(ccf.Item["v"]) != "1" {
		t.Fatalf("PutItem: %v (%+v)", err, ccf)
	}
	_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String("cond"), Key: item{"pk": s("a")},
		ConditionExpression:       aws.String("v = :v"),
		ExpressionAttributeValues: item{":v": n("2")},
	})
	if !errors.As(err, &ccf) || ccf.Item != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("cond"), Item: item{"pk": s("a")},
		ConditionExpression:       aws.String("v = :v"),
		ExpressionAttributeValues: item{":v": n("1"), ":w": n("2")},
	})
	wantCode(t, err, "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("cond"), Item: item{"pk": s("a")},
		ConditionExpression: aws.String("v = = 1"),
	})
	wantCode(t, err, "ValidationException", "Invalid ConditionExpression")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("cond"), Item: item{"pk": s("a")}, ReturnValues: types.ReturnValueAllNew})
	wantCode(t, err, "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("cond"), Item: item{"pk": s("a")},
		Expected: map[string]types.ExpectedAttributeValue{"v": {Exists: aws.Bool(false)}},
	})
	wantCode(t, err, "ConditionalCheckFailedException", "The conditional request failed") // legacy Expected: v exists
}

func TestUpdateItem(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "upd", "N")
	key := item{"pk": s("a"), "sk": n("1")}
	cases := []struct {
		name, expr string
		values     item
		rv         types.ReturnValue
		want       map[string]string // attribute -> N value in the returned attributes
	}{
		{"create", "SET c = :one", item{":one": n("1")}, types.ReturnValueAllNew, map[string]string{"c": "1", "sk": "1"}},
		{"add", "ADD c :two", item{":two": n("2")}, types.ReturnValueUpdatedNew, map[string]string{"c": "3"}},
		{"arith", "SET c = c + :ten, d = :ten", item{":ten": n("10")}, types.ReturnValueUpdatedOld, map[string]string{"c": "3"}},
		{"remove", "REMOVE d", nil, types.ReturnValueAllOld, map[string]string{"c": "13", "d": "10", "sk": "1"}},
	}
	for _, tc := range cases {
		out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String("upd"), Key: key, UpdateExpression: aws.String(tc.expr),
			ExpressionAttributeValues: tc.values, ReturnValues: tc.rv,
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for k, v := range tc.want {
			if numOf(out.Attributes[k]) != v {
				t.Fatalf("%s: %s = %s, want %s (%v)", tc.name, k, numOf(out.Attributes[k]), v, out.Attributes)
			}
		}
		if len(out.Attributes) != len(tc.want)+boolInt(tc.rv == types.ReturnValueAllNew || tc.rv == types.ReturnValueAllOld) {
			t.Fatalf("%s: attributes %v", tc.name, out.Attributes)
		}
	}
	_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("upd"), Key: key, UpdateExpression: aws.String("SET pk = :x"), ExpressionAttributeValues: item{":x": s("b")}})
	wantCode(t, err, "ValidationException", "Cannot update attribute pk. This attribute is part of the key")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("upd"), Key: key, UpdateExpression: aws.String("SET c = c + :x"), ExpressionAttributeValues: item{":x": s("b")}})
	wantCode(t, err, "ValidationException", "Incorrect operand type for operator or function; operator or function: +, operand type: S")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("upd"), Key: key, UpdateExpression: aws.String("SET c = :x"), ConditionExpression: aws.String("c = :x"), ExpressionAttributeValues: item{":x": n("0")}})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("conditional update: %v", err)
	}
	if got := get(t, c, "upd", key); numOf(got["c"]) != "13" || len(got) != 3 {
		t.Fatalf("final item %v", got)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestBatches(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "bat1", "")
	mkTable(t, c, "bat2", "N")
	var w1, w2 []types.WriteRequest
	for i := 0; i < 10; i++ {
		w1 = append(w1, types.WriteRequest{PutRequest: &types.PutRequest{Item: item{"pk": s(fmt.Sprint(i)), "x": n("1")}}})
		w2 = append(w2, types.WriteRequest{PutRequest: &types.PutRequest{Item: item{"pk": s("p"), "sk": n(fmt.Sprint(i))}}})
	}
	out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"bat1": w1, "bat2": w2}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || len(out.UnprocessedItems) != 0 || len(out.ConsumedCapacity) != 2 || *out.ConsumedCapacity[0].CapacityUnits != 10 {
		t.Fatalf("BatchWriteItem: %v %+v", err, out)
	}
	var keys []item
	for i := 0; i < 12; i++ {
		keys = append(keys, item{"pk": s(fmt.Sprint(i))})
	}
	g, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"bat1": {Keys: keys, ProjectionExpression: aws.String("pk")},
		"bat2": {Keys: []item{{"pk": s("p"), "sk": n("3")}}},
	}})
	if err != nil || len(g.Responses["bat1"]) != 10 || len(g.Responses["bat2"]) != 1 || len(g.Responses["bat1"][0]) != 1 {
		t.Fatalf("BatchGetItem: %v %+v", err, g)
	}
	// Validation.
	_, err = c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"bat1": {Keys: []item{keys[0], keys[0]}}}})
	wantCode(t, err, "ValidationException", "Provided list of item keys contains duplicates")
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"bat1": {w1[0], {DeleteRequest: &types.DeleteRequest{Key: keys[0]}}}}})
	wantCode(t, err, "ValidationException", "Provided list of item keys contains duplicates")
	var many []types.WriteRequest
	for i := 0; i < 26; i++ {
		many = append(many, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: item{"pk": s(fmt.Sprint(i))}}})
	}
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"bat1": many}})
	wantCode(t, err, "ValidationException", "length less than or equal to 25")
	var many2 []item
	for i := 0; i < 101; i++ {
		many2 = append(many2, item{"pk": s(fmt.Sprint(i))})
	}
	// 101 keys of one table break the Keys constraint (1 to 100 keys);
	// 101 keys over two tables are too many for one call.
	_, err = c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"bat1": {Keys: many2}}})
	wantCode(t, err, "ValidationException", "at 'requestItems.bat1.member.keys' failed to satisfy constraint: Member must have length less than or equal to 100")
	_, err = c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"bat1": {Keys: many2[:100]}, "bat2": {Keys: many2[100:]}}})
	wantCode(t, err, "ValidationException", "Too many items requested for the BatchGetItem call")
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"nosuch": w1[:1]}})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("missing table: %v", err)
	}
	// Deletes.
	if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"bat1": many[:10]}}); err != nil {
		t.Fatal(err)
	}
	d, _ := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("bat1")})
	if *d.Table.ItemCount != 0 {
		t.Fatalf("ItemCount = %d", *d.Table.ItemCount)
	}
}

func TestTransactWrite(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "tx1", "")
	mkTable(t, c, "tx2", "")
	put(t, c, "tx1", item{"pk": s("a"), "v": n("1")})
	// A failing condition cancels everything.
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("tx2"), Item: item{"pk": s("new")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("tx1"), Key: item{"pk": s("a")}, ConditionExpression: aws.String("v = :two"),
			ExpressionAttributeValues: item{":two": n("2")}, ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || *tce.CancellationReasons[0].Code != "None" ||
		*tce.CancellationReasons[1].Code != "ConditionalCheckFailed" || numOf(tce.CancellationReasons[1].Item["v"]) != "1" {
		t.Fatalf("TransactWriteItems: %v %+v", err, tce)
	}
	if tce.ErrorMessage() != "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]" {
		t.Fatalf("message %q", tce.ErrorMessage())
	}
	if got := get(t, c, "tx2", item{"pk": s("new")}); got != nil {
		t.Fatalf("cancelled put applied: %v", got)
	}
	// Success, idempotent with a token.
	in := &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String("tok-1"), TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("tx2"), Item: item{"pk": s("new")}}},
		{Update: &types.Update{TableName: aws.String("tx1"), Key: item{"pk": s("a")}, UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: item{":one": n("1")}}},
		{Delete: &types.Delete{TableName: aws.String("tx1"), Key: item{"pk": s("gone")}}},
	}}
	for i := 0; i < 2; i++ {
		if _, err := c.TransactWriteItems(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if got := get(t, c, "tx1", item{"pk": s("a")}); numOf(got["v"]) != "2" {
		t.Fatalf("idempotent retry re-applied: %v", got)
	}
	in.TransactItems = in.TransactItems[:1]
	_, err = c.TransactWriteItems(ctx, in)
	var ipm *types.IdempotentParameterMismatchException
	if !errors.As(err, &ipm) {
		t.Fatalf("token reuse: %v", err)
	}
	// Two actions on one item.
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("tx1"), Item: item{"pk": s("a")}}},
		{Delete: &types.Delete{TableName: aws.String("tx1"), Key: item{"pk": s("a")}}},
	}})
	wantCode(t, err, "ValidationException", "Transaction request cannot include multiple operations on one item")
	var many []types.TransactWriteItem
	for i := 0; i < 101; i++ {
		many = append(many, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String("tx1"), Key: item{"pk": s(fmt.Sprint(i))}}})
	}
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: many})
	wantCode(t, err, "ValidationException", "less than or equal to 100")
	g, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("tx1"), Key: item{"pk": s("a")}}},
		{Get: &types.Get{TableName: aws.String("tx2"), Key: item{"pk": s("none")}}},
	}})
	if err != nil || len(g.Responses) != 2 || numOf(g.Responses[0].Item["v"]) != "2" || g.Responses[1].Item != nil {
		t.Fatalf("TransactGetItems: %v %+v", err, g)
	}
}

// TestTransactIsolation runs transfers concurrently with transactional
// reads: every read sees the invariant total.
func TestTransactIsolation(t *testing.T) {
	t.Parallel()
	c := client(t)
	mkTable(t, c, "iso1", "")
	mkTable(t, c, "iso2", "")
	put(t, c, "iso1", item{"pk": s("a"), "v": n("100")})
	put(t, c, "iso2", item{"pk": s("b"), "v": n("0")})
	done := make(chan error, 2)
	go func() {
		for i := 0; i < 50; i++ {
			_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Update: &types.Update{TableName: aws.String("iso1"), Key: item{"pk": s("a")}, UpdateExpression: aws.String("ADD v :m"), ExpressionAttributeValues: item{":m": n("-1")}}},
				{Update: &types.Update{TableName: aws.String("iso2"), Key: item{"pk": s("b")}, UpdateExpression: aws.String("ADD v :p"), ExpressionAttributeValues: item{":p": n("1")}}},
			}})
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	go func() {
		for i := 0; i < 50; i++ {
			g, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
				{Get: &types.Get{TableName: aws.String("iso1"), Key: item{"pk": s("a")}}},
				{Get: &types.Get{TableName: aws.String("iso2"), Key: item{"pk": s("b")}}},
			}})
			if err != nil {
				done <- err
				return
			}
			var a, b int
			fmt.Sscan(numOf(g.Responses[0].Item["v"]), &a)
			fmt.Sscan(numOf(g.Responses[1].Item["v"]), &b)
			if a+b != 100 {
				done <- fmt.Errorf("saw %d + %d", a, b)
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < 2; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestTTL(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var clock = func() time.Time { return now }
	srv := NewTB(t, WithClock(func() time.Time { return clock() }))
	c := srv.Client()
	mkTable(t, c, "ttl", "")
	if _, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("ttl"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("ttl")})
	if err != nil || d.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled || *d.TimeToLiveDescription.AttributeName != "exp" {
		t.Fatalf("DescribeTimeToLive: %v %+v", err, d)
	}
	put(t, c, "ttl", item{"pk": s("soon"), "exp": n("1700000100")})
	put(t, c, "ttl", item{"pk": s("later"), "exp": n("1700005000")})
	put(t, c, "ttl", item{"pk": s("never"), "exp": s("1")})
	put(t, c, "ttl", item{"pk": s("ancient"), "exp": n("100")})
	if n := srv.SweepTTL(); n != 0 {
		t.Fatalf("swept %d before expiry", n)
	}
	now = now.Add(200 * time.Second)
	if get(t, c, "ttl", item{"pk": s("soon")}) == nil {
		t.Fatal("expired item vanished before the sweep")
	}
	if n := srv.SweepTTL(); n != 1 {
		t.Fatalf("swept %d, want 1", n)
	}
	if get(t, c, "ttl", item{"pk": s("soon")}) != nil || get(t, c, "ttl", item{"pk": s("later")}) == nil {
		t.Fatal("wrong items swept")
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	mkTable(t, c, "flt", "")
	srv.SetFaults(Faults{Seed: 1, Rules: []FaultRule{
		{Ops: []string{"GetItem"}, Kind: FaultThrottle, Rate: 1},
		{Ops: []string{"DeleteItem"}, Kind: FaultInternalError, Rate: 1},
		{Ops: []string{"BatchWriteItem"}, Kind: FaultUnprocessed, Rate: 0.5},
		{Ops: []string{"PutItem"}, Kind: FaultDelay, Rate: 1, Delay: time.Millisecond},
	}})
	_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("flt"), Key: item{"pk": s("a")}})
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) {
		t.Fatalf("GetItem: %v", err)
	}
	_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("flt"), Key: item{"pk": s("a")}})
	var ise *types.InternalServerError
	if !errors.As(err, &ise) {
		t.Fatalf("DeleteItem: %v", err)
	}
	start := time.Now()
	put(t, c, "flt", item{"pk": s("a")})
	if time.Since(start) < time.Millisecond {
		t.Fatal("no delay")
	}
	// Unprocessed items are not applied; retrying them converges.
	var reqs []types.WriteRequest
	for i := 0; i < 20; i++ {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item{"pk": s(fmt.Sprint(i))}}})
	}
	pending := map[string][]types.WriteRequest{"flt": reqs}
	rounds := 0
	for len(pending) > 0 {
		out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			t.Fatal(err)
		}
		if rounds == 0 && len(out.UnprocessedItems["flt"]) == 0 {
			t.Fatal("no unprocessed items at rate 0.5")
		}
		pending = out.UnprocessedItems
		rounds++
	}
	srv.SetFaults(Faults{})
	d, _ := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("flt")})
	if *d.Table.ItemCount != 21 {
		t.Fatalf("ItemCount = %d after %d rounds", *d.Table.ItemCount, rounds)
	}
}

// TestFaultsRetried: the SDK's retryer recovers from injected throttling.
func TestFaultsRetried(t *testing.T) {
	t.Parallel()
	srv := NewTB(t, WithFaults(Faults{Seed: 7, Rules: []FaultRule{{Ops: []string{"PutItem"}, Kind: FaultThrottle, Rate: 0.3}}}))
	c := srv.Client(func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 10
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			so.RateLimiter = ratelimit.None
		})
	})
	mkTable(t, c, "retr", "")
	for i := 0; i < 20; i++ {
		put(t, c, "retr", item{"pk": s(fmt.Sprint(i))})
	}
}
