package ddb

// Acceptance tests of issue 14: writes through the real SDK client to an
// in-process ddbtest server that loses responses (the write was applied,
// the client never heard) and resets connections (not applied) on 5–20%
// of requests, seeded.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/ddb-go/ddb/ddbtest"
)

// netFaults loses 10% of the responses (half by closing the connection,
// half by an empty 500) and resets 5% of the connections before the
// request is applied, for the operations ops (every one when empty).
func netFaults(seed int64, ops ...string) ddbtest.Faults {
	return ddbtest.Faults{Seed: seed, Rules: []ddbtest.FaultRule{
		{Ops: ops, Kind: ddbtest.FaultLostResponse, Rate: 0.05},
		{Ops: ops, Kind: ddbtest.FaultLostResponse, Rate: 0.05, Status: 500},
		{Ops: ops, Kind: ddbtest.FaultReset, Rate: 0.05},
	}}
}

// retryHook is an SDK retryer that calls hook before every retry.
type retryHook struct {
	aws.RetryerV2
	hook func()
}

func (r retryHook) RetryDelay(attempt int, err error) (time.Duration, error) {
	r.hook()
	return r.RetryerV2.RetryDelay(attempt, err)
}

// faultServer starts an in-process server and returns a client of it
// whose SDK retryer makes up to 20 attempts, waits at most 2ms and has no
// retry quota, so that a request never runs out of attempts at these
// fault rates, and the count of its retries.
func faultServer(t *testing.T) (*ddbtest.Server, *dynamodb.Client, *atomic.Int64) {
	srv := ddbtest.NewTB(t)
	retries := new(atomic.Int64)
	return srv, srv.Client(func(o *dynamodb.Options) {
		o.Retryer = retryHook{hook: func() { retries.Add(1) }, RetryerV2: retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 20
			so.MaxBackoff = 2 * time.Millisecond
			so.RateLimiter = ratelimit.None
		})}
	}), retries
}

// tally is a version-checked counter that also records, in the same
// write, the id of every increment applied to it.
type tally struct {
	PK  string   `ddb:"pk"`
	N   int      `dynamodbav:"n"`
	IDs []string `dynamodbav:"ids,stringset,omitempty"`
	V   int64    `ddb:"version"`
}

// TestAcceptVersionedIncrements: 16 writers × 100 version-checked
// increments of one counter end at exactly 1600. Each increment adds its
// unique id to the counter in the same write, so the test knows which
// writes were applied. A writer whose increment fails with
// ErrVersionConflict reloads and tries again — unless its id is already
// stored: then the conflict was spurious (the write had been applied).
// With ExactlyOnce there must be none; the default (cheap) path recognises
// a retried write only while no other writer has changed the item since,
// and the test reports how often that evidence was gone.
func TestAcceptVersionedIncrements(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []WriteOption
	}{{"cheap", nil}, {"exactly-once", []WriteOption{ExactlyOnce()}}} {
		t.Run(mode.name, func(t *testing.T) {
			ctx := context.Background()
			srv, client, retries := faultServer(t)
			tbl, _ := newTableOn[tally](t, client)
			srv.SetFaults(netFaults(14))
			const writers, each = 16, 100
			var spurious, conflicts atomic.Int64
			outcome := make([][]error, writers)
			var wg sync.WaitGroup
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						id := fmt.Sprintf("w%d-%d", w, i)
						err := incrementOnce(ctx, tbl, id, mode.opts, &spurious, &conflicts)
						outcome[w] = append(outcome[w], err)
					}
				}()
			}
			wg.Wait()
			srv.SetFaults(ddbtest.Faults{})
			for w := range outcome {
				for i, err := range outcome[w] {
					if err != nil {
						t.Fatalf("writer %d increment %d: %v", w, i, err)
					}
				}
			}
			got, err := tbl.Get(ctx, Key{"c"}, Consistent())
			if err != nil {
				t.Fatal(err)
			}
			if got.N != writers*each || len(got.IDs) != writers*each || got.V != writers*each {
				t.Errorf("n = %d, %d ids, version %d; want %d each", got.N, len(got.IDs), got.V, writers*each)
			}
			t.Logf("%s: %d version conflicts (ordinary contention), %d spurious (applied write reported as a conflict), %d SDK retries",
				mode.name, conflicts.Load(), spurious.Load(), retries.Load())
			if mode.opts != nil && spurious.Load() != 0 {
				t.Errorf("ExactlyOnce: %d spurious version conflicts, want 0", spurious.Load())
			}
		})
	}
}

