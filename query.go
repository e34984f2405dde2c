package ddb

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// readSpec holds the settings Query and Scan share.
type readSpec struct {
	index      string
	limit      int // items returned in total; 0 = no limit
	pageSize   int // DynamoDB's Limit per request; 0 = server default
	consistent bool
	filters    []Condition
	proj       []Path
	cursor     string
	err        error // first invalid setting, reported when the read runs
}

func (s *readSpec) setLimit(what string, n int, dst *int) {
	if n < 0 && s.err == nil {
		s.err = opErr("", "", ErrInvalidInput, "%s must not be negative, got %d", what, n)
	}
	*dst = n
}

// appendCopy appends to a copy of xs, so that builder copies sharing xs's
// backing array never see each other's additions.
func appendCopy[E any](xs []E, more ...E) []E {
	return append(xs[:len(xs):len(xs)], more...)
}

func (s *readSpec) filter() Condition {
	switch len(s.filters) {
	case 0:
		return Condition{}
	case 1:
		return s.filters[0]
	}
	return And(s.filters...)
}

// Query reads the items sharing one partition key, in sort key order.
//
// Builder methods never modify the receiver: each returns a new *Query, so a
// partially configured query can be reused as a template. A Query is
// executed by All, Pages, First, Count or Collect; nothing is sent before.
type Query[T any] struct {
	t    *Table[T]
	pk   any
	sk   []KeyCondition
	desc bool
	spec readSpec
}

// Query starts a query for the items whose partition key is pk and, when
// sk is given, whose sort key satisfies it. With Index, pk and sk refer to
// that index's keys.
//
// A global index with multi-attribute keys takes every partition key value,
// in key order, as a Partition, and one condition per sort key attribute
// from the first: Eq on a leading run, then optionally one last condition
// of any kind (a range, Between or BeginsWith):
//
//	orders.Query(ddb.Partition{"acme", "eu-west-1"}, ddb.Eq(2025), ddb.Between(3, 6)).Index("ByRegion")
//
// A single-attribute sort key takes at most one condition. Invalid keys (a
// value missing or of the wrong type, more conditions than sort key
// attributes, a condition other than Eq before the last) are reported by
// the executing method, before any request, as ErrInvalidKey naming the
// attribute.
func (t *Table[T]) Query(pk any, sk ...KeyCondition) *Query[T] {
	return &Query[T]{t: t, pk: pk, sk: sk}
}

// Partition gives Query the values of a multi-attribute partition key, in
// key order: ddb.Partition{"acme", "eu-west-1"}.
type Partition []any

func (q *Query[T]) with(f func(*Query[T])) *Query[T] {
	c := *q
	f(&c)
	return &c
}

// Index queries the named secondary index (declared with gsi=/lsi= tags or
// WithGlobalIndex/WithLocalIndex) instead of the table.
func (q *Query[T]) Index(name string) *Query[T] {
	return q.with(func(c *Query[T]) { c.spec.index = name })
}

// Desc returns items in descending sort key order.
func (q *Query[T]) Desc() *Query[T] { return q.with(func(c *Query[T]) { c.desc = true }) }

// Limit stops after n items have been returned in total, across pages
// (0 means no limit). Unlike DynamoDB's own Limit, filtered-out items do not
// count. See PageSize for DynamoDB's per-request limit.
func (q *Query[T]) Limit(n int) *Query[T] {
	return q.with(func(c *Query[T]) { c.spec.setLimit("Limit", n, &c.spec.limit) })
}

// PageSize sets DynamoDB's Limit: the number of items each request
// evaluates (before filtering), hence the size of each page.
func (q *Query[T]) PageSize(n int) *Query[T] {
	return q.with(func(c *Query[T]) { c.spec.setLimit("PageSize", n, &c.spec.pageSize) })
}

// Consistent asks for strongly consistent reads (not available on global
// secondary indexes).
func (q *Query[T]) Consistent() *Query[T] {
	return q.with(func(c *Query[T]) { c.spec.consistent = true })
}

