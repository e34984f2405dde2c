package ddb

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Table is a DynamoDB table whose items are values of type T. T is a struct
// whose key fields carry `ddb` tags (see the package documentation), or a
// map[string]... type described with WithKey.
//
// A Table holds no state besides its client, name and schema; it is safe
// for concurrent use and cheap to create.
type Table[T any] struct {
	client Client
	name   string
	schema *schema
	// decodeFn, when set, decodes items instead of the codec (the
	// SingleTable's Table[Item] resolves each item's entity with it).
	decodeFn func(map[string]types.AttributeValue) (T, error)
}

// NewTable returns the table called name, read and written through client,
// whose items are of type T. It derives the key schema from T's `ddb` tags
// (or from WithKey and the index options) and checks it up front: an error
// matching ErrInvalidSchema names the offending field. No request is sent.
func NewTable[T any](client Client, name string, opts ...TableOption) (*Table[T], error) {
	if client == nil || reflect.ValueOf(client).Kind() == reflect.Pointer && reflect.ValueOf(client).IsNil() {
		return nil, opErr("NewTable", name, ErrInvalidInput, "nil client")
	}
	if err := checkResourceName("table", name); err != nil {
		return nil, &Error{Op: "NewTable", Table: name, Kind: ErrInvalidSchema, Msg: err.Error()}
	}
	var o tableOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	s, err := buildSchema(reflect.TypeFor[T](), &o)
	if err == nil {
		err = checkAutoFields(s)
	}
	if err != nil {
		err.(*Error).Table = name
		return nil, err
	}
	// Always observed, so that WithCapacity and WithBudget contexts work;
	// without hooks or those, requests pass through unchanged.
	client = Observe(client, o.observe...)
	return &Table[T]{client: client, name: name, schema: s}, nil
}

// Name returns the table's name.
func (t *Table[T]) Name() string { return t.name }

// Key is a primary key given as values: the partition key, then the sort key
// if the table has one, as in ddb.Key{"u1", "2024-05-01"}. Every call that
// takes a key (Get, Delete, Update, Writer.Delete, BatchGet, BatchWrite and
// the Tx calls) takes a Key; a Key that does not fit the table fails with
// ErrInvalidKey before any request, saying what the table's key is.
type Key []any

// ReadOption configures a single-item read (Get).
type ReadOption func(*readOptions)

type readOptions struct {
	consistent bool
	proj       []Path
}

// Consistent asks for a strongly consistent read.
func Consistent() ReadOption { return func(o *readOptions) { o.consistent = true } }

// Project reads only the given attributes; the others keep their zero value
// in the decoded item. Key attributes are always read.
func Project(paths ...Path) ReadOption {
	return func(o *readOptions) { o.proj = append(o.proj, paths...) }
}

// WriteOption configures a write (Put, Delete, Update, UpdateFields and
// the transaction actions).
type WriteOption func(*writeOptions)

type writeOptions struct {
	cond Condition
	old  any        // **T, from ReturnOld
	x    writeExtra // options defined in write.go
}

// If makes the write conditional: it happens only if cond holds for the
// item currently stored under the same key. When cond is false the write
// fails with an error matching ErrConditionFailed that also unwraps (with
// errors.As) to *types.ConditionalCheckFailedException. Several If options
// are combined with And.
func If(cond Condition) WriteOption {
	return func(o *writeOptions) {
		switch {
		case cond.IsZero():
		case o.cond.IsZero():
			o.cond = cond
		default:
			o.cond = And(o.cond, cond)
		}
	}
}

// ReturnOld stores the item the write replaced or deleted in *old, or nil
// when there was none. old must point to a *T of the table's item type.
//
//	var old *User
//	err := users.Put(ctx, u, ddb.ReturnOld(&old))
func ReturnOld[T any](old **T) WriteOption {
	return func(o *writeOptions) { o.old = old }
}

// writeOpts applies opts and resolves the ReturnOld destination.
func (t *Table[T]) writeOpts(op string, opts []WriteOption) (writeOptions, **T, error) {
	var o writeOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.old == nil {
		return o, nil, nil
	}
	dst, ok := o.old.(**T)
	if !ok || dst == nil {
		return o, nil, opErr(op, t.name, ErrInvalidInput, "ReturnOld needs a non-nil **%v, got %T", t.schema.itemType, o.old)
	}
	return o, dst, nil
}

