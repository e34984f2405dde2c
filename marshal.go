package ddb

import (
	"encoding"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Marshal encodes a Go value as one attribute value.
//
// The encoding is attributevalue.Marshal's with its default options, value
// for value: structs and maps become M (embedded structs flattened, the
// dynamodbav tag read exactly as attributevalue reads it: name, "-",
// omitempty, omitemptyelem, nullempty, nullemptyelem, string, stringset,
// numberset, binaryset, unixtime, plus omitzero), slices and arrays become L, []byte and
// byte arrays B, [][]byte BS, strings S (the empty string included), numbers
// N formatted as strconv.FormatFloat(f, 'f', -1, bits) for floats, bool
// BOOL, time.Time an RFC 3339 string with nanoseconds (N of epoch seconds
// with unixtime), and nil pointers, interfaces, maps and slices NULL. Empty
// sets become NULL. Values of kind chan, func, complex, uintptr and
// unsafe.Pointer inside a struct, map or list are skipped, as attributevalue
// skips them. Types implementing Marshaler or attributevalue.Marshaler
// encode themselves.
//
// A struct field tagged `ddb:"ttl"` holding a time.Time is stored as epoch
// seconds (N), as if it were also tagged unixtime, since that is what
// DynamoDB's time to live reads.
//
// Deliberate differences from attributevalue, each a trap there:
//   - A time.Time (or *time.Time) field in a key role (ddb tag pk, sk,
//     gsi= or lsi=) is stored as S in KeyTimeLayout: UTC, fixed width,
//     nanoseconds, so that keys sort in time order and one instant is one
//     key whatever its zone (attributevalue's text sorts "…01.5Z" after
//     "…01Z" and keeps the zone). With `dynamodbav:",unixtime"` it is N
//     epoch seconds; the ddb tag option timefmt=rfc3339 keeps
//     attributevalue's text, for tables it wrote, with its ordering trap.
//     Times in other fields are stored as attributevalue stores them.
//   - The omitzero option (as in encoding/json since Go 1.24) leaves out a
//     field whose value is zero by its IsZero() bool method, when its type
//     or a pointer to it has one (a zero time.Time), else by
//     reflect.Value.IsZero (a zero struct, nil, 0, ""). attributevalue
//     ignores the option.
//   - NaN and ±Inf are rejected with ErrInvalidValue (attributevalue emits
//     the N values "NaN" and "+Inf", which DynamoDB rejects later).
//   - Pointer-receiver MarshalDDB, MarshalDynamoDBAttributeValue and
//     MarshalText methods are called whether or not the value is
//     addressable (attributevalue skips them when given a struct by value, a
//     map value or an interface's content, and silently encodes the fields).
//   - *big.Int and *big.Float encode as exact N values (attributevalue
//     produces an empty M); other struct types implementing
//     encoding.TextMarshaler encode as S through MarshalText (attributevalue
//     encodes their exported fields, usually none). Non-struct
//     TextMarshalers (named strings, ints, byte arrays) keep the
//     attributevalue encoding, so stored data stays compatible.
//   - A Marshaler returning a nil AttributeValue leaves the value out.
//   - A top-level value with no representation (a func, a channel) is an
//     ErrUnsupportedType error rather than a nil AttributeValue.
func Marshal(v any) (types.AttributeValue, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	e := encPool.Get().(*encodeState)
	av, err := e.marshal(rv)
	encPool.Put(e)
	return av, err
}

// MarshalItem encodes a struct or a map (or a pointer to one) as a DynamoDB
// item, exactly as attributevalue.MarshalMap does, except that a value that
// does not encode as a map (a nil pointer, a number...) is an error rather
// than an empty item: ErrInvalidValue for nil, ErrUnsupportedType otherwise.
func MarshalItem(v any) (map[string]types.AttributeValue, error) {
	av, err := Marshal(v)
	if err != nil {
		return nil, err
	}
	switch m := av.(type) {
	case *types.AttributeValueMemberM:
		return m.Value, nil
	case *types.AttributeValueMemberNULL:
		return nil, marshalErr(ErrInvalidValue, nil, "cannot marshal nil %T as an item", v)
	}
	return nil, marshalErr(ErrUnsupportedType, nil, "%T encodes as %s, not as an item (M)", v, avKindName(av))
}

func (e *encodeState) marshal(rv reflect.Value) (types.AttributeValue, error) {
	t := rv.Type()
	if t.Kind() == reflect.Struct {
		// Make the value addressable once, so that fields read without
		// copies and pointer methods are reachable.
		p := reflect.New(t)
		p.Elem().Set(rv)
		rv = p.Elem()
	}
	var enc encoderFunc
	if f, ok := topEncCache.Load(t); ok {
		enc = f.(encoderFunc)
	} else {
		enc = encoderFor(t, 0)
		topEncCache.Store(t, enc)
	}
	av, err := enc(e, rv)
	if err != nil {
		return nil, err
	}
	if av == nil {
		return nil, marshalErr(ErrUnsupportedType, nil, "%v has no attribute value representation", t)
	}
	return av, nil
}

// encoderFunc encodes v. A nil AttributeValue with a nil error means the
// value is left out (omitempty, or a kind that has no encoding).
type encoderFunc func(e *encodeState, v reflect.Value) (types.AttributeValue, error)

// encodeState hands out attribute value members and number strings from
// chunks, so that a struct's members cost a few allocations rather than one
// each. States are pooled; a pooled state only ever hands out slots that no
// earlier result uses. Positions are kept as indexes rather than by
// reslicing, so that handing out a slot writes no pointer into the state.
type encodeState struct {
	s    slab[types.AttributeValueMemberS]
	n    slab[types.AttributeValueMemberN]
	bo   slab[types.AttributeValueMemberBOOL]
	m    slab[types.AttributeValueMemberM]
	l    slab[types.AttributeValueMemberL]
	null slab[types.AttributeValueMemberNULL]
	buf  []byte // chunk for number and time text; buf[:off] is taken
	off  int
}

// slab hands out the elements of a chunk one at a time.
type slab[T any] struct {
	chunk []T
	next  int // first free element
}

func (s *slab[T]) get(size int) *T {
	if s.next == len(s.chunk) {
		s.chunk = make([]T, size)
		s.next = 0
	}
	p := &s.chunk[s.next]
	s.next++
	return p
}

var encPool = sync.Pool{New: func() any { return new(encodeState) }}

const (
	scalarChunk = 32
	otherChunk  = 8
	bufChunk    = 512
)

func (e *encodeState) newS(s string) *types.AttributeValueMemberS {
	p := e.s.get(scalarChunk)
	p.Value = s
	return p
}

func (e *encodeState) newN(s string) *types.AttributeValueMemberN {
	p := e.n.get(scalarChunk)
	p.Value = s
	return p
}

func (e *encodeState) newBool(b bool) *types.AttributeValueMemberBOOL {
	p := e.bo.get(otherChunk)
	p.Value = b
	return p
}

func (e *encodeState) newM(m map[string]types.AttributeValue) *types.AttributeValueMemberM {
	p := e.m.get(otherChunk)
	p.Value = m
	return p
}

func (e *encodeState) newL(l []types.AttributeValue) *types.AttributeValueMemberL {
	p := e.l.get(otherChunk)
	p.Value = l
	return p
}

func (e *encodeState) newNull() *types.AttributeValueMemberNULL {
	p := e.null.get(otherChunk)
	p.Value = true
	return p
}

// room returns an empty slice over at least n free bytes of the text chunk.
func (e *encodeState) room(n int) []byte {
	if len(e.buf)-e.off < n {
		e.buf = make([]byte, max(bufChunk, n))
		e.off = 0
	}
	return e.buf[e.off:e.off]
}

// take turns b, just appended to room's slice, into a string and marks its
// bytes taken; they are never written again.
func (e *encodeState) take(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if unsafe.SliceData(b) == &e.buf[e.off] {
		e.off += len(b)
	} // else append outgrew the chunk and b has an array of its own
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func (e *encodeState) intString(i int64) string {
	return e.take(strconv.AppendInt(e.room(20), i, 10))
}

func (e *encodeState) uintString(u uint64) string {
	return e.take(strconv.AppendUint(e.room(20), u, 10))
}

func (e *encodeState) floatString(f float64, bits int) string {
	return e.take(strconv.AppendFloat(e.room(32), f, 'f', -1, bits))
}

func (e *encodeState) timeString(t time.Time) string {
	return e.take(t.AppendFormat(e.room(40), time.RFC3339Nano))
}

// number returns an N, or an S when the value is tagged string.
func (e *encodeState) number(s string, o tagOpts) types.AttributeValue {
	if o&optString != 0 {
		return e.newS(s)
	}
	return e.newN(s)
}

// empty applies attributevalue's rule for a zero value: an error when
// tagged both omitempty and nullempty, nothing when omitempty, NULL when
// nullable (nil pointer, interface, map or slice) or tagged nullempty, and
// otherwise done=false: encode the zero value normally.
func (e *encodeState) empty(o tagOpts, nullable bool) (av types.AttributeValue, err error, done bool) {
	switch {
	case o&optOmitEmpty != 0 && o&optNullEmpty != 0:
		return nil, marshalErr(ErrInvalidValue, nil, "a zero value cannot be both omitempty and nullempty"), true
	case o&optOmitEmpty != 0:
		return nil, nil, true
	case nullable || o&optNullEmpty != 0:
		return e.newNull(), nil, true
	}
	return nil, nil, false
}

type encKey struct {
	t     reflect.Type
	opts  tagOpts
	inner bool
}

var (
	encCache    sync.Map // encKey -> encoderFunc
	topEncCache sync.Map // reflect.Type -> encoderFunc of encoderFor(t, 0), cheaper to look up
)

// encoderFor returns the encoder for a value of type t in a position (field,
// element) with options o: attributevalue's encode, which first applies the
// zero-value rules and steps through one pointer or interface.
func encoderFor(t reflect.Type, o tagOpts) encoderFunc {
	return cachedEncoder(encKey{t, o, false})
}

// innerEncoder returns the encoder for a value that encoderFor has already
// stepped into: custom marshalers, then the kind's encoding.
func innerEncoder(t reflect.Type, o tagOpts) encoderFunc {
	return cachedEncoder(encKey{t, o, true})
}

func cachedEncoder(k encKey) encoderFunc {
	if f, ok := encCache.Load(k); ok {
		return f.(encoderFunc)
	}
	// Store a forwarder first so that recursive types find it.
	var (
		wg sync.WaitGroup
		f  encoderFunc
	)
	wg.Add(1)
	fi, loaded := encCache.LoadOrStore(k, encoderFunc(func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
		wg.Wait()
		return f(e, v)
	}))
	if loaded {
		return fi.(encoderFunc)
	}
	if k.inner {
		f = newInnerEncoder(k.t, k.opts)
	} else {
		f = newOuterEncoder(k.t, k.opts)
	}
	wg.Done()
	encCache.Store(k, f)
	return f
}

// hasMarshaler reports whether values of t (or *t) encode themselves.
func hasMarshaler(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	if t.Implements(rtMarshaler) || pt.Implements(rtMarshaler) ||
		t.Implements(rtAVMarshaler) || pt.Implements(rtAVMarshaler) {
		return true
	}
	return t.Kind() == reflect.Struct && (pt.Implements(rtTextMarshaler) || t == rtBigInt || t == rtBigFloat)
}

func newOuterEncoder(t reflect.Type, o tagOpts) encoderFunc {
	custom := hasMarshaler(t)
	switch t.Kind() {
	case reflect.Pointer:
		inner := innerEncoder(t.Elem(), o)
		fast := encField{fast: fastKindOf(t.Elem())}
		if o&optString != 0 {
			fast.fast = fastNone
		}
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			if v.IsNil() {
				av, err, _ := e.empty(o, true)
				return av, err
			}
			if fast.fast != fastNone {
				return e.fastField(&fast, v.UnsafePointer())
			}
			return inner(e, v.Elem())
		}
	case reflect.Interface:
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			if v.IsNil() {
				av, err, _ := e.empty(o, true)
				return av, err
			}
			return e.encodeAny(v.Interface(), o)
		}
	case reflect.String:
		if !custom && !isNumberType(t) {
			return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
				s := v.String()
				if s == "" {
					if av, err, done := e.empty(o, false); done {
						return av, err
					}
				}
				return e.newS(s), nil
			}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !custom {
			return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
				i := v.Int()
				if i == 0 {
					if av, err, done := e.empty(o, false); done {
						return av, err
					}
				}
				return e.number(e.intString(i), o), nil
			}
		}
	case reflect.Struct:
		return innerEncoder(t, o)
	case reflect.Array:
		if t.Len() > 0 {
			return innerEncoder(t, o)
		}
	}
	zero := zeroCheck(t.Kind())
	inner := innerEncoder(t, o)
	if zero == nil {
		return inner
	}
	nullable := t.Kind() == reflect.Map || t.Kind() == reflect.Slice
	return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
		if zero(v) {
			if av, err, done := e.empty(o, nullable); done {
				return av, err
			}
		}
		return inner(e, v)
	}
}