// Filter keeps only the items satisfying cond. DynamoDB applies it after
// reading, so filtered-out items still consume capacity. Several filters are
// combined with And.
func (q *Query[T]) Filter(cond Condition) *Query[T] {
	return q.with(func(c *Query[T]) { c.spec.filters = appendCopy(c.spec.filters, cond) })
}

// Project reads only the given attributes (plus the key attributes, which
// are always read); the other fields of T keep their zero values.
func (q *Query[T]) Project(paths ...Path) *Query[T] {
	return q.with(func(c *Query[T]) { c.spec.proj = appendCopy(c.spec.proj, paths...) })
}

// StartFrom resumes after the position recorded in cursor, a Page.Cursor
// returned by an identical query (same table, index, key condition, order
// and filter). Any other cursor fails with ErrInvalidCursor.
func (q *Query[T]) StartFrom(cursor string) *Query[T] {
	return q.with(func(c *Query[T]) { c.spec.cursor = cursor })
}

// All iterates over the matching items, fetching each page only when the
// loop needs it; breaking out of the loop sends no further request. If a
// request or decoding fails, the error is yielded as the last element.
func (q *Query[T]) All(ctx context.Context) iter.Seq2[T, error] { return q.pager(false).all(ctx) }

// Pages iterates over pages of matching items. Each page carries the
// cursor from which StartFrom resumes after it.
func (q *Query[T]) Pages(ctx context.Context) iter.Seq2[*Page[T], error] {
	return q.pager(false).pages(ctx)
}

// First returns the first matching item, or an error matching ErrNotFound.
func (q *Query[T]) First(ctx context.Context) (T, error) { return q.Limit(1).pager(false).first(ctx) }

// Collect returns all matching items in a slice. Use it for small results;
// All iterates with memory bounded by one page.
func (q *Query[T]) Collect(ctx context.Context) ([]T, error) { return q.pager(false).collect(ctx) }

// Count returns the number of matching items (after filtering, up to
// Limit) without transferring them.
func (q *Query[T]) Count(ctx context.Context) (int, error) { return q.pager(true).count(ctx) }

// pager prepares the requests of q; a preparation error is kept in the
// pager and reported by its methods before any request.
func (q *Query[T]) pager(count bool) *pager[T] {
	const op = "Query"
	t := q.t
	p := &pager[T]{t: t, op: op, spec: q.spec}
	if q.spec.err != nil {
		return p.fail(q.spec.err)
	}
	ix, err := p.resolveIndex()
	if err != nil {
		return p.fail(err)
	}
	pkAttrs, skAttrs := []KeyAttr{t.schema.pk}, t.schema.keyAttrs()[1:]
	if ix != nil {
		pkAttrs, skAttrs = ix.PK, ix.SK
	}
	pkVals := []any{q.pk}
	if vals, ok := q.pk.(Partition); ok {
		pkVals = vals
	}
	if len(pkVals) != len(pkAttrs) {
		var missing string // the first attribute without a value, if any
		if len(pkVals) < len(pkAttrs) {
			missing = pkAttrs[len(pkVals)].Name
		}
		return p.fail(&Error{Op: op, Table: t.name, Field: missing, Kind: ErrInvalidKey,
			Msg: keyShapeMsg("partition key of "+p.keyOwner(), pkAttrs, len(pkVals))})
	}
	pkvs := make([]types.AttributeValue, len(pkAttrs))
	for i, a := range pkAttrs {
		if pkvs[i], err = t.schema.marshalKey(a, pkVals[i]); err != nil {
			return p.fail(keyErr(op, t.name, a.Name, err))
		}
	}
	kcs := make([]*KeyCondition, len(q.sk))
	for i := range q.sk {
		kcs[i] = &q.sk[i]
		if i < len(skAttrs) {
			if kcs[i], err = t.schema.keyCondition(skAttrs[i], kcs[i]); err != nil {
				return p.fail(keyErr(op, t.name, skAttrs[i].Name, err))
			}
		}
	}
	b := t.exprs(op)
	kce, err := b.keyCondition(pkAttrs, pkvs, skAttrs, kcs)
	if err != nil {
		return p.fail(err)
	}
	in := &dynamodb.QueryInput{TableName: &t.name, KeyConditionExpression: &kce}
	if q.desc {
		in.ScanIndexForward = aws.Bool(false)
	}
	shape := []string{op, kce, boolStr(q.desc)}
	if in.FilterExpression, in.ProjectionExpression, err = p.expressions(&b, count, &shape); err != nil {
		return p.fail(err)
	}
	keyNames := make([]string, 0, len(pkAttrs)+len(skAttrs))
	for _, a := range append(slices.Clip(pkAttrs), skAttrs...) {
		keyNames = append(keyNames, a.Name)
	}
	if err := checkFilterKeys(&b, aws.ToString(in.FilterExpression), keyNames...); err != nil {
		return p.fail(err)
	}
	p.setCommon(&in.IndexName, &in.ConsistentRead, &in.Select, count)
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.names(), b.values()
	p.fetch = func(ctx context.Context, start map[string]types.AttributeValue, limit *int32) (pageResult, error) {
		r := *in
		r.ExclusiveStartKey, r.Limit = start, limit
		out, err := t.client.Query(ctx, &r)
		if err != nil {
			return pageResult{}, err
		}
		return pageResult{items: out.Items, lek: out.LastEvaluatedKey, count: int(out.Count)}, nil
	}
	return p
}

