package ddb

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an OnRequest hook that keeps what it sees.
type recorder struct {
	mu    sync.Mutex
	infos []RequestInfo
}

func (r *recorder) hook(_ context.Context, ri RequestInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.infos = append(r.infos, ri)
}

func (r *recorder) ops() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ri := range r.infos {
		out = append(out, ri.Operation)
	}
	return out
}

// observedTable creates a table for T read and written through Observe.
func observedTable[T any](t *testing.T, opts ...ObserveOption) *Table[T] {
	t.Helper()
	raw, _ := newTestTable[T](t)
	tbl, err := NewTable[T](Observe(raw.client, opts...), raw.Name())
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

func TestObserveHookSeesEveryRequest(t *testing.T) {
	t.Parallel()
	var rec recorder
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tbl := observedTable[adminOrder](t, OnRequest(rec.hook), OnRequest(LogRequests(logger)))
	ctx := context.Background()
	for i := range 3 {
		if err := tbl.Put(ctx, adminOrder{Customer: "c1", Placed: int64(i), Status: "open", Total: i}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tbl.Get(ctx, Key{"c1", int64(1)}); err != nil {
		t.Fatal(err)
	}
	if n, err := tbl.Query("open").Index("ByStatus").PageSize(2).Count(ctx); err != nil || n != 3 {
		t.Fatalf("count = %d, %v", n, err)
	}
	missing, _ := NewTable[adminOrder](tbl.client.(*observed).Client, "no-such-table", WithObserve(OnRequest(rec.hook), OnRequest(LogRequests(logger))))
	_, getErr := missing.Get(ctx, Key{"c1", int64(1)})
	want := []string{"PutItem", "PutItem", "PutItem", "GetItem", "Query", "Query", "GetItem"}
	if got := rec.ops(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("operations = %v, want %v", got, want)
	}
	for i, ri := range rec.infos {
		switch {
		case i == len(rec.infos)-1:
			if ri.Err == nil || !errors.Is(getErr, ErrTableNotFound) || ri.Table != "no-such-table" {
				t.Errorf("failed request: %+v (Get error %v)", ri, getErr)
			}
		case ri.Table != tbl.Name() || ri.Err != nil || ri.Duration <= 0:
			t.Errorf("request %d: %+v", i, ri)
		case ri.Operation == "PutItem" && ri.Capacity.Write <= 0, ri.Operation != "PutItem" && ri.Capacity.Read <= 0:
			t.Errorf("request %d: no capacity reported: %+v", i, ri)
		case ri.Operation == "Query" && ri.Index != "ByStatus":
			t.Errorf("request %d: index %q", i, ri.Index)
		}
	}
	out := logs.String()
	if strings.Count(out, "ddb request") != 7 || !strings.Contains(out, "op=Query") || !strings.Contains(out, "index=ByStatus") || !strings.Contains(out, "level=WARN") {
		t.Errorf("log output:\n%s", out)
	}
}

func TestCapacityAccumulates(t *testing.T) {
	t.Parallel()
	tbl := observedTable[scanItem](t)
	fillScanTable(t, tbl.client.(*observed).Client, tbl.Name(), 300)
	ctx := context.Background()
	var single, parallel Capacity
	n := 0
	for _, err := range tbl.Scan().PageSize(50).All(WithCapacity(ctx, &single)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 300 || single.Requests() < 6 || single.Total().Read <= 0 || single.Total().Write != 0 {
		t.Errorf("scan: %d items, %d requests, capacity %+v", n, single.Requests(), single.Total())
	}
	if c, err := tbl.Scan().PageSize(50).Segments(4).Count(WithCapacity(ctx, &parallel)); err != nil || c != 300 {
		t.Fatalf("parallel count = %d, %v", c, err)
	}
	if parallel.Requests() < 6 || parallel.Total().Read <= 0 {
		t.Errorf("parallel scan: %d requests, capacity %+v", parallel.Requests(), parallel.Total())
	}
	var writes Capacity
	if err := tbl.Put(WithCapacity(ctx, &writes), scanItem{ID: 1000}); err != nil {
		t.Fatal(err)
	}
	if writes.Requests() != 1 || writes.Total().Write <= 0 || writes.Total().Read != 0 {
		t.Errorf("put: %d requests, capacity %+v", writes.Requests(), writes.Total())
	}
}

func TestBudgetLimitsRate(t *testing.T) {
	t.Parallel()
	tbl := observedTable[scanItem](t)
	fillScanTable(t, tbl.client.(*observed).Client, tbl.Name(), 60)
	const rate = 20.0 // RCU per second, burst one second's worth
	ctx := WithBudget(context.Background(), NewBudget(rate, 0))
	var used Capacity
	start := time.Now()
	n := 0
	for _, err := range tbl.Scan().PageSize(1).All(WithCapacity(ctx, &used)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	elapsed := time.Since(start)
	// Whatever the server charges per request, consuming more than the
	// burst must take at least the excess over the rate.
	excess := used.Total().Read - rate - 1 // the last request is charged after it ran
	if minWait := time.Duration(excess / rate * float64(time.Second)); excess > 0 && elapsed < minWait*9/10 {
		t.Errorf("%d items, %.1f RCU in %v: budget of %v RCU/s not applied (want >= %v)", n, used.Total().Read, elapsed, rate, minWait)
	}
	if excess <= 0 {
		t.Logf("server charged only %.1f RCU; budget not exercised", used.Total().Read)
	}
	// A canceled context stops a request waiting for the budget.
	b := NewBudget(1, 0)
	b.read.charge(100)
	cctx, cancel := context.WithTimeout(WithBudget(context.Background(), b), 20*time.Millisecond)
	defer cancel()
	if _, err := tbl.Get(cctx, Key{1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get while over budget = %v, want context.DeadlineExceeded", err)
	}
}
