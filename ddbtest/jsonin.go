package ddbtest

import (
	"encoding/json"
	"strconv"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// A small JSON reader for the request envelopes of the hot operations
// (PutItem, GetItem, DeleteItem, UpdateItem, Query, Scan, BatchWriteItem): it walks the
// top-level object once and hands attribute values to av's decoder,
// avoiding encoding/json's reflection, which cost about half of the
// server's time per request. The other operations use encoding/json.

type jreader struct {
	b []byte
	i int
}

func errSyntax() error { return serializationError("") }

func (r *jreader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *jreader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

// isNull consumes a JSON null if one is next.
func (r *jreader) isNull() bool {
	if r.peek() == 'n' && len(r.b)-r.i >= 4 && string(r.b[r.i:r.i+4]) == "null" {
		r.i += 4
		return true
	}
	return false
}

// object calls fn for each member key; fn must consume the value.
func (r *jreader) object(fn func(key string) error) error {
	return r.members(false, fn)
}

// members is object; with view, keys without escapes share the body's
// memory (see bodyString).
func (r *jreader) members(view bool, fn func(key string) error) error {
	if r.peek() != '{' {
		return r.typeError("object")
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		if r.peek() != '"' {
			return errSyntax()
		}
		var k string
		var err error
		if view {
			k, err = r.bodyString()
		} else {
			k, err = r.rawString()
		}
		if err != nil {
			return err
		}
		if r.peek() != ':' {
			return errSyntax()
		}
		r.i++
		if err := fn(k); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return errSyntax()
		}
	}
}

// array calls fn for each element of a JSON array; fn must consume it.
// A null is an empty array.
func (r *jreader) array(fn func() error) error {
	if r.isNull() {
		return nil
	}
	if r.peek() != '[' {
		return r.typeError("a list")
	}
	r.i++
	if r.peek() == ']' {
		r.i++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return errSyntax()
		}
	}
}

// rawString reads a JSON string (the reader is at its quote).
func (r *jreader) rawString() (string, error) {
	start := r.i
	r.i++
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return string(r.b[start+1 : r.i-1]), nil
		case c == '\\':
			return r.slowString(start)
		case c < 0x20:
			return "", errSyntax()
		}
		r.i++
	}
	return "", errSyntax()
}

func (r *jreader) slowString(start int) (string, error) {
	r.i = start
	raw, err := r.skip()
	if err != nil {
		return "", err
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errSyntax()
	}
	return s, nil
}

// skip consumes one value and returns its bytes. It checks the nesting
// of objects, arrays and strings but not the scalars inside.
func (r *jreader) skip() ([]byte, error) {
	r.ws()
	start := r.i
	if r.i >= len(r.b) {
		return nil, errSyntax()
	}
	switch r.b[r.i] {
	case '"':
		if err := r.skipString(); err != nil {
			return nil, err
		}
	case '{', '[':
		depth := 0
		for {
			if r.i >= len(r.b) {
				return nil, errSyntax()
			}
			switch r.b[r.i] {
			case '"':
				if err := r.skipString(); err != nil {
					return nil, err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			r.i++
			if depth == 0 {
				break
			}
		}
	default:
		for r.i < len(r.b) {
			switch r.b[r.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				goto done
			}
			r.i++
		}
	done:
		if r.i == start {
			return nil, errSyntax()
		}
	}
	return r.b[start:r.i], nil
}

// skipString consumes a string (the reader is at its quote).
func (r *jreader) skipString() error {
	r.i++
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case '"':
			r.i++
			return nil
		case '\\':
			r.i++
		}
		r.i++
	}
	return errSyntax()
}

// typeError reports a value of the wrong JSON type, as DynamoDB does.
func (r *jreader) typeError(want string) error {
	switch r.peek() {
	case '{':
		if want == "object" {
			return errSyntax()
		}
		return serializationError("Start of structure or map found where not expected")
	case '[':
		return serializationError("Start of list found where not expected")
	case '"':
		return serializationError("STRING_VALUE cannot be converted to " + want)
	case 't', 'f':
		return serializationError("TRUE_VALUE cannot be converted to " + want)
	}
	return serializationError("NUMBER_VALUE cannot be converted to " + want)
}

