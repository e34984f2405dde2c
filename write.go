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
	name  string      // attribute name
	index []int       // field path
	kind  autoKind    // Go representation
	field structField // the field, encoded with its codec options
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
		f := &autoField{name: r.fi.Name, index: r.fi.Index, field: r.fi.structField}
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
	return encodeFieldValue(&f.field, v)
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
// stored item (as the server returned it) has another version, or there
// is no stored item (or the server did not return it) and the write had
// no other condition that could have failed.
func (vc versionCheck) conflict(current map[string]types.AttributeValue) bool {
	if vc.attr == "" {
		return false
	}
	if current == nil {
		return !vc.userCond
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
// version incremented (unless u sets any of them itself). check is the
// version check to make (from UpdateFields or IfVersion), if any.
func (t *Table[T]) prepareUpdate(op string, u *Update, check versionCheck, now time.Time) (*Update, writeParts, error) {
	p := writeParts{vc: check, cond: check.cond()}
	switch {
	case u != nil && u.err != nil:
		return nil, p, (&exprBuilder{op: op, table: t.name}).wrap(u.err)
	case u.IsEmpty():
		return nil, p, opErr(op, t.name, ErrInvalidInput, "empty update")
	}
	if err := t.checkUpdateKeys(op, u); err != nil {
		return nil, p, err
	}
	u = t.schema.keyTimeUpdate(u)
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
// table with a non-zero version in partial, the version check.
func (t *Table[T]) fieldsUpdate(op string, partial T) (map[string]types.AttributeValue, *Update, versionCheck, error) {
	var check versionCheck
	if !t.schema.isStruct {
		return nil, nil, check, opErr(op, t.name, ErrInvalidInput, "UpdateFields needs a struct item type")
	}
	av, err := t.encode(op, partial)
	if err != nil {
		return nil, nil, check, err
	}
	a, err := autoFor(t.schema)
	if err != nil {
		return nil, nil, check, wrapOpErr(op, t.name, ErrInvalidSchema, err)
	}
	skip := map[string]bool{}
	key := map[string]types.AttributeValue{}
	for _, k := range t.schema.keyAttrs() {
		skip[k.Name] = true
		key[k.Name] = av[k.Name]
	}
	for _, f := range []*autoField{a.version, a.created, a.updated} {
		if f != nil {
			skip[f.name] = true
		}
	}
	v := reflect.ValueOf(&partial).Elem()
	if f := a.version; f != nil {
		if fv := fieldValue(v, f.index); fv.IsValid() && !fv.IsZero() {
			check = versionCheck{attr: f.name, expected: av[f.name]}
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
	return key, u, check, nil
}

// updateReq is a prepared UpdateItem request.
type updateReq struct {
	key    map[string]types.AttributeValue
	update string
	cond   *string
	names  map[string]string
	values map[string]types.AttributeValue
	vc     versionCheck
	full   *Update // the update with its automatic attributes
}

// buildUpdate assembles the UpdateItem request of Update and UpdateFields
// (and their transaction forms) for the item with key k: expressions and
// version check.
func (t *Table[T]) buildUpdate(op string, k map[string]types.AttributeValue, u *Update, check versionCheck, cond Condition) (*updateReq, error) {
	full, p, err := t.prepareUpdate(op, u, check, now())
	if err != nil {
		return nil, err
	}
	p.withCond(cond)
	r := &updateReq{key: k, vc: p.vc, full: full}
	b := t.exprs(op)
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
// the condition holds (else ErrConditionFailed; CurrentOnFail gets the
// stored item). ReturnOld stores the item as it was before the update,
// ReturnNew as it is after, and OnlyUpdated limits both to the attributes
// the update changed.
//
// On a table with a version field the update increments the version
// (unless u sets it), so concurrent Puts of stale copies fail with
// ErrVersionConflict; IfVersion makes the update itself conditional on the
// stored version. Updated and created fields are set as for Put (created
// only if absent).
//
// A version-checked update that the SDK sent more than once and that then
// failed its check succeeds if the stored item shows it: the checked
// version plus one, and every value it SETs (such as the updated
// timestamp), set elements it ADDs or DELETEs and attributes it REMOVEs.
// An unconditional Increment is applied again by such a retry; ExactlyOnce
// prevents both.
func (t *Table[T]) Update(ctx context.Context, key Key, u *Update, opts ...WriteOption) error {
	const op = "Update"
	k, err := t.keyFromValues(op, key)
	if err != nil {
		return err
	}
	return t.runUpdate(ctx, op, k, u, versionCheck{}, opts)
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
	key, u, check, err := t.fieldsUpdate(op, partial)
	if err != nil {
		return err
	}
	if u.IsEmpty() {
		return opErr(op, t.name, ErrInvalidInput, "no field besides the key is set")
	}
	return t.runUpdate(ctx, op, key, u, check, opts)
}

// runUpdate sends one UpdateItem request for the item with key k. check
// is UpdateFields' version check; IfVersion replaces it.
func (t *Table[T]) runUpdate(ctx context.Context, op string, k map[string]types.AttributeValue, u *Update, check versionCheck, opts []WriteOption) error {
	ws, err := t.setup(op, opts, allowOld|allowNew|allowOnlyUpdated|allowIfVersion|allowOnce)
	if err != nil {
		return err
	}
	if ws.vc.attr != "" {
		check = ws.vc
	}
	if ws.o.x.once && ws.new != nil {
		return opErr(op, t.name, ErrInvalidInput, "ReturnNew of an update is not available with ExactlyOnce (a transaction returns no new item); read the item afterwards")
	}
	r, err := t.buildUpdate(op, k, u, check, ws.o.cond)
	if err != nil {
		return err
	}
	if ws.o.x.once {
		return t.runOnce(ctx, op, t.txUpdateItem(r, ws.onFailReturn(r.vc)), r.vc, ws.cur)
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                 &t.name,
		Key:                       r.key,
		UpdateExpression:          &r.update,
		ConditionExpression:       r.cond,
		ExpressionAttributeNames:  r.names,
		ExpressionAttributeValues: r.values,
	}
	dst := ws.old
	switch {
	case ws.old != nil && ws.o.x.updatedOnly:
		in.ReturnValues = types.ReturnValueUpdatedOld
	case ws.old != nil:
		in.ReturnValues = types.ReturnValueAllOld
	case ws.new != nil && ws.o.x.updatedOnly:
		in.ReturnValues, dst = types.ReturnValueUpdatedNew, ws.new
	case ws.new != nil:
		in.ReturnValues, dst = types.ReturnValueAllNew, ws.new
	}
	in.ReturnValuesOnConditionCheckFailure = ws.onFailReturn(r.vc)
	own := newOwnWrite(r.key, r.cond, in.ReturnValues == "" || in.ReturnValues == types.ReturnValueAllNew,
		updateIsOurs(r.full, r.vc))
	out, err := t.client.UpdateItem(ctx, in, own.optFns()...)
	if err != nil {
		cur, ok := t.applied(ctx, own, err)
		if !ok {
			return t.writeErr(op, err, r.vc, ws.cur)
		}
		out = &dynamodb.UpdateItemOutput{Attributes: cur}
	}
	return t.storeOld(op, dst, out.Attributes)
}

// writeErr maps the error of a write request, storing the current item
// of a failed condition in *cur (when not nil) and turning the failure
// into ErrVersionConflict (still matching ErrConditionFailed) when the
// stored version is not the expected one.
func (t *Table[T]) writeErr(op string, err error, vc versionCheck, cur **T) error {
	e := mapErr(op, t.name, err)
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return e
	}
	return t.condFailed(op, e, ccf.Item, vc, cur)
}

// condFailed completes e, the error of a write whose condition failed
// with item stored under its key: it stores item in *cur (when not nil)
// and wraps e in ErrVersionConflict when the stored version is not the
// expected one.
func (t *Table[T]) condFailed(op string, e error, item map[string]types.AttributeValue, vc versionCheck, cur **T) error {
	if cur != nil {
		if derr := t.storeOld(op, cur, item); derr != nil {
			return errors.Join(e, derr)
		}
	}
	if vc.attr == "" || !vc.conflict(item) {
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

// writeExtra holds the write options defined in this file and in
// idempotent.go.
type writeExtra struct {
	cur         any   // **T, from CurrentOnFail
	new         any   // **T, from ReturnNew
	updatedOnly bool  // from OnlyUpdated
	version     int64 // from IfVersion
	hasVersion  bool
	once        bool // from ExactlyOnce
}

// CurrentOnFail stores, when the write's condition fails, the item as it
// is currently stored in *cur (nil when there is none); the error still
// matches ErrConditionFailed or ErrVersionConflict. cur must point to a *T
// of the table's item type. It works with every write, including
// transaction actions, where the current item is also in the
// TxCanceledError's reasons.
//
//	var cur *User
//	err := users.Put(ctx, u, ddb.If(ddb.Attr("plan").Eq("free")), ddb.CurrentOnFail(&cur))
func CurrentOnFail[T any](cur **T) WriteOption {
	return func(o *writeOptions) { o.x.cur = cur }
}

// ReturnNew stores the item as it is stored after the write in *dst:
// after an Update or UpdateFields, as DynamoDB returns it; after a Put,
// Create or Replace, the item written, with its new version and its
// created/updated timestamps (no extra read: it is what the request
// stored). It cannot be combined with ReturnOld, and is not available for
// Delete or transactions.
//
//	var stored *User
//	err := users.Put(ctx, u, ddb.ReturnNew(&stored)) // stored.Version == u.Version+1
func ReturnNew[T any](dst **T) WriteOption {
	return func(o *writeOptions) { o.x.new = dst }
}

// OnlyUpdated makes ReturnOld and ReturnNew of an Update or UpdateFields
// return only the attributes the update changed (DynamoDB's UPDATED_OLD
// and UPDATED_NEW); the other fields of the stored *T are zero.
func OnlyUpdated() WriteOption {
	return func(o *writeOptions) { o.x.updatedOnly = true }
}

// IfVersion makes an Update or Delete (also in a transaction) of an item
// with a `ddb:"version"` field conditional on the stored version being v
// (0: no item stored); otherwise it fails with ErrVersionConflict. Put
// checks the version of the item it writes instead.
func IfVersion(v int64) WriteOption {
	return func(o *writeOptions) { o.x.version, o.x.hasVersion = v, true }
}

// Option kinds a write accepts, for setup.
const (
	allowOld         = 1 << iota // ReturnOld
	allowNew                     // ReturnNew
	allowOnlyUpdated             // OnlyUpdated
	allowIfVersion               // IfVersion
	allowOnce                    // ExactlyOnce
)

// writeSetup is the resolved options of one write.
type writeSetup[T any] struct {
	o             writeOptions
	old, cur, new **T
	vc            versionCheck // from IfVersion; attr is "" without it
}

// setup applies opts, resolves their destinations and rejects the
// options the write does not accept (allowed is a set of allow* bits).
func (t *Table[T]) setup(op string, opts []WriteOption, allowed int) (*writeSetup[T], error) {
	o, old, err := t.writeOpts(op, opts)
	if err != nil {
		return nil, err
	}
	ws := &writeSetup[T]{o: o, old: old}
	bad := func(what string) error {
		return opErr(op, t.name, ErrInvalidInput, "%s is not available for %s", what, op)
	}
	switch {
	case old != nil && allowed&allowOld == 0:
		return nil, bad("ReturnOld")
	case o.x.new != nil && allowed&allowNew == 0:
		return nil, bad("ReturnNew")
	case o.x.updatedOnly && allowed&allowOnlyUpdated == 0:
		return nil, bad("OnlyUpdated")
	case o.x.hasVersion && allowed&allowIfVersion == 0:
		return nil, bad("IfVersion")
	case o.x.once && allowed&allowOnce == 0:
		return nil, bad("ExactlyOnce")
	case o.x.once && old != nil:
		return nil, opErr(op, t.name, ErrInvalidInput, "ReturnOld is not available with ExactlyOnce (a transaction returns no old item)")
	case old != nil && o.x.new != nil:
		return nil, opErr(op, t.name, ErrInvalidInput, "ReturnOld and ReturnNew cannot be combined")
	}
	if ws.cur, err = t.dst(op, "CurrentOnFail", o.x.cur); err != nil {
		return nil, err
	}
	if ws.new, err = t.dst(op, "ReturnNew", o.x.new); err != nil {
		return nil, err
	}
	if o.x.hasVersion {
		if ws.vc, err = t.ifVersion(op, o.x.version); err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// dst checks that v (from an option named what) is a non-nil **T.
func (t *Table[T]) dst(op, what string, v any) (**T, error) {
	if v == nil {
		return nil, nil
	}
	d, ok := v.(**T)
	if !ok || d == nil {
		return nil, opErr(op, t.name, ErrInvalidInput, "%s needs a non-nil **%v, got %T", what, t.schema.itemType, v)
	}
	return d, nil
}

// ifVersion returns the version check of IfVersion(v).
func (t *Table[T]) ifVersion(op string, v int64) (versionCheck, error) {
	a, err := autoFor(t.schema)
	if err != nil {
		return versionCheck{}, wrapOpErr(op, t.name, ErrInvalidSchema, err)
	}
	f := a.version
	if f == nil {
		return versionCheck{}, opErr(op, t.name, ErrInvalidInput, "IfVersion on a table whose item type has no ddb:\"version\" field")
	}
	vc := versionCheck{attr: f.name}
	if v != 0 {
		fv := reflect.New(t.schema.version.Type).Elem()
		switch f.kind {
		case autoInt:
			fv.SetInt(v)
		case autoUint:
			fv.SetUint(uint64(v))
		case autoFloat:
			fv.SetFloat(float64(v))
		}
		if vc.expected, err = f.encode(fv); err != nil {
			return vc, &Error{Op: op, Table: t.name, Field: f.name, Kind: ErrInvalidValue, Err: err}
		}
	}
	return vc, nil
}

// parts returns the condition of a write that is not a put: IfVersion's
// check and the caller's condition.
func (ws *writeSetup[T]) parts() writeParts {
	p := writeParts{vc: ws.vc, cond: ws.vc.cond()}
	p.withCond(ws.o.cond)
	return p
}

// onFailReturn asks for the current item on a failed condition when the
// caller wants it or it tells a version conflict from another failure.
func (ws *writeSetup[T]) onFailReturn(vc versionCheck) types.ReturnValuesOnConditionCheckFailure {
	if ws.cur != nil || vc.attr != "" {
		return types.ReturnValuesOnConditionCheckFailureAllOld
	}
	return ""
}

// onFail returns the function storing a transaction action's current item
// in the CurrentOnFail destination, or nil.
func (t *Table[T]) onFail(op string, cur **T) func(map[string]types.AttributeValue) error {
	if cur == nil {
		return nil
	}
	return func(item map[string]types.AttributeValue) error { return t.storeOld(op, cur, item) }
}