// incrementOnce adds 1 to the counter "c" of tbl with a version check,
// recording id, until the increment is applied. It counts the version
// conflicts, and those that were spurious: the id was stored already.
func incrementOnce(ctx context.Context, tbl *Table[tally], id string, opts []WriteOption, spurious, conflicts *atomic.Int64) error {
	cur, err := tbl.Get(ctx, Key{"c"}, Consistent())
	for {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		u := NewUpdate().Increment(Attr("n"), 1).Add(Attr("ids"), []string{id})
		err = tbl.Update(ctx, Key{"c"}, u, append(opts, IfVersion(cur.V))...)
		if !errors.Is(err, ErrVersionConflict) {
			return err
		}
		conflicts.Add(1)
		if cur, err = tbl.Get(ctx, Key{"c"}, Consistent()); err == nil && slices.Contains(cur.IDs, id) {
			spurious.Add(1)
			return nil
		}
	}
}

type created struct {
	PK  string `ddb:"pk"`
	Val int
}

// TestAcceptCreates: 10,000 Creates (and 2,000 with ExactlyOnce), 8 at a
// time, each report success exactly once under lost responses and resets,
// and the table holds each item once.
func TestAcceptCreates(t *testing.T) {
	for _, mode := range []struct {
		name string
		n    int
		opts []WriteOption
	}{{"cheap", 10000, nil}, {"exactly-once", 2000, []WriteOption{ExactlyOnce()}}} {
		t.Run(mode.name, func(t *testing.T) {
			ctx := context.Background()
			srv, client, retries := faultServer(t)
			tbl, rc := newTableOn[created](t, client)
			srv.SetFaults(netFaults(10))
			start := time.Now()
			errs := make([]error, mode.n)
			var wg sync.WaitGroup
			const workers = 8
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < mode.n; i += workers {
						errs[i] = tbl.Create(ctx, created{PK: "k" + strconv.Itoa(i), Val: i}, mode.opts...)
					}
				}()
			}
			wg.Wait()
			srv.SetFaults(ddbtest.Faults{})
			for i, err := range errs {
				if err != nil {
					t.Fatalf("Create %d: %v", i, err)
				}
			}
			items, err := tbl.Scan().Collect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, it := range items {
				seen[it.PK]++
				if it.PK != "k"+strconv.Itoa(it.Val) {
					t.Fatalf("item %+v", it)
				}
			}
			if len(items) != mode.n || len(seen) != mode.n {
				t.Fatalf("%d items stored (%d keys), want %d", len(items), len(seen), mode.n)
			}
			t.Logf("%s: %d Creates in %v, %d SDK retries, %d recognising reads (GetItem)",
				mode.name, mode.n, time.Since(start).Round(time.Millisecond), retries.Load(), rc.n("GetItem"))
		})
	}
}

type ledger struct {
	PK      string `ddb:"pk"`
	Balance int
	Ops     int
}

