package ddbtest

import (
	"bytes"
	"slices"
	"strconv"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/expr"
	"github.com/ddb-go/ddb/ddbtest/internal/legacy"
)

// pageBytes is DynamoDB's limit on the data a Query or Scan evaluates for
// one page.
const pageBytes = 1 << 20

type readInput struct {
	baseParams
	IndexName            *string
	FilterExpression     *string
	ProjectionExpression *string
	Select               string
	Limit                *int
	ConsistentRead       bool
	ExclusiveStartKey    av.Item
}

type queryInput struct {
	readInput
	KeyConditionExpression *string
	ScanIndexForward       *bool
}

type scanInput struct {
	readInput
	Segment       *int
	TotalSegments *int
}

// readPlan is a prepared Query or Scan.
type readPlan struct {
	t       *table
	ix      *index // nil: the table itself
	tree    Tree
	forward bool
	start   []byte // Ascend's from, or Descend's before
	end     []byte // forward scans stop at keys >= end (nil: no bound)
	prefix  []byte // keys must start with prefix (Query's partition)
	rng     *keyRange
	limit   int
	filter  condition
	proj    projection
	count   bool // Select COUNT
	fullLSI bool // return table items for an LSI (ALL_ATTRIBUTES)
	consist bool
	capMode string
	legacy  *legacy.Request // the legacy parameters (nil: none)
}

// keyRange is a condition other than = on a sort key attribute, over
// encoded keys (see keys.go). (A Query's equalities are part of its
// prefix.)
type keyRange struct {
	op   string
	a, b []byte
}

// match reports whether the encoded key suffix k (the sort key onwards)
// satisfies the condition.
func (r *keyRange) match(k []byte) bool {
	switch r.op {
	case "<":
		return bytes.Compare(k, r.a) < 0
	case "<=":
		return bytes.Compare(k, r.a) < 0 || bytes.HasPrefix(k, r.a)
	case ">":
		return bytes.Compare(k, r.a) > 0 && !bytes.HasPrefix(k, r.a)
	case ">=":
		return bytes.Compare(k, r.a) >= 0
	case "BETWEEN":
		return bytes.Compare(k, r.a) >= 0 && (bytes.Compare(k, r.b) < 0 || bytes.HasPrefix(k, r.b))
	case "begins_with":
		return bytes.HasPrefix(k, r.a)
	}
	return false
}

// bounds returns where a forward walk starts and where a backward walk
// starts (exclusive), relative to the partition prefix p.
func (r *keyRange) bounds(p []byte) (from, before []byte) {
	cat := func(x []byte) []byte { return append(append([]byte(nil), p...), x...) }
	from, before = p, prefixEnd(p)
	switch r.op {
	case "begins_with":
		from, before = cat(r.a), prefixEnd(cat(r.a))
	case "<":
		before = cat(r.a)
	case "<=":
		before = prefixEnd(cat(r.a))
	case ">", ">=":
		from = cat(r.a)
	case "BETWEEN":
		from, before = cat(r.a), prefixEnd(cat(r.b))
	}
	return from, before
}

// keyCount is the number of distinct key attributes of the table and of
// the index read.
func (p *readPlan) keyCount() int {
	names := map[string]bool{}
	for _, kas := range p.keyGroups() {
		for _, ka := range kas {
			names[ka.name] = true
		}
	}
	return len(names)
}

// keySchema returns the partition and sort attributes a read walks.
func (p *readPlan) keySchema() (hashes, rngs []keyAttr) {
	if p.ix != nil {
		return p.ix.hashes, p.ix.rngs
	}
	return p.t.keyAttrs()
}

// keyGroups returns the key attributes of the tree a read walks, in the
// order of its keys (keys.go): the index's partition and sort attributes
// (when reading an index), then the table's; each partition group is
// preceded by its hash in the key.
func (p *readPlan) keyGroups() [][]keyAttr {
	var out [][]keyAttr
	if p.ix != nil {
		out = append(out, p.ix.hashes, p.ix.rngs)
	}
	h, r := p.t.keyAttrs()
	return append(out, h, r)
}

