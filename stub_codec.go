package ddb

// TEMPORARY: this file stands in for the real codec (marshal.go/unmarshal.go)
// until it lands. It delegates to attributevalue, which the real codec must
// match value for value. The codec work deletes this file.

import (
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Marshal encodes a Go value as one attribute value.
func Marshal(v any) (types.AttributeValue, error) { return attributevalue.Marshal(v) }

// Unmarshal decodes an attribute value into the value out points to.
func Unmarshal(av types.AttributeValue, out any) error { return attributevalue.Unmarshal(av, out) }

// MarshalItem encodes a struct or map as a DynamoDB item.
func MarshalItem(v any) (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMap(v)
}

// UnmarshalItem decodes a DynamoDB item into the struct or map out points to.
func UnmarshalItem(item map[string]types.AttributeValue, out any) error {
	return attributevalue.UnmarshalMap(item, out)
}

// structField is one attribute-mapped field of a struct type, after
// flattening embedded structs the way attributevalue does.
type structField struct {
	Name  string            // attribute name
	Index []int             // path for reflect.Value.FieldByIndex
	Type  reflect.Type      // the field's Go type
	Tag   reflect.StructTag // the field's whole tag, for reading ddb:"..."
}

var stubFields sync.Map

// structFields returns the attribute-mapped fields of struct type t, in
// declaration order. Fields tagged dynamodbav:"-" and unexported fields are
// left out. The result is cached and must not be modified.
func structFields(t reflect.Type) []structField {
	if f, ok := stubFields.Load(t); ok {
		return f.([]structField)
	}
	var out []structField
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			tag := f.Tag.Get("dynamodbav")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out = append(out, structField{Name: name, Index: idx, Type: f.Type, Tag: f.Tag})
		}
	}
	walk(t, nil)
	stubFields.Store(t, out)
	return out
}