// zeroCheck returns attributevalue's notion of a zero value for kind k, or
// nil when values of that kind are never zero (structs, chans, funcs...).
func zeroCheck(k reflect.Kind) func(reflect.Value) bool {
	switch k {
	case reflect.Map, reflect.Slice:
		return reflect.Value.IsNil
	case reflect.Array, reflect.String:
		return func(v reflect.Value) bool { return v.Len() == 0 }
	case reflect.Bool:
		return func(v reflect.Value) bool { return !v.Bool() }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) bool { return v.Int() == 0 }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) bool { return v.Uint() == 0 }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) bool { return v.Float() == 0 }
	}
	return nil
}

// encodeElem encodes one element of a map[string]any or []any: a nil
// element as the element options' empty value, anything else by its
// dynamic type.
func (e *encodeState) encodeElem(val any, o tagOpts) (types.AttributeValue, error) {
	if val == nil {
		av, err, _ := e.empty(o, true)
		return av, err
	}
	return e.encodeAny(val, o)
}

// encodeAny encodes the content of an interface in a position with options
// o, with fast paths for the types that decoding into any produces.
func (e *encodeState) encodeAny(x any, o tagOpts) (types.AttributeValue, error) {
	if o&^(optOmitEmpty|optOmitEmptyElem|optNullEmpty|optNullEmptyElem) == 0 {
		switch x := x.(type) {
		case string:
			return e.newS(x), nil
		case float64:
			return e.float(x, 64, o)
		case int:
			return e.newN(e.intString(int64(x))), nil
		case int64:
			return e.newN(e.intString(x)), nil
		case bool:
			return e.newBool(x), nil
		case map[string]any:
			// A nil map inside an interface is not zero for attributevalue:
			// it encodes as an empty M, as does an empty map.
			eo := o.elem()
			m := make(map[string]types.AttributeValue, len(x))
			for k, val := range x {
				if k == "" {
					return nil, marshalErr(ErrInvalidValue, nil, "map key cannot be empty")
				}
				av, err := e.encodeElem(val, eo)
				if err != nil {
					return nil, atField(err, keySeg(k))
				}
				if av != nil {
					m[k] = av
				}
			}
			return e.newM(m), nil
		case []any:
			eo := o.elem()
			l := make([]types.AttributeValue, 0, len(x))
			for i, val := range x {
				av, err := e.encodeElem(val, eo)
				if err != nil {
					return nil, atField(err, indexSeg(i))
				}
				if av != nil {
					l = append(l, av)
				}
			}
			return e.newL(l), nil
		}
	}
	rv := reflect.ValueOf(x)
	return innerEncoder(rv.Type(), o)(e, rv)
}

