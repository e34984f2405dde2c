package ddb

// Single-table design: several Go types ("entities") in one table, each
// with key templates, told apart by a type attribute.

import (
	"context"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DefaultTypeAttr is the attribute that records each item's entity name.
const DefaultTypeAttr = "_type"

// SingleTable is a table holding items of several Go types, as in
// single-table design. Each type is declared with DefineEntity, which
// gives it a name (stored in every item's type attribute) and templates
// that build the table's key attributes from the type's fields:
//
//	app, _ := ddb.NewSingleTable(client, "app") // keys PK and SK, strings
//	customers, _ := ddb.DefineEntity[Customer](app, "Customer",
//		ddb.Keys("CUSTOMER#{ID}", "PROFILE"))
//	orders, _ := ddb.DefineEntity[Order](app, "Order",
//		ddb.Keys("CUSTOMER#{CustomerID}", "ORDER#{Date}#{ID}"))
//
// Entity values are read and written through their *Entity; a whole item
// collection (the items sharing a partition key, whatever their types) is
// read with Query, which yields Items to tell apart with As or a type
// switch on Item.Value.
//
// A SingleTable is safe for concurrent use; declare entities before use.
type SingleTable struct {
	t        *Table[Item]
	typeAttr string

	mu     sync.RWMutex
	byName map[string]*entityDef
	byType map[reflect.Type]*entityDef
}

// entityDef is what a SingleTable knows of one entity.
type entityDef struct {
	name   string
	typ    reflect.Type
	decode func(map[string]types.AttributeValue) (any, error)
}

// NewSingleTable returns the table called name holding several entity
// types. Its key defaults to a string partition key "PK" and a string sort
// key "SK"; WithKey chooses others, and WithGlobalIndex / WithLocalIndex
// declare its secondary indexes (which the entities fill with IndexKeys
// templates, or with their own fields: IndexFields). Every key attribute
// that entities fill from templates must be a string.
func NewSingleTable(client Client, name string, opts ...TableOption) (*SingleTable, error) {
	var o tableOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if len(o.key) == 0 {
		opts = append([]TableOption{WithKey(StringKey("PK"), StringKey("SK"))}, opts...)
	}
	// Items are described like map items: by the key options.
	mt, err := NewTable[map[string]any](client, name, opts...)
	if err != nil {
		return nil, err
	}
	t := &Table[Item]{client: mt.client, name: mt.name, schema: mt.schema}
	if o.typeAttr == "" {
		o.typeAttr = DefaultTypeAttr
	}
	for _, a := range t.schema.positionAttrs("") {
		if a.Name == o.typeAttr {
			return nil, &Error{Op: "NewSingleTable", Table: name, Field: a.Name, Kind: ErrInvalidSchema, Msg: "the type attribute is a key attribute"}
		}
	}
	for _, ix := range t.schema.indexes {
		if slices.ContainsFunc(ix.attrs(), func(a KeyAttr) bool { return a.Name == o.typeAttr }) {
			return nil, &Error{Op: "NewSingleTable", Table: name, Field: o.typeAttr, Kind: ErrInvalidSchema, Msg: "the type attribute is a key of index " + ix.Name}
		}
	}
	st := &SingleTable{t: t, typeAttr: o.typeAttr, byName: map[string]*entityDef{}, byType: map[reflect.Type]*entityDef{}}
	st.bindItems()
	return st, nil
}

// WithTypeAttr names the attribute in which a SingleTable records each
// item's entity name (DefaultTypeAttr, "_type", when not given). Table[T]
// ignores it.
func WithTypeAttr(name string) TableOption {
	return func(o *tableOptions) { o.typeAttr = name }
}

// Name returns the table's name.
func (st *SingleTable) Name() string { return st.t.name }

// TypeAttr returns the name of the attribute holding each item's entity
// name.
func (st *SingleTable) TypeAttr() string { return st.typeAttr }

// Table returns the table as a Table[Item], for CreateTable, Ensure,
// Describe and raw reads.
func (st *SingleTable) Table() *Table[Item] { return st.t }

// Query reads the item collection whose partition key is pk (the rendered
// value, such as "CUSTOMER#42"), optionally narrowed by a sort key
// condition; with Index, of that index. Items of every entity come back
// in sort key order; see Item.
func (st *SingleTable) Query(pk any, sk ...KeyCondition) *Query[Item] { return st.t.Query(pk, sk...) }

// Scan reads every item of the table, whatever its entity.
func (st *SingleTable) Scan() *Scan[Item] { return st.t.Scan() }

// Item is one item of a SingleTable, decoded into the Go type of its
// entity. Get the value with As or a type switch on Value.
type Item struct {
	typ   string
	value any
	raw   map[string]types.AttributeValue
}

// Unknown is the Value of an item whose type attribute names no entity
// declared on the SingleTable (or that has no type attribute: Type "").
// Such items are never skipped: a type switch sees them as Unknown.
type Unknown struct {
	Type string
	Item map[string]types.AttributeValue
}

// ErrUnknownEntity is the Kind of the error Item.Decode returns for an
// item of an undeclared entity.
var ErrUnknownEntity = errors.New("ddb: unknown entity type")

// Type returns the item's entity name, as stored in its type attribute.
func (it Item) Type() string { return it.typ }

// Value returns the item as a value (not a pointer) of its entity's Go
// type, or an Unknown for an item of no declared entity.
//
//	switch v := it.Value().(type) {
//	case Customer: ...
//	case Order: ...
//	case ddb.Unknown: log.Printf("unexpected %q item", v.Type)
//	}
func (it Item) Value() any {
	if it.value == nil {
		return Unknown{Type: it.typ, Item: it.raw}
	}
	return it.value
}

// Raw returns the item's attributes as DynamoDB returned them.
func (it Item) Raw() map[string]types.AttributeValue { return it.raw }

// As returns the item's value and true when the item is of T's entity.
func As[T any](it Item) (T, bool) {
	v, ok := it.value.(T)
	return v, ok
}

// MarshalDynamoDBAttributeValue writes the item's raw attributes.
func (it Item) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberM{Value: it.raw}, nil
}

