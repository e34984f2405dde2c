package ddb

// Observability: consumed capacity accounting, capacity budgets and a
// per-request hook, by wrapping the Client a Table uses (the SDK's own
// middleware, retries included, stays in place underneath).

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ConsumedCapacity is capacity DynamoDB reported as consumed, in read and
// write capacity units.
type ConsumedCapacity struct {
	Read, Write float64
}

// RequestInfo describes one request sent through an Observe client.
type RequestInfo struct {
	Operation string // DynamoDB operation: "GetItem", "Query", "BatchWriteItem", ...
	Table     string // table name; for batches and transactions, the names joined by ","
	Index     string // index read by a Query or Scan, if any
	Duration  time.Duration
	Capacity  ConsumedCapacity // zero when DynamoDB reported none
	Err       error            // the SDK's error, nil on success
	// Expected is true when Err is an answer the caller was asking for
	// rather than a failure: Ensure's check whether the table exists
	// (ResourceNotFoundException). LogRequests logs it at debug level.
	Expected bool
}

// expectKey marks a context whose request probes for an error it expects.
type expectKey struct{}

// expecting returns ctx marked so that a request sent with it that fails
// with an error matching kind is reported as Expected.
func expecting(ctx context.Context, kind error) context.Context {
	return context.WithValue(ctx, expectKey{}, kind)
}

// Capacity adds up consumed capacity. Attach one to a context with
// WithCapacity: every request a Table sends with that context (or one
// derived from it) adds what it consumed, including every page of
// an iterator and every segment of a parallel scan. It is safe for
// concurrent use; the zero value is ready.
type Capacity struct {
	mu       sync.Mutex
	total    ConsumedCapacity
	requests int
}

// Total returns the capacity consumed so far.
func (c *Capacity) Total() ConsumedCapacity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// Requests returns the number of requests counted so far.
func (c *Capacity) Requests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests
}

func (c *Capacity) add(cc ConsumedCapacity) {
	c.mu.Lock()
	c.total.Read += cc.Read
	c.total.Write += cc.Write
	c.requests++
	c.mu.Unlock()
}

type capacityKey struct{}

// WithCapacity returns a context that makes the requests of every Table
// (and of any Observe client) sent with it add their consumed capacity
// to c.
//
//	var used ddb.Capacity
//	n, err := users.Scan().Count(ddb.WithCapacity(ctx, &used))
//	log.Printf("scan used %.1f RCU", used.Total().Read)
func WithCapacity(ctx context.Context, c *Capacity) context.Context {
	return context.WithValue(ctx, capacityKey{}, c)
}

// Budget limits the capacity consumed per second, so that a backfill or a
// big scan leaves capacity to production traffic. It is a token bucket per
// direction fed by the capacity DynamoDB reports: a request waits while
// its direction's bucket is in debt, and what it consumed is charged when
// it returns. Share one Budget between all the workers of a job. A Budget
// is safe for concurrent use.
type Budget struct {
	read, write *bucket
}

// NewBudget returns a budget of read and write capacity units per second;
// 0 leaves a direction unlimited. Each direction may burst up to one
// second's worth.
func NewBudget(readPerSec, writePerSec float64) *Budget {
	return &Budget{read: newBucket(readPerSec), write: newBucket(writePerSec)}
}

type budgetKey struct{}