func (e *encodeState) float(f float64, bits int, o tagOpts) (types.AttributeValue, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, marshalErr(ErrInvalidValue, nil, "cannot encode %v: not a finite number", f)
	}
	return e.number(e.floatString(f, bits), o), nil
}

func newInnerEncoder(t reflect.Type, o tagOpts) encoderFunc {
	kind := newKindEncoder(t, o)
	if t.Kind() == reflect.Interface {
		return kind
	}
	pt := reflect.PointerTo(t)
	isPtr := t.Kind() == reflect.Pointer
	call := func(m func(reflect.Value) (types.AttributeValue, error), nilFallsBack bool) encoderFunc {
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			if isPtr && v.IsNil() {
				return kind(e, v)
			}
			av, err := m(v)
			if err != nil {
				return nil, err
			}
			if av == nil && nilFallsBack {
				return kind(e, v)
			}
			return av, nil
		}
	}
	switch {
	case t.Implements(rtMarshaler):
		return call(func(v reflect.Value) (types.AttributeValue, error) {
			return callMarshalDDB(v.Interface().(Marshaler), t)
		}, false)
	case !isPtr && pt.Implements(rtMarshaler):
		return call(func(v reflect.Value) (types.AttributeValue, error) {
			return callMarshalDDB(codecAddr(v).Interface().(Marshaler), t)
		}, false)
	case t.Implements(rtAVMarshaler):
		return call(func(v reflect.Value) (types.AttributeValue, error) {
			return callMarshalAV(v.Interface().(attributevalue.Marshaler), t)
		}, true)
	case !isPtr && pt.Implements(rtAVMarshaler):
		return call(func(v reflect.Value) (types.AttributeValue, error) {
			return callMarshalAV(codecAddr(v).Interface().(attributevalue.Marshaler), t)
		}, true)
	}
	return kind
}

