package ddb

// Conditional writes, updates, optimistic locking and automatic attributes.
//
// Every write path (Put, Delete, Update, UpdateFields, batches and
// transactions) prepares its request with the functions of this file, so
// versions, timestamps and TTL behave the same everywhere.

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// autoKind is the Go representation of an automatic attribute.
type autoKind uint8

const (
	autoInt     autoKind = iota + 1 // signed integer
	autoUint                        // unsigned integer
	autoFloat                       // floating point
	autoTime                        // time.Time
	autoTimePtr                     // *time.Time
)

// autoField is a field holding a reserved role (version, created, updated,
// ttl), with what is needed to read, set and encode it.
type autoField struct {
	name  string       // attribute name
	index []int        // field path
	kind  autoKind     // Go representation
	probe reflect.Type // one-field struct encoding the field with its codec options
}

// autoInfo lists the automatic attributes of a table's item type.
type autoInfo struct {
	version, created, updated, ttl *autoField
}

var (
	autoCache   sync.Map // *schema -> *autoInfo
	timeType    = reflect.TypeFor[time.Time]()
	timePtrType = reflect.TypeFor[*time.Time]()
)

// checkAutoFields validates the types of the fields holding reserved roles:
// the version must be a number, created and updated a time.Time or
// *time.Time, ttl a time.Time, *time.Time or integer (epoch seconds).
// Errors match ErrInvalidSchema and name the field.
func checkAutoFields(s *schema) error {
	_, err := autoFor(s)
	return err
}

// autoFor returns (and caches) the automatic attributes of s.
func autoFor(s *schema) (*autoInfo, error) {
	if a, ok := autoCache.Load(s); ok {
		return a.(*autoInfo), nil
	}
	a := &autoInfo{}
	roles := []struct {
		fi      *fieldInfo
		dst     **autoField
		role    string
		numbers bool
		times   bool
	}{
		{s.version, &a.version, "version", true, false},
		{s.created, &a.created, "created", false, true},
		{s.updated, &a.updated, "updated", false, true},
		{s.ttl, &a.ttl, "ttl", true, true},
	}
	for _, r := range roles {
		if r.fi == nil {
			continue
		}
		f := &autoField{name: r.fi.Name, index: r.fi.Index, probe: probeType(r.fi.structField)}
		switch t := r.fi.Type; {
		case r.times && t == timeType:
			f.kind = autoTime
		case r.times && t == timePtrType:
			f.kind = autoTimePtr
		case r.numbers && t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
			f.kind = autoInt
		case r.numbers && t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr:
			f.kind = autoUint
		case r.numbers && r.role == "version" && (t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64):
			f.kind = autoFloat
		default:
			want := "a number"
			switch {
			case r.times && r.numbers:
				want = "a time.Time, *time.Time or integer"
			case r.times:
				want = "a time.Time or *time.Time"
			}
			return nil, schemaErr(s.itemType, r.fi.Name, "%s field must be %s, not %v", r.role, want, t)
		}
		*r.dst = f
	}
	autoCache.Store(s, a)
	return a, nil
}

// settable returns the field at index inside v (an addressable struct),
// allocating nil embedded pointers and copying non-nil ones first, so that
// setting the field never writes through a pointer the caller shares.
func settable(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			p := reflect.New(v.Type().Elem())
			if !v.IsNil() {
				p.Elem().Set(v.Elem())
			}
			v.Set(p)
			v = p.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// fieldValue returns the field at index inside v, or an invalid Value when
// an embedded pointer on the way is nil.
func fieldValue(v reflect.Value, index []int) reflect.Value {
	f, err := v.FieldByIndexErr(index)
	if err != nil {
		return reflect.Value{}
	}
	return f
}

// encode encodes the Go value v of the field with the field's codec options.
func (f *autoField) encode(v reflect.Value) (types.AttributeValue, error) {
	pv := reflect.New(f.probe).Elem()
	pv.Field(0).Set(v)
	item, err := MarshalItem(pv.Interface())
	if err != nil {
		return nil, err
	}
	return item[f.name], nil
}

// encodeTime encodes t as the created or updated field f stores it.
func (f *autoField) encodeTime(t time.Time) (types.AttributeValue, error) {
	if f.kind == autoTimePtr {
		return f.encode(reflect.ValueOf(&t))
	}
	return f.encode(reflect.ValueOf(t))
}

// ttlValue returns the epoch-seconds number for the TTL field value v, or
// nil when v is the zero time (no expiry).
func (f *autoField) ttlValue(v reflect.Value) types.AttributeValue {
	var t time.Time
	switch f.kind {
	case autoTime:
		t = v.Interface().(time.Time)
	case autoTimePtr:
		if v.IsNil() {
			return nil
		}
		t = *v.Interface().(*time.Time)
	default:
		return nil // integers are epoch seconds already
	}
	if t.IsZero() {
		return nil
	}
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}
}

