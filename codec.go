package ddb

// This file holds what the encoder (marshal.go) and decoder (unmarshal.go)
// share: the dynamodbav tag parser, the struct field cache, the custom
// marshaling interfaces, the well-known reflect types and the codec's errors.
//
// The codec follows attributevalue (github.com/aws/aws-sdk-go-v2/feature/
// dynamodb/attributevalue) with its default options value for value, except
// for the deliberate differences listed in the doc comments of Marshal and
// Unmarshal. Every Go type gets an encoder and a decoder function compiled
// once from its reflect.Type and tags and cached, so a call walks no tags.

import (
	"encoding"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Marshaler is implemented by types that encode themselves as one
// attribute value. It takes precedence over attributevalue.Marshaler and
// encoding.TextMarshaler. Returning a nil AttributeValue (and no error)
// leaves the value out of its struct, map or list.
type Marshaler interface {
	MarshalDDB() (types.AttributeValue, error)
}

// Unmarshaler is implemented by types that decode themselves from one
// attribute value. It takes precedence over attributevalue.Unmarshaler and
// encoding.TextUnmarshaler. For a non-pointer field it is also called with a
// NULL attribute value, as attributevalue does.
type Unmarshaler interface {
	UnmarshalDDB(types.AttributeValue) error
}

var (
	rtTime            = reflect.TypeFor[time.Time]()
	rtBigInt          = reflect.TypeFor[big.Int]()
	rtBigFloat        = reflect.TypeFor[big.Float]()
	rtAny             = reflect.TypeFor[any]()
	rtBytesList       = reflect.TypeFor[[][]byte]()
	rtMarshaler       = reflect.TypeFor[Marshaler]()
	rtUnmarshaler     = reflect.TypeFor[Unmarshaler]()
	rtAVMarshaler     = reflect.TypeFor[attributevalue.Marshaler]()
	rtAVUnmarshaler   = reflect.TypeFor[attributevalue.Unmarshaler]()
	rtTextMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	rtTextUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	rtStringer        = reflect.TypeFor[fmt.Stringer]()
	rtFormatter       = reflect.TypeFor[fmt.Formatter]()
	rtError           = reflect.TypeFor[error]()
	rtNumberIface     = reflect.TypeFor[interface {
		Float64() (float64, error)
		Int64() (int64, error)
		String() string
	}]()
)

// isNumberType reports whether t is a string-kinded number type such as
// json.Number or attributevalue.Number, which encode as N.
func isNumberType(t reflect.Type) bool {
	return t.Kind() == reflect.String && t.Implements(rtNumberIface)
}

// isTimeType reports whether t is time.Time or a struct type convertible to
// it, which attributevalue encodes as a time.
func isTimeType(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.ConvertibleTo(rtTime)
}

// tagOpts are the options of a dynamodbav tag that change how a value is
// encoded or decoded. The ...Elem options apply to map values and list or
// set elements.
type tagOpts uint16

const (
	optOmitEmpty tagOpts = 1 << iota
	optOmitEmptyElem
	optNullEmpty
	optNullEmptyElem
	optString
	optBinarySet
	optNumberSet
	optStringSet
	optUnixTime
	optOmitZero // omitzero: leave out a zero value (IsZero() when the type has it)
	optKeyTime  // a time in a key role, stored as KeyTimeLayout (see keytime.go)
)

// elem returns the options that apply to the elements of a map, list or set
// encoded with options o, as attributevalue derives them.
func (o tagOpts) elem() tagOpts {
	var e tagOpts
	if o&optOmitEmptyElem != 0 {
		e |= optOmitEmpty | optOmitEmptyElem
	}
	if o&optNullEmptyElem != 0 {
		e |= optNullEmpty
	}
	return e
}

// decodeOpts keeps the options that matter when decoding.
func (o tagOpts) decode() tagOpts { return o & optString } // unixtime changes nothing: N always decodes into a time as epoch seconds

// parseAVTag reads the dynamodbav tag the way attributevalue does: the first
// comma-separated part is the name ("-" drops the field whatever follows),
// the rest are options; unknown options are ignored.
func parseAVTag(tag reflect.StructTag) (name string, opts tagOpts, ignore bool) {
	s := tag.Get("dynamodbav")
	if s == "" {
		return "", 0, false
	}
	parts := strings.Split(s, ",")
	if parts[0] == "-" {
		return "", 0, true
	}
	for _, o := range parts[1:] {
		switch o {
		case "omitempty":
			opts |= optOmitEmpty
		case "omitemptyelem":
			opts |= optOmitEmptyElem
		case "nullempty":
			opts |= optNullEmpty
		case "nullemptyelem":
			opts |= optNullEmptyElem
		case "string":
			opts |= optString
		case "binaryset":
			opts |= optBinarySet
		case "numberset":
			opts |= optNumberSet
		case "stringset":
			opts |= optStringSet
		case "unixtime":
			opts |= optUnixTime
		case "omitzero":
			opts |= optOmitZero
		}
	}
	return parts[0], opts, false
}

// hasDDBOption reports whether the ddb tag (schema roles, read by the schema
// code) lists option opt.
func hasDDBOption(tag reflect.StructTag, opt string) bool {
	s, ok := tag.Lookup("ddb")
	if !ok {
		return false
	}
	for _, o := range strings.Split(s, ",") {
		if strings.TrimSpace(o) == opt {
			return true
		}
	}
	return false
}

// structField is one attribute-mapped field of a struct type, after
// flattening embedded structs the way attributevalue does.
type structField struct {
	Name  string            // attribute name
	Index []int             // path for reflect.Value.FieldByIndex
	Type  reflect.Type      // the field's Go type
	Tag   reflect.StructTag // the field's whole tag, for reading ddb:"..."

	opts    tagOpts // dynamodbav options, plus those of ddbTimeOpts
	tagged  bool    // the name comes from the tag
	goName  string  // Go field path for errors, e.g. "Base.ID"
	ptrPath bool    // some step of Index before the last goes through a pointer
	hidden  bool    // an embedded unexported struct named by its tag: reflect marks it read-only
	offset  uintptr // byte offset in the outer struct, when !ptrPath
}

// fastKind marks struct fields of plain scalar types that the struct
// encoder and decoder read and write in place through unsafe pointers,
// without a call through reflect.
type fastKind uint8

const (
	fastNone fastKind = iota
	fastString
	fastBool
	fastInt
	fastInt8
	fastInt16
	fastInt32
	fastInt64
	fastUint
	fastUint8
	fastUint16
	fastUint32
	fastUint64
	fastFloat32
	fastFloat64
)

// fastKindOf returns the fast kind of t when no method of t changes how it
// is encoded or decoded.
func fastKindOf(t reflect.Type) fastKind {
	pt := reflect.PointerTo(t)
	if pt.Implements(rtMarshaler) || pt.Implements(rtAVMarshaler) ||
		pt.Implements(rtUnmarshaler) || pt.Implements(rtAVUnmarshaler) || isNumberType(t) {
		return fastNone
	}
	switch t.Kind() {
	case reflect.String:
		return fastString
	case reflect.Bool:
		return fastBool
	case reflect.Int:
		return fastInt
	case reflect.Int8:
		return fastInt8
	case reflect.Int16:
		return fastInt16
	case reflect.Int32:
		return fastInt32
	case reflect.Int64:
		return fastInt64
	case reflect.Uint:
		return fastUint
	case reflect.Uint8:
		return fastUint8
	case reflect.Uint16:
		return fastUint16
	case reflect.Uint32:
		return fastUint32
	case reflect.Uint64:
		return fastUint64
	case reflect.Float32:
		return fastFloat32
	case reflect.Float64:
		return fastFloat64
	}
	return fastNone
}

func readInt(p unsafe.Pointer, k fastKind) int64 {
	switch k {
	case fastInt:
		return int64(*(*int)(p))
	case fastInt8:
		return int64(*(*int8)(p))
	case fastInt16:
		return int64(*(*int16)(p))
	case fastInt32:
		return int64(*(*int32)(p))
	}
	return *(*int64)(p)
}

func readUint(p unsafe.Pointer, k fastKind) uint64 {
	switch k {
	case fastUint:
		return uint64(*(*uint)(p))
	case fastUint8:
		return uint64(*(*uint8)(p))
	case fastUint16:
		return uint64(*(*uint16)(p))
	case fastUint32:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

// writeInt stores i at p if it fits kind k.
func writeInt(p unsafe.Pointer, k fastKind, i int64) bool {
	switch k {
	case fastInt:
		if int64(int(i)) != i {
			return false
		}
		*(*int)(p) = int(i)
	case fastInt8:
		if i < math.MinInt8 || i > math.MaxInt8 {
			return false
		}
		*(*int8)(p) = int8(i)
	case fastInt16:
		if i < math.MinInt16 || i > math.MaxInt16 {
			return false
		}
		*(*int16)(p) = int16(i)
	case fastInt32:
		if i < math.MinInt32 || i > math.MaxInt32 {
			return false
		}
		*(*int32)(p) = int32(i)
	default:
		*(*int64)(p) = i
	}
	return true
}

// writeUint stores u at p if it fits kind k.
func writeUint(p unsafe.Pointer, k fastKind, u uint64) bool {
	switch k {
	case fastUint:
		if uint64(uint(u)) != u {
			return false
		}
		*(*uint)(p) = uint(u)
	case fastUint8:
		if u > math.MaxUint8 {
			return false
		}
		*(*uint8)(p) = uint8(u)
	case fastUint16:
		if u > math.MaxUint16 {
			return false
		}
		*(*uint16)(p) = uint16(u)
	case fastUint32:
		if u > math.MaxUint32 {
			return false
		}
		*(*uint32)(p) = uint32(u)
	default:
		*(*uint64)(p) = u
	}
	return true
}

var fieldCache sync.Map // reflect.Type -> []structField

// structFields returns the attribute-mapped fields of struct type t in
// declaration order, embedded structs flattened with Go's visibility rules
// (a tagged name wins a tie at the same depth, an unresolved tie drops the
// name), exactly as attributevalue selects them. Fields tagged
// dynamodbav:"-" and unexported fields are left out. The result is cached
// and must not be modified.
func structFields(t reflect.Type) []structField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]structField)
	}
	f, _ := fieldCache.LoadOrStore(t, codecTypeFields(t))
	return f.([]structField)
}