func callMarshalDDB(m Marshaler, t reflect.Type) (types.AttributeValue, error) {
	av, err := m.MarshalDDB()
	if err != nil {
		return nil, marshalErr(ErrInvalidValue, err, "%v.MarshalDDB", t)
	}
	return av, nil
}

func callMarshalAV(m attributevalue.Marshaler, t reflect.Type) (types.AttributeValue, error) {
	av, err := m.MarshalDynamoDBAttributeValue()
	if err != nil {
		return nil, marshalErr(ErrInvalidValue, err, "%v.MarshalDynamoDBAttributeValue", t)
	}
	return av, nil
}

// codecAddr returns a pointer to v, to a copy when v is not addressable.
func codecAddr(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v.Addr()
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p
}

func skipEncoder(*encodeState, reflect.Value) (types.AttributeValue, error) { return nil, nil }

func newKindEncoder(t reflect.Type, o tagOpts) encoderFunc {
	switch t.Kind() {
	case reflect.Bool:
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			return e.newBool(v.Bool()), nil
		}
	case reflect.String:
		if isNumberType(t) {
			return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
				return e.number(v.String(), o), nil
			}
		}
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			return e.newS(v.String()), nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			return e.number(e.intString(v.Int()), o), nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			return e.number(e.uintString(v.Uint()), o), nil
		}
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			return e.float(v.Float(), bits, o)
		}
	case reflect.Struct:
		return newStructKindEncoder(t, o)
	case reflect.Map:
		return newMapEncoder(t, o)
	case reflect.Slice, reflect.Array:
		return newSliceEncoder(t, o)
	case reflect.Pointer:
		// A pointer reached through a pointer or an interface.
		elem := encoderFor(t.Elem(), o)
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			if v.IsNil() {
				if o&optOmitEmpty != 0 && o&optOmitEmptyElem != 0 {
					return nil, nil
				}
				return e.newNull(), nil
			}
			return elem(e, v.Elem())
		}
	}
	// Interfaces reached through a pointer, chans, funcs, complex numbers,
	// uintptrs and unsafe pointers: skipped, as attributevalue does.
	return skipEncoder
}

