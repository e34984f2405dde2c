package ddbtest

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// withStream enables a stream of view type vt on a created table.
func withStream(vt types.StreamViewType) func(*dynamodb.CreateTableInput) {
	return func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: vt}
	}
}

// streamArnOf returns the LatestStreamArn of table.
func streamArnOf(t *testing.T, c *dynamodb.Client, table string) string {
	t.Helper()
	out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	return aws.ToString(out.Table.LatestStreamArn)
}

// shardsOf returns the shards of the stream arn.
func shardsOf(t *testing.T, sc *dynamodbstreams.Client, arn string) []stypes.Shard {
	t.Helper()
	out, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeStream: %v", err)
	}
	return out.StreamDescription.Shards
}

// readShard reads every record of shard from the iterator of type typ
// (and seq) on, Limit records a call, until the shard's end or an empty
// read.
func readShard(t *testing.T, sc *dynamodbstreams.Client, arn, shard string, typ stypes.ShardIteratorType, seq string, limit int32) (recs []stypes.Record, closed bool) {
	t.Helper()
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(shard), ShardIteratorType: typ}
	if seq != "" {
		in.SequenceNumber = aws.String(seq)
	}
	it, err := sc.GetShardIterator(ctx, in)
	if err != nil {
		t.Fatalf("GetShardIterator: %v", err)
	}
	iter := it.ShardIterator
	for iter != nil {
		in := &dynamodbstreams.GetRecordsInput{ShardIterator: iter}
		if limit > 0 {
			in.Limit = aws.Int32(limit)
		}
		out, err := sc.GetRecords(ctx, in)
		if err != nil {
			t.Fatalf("GetRecords: %v", err)
		}
		recs = append(recs, out.Records...)
		if len(out.Records) == 0 {
			break
		}
		iter = out.NextShardIterator
	}
	return recs, iter == nil
}

// readAll reads the whole (single-shard) stream of table from the start.
func readAll(t *testing.T, c *dynamodb.Client, sc *dynamodbstreams.Client, table string) []stypes.Record {
	t.Helper()
	arn := streamArnOf(t, c, table)
	var recs []stypes.Record
	for _, sh := range shardsOf(t, sc, arn) {
		r, _ := readShard(t, sc, arn, aws.ToString(sh.ShardId), stypes.ShardIteratorTypeTrimHorizon, "", 0)
		recs = append(recs, r...)
	}
	return recs
}

// newStreamTable starts a server made with opts and creates on it table
// with a stream of view type vt.
func newStreamTable(t *testing.T, table string, vt types.StreamViewType, opts ...Option) (*Server, *dynamodb.Client, *dynamodbstreams.Client) {
	t.Helper()
	srv := NewTB(t, opts...)
	c := srv.Client()
	mkTable(t, c, table, "", withStream(vt))
	return srv, c, srv.StreamsClient()
}