// UnmarshalDynamoDBAttributeValue keeps av's attributes as the raw item.
// (A SingleTable decodes the items it reads itself, into their entity's
// type; an Item decoded by other means has no Value.)
func (it *Item) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	m, ok := av.(*types.AttributeValueMemberM)
	if !ok {
		return fmt.Errorf("ddb.Item: cannot decode %s, want a map", avKindName(av))
	}
	*it = Item{raw: m.Value}
	return nil
}

// typeOf returns the entity name in raw's type attribute, or "".
func (st *SingleTable) typeOf(raw map[string]types.AttributeValue) string {
	if s, ok := raw[st.typeAttr].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// bindItems makes st's table decode the items it reads with decodeItem.
func (st *SingleTable) bindItems() { st.t.decodeFn = st.decodeItem }

// decodeItem resolves the entity of a raw item and decodes it.
func (st *SingleTable) decodeItem(raw map[string]types.AttributeValue) (Item, error) {
	it := Item{raw: raw, typ: st.typeOf(raw)}
	st.mu.RLock()
	def := st.byName[it.typ]
	st.mu.RUnlock()
	if def == nil {
		return it, nil
	}
	v, err := def.decode(raw)
	if err != nil {
		return it, &Error{Op: "Decode", Table: st.t.name, Kind: ErrInvalidValue, Msg: "entity " + def.name, Err: err}
	}
	it.value = v
	return it, nil
}

// Entity is one Go type T stored in a SingleTable. Its methods read and
// write T values, building key attributes from the templates given to
// DefineEntity and setting the type attribute.
type Entity[T any] struct {
	st      *SingleTable
	name    string
	keys    [2]*keyTemplate // table pk, sk (sk nil when the table has none)
	indexes map[string][2]*keyTemplate
	// fielded lists the indexes whose key attributes are fields of T
	// (IndexFields); their fields are in reads.schema.byAttr.
	fielded map[string]*indexSchema
	reads   *Table[T] // decodes T from the table's items
}

// EntityOption configures DefineEntity.
type EntityOption func(*entityOptions)

type entityOptions struct {
	pk, sk  string
	hasKeys bool
	indexes map[string][2]string
	order   []string // indexes given IndexKeys, in order
	fields  []string // indexes given IndexFields, in order
	err     error
}

// setErr records the first invalid option.
func (o *entityOptions) setErr(format string, args ...any) {
	if o.err == nil {
		o.err = fmt.Errorf(format, args...)
	}
}

// Keys gives the templates of the table's partition key and, when the
// table has one, sort key. A template is text with {Field} references to
// fields of the entity's Go type, by Go name: "ORDER#{Date}#{ID}".
// Strings are inserted as they are, integers in decimal, time.Time in
// KeyTimeLayout (UTC, fixed width, nanoseconds: text order is time order)
// unless a layout follows a colon ({Date:2006-01-02}, in UTC), and
// integers padded with zeros to the width after a colon ({Seq:6}).
// Types implementing encoding.TextMarshaler or fmt.Stringer use it.
func Keys(pk string, sk ...string) EntityOption {
	return func(o *entityOptions) {
		if len(sk) > 1 && o.err == nil {
			o.err = fmt.Errorf("Keys takes at most one sort key template, got %d", len(sk))
		}
		o.pk, o.hasKeys = pk, true
		if len(sk) > 0 {
			o.sk = sk[0]
		}
	}
}

// IndexKeys gives the key templates of the secondary index named index
// (an index with a single-attribute key; see IndexFields for others):
// its partition key and sort key for a global index (sk empty or omitted
// when the index has none), only the sort key (pk "") for a local index.
// An item whose index key template refers to an empty or zero field gets
// no index key attribute, so it stays out of that (sparse) index.
func IndexKeys(index, pk string, sk ...string) EntityOption {
	return func(o *entityOptions) {
		if o.indexes == nil {
			o.indexes = map[string][2]string{}
		}
		if _, dup := o.indexes[index]; dup {
			o.setErr("IndexKeys for index %q given twice", index)
		}
		var s string
		if len(sk) > 0 {
			s = sk[0]
		}
		if len(sk) > 1 {
			o.setErr("IndexKeys %q takes at most one sort key template", index)
		}
		o.indexes[index] = [2]string{pk, s}
		o.order = append(o.order, index)
	}
}

// IndexFields says that the key attributes of the secondary index named
// index are fields of the entity's Go type, stored as the fields are
// rather than built from templates: the natural fit for a global index
// with multi-attribute keys (WithGlobalIndex with KeyAttrs, or several
// sort key attributes). T must have a field stored under each key
// attribute's name (for a local index, its sort key) whose value encodes
// as the attribute's type; time fields are stored as keys (KeyTimeLayout,
// see Table). An item lacking one of them (an omitempty field left zero)
// stays out of the (sparse) index. QueryIndex takes the partition key
// values from a T's fields and the sort key conditions as Query does.
func IndexFields(index string) EntityOption {
	return func(o *entityOptions) {
		if slices.Contains(o.fields, index) {
			o.setErr("IndexFields for index %q given twice", index)
		}
		o.fields = append(o.fields, index)
	}
}

// DefineEntity declares T, a struct type, as the entity called name in st.
// Items written through the returned Entity carry name in st's type
// attribute. Templates are checked here: a reference to a field T lacks,
// a missing template for a key of the table or a template for an index it
// lacks, a name or type already declared, or a field of T whose attribute
// name is a key or the type attribute all fail with ErrInvalidSchema.
func DefineEntity[T any](st *SingleTable, name string, opts ...EntityOption) (*Entity[T], error) {
	typ := reflect.TypeFor[T]()
	bad := func(format string, args ...any) error {
		return &Error{Op: "DefineEntity", Table: st.t.name, Kind: ErrInvalidSchema,
			Msg: fmt.Sprintf("entity %q (%v): ", name, typ) + fmt.Sprintf(format, args...)}
	}
	if typ.Kind() != reflect.Struct {
		return nil, bad("the Go type must be a struct")
	}
	if name == "" {
		return nil, bad("empty entity name")
	}
	var o entityOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.err != nil {
		return nil, bad("%v", o.err)
	}
	if !o.hasKeys {
		return nil, bad("no key templates: use Keys")
	}
	s := st.t.schema
	e := &Entity[T]{st: st, name: name, indexes: map[string][2]*keyTemplate{}, fielded: map[string]*indexSchema{}}
	parse := func(what string, a KeyAttr, src string) (*keyTemplate, error) {
		switch {
		case a.Name == "" && src != "":
			return nil, bad("%s: template %q for a key that does not exist", what, src)
		case a.Name == "":
			return nil, nil
		case src == "":
			return nil, bad("%s %q needs a template", what, a.Name)
		case a.Type != types.ScalarAttributeTypeS:
			return nil, bad("%s %q is of type %s; templates make strings (S)", what, a.Name, a.Type)
		}
		kt, err := parseTemplate(typ, a.Name, src)
		if err != nil {
			return nil, bad("%s: %v", what, err)
		}
		return kt, nil
	}
	var err error
	if e.keys[0], err = parse("partition key", s.pk, o.pk); err != nil {
		return nil, err
	}
	if e.keys[1], err = parse("sort key", s.sk, o.sk); err != nil {
		return nil, err
	}
	reserved := map[string]string{st.typeAttr: "the type attribute", s.pk.Name: "a key", s.sk.Name: "a key"}
	for _, ixName := range o.order {
		ix := s.indexes[ixName]
		if ix == nil {
			return nil, bad("IndexKeys for unknown index %q", ixName)
		}
		if ix.multi() {
			return nil, bad("index %q has a multi-attribute key, which templates cannot build: use IndexFields", ixName)
		}
		src := o.indexes[ixName]
		var kts [2]*keyTemplate
		if ix.Local {
			if src[0] != "" {
				return nil, bad("local index %q shares the table's partition key: give only its sort key template", ixName)
			}
		} else if kts[0], err = parse("index "+ixName+" partition key", first(ix.PK), src[0]); err != nil {
			return nil, err
		}
		if kts[1], err = parse("index "+ixName+" sort key", first(ix.SK), src[1]); err != nil {
			return nil, err
		}
		e.indexes[ixName] = kts
		for _, a := range ix.attrs() {
			reserved[a.Name] = "a key"
		}
	}
	byAttr := map[string]*fieldInfo{}
	for _, ixName := range o.fields {
		ix := s.indexes[ixName]
		switch {
		case ix == nil:
			return nil, bad("IndexFields for unknown index %q", ixName)
		case slices.Contains(o.order, ixName):
			return nil, bad("index %q given both IndexKeys and IndexFields", ixName)
		}
		attrs := ix.attrs()
		if ix.Local {
			attrs = ix.SK
		}
		for _, a := range attrs {
			fi, err := entityKeyField(typ, a)
			if err != nil {
				return nil, bad("IndexFields %q: %v", ixName, err)
			}
			byAttr[a.Name] = fi
		}
		e.fielded[ixName] = ix
	}
	for _, f := range structFields(typ) {
		if what, ok := reserved[f.Name]; ok && f.Name != "" {
			return nil, bad("field %s is stored as attribute %q, which is %s", strings.Join(fieldPath(typ, f.Index), "."), f.Name, what)
		}
	}
	def := &entityDef{name: name, typ: typ, decode: func(raw map[string]types.AttributeValue) (any, error) {
		var v T
		err := UnmarshalItem(raw, &v)
		return v, err
	}}
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, dup := st.byName[name]; dup {
		return nil, bad("an entity with this name is already declared")
	}
	if prev := st.byType[typ]; prev != nil {
		return nil, bad("the Go type is already declared as entity %q", prev.name)
	}
	st.byName[name], st.byType[typ] = def, def
	reads := *st.t.schema
	reads.itemType = typ
	reads.byAttr = byAttr
	reads.attrs = knownAttrs(typ, reads.allowExtra, append(reads.keyNames(), st.typeAttr)...)
	e.reads = &Table[T]{client: st.t.client, name: st.t.name, schema: &reads}
	return e, nil
}

// entityKeyField returns the field of struct type typ stored as key
// attribute a, with the key encoding of times, checking its type.
func entityKeyField(typ reflect.Type, a KeyAttr) (*fieldInfo, error) {
	for _, f := range structFields(typ) {
		if f.Name != a.Name {
			continue
		}
		kf, _ := asKeyField(f)
		if got := probeKeyType(&kf); got != a.Type {
			if got == "" {
				got = "no string, number or binary"
			}
			return nil, fmt.Errorf("field %s (attribute %q) encodes as %s, the index key attribute is %s",
				strings.Join(fieldPath(typ, f.Index), "."), a.Name, got, a.Type)
		}
		return &fieldInfo{structField: kf}, nil
	}
	return nil, fmt.Errorf("%v has no field stored as key attribute %q", typ, a.Name)
}

func fieldPath(t reflect.Type, index []int) []string {
	var out []string
	for _, i := range index {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		f := t.Field(i)
		out = append(out, f.Name)
		t = f.Type
	}
	return out
}

// Name returns the entity's name, the value of its items' type attribute.
func (e *Entity[T]) Name() string { return e.name }

// Item returns the item v is stored as: its attributes, key attributes
// built from the templates, and the type attribute. Key values that
// cannot be built (an empty string field in a table key template) fail
// with ErrInvalidKey.
func (e *Entity[T]) Item(v T) (map[string]types.AttributeValue, error) {
	const op = "Put"
	item, err := MarshalItem(v)
	if err != nil {
		return nil, wrapOpErr(op, e.st.t.name, ErrInvalidValue, err)
	}
	rv := reflect.ValueOf(v)
	for _, kt := range e.keys {
		if kt == nil {
			continue
		}
		s, err := kt.render(rv)
		if err != nil {
			return nil, &Error{Op: op, Table: e.st.t.name, Field: kt.attr, Kind: ErrInvalidKey, Msg: err.Error()}
		}
		item[kt.attr] = &types.AttributeValueMemberS{Value: s}
	}
	for _, kts := range e.indexes {
		vals := map[string]string{}
		complete := true
		for _, kt := range kts {
			if kt == nil {
				continue
			}
			s, err := kt.render(rv)
			if err != nil {
				complete = false // sparse: the item stays out of the index
				break
			}
			vals[kt.attr] = s
		}
		if complete {
			for a, s := range vals {
				item[a] = &types.AttributeValueMemberS{Value: s}
			}
		}
	}
	// Fields that are index keys (IndexFields) are stored as keys.
	for name, fi := range e.reads.schema.byAttr {
		if _, present := item[name]; !present || fi.opts&optKeyTime == 0 {
			continue
		}
		av, err := encodeFieldValue(&fi.structField, fieldValue(rv, fi.Index))
		if err != nil {
			return nil, &Error{Op: op, Table: e.st.t.name, Field: name, Kind: ErrInvalidValue, Err: err}
		}
		item[name] = av
	}
	item[e.st.typeAttr] = &types.AttributeValueMemberS{Value: e.name}
	return item, nil
}

// key renders the table key of v.
func (e *Entity[T]) key(op string, v T) (Key, error) {
	rv := reflect.ValueOf(v)
	var k Key
	for _, kt := range e.keys {
		if kt == nil {
			continue
		}
		s, err := kt.render(rv)
		if err != nil {
			return nil, &Error{Op: op, Table: e.st.t.name, Field: kt.attr, Kind: ErrInvalidKey, Msg: err.Error()}
		}
		k = append(k, s)
	}
	return k, nil
}

// Put writes v, replacing the item with the same key. Options are those of
// Table.Put, except ReturnOld and ReturnNew.
func (e *Entity[T]) Put(ctx context.Context, v T, opts ...WriteOption) error {
	item, err := e.Item(v)
	if err != nil {
		return err
	}
	return e.st.t.Put(ctx, Item{raw: item}, opts...)
}

// Get returns the T stored under key's key: key is a T whose fields used by
// the key templates are set. It fails with ErrNotFound when there is no
// item there or the item there is of another entity.
func (e *Entity[T]) Get(ctx context.Context, key T, opts ...ReadOption) (T, error) {
	var zero T
	k, err := e.key("Get", key)
	if err != nil {
		return zero, err
	}
	it, err := e.st.t.Get(ctx, k, opts...)
	if err != nil {
		return zero, err
	}
	if typ := e.st.typeOf(it.raw); typ != e.name {
		return zero, &Error{Op: "Get", Table: e.st.t.name, Kind: ErrNotFound, Msg: fmt.Sprintf("the item at this key is a %q, not a %q", typ, e.name)}
	}
	if v, ok := it.value.(T); ok {
		return v, nil
	}
	return e.reads.decode("Get", it.raw)
}

// Delete deletes the item under key's key (a T whose key fields are set).
// Options are those of Table.Delete, except ReturnOld.
func (e *Entity[T]) Delete(ctx context.Context, key T, opts ...WriteOption) error {
	k, err := e.key("Delete", key)
	if err != nil {
		return err
	}
	return e.st.t.Delete(ctx, k, append(opts, If(Or(Attr(e.st.typeAttr).Eq(e.name), Attr(e.st.typeAttr).NotExists())))...)
}

// Query reads the items of this entity in the partition of key (a T whose
// partition key fields are set), in sort key order. Without sk, it reads
// the items whose sort key starts with the literal text of the sort key
// template before its first field; sk replaces that with any condition on
// the rendered sort key. Items of other entities are filtered out.
func (e *Entity[T]) Query(key T, sk ...KeyCondition) *Query[T] {
	return e.query(e.keys, key, sk)
}

// QueryIndex is Query on the secondary index named index, with the
// index's key templates (IndexKeys), or with the partition key values of
// key's fields for an index given IndexFields: then sk are the conditions
// on the index's sort key attributes, as for Query.
func (e *Entity[T]) QueryIndex(index string, key T, sk ...KeyCondition) *Query[T] {
	if ix := e.fielded[index]; ix != nil {
		return e.queryFields(ix, key, sk)
	}
	kts, ok := e.indexes[index]
	if !ok {
		q := e.reads.Query(nil)
		q.spec.err = opErr("Query", e.st.t.name, ErrInvalidInput, "entity %q has no key templates for index %q (IndexKeys or IndexFields)", e.name, index)
		return q
	}
	if kts[0] == nil { // local index: the table's partition key
		kts[0] = e.keys[0]
	}
	return e.query(kts, key, sk).Index(index)
}

func (e *Entity[T]) query(kts [2]*keyTemplate, key T, sk []KeyCondition) *Query[T] {
	pk, err := kts[0].render(reflect.ValueOf(key))
	if err != nil {
		q := e.reads.Query(nil)
		q.spec.err = &Error{Op: "Query", Table: e.st.t.name, Field: kts[0].attr, Kind: ErrInvalidKey, Msg: err.Error()}
		return q
	}
	if len(sk) == 0 && kts[1] != nil && kts[1].prefix() != "" {
		sk = []KeyCondition{BeginsWith(kts[1].prefix())}
	}
	return e.reads.Query(pk, sk...).Filter(Attr(e.st.typeAttr).Eq(e.name))
}

// queryFields queries index ix, given IndexFields, in the partition of
// key's fields (for a local index, of the table's partition key template).
func (e *Entity[T]) queryFields(ix *indexSchema, key T, sk []KeyCondition) *Query[T] {
	if ix.Local {
		return e.query([2]*keyTemplate{e.keys[0]}, key, sk).Index(ix.Name)
	}
	rv := reflect.ValueOf(key)
	pk := make(Partition, len(ix.PK))
	for i, a := range ix.PK {
		if f := fieldValue(rv, e.reads.schema.byAttr[a.Name].Index); f.IsValid() {
			pk[i] = f.Interface()
		} // else behind a nil pointer: reported as a nil value
	}
	return e.reads.Query(pk, sk...).Index(ix.Name).Filter(Attr(e.st.typeAttr).Eq(e.name))
}

// Collection reads the whole item collection key belongs to: every item,
// of any entity, sharing key's partition key. See SingleTable.Query.
func (e *Entity[T]) Collection(key T, sk ...KeyCondition) *Query[Item] {
	pk, err := e.keys[0].render(reflect.ValueOf(key))
	if err != nil {
		q := e.st.t.Query(nil)
		q.spec.err = &Error{Op: "Query", Table: e.st.t.name, Field: e.keys[0].attr, Kind: ErrInvalidKey, Msg: err.Error()}
		return q
	}
	return e.st.Query(pk, sk...)
}

// keyTemplate is a parsed key template such as "ORDER#{Date}#{ID}".
type keyTemplate struct {
	attr  string // the key attribute it fills
	src   string
	parts []tmplPart
}

type tmplPart struct {
	lit    string // literal text (when index is nil)
	field  string
	index  []int
	format string // text after ':' in {Field:format}
}

var (
	timeT          = reflect.TypeFor[time.Time]()
	textMarshalerT = reflect.TypeFor[encoding.TextMarshaler]()
	stringerT      = reflect.TypeFor[fmt.Stringer]()
)

// parseTemplate parses src for struct type typ.
func parseTemplate(typ reflect.Type, attr, src string) (*keyTemplate, error) {
	kt := &keyTemplate{attr: attr, src: src}
	rest := src
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return nil, fmt.Errorf("template %q: unmatched '}'", src)
			}
			kt.parts = append(kt.parts, tmplPart{lit: rest})
			break
		}
		if strings.IndexByte(rest[:open], '}') >= 0 {
			return nil, fmt.Errorf("template %q: unmatched '}'", src)
		}
		if open > 0 {
			kt.parts = append(kt.parts, tmplPart{lit: rest[:open]})
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("template %q: unclosed '{'", src)
		}
		ref := rest[open+1 : open+end]
		rest = rest[open+end+1:]
		name, format, _ := strings.Cut(ref, ":")
		f, ok := typ.FieldByName(name)
		if !ok || !f.IsExported() || name == "" {
			return nil, fmt.Errorf("template %q: %v has no exported field %q", src, typ, name)
		}
		if err := checkTemplateField(f.Type, format); err != nil {
			return nil, fmt.Errorf("template %q: field %s: %v", src, name, err)
		}
		kt.parts = append(kt.parts, tmplPart{field: name, index: f.Index, format: format})
	}
	return kt, nil
}