func newStructKindEncoder(t reflect.Type, o tagOpts) encoderFunc {
	switch {
	case isTimeType(t):
		unix, key := o&optUnixTime != 0, o&optKeyTime != 0
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			tm := codecTimeOf(v)
			switch {
			case unix:
				return e.newN(e.intString(tm.Unix())), nil
			case key:
				b, err := appendKeyTime(e.room(len(KeyTimeLayout)), tm)
				if err != nil {
					return nil, err
				}
				return e.newS(e.take(b)), nil
			}
			return e.newS(e.timeString(tm)), nil
		}
	case t == rtBigInt:
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			b := codecAddr(v).Interface().(*big.Int)
			return e.number(e.take(b.Append(e.room(b.BitLen()/3+2), 10)), o), nil
		}
	case t == rtBigFloat:
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			f := codecAddr(v).Interface().(*big.Float)
			if f.IsInf() {
				return nil, marshalErr(ErrInvalidValue, nil, "cannot encode %v: not a finite number", f)
			}
			return e.number(e.take(f.Append(e.room(32), 'f', -1)), o), nil
		}
	case reflect.PointerTo(t).Implements(rtTextMarshaler):
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			b, err := codecAddr(v).Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return nil, marshalErr(ErrInvalidValue, err, "%v.MarshalText", t)
			}
			return e.newS(string(b)), nil
		}
	}
	return newStructEncoder(t)
}