// keyOwner names what a query reads in errors: table "t" or index "i".
func (p *pager[T]) keyOwner() string {
	if p.spec.index != "" {
		return fmt.Sprintf("index %q", p.spec.index)
	}
	return fmt.Sprintf("table %q", p.t.name)
}

// Scan reads every item of the table or of an index, in no particular
// order. Like Query, its builder methods return new values and nothing is
// sent before All, Pages, First, Count or Collect.
type Scan[T any] struct {
	t        *Table[T]
	spec     readSpec
	segments int // parallel segments (see Segments); 0 or 1: sequential
}

// Scan starts a scan of the whole table.
func (t *Table[T]) Scan() *Scan[T] { return &Scan[T]{t: t} }

func (s *Scan[T]) with(f func(*Scan[T])) *Scan[T] {
	c := *s
	f(&c)
	return &c
}

// Index scans the named secondary index instead of the table.
func (s *Scan[T]) Index(name string) *Scan[T] {
	return s.with(func(c *Scan[T]) { c.spec.index = name })
}

// Limit stops after n items have been returned in total, across pages
// (0 means no limit).
func (s *Scan[T]) Limit(n int) *Scan[T] {
	return s.with(func(c *Scan[T]) { c.spec.setLimit("Limit", n, &c.spec.limit) })
}

// PageSize sets DynamoDB's Limit: the number of items each request
// evaluates (before filtering).
func (s *Scan[T]) PageSize(n int) *Scan[T] {
	return s.with(func(c *Scan[T]) { c.spec.setLimit("PageSize", n, &c.spec.pageSize) })
}

// Consistent asks for strongly consistent reads (not available on global
// secondary indexes).
func (s *Scan[T]) Consistent() *Scan[T] {
	return s.with(func(c *Scan[T]) { c.spec.consistent = true })
}

// Filter keeps only the items satisfying cond; several filters are
// combined with And.
func (s *Scan[T]) Filter(cond Condition) *Scan[T] {
	return s.with(func(c *Scan[T]) { c.spec.filters = appendCopy(c.spec.filters, cond) })
}

// Project reads only the given attributes plus the key attributes.
func (s *Scan[T]) Project(paths ...Path) *Scan[T] {
	return s.with(func(c *Scan[T]) { c.spec.proj = appendCopy(c.spec.proj, paths...) })
}

