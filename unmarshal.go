package ddb

import (
	"encoding"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Unmarshal decodes an attribute value into the value out points to, as
// attributevalue.Unmarshal does with its default options: M into structs
// (attribute names matched exactly, then case-insensitively) and maps, L and
// sets into slices and arrays, N into any number kind (and into strings), S
// into strings and RFC 3339 times, N into times as epoch seconds, NULL as
// the zero value, and into an empty interface B as []byte, BOOL as bool, L
// as []any, M as map[string]any, N as float64, NS as []float64, S as string,
// SS as []string and BS as [][]byte. Pointers, maps and slices are allocated
// as needed; slices whose capacity suffices are reused, maps are added to.
// Types implementing Unmarshaler or attributevalue.Unmarshaler decode
// themselves.
//
// Deliberate differences from attributevalue, each a trap there:
//   - A set element type implementing Unmarshaler or
//     attributevalue.Unmarshaler gets one call per element with an S, N or
//     B value (attributevalue passes the whole set to the first element
//     only, unless its FixUnmarshalIndividualSetValues option is set).
//   - Decoding a list or set into a non-nil slice always leaves the slice
//     with the list's length (attributevalue leaves a non-empty slice
//     untouched when the list is empty).
//   - An interface already holding a non-pointer value is replaced by the
//     decoded value (attributevalue panics, or merges into a held map).
//   - *big.Int and *big.Float decode N exactly; other struct types
//     implementing encoding.TextUnmarshaler decode S through UnmarshalText.
//   - When an item has both an exact and a case-insensitive match for a
//     field, the exact one is decoded (attributevalue decodes both, in the
//     item map's random order).
//   - A float32 is parsed as a float32, rounded once: the text Marshal
//     writes for ±math.MaxFloat32 (340282350000000000000000000000000000000)
//     reads back exactly (attributevalue parses a float64 first and
//     rejects it as overflowing float32).
//   - Errors are *Error values matching ErrInvalidValue (wrong attribute
//     type, malformed or overflowing number, bad time) or
//     ErrUnsupportedType, naming the Go field path.
func Unmarshal(av types.AttributeValue, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return unmarshalErr(ErrInvalidValue, nil, "the destination must be a non-nil pointer, not %T", out)
	}
	return decoderFor(rv.Type().Elem(), 0)(av, rv.Elem())
}

// UnmarshalItem decodes a DynamoDB item into the struct or map out points
// to, as attributevalue.UnmarshalMap does (see Unmarshal).
func UnmarshalItem(item map[string]types.AttributeValue, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return unmarshalErr(ErrInvalidValue, nil, "the destination must be a non-nil pointer, not %T", out)
	}
	t := rv.Type().Elem()
	if sd := itemDecoder(t); sd != nil {
		return sd.decodeItem(item, rv.Elem())
	}
	return decoderFor(t, 0)(&types.AttributeValueMemberM{Value: item}, rv.Elem())
}

// decoderFunc decodes av into v, which is addressable.
type decoderFunc func(av types.AttributeValue, v reflect.Value) error

type decKey struct {
	t    reflect.Type
	opts tagOpts
}

var (
	decCache     sync.Map // decKey -> decoderFunc
	itemDecCache sync.Map // reflect.Type -> *itemDecEntry (sd nil when t is not a plain struct)
)

func decoderFor(t reflect.Type, o tagOpts) decoderFunc {
	k := decKey{t, o.decode()}
	if f, ok := decCache.Load(k); ok {
		return f.(decoderFunc)
	}
	var (
		wg sync.WaitGroup
		f  decoderFunc
	)
	wg.Add(1)
	fi, loaded := decCache.LoadOrStore(k, decoderFunc(func(av types.AttributeValue, v reflect.Value) error {
		wg.Wait()
		return f(av, v)
	}))
	if loaded {
		return fi.(decoderFunc)
	}
	f = newDecoder(k.t, k.opts)
	wg.Done()
	decCache.Store(k, f)
	return f
}