// codecTimeOf reads a time.Time (or a type convertible to it) without copying
// through an interface when v is addressable.
func codecTimeOf(v reflect.Value) time.Time {
	if v.CanAddr() {
		return *(*time.Time)(v.Addr().UnsafePointer())
	}
	return v.Convert(rtTime).Interface().(time.Time)
}

type encField struct {
	name   string
	first  int   // index of the field when len(index) == 1
	index  []int // path through embedded structs
	enc    encoderFunc
	goName string
	hidden bool     // see structField.hidden
	fast   fastKind // read in place at offset (default or omitempty options only)
	omit   bool     // omitempty, for fast fields
	offset uintptr
}

func newStructEncoder(t reflect.Type) encoderFunc {
	sfs := structFields(t)
	fields := make([]encField, len(sfs))
	for i, f := range sfs {
		fields[i] = encField{name: f.Name, first: f.Index[0], index: f.Index, goName: f.goName,
			hidden: f.hidden, offset: f.offset, omit: f.opts == optOmitEmpty}
		if !f.ptrPath && !f.hidden && f.opts&^optOmitEmpty == 0 {
			fields[i].fast = fastKindOf(f.Type)
		}
	}
	// Compile the field encoders after filling the table, so that a
	// recursive type finds the forwarder in the cache.
	for i, f := range sfs {
		fields[i].enc = encoderFor(f.Type, f.opts&^optOmitZero)
		if f.opts&optOmitZero != 0 {
			fields[i].enc = omitZero(f.Type, fields[i].enc)
		}
	}
	return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
		m := make(map[string]types.AttributeValue, len(fields))
		var base unsafe.Pointer
		if v.CanAddr() {
			base = v.Addr().UnsafePointer()
		}
		for i := range fields {
			f := &fields[i]
			if f.fast != fastNone && base != nil {
				av, err := e.fastField(f, unsafe.Add(base, f.offset))
				if err != nil {
					return nil, atField(err, f.goName)
				}
				if av != nil {
					m[f.name] = av
				}
				continue
			}
			var fv reflect.Value
			if len(f.index) == 1 {
				fv = v.Field(f.first)
			} else {
				var ok bool
				if fv, ok = embeddedField(v, f.index); !ok {
					continue
				}
			}
			if f.hidden {
				fv = codecWritable(fv)
			}
			av, err := f.enc(e, fv)
			if err != nil {
				return nil, atField(err, f.goName)
			}
			if av != nil {
				m[f.name] = av
			}
		}
		return e.newM(m), nil
	}
}