// openDurable returns a function that opens a server on the bolt store
// at a new path of t's, with a clock (from 2026-01-02 03:04:05 UTC) that
// advance moves on.
func openDurable(t *testing.T) (open func() *Server, advance func(time.Duration)) {
	store := boltReopener(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	open = func() *Server { return NewUnstartedServer(WithStore(store()), WithClock(clock)) }
	return open, func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
}

var streamArnRE = regexp.MustCompile(`^arn:aws:dynamodb:us-east-1:000000000000:table/([^/]+)/stream/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$`)

func TestStreamSpecification(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	srv := NewTB(t, WithClock(func() time.Time { return now }))
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })

	bad := []struct {
		name string
		spec *types.StreamSpecification
		msg  string
	}{
		{"enabled without view type", &types.StreamSpecification{StreamEnabled: aws.Bool(true)}, "StreamViewType is required when StreamEnabled is true"},
		{"disabled with view type", &types.StreamSpecification{StreamEnabled: aws.Bool(false), StreamViewType: types.StreamViewTypeNewImage}, "Table is being created with a stream disabled, UpdateViewType should not be specified"},
		{"bad view type", &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: "ALL"}, "Value 'ALL' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]"},
	}
	for _, tc := range bad {
		_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String("specbad"),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest,
			StreamSpecification:  tc.spec,
		})
		wantCode(t, err, "ValidationException", tc.msg)
	}
	// The SDK checks StreamEnabled is present; the server does too.
	status, out := serveRaw(srv, "CreateTable", `{"TableName":"specbad","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],`+
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamViewType":"NEW_IMAGE"}}`)
	if want := "Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null"; status != 400 || !strings.Contains(out, want) {
		t.Fatalf("CreateTable without StreamEnabled: %d %s", status, out)
	}

	mkTable(t, c, "spec", "", withStream(types.StreamViewTypeNewAndOldImages))
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("spec")})
	if err != nil {
		t.Fatal(err)
	}
	first := aws.ToString(d.Table.LatestStreamArn)
	if !streamArnRE.MatchString(first) || aws.ToString(d.Table.LatestStreamLabel) != "2026-01-02T03:04:05.006" ||
		!aws.ToBool(d.Table.StreamSpecification.StreamEnabled) || d.Table.StreamSpecification.StreamViewType != types.StreamViewTypeNewAndOldImages {
		t.Fatalf("described stream: %s %s %+v", first, aws.ToString(d.Table.LatestStreamLabel), d.Table.StreamSpecification)
	}

	update := func(enabled bool, vt types.StreamViewType) error {
		_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("spec"),
			StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(enabled), StreamViewType: vt}})
		return err
	}
	wantCode(t, update(true, types.StreamViewTypeKeysOnly), "ValidationException", "Table already has an enabled stream: TableName: spec")
	put(t, c, "spec", item{"pk": s("before")})
	if err := update(false, ""); err != nil {
		t.Fatalf("disable: %v", err)
	}
	put(t, c, "spec", item{"pk": s("while disabled")})
	sc := srv.StreamsClient()
	// The disabled stream is still readable, to its closed shard's end.
	recs, closed := readShard(t, sc, first, aws.ToString(shardsOf(t, sc, first)[0].ShardId), stypes.ShardIteratorTypeTrimHorizon, "", 0)
	if len(recs) != 1 || !closed {
		t.Fatalf("disabled stream: %d records, closed %v", len(recs), closed)
	}
	d, _ = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("spec")})
	if d.Table.StreamSpecification != nil || aws.ToString(d.Table.LatestStreamArn) != first {
		t.Fatalf("after disabling: %+v %s", d.Table.StreamSpecification, aws.ToString(d.Table.LatestStreamArn))
	}
	wantCode(t, update(false, ""), "ValidationException", "no enabled stream")
	if err := update(true, types.StreamViewTypeKeysOnly); err != nil {
		t.Fatalf("re-enable: %v", err)
	}
	second := streamArnOf(t, c, "spec")
	if second == first || !streamArnRE.MatchString(second) {
		t.Fatalf("re-enabled stream ARN %s, first %s", second, first)
	}
	ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("spec")})
	if err != nil || len(ls.Streams) != 2 {
		t.Fatalf("ListStreams: %v %+v", err, ls)
	}
	old, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(first)})
	if err != nil || old.StreamDescription.StreamStatus != stypes.StreamStatusDisabled || old.StreamDescription.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil {
		t.Fatalf("old stream: %v %+v", err, old)
	}
	_, err = sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(first + "x")})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found")
	_, err = sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("nosuch")})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nosuch not found")

	// A day after it was disabled, the first stream is gone.
	now = now.Add(25 * time.Hour)
	srv.SweepTTL()
	ls, err = sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{})
	if err != nil || len(ls.Streams) != 1 || aws.ToString(ls.Streams[0].StreamArn) != second {
		t.Fatalf("ListStreams a day later: %v %+v", err, ls)
	}
	_, err = sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(first)})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+first+" not found")

	// Streams are per region, like tables.
	west := srv.Client(func(o *dynamodb.Options) { o.Region = "us-west-2" })
	mkTable(t, west, "spec", "", withStream(types.StreamViewTypeKeysOnly))
	westArn := streamArnOf(t, west, "spec")
	if !strings.HasPrefix(westArn, "arn:aws:dynamodb:us-west-2:000000000000:table/spec/stream/") {
		t.Fatalf("us-west-2 stream ARN %s", westArn)
	}
	_, err = sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(westArn)})
	wantCode(t, err, "ResourceNotFoundException", "Requested resource not found")
	westSC := srv.StreamsClient(func(o *dynamodbstreams.Options) { o.Region = "us-west-2" })
	if _, err := westSC.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(westArn)}); err != nil {
		t.Fatalf("DescribeStream in us-west-2: %v", err)
	}
}

