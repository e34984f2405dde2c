package ddb

// Times in key attributes.
//
// attributevalue stores a time.Time as RFC 3339 text with trailing zeros
// trimmed and the value's own zone, so as a key "…01.25Z" sorts before
// "…01Z", and one instant written from two zones is two keys. A time in a
// key role (pk, sk, gsi=, lsi=, or a key declared with WithKey,
// WithGlobalIndex or WithLocalIndex) is therefore stored so that byte order
// is time order and equal instants are equal keys:
//
//   - by default as S in KeyTimeLayout: UTC, fixed width, nanoseconds;
//   - with `dynamodbav:",unixtime"` as N epoch seconds (sub-second
//     precision is dropped, as attributevalue does);
//   - with the ddb tag option timefmt=rfc3339 as attributevalue stores it,
//     for tables written by attributevalue or guregu/dynamo. Such keys do
//     not sort in time order (fractions of a second and zones break it) and
//     must be queried with the zone they were written in.
//
// Every key value, whether in an item, a Get/Delete/Update key, a key
// condition, a batch or a transaction, or a time compared with a key
// attribute in a filter or condition (Attr("Placed").Ge(t)), is encoded by
// schema.encodeKey (or, for an item of a struct T, by the same field
// encoder), so all agree.

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// KeyTimeLayout is the layout of a time.Time stored in a string key
// attribute: UTC with nine fractional digits, so that the text sorts in
// time order (for years 0 to 9999). Format a time with it to build a
// BeginsWith prefix or to compare with stored keys.
const KeyTimeLayout = "2006-01-02T15:04:05.000000000Z"

// timeFmtLegacy is the ddb tag option that keeps attributevalue's time text
// for a key field.
const timeFmtLegacy = "timefmt=rfc3339"

// appendKeyTime appends t in KeyTimeLayout.
func appendKeyTime(b []byte, t time.Time) ([]byte, error) {
	u := t.UTC()
	if y := u.Year(); y < 0 || y > 9999 {
		return b, marshalErr(ErrInvalidValue, nil, "time %v as a key: the year must be 0 to 9999 to keep time order", t)
	}
	return u.AppendFormat(b, KeyTimeLayout), nil
}

// keyTimeString returns t in KeyTimeLayout.
func keyTimeString(t time.Time) (string, error) {
	b, err := appendKeyTime(make([]byte, 0, len(KeyTimeLayout)), t)
	return string(b), err
}

// ddbTimeOpts returns the codec options that the ddb tag of a field of type
// t adds: unixtime for a ttl time, the key time encoding for a time in a
// key role (unless unixtime or timefmt=rfc3339 chooses another).
func ddbTimeOpts(tag reflect.StructTag, t reflect.Type, opts tagOpts) tagOpts {
	s, ok := tag.Lookup("ddb")
	if !ok || opts&optUnixTime != 0 || !isTimeType(codecDeref(t)) {
		return 0
	}
	var key, legacy, ttl bool
	for _, o := range strings.Split(s, ",") {
		switch o = strings.TrimSpace(o); {
		case o == "pk", o == "sk", strings.HasPrefix(o, "gsi="), strings.HasPrefix(o, "lsi="):
			key = true
		case o == "ttl":
			ttl = true
		case o == timeFmtLegacy:
			legacy = true
		}
	}
	switch {
	case ttl:
		return optUnixTime // DynamoDB's time to live reads epoch seconds
	case key && !legacy:
		return optKeyTime
	}
	return 0
}

// checkTimeFmt validates the ddb tag option timefmt=... of field f.
func (s *schema) checkTimeFmt(f structField, opt string) error {
	if opt != timeFmtLegacy {
		return schemaErr(s.itemType, f.Name, "bad option %q: the only time format option is %s", opt, timeFmtLegacy)
	}
	if !isTimeType(codecDeref(f.Type)) {
		return schemaErr(s.itemType, f.Name, "option %s on a field of type %v, not a time", opt, f.Type)
	}
	return nil
}