// itemDecoder returns the struct decoder for t when an item can be decoded
// straight into it: a struct type with no custom decoding.
func itemDecoder(t reflect.Type) *structDecoder {
	if e := lastItemDec.Load(); e != nil && e.t == t {
		return e.sd
	}
	e, ok := itemDecCache.Load(t)
	if !ok {
		var sd *structDecoder
		if t.Kind() == reflect.Struct && !hasUnmarshaler(t) {
			sd = newStructDecoder(t)
		}
		e, _ = itemDecCache.LoadOrStore(t, &itemDecEntry{t: t, sd: sd})
	}
	lastItemDec.Store(e.(*itemDecEntry))
	return e.(*itemDecEntry).sd
}

// itemDecEntry is a value of itemDecCache; lastItemDec keeps the last one
// looked up, as a program usually decodes items of one type in a row.
type itemDecEntry struct {
	t  reflect.Type
	sd *structDecoder
}

var lastItemDec atomic.Pointer[itemDecEntry]

var (
	rtString    = reflect.TypeFor[string]()
	rtStrings   = reflect.TypeFor[[]string]()
	rtStringMap = reflect.TypeFor[map[string]string]()
)

// hasUnmarshaler reports whether values of struct type t decode by other
// means than their fields.
func hasUnmarshaler(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(rtUnmarshaler) || pt.Implements(rtAVUnmarshaler) ||
		isTimeType(t) || t == rtBigInt || t == rtBigFloat || pt.Implements(rtTextUnmarshaler)
}

func callUnmarshalDDB(u Unmarshaler, av types.AttributeValue, t reflect.Type) error {
	if err := u.UnmarshalDDB(av); err != nil {
		return unmarshalErr(ErrInvalidValue, err, "%v.UnmarshalDDB", t)
	}
	return nil
}

func callUnmarshalAV(u attributevalue.Unmarshaler, av types.AttributeValue, t reflect.Type) error {
	if err := u.UnmarshalDynamoDBAttributeValue(av); err != nil {
		return unmarshalErr(ErrInvalidValue, err, "%v.UnmarshalDynamoDBAttributeValue", t)
	}
	return nil
}

func newDecoder(t reflect.Type, o tagOpts) decoderFunc {
	if t.Kind() == reflect.Pointer {
		return newPointerDecoder(t, o)
	}
	if t.Kind() != reflect.Interface {
		pt := reflect.PointerTo(t)
		switch {
		case pt.Implements(rtUnmarshaler):
			return func(av types.AttributeValue, v reflect.Value) error {
				return callUnmarshalDDB(v.Addr().Interface().(Unmarshaler), av, t)
			}
		case pt.Implements(rtAVUnmarshaler):
			return func(av types.AttributeValue, v reflect.Value) error {
				return callUnmarshalAV(v.Addr().Interface().(attributevalue.Unmarshaler), av, t)
			}
		}
	}
	switch t.Kind() {
	case reflect.Interface:
		return newInterfaceDecoder(t, o)
	case reflect.Bool:
		return func(av types.AttributeValue, v reflect.Value) error {
			switch a := av.(type) {
			case *types.AttributeValueMemberBOOL:
				v.SetBool(a.Value)
			case *types.AttributeValueMemberNULL, nil:
				v.SetZero()
			default:
				return typeMismatch(av, t)
			}
			return nil
		}
	case reflect.String:
		return func(av types.AttributeValue, v reflect.Value) error {
			switch a := av.(type) {
			case *types.AttributeValueMemberS:
				v.SetString(a.Value)
			case *types.AttributeValueMemberN:
				v.SetString(a.Value)
			case *types.AttributeValueMemberNULL, nil:
				v.SetZero()
			default:
				return typeMismatch(av, t)
			}
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numberDecoder(t, o, func(s string, v reflect.Value) error {
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return badNumber(s, t, err)
			}
			if v.OverflowInt(i) {
				return badNumber(s, t, nil)
			}
			v.SetInt(i)
			return nil
		})
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return numberDecoder(t, o, func(s string, v reflect.Value) error {
			u, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return badNumber(s, t, err)
			}
			if v.OverflowUint(u) {
				return badNumber(s, t, nil)
			}
			v.SetUint(u)
			return nil
		})
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return numberDecoder(t, o, func(s string, v reflect.Value) error {
			f, err := strconv.ParseFloat(s, bits)
			if err != nil {
				if errors.Is(err, strconv.ErrRange) {
					return badNumber(s, t, nil)
				}
				return badNumber(s, t, err)
			}
			v.SetFloat(f)
			return nil
		})
	case reflect.Struct:
		return newStructKindDecoder(t, o)
	case reflect.Map:
		return newMapDecoder(t)
	case reflect.Slice, reflect.Array:
		return newSliceDecoder(t)
	}
	return func(av types.AttributeValue, v reflect.Value) error {
		if isNullAV(av) {
			v.SetZero()
			return nil
		}
		return unmarshalErr(ErrUnsupportedType, nil, "cannot decode into %v", t)
	}
}