// versionCheck is the optimistic-locking check of one write: the version
// attribute and the value the write expects to find (nil: absent).
type versionCheck struct {
	attr     string               // "" when the write checks no version
	expected types.AttributeValue // nil when the item must not exist yet
	userCond bool                 // the write also has a caller's condition
}

// cond returns the condition expressing the check, or the zero Condition.
func (vc versionCheck) cond() Condition {
	switch {
	case vc.attr == "":
		return Condition{}
	case vc.expected == nil:
		return Attr(vc.attr).NotExists()
	default:
		return Attr(vc.attr).Eq(vc.expected)
	}
}

// conflict reports whether a failed condition is due to the version: the
// stored item (when the server returned it) has another version, or the
// server did not say and the write had no other condition.
func (vc versionCheck) conflict(current map[string]types.AttributeValue) bool {
	if vc.attr == "" {
		return false
	}
	if current == nil {
		return !vc.userCond || vc.expected != nil
	}
	got, ok := current[vc.attr]
	if vc.expected == nil {
		return ok
	}
	if !ok {
		return true
	}
	c, comparable := compareScalars(got, vc.expected)
	return !comparable || c != 0
}

// writeParts is a prepared write: its condition and the optimistic-locking
// check folded into it.
type writeParts struct {
	cond Condition
	vc   versionCheck
}

// withCond adds the caller's condition c to p.
func (p *writeParts) withCond(c Condition) {
	if !c.IsZero() {
		p.vc.userCond = true
		p.cond = And(p.cond, c)
	}
}

// preparePut encodes item for a put at time now: the version is checked
// and bumped (0 means "first write": the item must not exist yet), created
// is set to now when zero, updated to now, and a time.Time TTL stored as
// epoch seconds. item is a copy; the caller's value is never modified.
func (t *Table[T]) preparePut(op string, item T, now time.Time) (map[string]types.AttributeValue, writeParts, error) {
	var p writeParts
	a, err := autoFor(t.schema)
	if err != nil {
		return nil, p, wrapOpErr(op, t.name, ErrInvalidSchema, err)
	}
	if a.version == nil && a.created == nil && a.updated == nil && a.ttl == nil {
		av, err := t.encode(op, item)
		return av, p, err
	}
	v := reflect.ValueOf(&item).Elem()
	if f := a.version; f != nil {
		fv := settable(v, f.index)
		zero := fv.IsZero()
		if !zero {
			if p.vc.expected, err = f.encode(fv); err != nil {
				return nil, p, &Error{Op: op, Table: t.name, Field: f.name, Kind: ErrInvalidValue, Err: err}
			}
		}
		switch f.kind {
		case autoInt:
			fv.SetInt(fv.Int() + 1)
		case autoUint:
			fv.SetUint(fv.Uint() + 1)
		case autoFloat:
			fv.SetFloat(fv.Float() + 1)
		}
		p.vc.attr = f.name
		p.cond = p.vc.cond()
	}
	if f := a.created; f != nil {
		if fv := settable(v, f.index); fv.IsZero() {
			setTime(fv, f.kind, now)
		}
	}
	if f := a.updated; f != nil {
		setTime(settable(v, f.index), f.kind, now)
	}
	av, err := t.encode(op, item)
	if err != nil {
		return nil, p, err
	}
	if f := a.ttl; f != nil && f.kind != autoInt && f.kind != autoUint {
		if fv := fieldValue(v, f.index); fv.IsValid() {
			if n := f.ttlValue(fv); n != nil {
				av[f.name] = n
			} else {
				delete(av, f.name)
			}
		}
	}
	return av, p, nil
}

// setTime stores now in the time.Time or *time.Time field fv.
func setTime(fv reflect.Value, kind autoKind, now time.Time) {
	if kind == autoTimePtr {
		fv.Set(reflect.ValueOf(&now))
		return
	}
	fv.Set(reflect.ValueOf(now))
}

// now is the clock of automatic timestamps.
func now() time.Time { return time.Now().UTC() }

// checkUpdateKeys rejects an Update that changes a key attribute of the
// table, which DynamoDB refuses.
func (t *Table[T]) checkUpdateKeys(op string, u *Update) error {
	if u == nil {
		return nil
	}
	for _, a := range u.acts {
		for _, k := range t.schema.keyAttrs() {
			if a.path.top() == k.Name {
				return &Error{Op: op, Table: t.name, Field: k.Name, Kind: ErrInvalidInput, Msg: "an update cannot change key attribute " + strconv.Quote(k.Name)}
			}
		}
	}
	return nil
}