// Put writes item, replacing any item with the same key.
//
// On a table with a `ddb:"version"` field, Put checks that the stored
// item has item's version (or, for version 0, that there is no stored
// item) and stores version+1; otherwise it fails with ErrVersionConflict.
// item is passed by value and is not modified: after a successful Put the
// stored version is item's plus one. Created fields that are zero and
// updated fields are set to the current time; a time.Time ttl field is
// stored as epoch seconds. ReturnNew gives back the item as stored, with
// those values, without another request.
//
// A conditional Put that the SDK sent more than once (its first response
// was lost) and that then failed its condition succeeds if the stored item
// is exactly the item it wrote: the failure was its own earlier success.
// ExactlyOnce makes that exact in every case (see the README's
// Reliability section).
func (t *Table[T]) Put(ctx context.Context, item T, opts ...WriteOption) error {
	const op = "Put"
	ws, err := t.setup(op, opts, allowOld|allowNew|allowOnce)
	if err != nil {
		return err
	}
	av, p, err := t.preparePut(op, item, now())
	if err != nil {
		return err
	}
	p.withCond(ws.o.cond)
	w, err := t.writeRequest(op, ws, p)
	if err != nil {
		return err
	}
	if ws.o.x.once {
		if err := t.runOnce(ctx, op, t.txPutItem(av, w), p.vc, ws.cur); err != nil {
			return err
		}
		return t.storeOld(op, ws.new, av)
	}
	own := newOwnWrite(t.keyOf(av), w.cond, ws.old == nil, putIsOurs(av))
	out, err := t.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &t.name, Item: av,
		ConditionExpression: w.cond, ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values,
		ReturnValues: w.ret, ReturnValuesOnConditionCheckFailure: w.onFail,
	}, own.optFns()...)
	if err != nil {
		if _, ok := t.applied(ctx, own, err); !ok {
			return t.writeErr(op, err, p.vc, ws.cur)
		}
		out = &dynamodb.PutItemOutput{}
	}
	if ws.new != nil {
		return t.storeOld(op, ws.new, av)
	}
	return t.storeOld(op, ws.old, out.Attributes)
}

// Get returns the item with the given key (ddb.Key{pk} or ddb.Key{pk, sk}),
// read with options such as Consistent and Project. It fails with an error
// matching ErrNotFound when there is no such item, and with ErrInvalidKey,
// before any request, when the key values do not fit the table's key.
//
//	u, err := users.Get(ctx, ddb.Key{"u1"}, ddb.Consistent())
func (t *Table[T]) Get(ctx context.Context, key Key, opts ...ReadOption) (T, error) {
	const op = "Get"
	var zero T
	var o readOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	k, err := t.keyFromValues(op, key)
	if err != nil {
		return zero, err
	}
	in := &dynamodb.GetItemInput{TableName: &t.name, Key: k}
	if o.consistent {
		in.ConsistentRead = aws.Bool(true)
	}
	if len(o.proj) > 0 {
		b := t.exprs(op)
		pe, err := b.projection(t.withKeyPaths(o.proj, ""))
		if err != nil {
			return zero, err
		}
		in.ProjectionExpression, in.ExpressionAttributeNames = &pe, b.names()
	}
	out, err := t.client.GetItem(ctx, in)
	if err != nil {
		return zero, mapErr(op, t.name, err)
	}
	if len(out.Item) == 0 {
		return zero, &Error{Op: op, Table: t.name, Kind: ErrNotFound}
	}
	return t.decode(op, out.Item)
}

// Delete deletes the item with the given key, with options such as If,
// IfVersion, ReturnOld and CurrentOnFail. Deleting an item that does not
// exist is not an error. Key values are checked as for Get. A conditional
// Delete that the SDK sent more than once and that then failed its
// condition succeeds if the item is gone.
func (t *Table[T]) Delete(ctx context.Context, key Key, opts ...WriteOption) error {
	const op = "Delete"
	ws, err := t.setup(op, opts, allowOld|allowIfVersion|allowOnce)
	if err != nil {
		return err
	}
	k, err := t.keyFromValues(op, key)
	if err != nil {
		return err
	}
	p := ws.parts()
	w, err := t.writeRequest(op, ws, p)
	if err != nil {
		return err
	}
	if ws.o.x.once {
		return t.runOnce(ctx, op, t.txDeleteItem(k, w), p.vc, ws.cur)
	}
	own := newOwnWrite(k, w.cond, ws.old == nil, deleteIsOurs)
	out, err := t.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &t.name, Key: k,
		ConditionExpression: w.cond, ExpressionAttributeNames: w.names, ExpressionAttributeValues: w.values,
		ReturnValues: w.ret, ReturnValuesOnConditionCheckFailure: w.onFail,
	}, own.optFns()...)
	if err != nil {
		if _, ok := t.applied(ctx, own, err); !ok {
			return t.writeErr(op, err, p.vc, ws.cur)
		}
		out = &dynamodb.DeleteItemOutput{}
	}
	return t.storeOld(op, ws.old, out.Attributes)
}

