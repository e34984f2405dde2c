package ddb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/ddb-go/ddb/ddbtest"
)

// reqCounter is a countingClient that also counts batch and transaction
// requests, to prove that bad input fails before any request.
type reqCounter struct{ *countingClient }

func (c reqCounter) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	c.count("BatchWriteItem")
	return c.Client.BatchWriteItem(ctx, in, optFns...)
}

func (c reqCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.count("BatchGetItem")
	return c.Client.BatchGetItem(ctx, in, optFns...)
}

func (c reqCounter) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.count("TransactWriteItems")
	return c.Client.TransactWriteItems(ctx, in, optFns...)
}

func (c reqCounter) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	c.count("TransactGetItems")
	return c.Client.TransactGetItems(ctx, in, optFns...)
}

// newTableOn creates a table for T on client c and returns it, read and
// written through a reqCounter.
func newTableOn[T any](t testing.TB, c Client, opts ...TableOption) (*Table[T], reqCounter) {
	t.Helper()
	rc := reqCounter{&countingClient{Client: c}}
	tbl, err := NewTable[T](rc, "placeholder", opts...)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	tbl.name = createTableFor(t, c, tbl.schema)
	return tbl, rc
}

// newCountedTable is newTestTable (the harness's server) with batch and
// transaction requests counted too.
func newCountedTable[T any](t testing.TB, opts ...TableOption) (*Table[T], reqCounter) {
	t.Helper()
	return newTableOn[T](t, newTestClient(t), opts...)
}

// fastClient returns an in-process client of srv whose SDK retries wait
// at most 2ms and are never refused by the SDK's retry quota, so fault
// tests run in seconds.
func fastClient(srv *ddbtest.Server) *dynamodb.Client {
	return srv.Client(func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxBackoff = 2 * time.Millisecond
			so.RateLimiter = ratelimit.None
		})
	})
}

type batchItem struct {
	PK  string `ddb:"pk"`
	SK  int    `ddb:"sk"`
	Val string
}

func batchItems(n int, val string) []batchItem {
	items := make([]batchItem, n)
	for i := range items {
		items[i] = batchItem{PK: fmt.Sprintf("p%d", i%7), SK: i, Val: fmt.Sprintf("%s-%d", val, i)}
	}
	return items
}

func keysOf(items []batchItem) []Key {
	keys := make([]Key, len(items))
	for i, it := range items {
		keys[i] = Key{it.PK, it.SK}
	}
	return keys
}

func TestBatchWriteAndGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, rc := newCountedTable[batchItem](t)
	items := batchItems(260, "v")
	var progress []int
	if err := tbl.BatchWrite(ctx, items, nil, Concurrency(3), Progress(func(n int) { progress = append(progress, n) })); err != nil {
		t.Fatalf("BatchWrite: %v", err)
	}
	if got := rc.n("BatchWriteItem"); got < 11 {
		t.Errorf("BatchWriteItem requests = %d, want >= 11 (25 items each)", got)
	}
	if len(progress) == 0 || progress[len(progress)-1] != 260 || !slices.IsSorted(progress) {
		t.Errorf("progress = %v, want increasing to 260", progress)
	}

	// Mixed: overwrite 30, delete 20.
	over := batchItems(30, "w")
	dels := keysOf(items[200:220])
	if err := tbl.BatchWrite(ctx, over, dels); err != nil {
		t.Fatalf("BatchWrite mixed: %v", err)
	}

	// Read back everything plus a missing key, in a shuffled order.
	keys := append(keysOf(items), Key{"nope", 1})
	slices.Reverse(keys)
	got, err := tbl.BatchGet(ctx, keys)
	if err != nil {
		t.Fatalf("BatchGet: %v", err)
	}
	if len(got) != 240 {
		t.Fatalf("BatchGet returned %d items, want 240", len(got))
	}
	for i, it := range got {
		if i > 0 && it.SK > got[i-1].SK {
			t.Fatalf("BatchGet order: item %d has SK %d after %d; want the keys' (reversed) order", i, it.SK, got[i-1].SK)
		}
		want := fmt.Sprintf("v-%d", it.SK)
		if it.SK < 30 {
			want = fmt.Sprintf("w-%d", it.SK)
		}
		if it.Val != want {
			t.Errorf("item %d: Val = %q, want %q", it.SK, it.Val, want)
		}
	}

	// Iterator form.
	n := 0
	for it, err := range tbl.BatchGetAll(ctx, keysOf(items[:150]), ConsistentReads()) {
		if err != nil {
			t.Fatalf("BatchGetAll: %v", err)
		}
		if it.SK >= 150 {
			t.Errorf("BatchGetAll yielded unrequested item %d", it.SK)
		}
		n++
	}
	if n != 150 {
		t.Errorf("BatchGetAll yielded %d items, want 150", n)
	}
	// Stopping early is fine.
	for range tbl.BatchGetAll(ctx, keysOf(items)) {
		break
	}
}

func TestBatchDuplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, rc := newCountedTable[batchItem](t)
	items := batchItems(40, "v")
	dup := append(slices.Clone(items), batchItem{PK: items[3].PK, SK: 3, Val: "last"})

	err := tbl.BatchWrite(ctx, dup, nil)
	var e *Error
	if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) {
		t.Fatalf("BatchWrite with duplicate: err = %v, want ErrInvalidInput *Error", err)
	}
	t.Logf("duplicate error: %v", err)
	if _, err := tbl.BatchGet(ctx, append(keysOf(items), Key{items[5].PK, 5})); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("BatchGet with duplicate: err = %v, want ErrInvalidInput", err)
	}
	if err := tbl.BatchWrite(ctx, items[:2], []Key{{items[1].PK, 1}}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("put and delete of one key: err = %v, want ErrInvalidInput", err)
	}
	if n := rc.total(); n != 0 {
		t.Fatalf("%d requests sent for rejected batches, want 0", n)
	}

	// Collapsed: the last write wins; a delete after a put wins.
	if err := tbl.BatchWrite(ctx, dup, []Key{{items[4].PK, 4}}, CollapseDuplicates()); err != nil {
		t.Fatalf("BatchWrite collapsed: %v", err)
	}
	got, err := tbl.BatchGet(ctx, []Key{{items[3].PK, 3}, {items[4].PK, 4}, {items[3].PK, 3}}, CollapseDuplicates())
	if err != nil {
		t.Fatalf("BatchGet: %v", err)
	}
	if len(got) != 1 || got[0].Val != "last" {
		t.Fatalf("BatchGet after collapse = %+v, want only item 3 with Val last", got)
	}
}

func TestWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl, rc := newCountedTable[batchItem](t)
	var done []int
	w := tbl.Writer(ctx, Progress(func(n int) { done = append(done, n) }))
	items := batchItems(60, "v")
	for _, it := range items {
		if err := w.Put(it); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	if got := rc.n("BatchWriteItem"); got != 2 {
		t.Errorf("after 60 puts, %d requests sent, want 2 (every 25)", got)
	}
	if err := w.Put(items[55]); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Put of a buffered key: err = %v, want ErrInvalidInput", err)
	}
	if err := w.Delete(Key{items[0].PK, items[0].SK}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := w.Delete(Key{"only-pk"}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Delete with half a key: err = %v, want ErrInvalidKey", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := w.Put(items[1]); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Put after Close: err = %v, want ErrInvalidInput", err)
	}
	if len(done) != 3 || done[2] != 61 {
		t.Errorf("progress = %v, want [25 50 61]", done)
	}
	n, err := tbl.Scan().Count(ctx)
	if err != nil || n != 59 {
		t.Fatalf("Scan count = %d, %v; want 59", n, err)
	}
}

// batchFaults injects 20% unprocessed batch items, 5% throttling and 2%
// internal errors.
func batchFaults(seed int64) ddbtest.Faults {
	return ddbtest.Faults{Seed: seed, Rules: []ddbtest.FaultRule{
		{Ops: []string{"BatchWriteItem", "BatchGetItem"}, Kind: ddbtest.FaultUnprocessed, Rate: 0.20},
		{Kind: ddbtest.FaultThrottle, Rate: 0.05},
		{Kind: ddbtest.FaultInternalError, Rate: 0.02},
	}}
}

func TestBatchUnderFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := ddbtest.NewTB(t)
	tbl, rc := newTableOn[batchItem](t, fastClient(srv))
	srv.SetFaults(batchFaults(7))
	const n = 10000
	items := batchItems(n, "v")
	fast := RetryBackoff(time.Millisecond, 10*time.Millisecond)
	if err := tbl.BatchWrite(ctx, items, nil, fast, Concurrency(8)); err != nil {
		t.Fatalf("BatchWrite: %v", err)
	}
	t.Logf("BatchWriteItem requests for %d items: %d", n, rc.n("BatchWriteItem"))
	got, err := tbl.BatchGet(ctx, keysOf(items), fast, Concurrency(8))
	if err != nil {
		t.Fatalf("BatchGet: %v", err)
	}
	if len(got) != n {
		t.Fatalf("BatchGet returned %d items, want %d", len(got), n)
	}
	for i, it := range got {
		if it != items[i] {
			t.Fatalf("item %d = %+v, want %+v", i, it, items[i])
		}
	}
	srv.SetFaults(ddbtest.Faults{})
	count, err := tbl.Scan().Count(ctx)
	if err != nil || count != n {
		t.Fatalf("Scan count = %d, %v; want %d", count, err, n)
	}
}

