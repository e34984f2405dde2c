package ddb

// Parallel scans and reads decoded into another type than the table's.

import (
	"context"
	"iter"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxSegments is DynamoDB's limit on TotalSegments.
const maxSegments = 1000000

// QueryAs runs q and decodes each item into a P instead of a T: typically
// a smaller struct holding the attributes a secondary index projects.
// When q has no Project, only P's attributes (plus the keys) are read.
//
//	type OrderRef struct{ Customer string; Placed int64 }
//	for r, err := range ddb.QueryAs[OrderRef](ctx, orders.Query("open").Index("ByStatus")) { ... }
func QueryAs[P, T any](ctx context.Context, q *Query[T]) iter.Seq2[P, error] {
	if len(q.spec.proj) == 0 {
		q = q.Project(pathsOf[P]()...)
	}
	return flatten(readPages(ctx, []*pager[T]{q.pager(false)}, q.spec.limit, decodeAs[P]))
}

// ScanAs is QueryAs for a scan; see Scan.Segments for parallel scans.
func ScanAs[P, T any](ctx context.Context, s *Scan[T]) iter.Seq2[P, error] {
	if len(s.spec.proj) == 0 {
		s = s.Project(pathsOf[P]()...)
	}
	return flatten(readPages(ctx, s.segmentPagers(false), s.spec.limit, decodeAs[P]))
}

// pathsOf returns the top-level attributes of struct type P (none for
// other types, which then read whole items).
func pathsOf[P any]() []Path {
	t := reflect.TypeFor[P]()
	if t.Kind() != reflect.Struct {
		return nil
	}
	fields := structFields(t)
	paths := make([]Path, len(fields))
	for i, f := range fields {
		paths[i] = Attr(f.Name)
	}
	return paths
}

func decodeAs[P any](op, table string, item map[string]types.AttributeValue) (P, error) {
	var v P
	if err := UnmarshalItem(item, &v); err != nil {
		var zero P
		return zero, wrapOpErr(op, table, ErrInvalidValue, err)
	}
	return v, nil
}

// segmentPagers returns the pagers of s: one, or one per segment of a
// parallel scan. A parallel scan's pagers have no Limit of their own (the
// reader applies it across segments).
func (s *Scan[T]) segmentPagers(count bool) []*pager[T] {
	n := s.segments
	if n <= 1 || s.spec.err != nil {
		return []*pager[T]{s.pager(count)}
	}
	if s.spec.cursor != "" {
		p := &pager[T]{t: s.t, op: "Scan"}
		return []*pager[T]{p.fail(opErr("Scan", s.t.name, ErrInvalidInput, "StartFrom cannot resume a parallel scan (Segments %d)", n))}
	}
	ps := make([]*pager[T], n)
	for i := range ps {
		t := *s.t
		t.client = segmentClient{Client: s.t.client, segment: int32(i), total: int32(n)}
		c := *s
		c.t = &t
		c.spec.limit = 0
		ps[i] = c.pager(count)
	}
	return ps
}

// segmentClient sends a client's Scan requests for one segment of a
// parallel scan.
type segmentClient struct {
	Client
	segment, total int32
}

// Scan implements Client.
func (c segmentClient) Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	r := *in
	r.Segment, r.TotalSegments = aws.Int32(c.segment), aws.Int32(c.total)
	return c.Client.Scan(ctx, &r, optFns...)
}

// segPage is one page a read produced: its decoded items, or the item
// count of a Count, or the error that ended the read.
type segPage[R any] struct {
	items []R
	n     int
	err   error
}

// readPages runs pagers (concurrently when there are several) and yields
// their pages decoded with decode, in arrival order, stopping after limit
// items in total (0: no limit) or at the first error. With decode nil,
// the pagers count instead and each page carries only its count.
//
// Breaking out of the loop, an error or the end of ctx stops every pager;
// the iterator returns only after all of them have, so no goroutine
// outlives it. At most one page per pager waits to be consumed.
func readPages[T, R any](ctx context.Context, pagers []*pager[T], limit int, decode func(op, table string, item map[string]types.AttributeValue) (R, error)) iter.Seq2[segPage[R], error] {
	return func(yield func(segPage[R], error) bool) {
		remaining := limit
		emit := func(pg segPage[R]) bool {
			if remaining > 0 {
				if pg.n >= remaining {
					pg.n = remaining
					if pg.items != nil {
						pg.items = pg.items[:remaining]
					}
					yield(pg, nil)
					return false
				}
				remaining -= pg.n
			}
			return yield(pg, nil)
		}
		if len(pagers) == 1 {
			err := runPager(ctx, pagers[0], decode, func(pg segPage[R]) bool {
				if pg.err != nil {
					yield(segPage[R]{}, pg.err)
					return false
				}
				return emit(pg)
			})
			if err != nil {
				yield(segPage[R]{}, err)
			}
			return
		}
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := make(chan segPage[R], len(pagers))
		var wg sync.WaitGroup
		for _, p := range pagers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				send := func(pg segPage[R]) bool {
					select {
					case ch <- pg:
						return pg.err == nil
					case <-wctx.Done():
						return false
					}
				}
				if err := runPager(wctx, p, decode, send); err != nil {
					send(segPage[R]{err: err})
				}
			}()
		}
		go func() {
			wg.Wait()
			close(ch)
		}()
		defer func() {
			cancel()
			for range ch { // let every worker finish
			}
		}()
		for pg := range ch {
			if ctx.Err() != nil {
				break
			}
			if pg.err != nil {
				yield(segPage[R]{}, pg.err)
				return
			}
			if !emit(pg) {
				return
			}
		}
		// A worker stopped by the end of ctx may not have managed to
		// report it.
		if err := ctx.Err(); err != nil {
			yield(segPage[R]{}, &Error{Op: pagers[0].op, Table: pagers[0].t.name, Err: err})
		}
	}
}