func badNumber(s string, t reflect.Type, err error) error {
	if err == nil {
		return unmarshalErr(ErrInvalidValue, nil, "number %s overflows %v", s, t)
	}
	return unmarshalErr(ErrInvalidValue, err, "cannot decode number %q into %v", s, t)
}

// numberDecoder decodes N (and S when tagged string) with parse; NULL sets
// the zero value.
func numberDecoder(t reflect.Type, o tagOpts, parse func(string, reflect.Value) error) decoderFunc {
	asString := o&optString != 0
	return func(av types.AttributeValue, v reflect.Value) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberN:
			return parse(a.Value, v)
		case *types.AttributeValueMemberS:
			if asString {
				return parse(a.Value, v)
			}
		case *types.AttributeValueMemberNULL, nil:
			v.SetZero()
			return nil
		}
		return typeMismatch(av, t)
	}
}

func newPointerDecoder(t reflect.Type, o tagOpts) decoderFunc {
	et := t.Elem()
	elem := decoderFor(et, o)
	var custom func(p reflect.Value, av types.AttributeValue) error
	switch {
	case t.Implements(rtUnmarshaler):
		custom = func(p reflect.Value, av types.AttributeValue) error {
			return callUnmarshalDDB(p.Interface().(Unmarshaler), av, t)
		}
	case t.Implements(rtAVUnmarshaler):
		custom = func(p reflect.Value, av types.AttributeValue) error {
			return callUnmarshalAV(p.Interface().(attributevalue.Unmarshaler), av, t)
		}
	}
	fast := fastKindOf(et)
	return func(av types.AttributeValue, v reflect.Value) error {
		if isNullAV(av) {
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(et))
		}
		if custom != nil {
			return custom(v, av)
		}
		if fast != fastNone && fastDecode(fast, av, v.UnsafePointer()) {
			return nil
		}
		return elem(av, v.Elem())
	}
}

func newInterfaceDecoder(t reflect.Type, o tagOpts) decoderFunc {
	asString := o&optString != 0
	return func(av types.AttributeValue, v reflect.Value) error {
		if isNullAV(av) {
			v.SetZero()
			return nil
		}
		if !v.IsNil() {
			// Decode into what a held non-nil pointer points to.
			if e := v.Elem(); e.Kind() == reflect.Pointer && !e.IsNil() {
				return decoderFor(e.Type(), o)(av, e)
			}
		}
		if s, ok := av.(*types.AttributeValueMemberS); ok && asString {
			av = &types.AttributeValueMemberN{Value: s.Value}
		}
		x, err := decodeInterface(av)
		if err != nil {
			return err
		}
		if t == rtAny {
			*(*any)(addrOf(v)) = x
			return nil
		}
		xv := reflect.ValueOf(x)
		if !xv.Type().Implements(t) {
			return typeMismatch(av, t)
		}
		v.Set(xv)
		return nil
	}
}

