package ddb

// The omitzero tag option (Go 1.24's encoding/json option, which
// attributevalue does not have): `dynamodbav:",omitzero"` leaves a field
// out of its item when its value is zero, as told by its IsZero() bool
// method when the type (or a pointer to it) has one, such as time.Time, and
// otherwise by reflect.Value.IsZero: a zero struct, a nil pointer, 0, "".
// Unlike omitempty it leaves out a zero time.Time or struct, and keeps an
// empty but non-nil slice or map.

import (
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

type isZeroer interface{ IsZero() bool }

var rtIsZeroer = reflect.TypeFor[isZeroer]()

// omitZero wraps enc, the encoder of a field of type t tagged omitzero, so
// that a zero value is left out.
func omitZero(t reflect.Type, enc encoderFunc) encoderFunc {
	isZero := zeroTest(t)
	return func(e *encodeState, v reflect.Value) (types.AttributeValue, error) {
		if isZero(v) {
			return nil, nil
		}
		return enc(e, v)
	}
}

// zeroTest returns the omitzero test for values of type t.
func zeroTest(t reflect.Type) func(reflect.Value) bool {
	switch {
	case t.Implements(rtIsZeroer):
		nilable := t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface
		return func(v reflect.Value) bool {
			if nilable && v.IsNil() {
				return true
			}
			return v.Interface().(isZeroer).IsZero()
		}
	case reflect.PointerTo(t).Implements(rtIsZeroer):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				p := reflect.New(t)
				p.Elem().Set(v)
				v = p.Elem()
			}
			return codecWritable(v).Addr().Interface().(isZeroer).IsZero()
		}
	}
	return reflect.Value.IsZero
}