func TestStreamRecords(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	srv := NewTB(t, WithClock(func() time.Time { return now }))
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	sc := srv.StreamsClient()
	for _, vt := range []types.StreamViewType{types.StreamViewTypeKeysOnly, types.StreamViewTypeNewImage, types.StreamViewTypeOldImage, types.StreamViewTypeNewAndOldImages} {
		name := "rec-" + string(vt)
		mkTable(t, c, name, "", withStream(vt))
		if _, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{Enabled: aws.Bool(true), AttributeName: aws.String("exp")}}); err != nil {
			t.Fatal(err)
		}
		put(t, c, name, item{"pk": s("a"), "v": n("1")})
		put(t, c, name, item{"pk": s("a"), "v": n("1")}) // identical: no record
		if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(name), Key: item{"pk": s("a")},
			UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: item{":v": n("2")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(name), Key: item{"pk": s("a")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(name), Key: item{"pk": s("a")}}); err != nil {
			t.Fatal(err) // missing: no record
		}
		if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{name: {
			{PutRequest: &types.PutRequest{Item: item{"pk": s("b")}}},
			{PutRequest: &types.PutRequest{Item: item{"pk": s("c"), "exp": n(strconv.FormatInt(now.Unix()-10, 10))}}},
		}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(name), Item: item{"pk": s("d")}}},
			{Delete: &types.Delete{TableName: aws.String(name), Key: item{"pk": s("b")}}},
		}}); err != nil {
			t.Fatal(err)
		}
		if got := srv.SweepTTL(); got != 1 {
			t.Fatalf("SweepTTL = %d", got)
		}

		recs := readAll(t, c, sc, name)
		want := []struct {
			event, pk string
			old, new  bool
		}{
			{"INSERT", "a", false, true}, {"MODIFY", "a", true, true}, {"REMOVE", "a", true, false},
			{"INSERT", "b", false, true}, {"INSERT", "c", false, true},
			{"INSERT", "d", false, true}, {"REMOVE", "b", true, false},
			{"REMOVE", "c", true, false},
		}
		if len(recs) != len(want) {
			t.Fatalf("%s: %d records, want %d", vt, len(recs), len(want))
		}
		prev := ""
		for i, r := range recs {
			w := want[i]
			d := r.Dynamodb
			if string(r.EventName) != w.event || d.Keys["pk"].(*stypes.AttributeValueMemberS).Value != w.pk {
				t.Fatalf("%s record %d: %s %v, want %s %s", vt, i, r.EventName, d.Keys, w.event, w.pk)
			}
			wantNew := w.new && (vt == types.StreamViewTypeNewImage || vt == types.StreamViewTypeNewAndOldImages)
			wantOld := w.old && (vt == types.StreamViewTypeOldImage || vt == types.StreamViewTypeNewAndOldImages)
			if (d.NewImage != nil) != wantNew || (d.OldImage != nil) != wantOld {
				t.Fatalf("%s record %d: new %v old %v", vt, i, d.NewImage, d.OldImage)
			}
			seq := aws.ToString(d.SequenceNumber)
			if len(seq) != 21 || seq <= prev {
				t.Fatalf("%s record %d: sequence number %q after %q", vt, i, seq, prev)
			}
			prev = seq
			if aws.ToString(r.EventSource) != "aws:dynamodb" || aws.ToString(r.EventVersion) != "1.1" || aws.ToString(r.AwsRegion) != "us-east-1" ||
				len(aws.ToString(r.EventID)) != 32 || string(d.StreamViewType) != string(vt) || aws.ToInt64(d.SizeBytes) <= 0 ||
				!d.ApproximateCreationDateTime.Equal(now) {
				t.Fatalf("%s record %d: %+v %+v", vt, i, r, d)
			}
			ttl := i == len(want)-1
			if ttl != (r.UserIdentity != nil) || ttl && (aws.ToString(r.UserIdentity.Type) != "Service" || aws.ToString(r.UserIdentity.PrincipalId) != "dynamodb.amazonaws.com") {
				t.Fatalf("%s record %d: userIdentity %+v", vt, i, r.UserIdentity)
			}
		}
		if vt == types.StreamViewTypeNewAndOldImages {
			m := recs[1].Dynamodb
			if m.OldImage["v"].(*stypes.AttributeValueMemberN).Value != "1" || m.NewImage["v"].(*stypes.AttributeValueMemberN).Value != "2" {
				t.Fatalf("MODIFY images: %v %v", m.OldImage, m.NewImage)
			}
		}
	}
}