// decodeInterface decodes av into the Go value an empty interface receives.
func decodeInterface(av types.AttributeValue) (any, error) {
	switch a := av.(type) {
	case *types.AttributeValueMemberS:
		return a.Value, nil
	case *types.AttributeValueMemberN:
		f, err := strconv.ParseFloat(a.Value, 64)
		if err != nil {
			return nil, badNumber(a.Value, reflect.TypeFor[float64](), err)
		}
		return f, nil
	case *types.AttributeValueMemberBOOL:
		return a.Value, nil
	case *types.AttributeValueMemberNULL, nil:
		return nil, nil
	case *types.AttributeValueMemberB:
		return append(make([]byte, 0, len(a.Value)), a.Value...), nil
	case *types.AttributeValueMemberM:
		m := make(map[string]any, len(a.Value))
		for k, ea := range a.Value {
			x, err := decodeInterface(ea)
			if err != nil {
				return nil, atField(err, keySeg(k))
			}
			m[k] = x
		}
		return m, nil
	case *types.AttributeValueMemberL:
		l := make([]any, len(a.Value))
		for i, ea := range a.Value {
			x, err := decodeInterface(ea)
			if err != nil {
				return nil, atField(err, indexSeg(i))
			}
			l[i] = x
		}
		return l, nil
	case *types.AttributeValueMemberSS:
		return append(make([]string, 0, len(a.Value)), a.Value...), nil
	case *types.AttributeValueMemberNS:
		fs := make([]float64, len(a.Value))
		for i, s := range a.Value {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, atField(badNumber(s, reflect.TypeFor[float64](), err), indexSeg(i))
			}
			fs[i] = f
		}
		return fs, nil
	case *types.AttributeValueMemberBS:
		bs := make([][]byte, len(a.Value))
		for i, b := range a.Value {
			bs[i] = append(make([]byte, 0, len(b)), b...)
		}
		return bs, nil
	}
	return nil, unmarshalErr(ErrUnsupportedType, nil, "unknown attribute value type %T", av)
}

func newStructKindDecoder(t reflect.Type, o tagOpts) decoderFunc {
	asString := o&optString != 0
	switch {
	case isTimeType(t):
		return func(av types.AttributeValue, v reflect.Value) error {
			var tm time.Time
			var err error
			switch a := av.(type) {
			case *types.AttributeValueMemberS:
				if asString {
					tm, err = codecUnixTime(a.Value)
				} else if tm, err = time.Parse(time.RFC3339, a.Value); err != nil {
					err = unmarshalErr(ErrInvalidValue, err, "cannot decode %q into %v", a.Value, t)
				}
			case *types.AttributeValueMemberN:
				tm, err = codecUnixTime(a.Value)
			case *types.AttributeValueMemberNULL, nil:
			case *types.AttributeValueMemberM:
				return nil // attributevalue decodes a time's (no) fields
			default:
				return typeMismatch(av, t)
			}
			if err != nil {
				return err
			}
			*(*time.Time)(addrOf(v)) = tm
			return nil
		}
	case t == rtBigInt:
		return numberDecoder(t, o, func(s string, v reflect.Value) error {
			b := v.Addr().Interface().(*big.Int)
			if _, ok := b.SetString(s, 10); ok {
				return nil
			}
			if r, ok := new(big.Rat).SetString(s); ok && r.IsInt() {
				b.Set(r.Num())
				return nil
			}
			return badNumber(s, t, strconv.ErrSyntax)
		})
	case t == rtBigFloat:
		return numberDecoder(t, o, func(s string, v reflect.Value) error {
			f := v.Addr().Interface().(*big.Float)
			prec := f.Prec()
			if prec == 0 {
				prec = uint(max(64, math.Ceil(float64(len(s))*math.Log2(10))+8))
			}
			g, _, err := big.ParseFloat(s, 10, prec, big.ToNearestEven)
			if err != nil {
				return badNumber(s, t, err)
			}
			f.Set(g)
			return nil
		})
	case reflect.PointerTo(t).Implements(rtTextUnmarshaler):
		fields := newStructDecoder(t)
		return func(av types.AttributeValue, v reflect.Value) error {
			switch a := av.(type) {
			case *types.AttributeValueMemberS:
				if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(a.Value)); err != nil {
					return unmarshalErr(ErrInvalidValue, err, "%v.UnmarshalText", t)
				}
				return nil
			case *types.AttributeValueMemberM:
				return fields.decodeItem(a.Value, v)
			case *types.AttributeValueMemberNULL, nil:
				v.SetZero()
				return nil
			}
			return typeMismatch(av, t)
		}
	}
	sd := newStructDecoder(t)
	return func(av types.AttributeValue, v reflect.Value) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberM:
			return sd.decodeItem(a.Value, v)
		case *types.AttributeValueMemberNULL, nil:
			v.SetZero()
			return nil
		}
		return typeMismatch(av, t)
	}
}

