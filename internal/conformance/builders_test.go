package conformance

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// obj is a JSON object: a request, an item or an attribute value.
type obj = map[string]any

// scenario is a named sequence of steps, run in order against both
// servers. Table names in its requests are prefixed with the scenario's
// name, so scenarios run in parallel without sharing tables.
type scenario struct {
	name  string
	steps []step
}

// step is one request (or, when paged, one chain of requests).
type step struct {
	op   string
	req  obj
	note string
	// unordered compares the returned Items as a set and only the presence
	// of LastEvaluatedKey, for Scans over many partitions whose order
	// differs legitimately between implementations.
	unordered bool
	// pages follows LastEvaluatedKey until the end and compares every page.
	pages bool
	// ignore lists dotted paths dropped from both answers before comparing.
	ignore []string
	// knownDiff allow-lists a difference, with the reason. Reasons starting
	// with "ddbtest bug" are open bugs to fix in ddbtest.
	knownDiff string
}

func call(op string, req obj) step { return step{op: op, req: req} }

// known allow-lists a difference for the step.
func (s step) known(reason string) step { s.knownDiff = reason; return s }

// bug marks an open ddbtest bug. (None is open at the moment; the mark is
// kept for the next one.)
//
//lint:ignore U1000 kept for marking the next open bug
func (s step) bug(reason string) step { s.knownDiff = "ddbtest bug (open): " + reason; return s }

func (s step) unord() step          { s.unordered = true; return s }
func (s step) paged() step          { s.pages = true; return s }
func (s step) why(note string) step { s.note = note; return s }
func (s step) ign(paths ...string) step {
	s.ignore = append(append([]string(nil), s.ignore...), paths...)
	return s
}

// kv builds an object from alternating keys and values.
func kv(pairs ...any) obj {
	if len(pairs)%2 != 0 {
		panic(fmt.Sprintf("kv: odd number of arguments: %v", pairs))
	}
	o := obj{}
	for i := 0; i < len(pairs); i += 2 {
		o[pairs[i].(string)] = pairs[i+1]
	}
	return o
}

// with returns a copy of base with the pairs set.
func with(base obj, pairs ...any) obj {
	o := obj{}
	for k, v := range base {
		o[k] = v
	}
	for k, v := range kv(pairs...) {
		o[k] = v
	}
	return o
}

// Attribute values.

func S(s string) obj     { return obj{"S": s} }
func N(s string) obj     { return obj{"N": s} }
func B(b string) obj     { return obj{"B": b64(b)} }
func BOOL(b bool) obj    { return obj{"BOOL": b} }
func NULL() obj          { return obj{"NULL": true} }
func M(m obj) obj        { return obj{"M": m} }
func L(vs ...any) obj    { return obj{"L": vs} }
func SS(v ...string) obj { return obj{"SS": anys(v)} }
func NS(v ...string) obj { return obj{"NS": anys(v)} }
func BS(v ...string) obj {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = b64(s)
	}
	return obj{"BS": out}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func anys(v []string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}

// Tables.

// tdef builds a CreateTable request.
type tdef struct{ req obj }

// newTable starts a PAY_PER_REQUEST table with key attributes given as
// "name:type", hash key first.
func newTable(name string, keys ...string) tdef {
	t := tdef{req: obj{"TableName": name, "BillingMode": "PAY_PER_REQUEST"}}
	t.req["KeySchema"] = t.keySchema(keys)
	return t
}

func (t tdef) keySchema(keys []string) []any {
	var ks []any
	for i, k := range keys {
		name, typ, _ := strings.Cut(k, ":")
		role := "HASH"
		if i > 0 {
			role = "RANGE"
		}
		ks = append(ks, obj{"AttributeName": name, "KeyType": role})
		t.define(name, typ)
	}
	return ks
}

func (t tdef) define(name, typ string) {
	defs, _ := t.req["AttributeDefinitions"].([]any)
	for _, d := range defs {
		if d.(obj)["AttributeName"] == name {
			return
		}
	}
	t.req["AttributeDefinitions"] = append(defs, obj{"AttributeName": name, "AttributeType": typ})
}

// gsi adds a global secondary index.
func (t tdef) gsi(name string, proj obj, keys ...string) tdef {
	gs, _ := t.req["GlobalSecondaryIndexes"].([]any)
	t.req["GlobalSecondaryIndexes"] = append(gs, obj{"IndexName": name, "KeySchema": t.keySchema(keys), "Projection": proj})
	return t
}