// WithBudget returns a context that makes the requests of every Table
// (and of any Observe client) sent with it, or with a context derived from
// it, respect b.
func WithBudget(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// bucket is a token bucket that may go into debt.
type bucket struct {
	rate   float64 // tokens per second; 0: unlimited
	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newBucket(rate float64) *bucket {
	if rate <= 0 {
		return nil
	}
	return &bucket{rate: rate, tokens: rate, last: time.Now()}
}

func (b *bucket) refill(now time.Time) {
	b.tokens = min(b.rate, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
}

// wait blocks until the bucket is out of debt or ctx ends.
func (b *bucket) wait(ctx context.Context) error {
	if b == nil {
		return nil
	}
	for {
		b.mu.Lock()
		b.refill(time.Now())
		debt := -b.tokens
		b.mu.Unlock()
		if debt < 0 {
			return nil
		}
		d := time.Duration(debt/b.rate*float64(time.Second)) + time.Millisecond
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (b *bucket) charge(n float64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.refill(time.Now())
	b.tokens -= n
	b.mu.Unlock()
}

// Observe returns a Client that sends every request through c and, around
// each one (every Table does this for its own client; use Observe for
// requests sent outside of Tables): applies the Budget of its context (WithBudget) and the budget
// given with ObserveBudget, asks DynamoDB for the consumed capacity (when
// the request does not already), adds it to the context's Capacity
// (WithCapacity), and calls the hooks given with OnRequest.
//
//	client := ddb.Observe(sdkClient, ddb.OnRequest(ddb.LogRequests(slog.Default())))
//	users, err := ddb.NewTable[User](client, "users")
func Observe(c Client, opts ...ObserveOption) Client {
	o := &observed{Client: c}
	if prev, ok := c.(*observed); ok { // merge rather than nest
		o2 := *prev
		o = &o2
		o.hooks = append([]func(context.Context, RequestInfo){}, prev.hooks...)
	}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	return o
}

// WithObserve makes NewTable send the table's requests through
// Observe(client, opts...): for example WithObserve(OnRequest(hook)) to see
// every request the table makes, or WithObserve(ObserveBudget(b)) to hold
// all its traffic to a budget.
func WithObserve(opts ...ObserveOption) TableOption {
	return func(o *tableOptions) { o.observe = append(o.observe, opts...) }
}

// ObserveOption configures Observe.
type ObserveOption func(*observed)

// OnRequest calls hook after each request with what it did. hook runs on
// the goroutine that sent the request and must be safe for concurrent use.
func OnRequest(hook func(ctx context.Context, info RequestInfo)) ObserveOption {
	return func(o *observed) {
		if hook != nil {
			o.hooks = append(o.hooks, hook)
		}
	}
}

// ObserveBudget applies b to every request, whatever its context.
func ObserveBudget(b *Budget) ObserveOption { return func(o *observed) { o.budget = b } }

// LogRequests returns a hook for OnRequest that logs each request to l
// (slog.Default() when l is nil, looked up at each request): at debug
// level when it succeeded or failed as expected (RequestInfo.Expected), at
// warning level when it failed.
func LogRequests(l *slog.Logger) func(context.Context, RequestInfo) {
	return func(ctx context.Context, ri RequestInfo) {
		l := l
		if l == nil {
			l = slog.Default()
		}
		level := slog.LevelDebug
		attrs := []slog.Attr{
			slog.String("op", ri.Operation),
			slog.String("table", ri.Table),
			slog.Duration("duration", ri.Duration),
			slog.Float64("rcu", ri.Capacity.Read),
			slog.Float64("wcu", ri.Capacity.Write),
		}
		if ri.Index != "" {
			attrs = append(attrs, slog.String("index", ri.Index))
		}
		if ri.Err != nil {
			if !ri.Expected {
				level = slog.LevelWarn
			}
			attrs = append(attrs, slog.Any("err", ri.Err))
		}
		l.LogAttrs(ctx, level, "ddb request", attrs...)
	}
}

// observed is the Client Observe returns.
type observed struct {
	Client
	hooks  []func(context.Context, RequestInfo)
	budget *Budget
}

// Request directions, for budgets.
const (
	dirNone = iota
	dirRead
	dirWrite
)

// do runs one request: budgets before, accounting and hooks after.
func do[Out any](ctx context.Context, o *observed, op string, dir int, table, index string, send func() (Out, error), capOf func(Out) []types.ConsumedCapacity) (Out, error) {
	ctxBudget, _ := ctx.Value(budgetKey{}).(*Budget)
	for _, b := range []*Budget{o.budget, ctxBudget} {
		if b == nil {
			continue
		}
		bk := b.read
		if dir == dirWrite {
			bk = b.write
		}
		if dir != dirNone {
			if err := bk.wait(ctx); err != nil {
				var zero Out
				return zero, &Error{Op: op, Table: table, Msg: "waiting for capacity budget", Err: err}
			}
		}
	}
	start := time.Now()
	out, err := send()
	ri := RequestInfo{Operation: op, Table: table, Index: index, Duration: time.Since(start), Err: err}
	if kind, _ := ctx.Value(expectKey{}).(error); kind != nil && err != nil {
		ri.Expected = errors.Is(mapErr(op, table, err), kind)
	}
	if err == nil && capOf != nil {
		for _, c := range capOf(out) {
			ri.Capacity.Read += aws.ToFloat64(c.ReadCapacityUnits)
			ri.Capacity.Write += aws.ToFloat64(c.WriteCapacityUnits)
			if c.ReadCapacityUnits == nil && c.WriteCapacityUnits == nil {
				// Some servers report only the total: attribute it to the
				// request's direction.
				if dir == dirWrite {
					ri.Capacity.Write += aws.ToFloat64(c.CapacityUnits)
				} else {
					ri.Capacity.Read += aws.ToFloat64(c.CapacityUnits)
				}
			}
		}
	}
	for _, b := range []*Budget{o.budget, ctxBudget} {
		if b != nil {
			b.read.charge(ri.Capacity.Read)
			b.write.charge(ri.Capacity.Write)
		}
	}
	if c, _ := ctx.Value(capacityKey{}).(*Capacity); c != nil {
		c.add(ri.Capacity)
	}
	for _, h := range o.hooks {
		h(ctx, ri)
	}
	return out, err
}

func one(c *types.ConsumedCapacity) []types.ConsumedCapacity {
	if c == nil {
		return nil
	}
	return []types.ConsumedCapacity{*c}
}

// ask makes the request return its consumed capacity when something
// will use it (a hook, a budget, or a Capacity in ctx) and the caller did
// not choose already.
func (o *observed) ask(ctx context.Context, rcc *types.ReturnConsumedCapacity) {
	if *rcc != "" {
		return
	}
	if len(o.hooks) > 0 || o.budget != nil || ctx.Value(capacityKey{}) != nil || ctx.Value(budgetKey{}) != nil {
		*rcc = types.ReturnConsumedCapacityTotal
	}
}

func tableNames[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// GetItem implements Client.
func (o *observed) GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "GetItem", dirRead, aws.ToString(in.TableName), "",
		func() (*dynamodb.GetItemOutput, error) { return o.Client.GetItem(ctx, &r, optFns...) },
		func(out *dynamodb.GetItemOutput) []types.ConsumedCapacity { return one(out.ConsumedCapacity) })
}

// PutItem implements Client.
func (o *observed) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "PutItem", dirWrite, aws.ToString(in.TableName), "",
		func() (*dynamodb.PutItemOutput, error) { return o.Client.PutItem(ctx, &r, optFns...) },
		func(out *dynamodb.PutItemOutput) []types.ConsumedCapacity { return one(out.ConsumedCapacity) })
}

// UpdateItem implements Client.
func (o *observed) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "UpdateItem", dirWrite, aws.ToString(in.TableName), "",
		func() (*dynamodb.UpdateItemOutput, error) { return o.Client.UpdateItem(ctx, &r, optFns...) },
		func(out *dynamodb.UpdateItemOutput) []types.ConsumedCapacity { return one(out.ConsumedCapacity) })
}