// prepareRead does what Query and Scan (op) share. First what needs no
// table, in DynamoDB's order: legacy parameters, Select, expression
// parameters, the starting key's values, the operation's own checks (pre),
// the filter and projection, then the operation's own expressions (parse)
// and unused placeholders. Then the table, its index, and what depends on
// them.
func (s *Server) prepareRead(op string, in *readInput, exprs []expression, pre func() error, parse func(*exprEnv) error) (*readPlan, error) {
	lr, err := in.legacyParams.parse(op, exprs...)
	if err != nil {
		return nil, err
	}
	if projName := projectionName(in.ProjectionExpression != nil, lr.HasAttributesToGet()); projName != "" && in.Select != "" && in.Select != "SPECIFIC_ATTRIBUTES" {
		what := in.Select
		if what == "COUNT" {
			what = "only the Count"
		}
		return nil, validationError("1 validation error detected: Cannot specify the " + projName + " when choosing to get " + what)
	}
	switch in.Select {
	case "SPECIFIC_ATTRIBUTES":
		if in.ProjectionExpression == nil && !lr.HasAttributesToGet() {
			return nil, validationError("1 validation error detected: Value 'SPECIFIC_ATTRIBUTES' at 'select' failed to satisfy constraint: Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet")
		}
	case "ALL_PROJECTED_ATTRIBUTES":
		if in.IndexName == nil {
			return nil, validationError("1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
		}
	}
	if err := in.exprParams.usage(exprs...); err != nil {
		return nil, err
	}
	if in.ExclusiveStartKey != nil {
		if err := av.ValidateItem(in.ExclusiveStartKey); err != nil {
			return nil, err
		}
	}
	if err := pre(); err != nil {
		return nil, err
	}
	p := &readPlan{forward: true, consist: in.ConsistentRead, capMode: in.ReturnConsumedCapacity, count: in.Select == "COUNT", legacy: lr}
	if in.Limit != nil {
		p.limit = *in.Limit
	}
	env, err := in.exprParams.env(exprs...)
	if err != nil {
		return nil, err
	}
	if p.filter, err = condOf(env, "FilterExpression", in.FilterExpression); err != nil {
		return nil, err
	}
	if p.proj, err = projOf(env, in.ProjectionExpression); err != nil {
		return nil, err
	}
	if err := p.legacyReads(); err != nil {
		return nil, err
	}
	if err := parse(env); err != nil {
		return nil, err
	}
	if err := finishEnv(env); err != nil {
		return nil, err
	}
	t, err := s.getTable(in.TableName)
	if err != nil {
		return nil, err
	}
	p.t, p.tree = t, t.tree
	t.mu.RLock()
	if in.IndexName != nil {
		p.ix = t.findIndex(*in.IndexName)
		if p.ix == nil {
			t.mu.RUnlock()
			return nil, validationError("The table does not have the specified index: " + *in.IndexName)
		}
		p.tree = p.ix.tree
	}
	t.mu.RUnlock()
	if p.ix != nil && t.backfilling(p.ix.name, s.clock()) {
		return nil, validationError("Cannot read from backfilling global secondary index: " + p.ix.name)
	}
	if p.ix != nil && p.ix.global && in.ConsistentRead {
		return nil, validationError("Consistent reads are not supported on global secondary indexes")
	}
	if in.Select == "ALL_ATTRIBUTES" && p.ix != nil && p.ix.projType != "ALL" {
		if p.ix.global {
			return nil, validationError("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index " + p.ix.name + " because its projection type is not ALL")
		}
		p.fullLSI = true
	}
	return p, nil
}

// legacyReads compiles the legacy QueryFilter or ScanFilter and
// AttributesToGet of the read into its filter and projection.
func (p *readPlan) legacyReads() error {
	f, err := p.legacy.Filter()
	if err != nil {
		return err
	}
	if f != nil {
		p.filter = f
	}
	if p.legacy.HasAttributesToGet() {
		p.proj, err = p.legacy.Projection()
	}
	return err
}

// projectionName names the projection parameter a read has, if any.
func projectionName(expr, attributesToGet bool) string {
	switch {
	case expr:
		return "ProjectionExpression"
	case attributesToGet:
		return "AttributesToGet"
	}
	return ""
}

// startKey converts an ExclusiveStartKey into the tree key to resume
// after.
// A Query's starting key with the wrong number of attributes is reported
// without detail, before its attributes are checked (as dynalite records
// DynamoDB doing).
func (p *readPlan) startKey(esk av.Item, isQuery bool) ([]byte, error) {
	if err := av.ValidateItem(esk); err != nil {
		return nil, err
	}
	t := p.t
	if isQuery && len(esk) != p.keyCount() {
		return nil, validationError("The provided starting key is invalid")
	}
	mismatch := validationError("The provided starting key is invalid: The provided key element does not match the schema")
	check := func(ka keyAttr) (av.Value, error) {
		v, ok := esk[ka.name]
		if !ok || v.Type != ka.typ {
			return v, mismatch
		}
		return v, nil
	}
	h, err := check(t.hash)
	if err != nil {
		return nil, err
	}
	var r av.Value
	if t.rng.name != "" {
		if r, err = check(t.rng); err != nil {
			return nil, err
		}
	}
	tk := t.encodeKey(h, r)
	if p.ix != nil {
		for _, kas := range [2][]keyAttr{p.ix.hashes, p.ix.rngs} {
			for _, ka := range kas {
				if _, err := check(ka); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(esk) != p.keyCount() {
		return nil, mismatch
	}
	if p.ix == nil {
		return tk, nil
	}
	return p.ix.key(esk, tk), nil
}

// keyFromTreeKey decodes the LastEvaluatedKey from the tree key k of the
// table or index walked; ok is false if k is malformed.
func (p *readPlan) keyFromTreeKey(k []byte) (av.Item, bool) {
	out := av.Item{}
	for i, kas := range p.keyGroups() {
		if i%2 == 0 { // a partition key follows its 4-byte hash
			if len(k) < 4 {
				return nil, false
			}
			k = k[4:]
		}
		for _, ka := range kas {
			v, rest, ok := decodeEnc(k, ka.typ)
			if !ok {
				return nil, false
			}
			out[ka.name], k = v, rest
		}
	}
	return out, len(k) == 0
}

// lastKey renders the LastEvaluatedKey of the item rec.
func (p *readPlan) lastKey(item av.Item) av.Item {
	k := av.Item{}
	for _, kas := range p.keyGroups() {
		for _, ka := range kas {
			k[ka.name] = item[ka.name]
		}
	}
	return k
}

// presize grows the response buffer b, once its first item (of itemLen
// bytes) is in, to hold as many items of that size as the page may return
// (Limit, or 16 items without one, within the 1 MB page), so that it is not
// regrown and copied item after item.
func (p *readPlan) presize(b []byte, itemLen int) []byte {
	n := 16
	if p.limit > 0 {
		n = min(p.limit, 1000)
	}
	want := min((itemLen+1)*n, pageBytes) + 256
	if cap(b)-len(b) >= want {
		return b
	}
	return slices.Grow(b, want)
}

// run walks the tree and renders the response.
func (p *readPlan) run() ([]byte, error) {
	t := p.t
	if err := t.lock(false); err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	b := make([]byte, 0, 256)
	if p.count {
		b = append(b, '{')
	} else {
		b = append(b, `{"Items":[`...)
	}
	count, scanned, size := 0, 0, 0
	var lastRec, lastTreeKey []byte
	more := false
	matched := false
	visit := func(key, val []byte) bool {
		if p.prefix != nil && !bytes.HasPrefix(key, p.prefix) {
			return false
		}
		if p.end != nil && bytes.Compare(key, p.end) >= 0 {
			return false
		}
		if p.rng != nil {
			if !p.rng.match(key[len(p.prefix):]) {
				return !matched // skip up to the first match, stop after the last
			}
			matched = true
		}
		rec := val
		if p.ix != nil {
			var ok bool
			if rec, ok = t.tree.Get(val); !ok {
				return true // cannot happen: indexes are maintained under the lock
			}
		}
		if scanned > 0 && size >= pageBytes {
			more = true
			return false
		}
		scanned++
		var item av.Item
		itemSize := recordSize(rec)
		if p.ix != nil && p.ix.projType != "ALL" {
			item = decodeRecord(rec)
			if !p.fullLSI {
				item = p.ix.project(t, item)
			}
			itemSize = av.ItemSize(item)
		}
		size += itemSize
		lastRec, lastTreeKey = rec, key
		if p.filter != nil {
			if item == nil {
				item = decodeRecord(rec)
			}
			if !p.filter.Eval(item) {
				goto next
			}
		}
		count++
		if !p.count {
			if count > 1 {
				b = append(b, ',')
			}
			n := len(b)
			switch {
			case p.proj != nil:
				if item == nil {
					item = decodeRecord(rec)
				}
				b = appendItem(b, p.proj.Apply(item))
			case item != nil:
				b = appendItem(b, item)
			default:
				b = append(b, recordJSON(rec)...)
			}
			if count == 1 {
				b = p.presize(b, len(b)-n)
			}
		}
	next:
		if p.limit > 0 && scanned >= p.limit {
			more = true
			return false
		}
		return true
	}
	if p.forward {
		p.tree.Ascend(p.start, visit)
	} else {
		p.tree.Descend(p.start, visit)
	}
	if !p.count {
		b = append(b, ']', ',')
	}
	b = append(b, `"Count":`...)
	b = strconv.AppendInt(b, int64(count), 10)
	b = append(b, `,"ScannedCount":`...)
	b = strconv.AppendInt(b, int64(scanned), 10)
	if more && lastRec != nil {
		b = append(b, `,"LastEvaluatedKey":`...)
		lek, ok := p.keyFromTreeKey(lastTreeKey)
		if !ok {
			lek = p.lastKey(decodeRecord(lastRec))
		}
		b = appendItem(b, lek)
	}
	if wantCapacity(p.capMode) {
		c := &capacity{table: t.name, read: true}
		u := readUnits(size, p.consist)
		if p.ix != nil {
			c.addIndex(p.ix.name, p.ix.global, u)
		} else {
			c.units = u
		}
		b = append(b, `,"ConsumedCapacity":`...)
		b = appendCapacity(b, c, p.capMode)
	}
	return append(b, '}'), nil
}

func (s *Server) query(body []byte) ([]byte, error) {
	var in queryInput
	if err := decodeFields(body, in.field); err != nil {
		return nil, err
	}
	var parsed *expr.KeyCondition
	exprs := []expression{{"ProjectionExpression", in.ProjectionExpression}, {"FilterExpression", in.FilterExpression}, {"KeyConditionExpression", in.KeyConditionExpression}}
	p, err := s.prepareRead("Query", &in.readInput, exprs, func() error {
		if in.KeyConditionExpression == nil && !in.legacyParams.hasKeyConditions() {
			return validationError("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
		}
		return nil
	}, func(env *exprEnv) (err error) {
		if in.KeyConditionExpression != nil {
			maxConds := 2 // a table's key
			if in.IndexName != nil {
				maxConds = expr.MaxKeyConditions // until the index is known
			}
			parsed, err = env.parseKeyCondition(*in.KeyConditionExpression, maxConds)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	hashes, rngs := p.keySchema()
	var bk *expr.BoundKey
	if parsed != nil {
		bk, err = parsed.Bind(exprKeys(hashes), exprKeys(rngs))
	} else {
		bk, err = legacyKeyCond(p.legacy, hashes, rngs)
	}
	if err != nil {
		return nil, err
	}
	// The partition and the leading sort key equalities are a prefix of
	// every key the Query returns (keys.go).
	p.prefix = appendPartition(nil, bk.Hash...)
	for _, v := range bk.Equal {
		p.prefix = appendEnc(p.prefix, v)
	}
	p.start = p.prefix
	if in.ScanIndexForward != nil && !*in.ScanIndexForward {
		p.forward = false
		p.start = prefixEnd(p.prefix)
	}
	if bk.Range != nil {
		r := &keyRange{op: bk.Range.Op}
		for i, v := range bk.Range.Values {
			e := appendEnc(nil, v)
			if r.op == "begins_with" {
				e = e[:len(e)-2] // drop the terminator: a prefix
			}
			if i == 0 {
				r.a = e
			} else {
				r.b = e
			}
		}
		p.rng = r
		from, before := r.bounds(p.prefix)
		if p.forward {
			p.start = from
		} else {
			p.start = before
		}
	}
	if in.ExclusiveStartKey != nil {
		k, err := p.startKey(in.ExclusiveStartKey, true)
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(k, p.prefix) || (p.rng != nil && !p.rng.match(k[len(p.prefix):])) {
			return nil, validationError("The provided starting key is outside query boundaries based on provided conditions")
		}
		if p.forward {
			p.start = append(k, 0)
		} else {
			p.start = k
		}
	}
	if p.filter != nil {
		if err := checkFilterKeys(p.filter, slices.Concat(hashes, rngs)); err != nil {
			return nil, err
		}
	}
	return p.run()
}

// legacyKeyCond checks the legacy KeyConditions of lr and binds them to
// the key schema queried.
func legacyKeyCond(lr *legacy.Request, hashes, rngs []keyAttr) (*expr.BoundKey, error) {
	if err := lr.CheckKeyConditions(); err != nil {
		return nil, err
	}
	return lr.BindKeys(exprKeys(hashes), exprKeys(rngs))
}

// checkFilterKeys rejects a Query filter (FilterExpression or the legacy
// QueryFilter) on a key attribute of the table or index queried, as
// DynamoDB does (a Scan may filter on keys).
func checkFilterKeys(filter condition, keys []keyAttr) error {
	what := "Filter Expression"
	if _, ok := filter.(*legacy.Filter); ok {
		what = "QueryFilter"
	}
	used := filter.Attributes()
	for _, ka := range keys {
		if slices.Contains(used, ka.name) {
			return validationError(what + " can only contain non-primary key attributes: Primary key attribute: " + ka.name)
		}
	}
	return nil
}

func (s *Server) scan(body []byte) ([]byte, error) {
	var in scanInput
	if err := decodeFields(body, in.field); err != nil {
		return nil, err
	}
	seg, total := 0, 1
	exprs := []expression{{"ProjectionExpression", in.ProjectionExpression}, {"FilterExpression", in.FilterExpression}}
	p, err := s.prepareRead("Scan", &in.readInput, exprs, func() error {
		switch {
		case in.Segment != nil && in.TotalSegments == nil:
			return validationError("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
		case in.Segment == nil && in.TotalSegments != nil:
			return validationError("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
		case in.Segment != nil:
			seg, total = *in.Segment, *in.TotalSegments
			if total > 1000000 {
				return validationError("1 validation error detected: Value '" + strconv.Itoa(total) + "' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000")
			}
			if seg >= total {
				return validationError("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " + strconv.Itoa(seg) + " is not less than TotalSegments: " + strconv.Itoa(total))
			}
		}
		return nil
	}, func(*exprEnv) error { return nil })
	if err != nil {
		return nil, err
	}
	p.start, p.end = segmentBounds(seg, total)
	if in.ExclusiveStartKey != nil {
		k, err := p.startKey(in.ExclusiveStartKey, false)
		if err != nil {
			return nil, err
		}
		k = append(k, 0)
		if bytes.Compare(k, p.start) > 0 {
			p.start = k
		}
	}
	return p.run()
}