// runPager runs p's page loop, decoding each page (or counting, when
// decode is nil) and handing it to send until send returns false. A
// decoding failure is handed to send as the page's error. It returns the
// loop's own error.
func runPager[T, R any](ctx context.Context, p *pager[T], decode func(op, table string, item map[string]types.AttributeValue) (R, error), send func(segPage[R]) bool) error {
	count := decode == nil
	return p.loop(ctx, count, func(items []map[string]types.AttributeValue, n int, _ map[string]types.AttributeValue) bool {
		pg := segPage[R]{n: n}
		if !count {
			pg.items = make([]R, 0, len(items))
			for _, raw := range items {
				v, err := decode(p.op, p.t.name, raw)
				if err != nil {
					send(segPage[R]{err: err})
					return false
				}
				pg.items = append(pg.items, v)
			}
		}
		if n == 0 {
			return true
		}
		return send(pg)
	})
}

// flatten turns a sequence of pages into a sequence of items.
func flatten[R any](pages iter.Seq2[segPage[R], error]) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		for pg, err := range pages {
			if err != nil {
				var zero R
				yield(zero, err)
				return
			}
			for _, v := range pg.items {
				if !yield(v, nil) {
					return
				}
			}
		}
	}
}

// countPages sums the counts of a sequence of count pages.
func countPages(pages iter.Seq2[segPage[struct{}], error]) (int, error) {
	total := 0
	for pg, err := range pages {
		if err != nil {
			return 0, err
		}
		total += pg.n
	}
	return total, nil
}

// Segments makes the scan run as n parallel segments (DynamoDB's
// Segment/TotalSegments), each read by its own goroutine, for big tables
// where one sequential scan is too slow. All, Collect, First, Count and
// Pages still return every item exactly once, in no particular order;
// Limit applies across segments. Memory stays bounded: each segment has at
// most one decoded page waiting for the consumer.
//
// Breaking out of All's loop, an error or the end of ctx stops every
// segment; the methods return only once all their goroutines have ended.
// Pages of a parallel scan have no Cursor, and StartFrom cannot be used
// with one. n must be from 1 to 1,000,000; 1 is a sequential scan.
func (s *Scan[T]) Segments(n int) *Scan[T] {
	return s.with(func(c *Scan[T]) {
		if (n < 1 || n > maxSegments) && c.spec.err == nil {
			c.spec.err = opErr("Scan", s.t.name, ErrInvalidInput, "Segments must be from 1 to %d, got %d", maxSegments, n)
		}
		c.segments = n
	})
}

// allSegments iterates over the items of the parallel scan s.
func (s *Scan[T]) allSegments(ctx context.Context) iter.Seq2[T, error] {
	return flatten(readPages(ctx, s.segmentPagers(false), s.spec.limit, s.t.decodeIn))
}

// pagesSegments iterates over the pages of the parallel scan s.
func (s *Scan[T]) pagesSegments(ctx context.Context) iter.Seq2[*Page[T], error] {
	return func(yield func(*Page[T], error) bool) {
		for pg, err := range readPages(ctx, s.segmentPagers(false), s.spec.limit, s.t.decodeIn) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(&Page[T]{Items: pg.items}, nil) {
				return
			}
		}
	}
}

// countSegments counts the items of the parallel scan s.
func (s *Scan[T]) countSegments(ctx context.Context) (int, error) {
	return countPages(readPages[T, struct{}](ctx, s.segmentPagers(true), s.spec.limit, nil))
}

// decodeIn is decode with the signature readPages wants.
func (t *Table[T]) decodeIn(op, _ string, item map[string]types.AttributeValue) (T, error) {
	return t.decode(op, item)
}

// collectSeq gathers the items of seq, or returns its first error.
func collectSeq[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// firstOf returns the first item of seq, or ErrNotFound.
func firstOf[T any](seq iter.Seq2[T, error], table string) (T, error) {
	for v, err := range seq {
		return v, err
	}
	var zero T
	return zero, &Error{Op: "Scan", Table: table, Kind: ErrNotFound}
}
