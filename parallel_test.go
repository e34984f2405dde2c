package ddb

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ddb-go/ddb/ddbtest"
	"go.uber.org/goleak"
)

// scanItem is the item of the parallel scan tests.
type scanItem struct {
	ID      int `ddb:"pk"`
	Payload string
}

// fillScanTable writes scanItems 0..n-1 with BatchWriteItem, 25 a request,
// from a few goroutines.
func fillScanTable(tb testing.TB, c Client, table string, n int) {
	tb.Helper()
	ctx := context.Background()
	reqs := make(chan []types.WriteRequest)
	errc := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range reqs {
				for len(batch) > 0 {
					out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: batch}})
					if err != nil {
						errc <- err
						for range reqs {
						}
						return
					}
					batch = out.UnprocessedItems[table]
				}
			}
		}()
	}
	for start := 0; start < n; start += 25 {
		var batch []types.WriteRequest
		for i := start; i < min(start+25, n); i++ {
			batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
				"ID":      &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
				"Payload": &types.AttributeValueMemberS{Value: fmt.Sprintf("item %d of the parallel scan test", i)},
			}}})
		}
		reqs <- batch
	}
	close(reqs)
	wg.Wait()
	select {
	case err := <-errc:
		tb.Fatalf("BatchWriteItem: %v", err)
	default:
	}
}

// segmented scans s with n parallel segments.
func segmented[T any](ctx context.Context, s *Scan[T], n int) iter.Seq2[T, error] {
	return s.Segments(n).All(ctx)
}

func TestParallelScanEachItemOnce(t *testing.T) {
	t.Parallel()
	const n = 20000
	tbl, _ := newTestTable[scanItem](t)
	fillScanTable(t, tbl.client, tbl.Name(), n)
	ctx := context.Background()
	for _, segs := range []int{1, 4, 16} {
		t.Run(fmt.Sprint(segs), func(t *testing.T) {
			seen := make([]int, n)
			total := 0
			for it, err := range segmented(ctx, tbl.Scan(), segs) {
				if err != nil {
					t.Fatal(err)
				}
				if it.ID < 0 || it.ID >= n {
					t.Fatalf("unexpected item %+v", it)
				}
				seen[it.ID]++
				total++
			}
			for id, k := range seen {
				if k != 1 {
					t.Fatalf("item %d seen %d times (total %d)", id, k, total)
				}
			}
			if c, err := tbl.Scan().Segments(segs).Count(ctx); err != nil || c != n {
				t.Errorf("count with %d segments = %d, %v; want %d", segs, c, err, n)
			}
		})
	}
	t.Run("limit", func(t *testing.T) {
		got := map[int]bool{}
		for it, err := range segmented(ctx, tbl.Scan().Limit(1234).PageSize(100), 8) {
			if err != nil {
				t.Fatal(err)
			}
			got[it.ID] = true
		}
		if len(got) != 1234 {
			t.Errorf("Limit(1234) over 8 segments gave %d distinct items", len(got))
		}
		if c, err := tbl.Scan().Limit(777).Segments(8).Count(ctx); err != nil || c != 777 {
			t.Errorf("count with Limit(777) = %d, %v", c, err)
		}
	})
	t.Run("filter and projection", func(t *testing.T) {
		k := 0
		for it, err := range segmented(ctx, tbl.Scan().Filter(Attr("ID").Lt(100)).Project(Attr("ID")), 4) {
			if err != nil {
				t.Fatal(err)
			}
			if it.ID >= 100 || it.Payload != "" {
				t.Fatalf("item %+v passed the filter or projection", it)
			}
			k++
		}
		if k != 100 {
			t.Errorf("filtered parallel scan gave %d items, want 100", k)
		}
	})
}

func TestParallelScanInvalid(t *testing.T) {
	t.Parallel()
	tbl, err := NewTable[scanItem](unreachableClient(), "parallel-invalid")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, s := range []struct {
		name string
		seq  iter.Seq2[scanItem, error]
		kind error
	}{
		{"cursor", segmented(ctx, tbl.Scan().StartFrom("abc"), 4), ErrInvalidInput},
		{"too many segments", segmented(ctx, tbl.Scan(), maxSegments+1), ErrInvalidInput},
		{"zero segments", segmented(ctx, tbl.Scan(), 0), ErrInvalidInput},
		{"unknown index", segmented(ctx, tbl.Scan().Index("Nope"), 4), ErrInvalidInput},
		{"negative limit", segmented(ctx, tbl.Scan().Limit(-1), 4), ErrInvalidInput},
	} {
		t.Run(s.name, func(t *testing.T) {
			n := 0
			for _, err := range s.seq {
				n++
				if !errors.Is(err, s.kind) {
					t.Errorf("err = %v, want %v", err, s.kind)
				}
			}
			if n != 1 {
				t.Errorf("got %d elements, want one error", n)
			}
		})
	}
}