// checkTemplateField reports whether a field of type t can appear in a
// template with the given format.
func checkTemplateField(t reflect.Type, format string) error {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeT:
		return nil
	case t.Implements(textMarshalerT) || reflect.PointerTo(t).Implements(textMarshalerT),
		t.Implements(stringerT) || reflect.PointerTo(t).Implements(stringerT):
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		if format != "" {
			if w, err := strconv.Atoi(format); err != nil || w <= 0 || w > 40 {
				return fmt.Errorf("integer format %q is not a width from 1 to 40", format)
			}
		}
		return nil
	case t.Kind() == reflect.String, t.Kind() == reflect.Bool:
	default:
		return fmt.Errorf("type %v cannot be part of a key (string, integer, bool, time.Time, TextMarshaler or Stringer)", t)
	}
	if format != "" {
		return fmt.Errorf("format %q applies only to time.Time and integer fields", format)
	}
	return nil
}

// prefix returns the literal text before the first field reference.
func (kt *keyTemplate) prefix() string {
	if len(kt.parts) > 0 && kt.parts[0].index == nil {
		return kt.parts[0].lit
	}
	return ""
}

// render builds the key value from struct value v. A field that is nil or
// an empty string is an error.
func (kt *keyTemplate) render(v reflect.Value) (string, error) {
	var b strings.Builder
	for _, p := range kt.parts {
		if p.index == nil {
			b.WriteString(p.lit)
			continue
		}
		f, err := v.FieldByIndexErr(p.index)
		if err != nil {
			return "", fmt.Errorf("template %q: field %s is behind a nil pointer", kt.src, p.field)
		}
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return "", fmt.Errorf("template %q: field %s is nil", kt.src, p.field)
			}
			f = f.Elem()
		}
		s, err := formatKeyField(f, p.format)
		if err != nil {
			return "", fmt.Errorf("template %q: field %s: %v", kt.src, p.field, err)
		}
		if s == "" {
			return "", fmt.Errorf("template %q: field %s is empty", kt.src, p.field)
		}
		b.WriteString(s)
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("template %q renders an empty key", kt.src)
	}
	return b.String(), nil
}