// writeFields are the request fields shared by PutItem and DeleteItem.
type writeFields struct {
	cond   *string
	names  map[string]string
	values map[string]types.AttributeValue
	ret    types.ReturnValue
	onFail types.ReturnValuesOnConditionCheckFailure
}

// writeRequest builds the condition and return settings of a Put or Delete.
func (t *Table[T]) writeRequest(op string, ws *writeSetup[T], p writeParts) (writeFields, error) {
	var w writeFields
	var err error
	if w.cond, w.names, w.values, err = t.condParts(op, p.cond); err != nil {
		return w, err
	}
	if ws.old != nil {
		w.ret = types.ReturnValueAllOld
	}
	w.onFail = ws.onFailReturn(p.vc)
	return w, nil
}

// condExpr builds the condition expression for c, or nil for none.
func (t *Table[T]) condExpr(b *exprBuilder, c Condition) (*string, error) {
	if c.IsZero() {
		return nil, nil
	}
	s, err := b.condition(c)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// storeOld decodes the old item of a write into *dst (nil when none).
func (t *Table[T]) storeOld(op string, dst **T, item map[string]types.AttributeValue) error {
	if dst == nil {
		return nil
	}
	*dst = nil
	if len(item) == 0 {
		return nil
	}
	v, err := t.decode(op, item)
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

// encode marshals item and checks its key attributes (table and index keys)
// so that a bad key fails with ErrInvalidKey before any request.
func (t *Table[T]) encode(op string, item T) (map[string]types.AttributeValue, error) {
	av, err := MarshalItem(item)
	if err == nil {
		err = t.schema.fixKeyTimes(item, av)
	}
	if err != nil {
		return nil, wrapOpErr(op, t.name, ErrInvalidValue, err)
	}
	for _, a := range t.schema.keyAttrs() {
		if err := checkKeyValue(a, av[a.Name]); err != nil {
			return nil, keyErr(op, t.name, a.Name, err)
		}
	}
	for _, ix := range t.schema.indexes {
		for _, a := range ix.attrs() {
			if v, ok := av[a.Name]; ok {
				if err := checkKeyValue(a, v); err != nil {
					return nil, keyErr(op, t.name, a.Name, fmt.Errorf("index %s: %w", ix.Name, err))
				}
			}
		}
	}
	if err := checkItemSize(op, t.name, av, t.schema.keyAttrs()); err != nil {
		return nil, err
	}
	return av, nil
}

// decode unmarshals one item into a T.
func (t *Table[T]) decode(op string, item map[string]types.AttributeValue) (T, error) {
	if t.decodeFn != nil {
		return t.decodeFn(item)
	}
	var v T
	if err := UnmarshalItem(item, &v); err != nil {
		var zero T
		return zero, wrapOpErr(op, t.name, ErrInvalidValue, err)
	}
	return v, nil
}

// keyFromValues builds a primary key from key values (pk, then sk).
func (t *Table[T]) keyFromValues(op string, vals Key) (map[string]types.AttributeValue, error) {
	attrs := t.schema.keyAttrs()
	if len(vals) != len(attrs) {
		return nil, opErr(op, t.name, ErrInvalidKey, "%s", keyShapeMsg(fmt.Sprintf("table %q key", t.name), attrs, len(vals)))
	}
	k := make(map[string]types.AttributeValue, len(attrs))
	for i, a := range attrs {
		av, err := t.schema.marshalKey(a, vals[i])
		if err != nil {
			return nil, keyErr(op, t.name, a.Name, err)
		}
		k[a.Name] = av
	}
	return k, nil
}

// keyShapeMsg says what a key (what) is and how many values were given:
// table "orders" key is (Customer S, Placed S); got 1 value.
func keyShapeMsg(what string, attrs []KeyAttr, n int) string {
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		parts[i] = a.Name + " " + string(a.Type)
	}
	return fmt.Sprintf("%s is (%s); got %d value%s", what, strings.Join(parts, ", "), n, plural(n))
}

// plural returns "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// withKeyPaths returns paths plus the key attributes of the table and of
// index (if any), so that projected items can still be located.
func (t *Table[T]) withKeyPaths(paths []Path, index string) []Path {
	out := append([]Path(nil), paths...)
	for _, a := range t.schema.positionAttrs(index) {
		out = append(out, Attr(a.Name))
	}
	return out
}