func (r *jreader) str() (*string, error) {
	if r.isNull() {
		return nil, nil
	}
	if r.peek() != '"' {
		return nil, r.typeError("String")
	}
	s, err := r.rawString()
	return &s, err
}

func (r *jreader) plainStr() (string, error) {
	s, err := r.str()
	if s == nil {
		return "", err
	}
	return *s, err
}

func (r *jreader) boolean() (bool, error) {
	if r.isNull() {
		return false, nil
	}
	switch r.peek() {
	case 't':
		if len(r.b)-r.i >= 4 && string(r.b[r.i:r.i+4]) == "true" {
			r.i += 4
			return true, nil
		}
	case 'f':
		if len(r.b)-r.i >= 5 && string(r.b[r.i:r.i+5]) == "false" {
			r.i += 5
			return false, nil
		}
	case '"', '{', '[':
		return false, r.typeError("Boolean")
	}
	return false, errSyntax()
}

func (r *jreader) integer() (*int, error) {
	if r.isNull() {
		return nil, nil
	}
	c := r.peek()
	if c != '-' && (c < '0' || c > '9') {
		return nil, r.typeError("Integer")
	}
	raw, err := r.skip()
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return nil, serializationError("NUMBER_VALUE cannot be converted to Integer")
	}
	return &n, nil
}

func (r *jreader) item() (av.Item, error) {
	if r.isNull() {
		return nil, nil
	}
	if r.peek() != '{' {
		return nil, r.typeError("a structure")
	}
	raw, err := r.skip()
	if err != nil {
		return nil, err
	}
	return av.ParseItemJSON(raw)
}

func (r *jreader) stringMap() (map[string]string, error) {
	if r.isNull() {
		return nil, nil
	}
	m := map[string]string{}
	err := r.object(func(k string) error {
		v, err := r.plainStr()
		m[k] = v
		return err
	})
	return m, err
}

// legacy records a legacy parameter's raw value.
func (r *jreader) raw() (json.RawMessage, error) {
	return r.skip()
}

// decodeFields decodes body, a JSON object, calling field for each member;
// field reports false for members it does not know, which are skipped.
func decodeFields(body []byte, field func(key string, r *jreader) (bool, error)) error {
	r := &jreader{b: body}
	err := r.object(func(k string) error {
		ok, err := field(k, r)
		if err == nil && !ok {
			_, err = r.skip()
		}
		return err
	})
	if err != nil {
		return asAPIError(err)
	}
	if r.peek() != 0 {
		return errSyntax()
	}
	return nil
}

// field decodes the expression maps.
func (p *exprParams) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "ExpressionAttributeNames":
		p.ExpressionAttributeNames, err = r.stringMap()
	case "ExpressionAttributeValues":
		p.ExpressionAttributeValues, err = r.item()
	default:
		return false, nil
	}
	return true, err
}

// field decodes the legacy parameters.
func (l *legacyParams) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "Expected":
		l.Expected, err = r.raw()
	case "ConditionalOperator":
		l.ConditionalOperator, err = r.raw()
	case "AttributesToGet":
		l.AttributesToGet, err = r.raw()
	case "AttributeUpdates":
		l.AttributeUpdates, err = r.raw()
	case "KeyConditions":
		l.KeyConditions, err = r.raw()
	case "QueryFilter":
		l.QueryFilter, err = r.raw()
	case "ScanFilter":
		l.ScanFilter, err = r.raw()
	default:
		return false, nil
	}
	return true, err
}

// baseParams are the members every operation decoded here has.
type baseParams struct {
	TableName              *string
	ReturnConsumedCapacity string
	exprParams
	legacyParams
}

func (p *baseParams) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "TableName":
		p.TableName, err = r.str()
	case "ReturnConsumedCapacity":
		p.ReturnConsumedCapacity, err = r.plainStr()
	default:
		if ok, err = p.exprParams.field(k, r); ok {
			return ok, err
		}
		return p.legacyParams.field(k, r)
	}
	return true, err
}