func TestStreamIterators(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	srv := NewTB(t, WithClock(func() time.Time { return now }))
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	sc := srv.StreamsClient(func(o *dynamodbstreams.Options) { o.RetryMaxAttempts = 1 })
	mkTable(t, c, "iters", "", withStream(types.StreamViewTypeKeysOnly))
	for i := range 10 {
		put(t, c, "iters", item{"pk": s(strconv.Itoa(i))})
	}
	arn := streamArnOf(t, c, "iters")
	shard := aws.ToString(shardsOf(t, sc, arn)[0].ShardId)
	all, closed := readShard(t, sc, arn, shard, stypes.ShardIteratorTypeTrimHorizon, "", 3)
	if len(all) != 10 || closed {
		t.Fatalf("paged read: %d records, closed %v", len(all), closed)
	}
	seq := func(i int) string { return aws.ToString(all[i].Dynamodb.SequenceNumber) }
	cases := []struct {
		typ   stypes.ShardIteratorType
		seq   string
		first int // index in all of the first record read, -1 for none
	}{
		{stypes.ShardIteratorTypeTrimHorizon, "", 0},
		{stypes.ShardIteratorTypeAtSequenceNumber, seq(4), 4},
		{stypes.ShardIteratorTypeAfterSequenceNumber, seq(4), 5},
		{stypes.ShardIteratorTypeAfterSequenceNumber, seq(9), -1},
		{stypes.ShardIteratorTypeLatest, "", -1},
	}
	for _, tc := range cases {
		got, _ := readShard(t, sc, arn, shard, tc.typ, tc.seq, 0)
		if tc.first < 0 && len(got) != 0 || tc.first >= 0 && (len(got) != 10-tc.first || aws.ToString(got[0].Dynamodb.SequenceNumber) != seq(tc.first)) {
			t.Fatalf("%s %s: %d records", tc.typ, tc.seq, len(got))
		}
	}
	// LATEST then a write: the iterator sees the write.
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(shard), ShardIteratorType: stypes.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	put(t, c, "iters", item{"pk": s("late")})
	out, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(out.Records) != 1 || out.NextShardIterator == nil {
		t.Fatalf("LATEST: %v %+v", err, out)
	}

	errs := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"AT without sequence number", func() error {
			_, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(shard), ShardIteratorType: stypes.ShardIteratorTypeAtSequenceNumber})
			return err
		}, "ValidationException", "SequenceNumber"},
		{"unknown shard", func() error {
			_, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String("shardId-00000000000000000000-00000000"), ShardIteratorType: stypes.ShardIteratorTypeLatest})
			return err
		}, "ResourceNotFoundException", "Requested resource not found"},
		{"garbage iterator", func() error {
			_, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String("nonsense!")})
			return err
		}, "ValidationException", "Invalid ShardIterator"},
		{"limit too large", func() error {
			_, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: aws.Int32(1001)})
			return err
		}, "ValidationException", "Member must have value less than or equal to 1000"},
	}
	for _, tc := range errs {
		wantCode(t, tc.call(), tc.code, tc.msg)
	}

	// Iterators expire after 15 minutes; records after 24 hours.
	now = now.Add(16 * time.Minute)
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	wantCode(t, err, "ExpiredIteratorException", "Iterator expired")
	now = now.Add(24 * time.Hour)
	if got, _ := readShard(t, sc, arn, shard, stypes.ShardIteratorTypeTrimHorizon, "", 0); len(got) != 0 {
		t.Fatalf("%d records past retention", len(got))
	}
	put(t, c, "iters", item{"pk": s("new")}) // trims the old records
	if got, _ := readShard(t, sc, arn, shard, stypes.ShardIteratorTypeTrimHorizon, "", 0); len(got) != 1 {
		t.Fatalf("%d records after trimming, want 1", len(got))
	}
	tb, _ := srv.lookupTable(aws.String("iters"))
	if n := tb.stream.tree.Len(); n != 1 {
		t.Fatalf("stream tree holds %d records after trimming, want 1", n)
	}
	now = now.Add(25 * time.Hour)
	srv.SweepTTL()
	if n := tb.stream.tree.Len(); n != 0 {
		t.Fatalf("stream tree holds %d records after a sweep, want 0", n)
	}
}