// DeleteItem implements Client.
func (o *observed) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "DeleteItem", dirWrite, aws.ToString(in.TableName), "",
		func() (*dynamodb.DeleteItemOutput, error) { return o.Client.DeleteItem(ctx, &r, optFns...) },
		func(out *dynamodb.DeleteItemOutput) []types.ConsumedCapacity { return one(out.ConsumedCapacity) })
}

// Query implements Client.
func (o *observed) Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "Query", dirRead, aws.ToString(in.TableName), aws.ToString(in.IndexName),
		func() (*dynamodb.QueryOutput, error) { return o.Client.Query(ctx, &r, optFns...) },
		func(out *dynamodb.QueryOutput) []types.ConsumedCapacity { return one(out.ConsumedCapacity) })
}

// Scan implements Client.
func (o *observed) Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "Scan", dirRead, aws.ToString(in.TableName), aws.ToString(in.IndexName),
		func() (*dynamodb.ScanOutput, error) { return o.Client.Scan(ctx, &r, optFns...) },
		func(out *dynamodb.ScanOutput) []types.ConsumedCapacity { return one(out.ConsumedCapacity) })
}

// BatchGetItem implements Client.
func (o *observed) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "BatchGetItem", dirRead, tableNames(in.RequestItems), "",
		func() (*dynamodb.BatchGetItemOutput, error) { return o.Client.BatchGetItem(ctx, &r, optFns...) },
		func(out *dynamodb.BatchGetItemOutput) []types.ConsumedCapacity { return out.ConsumedCapacity })
}