// StartFrom resumes after the position recorded in cursor, a Page.Cursor
// returned by an identical scan. Any other cursor fails with ErrInvalidCursor.
func (s *Scan[T]) StartFrom(cursor string) *Scan[T] {
	return s.with(func(c *Scan[T]) { c.spec.cursor = cursor })
}

// All iterates over the scanned items; see Query.All.
func (s *Scan[T]) All(ctx context.Context) iter.Seq2[T, error] {
	if s.segments > 1 {
		return s.allSegments(ctx)
	}
	return s.pager(false).all(ctx)
}

// Pages iterates over pages of scanned items; see Query.Pages.
func (s *Scan[T]) Pages(ctx context.Context) iter.Seq2[*Page[T], error] {
	if s.segments > 1 {
		return s.pagesSegments(ctx)
	}
	return s.pager(false).pages(ctx)
}

// First returns the first scanned item, or an error matching ErrNotFound.
func (s *Scan[T]) First(ctx context.Context) (T, error) {
	if s.segments > 1 {
		return firstOf(s.Limit(1).allSegments(ctx), s.t.name)
	}
	return s.Limit(1).pager(false).first(ctx)
}

// Collect returns all scanned items in a slice.
func (s *Scan[T]) Collect(ctx context.Context) ([]T, error) {
	if s.segments > 1 {
		return collectSeq(s.allSegments(ctx))
	}
	return s.pager(false).collect(ctx)
}

// Count returns the number of scanned items (after filtering, up to Limit).
func (s *Scan[T]) Count(ctx context.Context) (int, error) {
	if s.segments > 1 {
		return s.countSegments(ctx)
	}
	return s.pager(true).count(ctx)
}

func (s *Scan[T]) pager(count bool) *pager[T] {
	const op = "Scan"
	t := s.t
	p := &pager[T]{t: t, op: op, spec: s.spec}
	if s.spec.err != nil {
		return p.fail(s.spec.err)
	}
	if _, err := p.resolveIndex(); err != nil {
		return p.fail(err)
	}
	b := t.exprs(op)
	in := &dynamodb.ScanInput{TableName: &t.name}
	shape := []string{op}
	var err error
	if in.FilterExpression, in.ProjectionExpression, err = p.expressions(&b, count, &shape); err != nil {
		return p.fail(err)
	}
	p.setCommon(&in.IndexName, &in.ConsistentRead, &in.Select, count)
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.names(), b.values()
	p.fetch = func(ctx context.Context, start map[string]types.AttributeValue, limit *int32) (pageResult, error) {
		r := *in
		r.ExclusiveStartKey, r.Limit = start, limit
		out, err := t.client.Scan(ctx, &r)
		if err != nil {
			return pageResult{}, err
		}
		return pageResult{items: out.Items, lek: out.LastEvaluatedKey, count: int(out.Count)}, nil
	}
	return p
}

func boolStr(b bool) string {
	if b {
		return "desc"
	}
	return "asc"
}

// checkFilterKeys rejects a Query filter that uses the key attributes being
// queried, which DynamoDB refuses: they belong in the key condition.
func checkFilterKeys(b *exprBuilder, filter string, keys ...string) error {
	if filter == "" {
		return nil
	}
	for ph, name := range b.names() {
		if !slices.Contains(keys, name) || name == "" {
			continue
		}
		for rest := filter; ; {
			i := strings.Index(rest, ph)
			if i < 0 {
				break
			}
			rest = rest[i+len(ph):]
			if rest == "" || !isPlaceholderChar(rest[0]) {
				return &Error{Kind: ErrInvalidExpression, Field: name,
					Msg: fmt.Sprintf("a query filter cannot use key attribute %q; put it in the key condition", name)}
			}
		}
	}
	return nil
}

func isPlaceholderChar(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