func TestStreamShardRollover(t *testing.T) {
	t.Parallel()
	srv, c, sc := newStreamTable(t, "roll", types.StreamViewTypeNewImage)
	put(t, c, "roll", item{"pk": s("1")})
	put(t, c, "roll", item{"pk": s("2")})
	if err := srv.RollStreamShard(DefaultRegion, "roll"); err != nil {
		t.Fatal(err)
	}
	put(t, c, "roll", item{"pk": s("3")})
	arn := streamArnOf(t, c, "roll")
	shards := shardsOf(t, sc, arn)
	if len(shards) != 2 || shards[0].SequenceNumberRange.EndingSequenceNumber == nil || shards[1].SequenceNumberRange.EndingSequenceNumber != nil ||
		aws.ToString(shards[1].ParentShardId) != aws.ToString(shards[0].ShardId) || shards[0].ParentShardId != nil {
		t.Fatalf("shards: %+v", shards)
	}
	parent, closed := readShard(t, sc, arn, aws.ToString(shards[0].ShardId), stypes.ShardIteratorTypeTrimHorizon, "", 1)
	if len(parent) != 2 || !closed {
		t.Fatalf("parent shard: %d records, closed %v", len(parent), closed)
	}
	child, closed := readShard(t, sc, arn, aws.ToString(shards[1].ShardId), stypes.ShardIteratorTypeTrimHorizon, "", 0)
	if len(child) != 1 || closed || aws.ToString(child[0].Dynamodb.SequenceNumber) <= aws.ToString(parent[1].Dynamodb.SequenceNumber) {
		t.Fatalf("child shard: %+v, closed %v", child, closed)
	}
	if err := srv.RollStreamShard(DefaultRegion, "nosuch"); err == nil {
		t.Fatal("RollStreamShard of a missing table: no error")
	}
}

// TestStreamDurable: records survive a restart of a server on a bolt
// store, read over HTTP by a streams client that only knows the URL.
func TestStreamDurable(t *testing.T) {
	t.Parallel()
	store := boltReopener(t)
	open := func() (*Server, *dynamodb.Client, *dynamodbstreams.Client) {
		srv := NewServer(WithStore(store()))
		sc := dynamodbstreams.New(dynamodbstreams.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(srv.URL),
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
			}),
		})
		return srv, boltClient(srv.URL), sc
	}
	srv, c, sc := open()
	mkTable(t, c, "durable", "", withStream(types.StreamViewTypeNewAndOldImages))
	put(t, c, "durable", item{"pk": s("a")})
	if err := srv.RollStreamShard(DefaultRegion, "durable"); err != nil {
		t.Fatal(err)
	}
	put(t, c, "durable", item{"pk": s("a"), "v": n("1")})
	before := readAll(t, c, sc, "durable")
	srv.Close()

	srv, c, sc = open()
	defer srv.Close()
	put(t, c, "durable", item{"pk": s("b")})
	after := readAll(t, c, sc, "durable")
	if len(before) != 2 || len(after) != 3 {
		t.Fatalf("%d records before restart, %d after", len(before), len(after))
	}
	for i, r := range before {
		if aws.ToString(after[i].Dynamodb.SequenceNumber) != aws.ToString(r.Dynamodb.SequenceNumber) || after[i].EventName != r.EventName {
			t.Fatalf("record %d changed across restart: %+v", i, after[i])
		}
	}
	if aws.ToString(after[2].Dynamodb.SequenceNumber) <= aws.ToString(after[1].Dynamodb.SequenceNumber) {
		t.Fatal("sequence numbers went back after restart")
	}
}

// TestStreamConcurrentWriters: writers on several items at once; the
// stream holds every change exactly once, in order per item.
func TestStreamConcurrentWriters(t *testing.T) {
	t.Parallel()
	srv := NewTB(t)
	c := srv.Client()
	sc := srv.StreamsClient()
	mkTable(t, c, "conc", "", withStream(types.StreamViewTypeNewImage))
	const writers, writes = 4, 100
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			for i := range writes {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("conc"),
					Item: item{"pk": s(strconv.Itoa(w)), "v": n(strconv.Itoa(i))}})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	recs := readAll(t, c, sc, "conc")
	if len(recs) != writers*writes {
		t.Fatalf("%d records, want %d", len(recs), writers*writes)
	}
	next := map[string]int{}
	for _, r := range recs {
		pk := r.Dynamodb.Keys["pk"].(*stypes.AttributeValueMemberS).Value
		v, _ := strconv.Atoi(r.Dynamodb.NewImage["v"].(*stypes.AttributeValueMemberN).Value)
		if v != next[pk] {
			t.Fatalf("item %s: change %d where %d was due", pk, v, next[pk])
		}
		next[pk]++
	}
}

