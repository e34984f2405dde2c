package ddbtest

import (
	"bytes"
	"slices"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/expr"
	"github.com/ddb-go/ddb/ddbtest/internal/legacy"
)

// exprParams are the expression attribute maps shared by item operations.
type exprParams struct {
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues av.Item
}

// legacyParams are the pre-expression parameters (see internal/legacy).
type legacyParams struct {
	legacy.Params
}

// parse decodes the legacy members of operation op; exprs are the
// request's expression parameters, which DynamoDB does not let a request
// mix with legacy ones.
func (l *legacyParams) parse(op string, exprs ...expression) (*legacy.Request, error) {
	if !l.Any() {
		return nil, nil // the common case: nothing to decode, no allocation
	}
	var used []string
	for _, e := range exprs {
		if e.src != nil {
			used = append(used, e.name)
		}
	}
	return l.Params.Parse(op, used)
}

// expression is one expression parameter of a request.
type expression struct {
	name string // "ConditionExpression", ...
	src  *string
}

// env builds the expression environment of a request from its expression
// parameters (absent ones have a nil src), with DynamoDB's checks of
// placeholder maps given without expressions to use them.
func (p *exprParams) env(exprs ...expression) (*exprEnv, error) {
	if err := p.usage(exprs...); err != nil {
		return nil, err
	}
	return newEnv(p.ExpressionAttributeNames, p.ExpressionAttributeValues)
}

// usage reports placeholder maps given without the expressions that
// would use them (exprs are the request's expression parameters), which
// DynamoDB checks before the request's attribute values.
func (p *exprParams) usage(exprs ...expression) error {
	any, anyValued := false, false
	var valued []string
	for _, e := range exprs {
		if e.name != "ProjectionExpression" {
			valued = append(valued, e.name)
			anyValued = anyValued || e.src != nil
		}
		any = any || e.src != nil
	}
	if p.ExpressionAttributeNames != nil && !any {
		return validationError("ExpressionAttributeNames can only be specified when using expressions")
	}
	if p.ExpressionAttributeValues != nil && len(valued) > 0 && !anyValued {
		verb := " is null"
		if len(valued) > 1 {
			verb = " are null"
		}
		return validationError("ExpressionAttributeValues can only be specified when using expressions: " + strings.Join(valued, " and ") + verb)
	}
	return nil
}

// condOf parses an optional condition.
func condOf(env *exprEnv, kind string, src *string) (condition, error) {
	if src == nil {
		return nil, nil
	}
	return env.parseCondition(kind, *src)
}

// projOf parses an optional projection.
func projOf(env *exprEnv, src *string) (projection, error) {
	if src == nil {
		return nil, nil
	}
	return env.parseProjection(*src)
}

func finishEnv(env *exprEnv) error {
	if env == nil {
		return nil
	}
	return env.checkUnused()
}

// Keys.

func typeMismatch(attr string, want av.Type, got av.Value) error {
	return validationError("One or more parameter values were invalid: Type mismatch for key " + attr + " expected: " + want.String() + " actual: " + got.Type.String())
}