// prepareUpdate validates u and returns it completed with the automatic
// attributes: updated set to now, created set to now if absent, and the
// version incremented (unless u sets any of them itself). expected, when
// not nil, is the version the stored item must have (for UpdateFields);
// ifVersion is an IfVersion option's value.
func (t *Table[T]) prepareUpdate(op string, u *Update, expected types.AttributeValue, now time.Time) (*Update, writeParts, error) {
	var p writeParts
	switch {
	case u != nil && u.err != nil:
		return nil, p, (&exprBuilder{op: op, table: t.name}).wrap(u.err)
	case u.IsEmpty():
		return nil, p, opErr(op, t.name, ErrInvalidInput, "empty update")
	}
	if err := t.checkUpdateKeys(op, u); err != nil {
		return nil, p, err
	}
	a, err := autoFor(t.schema)
	if err != nil {
		return nil, p, wrapOpErr(op, t.name, ErrInvalidSchema, err)
	}
	if a.version == nil && a.created == nil && a.updated == nil {
		return u, p, nil
	}
	touched := make(map[string]bool, len(u.acts))
	for _, act := range u.acts {
		touched[act.path.top()] = true
	}
	full := &Update{acts: append(make([]updateAction, 0, len(u.acts)+3), u.acts...)}
	if f := a.version; f != nil && !touched[f.name] {
		full.Increment(Attr(f.name), 1)
		if expected != nil {
			p.vc = versionCheck{attr: f.name, expected: expected}
			p.cond = p.vc.cond()
		}
	}
	for _, f := range []*autoField{a.created, a.updated} {
		if f == nil || touched[f.name] {
			continue
		}
		av, err := f.encodeTime(now)
		if err != nil {
			return nil, p, &Error{Op: op, Table: t.name, Field: f.name, Kind: ErrInvalidValue, Err: err}
		}
		if f == a.created {
			full.SetIfNotExists(Attr(f.name), av)
		} else {
			full.Set(Attr(f.name), av)
		}
	}
	if full.err != nil {
		return nil, p, (&exprBuilder{op: op, table: t.name}).wrap(full.err)
	}
	return full, p, nil
}

// fieldsUpdate builds the Update of UpdateFields from partial: one SET per
// field that is set (not nil, not the zero value), except key attributes
// and the automatic attributes, plus the item's key and, for a versioned
// table, the version the stored item must have.
func (t *Table[T]) fieldsUpdate(op string, partial T) (map[string]types.AttributeValue, *Update, types.AttributeValue, error) {
	if !t.schema.isStruct {
		return nil, nil, nil, opErr(op, t.name, ErrInvalidInput, "UpdateFields needs a struct item type")
	}
	av, err := t.encode(op, partial)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := autoFor(t.schema)
	if err != nil {
		return nil, nil, nil, wrapOpErr(op, t.name, ErrInvalidSchema, err)
	}
	skip := map[string]bool{}
	key := map[string]types.AttributeValue{}
	for _, k := range t.schema.keyAttrs() {
		skip[k.Name] = true
		key[k.Name] = av[k.Name]
	}
	var expected types.AttributeValue
	for _, f := range []*autoField{a.version, a.created, a.updated} {
		if f != nil {
			skip[f.name] = true
		}
	}
	v := reflect.ValueOf(&partial).Elem()
	if f := a.version; f != nil {
		if fv := fieldValue(v, f.index); fv.IsValid() && !fv.IsZero() {
			expected = av[f.name]
		}
	}
	u := NewUpdate()
	for _, sf := range structFields(t.schema.itemType) {
		fv := fieldValue(v, sf.Index)
		if skip[sf.Name] || !fv.IsValid() || fv.IsZero() {
			continue
		}
		x, ok := av[sf.Name]
		if !ok {
			continue
		}
		if f := a.ttl; f != nil && f.name == sf.Name {
			if n := f.ttlValue(fv); n != nil {
				x = n
			}
		}
		u.Set(Attr(sf.Name), x)
	}
	return key, u, expected, nil
}

// updateReq is a prepared UpdateItem request.
type updateReq struct {
	key    map[string]types.AttributeValue
	update string
	cond   *string
	names  map[string]string
	values map[string]types.AttributeValue
	vc     versionCheck
}