func codecUnixTime(s string) (time.Time, error) {
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, badNumber(s, rtTime, err)
	}
	return time.Unix(i, 0), nil
}

type decField struct {
	name   string
	first  int   // index when len(index) == 1
	index  []int // path through embedded structs
	dec    decoderFunc
	goName string
	typ    reflect.Type
	hidden bool     // see structField.hidden
	fast   fastKind // written in place at offset for the usual attribute types
	offset uintptr
	sub    *structDecoder // a plain struct field, an M decoded in place at offset
	time   bool           // a time.Time field, an RFC 3339 S parsed in place at offset
	strs   reflect.Type   // rtStrings or rtStringMap: an L or M of strings decoded in place
}

type structDecoder struct {
	t      reflect.Type
	fields []decField
	byName map[string]int
}

// addrOf returns the address of the addressable value v, without the
// pointer type lookup reflect.Value.Addr makes.
func addrOf(v reflect.Value) unsafe.Pointer { return unsafe.Pointer(v.UnsafeAddr()) }

func newStructDecoder(t reflect.Type) *structDecoder {
	sfs := structFields(t)
	sd := &structDecoder{t: t, fields: make([]decField, len(sfs)), byName: make(map[string]int, len(sfs))}
	for i, f := range sfs {
		sd.fields[i] = decField{name: f.Name, first: f.Index[0], index: f.Index, goName: f.goName,
			typ: f.Type, hidden: f.hidden, offset: f.offset}
		if !f.ptrPath && !f.hidden {
			sd.fields[i].fast = fastKindOf(f.Type)
			sd.fields[i].time = f.Type == rtTime && f.opts.decode()&optString == 0
			if f.Type == rtStrings || f.Type == rtStringMap {
				sd.fields[i].strs = f.Type
			}
		}
		sd.byName[f.Name] = i
	}
	for i, f := range sfs {
		sd.fields[i].dec = decoderFor(f.Type, f.opts)
		if !f.ptrPath && !f.hidden && f.Type != rtTime {
			sd.fields[i].sub = itemDecoder(f.Type)
		}
	}
	return sd
}

// decodeItem decodes the attributes of item into the fields of struct v:
// each field looks its name up; attributes left over are matched to fields
// case-insensitively, as attributevalue does, unless the field had an exact
// match.
func (sd *structDecoder) decodeItem(item map[string]types.AttributeValue, v reflect.Value) error {
	return sd.decodeAt(item, addrOf(v), v)
}