// TestStreamShardSize: WithStreamShardSize rolls shards over by itself;
// a consumer following lineage reads every record once, in order.
func TestStreamShardSize(t *testing.T) {
	t.Parallel()
	_, c, sc := newStreamTable(t, "sized", types.StreamViewTypeKeysOnly, WithStreamShardSize(4))
	for i := range 10 {
		put(t, c, "sized", item{"pk": s(strconv.Itoa(i))})
	}
	arn := streamArnOf(t, c, "sized")
	shards := shardsOf(t, sc, arn)
	if len(shards) != 3 {
		t.Fatalf("%d shards, want 3", len(shards))
	}
	var pks []string
	for i, sh := range shards {
		if i > 0 && aws.ToString(sh.ParentShardId) != aws.ToString(shards[i-1].ShardId) {
			t.Fatalf("shard %d parent %s", i, aws.ToString(sh.ParentShardId))
		}
		recs, closed := readShard(t, sc, arn, aws.ToString(sh.ShardId), stypes.ShardIteratorTypeTrimHorizon, "", 0)
		if closed != (i < 2) {
			t.Fatalf("shard %d closed %v", i, closed)
		}
		for _, r := range recs {
			pks = append(pks, r.Dynamodb.Keys["pk"].(*stypes.AttributeValueMemberS).Value)
		}
	}
	if strings.Join(pks, ",") != "0,1,2,3,4,5,6,7,8,9" {
		t.Fatalf("records %v", pks)
	}

	// DescribeStream pages through the shards.
	var paged []string
	var start *string
	for {
		out, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), Limit: aws.Int32(2), ExclusiveStartShardId: start})
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range out.StreamDescription.Shards {
			paged = append(paged, aws.ToString(sh.ShardId))
		}
		if start = out.StreamDescription.LastEvaluatedShardId; start == nil {
			break
		}
	}
	if len(paged) != 3 || paged[2] != aws.ToString(shards[2].ShardId) {
		t.Fatalf("paged shards %v", paged)
	}
	// So does ListStreams through the streams.
	mkTable(t, c, "sized2", "", withStream(types.StreamViewTypeKeysOnly))
	ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil || len(ls.Streams) != 1 || ls.LastEvaluatedStreamArn == nil {
		t.Fatalf("ListStreams page 1: %v %+v", err, ls)
	}
	ls, err = sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{ExclusiveStartStreamArn: ls.LastEvaluatedStreamArn})
	if err != nil || len(ls.Streams) != 1 || ls.LastEvaluatedStreamArn != nil || aws.ToString(ls.Streams[0].TableName) != "sized2" {
		t.Fatalf("ListStreams page 2: %v %+v", err, ls)
	}
}

// TestStreamShardSplit: SplitStreamShard closes the open shard and opens
// two children, both open, between which the items are shared by key
// hash: each item's records are in one child, and the children hold
// every record once.
func TestStreamShardSplit(t *testing.T) {
	t.Parallel()
	srv, c, sc := newStreamTable(t, "split", types.StreamViewTypeKeysOnly)
	put(t, c, "split", item{"pk": s("before")})
	if err := srv.SplitStreamShard(DefaultRegion, "split"); err != nil {
		t.Fatal(err)
	}
	const items, rounds = 40, 3
	for r := range rounds {
		for i := range items {
			put(t, c, "split", item{"pk": s(strconv.Itoa(i)), "r": n(strconv.Itoa(r))})
		}
	}
	arn := streamArnOf(t, c, "split")
	shards := shardsOf(t, sc, arn)
	if len(shards) != 3 {
		t.Fatalf("%d shards, want 3: %+v", len(shards), shards)
	}
	root := aws.ToString(shards[0].ShardId)
	inShard := map[string]string{} // item -> its child shard
	for i, sh := range shards[1:] {
		if aws.ToString(sh.ParentShardId) != root || sh.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("child %d: %+v", i, sh)
		}
		recs, _ := readShard(t, sc, arn, aws.ToString(sh.ShardId), stypes.ShardIteratorTypeTrimHorizon, "", 7)
		if len(recs) == 0 || len(recs) == items*rounds {
			t.Errorf("child %d holds %d of the %d records: want a share", i, len(recs), items*rounds)
		}
		for _, r := range recs {
			pk := r.Dynamodb.Keys["pk"].(*stypes.AttributeValueMemberS).Value
			if other, ok := inShard[pk]; ok && other != aws.ToString(sh.ShardId) {
				t.Errorf("item %s in two shards", pk)
			}
			inShard[pk] = aws.ToString(sh.ShardId)
		}
	}
	if len(inShard) != items {
		t.Errorf("children hold %d items, want %d", len(inShard), items)
	}
	// Splitting again splits both children; rolling over gives each open
	// shard one child.
	if err := srv.SplitStreamShard(DefaultRegion, "split"); err != nil {
		t.Fatal(err)
	}
	if err := srv.RollStreamShard(DefaultRegion, "split"); err != nil {
		t.Fatal(err)
	}
	open := 0
	for _, sh := range shardsOf(t, sc, arn) {
		if sh.SequenceNumberRange.EndingSequenceNumber == nil {
			open++
		}
	}
	if open != 4 {
		t.Errorf("%d open shards after split, split, roll; want 4", open)
	}
	if err := srv.SplitStreamShard(DefaultRegion, "nosuch"); err == nil {
		t.Error("SplitStreamShard of a missing table: no error")
	}
}