// fastField encodes the scalar field f stored at p; nil when omitted.
func (e *encodeState) fastField(f *encField, p unsafe.Pointer) (types.AttributeValue, error) {
	switch f.fast {
	case fastString:
		s := *(*string)(p)
		if s == "" && f.omit {
			return nil, nil
		}
		return e.newS(s), nil
	case fastBool:
		b := *(*bool)(p)
		if !b && f.omit {
			return nil, nil
		}
		return e.newBool(b), nil
	case fastFloat32, fastFloat64:
		x, bits := float64(0), 64
		if f.fast == fastFloat32 {
			x, bits = float64(*(*float32)(p)), 32
		} else {
			x = *(*float64)(p)
		}
		if x == 0 && f.omit {
			return nil, nil
		}
		return e.float(x, bits, 0)
	case fastUint, fastUint8, fastUint16, fastUint32, fastUint64:
		u := readUint(p, f.fast)
		if u == 0 && f.omit {
			return nil, nil
		}
		return e.newN(e.uintString(u)), nil
	}
	i := readInt(p, f.fast)
	if i == 0 && f.omit {
		return nil, nil
	}
	return e.newN(e.intString(i)), nil
}

// embeddedField follows index through embedded structs; false when an
// embedded pointer on the way is nil.
func embeddedField(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// mapKeyEncoder returns how attributevalue turns map keys of type kt into
// attribute names: MarshalText, else fmt.Sprint for strings, bools and
// numbers.
func mapKeyEncoder(kt reflect.Type) func(reflect.Value) (string, error) {
	switch {
	case kt.Implements(rtTextMarshaler):
		return func(k reflect.Value) (string, error) {
			b, err := k.Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return "", marshalErr(ErrInvalidValue, err, "map key %v.MarshalText", kt)
			}
			return string(b), nil
		}
	case kt.Kind() == reflect.String && !kt.Implements(rtStringer) && !kt.Implements(rtError) && !kt.Implements(rtFormatter):
		return func(k reflect.Value) (string, error) { return k.String(), nil }
	}
	switch kt.Kind() {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return func(k reflect.Value) (string, error) { return fmt.Sprint(k.Interface()), nil }
	}
	return func(reflect.Value) (string, error) {
		return "", marshalErr(ErrUnsupportedType, nil, "map key type %v: must be a string, number, bool or TextMarshaler", kt)
	}
}

func newMapEncoder(t reflect.Type, o tagOpts) encoderFunc {
	eo := o.elem()
	if t == reflect.TypeFor[map[string]any]() {
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			return e.encodeAny(v.Interface(), o)
		}
	}
	keyOf := mapKeyEncoder(t.Key())
	elem := encoderFor(t.Elem(), eo)
	if t == reflect.TypeFor[map[string]string]() && eo == 0 {
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			x := v.Interface().(map[string]string)
			m := make(map[string]types.AttributeValue, len(x))
			for k, s := range x {
				if k == "" {
					return nil, marshalErr(ErrInvalidValue, nil, "map key cannot be empty")
				}
				m[k] = e.newS(s)
			}
			return e.newM(m), nil
		}
	}
	return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
		m := make(map[string]types.AttributeValue, v.Len())
		if v.Len() == 0 {
			return e.newM(m), nil
		}
		k := reflect.New(t.Key()).Elem()
		val := reflect.New(t.Elem()).Elem()
		it := v.MapRange()
		for it.Next() {
			k.SetIterKey(it)
			ks, err := keyOf(k)
			if err == nil && ks == "" {
				err = marshalErr(ErrInvalidValue, nil, "map key cannot be empty")
			}
			if err != nil {
				return nil, err
			}
			val.SetIterValue(it)
			av, err := elem(e, val)
			if err != nil {
				return nil, atField(err, keySeg(ks))
			}
			if av != nil {
				m[ks] = av
			}
		}
		return e.newM(m), nil
	}
}