// decodeAt is decodeItem for the struct at base; v is either that struct
// or the zero Value, made only when a field needs reflect.
func (sd *structDecoder) decodeAt(item map[string]types.AttributeValue, base unsafe.Pointer, v reflect.Value) error {
	matched := 0
	for i := range sd.fields {
		f := &sd.fields[i]
		av, ok := item[f.name]
		if !ok {
			continue
		}
		matched++
		if f.fast != fastNone {
			if fastDecode(f.fast, av, unsafe.Add(base, f.offset)) {
				continue
			}
		} else if f.sub != nil {
			if m, ok := av.(*types.AttributeValueMemberM); ok {
				if err := f.sub.decodeAt(m.Value, unsafe.Add(base, f.offset), reflect.Value{}); err != nil {
					return atField(err, f.goName)
				}
				continue
			}
		} else if f.strs == rtStrings {
			if l, ok := av.(*types.AttributeValueMemberL); ok && decodeStringList(l.Value, (*[]string)(unsafe.Add(base, f.offset))) {
				continue
			}
		} else if f.strs == rtStringMap {
			if m, ok := av.(*types.AttributeValueMemberM); ok {
				if err := decodeStringMap(m.Value, (*map[string]string)(unsafe.Add(base, f.offset))); err != nil {
					return atField(err, f.goName)
				}
				continue
			}
		} else if f.time {
			if s, ok := av.(*types.AttributeValueMemberS); ok {
				if tm, err := time.Parse(time.RFC3339, s.Value); err == nil {
					*(*time.Time)(unsafe.Add(base, f.offset)) = tm
					continue
				}
			}
		}
		if !v.IsValid() {
			v = reflect.NewAt(sd.t, base).Elem()
		}
		if err := sd.decodeField(f, av, v); err != nil {
			return err
		}
	}
	if matched == len(item) {
		return nil
	}
	if !v.IsValid() {
		v = reflect.NewAt(sd.t, base).Elem()
	}
	for k, av := range item {
		if _, ok := sd.byName[k]; ok {
			continue
		}
		for i := range sd.fields {
			f := &sd.fields[i]
			if !strings.EqualFold(f.name, k) {
				continue
			}
			if _, exact := item[f.name]; exact {
				// The exact match wins; attributevalue decodes both in
				// map order, so still report what this one would fail on.
				if err := f.dec(av, reflect.New(f.typ).Elem()); err != nil {
					return atField(err, f.goName)
				}
			} else if err := sd.decodeField(f, av, v); err != nil {
				return err
			}
			break
		}
	}
	return nil
}

// fastDecode stores av in the scalar field of kind k at p when av has the
// usual attribute type for it and is valid; false leaves the work (and the
// error) to the field's decoder.
func fastDecode(k fastKind, av types.AttributeValue, p unsafe.Pointer) bool {
	switch k {
	case fastString:
		switch a := av.(type) {
		case *types.AttributeValueMemberS:
			*(*string)(p) = a.Value
			return true
		case *types.AttributeValueMemberN:
			*(*string)(p) = a.Value
			return true
		}
		return false
	case fastBool:
		if b, ok := av.(*types.AttributeValueMemberBOOL); ok {
			*(*bool)(p) = b.Value
			return true
		}
		return false
	}
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return false
	}
	switch k {
	case fastFloat64:
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return false
		}
		*(*float64)(p) = f
		return true
	case fastFloat32:
		f, err := strconv.ParseFloat(n.Value, 32) // rounded once, to float32
		if err != nil {
			return false
		}
		*(*float32)(p) = float32(f)
		return true
	case fastUint, fastUint8, fastUint16, fastUint32, fastUint64:
		u, err := strconv.ParseUint(n.Value, 10, 64)
		return err == nil && writeUint(p, k, u)
	}
	i, err := strconv.ParseInt(n.Value, 10, 64)
	return err == nil && writeInt(p, k, i)
}

func (sd *structDecoder) decodeField(f *decField, av types.AttributeValue, v reflect.Value) error {
	var fv reflect.Value
	if len(f.index) == 1 {
		fv = v.Field(f.first)
	} else {
		fv = v
		for i, x := range f.index {
			if i > 0 && fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					if !fv.CanSet() {
						return atField(unmarshalErr(ErrUnsupportedType, nil,
							"cannot allocate the embedded pointer to unexported %v", fv.Type().Elem()), f.goName)
					}
					fv.Set(reflect.New(fv.Type().Elem()))
				}
				fv = fv.Elem()
			}
			fv = fv.Field(x)
		}
	}
	if f.hidden {
		fv = codecWritable(fv)
	}
	if err := f.dec(av, fv); err != nil {
		return atField(err, f.goName)
	}
	return nil
}