// TestBatchGiveUp checks that a batch that gives up reports exactly the
// items it did not write.
func TestBatchGiveUp(t *testing.T) {
	t.Parallel()
	srv := ddbtest.NewTB(t)
	client := fastClient(srv)
	tbl, _ := newTableOn[batchItem](t, client)
	items := batchItems(300, "v")

	// Every item but one per request is left unprocessed; the context ends
	// long before all are written.
	srv.SetFaults(ddbtest.Faults{Seed: 3, Rules: []ddbtest.FaultRule{
		{Ops: []string{"BatchWriteItem"}, Kind: ddbtest.FaultUnprocessed, Rate: 1},
		{Ops: []string{"BatchWriteItem"}, Kind: ddbtest.FaultDelay, Rate: 1, Delay: 2 * time.Millisecond},
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	err := tbl.BatchWrite(ctx, items, nil, RetryBackoff(time.Millisecond, 5*time.Millisecond))
	var be *BatchError[batchItem]
	if !errors.As(err, &be) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want *BatchError wrapping DeadlineExceeded", err)
	}
	srv.SetFaults(ddbtest.Faults{})
	stored, err := tbl.Scan().Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stored %d, unprocessed %d", len(stored), len(be.Unprocessed))
	if len(stored) == 0 || len(be.Unprocessed) == 0 {
		t.Fatalf("stored %d, unprocessed %d: want both non-zero", len(stored), len(be.Unprocessed))
	}
	seen := map[int]int{}
	for _, it := range stored {
		seen[it.SK]++
	}
	for _, it := range be.Unprocessed {
		seen[it.SK]++
	}
	for _, it := range items {
		if seen[it.SK] != 1 {
			t.Fatalf("item %d is stored and unprocessed %d times in all, want exactly 1", it.SK, seen[it.SK])
		}
	}
	if !slices.IsSortedFunc(be.Unprocessed, func(a, b batchItem) int { return a.SK - b.SK }) {
		t.Errorf("Unprocessed not in input order")
	}

	// A non-retryable error (no such table) gives up at once, listing all.
	gone, err := NewTable[batchItem](client, "no-such-table")
	if err != nil {
		t.Fatal(err)
	}
	err = gone.BatchWrite(context.Background(), items[:60], keysOf(items[60:70]))
	if !errors.As(err, &be) || !errors.Is(err, ErrTableNotFound) || len(be.Unprocessed) != 60 || len(be.UnprocessedKeys) != 10 {
		t.Fatalf("err = %v, want *BatchError (ErrTableNotFound) with 60 items and 10 keys", err)
	}
	_, err = gone.BatchGet(context.Background(), keysOf(items[:10]))
	if !errors.As(err, &be) || len(be.UnprocessedKeys) != 10 {
		t.Fatalf("BatchGet err = %v, want *BatchError with 10 keys", err)
	}
}

// TestRetryLoop checks the backoff bounds and that errors are classified.
func TestRetryLoop(t *testing.T) {
	t.Parallel()
	b := backoff{base: 10 * time.Millisecond, max: 80 * time.Millisecond}
	for n := range 10 {
		ceil := min(80*time.Millisecond, 10*time.Millisecond<<n)
		for range 50 {
			if d := b.delay(n); d <= 0 || d > ceil {
				t.Fatalf("delay(%d) = %v, want in (0, %v]", n, d, ceil)
			}
		}
	}
	calls := 0
	err := retryLoop(context.Background(), backoff{base: time.Microsecond}, func() (bool, error) {
		calls++
		if calls < 4 {
			return false, &Error{Kind: ErrThrottled}
		}
		return true, nil
	})
	if err != nil || calls != 4 {
		t.Fatalf("retryLoop: err %v after %d calls, want nil after 4", err, calls)
	}
	fatal := errors.New("fatal")
	calls = 0
	err = retryLoop(context.Background(), b, func() (bool, error) { calls++; return false, fatal })
	if err != fatal || calls != 1 {
		t.Fatalf("non-retryable: err %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err = retryLoop(ctx, b, func() (bool, error) { return false, errRetry })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if isRetryable(context.Canceled) || !isRetryable(&Error{Kind: ErrThrottled}) {
		t.Fatal("isRetryable misclassifies")
	}
}

// BenchmarkWrite10k compares writing 10,000 items with BatchWrite and with
// a loop of Put, against an in-process ddbtest server.
func BenchmarkWrite10k(b *testing.B) {
	const n = 10000
	items := batchItems(n, "v")
	srv := ddbtest.NewTB(b)
	ctx := context.Background()
	b.Run("BatchWrite", func(b *testing.B) {
		tbl, _ := newTableOn[batchItem](b, srv.Client())
		b.ResetTimer()
		for range b.N {
			if err := tbl.BatchWrite(ctx, items, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
	})
	b.Run("PutLoop", func(b *testing.B) {
		tbl, _ := newTableOn[batchItem](b, srv.Client())
		b.ResetTimer()
		for range b.N {
			for _, it := range items {
				if err := tbl.Put(ctx, it); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
	})
}