func newSliceEncoder(t reflect.Type, o tagOpts) encoderFunc {
	if t.Elem().Kind() == reflect.Uint8 {
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			b := make([]byte, v.Len())
			if v.Kind() == reflect.Slice || v.CanAddr() {
				copy(b, v.Bytes())
			} else {
				reflect.Copy(reflect.ValueOf(b), v)
			}
			return &types.AttributeValueMemberB{Value: b}, nil
		}
	}
	elem := encoderFor(t.Elem(), o.elem())
	switch {
	case o&optBinarySet != 0 || t == rtBytesList:
		return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
			if v.Len() == 0 {
				return e.newNull(), nil
			}
			set := make([][]byte, 0, v.Len())
			for i := 0; i < v.Len(); i++ {
				av, err := elem(e, v.Index(i))
				if err != nil {
					return nil, atField(err, indexSeg(i))
				}
				if av == nil {
					continue
				}
				b, ok := av.(*types.AttributeValueMemberB)
				if !ok || b.Value == nil {
					return nil, atField(marshalErr(ErrInvalidValue, nil, "a binary set holds only non-nil byte slices, not %s", avKindName(av)), indexSeg(i))
				}
				set = append(set, b.Value)
			}
			return &types.AttributeValueMemberBS{Value: set}, nil
		}
	case o&optNumberSet != 0:
		return newStringSetEncoder(elem, func(av types.AttributeValue) (string, bool) {
			n, ok := av.(*types.AttributeValueMemberN)
			if !ok {
				return "", false
			}
			return n.Value, true
		}, func(s []string) types.AttributeValue { return &types.AttributeValueMemberNS{Value: s} }, "number")
	case o&optStringSet != 0:
		return newStringSetEncoder(elem, func(av types.AttributeValue) (string, bool) {
			s, ok := av.(*types.AttributeValueMemberS)
			if !ok {
				return "", false
			}
			return s.Value, true
		}, func(s []string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: s} }, "string")
	}
	fast := encField{fast: fastKindOf(t.Elem())}
	if o.elem() != 0 {
		fast.fast = fastNone
	}
	size := t.Elem().Size()
	return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
		n := v.Len()
		l := make([]types.AttributeValue, 0, n)
		if fast.fast != fastNone && (v.Kind() == reflect.Slice || v.CanAddr()) {
			// Plain scalar elements, read in place.
			var base unsafe.Pointer
			if v.Kind() == reflect.Slice {
				base = v.UnsafePointer()
			} else {
				base = v.Addr().UnsafePointer()
			}
			for i := 0; i < n; i++ {
				av, err := e.fastField(&fast, unsafe.Add(base, uintptr(i)*size))
				if err != nil {
					return nil, atField(err, indexSeg(i))
				}
				l = append(l, av)
			}
			return e.newL(l), nil
		}
		for i := 0; i < n; i++ {
			av, err := elem(e, v.Index(i))
			if err != nil {
				return nil, atField(err, indexSeg(i))
			}
			if av != nil {
				l = append(l, av)
			}
		}
		return e.newL(l), nil
	}
}

// newStringSetEncoder encodes a slice or array as an SS or NS: each element
// must encode as the set's scalar type.
func newStringSetEncoder(elem encoderFunc, scalar func(types.AttributeValue) (string, bool),
	wrap func([]string) types.AttributeValue, what string) encoderFunc {
	return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
		if v.Len() == 0 {
			return e.newNull(), nil
		}
		set := make([]string, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			av, err := elem(e, v.Index(i))
			if err != nil {
				return nil, atField(err, indexSeg(i))
			}
			if av == nil {
				continue
			}
			s, ok := scalar(av)
			if !ok {
				return nil, atField(marshalErr(ErrInvalidValue, nil, "a %s set holds only %ss, not %s", what, what, avKindName(av)), indexSeg(i))
			}
			set = append(set, s)
		}
		return wrap(set), nil
	}
}