// mapKeyDecoder returns how attributevalue turns attribute names into map
// keys of type kt, or nil when kt cannot be a key.
func mapKeyDecoder(kt reflect.Type) func(string, reflect.Value) error {
	if reflect.PointerTo(kt).Implements(rtTextUnmarshaler) {
		return func(s string, k reflect.Value) error {
			return k.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
		}
	}
	switch kt.Kind() {
	case reflect.String:
		return func(s string, k reflect.Value) error { k.SetString(s); return nil }
	case reflect.Bool:
		return func(s string, k reflect.Value) error {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return err
			}
			k.SetBool(b)
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		dec := decoderFor(kt, 0)
		return func(s string, k reflect.Value) error {
			return dec(&types.AttributeValueMemberN{Value: s}, k)
		}
	}
	return nil
}

func newMapDecoder(t reflect.Type) decoderFunc {
	kt, et := t.Key(), t.Elem()
	keyDec := mapKeyDecoder(kt)
	elem := decoderFor(et, 0)
	anyMap := t == reflect.TypeFor[map[string]any]()
	stringMap := t == reflect.TypeFor[map[string]string]()
	return func(av types.AttributeValue, v reflect.Value) error {
		var item map[string]types.AttributeValue
		switch a := av.(type) {
		case *types.AttributeValueMemberM:
			item = a.Value
		case *types.AttributeValueMemberNULL, nil:
			v.SetZero()
			return nil
		default:
			return typeMismatch(av, t)
		}
		if keyDec == nil {
			return unmarshalErr(ErrUnsupportedType, nil, "map key type %v: must be a string, number, bool or TextUnmarshaler", kt)
		}
		switch {
		case anyMap:
			mp := (*map[string]any)(addrOf(v))
			if *mp == nil {
				*mp = make(map[string]any, len(item))
			}
			m := *mp
			for k, ea := range item {
				x, err := decodeInterface(ea)
				if err != nil {
					return atField(err, keySeg(k))
				}
				m[k] = x
			}
			return nil
		case stringMap:
			return decodeStringMap(item, (*map[string]string)(addrOf(v)))
		}
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(t, len(item)))
		}
		key := reflect.New(kt).Elem()
		val := reflect.New(et).Elem()
		for k, ea := range item {
			key.SetZero()
			if err := keyDec(k, key); err != nil {
				return unmarshalErr(ErrInvalidValue, err, "cannot decode map key %q into %v", k, kt)
			}
			val.SetZero()
			if err := elem(ea, val); err != nil {
				return atField(err, keySeg(k))
			}
			v.SetMapIndex(key, val)
		}
		return nil
	}
}

// decodeStringMap adds the S and N attributes of item to *mp, NULL as "",
// making the map when it is nil.
func decodeStringMap(item map[string]types.AttributeValue, mp *map[string]string) error {
	if *mp == nil {
		*mp = make(map[string]string, len(item))
	}
	m := *mp
	for k, ea := range item {
		switch a := ea.(type) {
		case *types.AttributeValueMemberS:
			m[k] = a.Value
		case *types.AttributeValueMemberN:
			m[k] = a.Value
		case *types.AttributeValueMemberNULL, nil:
			m[k] = ""
		default:
			return atField(typeMismatch(ea, rtString), keySeg(k))
		}
	}
	return nil
}

// decodeStringList stores the list l of S and N values in *sp (see
// stringSlice); false means some elements are of another type and were
// left for the element decoder.
func decodeStringList(l []types.AttributeValue, sp *[]string) bool {
	dst := stringSlice(sp, len(l))
	all := true
	for i, e := range l {
		switch x := e.(type) {
		case *types.AttributeValueMemberS:
			dst[i] = x.Value
		case *types.AttributeValueMemberN:
			dst[i] = x.Value
		default:
			all = false
		}
	}
	return all
}