// codecTypeFields enumerates the fields of t breadth first through embedded
// structs, as encoding/json and attributevalue do.
func codecTypeFields(t reflect.Type) []structField {
	if t.Kind() != reflect.Struct {
		return nil
	}
	type queued struct {
		typ    reflect.Type
		index  []int
		goName string
		viaPtr bool
		offset uintptr
	}
	var current []queued
	next := []queued{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []structField

	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, q := range current {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := 0; i < q.typ.NumField(); i++ {
				sf := q.typ.Field(i)
				if !sf.IsExported() && !sf.Anonymous {
					continue
				}
				name, opts, ignore := parseAVTag(sf.Tag)
				if ignore {
					continue
				}
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				index := make([]int, len(q.index)+1)
				copy(index, q.index)
				index[len(q.index)] = i
				goName := sf.Name
				if q.goName != "" {
					goName = q.goName + "." + sf.Name
				}
				if !sf.Anonymous || name != "" || ft.Kind() != reflect.Struct {
					if !sf.IsExported() && (name == "" || ft.Kind() != reflect.Struct) {
						// attributevalue would list an embedded unexported
						// non-struct type and then panic reading it. An
						// embedded unexported struct named by its tag is a
						// field, as there.
						continue
					}
					f := structField{
						Name: sf.Name, Index: index, Type: sf.Type, Tag: sf.Tag,
						opts: opts, goName: goName, ptrPath: q.viaPtr, hidden: !sf.IsExported(),
						offset: q.offset + sf.Offset,
					}
					if name != "" {
						f.Name, f.tagged = name, true
					}
					// Hook for the schema's roles: a time ttl field is
					// stored as if tagged unixtime, a time key field in
					// KeyTimeLayout.
					f.opts |= ddbTimeOpts(sf.Tag, sf.Type, opts)
					fields = append(fields, f)
					if count[q.typ] > 1 {
						// The embedding struct was reached twice at this
						// depth: add a twin so the name is annihilated.
						fields = append(fields, f)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, queued{typ: ft, index: index, goName: goName,
						viaPtr: q.viaPtr || sf.Type.Kind() == reflect.Pointer, offset: q.offset + sf.Offset})
				}
			}
		}
	}

	sort.SliceStable(fields, func(i, j int) bool {
		x, y := fields[i], fields[j]
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		if len(x.Index) != len(y.Index) {
			return len(x.Index) < len(y.Index)
		}
		if x.tagged != y.tagged {
			return x.tagged
		}
		return codecIndexLess(x.Index, y.Index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].Name == fields[i].Name {
			j++
		}
		if f, ok := dominantField(fields[i:j]); ok {
			out = append(out, f)
		}
		i = j
	}
	sort.Slice(out, func(i, j int) bool { return codecIndexLess(out[i].Index, out[j].Index) })
	return out
}

// dominantField picks, among fields sharing one name and sorted by depth,
// the one Go's embedding rules (tag names first) make visible, if any.
func dominantField(fs []structField) (structField, bool) {
	if len(fs) == 1 {
		return fs[0], true
	}
	depth := len(fs[0].Index)
	tagged := -1
	for i, f := range fs {
		if len(f.Index) > depth {
			fs = fs[:i]
			break
		}
		if f.tagged {
			if tagged >= 0 {
				return structField{}, false
			}
			tagged = i
		}
	}
	if tagged >= 0 {
		return fs[tagged], true
	}
	if len(fs) > 1 {
		return structField{}, false
	}
	return fs[0], true
}

func codecIndexLess(a, b []int) bool {
	for k, x := range a {
		if k >= len(b) {
			return false
		}
		if x != b[k] {
			return x < b[k]
		}
	}
	return len(a) < len(b)
}

// codecWritable returns v without the read-only mark reflect puts on values
// reached through an unexported embedded field, when v is addressable.
func codecWritable(v reflect.Value) reflect.Value {
	if v.CanAddr() && !v.CanSet() {
		return reflect.NewAt(v.Type(), v.Addr().UnsafePointer()).Elem()
	}
	return v
}

func codecDeref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// avKindName names an attribute value's DynamoDB type for error messages.
func avKindName(av types.AttributeValue) string {
	switch av.(type) {
	case *types.AttributeValueMemberS:
		return "S"
	case *types.AttributeValueMemberN:
		return "N"
	case *types.AttributeValueMemberB:
		return "B"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberM:
		return "M"
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberSS:
		return "SS"
	case *types.AttributeValueMemberNS:
		return "NS"
	case *types.AttributeValueMemberBS:
		return "BS"
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%T", av)
}

// Codec errors are *Error values with Op "Marshal" or "Unmarshal", Kind
// ErrUnsupportedType or ErrInvalidValue, and Field the Go path of the value
// involved (e.g. "Order.Lines[2].Price" or `Tags["color"]`).

func marshalErr(kind error, cause error, format string, args ...any) error {
	return &Error{Op: "Marshal", Kind: kind, Msg: fmt.Sprintf(format, args...), Err: cause}
}

func unmarshalErr(kind error, cause error, format string, args ...any) error {
	return &Error{Op: "Unmarshal", Kind: kind, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// typeMismatch is the error for an attribute value that cannot be decoded
// into Go type t.
func typeMismatch(av types.AttributeValue, t reflect.Type) error {
	return unmarshalErr(ErrInvalidValue, nil, "cannot decode %s into %v", avKindName(av), t)
}

// atField prefixes the Go path of a codec error with seg: a field name or
// an index or key in brackets.
func atField(err error, seg string) error {
	e, ok := err.(*Error)
	if !ok || (e.Op != "Marshal" && e.Op != "Unmarshal") {
		return err
	}
	switch {
	case e.Field == "":
		e.Field = seg
	case e.Field[0] == '[':
		e.Field = seg + e.Field
	default:
		e.Field = seg + "." + e.Field
	}
	return e
}

// indexSeg and keySeg build path segments for list indexes and map keys.
func indexSeg(i int) string  { return fmt.Sprintf("[%d]", i) }
func keySeg(k string) string { return fmt.Sprintf("[%q]", k) }
func isNullAV(av types.AttributeValue) bool {
	if av == nil {
		return true
	}
	_, ok := av.(*types.AttributeValueMemberNULL)
	return ok
}