// TestStreamShardAge: WithStreamShardAge rolls the open shard over once
// it is old enough by the server's clock, on the next sweep.
func TestStreamShardAge(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv, c, sc := newStreamTable(t, "aged", types.StreamViewTypeKeysOnly, WithClock(clock), WithStreamShardAge(4*time.Hour))
	arn := streamArnOf(t, c, "aged")
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{time.Hour, 1}, {3 * time.Hour, 2}, {3 * time.Hour, 2}, {time.Hour, 3}} {
		mu.Lock()
		now = now.Add(step.advance)
		mu.Unlock()
		srv.SweepTTL()
		if got := len(shardsOf(t, sc, arn)); got != step.want {
			t.Fatalf("at %v: %d shards, want %d", now, got, step.want)
		}
	}
}

// TestStreamOfDeletedTable: DeleteTable disables the table's stream,
// which stays listed and readable, across a restart of a durable store,
// for 24 hours of the server's clock; a table made again with the same
// name has a stream of its own.
func TestStreamOfDeletedTable(t *testing.T) {
	t.Parallel()
	open, advance := openDurable(t)
	srv := open()
	c := srv.Client()
	mkTable(t, c, "gone", "", withStream(types.StreamViewTypeKeysOnly))
	put(t, c, "gone", item{"pk": s("a")})
	put(t, c, "gone", item{"pk": s("b")})
	arn := streamArnOf(t, c, "gone")
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	mkTable(t, c, "gone", "", withStream(types.StreamViewTypeKeysOnly)) // a new table, a new stream
	srv.Close()

	srv = open()
	defer srv.Close()
	c, sc := srv.Client(), srv.StreamsClient()
	d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if d.StreamDescription.StreamStatus != stypes.StreamStatusDisabled || len(d.StreamDescription.Shards) != 1 ||
		d.StreamDescription.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil {
		t.Fatalf("stream of the deleted table: %+v", d.StreamDescription)
	}
	recs, closed := readShard(t, sc, arn, aws.ToString(d.StreamDescription.Shards[0].ShardId), stypes.ShardIteratorTypeTrimHorizon, "", 0)
	if len(recs) != 2 || !closed {
		t.Fatalf("%d records, closed %v; want 2, closed", len(recs), closed)
	}
	if newArn := streamArnOf(t, c, "gone"); newArn == arn {
		t.Fatal("the new table has the deleted table's stream")
	}
	ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("gone")})
	if err != nil || len(ls.Streams) != 2 {
		t.Fatalf("ListStreams: %v, %+v; want both streams", err, ls)
	}

	advance(25 * time.Hour)
	srv.SweepTTL()
	if _, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)}); err == nil {
		t.Fatal("the deleted table's stream is still there after 25 hours")
	}
	if ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("gone")}); err != nil || len(ls.Streams) != 1 {
		t.Fatalf("ListStreams after 25 hours: %v, %+v; want the new table's stream", err, ls)
	}
}

