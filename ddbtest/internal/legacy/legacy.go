// Package legacy implements DynamoDB's pre-expression ("legacy")
// parameters: Expected and ConditionalOperator on PutItem, DeleteItem and
// UpdateItem, AttributesToGet on GetItem, Query, Scan and BatchGetItem,
// AttributeUpdates on UpdateItem, KeyConditions and QueryFilter on Query
// and ScanFilter on Scan. It validates them with DynamoDB's messages and
// compiles their conditions and projections into the expression engine
// (package expr), so that legacy and expression requests share one
// evaluator.
package legacy

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/expr"
)

// Params are a request's legacy members as raw JSON (nil when absent).
type Params struct {
	Expected            json.RawMessage
	ConditionalOperator json.RawMessage
	AttributesToGet     json.RawMessage
	AttributeUpdates    json.RawMessage
	KeyConditions       json.RawMessage
	QueryFilter         json.RawMessage
	ScanFilter          json.RawMessage
}

// order is the order in which DynamoDB lists the legacy parameters of a
// request that mixes them with expressions (e.g. "AttributeUpdates,
// Expected, ConditionalOperator" on UpdateItem, "AttributesToGet,
// QueryFilter, ConditionalOperator, KeyConditions" on Query).
var order = []string{"AttributesToGet", "AttributeUpdates", "Expected", "QueryFilter", "ScanFilter", "ConditionalOperator", "KeyConditions"}