// buildUpdate assembles the UpdateItem request of Update and UpdateFields
// (and their transaction forms) for the item with key k: expressions and
// version check.
func (t *Table[T]) buildUpdate(op string, k map[string]types.AttributeValue, u *Update, expected types.AttributeValue, cond Condition) (*updateReq, error) {
	full, p, err := t.prepareUpdate(op, u, expected, now())
	if err != nil {
		return nil, err
	}
	p.withCond(cond)
	r := &updateReq{key: k, vc: p.vc}
	b := exprBuilder{op: op, table: t.name}
	if r.update, err = b.update(full); err != nil {
		return nil, err
	}
	if r.cond, err = t.condExpr(&b, p.cond); err != nil {
		return nil, err
	}
	r.names, r.values = b.names(), b.values()
	return r, nil
}

// Update applies u to the item with the given key (pk, then sk if the table
// has one), creating the item if it does not exist, as UpdateItem does.
//
// An Update that is empty, or that changes a key attribute, fails with
// ErrInvalidInput before any request. With If the update happens only if
// the condition holds (else ErrConditionFailed). ReturnOld stores the item
// as it was before the update.
//
// On a table with a version field the update increments the version
// (unless u sets it), so concurrent Puts of stale copies fail with
// ErrVersionConflict; add If(ddb.Attr("version").Eq(n)) to make the update
// itself conditional on a version. Updated and created fields are set as
// for Put (created only if absent).
func (t *Table[T]) Update(ctx context.Context, key Key, u *Update, opts ...WriteOption) error {
	const op = "Update"
	k, err := t.keyFromValues(op, key)
	if err != nil {
		return err
	}
	return t.runUpdate(ctx, op, k, u, nil, opts)
}

// UpdateFields saves the fields of partial that are set: every field that
// is neither nil nor its type's zero value is written with SET, the others
// are left untouched in the stored item. The key is taken from partial's
// key fields. To set a field to its zero value, use Update.
//
// On a versioned table a non-zero version in partial is the version the
// stored item must have (else ErrVersionConflict); the stored version is
// incremented either way. Options are as for Update.
func (t *Table[T]) UpdateFields(ctx context.Context, partial T, opts ...WriteOption) error {
	const op = "UpdateFields"
	key, u, expected, err := t.fieldsUpdate(op, partial)
	if err != nil {
		return err
	}
	if u.IsEmpty() {
		return opErr(op, t.name, ErrInvalidInput, "no field besides the key is set")
	}
	return t.runUpdate(ctx, op, key, u, expected, opts)
}

// runUpdate sends one UpdateItem request for the item with key k.
func (t *Table[T]) runUpdate(ctx context.Context, op string, k map[string]types.AttributeValue, u *Update, expected types.AttributeValue, opts []WriteOption) error {
	o, oldDst, err := t.writeOpts(op, opts)
	if err != nil {
		return err
	}
	r, err := t.buildUpdate(op, k, u, expected, o.cond)
	if err != nil {
		return err
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                 &t.name,
		Key:                       r.key,
		UpdateExpression:          &r.update,
		ConditionExpression:       r.cond,
		ExpressionAttributeNames:  r.names,
		ExpressionAttributeValues: r.values,
	}
	if oldDst != nil {
		in.ReturnValues = types.ReturnValueAllOld
	}
	if r.vc.attr != "" {
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	out, err := t.client.UpdateItem(ctx, in)
	if err != nil {
		return t.writeErr(op, err, r.vc)
	}
	return t.storeOld(op, oldDst, out.Attributes)
}

// writeErr maps the error of a write request, turning a failed condition
// into ErrVersionConflict (still matching ErrConditionFailed) when the
// stored version is not the expected one.
func (t *Table[T]) writeErr(op string, err error, vc versionCheck) error {
	e := mapErr(op, t.name, err)
	var ccf *types.ConditionalCheckFailedException
	if vc.attr == "" || !errors.As(err, &ccf) || !vc.conflict(ccf.Item) {
		return e
	}
	return &Error{Op: op, Table: t.name, Field: vc.attr, Kind: ErrVersionConflict,
		Msg: "the stored item's version is not the expected one", Err: e}
}

// Create writes item only if no item with its key exists yet; otherwise it
// fails with ErrConditionFailed. Options are as for Put.
func (t *Table[T]) Create(ctx context.Context, item T, opts ...WriteOption) error {
	return t.Put(ctx, item, append(opts, If(Attr(t.schema.pk.Name).NotExists()))...)
}

// Replace writes item only if an item with its key exists already;
// otherwise it fails with ErrConditionFailed. Options are as for Put.
func (t *Table[T]) Replace(ctx context.Context, item T, opts ...WriteOption) error {
	return t.Put(ctx, item, append(opts, If(Attr(t.schema.pk.Name).Exists()))...)
}