// TestStreamShardTrim: the sweep stops listing a closed shard once it was
// closed 24 hours ago and its records are trimmed, as DynamoDB does; its
// child still names it as parent, and reading it fails as for an unknown
// shard. A sequence number past a shard's trim horizon gets
// TrimmedDataAccessException. Both survive a restart of a durable store.
func TestStreamShardTrim(t *testing.T) {
	t.Parallel()
	open, advance := openDurable(t)
	srv := open()
	c := srv.Client()
	sc := srv.StreamsClient(func(o *dynamodbstreams.Options) { o.RetryMaxAttempts = 1 })
	mkTable(t, c, "trim", "", withStream(types.StreamViewTypeKeysOnly))
	arn := streamArnOf(t, c, "trim")
	ids := func() (ids []string) {
		for _, sh := range shardsOf(t, sc, arn) {
			ids = append(ids, aws.ToString(sh.ShardId))
		}
		return ids
	}
	getIt := func(shard string, typ stypes.ShardIteratorType, seq string) error {
		in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(shard), ShardIteratorType: typ}
		if seq != "" {
			in.SequenceNumber = aws.String(seq)
		}
		_, err := sc.GetShardIterator(ctx, in)
		return err
	}

	put(t, c, "trim", item{"pk": s("a")}) // shard 0, at 0h
	if err := srv.RollStreamShard(DefaultRegion, "trim"); err != nil {
		t.Fatal(err)
	}
	put(t, c, "trim", item{"pk": s("b")}) // shard 1, at 0h
	put(t, c, "trim", item{"pk": s("c")})
	advance(20 * time.Hour)
	if err := srv.RollStreamShard(DefaultRegion, "trim"); err != nil { // shard 1 closed at 20h
		t.Fatal(err)
	}
	put(t, c, "trim", item{"pk": s("d")}) // shard 2, at 20h
	all := ids()
	if len(all) != 3 {
		t.Fatalf("shards: %v", all)
	}
	old, _ := readShard(t, sc, arn, all[1], stypes.ShardIteratorTypeTrimHorizon, "", 0)

	// At 25h: shard 0 (closed at 0h) is gone; shard 1's records are
	// trimmed, but it was closed 5 hours ago: listed, empty.
	advance(5 * time.Hour)
	srv.SweepTTL()
	if got := ids(); !slices.Equal(got, all[1:]) {
		t.Fatalf("shards after 25h: %v, want %v", got, all[1:])
	}
	if sh := shardsOf(t, sc, arn)[0]; aws.ToString(sh.ParentShardId) != all[0] {
		t.Fatalf("shard 1's parent: %v, want the trimmed %s", aws.ToString(sh.ParentShardId), all[0])
	}
	if recs, _ := readShard(t, sc, arn, all[1], stypes.ShardIteratorTypeTrimHorizon, "", 0); len(recs) != 0 {
		t.Fatalf("trimmed shard 1: %d records", len(recs))
	}
	seq := func(i int) string { return aws.ToString(old[i].Dynamodb.SequenceNumber) }
	check := func(when string) {
		t.Helper()
		cases := []struct {
			shard string
			typ   stypes.ShardIteratorType
			seq   string
			code  string // "" for none
		}{
			{all[0], stypes.ShardIteratorTypeTrimHorizon, "", "ResourceNotFoundException"},
			{all[1], stypes.ShardIteratorTypeAtSequenceNumber, seq(0), "TrimmedDataAccessException"},
			{all[1], stypes.ShardIteratorTypeAfterSequenceNumber, seq(0), "TrimmedDataAccessException"},
			{all[1], stypes.ShardIteratorTypeAtSequenceNumber, seq(1), "TrimmedDataAccessException"},
			{all[1], stypes.ShardIteratorTypeAfterSequenceNumber, seq(1), ""}, // nothing after it was trimmed
			{all[2], stypes.ShardIteratorTypeTrimHorizon, "", ""},
		}
		for _, tc := range cases {
			err := getIt(tc.shard, tc.typ, tc.seq)
			if tc.code == "" && err != nil {
				t.Fatalf("%s: %s %s: %v", when, tc.typ, tc.seq, err)
			} else if tc.code != "" {
				wantCode(t, err, tc.code, "")
			}
		}
	}
	check("after 25h")
	srv.Close()

	srv = open()
	defer srv.Close()
	sc = srv.StreamsClient(func(o *dynamodbstreams.Options) { o.RetryMaxAttempts = 1 })
	if got := ids(); !slices.Equal(got, all[1:]) {
		t.Fatalf("shards after a restart: %v, want %v", got, all[1:])
	}
	check("after a restart")
	// An iterator taken before the record it would read next is trimmed
	// fails to read.
	advance(18*time.Hour + 55*time.Minute)
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(all[2]), ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	advance(10 * time.Minute) // d, written at 20h, expires
	srv.SweepTTL()
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	wantCode(t, err, "TrimmedDataAccessException", "trimmed")
	// At 45h, shard 1 was closed 25 hours ago: gone too; the open shard
	// stays listed though its record expired.
	advance(55 * time.Minute)
	srv.SweepTTL()
	if got := ids(); !slices.Equal(got, all[2:]) {
		t.Fatalf("shards after 45h: %v, want %v", got, all[2:])
	}
}