// members are the legacy members of each operation; the others are not
// members of its input and are ignored, as unknown members are.
var members = map[string][]string{
	"PutItem":      {"Expected", "ConditionalOperator"},
	"DeleteItem":   {"Expected", "ConditionalOperator"},
	"UpdateItem":   {"AttributeUpdates", "Expected", "ConditionalOperator"},
	"GetItem":      {"AttributesToGet"},
	"BatchGetItem": {"AttributesToGet"},
	"Query":        {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"},
	"Scan":         {"AttributesToGet", "ScanFilter", "ConditionalOperator"},
}

func (p *Params) field(name string) *json.RawMessage {
	switch name {
	case "Expected":
		return &p.Expected
	case "ConditionalOperator":
		return &p.ConditionalOperator
	case "AttributesToGet":
		return &p.AttributesToGet
	case "AttributeUpdates":
		return &p.AttributeUpdates
	case "KeyConditions":
		return &p.KeyConditions
	case "QueryFilter":
		return &p.QueryFilter
	case "ScanFilter":
		return &p.ScanFilter
	}
	panic("legacy: unknown parameter " + name)
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// Any reports whether any legacy parameter is present.
func (p *Params) Any() bool {
	for _, n := range order {
		if present(*p.field(n)) {
			return true
		}
	}
	return false
}

// Request is a request's decoded legacy parameters. Its methods compile
// them, each making DynamoDB's semantic checks of its members; the caller
// calls them in the order DynamoDB checks the operation.
type Request struct {
	expected []expected
	or       bool
	attrs    []string
	hasAttrs bool
	updates  []update
	keyConds []condition
	hasKeys  bool
	filter   []condition
	filterOf string // "QueryFilter" or "ScanFilter"
}

// Parse decodes the legacy members of operation op (other legacy members
// are ignored). used names the expression parameters the request has, in
// DynamoDB's order: mixing both kinds is rejected with DynamoDB's message,
// except that a Query's KeyConditions may go with expressions as long as
// KeyConditionExpression is not one of them. Enum constraint violations
// are collected into one message, as DynamoDB words them.
//
// Parse returns nil (a valid *Request with no legacy parameters) when the
// request has none, without allocating.
func (p *Params) Parse(op string, used []string) (*Request, error) {
	if !p.Any() {
		return nil, nil
	}
	ms := members[op]
	var legacy []string
	for _, n := range order {
		if slices.Contains(ms, n) && present(*p.field(n)) {
			legacy = append(legacy, n)
		}
	}
	if len(used) > 0 && !slices.Contains(used, "KeyConditionExpression") {
		legacy = slices.DeleteFunc(legacy, func(n string) bool { return n == "KeyConditions" })
	}
	if len(used) > 0 && len(legacy) > 0 {
		return nil, av.NewValidationError("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {" +
			strings.Join(legacy, ", ") + "} Expression parameters: {" + strings.Join(used, ", ") + "}")
	}
	r := &Request{}
	var c constraints
	var err error
	condOp := slices.Contains(ms, "ConditionalOperator") && present(p.ConditionalOperator)
	if condOp {
		var s string
		if err := decode(p.ConditionalOperator, &s); err != nil {
			return nil, err
		}
		c.enum("conditionalOperator", &s, conditionalOperators)
		r.or = s == "OR"
	}
	if slices.Contains(ms, "Expected") {
		if r.expected, err = decodeExpected(p.Expected, &c); err != nil {
			return nil, err
		}
	}
	if slices.Contains(ms, "AttributesToGet") && present(p.AttributesToGet) {
		if err := decode(p.AttributesToGet, &r.attrs); err != nil {
			return nil, err
		}
		r.hasAttrs = true
		c.length("attributesToGet", r.attrs, 1, 255)
	}
	if slices.Contains(ms, "AttributeUpdates") {
		if r.updates, err = decodeUpdates(p.AttributeUpdates, &c); err != nil {
			return nil, err
		}
	}
	if slices.Contains(ms, "KeyConditions") && present(p.KeyConditions) {
		if r.keyConds, err = decodeConditions(p.KeyConditions, "keyConditions", &c); err != nil {
			return nil, err
		}
		r.hasKeys = true
	}
	for _, f := range []string{"QueryFilter", "ScanFilter"} {
		if slices.Contains(ms, f) && present(*p.field(f)) {
			path := strings.ToLower(f[:1]) + f[1:]
			if r.filter, err = decodeConditions(*p.field(f), path, &c); err != nil {
				return nil, err
			}
			r.filterOf = f
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if condOp {
		// ConditionalOperator joins the conditions of Expected or of the
		// filter: it needs two of them.
		switch max(len(r.expected), len(r.filter)) {
		case 0:
			return nil, av.NewValidationError("ConditionalOperator cannot be used without Filter or Expected")
		case 1:
			return nil, av.NewValidationError("ConditionalOperator can only be used when Filter or Expected has two or more elements")
		}
	}
	return r, nil
}

// HasAttributesToGet reports whether AttributesToGet was given.
func (r *Request) HasAttributesToGet() bool { return r != nil && r.hasAttrs }

// HasKeyConditions reports whether KeyConditions was given.
func (r *Request) HasKeyConditions() bool { return r != nil && r.hasKeys }

// Projection checks AttributesToGet and compiles it; nil when absent.
func (r *Request) Projection() (*expr.Projection, error) {
	if r == nil || !r.hasAttrs {
		return nil, nil
	}
	names := make(map[string]string, len(r.attrs))
	var src strings.Builder
	for i, a := range r.attrs {
		if slices.Contains(r.attrs[:i], a) {
			return nil, av.NewValidationError("One or more parameter values were invalid: Duplicate value in attribute name: " + a)
		}
		ph := "#a" + strconv.Itoa(i)
		names[ph] = a
		if i > 0 {
			src.WriteString(", ")
		}
		src.WriteString(ph)
	}
	env := &expr.Env{Names: names}
	return expr.ParseProjection(src.String(), env)
}

// constraints collects DynamoDB's constraint violations
// ("Value 'X' at 'path' failed to satisfy constraint: ...").
type constraints []string

func (c *constraints) enum(path string, v *string, set []string) {
	if v == nil {
		return
	}
	if !slices.Contains(set, *v) {
		*c = append(*c, "Value '"+*v+"' at '"+path+"' failed to satisfy constraint: Member must satisfy enum value set: ["+strings.Join(set, ", ")+"]")
	}
}

func (c *constraints) notNull(path string, v *string) {
	if v == nil {
		*c = append(*c, "Value null at '"+path+"' failed to satisfy constraint: Member must not be null")
	}
}

func (c *constraints) length(path string, v []string, lo, hi int) {
	text := "[" + strings.Join(v, ", ") + "]"
	switch {
	case len(v) < lo:
		*c = append(*c, "Value '"+text+"' at '"+path+"' failed to satisfy constraint: Member must have length greater than or equal to "+strconv.Itoa(lo))
	case len(v) > hi:
		*c = append(*c, "Value '"+text+"' at '"+path+"' failed to satisfy constraint: Member must have length less than or equal to "+strconv.Itoa(hi))
	}
}

func (c constraints) err() error {
	switch len(c) {
	case 0:
		return nil
	case 1:
		return av.NewValidationError("1 validation error detected: " + c[0])
	}
	return av.NewValidationError(strconv.Itoa(len(c)) + " validation errors detected: " + strings.Join(c, "; "))
}

// member is one member of a JSON object, in request order.
type member struct {
	name string
	raw  json.RawMessage
}

// decodeObject splits a JSON object into its members, in order; null
// gives none.
func decodeObject(raw json.RawMessage) ([]member, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	tok, err := d.Token()
	if err != nil {
		return nil, serializationError(raw)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('{') {
		return nil, serializationError(raw)
	}
	var out []member
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return nil, serializationError(raw)
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, serializationError(raw)
		}
		out = append(out, member{name: k.(string), raw: v})
	}
	return out, nil
}

// decodeMap decodes a JSON object of attribute name to J (absent or null:
// nil), converting each member with conv, in request order.
func decodeMap[J, T any](raw json.RawMessage, conv func(name string, j *J) T) ([]T, error) {
	if !present(raw) {
		return nil, nil
	}
	ms, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ms))
	for _, m := range ms {
		var j J
		if err := decode(m.raw, &j); err != nil {
			return nil, err
		}
		out = append(out, conv(m.name, &j))
	}
	return out, nil
}

// decode unmarshals a member, with a SerializationException for a value
// of the wrong JSON type.
func decode(raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		if e, ok := err.(*av.Error); ok {
			return e
		}
		return serializationError(raw)
	}
	return nil
}

// serializationError words a wrong JSON type as DynamoDB does, from the
// first byte of the offending value.
func serializationError(raw json.RawMessage) error {
	msg := "Unexpected value type in payload"
	switch b := bytes.TrimSpace(raw); {
	case len(b) == 0:
	case b[0] == '{':
		msg = "Start of structure or map found where not expected"
	case b[0] == '[':
		msg = "Start of list found where not expected"
	case b[0] == '"':
		msg = "STRING_VALUE can not be converted to a structure"
	case b[0] == 't' || b[0] == 'f':
		msg = "TRUE_VALUE can not be converted to String"
	default:
		msg = "NUMBER_VALUE can not be converted to String"
	}
	return &av.Error{Type: av.SerializationException, Message: msg}
}

// validateValues validates and canonicalises attribute values in place.
func validateValues(vs []av.Value) error {
	for i := range vs {
		if err := vs[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}