// writeFields are the members PutItem, DeleteItem and UpdateItem share.
type writeFields struct {
	baseParams
	Key                                 av.Item
	ConditionExpression                 *string
	ReturnValues                        string
	ReturnItemCollectionMetrics         string
	ReturnValuesOnConditionCheckFailure string
}

func (w *writeFields) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "Key":
		w.Key, err = r.item()
	case "ConditionExpression":
		w.ConditionExpression, err = r.str()
	case "ReturnValues":
		w.ReturnValues, err = r.plainStr()
	case "ReturnItemCollectionMetrics":
		w.ReturnItemCollectionMetrics, err = r.plainStr()
	case "ReturnValuesOnConditionCheckFailure":
		w.ReturnValuesOnConditionCheckFailure, err = r.plainStr()
	default:
		return w.baseParams.field(k, r)
	}
	return true, err
}

func (in *getItemInput) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "Key":
		in.Key, err = r.item()
	case "ConsistentRead":
		in.ConsistentRead, err = r.boolean()
	case "ProjectionExpression":
		in.ProjectionExpression, err = r.str()
	case "ExpressionAttributeValues":
		// Not a GetItem member: ignored like any unknown member (as
		// dynalite does), rather than reported as unused values.
		return false, nil
	default:
		return in.baseParams.field(k, r)
	}
	return true, err
}

func (in *readInput) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "IndexName":
		in.IndexName, err = r.str()
	case "FilterExpression":
		in.FilterExpression, err = r.str()
	case "ProjectionExpression":
		in.ProjectionExpression, err = r.str()
	case "Select":
		in.Select, err = r.plainStr()
	case "Limit":
		in.Limit, err = r.integer()
	case "ConsistentRead":
		in.ConsistentRead, err = r.boolean()
	case "ExclusiveStartKey":
		in.ExclusiveStartKey, err = r.item()
	default:
		return in.baseParams.field(k, r)
	}
	return true, err
}

func (in *queryInput) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "KeyConditionExpression":
		in.KeyConditionExpression, err = r.str()
	case "ScanIndexForward":
		var b bool
		if !r.isNull() {
			b, err = r.boolean()
			in.ScanIndexForward = &b
		}
	default:
		return in.readInput.field(k, r)
	}
	return true, err
}

func (in *scanInput) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "Segment":
		in.Segment, err = r.integer()
	case "TotalSegments":
		in.TotalSegments, err = r.integer()
	default:
		return in.readInput.field(k, r)
	}
	return true, err
}

// itemMember decodes an object's member called name as an item (the
// PutRequest's Item, the DeleteRequest's Key), skipping the others.
func (r *jreader) itemMember(name string) (av.Item, error) {
	var it av.Item
	if r.isNull() {
		return nil, nil
	}
	err := r.object(func(k string) (err error) {
		if k == name {
			it, err = r.item()
		} else {
			_, err = r.skip()
		}
		return err
	})
	return it, err
}

func (in *batchWriteInput) field(k string, r *jreader) (ok bool, err error) {
	switch k {
	case "ReturnConsumedCapacity":
		in.ReturnConsumedCapacity, err = r.plainStr()
	case "ReturnItemCollectionMetrics":
		in.ReturnItemCollectionMetrics, err = r.plainStr()
	case "RequestItems":
		if r.isNull() {
			return true, nil
		}
		in.RequestItems = map[string][]writeRequest{}
		err = r.object(func(name string) error {
			var reqs []writeRequest
			err := r.array(func() error {
				var w writeRequest
				err := r.object(func(k string) (err error) {
					switch k {
					case "PutRequest":
						if !r.isNull() {
							w.PutRequest = &struct{ Item av.Item }{}
							w.PutRequest.Item, err = r.itemMember("Item")
						}
					case "DeleteRequest":
						if !r.isNull() {
							w.DeleteRequest = &struct{ Key av.Item }{}
							w.DeleteRequest.Key, err = r.itemMember("Key")
						}
					default:
						_, err = r.skip()
					}
					return err
				})
				reqs = append(reqs, w)
				return err
			})
			in.RequestItems[name] = reqs
			return err
		})
	default:
		return false, nil
	}
	return true, err
}