// asKeyField returns the key field f's own encoding options for a key
// declared by an option rather than a ddb tag: a time field without a ddb
// tag gets the key time encoding, which the item encoding then needs too
// (see fixKeyTimes).
func asKeyField(f structField) (structField, bool) {
	if f.opts&(optUnixTime|optKeyTime) != 0 || !isTimeType(codecDeref(f.Type)) || hasDDBOption(f.Tag, timeFmtLegacy) {
		return f, false
	}
	f.opts |= optKeyTime
	return f, true
}

// encodeFieldValue encodes v, a value of f.Type, as field f is encoded in
// its struct, but never omitted.
func encodeFieldValue(f *structField, v reflect.Value) (types.AttributeValue, error) {
	e := encPool.Get().(*encodeState)
	av, err := encoderFor(f.Type, f.opts&^(optOmitEmpty|optOmitEmptyElem|optOmitZero))(e, v)
	encPool.Put(e)
	return av, err
}

// fieldArg converts a key value given by the caller to the Go type ft of a
// key field: the same type, a pointer to it or its element, or a time.Time
// for a field of a type convertible from time.Time.
func fieldArg(v any, ft reflect.Type) (reflect.Value, bool) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return reflect.Value{}, false
	}
	if rv.Type() == ft {
		return rv, true
	}
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if rv = rv.Elem(); rv.Type() == ft {
			return rv, true
		}
	}
	base := ft
	if ft.Kind() == reflect.Pointer {
		base = ft.Elem()
	}
	switch {
	case rv.Type() == base:
	case rv.Type() == rtTime && isTimeType(base):
		rv = rv.Convert(base)
	default:
		return reflect.Value{}, false
	}
	if base == ft {
		return rv, true
	}
	p := reflect.New(base)
	p.Elem().Set(rv)
	return p, true
}

// timeArg returns the time held by v, a time.Time or non-nil *time.Time.
func timeArg(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case *time.Time:
		if t != nil {
			return *t, true
		}
	}
	return time.Time{}, false
}

// encodeKey encodes one value of key attribute a: through the key field's
// encoder for a struct T (the value may be of the field's type, a pointer
// to it or its element), a time by the key time rule of a's type (S as
// KeyTimeLayout, N as epoch seconds), anything else with Marshal. It is
// the one key encoding of the package; marshalKey adds the checks.
func (s *schema) encodeKey(a KeyAttr, v any) (types.AttributeValue, error) {
	if fi := s.byAttr[a.Name]; fi != nil {
		if rv, ok := fieldArg(v, fi.Type); ok {
			return encodeFieldValue(&fi.structField, rv)
		}
	}
	if tm, ok := timeArg(v); ok {
		return keyTimeAV(tm, a.Type)
	}
	return Marshal(v)
}

// keyTimeAV encodes tm for a key attribute of type typ.
func keyTimeAV(tm time.Time, typ types.ScalarAttributeType) (types.AttributeValue, error) {
	switch typ {
	case types.ScalarAttributeTypeS:
		s, err := keyTimeString(tm)
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberS{Value: s}, nil
	case types.ScalarAttributeTypeN:
		return &types.AttributeValueMemberN{Value: fmt.Sprint(tm.Unix())}, nil
	}
	return nil, marshalErr(ErrInvalidValue, nil, "a time cannot be a key of type %s", typ)
}

// fixKeyTimes re-encodes, in av (item's encoding), the key attributes whose
// key encoding differs from their item encoding: times in a map item, and
// time fields of a struct declared as keys by options. Struct fields with a
// ddb key tag need nothing: the codec encodes them as keys already.
func (s *schema) fixKeyTimes(item any, av map[string]types.AttributeValue) error {
	if s.isStruct && len(s.retag) == 0 {
		return nil
	}
	rv := reflect.ValueOf(item)
	if s.isStruct {
		for _, fi := range s.retag {
			fv := fieldValue(rv, fi.Index)
			if !fv.IsValid() || av[fi.Name] == nil {
				continue
			}
			x, err := encodeFieldValue(&fi.structField, fv)
			if err != nil {
				return err
			}
			av[fi.Name] = x
		}
		return nil
	}
	if rv.Kind() != reflect.Map || rv.IsNil() {
		return nil
	}
	for _, a := range s.allKeyAttrs() {
		mv := rv.MapIndex(reflect.ValueOf(a.Name).Convert(rv.Type().Key()))
		if !mv.IsValid() {
			continue
		}
		if tm, ok := timeArg(mv.Interface()); ok {
			x, err := keyTimeAV(tm, a.Type)
			if err != nil {
				return err
			}
			av[a.Name] = x
		}
	}
	return nil
}

