package ddb

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"iter"
	"math"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Page is one page of a Query or Scan.
type Page[T any] struct {
	// Items are the page's items, decoded.
	Items []T
	// Cursor resumes the same query or scan right after the last item of
	// this page (see Query.StartFrom). It is empty exactly when the read
	// has no more items: DynamoDB returned no LastEvaluatedKey, or it did
	// but the next request found nothing more (Pages looks one request
	// ahead for this). A page cut short by Limit has a cursor, so the read
	// can go on past the limit.
	//
	// Cursors are opaque and checksummed. By default they are not
	// encrypted: they carry the table name and the key values of that
	// last item. A table created with WithCursorKeys seals them with
	// AES-GCM, so they can be handed to clients.
	Cursor string
}

// pageResult is what one Query or Scan request returned.
type pageResult struct {
	items []map[string]types.AttributeValue
	lek   map[string]types.AttributeValue
	count int
}

// pager runs the page loop shared by Query and Scan: the caller supplies
// fetch, which sends one prepared request from a start key with a limit.
type pager[T any] struct {
	t     *Table[T]
	op    string
	spec  readSpec
	err   error  // preparation error, reported before any request
	shape []byte // fingerprint of the read's shape, stored in cursors
	fetch func(ctx context.Context, start map[string]types.AttributeValue, limit *int32) (pageResult, error)
}

func (p *pager[T]) fail(err error) *pager[T] {
	if e, ok := err.(*Error); ok {
		c := *e
		if c.Op == "" {
			c.Op = p.op
		}
		if c.Table == "" {
			c.Table = p.t.name
		}
		err = &c
	}
	p.err = err
	return p
}

// resolveIndex returns the index being read (nil for the table), checking
// that T declares it and that it supports the requested read.
func (p *pager[T]) resolveIndex() (*indexSchema, error) {
	if p.spec.index == "" {
		return nil, nil
	}
	ix, err := p.t.schema.index(p.spec.index)
	if err != nil {
		return nil, opErr(p.op, p.t.name, ErrInvalidInput, "%v", err)
	}
	if p.spec.consistent && !ix.Local {
		return nil, opErr(p.op, p.t.name, ErrInvalidInput, "consistent reads are not supported on global secondary index %q", ix.Name)
	}
	return ix, nil
}

// expressions builds the filter and (unless count) the projection of the
// read into b, and the read's fingerprint from shape plus the filter and
// all names and values used so far (the projection is not part of it: a
// cursor stays valid when only the projection changes).
func (p *pager[T]) expressions(b *exprBuilder, count bool, shape *[]string) (filter, proj *string, err error) {
	if f := p.spec.filter(); !f.IsZero() {
		s, err := b.condition(f)
		if err != nil {
			return nil, nil, err
		}
		filter = &s
	}
	h := sha256.New()
	for _, s := range append(*shape, p.t.name, p.spec.index, aws.ToString(filter)) {
		hashString(h, s)
	}
	names := b.names()
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		hashString(h, k)
		hashString(h, names[k])
	}
	vals := b.values()
	keys = keys[:0]
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		hashString(h, k)
		hashAV(h, vals[k])
	}
	p.shape = h.Sum(nil)[:8]
	if len(p.spec.proj) > 0 {
		pb := b
		if count { // validated, not sent: a count returns no attributes
			pb = &exprBuilder{op: b.op, table: b.table, known: b.known, keys: b.keys}
		}
		s, err := pb.projection(p.t.withKeyPaths(p.spec.proj, p.spec.index))
		if err != nil {
			return nil, nil, err
		}
		if !count {
			proj = &s
		}
	}
	return filter, proj, nil
}

// setCommon fills the request fields Query and Scan share.
func (p *pager[T]) setCommon(index **string, consistent **bool, sel *types.Select, count bool) {
	if p.spec.index != "" {
		*index = aws.String(p.spec.index)
	}
	if p.spec.consistent {
		*consistent = aws.Bool(true)
	}
	if count {
		*sel = types.SelectCount
	}
}

// requestLimit is the Limit of the next request given how many items may
// still be returned (0 = no limit).
func (p *pager[T]) requestLimit(remaining int) *int32 {
	l := p.spec.pageSize
	// Without a filter every evaluated item is returned, so there is no
	// point evaluating more than are still wanted; with one, a small Limit
	// would only multiply requests.
	if remaining > 0 && len(p.spec.filters) == 0 && (l == 0 || remaining < l) {
		l = remaining
	}
	if l <= 0 {
		return nil
	}
	return aws.Int32(int32(min(l, math.MaxInt32)))
}