// lsi adds a local secondary index on the table's hash key and rangeKey.
func (t tdef) lsi(name string, proj obj, rangeKey string) tdef {
	hash := t.req["KeySchema"].([]any)[0].(obj)["AttributeName"].(string)
	var hashType string
	for _, d := range t.req["AttributeDefinitions"].([]any) {
		if d.(obj)["AttributeName"] == hash {
			hashType = d.(obj)["AttributeType"].(string)
		}
	}
	ls, _ := t.req["LocalSecondaryIndexes"].([]any)
	t.req["LocalSecondaryIndexes"] = append(ls, obj{"IndexName": name, "KeySchema": t.keySchema([]string{hash + ":" + hashType, rangeKey}), "Projection": proj})
	return t
}

// provisioned switches the table (and its GSIs) to provisioned capacity.
func (t tdef) provisioned(r, w int) tdef {
	delete(t.req, "BillingMode")
	pt := obj{"ReadCapacityUnits": r, "WriteCapacityUnits": w}
	t.req["ProvisionedThroughput"] = pt
	gs, _ := t.req["GlobalSecondaryIndexes"].([]any)
	for _, g := range gs {
		g.(obj)["ProvisionedThroughput"] = pt
	}
	return t
}

// step returns the CreateTable step. It ignores the statuses in the
// answer, which the "tables" scenario checks once (see DIFFERENCES.md).
func (t tdef) step() step {
	return call("CreateTable", t.req).ign("TableDescription.TableStatus", "TableDescription.GlobalSecondaryIndexes.IndexStatus")
}

var (
	projAll  = obj{"ProjectionType": "ALL"}
	projKeys = obj{"ProjectionType": "KEYS_ONLY"}
)

func projInclude(attrs ...string) obj {
	return obj{"ProjectionType": "INCLUDE", "NonKeyAttributes": anys(attrs)}
}

// Item operations; the pairs add or override request members.

func put(tbl string, item obj, pairs ...any) step {
	return call("PutItem", with(obj{"TableName": tbl, "Item": item}, pairs...))
}

func get(tbl string, key obj, pairs ...any) step {
	return call("GetItem", with(obj{"TableName": tbl, "Key": key}, pairs...))
}

func del(tbl string, key obj, pairs ...any) step {
	return call("DeleteItem", with(obj{"TableName": tbl, "Key": key}, pairs...))
}

func upd(tbl string, key obj, expr string, pairs ...any) step {
	r := obj{"TableName": tbl, "Key": key}
	if expr != "" {
		r["UpdateExpression"] = expr
	}
	return call("UpdateItem", with(r, pairs...))
}

func query(tbl string, pairs ...any) step {
	return call("Query", with(obj{"TableName": tbl}, pairs...))
}

func scan(tbl string, pairs ...any) step {
	return call("Scan", with(obj{"TableName": tbl}, pairs...))
}

func describe(tbl string) step { return call("DescribeTable", obj{"TableName": tbl}) }
func drop(tbl string) step     { return call("DeleteTable", obj{"TableName": tbl}) }

// vals builds ExpressionAttributeValues.
func vals(pairs ...any) obj { return kv(pairs...) }

// moreValues is the pair ("values", vals(pairs...)) that adds expression
// attribute values to a request built with splitValues.
func moreValues(pairs ...any) []any { return []any{"values", vals(pairs...)} }

// splitValues copies into values the expression attribute values pairs
// gives under the name "values" (see moreValues) and returns the other
// name/value pairs, in order.
func splitValues(values obj, pairs []any) []any {
	var rest []any
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i] == "values" {
			for k, v := range pairs[i+1].(obj) {
				values[k] = v
			}
			continue
		}
		rest = append(rest, pairs[i], pairs[i+1])
	}
	return rest
}

// puts returns one PutItem step per item.
func puts(tbl string, items ...obj) []step {
	out := make([]step, len(items))
	for i, it := range items {
		out[i] = put(tbl, it)
	}
	return out
}

// steps flattens steps and step slices into one slice.
func steps(parts ...any) []step {
	var out []step
	for _, p := range parts {
		switch x := p.(type) {
		case step:
			out = append(out, x)
		case []step:
			out = append(out, x...)
		default:
			panic(fmt.Sprintf("steps: unexpected %T", p))
		}
	}
	return out
}