// BatchWriteItem implements Client.
func (o *observed) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	return do(ctx, o, "BatchWriteItem", dirWrite, tableNames(in.RequestItems), "",
		func() (*dynamodb.BatchWriteItemOutput, error) { return o.Client.BatchWriteItem(ctx, &r, optFns...) },
		func(out *dynamodb.BatchWriteItemOutput) []types.ConsumedCapacity { return out.ConsumedCapacity })
}

// TransactGetItems implements Client.
func (o *observed) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	tables := map[string]bool{}
	for _, it := range in.TransactItems {
		if it.Get != nil {
			tables[aws.ToString(it.Get.TableName)] = true
		}
	}
	return do(ctx, o, "TransactGetItems", dirRead, tableNames(tables), "",
		func() (*dynamodb.TransactGetItemsOutput, error) { return o.Client.TransactGetItems(ctx, &r, optFns...) },
		func(out *dynamodb.TransactGetItemsOutput) []types.ConsumedCapacity { return out.ConsumedCapacity })
}

// TransactWriteItems implements Client.
func (o *observed) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	r := *in
	o.ask(ctx, &r.ReturnConsumedCapacity)
	tables := map[string]bool{}
	for _, it := range in.TransactItems {
		switch {
		case it.Put != nil:
			tables[aws.ToString(it.Put.TableName)] = true
		case it.Update != nil:
			tables[aws.ToString(it.Update.TableName)] = true
		case it.Delete != nil:
			tables[aws.ToString(it.Delete.TableName)] = true
		case it.ConditionCheck != nil:
			tables[aws.ToString(it.ConditionCheck.TableName)] = true
		}
	}
	return do(ctx, o, "TransactWriteItems", dirWrite, tableNames(tables), "",
		func() (*dynamodb.TransactWriteItemsOutput, error) {
			return o.Client.TransactWriteItems(ctx, &r, optFns...)
		},
		func(out *dynamodb.TransactWriteItemsOutput) []types.ConsumedCapacity { return out.ConsumedCapacity })
}

// CreateTable implements Client.
func (o *observed) CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error) {
	return do(ctx, o, "CreateTable", dirNone, aws.ToString(in.TableName), "",
		func() (*dynamodb.CreateTableOutput, error) { return o.Client.CreateTable(ctx, in, optFns...) }, nil)
}

// DescribeTable implements Client.
func (o *observed) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return do(ctx, o, "DescribeTable", dirNone, aws.ToString(in.TableName), "",
		func() (*dynamodb.DescribeTableOutput, error) { return o.Client.DescribeTable(ctx, in, optFns...) }, nil)
}

// UpdateTable implements Client.
func (o *observed) UpdateTable(ctx context.Context, in *dynamodb.UpdateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	return do(ctx, o, "UpdateTable", dirNone, aws.ToString(in.TableName), "",
		func() (*dynamodb.UpdateTableOutput, error) { return o.Client.UpdateTable(ctx, in, optFns...) }, nil)
}

// DeleteTable implements Client.
func (o *observed) DeleteTable(ctx context.Context, in *dynamodb.DeleteTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error) {
	return do(ctx, o, "DeleteTable", dirNone, aws.ToString(in.TableName), "",
		func() (*dynamodb.DeleteTableOutput, error) { return o.Client.DeleteTable(ctx, in, optFns...) }, nil)
}

// UpdateTimeToLive implements Client.
func (o *observed) UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error) {
	return do(ctx, o, "UpdateTimeToLive", dirNone, aws.ToString(in.TableName), "",
		func() (*dynamodb.UpdateTimeToLiveOutput, error) { return o.Client.UpdateTimeToLive(ctx, in, optFns...) }, nil)
}

// DescribeTimeToLive implements Client.
func (o *observed) DescribeTimeToLive(ctx context.Context, in *dynamodb.DescribeTimeToLiveInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error) {
	return do(ctx, o, "DescribeTimeToLive", dirNone, aws.ToString(in.TableName), "",
		func() (*dynamodb.DescribeTimeToLiveOutput, error) {
			return o.Client.DescribeTimeToLive(ctx, in, optFns...)
		}, nil)
}