// loop sends requests page by page, from the cursor if any, and calls
// visit with each page's raw items (or count) and the key to resume after
// them (nil at the end). It stops when visit returns false, at the end, at
// Limit, or on the first error, which it returns.
func (p *pager[T]) loop(ctx context.Context, count bool, visit func(items []map[string]types.AttributeValue, n int, next map[string]types.AttributeValue) bool) error {
	if p.err != nil {
		return p.err
	}
	start, err := p.decodeCursor(p.spec.cursor)
	if err != nil {
		return err
	}
	remaining := p.spec.limit
	for {
		if err := ctx.Err(); err != nil {
			return &Error{Op: p.op, Table: p.t.name, Err: err}
		}
		res, err := p.fetch(ctx, start, p.requestLimit(remaining))
		if err != nil {
			return mapErr(p.op, p.t.name, err)
		}
		items, n, next := res.items, res.count, res.lek
		if count {
			items = nil
		} else {
			n = len(items)
		}
		done := len(next) == 0
		if remaining > 0 {
			if n >= remaining {
				if n > remaining {
					n = remaining
					if count {
						next = nil // a count cannot resume mid-page
					} else {
						items = items[:n]
						next = p.positionOf(items[n-1])
					}
				}
				done = true
			}
			remaining -= n
		}
		if !visit(items, n, next) || done {
			return nil
		}
		start = next
	}
}

// positionOf returns the key DynamoDB would resume after item: its table
// key plus the key of the index being read.
func (p *pager[T]) positionOf(item map[string]types.AttributeValue) map[string]types.AttributeValue {
	attrs := p.t.schema.positionAttrs(p.spec.index)
	k := make(map[string]types.AttributeValue, len(attrs))
	for _, a := range attrs {
		if v, ok := item[a.Name]; ok {
			k[a.Name] = v
		}
	}
	return k
}

func (p *pager[T]) all(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		stopped := false
		err := p.loop(ctx, false, func(items []map[string]types.AttributeValue, _ int, _ map[string]types.AttributeValue) bool {
			for _, raw := range items {
				v, err := p.t.decode(p.op, raw)
				if err != nil {
					stopped = true
					var zero T
					yield(zero, err)
					return false
				}
				if !yield(v, nil) {
					stopped = true
					return false
				}
			}
			return true
		})
		if err != nil && !stopped {
			var zero T
			yield(zero, err)
		}
	}
}

// pages yields the read's pages. A page is held back until the next
// request has answered, so that the last page never comes back empty
// with a cursor of its own: when DynamoDB returns a LastEvaluatedKey and
// the next request returns nothing more, the page before ends the
// iteration with an empty cursor. Pages emptied by a filter are skipped;
// a read with no items at all yields one empty page.
func (p *pager[T]) pages(ctx context.Context) iter.Seq2[*Page[T], error] {
	return func(yield func(*Page[T], error) bool) {
		var (
			held     *Page[T]                        // decoded, not yet yielded
			heldNext map[string]types.AttributeValue // position after held
			stopped  bool
			yielded  bool
		)
		emit := func(next map[string]types.AttributeValue) bool {
			if len(next) > 0 {
				held.Cursor = p.encodeCursor(next)
			}
			page := held
			held, yielded = nil, true
			if !yield(page, nil) {
				stopped = true
				return false
			}
			return true
		}
		err := p.loop(ctx, false, func(items []map[string]types.AttributeValue, _ int, next map[string]types.AttributeValue) bool {
			if len(items) == 0 {
				if len(next) == 0 && held != nil {
					return emit(nil) // the read ended after the held page
				}
				return true // emptied by a filter (or the end, handled below)
			}
			page := &Page[T]{Items: make([]T, 0, len(items))}
			for _, raw := range items {
				v, err := p.t.decode(p.op, raw)
				if err != nil {
					stopped = true
					yield(nil, err)
					return false
				}
				page.Items = append(page.Items, v)
			}
			if held != nil && !emit(heldNext) {
				return false
			}
			held, heldNext = page, next
			return true
		})
		switch {
		case stopped:
		case err != nil:
			yield(nil, err)
		case held != nil: // stopped by Limit, or the last request had no LastEvaluatedKey
			emit(heldNext)
		case !yielded:
			yield(&Page[T]{Items: []T{}}, nil)
		}
	}
}

func (p *pager[T]) first(ctx context.Context) (T, error) {
	for v, err := range p.all(ctx) {
		return v, err
	}
	var zero T
	return zero, &Error{Op: p.op, Table: p.t.name, Kind: ErrNotFound}
}