// stringSlice gives the []string *sp a length of n, reusing its array when
// it is large enough, and returns it.
func stringSlice(sp *[]string, n int) []string {
	if *sp == nil || cap(*sp) < n {
		*sp = make([]string, n)
	} else {
		*sp = (*sp)[:n]
	}
	return *sp
}

func newSliceDecoder(t reflect.Type) decoderFunc {
	et := t.Elem()
	elem := decoderFor(et, 0)
	isArray := t.Kind() == reflect.Array
	isBytes := et.Kind() == reflect.Uint8
	stringElems := t == reflect.TypeFor[[]string]()
	fast, size := fastKindOf(et), et.Size()
	// prepare gives v room for n elements and returns how many to decode.
	prepare := func(v reflect.Value, n int) int {
		if isArray {
			return min(n, v.Len())
		}
		switch {
		case n == 0 && v.IsNil():
			v.Set(reflect.MakeSlice(t, 0, 0)) // empty, not nil
		case v.IsNil() || v.Cap() < n:
			// Fresh zeroed elements, as attributevalue's new slice has.
			// (Grow on the zero slice allocates only the array.)
			v.SetZero()
			v.Grow(n)
		}
		v.SetLen(n)
		return n
	}
	return func(av types.AttributeValue, v reflect.Value) error {
		switch a := av.(type) {
		case *types.AttributeValueMemberL:
			if stringElems {
				if decodeStringList(a.Value, (*[]string)(addrOf(v))) {
					return nil
				}
				for i, e := range a.Value {
					switch e.(type) {
					case *types.AttributeValueMemberS, *types.AttributeValueMemberN:
					default:
						if err := elem(e, v.Index(i)); err != nil {
							return atField(err, indexSeg(i))
						}
					}
				}
				return nil
			}
			n := prepare(v, len(a.Value))
			if fast != fastNone && n > 0 {
				// Plain scalar elements, written in place.
				var base unsafe.Pointer
				if isArray {
					base = addrOf(v)
				} else {
					base = v.UnsafePointer()
				}
				for i := 0; i < n; i++ {
					if fastDecode(fast, a.Value[i], unsafe.Add(base, uintptr(i)*size)) {
						continue
					}
					if err := elem(a.Value[i], v.Index(i)); err != nil {
						return atField(err, indexSeg(i))
					}
				}
				return nil
			}
			for i := 0; i < n; i++ {
				if err := elem(a.Value[i], v.Index(i)); err != nil {
					return atField(err, indexSeg(i))
				}
			}
			return nil
		case *types.AttributeValueMemberB:
			if !isBytes {
				return typeMismatch(av, t)
			}
			if isArray {
				reflect.Copy(v, reflect.ValueOf(a.Value))
				return nil
			}
			prepare(v, len(a.Value))
			copy(v.Bytes(), a.Value)
			return nil
		case *types.AttributeValueMemberSS:
			if stringElems {
				copy(stringSlice((*[]string)(addrOf(v)), len(a.Value)), a.Value)
				return nil
			}
			n := prepare(v, len(a.Value))
			for i := 0; i < n; i++ {
				if err := elem(&types.AttributeValueMemberS{Value: a.Value[i]}, v.Index(i)); err != nil {
					return atField(err, indexSeg(i))
				}
			}
			return nil
		case *types.AttributeValueMemberNS:
			n := prepare(v, len(a.Value))
			for i := 0; i < n; i++ {
				if err := elem(&types.AttributeValueMemberN{Value: a.Value[i]}, v.Index(i)); err != nil {
					return atField(err, indexSeg(i))
				}
			}
			return nil
		case *types.AttributeValueMemberBS:
			n := prepare(v, len(a.Value))
			for i := 0; i < n; i++ {
				if err := elem(&types.AttributeValueMemberB{Value: a.Value[i]}, v.Index(i)); err != nil {
					return atField(err, indexSeg(i))
				}
			}
			return nil
		case *types.AttributeValueMemberNULL, nil:
			v.SetZero()
			return nil
		}
		return typeMismatch(av, t)
	}
}