// allKeyAttrs returns the key attributes of the table and of its indexes.
func (s *schema) allKeyAttrs() []KeyAttr {
	attrs := s.keyAttrs()
	for _, ix := range s.indexes {
		attrs = append(attrs, ix.attrs()...)
	}
	return attrs
}

// keyCondition returns kc with its bounds encoded as values of sort key a
// where they are of the key field's type or times, so that a key condition
// compares with keys as they are stored; other bounds are left as given.
func (s *schema) keyCondition(a KeyAttr, kc *KeyCondition) (*KeyCondition, error) {
	if kc == nil || a.Name == "" {
		return kc, nil
	}
	c := *kc
	for _, b := range []*any{&c.lo, &c.hi} {
		if *b == nil {
			continue
		}
		if _, isAV := (*b).(types.AttributeValue); isAV {
			continue
		}
		_, encode := timeArg(*b)
		if fi := s.byAttr[a.Name]; !encode && fi != nil {
			_, encode = fieldArg(*b, fi.Type) // a value of the field's type
		}
		if !encode {
			continue
		}
		av, err := s.encodeKey(a, *b)
		if err != nil {
			return nil, err
		}
		*b = av
	}
	return &c, nil
}

// keyTimeUpdate returns u with the times it sets on index key attributes
// re-encoded as keys. An Update is built without its table, so such a
// time was encoded as attributevalue's text; that RFC 3339 text holds the
// exact instant, which KeyTimeLayout then renders.
func (s *schema) keyTimeUpdate(u *Update) *Update {
	var out *Update
	for i, a := range u.acts {
		fi := s.byAttr[a.path.top()]
		if fi == nil || fi.opts&optKeyTime == 0 || a.path.depth() != 1 {
			continue
		}
		sv, ok := a.av.(*types.AttributeValueMemberS)
		if !ok {
			continue
		}
		tm, err := time.Parse(time.RFC3339Nano, sv.Value)
		if err != nil {
			continue
		}
		ks, err := keyTimeString(tm)
		if err != nil || ks == sv.Value {
			continue
		}
		if out == nil {
			out = &Update{acts: slices.Clone(u.acts)}
		}
		out.acts[i].av = &types.AttributeValueMemberS{Value: ks}
	}
	if out == nil {
		return u
	}
	return out
}

// keyTimeArgs returns the operands of a comparison, BETWEEN or IN with the
// time values compared with a key attribute of the table encoded as that
// key stores them (a time written as attributevalue's text would compare
// as other text), or args itself when there is nothing to re-encode. The
// condition's own operands are never changed: a Condition can be shared.
func (b *exprBuilder) keyTimeArgs(args []operand) ([]operand, error) {
	if b.keys == nil {
		return args, nil
	}
	var out []operand
	for i, a := range args {
		if a.raw == nil {
			continue
		}
		// The attribute compared: the first operand, or for a value on the
		// left of a two-operand comparison, the second.
		other := args[0]
		if i == 0 && len(args) == 2 {
			other = args[1]
		}
		ka, ok := b.keys.keyAttrNamed(other)
		if !ok {
			continue
		}
		av, err := b.keys.encodeKey(ka, a.raw)
		if err != nil {
			return nil, exprErr(ka.Name, "time value", err)
		}
		if out == nil {
			out = slices.Clone(args)
		}
		out[i].av = av
	}
	if out == nil {
		return args, nil
	}
	return out, nil
}

// keyAttrNamed returns the key attribute (of the table or an index) that
// operand o names as a whole top-level attribute.
func (s *schema) keyAttrNamed(o operand) (KeyAttr, bool) {
	if o.av != nil || o.size || len(o.path.rest) != 0 || o.path.head == "" {
		return KeyAttr{}, false
	}
	for _, a := range s.keyAttrs() {
		if a.Name == o.path.head {
			return a, true
		}
	}
	for _, ix := range s.indexes {
		for _, a := range ix.attrs() {
			if a.Name == o.path.head {
				return a, true
			}
		}
	}
	return KeyAttr{}, false
}