func formatKeyField(f reflect.Value, format string) (string, error) {
	if f.Type() == timeT {
		t := f.Interface().(time.Time)
		if t.IsZero() {
			return "", nil
		}
		if format == "" {
			return keyTimeString(t) // sorts in time order, as time keys do
		}
		return t.UTC().Format(format), nil
	}
	if f.CanInterface() {
		var x any = f.Interface()
		if f.CanAddr() {
			x = f.Addr().Interface()
		}
		switch m := x.(type) {
		case encoding.TextMarshaler:
			b, err := m.MarshalText()
			return string(b), err
		case fmt.Stringer:
			return m.String(), nil
		}
		switch m := f.Interface().(type) {
		case encoding.TextMarshaler:
			b, err := m.MarshalText()
			return string(b), err
		case fmt.Stringer:
			return m.String(), nil
		}
	}
	switch f.Kind() {
	case reflect.String:
		return f.String(), nil
	case reflect.Bool:
		return strconv.FormatBool(f.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return padInt(strconv.FormatInt(f.Int(), 10), format), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return padInt(strconv.FormatUint(f.Uint(), 10), format), nil
	}
	return "", fmt.Errorf("cannot format %v", f.Type())
}

// padInt pads the decimal s with zeros to the width in format (if any).
func padInt(s, format string) string {
	w, _ := strconv.Atoi(format)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) < w {
		s = strings.Repeat("0", w-len(s)) + s
	}
	if neg {
		s = "-" + s
	}
	return s
}