// checkKeyPart validates one key attribute value.
func checkKeyPart(ka keyAttr, v av.Value, isHash bool, emptyPrefix string) error {
	switch ka.typ {
	case av.S:
		if v.Str == "" {
			return validationError(emptyPrefix + "The AttributeValue for a key attribute cannot contain an empty string value. Key: " + ka.name)
		}
		if isHash && len(v.Str) > 2048 {
			return validationError("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
		}
		if !isHash && len(v.Str) > 1024 {
			return validationError("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
	case av.B:
		if len(v.Bytes) == 0 {
			return validationError(emptyPrefix + "The AttributeValue for a key attribute cannot contain an empty binary value. Key: " + ka.name)
		}
		if isHash && len(v.Bytes) > 2048 {
			return validationError("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
		}
		if !isHash && len(v.Bytes) > 1024 {
			return validationError("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
	}
	return nil
}

// itemKey validates the key attributes of a whole item (PutItem) and
// returns its table key.
func (t *table) itemKey(item av.Item) ([]byte, error) {
	parts := [2]keyAttr{t.hash, t.rng}
	var vals [2]av.Value
	for i, ka := range parts {
		if ka.name == "" {
			continue
		}
		v, ok := item[ka.name]
		if !ok {
			return nil, validationError("One or more parameter values were invalid: Missing the key " + ka.name + " in the item")
		}
		if v.Type != ka.typ {
			return nil, typeMismatch(ka.name, ka.typ, v)
		}
		if err := checkKeyPart(ka, v, i == 0, "One or more parameter values are not valid. "); err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return t.encodeKey(vals[0], vals[1]), nil
}

// keyOf validates a Key parameter (exactly the key attributes) and returns
// the table key.
func (t *table) keyOf(key av.Item) ([]byte, error) {
	n := 1
	if t.rng.name != "" {
		n = 2
	}
	if len(key) != n {
		return nil, validationError("The provided key element does not match the schema")
	}
	parts := [2]keyAttr{t.hash, t.rng}
	var vals [2]av.Value
	for i, ka := range parts[:n] {
		v, ok := key[ka.name]
		if !ok || v.Type != ka.typ {
			return nil, validationError("The provided key element does not match the schema")
		}
		if err := checkKeyPart(ka, v, i == 0, "One or more parameter values are not valid. "); err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return t.encodeKey(vals[0], vals[1]), nil
}

func (t *table) encodeKey(h, r av.Value) []byte {
	b := make([]byte, 0, 32)
	b = appendPartition(b, h)
	if t.rng.name != "" {
		b = appendEnc(b, r)
	}
	return b
}

// keyAttrs returns t's partition attribute and its sort attribute, if
// any, as a key schema's groups.
func (t *table) keyAttrs() (hashes, rngs []keyAttr) {
	if t.rng.name == "" {
		return []keyAttr{t.hash}, nil
	}
	return []keyAttr{t.hash}, []keyAttr{t.rng}
}

// keyItem returns the key attributes of item.
func (t *table) keyItem(item av.Item) av.Item {
	k := av.Item{t.hash.name: item[t.hash.name]}
	if t.rng.name != "" {
		k[t.rng.name] = item[t.rng.name]
	}
	return k
}

// checkIndexKeys validates the index key attributes an item carries. The
// caller holds t.mu (either mode).
func (t *table) checkIndexKeys(item av.Item) error {
	for _, ix := range t.indexes {
		for _, part := range [2]struct {
			attrs  []keyAttr
			isHash bool
		}{{ix.hashes, true}, {ix.rngs, false}} {
			for _, ka := range part.attrs {
				v, ok := item[ka.name]
				if !ok {
					continue
				}
				if v.Type != ka.typ {
					return validationError("One or more parameter values were invalid: Type mismatch for Index Key " + ka.name + " Expected: " + ka.typ.String() + " Actual: " + v.Type.String() + " IndexName: " + ix.name)
				}
				if (v.Type == av.S && v.Str == "") || (v.Type == av.B && len(v.Bytes) == 0) {
					kind := map[bool]string{true: "string", false: "binary"}[v.Type == av.S]
					return validationError("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty " + kind + " value. IndexName: " + ix.name + ", IndexKey: " + ka.name)
				}
				if err := checkKeyPart(ka, v, part.isHash, ""); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// key returns the index key of item (whose table key is tk), or nil when
// the item is not in the index: it lacks one of the index key attributes,
// or has one with another type (sparse index).
func (ix *index) key(item av.Item, tk []byte) []byte {
	var vals [expr.MaxKeyConditions]av.Value
	n := 0
	for _, attrs := range [2][]keyAttr{ix.hashes, ix.rngs} {
		for _, ka := range attrs {
			v, ok := item[ka.name]
			if !ok || v.Type != ka.typ {
				return nil
			}
			vals[n] = v
			n++
		}
	}
	b := make([]byte, 0, 32+len(tk))
	b = appendPartition(b, vals[:len(ix.hashes)]...)
	for _, v := range vals[len(ix.hashes):n] {
		b = appendEnc(b, v)
	}
	return append(b, tk...)
}

// isKey reports whether name is one of ix's key attributes.
func (ix *index) isKey(name string) bool {
	has := func(ka keyAttr) bool { return ka.name == name }
	return slices.ContainsFunc(ix.hashes, has) || slices.ContainsFunc(ix.rngs, has)
}

// projected reports whether attribute name is projected into ix.
func (ix *index) projected(t *table, name string) bool {
	switch ix.projType {
	case "ALL":
		return true
	case "INCLUDE":
		for _, a := range ix.include {
			if a == name {
				return true
			}
		}
	}
	return name == t.hash.name || name == t.rng.name || ix.isKey(name)
}

// project returns the part of item ix holds.
func (ix *index) project(t *table, item av.Item) av.Item {
	if ix.projType == "ALL" {
		return item
	}
	out := make(av.Item, 4)
	for k, v := range item {
		if ix.projected(t, k) {
			out[k] = v
		}
	}
	return out
}

// projSize is the size of the part of item ix holds.
func (ix *index) projSize(t *table, item av.Item, full int) int {
	if ix.projType == "ALL" {
		return full
	}
	n := 0
	for k, v := range item {
		if ix.projected(t, k) {
			n += len(k) + v.Size()
		}
	}
	return n
}

// Writes.

type writeKind uint8

const (
	opPut writeKind = iota
	opDelete
	opUpdate
	opCheck
)

// writeOp is one prepared single-item write: validated and parsed, ready
// to be evaluated against the stored item under the table's lock.
type writeOp struct {
	t         *table
	kind      writeKind
	key       []byte
	keyItem   av.Item // Key parameter (delete, update, check)
	item      av.Item // PutItem's item
	rec       []byte  // PutItem's record, precomputed
	size      int     // PutItem's item size
	cond      condition
	upd       updater
	returnOld bool // ReturnValuesOnConditionCheckFailure ALL_OLD
}

// writeResult is what evaluating a writeOp produced.
type writeResult struct {
	oldRec  []byte
	old     av.Item // decoded when needed
	new     av.Item
	newRec  []byte
	newSize int
	byTTL   bool // a deletion by TTL (its stream record names the service)
}

// eval checks op's condition against the stored item and computes the new
// item. The caller holds op.t.mu for writing.
func (op *writeOp) eval(needOld bool) (*writeResult, error) {
	t := op.t
	res := &writeResult{}
	oldRec, exists := t.tree.Get(op.key)
	if exists {
		res.oldRec = oldRec
		if needOld || op.cond != nil || op.kind == opUpdate || len(t.indexes) > 0 {
			res.old = decodeRecord(oldRec)
		}
	}
	if op.cond != nil && !op.cond.Eval(res.old) {
		if op.returnOld && exists {
			return nil, conditionalError(res.old)
		}
		return nil, conditionalError(nil)
	}
	switch op.kind {
	case opPut:
		res.new, res.newRec, res.newSize = op.item, op.rec, op.size
	case opUpdate:
		base := res.old
		if base == nil {
			base = av.CloneItem(op.keyItem)
		}
		n, err := op.upd.Apply(base)
		if err != nil {
			return nil, err
		}
		size := av.ItemSize(n)
		if size > av.MaxItemSize {
			return nil, validationError("Item size to update has exceeded the maximum allowed size")
		}
		if err := t.checkIndexKeys(n); err != nil {
			return nil, err
		}
		res.new, res.newSize, res.newRec = n, size, makeRecord(n, size)
	}
	return res, nil
}

// commit stages res in w (the item in the table's tree, its entries in
// the index trees), adds the consumed capacity to c, and returns the
// function that updates t's item and size counts, to call once w's batch
// is applied. The caller holds t.mu for writing.
func (t *table) commit(w BatchWriter, key []byte, res *writeResult, c *capacity) (counted func(), err error) {
	oldSize := 0
	if res.oldRec != nil {
		oldSize = recordSize(res.oldRec)
	}
	if res.newRec == nil && res.oldRec == nil {
		c.units += writeUnits(0)
		return func() {}, nil
	}
	type ixDelta struct {
		ix          *index
		items, size int64
	}
	deltas := make([]ixDelta, 0, len(t.indexes))
	for _, ix := range t.indexes {
		var oldK, newK []byte
		if res.old != nil {
			oldK = ix.key(res.old, key)
		}
		if res.new != nil {
			newK = ix.key(res.new, key)
		}
		same := oldK != nil && newK != nil && bytes.Equal(oldK, newK)
		units := 0.0
		d := ixDelta{ix: ix}
		if oldK != nil {
			ps := ix.projSize(t, res.old, oldSize)
			d.size -= int64(ps)
			units = writeUnits(ps)
			if !same {
				if err := w.Delete(ix.tree, oldK); err != nil {
					return nil, err
				}
				d.items--
			}
		}
		if newK != nil {
			ps := ix.projSize(t, res.new, res.newSize)
			d.size += int64(ps)
			u := writeUnits(ps)
			if same {
				units = max(units, u)
			} else {
				units += u
				if err := w.Put(ix.tree, newK, key); err != nil {
					return nil, err
				}
				d.items++
			}
		}
		if units > 0 {
			c.addIndex(ix.name, ix.global, units)
		}
		deltas = append(deltas, d)
	}
	var items int64
	if res.newRec != nil {
		if err := w.Put(t.tree, key, res.newRec); err != nil {
			return nil, err
		}
		if res.oldRec == nil {
			items = 1
		}
	} else {
		if err := w.Delete(t.tree, key); err != nil {
			return nil, err
		}
		items = -1
	}
	if err := t.appendStreamRecord(w, res); err != nil {
		return nil, err
	}
	c.units += writeUnits(max(oldSize, res.newSize))
	size := int64(res.newSize - oldSize)
	return func() {
		for _, d := range deltas {
			d.ix.items += d.items
			d.ix.size += d.size
		}
		t.items += items
		t.size += size
		t.streamCommitted()
	}, nil
}

// commitOne commits one write as one batch of the store. The caller holds
// t.mu for writing.
func (s *Server) commitOne(t *table, key []byte, res *writeResult, c *capacity) error {
	var counted func()
	err := s.batch(func(w BatchWriter) (err error) {
		counted, err = t.commit(w, key, res, c)
		return err
	})
	if err != nil {
		return err
	}
	counted()
	return nil
}

// lock locks t for writing or else for reading, failing if it was deleted
// meanwhile.
func (t *table) lock(write bool) error {
	if write {
		t.mu.Lock()
	} else {
		t.mu.RLock()
	}
	if t.deleted {
		t.unlock(write)
		return notFoundError()
	}
	return nil
}

// unlock undoes lock(write).
func (t *table) unlock(write bool) {
	if write {
		t.mu.Unlock()
	} else {
		t.mu.RUnlock()
	}
}

// locked runs fn with t locked for writing or reading.
func (t *table) locked(write bool, fn func() error) error {
	if err := t.lock(write); err != nil {
		return err
	}
	defer t.unlock(write)
	return fn()
}

// run evaluates and commits a single write atomically.
func (s *Server) run(op *writeOp, needOld bool, c *capacity) (*writeResult, error) {
	t := op.t
	if err := t.lock(true); err != nil {
		return nil, err
	}
	defer t.mu.Unlock()
	res, err := op.eval(needOld)
	if err != nil {
		if _, ok := err.(*apiError); ok && c != nil {
			c.units += writeUnits(0)
		}
		return nil, err
	}
	if op.kind == opCheck {
		return res, nil
	}
	return res, s.commitOne(t, op.key, res, c)
}

func checkReturnValues(rv string, allowed ...string) error {
	switch rv {
	case "", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW":
	default:
		return validationError("1 validation error detected: Value '" + rv + "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
	}
	if rv == "" || rv == "NONE" {
		return nil
	}
	for _, a := range allowed {
		if rv == a {
			return nil
		}
	}
	return validationError("ReturnValues can only be ALL_OLD or NONE")
}

func checkReturnOnFailure(rv string) (bool, error) {
	switch rv {
	case "", "NONE":
		return false, nil
	case "ALL_OLD":
		return true, nil
	}
	return false, validationError("1 validation error detected: Value '" + rv + "' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]")
}

func checkConsumedCapacity(rc string) error {
	switch rc {
	case "", "NONE", "TOTAL", "INDEXES":
		return nil
	}
	return validationError("1 validation error detected: Value '" + rc + "' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]")
}

func wantCapacity(rc string) bool { return rc == "TOTAL" || rc == "INDEXES" }

// checkNewItem validates an item to be written whole, without its table,
// and returns its size; between runs after its attribute values are
// checked, before its size is (DynamoDB's order).
func checkNewItem(item av.Item, between func() error) (size int, err error) {
	if err := av.ValidateItem(item); err != nil {
		return 0, err
	}
	if between != nil {
		if err := between(); err != nil {
			return 0, err
		}
	}
	// Like DynamoDB (and dynalite), the size is checked before the keys.
	size = av.ItemSize(item)
	if size > av.MaxItemSize {
		return 0, validationError("Item size has exceeded the maximum allowed size")
	}
	return size, nil
}

type putItemInput struct {
	writeFields
	Item av.Item
}

func (in *putItemInput) field(k string, r *jreader) (ok bool, err error) {
	if k == "Item" {
		in.Item, err = r.item()
		return true, err
	}
	return in.writeFields.field(k, r)
}

// commonChecks validates the parameters every single-item write (op)
// shares and decodes its legacy parameters; exprs are its expression
// parameters.
func commonChecks(op string, l *legacyParams, rc, rvf string, exprs ...expression) (*legacy.Request, bool, error) {
	lr, err := l.parse(op, exprs...)
	if err != nil {
		return nil, false, err
	}
	if err := checkConsumedCapacity(rc); err != nil {
		return nil, false, err
	}
	retOld, err := checkReturnOnFailure(rvf)
	return lr, retOld, err
}

func (s *Server) putItem(body []byte) ([]byte, error) {
	var in putItemInput
	if err := decodeFields(body, in.field); err != nil {
		return nil, err
	}
	return s.writeItem(opPut, &in.writeFields, in.Item, nil)
}

// writeReturnValues are the ReturnValues UpdateItem allows; PutItem and
// DeleteItem allow the first only.
var writeReturnValues = [...]string{"ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"}

// writeItem serves PutItem, DeleteItem or UpdateItem (kind) once its
// request is decoded: w holds the members they share, item is PutItem's
// Item and updSrc UpdateItem's UpdateExpression. Everything that can be
// judged without the table is checked before the table is looked up.
func (s *Server) writeItem(kind writeKind, w *writeFields, item av.Item, updSrc *string) ([]byte, error) {
	lr, retOld, err := commonChecks(writeOps[kind], &w.legacyParams, w.ReturnConsumedCapacity, w.ReturnValuesOnConditionCheckFailure,
		expression{"UpdateExpression", updSrc}, expression{"ConditionExpression", w.ConditionExpression})
	if err != nil {
		return nil, err
	}
	update := kind == opUpdate
	allowed := writeReturnValues[:1]
	if update {
		allowed = writeReturnValues[:]
	}
	checkRV := func() error { return checkReturnValues(w.ReturnValues, allowed...) }
	var op *writeOp
	if kind == opPut {
		op, err = newPut(item, w.ConditionExpression, &w.exprParams, checkRV)
	} else {
		op, err = newKeyed(kind, w.Key, w.ConditionExpression, updSrc, &w.exprParams, checkRV)
	}
	if err != nil {
		return nil, err
	}
	if err := legacyWrite(op, lr); err != nil {
		return nil, err
	}
	t, err := s.getTable(w.TableName)
	if err != nil {
		return nil, err
	}
	if err := op.bind(t); err != nil {
		return nil, err
	}
	op.returnOld = retOld
	c := &capacity{table: t.name}
	res, err := s.run(op, update, c)
	if err != nil {
		return nil, err
	}
	var upd updater // UPDATED_OLD and UPDATED_NEW pick the parts it updates
	if update {
		upd = op.upd
	}
	return writeResponse(w.ReturnValues, res, c, w.ReturnConsumedCapacity, upd), nil
}

// writeOps names the operations of the write kinds.
var writeOps = [...]string{opPut: "PutItem", opDelete: "DeleteItem", opUpdate: "UpdateItem"}

// legacyWrite compiles the legacy AttributeUpdates (UpdateItem) and
// Expected of a prepared write into its update and condition; bind checks
// the update against the table's key.
func legacyWrite(op *writeOp, lr *legacy.Request) error {
	upd, err := lr.Update()
	if err != nil {
		return err
	}
	if upd != nil {
		op.upd = upd
	}
	cond, err := lr.Condition()
	if cond != nil {
		op.cond = cond
	}
	return err
}

// checkKeyUpdate rejects an update of a key attribute.
func (t *table) checkKeyUpdate(upd updater) error {
	for _, a := range upd.Attributes() {
		if a == t.hash.name || a == t.rng.name {
			return validationError("One or more parameter values were invalid: Cannot update attribute " + a + ". This attribute is part of the key")
		}
	}
	return nil
}

// preparePut prepares a put of item into t.
func (s *Server) preparePut(t *table, item av.Item, condSrc *string, p *exprParams) (*writeOp, error) {
	op, err := newPut(item, condSrc, p, nil)
	if err == nil {
		err = op.bind(t)
	}
	return op, err
}

// newPut does the checks of a put that need no table: the item, then its
// condition; between runs after the item's attribute values are checked.
func newPut(item av.Item, condSrc *string, p *exprParams, between func() error) (*writeOp, error) {
	exprs := []expression{{"ConditionExpression", condSrc}}
	if err := p.usage(exprs...); err != nil {
		return nil, err
	}
	if item == nil {
		return nil, validationError("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null")
	}
	size, err := checkNewItem(item, between)
	if err != nil {
		return nil, err
	}
	env, err := p.env(exprs...)
	if err != nil {
		return nil, err
	}
	cond, err := condOf(env, "ConditionExpression", condSrc)
	if err != nil {
		return nil, err
	}
	if err := finishEnv(env); err != nil {
		return nil, err
	}
	return &writeOp{kind: opPut, item: item, size: size, cond: cond}, nil
}

// bind does the checks of op that need its table t: the key against the
// key schema, index keys, updates of key attributes.
func (op *writeOp) bind(t *table) (err error) {
	op.t = t
	switch op.kind {
	case opPut:
		if op.key, err = t.itemKey(op.item); err != nil {
			return err
		}
		if err := t.locked(false, func() error { return t.checkIndexKeys(op.item) }); err != nil {
			return err
		}
		op.rec = makeRecord(op.item, op.size)
		return nil
	case opUpdate:
		if err := t.checkKeyUpdate(op.upd); err != nil {
			return err
		}
	}
	op.key, err = t.keyOf(op.keyItem)
	return err
}

// writeResponse renders the response of PutItem, DeleteItem or UpdateItem.
// upd is UpdateItem's update, which picks the parts UPDATED_OLD and
// UPDATED_NEW return (nil for the other operations).
func writeResponse(rv string, res *writeResult, c *capacity, rc string, upd updater) []byte {
	b := make([]byte, 0, 64)
	b = append(b, '{')
	attrs := func() { b = append(b, `"Attributes":`...) }
	switch rv {
	case "ALL_OLD":
		if res.oldRec != nil {
			attrs()
			b = append(b, recordJSON(res.oldRec)...)
		}
	case "ALL_NEW":
		if res.newRec != nil {
			attrs()
			b = append(b, recordJSON(res.newRec)...)
		}
	case "UPDATED_OLD", "UPDATED_NEW":
		after, item := rv == "UPDATED_NEW", res.old
		if after {
			item = res.new
		}
		if d := upd.Updated(item, after); len(d) > 0 {
			attrs()
			b = appendItem(b, d)
		}
	}
	if wantCapacity(rc) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, `"ConsumedCapacity":`...)
		b = appendCapacity(b, c, rc)
	}
	return append(b, '}')
}

type getItemInput struct {
	baseParams
	Key                  av.Item
	ConsistentRead       bool
	ProjectionExpression *string
}

func (s *Server) getItem(body []byte) ([]byte, error) {
	var in getItemInput
	if err := decodeFields(body, in.field); err != nil {
		return nil, err
	}
	lr, err := in.legacyParams.parse("GetItem", expression{"ProjectionExpression", in.ProjectionExpression})
	if err != nil {
		return nil, err
	}
	if err := checkConsumedCapacity(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	proj, err := newGet(in.Key, in.ProjectionExpression, &in.exprParams, lr)
	if err != nil {
		return nil, err
	}
	t, err := s.getTable(in.TableName)
	if err != nil {
		return nil, err
	}
	key, err := t.keyOf(in.Key)
	if err != nil {
		return nil, err
	}
	var rec []byte
	var ok bool
	if err := t.locked(false, func() error { rec, ok = t.tree.Get(key); return nil }); err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(rec)+16)
	b = append(b, '{')
	if ok {
		b = append(b, `"Item":`...)
		b = appendRecord(b, rec, proj)
	}
	if wantCapacity(in.ReturnConsumedCapacity) {
		if ok {
			b = append(b, ',')
		}
		size := 0
		if ok {
			size = recordSize(rec)
		}
		c := &capacity{table: t.name, read: true, units: readUnits(size, in.ConsistentRead)}
		b = append(b, `"ConsumedCapacity":`...)
		b = appendCapacity(b, c, in.ReturnConsumedCapacity)
	}
	return append(b, '}'), nil
}

// prepareGet validates a key of t and parses a projection (or the legacy
// AttributesToGet of lr).
func (s *Server) prepareGet(t *table, keyItem av.Item, projSrc *string, p *exprParams, lr *legacy.Request) (projection, []byte, error) {
	proj, err := newGet(keyItem, projSrc, p, lr)
	if err != nil {
		return nil, nil, err
	}
	key, err := t.keyOf(keyItem)
	return proj, key, err
}

// checkKeyValues checks, without the table, the placeholder maps of a
// request (exprs are its expressions) and then the values of its Key.
func checkKeyValues(keyItem av.Item, p *exprParams, exprs []expression) error {
	if err := p.usage(exprs...); err != nil {
		return err
	}
	if keyItem == nil {
		return validationError("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null")
	}
	return av.ValidateItem(keyItem)
}

// newGet does the checks of a read of one item that need no table: the
// key's attribute values, then the projection.
func newGet(keyItem av.Item, projSrc *string, p *exprParams, lr *legacy.Request) (projection, error) {
	exprs := []expression{{"ProjectionExpression", projSrc}}
	if err := checkKeyValues(keyItem, p, exprs); err != nil {
		return nil, err
	}
	env, err := p.env(exprs...)
	if err != nil {
		return nil, err
	}
	proj, err := projOf(env, projSrc)
	if err != nil {
		return nil, err
	}
	if lr.HasAttributesToGet() {
		if proj, err = lr.Projection(); err != nil {
			return nil, err
		}
	}
	if err := finishEnv(env); err != nil {
		return nil, err
	}
	return proj, nil
}

// appendRecord appends the item of rec, projected by proj when not nil.
func appendRecord(b, rec []byte, proj projection) []byte {
	if proj == nil {
		return append(b, recordJSON(rec)...)
	}
	return appendItem(b, proj.Apply(decodeRecord(rec)))
}

type deleteItemInput struct {
	writeFields
}

func (s *Server) deleteItem(body []byte) ([]byte, error) {
	var in deleteItemInput
	if err := decodeFields(body, in.field); err != nil {
		return nil, err
	}
	return s.writeItem(opDelete, &in.writeFields, nil, nil)
}

// prepareKeyed prepares a delete, update or condition check of the item
// at keyItem in t.
func (s *Server) prepareKeyed(t *table, kind writeKind, keyItem av.Item, condSrc, updSrc *string, p *exprParams) (*writeOp, error) {
	op, err := newKeyed(kind, keyItem, condSrc, updSrc, p, nil)
	if err == nil {
		err = op.bind(t)
	}
	return op, err
}

// newKeyed does the checks of a delete, update or condition check that
// need no table: the key's attribute values, then the expressions;
// between runs after the key's values are checked.
func newKeyed(kind writeKind, keyItem av.Item, condSrc, updSrc *string, p *exprParams, between func() error) (*writeOp, error) {
	exprs := []expression{{"ConditionExpression", condSrc}}
	if kind == opUpdate {
		exprs = []expression{{"UpdateExpression", updSrc}, {"ConditionExpression", condSrc}}
	}
	if err := checkKeyValues(keyItem, p, exprs); err != nil {
		return nil, err
	}
	if between != nil {
		if err := between(); err != nil {
			return nil, err
		}
	}
	env, err := p.env(exprs...)
	if err != nil {
		return nil, err
	}
	op := &writeOp{kind: kind, keyItem: keyItem}
	if kind == opUpdate {
		if updSrc == nil {
			// An UpdateItem without an update expression only creates the
			// item with its key (or leaves it as it is).
			op.upd = identityUpdate{}
		} else if op.upd, err = env.parseUpdate(*updSrc); err != nil {
			return nil, err
		}
	}
	if op.cond, err = condOf(env, "ConditionExpression", condSrc); err != nil {
		return nil, err
	}
	if err := finishEnv(env); err != nil {
		return nil, err
	}
	return op, nil
}

type identityUpdate struct{}

func (identityUpdate) Apply(item av.Item) (av.Item, error) { return item, nil }
func (identityUpdate) Attributes() []string                { return nil }
func (identityUpdate) Updated(av.Item, bool) av.Item       { return nil }

type updateItemInput struct {
	writeFields
	UpdateExpression *string
}

func (in *updateItemInput) field(k string, r *jreader) (ok bool, err error) {
	if k == "UpdateExpression" {
		in.UpdateExpression, err = r.str()
		return true, err
	}
	return in.writeFields.field(k, r)
}

func (s *Server) updateItem(body []byte) ([]byte, error) {
	var in updateItemInput
	if err := decodeFields(body, in.field); err != nil {
		return nil, err
	}
	return s.writeItem(opUpdate, &in.writeFields, nil, in.UpdateExpression)
}

// backfill indexes every item of t in ix (a new GSI). The caller holds
// t.mu for writing.
func (t *table) backfill(ix *index) error {
	var err error
	t.tree.Ascend(nil, func(key, rec []byte) bool {
		item := decodeRecord(rec)
		k := ix.key(item, key)
		if k == nil {
			return true // sparse; or a key attribute of the wrong type, which DynamoDB reports as a violation
		}
		if err = ix.tree.Put(k, key); err != nil {
			return false
		}
		ix.items++
		ix.size += int64(ix.projSize(t, item, recordSize(rec)))
		return true
	})
	return err
}

// hasKeyConditions reports whether the request gave the legacy
// KeyConditions.
func (l *legacyParams) hasKeyConditions() bool {
	return len(l.KeyConditions) > 0 && string(l.KeyConditions) != "null"
}