func (p *pager[T]) collect(ctx context.Context) ([]T, error) {
	var out []T
	for v, err := range p.all(ctx) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (p *pager[T]) count(ctx context.Context) (int, error) {
	total := 0
	err := p.loop(ctx, true, func(_ []map[string]types.AttributeValue, n int, _ map[string]types.AttributeValue) bool {
		total += n
		return true
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}

// Cursors.
//
// A cursor is base64url (no padding) of: version byte, JSON body, and the
// first 8 bytes of SHA-256 over version and body. The body names the
// table, the index and the fingerprint of the read's shape, and holds the
// position (a LastEvaluatedKey of scalar key attributes).

const cursorVersion = 1

type cursorBody struct {
	Table string       `json:"t"`
	Index string       `json:"i,omitempty"`
	Shape string       `json:"h"`
	Key   []cursorAttr `json:"k"`
}

type cursorAttr struct {
	Name  string `json:"n"`
	Type  string `json:"t"` // S, N or B
	Value string `json:"v"` // text of S and N; base64 of B
}

func (p *pager[T]) encodeCursor(key map[string]types.AttributeValue) string {
	body := cursorBody{Table: p.t.name, Index: p.spec.index, Shape: hex.EncodeToString(p.shape)}
	names := make([]string, 0, len(key))
	for n := range key {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := cursorAttr{Name: n}
		switch v := key[n].(type) {
		case *types.AttributeValueMemberS:
			a.Type, a.Value = "S", v.Value
		case *types.AttributeValueMemberN:
			a.Type, a.Value = "N", v.Value
		case *types.AttributeValueMemberB:
			a.Type, a.Value = "B", base64.StdEncoding.EncodeToString(v.Value)
		default:
			continue // key attributes are always scalar
		}
		body.Key = append(body.Key, a)
	}
	return p.t.schema.cursorKeys.frame(cursorVersion, body)
}

// decodeCursor checks cursor against this read and returns the position
// it holds (nil for the empty cursor).
func (p *pager[T]) decodeCursor(cursor string) (map[string]types.AttributeValue, error) {
	if cursor == "" {
		return nil, nil
	}
	bad := func(format string, args ...any) error {
		return opErr(p.op, p.t.name, ErrInvalidCursor, format, args...)
	}
	var body cursorBody
	if err := p.t.schema.cursorKeys.unframe(cursor, cursorVersion, "cursor", &body); err != nil {
		return nil, bad("%v", err)
	}
	switch {
	case body.Table != p.t.name:
		return nil, bad("cursor is for table %q", body.Table)
	case body.Index != p.spec.index:
		return nil, bad("cursor is for index %q, not %q", body.Index, p.spec.index)
	case body.Shape != hex.EncodeToString(p.shape):
		return nil, bad("cursor is from a different %s (key condition, order or filter differ)", p.op)
	}
	want := p.t.schema.positionAttrs(p.spec.index)
	if len(body.Key) != len(want) {
		return nil, bad("cursor position has %d key attributes, want %d", len(body.Key), len(want))
	}
	key := make(map[string]types.AttributeValue, len(want))
	for _, a := range body.Key {
		var av types.AttributeValue
		switch a.Type {
		case "S":
			av = &types.AttributeValueMemberS{Value: a.Value}
		case "N":
			av = &types.AttributeValueMemberN{Value: a.Value}
		case "B":
			b, err := base64.StdEncoding.DecodeString(a.Value)
			if err != nil {
				return nil, bad("malformed binary key in cursor")
			}
			av = &types.AttributeValueMemberB{Value: b}
		}
		key[a.Name] = av
	}
	for _, a := range want {
		if err := checkKeyValue(a, key[a.Name]); err != nil {
			return nil, bad("cursor position: %v", err)
		}
	}
	return key, nil
}

// hashString writes s to h, length-prefixed so that concatenations differ.
func hashString(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// hashAV writes a canonical encoding of av to h (map keys sorted).
func hashAV(h hash.Hash, av types.AttributeValue) {
	hashString(h, avKindName(av))
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		hashString(h, v.Value)
	case *types.AttributeValueMemberN:
		hashString(h, v.Value)
	case *types.AttributeValueMemberB:
		hashString(h, string(v.Value))
	case *types.AttributeValueMemberBOOL:
		hashString(h, fmt.Sprint(v.Value))
	case *types.AttributeValueMemberNULL:
		hashString(h, fmt.Sprint(v.Value))
	case *types.AttributeValueMemberSS:
		hashStrings(h, v.Value)
	case *types.AttributeValueMemberNS:
		hashStrings(h, v.Value)
	case *types.AttributeValueMemberBS:
		s := make([]string, len(v.Value))
		for i, b := range v.Value {
			s[i] = string(b)
		}
		hashStrings(h, s)
	case *types.AttributeValueMemberL:
		hashString(h, fmt.Sprint(len(v.Value)))
		for _, e := range v.Value {
			hashAV(h, e)
		}
	case *types.AttributeValueMemberM:
		keys := make([]string, 0, len(v.Value))
		for k := range v.Value {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		hashString(h, fmt.Sprint(len(keys)))
		for _, k := range keys {
			hashString(h, k)
			hashAV(h, v.Value[k])
		}
	}
}

func hashStrings(h hash.Hash, s []string) {
	hashString(h, fmt.Sprint(len(s)))
	for _, e := range s {
		hashString(h, e)
	}
}