// leakOptions ignores the goroutines that outlive a request by design:
// idle HTTP connections and the test server's own.
func leakOptions() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("internal/poll.runtime_pollWait"),
	}
}

// TestParallelScanStopsWorkers is not parallel: goleak compares all
// goroutines of the process.
func TestParallelScanStopsWorkers(t *testing.T) {
	tbl, _ := newTestTable[scanItem](t)
	fillScanTable(t, tbl.client, tbl.Name(), 500)
	t.Run("break", func(t *testing.T) {
		opts := leakOptions()
		k := 0
		for _, err := range segmented(context.Background(), tbl.Scan().PageSize(10), 8) {
			if err != nil {
				t.Fatal(err)
			}
			if k++; k == 5 {
				break
			}
		}
		goleak.VerifyNone(t, opts...)
	})
	t.Run("cancel", func(t *testing.T) {
		opts := leakOptions()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		k := 0
		var last error
		for _, err := range segmented(ctx, tbl.Scan().PageSize(10), 8) {
			if err != nil {
				last = err
				continue
			}
			if k++; k == 5 {
				cancel()
			}
		}
		if !errors.Is(last, context.Canceled) {
			t.Errorf("after cancel: last error %v, want context.Canceled", last)
		}
		if k >= 500 {
			t.Errorf("read all %d items despite the cancel", k)
		}
		goleak.VerifyNone(t, opts...)
	})
	t.Run("decode error", func(t *testing.T) {
		opts := leakOptions()
		// An item whose Payload is a list cannot decode into scanItem.
		_, err := tbl.client.PutItem(context.Background(), putInput(tbl.Name(), map[string]types.AttributeValue{
			"ID": &types.AttributeValueMemberN{Value: "100000"}, "Payload": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberBOOL{Value: true}}}}))
		if err != nil {
			t.Fatal(err)
		}
		var last error
		k := 0
		for _, err := range segmented(context.Background(), tbl.Scan().PageSize(10), 8) {
			k++
			last = err
		}
		if !errors.Is(last, ErrInvalidValue) {
			t.Errorf("last error = %v, want ErrInvalidValue", last)
		}
		goleak.VerifyNone(t, opts...)
	})
}

func TestParallelScanPagesAndFirst(t *testing.T) {
	t.Parallel()
	tbl, _ := newTestTable[scanItem](t)
	fillScanTable(t, tbl.client, tbl.Name(), 250)
	ctx := context.Background()
	seen := map[int]bool{}
	pages := 0
	for pg, err := range tbl.Scan().PageSize(20).Segments(3).Pages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if pg.Cursor != "" {
			t.Errorf("parallel page has a cursor")
		}
		pages++
		for _, it := range pg.Items {
			seen[it.ID] = true
		}
	}
	if len(seen) != 250 || pages < 13 {
		t.Errorf("pages: %d items in %d pages", len(seen), pages)
	}
	all, err := tbl.Scan().Segments(5).Collect(ctx)
	if err != nil || len(all) != 250 {
		t.Errorf("Collect = %d items, %v", len(all), err)
	}
	if _, err := tbl.Scan().Segments(5).First(ctx); err != nil {
		t.Errorf("First: %v", err)
	}
	if _, err := tbl.Scan().Filter(Attr("ID").Lt(0)).Segments(5).First(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("First of nothing = %v, want ErrNotFound", err)
	}
	var ids []int
	for r, err := range ScanAs[struct{ ID int }](ctx, tbl.Scan().Segments(4).Limit(10)) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if len(ids) != 10 {
		t.Errorf("ScanAs with 4 segments and Limit(10) gave %d items", len(ids))
	}
}

// BenchmarkParallelScan scans 20,000 items of the in-process ddbtest
// server sequentially and with 4 segments. The ratio of the two ns/op is
// the speedup (bounded by the cores the machine has).
func BenchmarkParallelScan(b *testing.B) {
	c := ddbtest.New(b)
	tbl, err := NewTable[scanItem](c, "bench-parallel-scan")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := tbl.CreateTable(ctx); err != nil {
		b.Fatal(err)
	}
	const n = 20000
	fillScanTable(b, c, tbl.Name(), n)
	for _, segs := range []int{1, 4} {
		b.Run(fmt.Sprintf("segments=%d", segs), func(b *testing.B) {
			for range b.N {
				k := 0
				for _, err := range tbl.Scan().Segments(segs).All(ctx) {
					if err != nil {
						b.Fatal(err)
					}
					k++
				}
				if k != n {
					b.Fatalf("scanned %d items", k)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}