// TestAcceptTransfers: 1,000 transfers between 10 accounts, 8 at a time,
// in transactions under lost responses and resets. Every account ends with
// its initial balance plus exactly the transfers whose Run succeeded (so
// no transfer was applied twice nor lost), and the total is conserved.
func TestAcceptTransfers(t *testing.T) {
	ctx := context.Background()
	srv, client, retries := faultServer(t)
	accounts, _ := newTableOn[ledger](t, client)
	const n, initial, transfers, workers = 10, 1000, 1000, 8
	for i := range n {
		if err := accounts.Put(ctx, ledger{PK: "a" + strconv.Itoa(i), Balance: initial}); err != nil {
			t.Fatal(err)
		}
	}
	srv.SetFaults(netFaults(1000, "TransactWriteItems"))
	var mu sync.Mutex
	want := make([]int, n)
	for i := range want {
		want[i] = initial
	}
	applied, refused := 0, 0
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range transfers / workers {
				from, to, amt := rng.IntN(n), rng.IntN(n-1), 1+rng.IntN(100)
				if to >= from {
					to++
				}
				tx := NewWriteTx()
				accounts.TxUpdate(tx, Key{"a" + strconv.Itoa(from)},
					NewUpdate().Increment(Attr("Balance"), -amt).Increment(Attr("Ops"), 1), If(Attr("Balance").Ge(amt)))
				accounts.TxUpdate(tx, Key{"a" + strconv.Itoa(to)},
					NewUpdate().Increment(Attr("Balance"), amt).Increment(Attr("Ops"), 1))
				err := tx.Run(ctx, nil)
				mu.Lock()
				switch {
				case err == nil:
					applied++
					want[from] -= amt
					want[to] += amt
				case errors.Is(err, ErrConditionFailed):
					refused++ // not enough money: nothing applied
				default:
					t.Errorf("transfer: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	srv.SetFaults(ddbtest.Faults{})
	got, err := accounts.Scan().Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total, ops := 0, 0
	for _, a := range got {
		i, _ := strconv.Atoi(a.PK[1:])
		if a.Balance != want[i] {
			t.Errorf("%s: balance %d, want %d", a.PK, a.Balance, want[i])
		}
		total += a.Balance
		ops += a.Ops
	}
	if total != n*initial || ops != 2*applied || applied+refused != transfers {
		t.Errorf("total %d (want %d), %d ledger updates for %d transfers applied, %d refused", total, n*initial, ops, applied, refused)
	}
	t.Logf("%d transfers applied, %d refused (balance too low), %d SDK retries", applied, refused, retries.Load())
}

// tokenRecorder forwards to a real client and records the
// ClientRequestToken of every TransactWriteItems call.
type tokenRecorder struct {
	Client
	tokens []string
}

func (c *tokenRecorder) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.tokens = append(c.tokens, aws.ToString(in.ClientRequestToken))
	return c.Client.TransactWriteItems(ctx, in, optFns...)
}

// TestRunToken: every Run sends a token of its own (even through a Client
// that is not the SDK's, which would draw one itself), or the caller's.
func TestRunToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rec := &tokenRecorder{Client: txClient(t)}
	accounts, _ := newTableOn[ledger](t, rec)
	tx := NewWriteTx()
	accounts.TxUpdate(tx, Key{"a"}, NewUpdate().Increment(Attr("Balance"), 1))
	for range 2 {
		if err := tx.Run(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	given := NewWriteTx(IdempotencyToken("caller-token"))
	accounts.TxUpdate(given, Key{"b"}, NewUpdate().Increment(Attr("Balance"), 1))
	if err := given.Run(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if len(rec.tokens) != 3 || len(rec.tokens[0]) != 32 || rec.tokens[0] == rec.tokens[1] || rec.tokens[2] != "caller-token" {
		t.Fatalf("tokens = %q, want two distinct drawn tokens, then the caller's", rec.tokens)
	}
}

// TestAcceptWriter: items put and then partly deleted through Writer
// under lost responses, resets and unprocessed items: none lost, none
// left behind, every value intact. DDB_FAULTS_ITEMS sets the number of
// items (default 10,000; .ci/run runs 100,000).
func TestAcceptWriter(t *testing.T) {
	t.Parallel()
	n := 10000
	if s := os.Getenv("DDB_FAULTS_ITEMS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("DDB_FAULTS_ITEMS=%q: %v", s, err)
		}
	}
	ctx := context.Background()
	srv, client, retries := faultServer(t)
	tbl, rc := newTableOn[batchItem](t, client)
	f := netFaults(100, "BatchWriteItem")
	f.Rules = append(f.Rules, ddbtest.FaultRule{Ops: []string{"BatchWriteItem"}, Kind: ddbtest.FaultUnprocessed, Rate: 0.1})
	srv.SetFaults(f)
	start := time.Now()
	items := batchItems(n, "v")
	opts := []BatchOption{RetryBackoff(time.Millisecond, 5*time.Millisecond), Concurrency(8)}
	w := tbl.Writer(ctx, opts...)
	for _, it := range items {
		if err := w.Put(it); err != nil {
			t.Fatalf("Writer.Put: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Writer.Close: %v", err)
	}
	d := tbl.Writer(ctx, opts...)
	for _, it := range items[:n/3] {
		if err := d.Delete(Key{it.PK, it.SK}); err != nil {
			t.Fatalf("Writer.Delete: %v", err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Writer.Close: %v", err)
	}
	elapsed := time.Since(start)
	srv.SetFaults(ddbtest.Faults{})
	stored, err := tbl.Scan().Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[int]int, n)
	for _, it := range stored {
		seen[it.SK]++
		if it != items[it.SK] {
			t.Fatalf("stored %+v, want %+v", it, items[it.SK])
		}
	}
	for i := range items {
		want := 1
		if i < n/3 {
			want = 0
		}
		if seen[i] != want {
			t.Fatalf("item %d stored %d times, want %d", i, seen[i], want)
		}
	}
	t.Logf("%d puts + %d deletes through Writer in %v: %d BatchWriteItem requests, %d SDK retries",
		n, n/3, elapsed.Round(time.Millisecond), rc.n("BatchWriteItem"), retries.Load())
}
