package ddbtest

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/legacy"
)

type batchGetTable struct {
	Keys                     []av.Item
	ProjectionExpression     *string           `json:",omitempty"`
	ExpressionAttributeNames map[string]string `json:",omitempty"`
	ConsistentRead           bool              `json:",omitempty"`
	AttributesToGet          json.RawMessage   `json:",omitempty"`
}

type batchGetInput struct {
	RequestItems           map[string]*batchGetTable
	ReturnConsumedCapacity string
}

// sortedNames returns the keys of m in order, so that batches and
// transactions lock tables in one global order.
func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// checkBatch checks the ReturnConsumedCapacity rc of a batch request and
// that it names at least one table (it names tables).
func checkBatch(rc string, tables int) error {
	if err := checkConsumedCapacity(rc); err != nil {
		return err
	}
	if tables == 0 {
		return validationError("1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	return nil
}

func (s *Server) batchGetItem(body []byte) ([]byte, error) {
	var in batchGetInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	if err := checkBatch(in.ReturnConsumedCapacity, len(in.RequestItems)); err != nil {
		return nil, err
	}
	total := 0
	for _, rt := range in.RequestItems {
		if rt == nil || len(rt.Keys) == 0 {
			return nil, validationError("1 validation error detected: Value '[]' at 'requestItems.1.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1")
		}
		total += len(rt.Keys)
	}
	if total > 100 {
		return nil, validationError("Too many items requested for the BatchGetItem call")
	}
	type prepared struct {
		t    *table
		rt   *batchGetTable
		proj projection
		keys [][]byte
	}
	names := sortedNames(in.RequestItems)
	preps := make([]prepared, len(names))
	// What needs no table, for every table, before any table lookup.
	for i, name := range names {
		rt := in.RequestItems[name]
		lp := legacyParams{legacy.Params{AttributesToGet: rt.AttributesToGet}}
		lr, err := lp.parse("BatchGetItem", expression{"ProjectionExpression", rt.ProjectionExpression})
		if err != nil {
			return nil, err
		}
		ep := exprParams{ExpressionAttributeNames: rt.ExpressionAttributeNames}
		if err := ep.usage(expression{"ProjectionExpression", rt.ProjectionExpression}); err != nil {
			return nil, err
		}
		var proj projection
		for _, k := range rt.Keys {
			p, err := newGet(k, rt.ProjectionExpression, &ep, lr)
			if err != nil {
				return nil, err
			}
			proj = p
		}
		preps[i] = prepared{rt: rt, proj: proj}
	}
	for i, name := range names {
		name := name
		t, err := s.getTable(&name)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		keys := make([][]byte, len(preps[i].rt.Keys))
		for j, k := range preps[i].rt.Keys {
			key, err := t.keyOf(k)
			if err != nil {
				return nil, err
			}
			if seen[string(key)] {
				return nil, validationError("Provided list of item keys contains duplicates")
			}
			seen[string(key)] = true
			keys[j] = key
		}
		preps[i].t, preps[i].keys = t, keys
	}
	var skip []bool
	if f := s.regions.faults.Load(); f != nil {
		skip = f.unprocessed("BatchGetItem", total)
	}
	b := make([]byte, 0, 512)
	b = append(b, `{"Responses":{`...)
	unprocessed := map[string]*batchGetTable{}
	var caps []*capacity
	n := 0
	for i, p := range preps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, names[i])
		b = append(b, `:[`...)
		c := &capacity{table: names[i], read: true}
		err := p.t.locked(false, func() error {
			first := true
			for j, key := range p.keys {
				if skip != nil && skip[n] {
					n++
					u := unprocessed[names[i]]
					if u == nil {
						u = &batchGetTable{ProjectionExpression: p.rt.ProjectionExpression, ExpressionAttributeNames: p.rt.ExpressionAttributeNames, ConsistentRead: p.rt.ConsistentRead, AttributesToGet: p.rt.AttributesToGet}
						unprocessed[names[i]] = u
					}
					u.Keys = append(u.Keys, p.rt.Keys[j])
					continue
				}
				n++
				rec, ok := p.t.tree.Get(key)
				size := 0
				if ok {
					size = recordSize(rec)
					if !first {
						b = append(b, ',')
					}
					first = false
					b = appendRecord(b, rec, p.proj)
				}
				c.units += readUnits(size, p.rt.ConsistentRead)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		caps = append(caps, c)
		b = append(b, ']')
	}
	b = append(b, `},"UnprocessedKeys":`...)
	uk, err := json.Marshal(unprocessed)
	if err != nil {
		return nil, err
	}
	b = append(b, uk...)
	b = appendCapacities(b, caps, in.ReturnConsumedCapacity)
	return append(b, '}'), nil
}

// appendCapacities appends a ConsumedCapacity list member when asked for.
func appendCapacities(b []byte, caps []*capacity, mode string) []byte {
	if !wantCapacity(mode) {
		return b
	}
	b = append(b, `,"ConsumedCapacity":[`...)
	for i, c := range caps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCapacity(b, c, mode)
	}
	return append(b, ']')
}

type writeRequest struct {
	PutRequest    *struct{ Item av.Item } `json:",omitempty"`
	DeleteRequest *struct{ Key av.Item }  `json:",omitempty"`
}

type batchWriteInput struct {
	RequestItems                map[string][]writeRequest
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

func (s *Server) batchWriteItem(body []byte) ([]byte, error) {
	var in batchWriteInput
	if err := decodeFields(body, in.field); err != nil {
		return nil, err
	}
	if err := checkBatch(in.ReturnConsumedCapacity, len(in.RequestItems)); err != nil {
		return nil, err
	}
	total := 0
	for _, reqs := range in.RequestItems {
		if len(reqs) == 0 || len(reqs) > 25 {
			return nil, validationError("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
		}
		total += len(reqs)
	}
	if total > 25 {
		return nil, validationError("Too many items requested for the BatchWriteItem call")
	}
	names := sortedNames(in.RequestItems)
	ops := make([][]*writeOp, len(names))
	// What needs no table, for every table, before any table lookup.
	for i, name := range names {
		for _, r := range in.RequestItems[name] {
			var op *writeOp
			var err error
			switch {
			case r.PutRequest != nil && r.DeleteRequest == nil:
				op, err = newPut(r.PutRequest.Item, nil, &exprParams{}, nil)
			case r.DeleteRequest != nil && r.PutRequest == nil:
				op, err = newKeyed(opDelete, r.DeleteRequest.Key, nil, nil, &exprParams{}, nil)
			case r.DeleteRequest == nil: // an empty WriteRequest: DynamoDB's message
				err = validationError("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			default:
				err = validationError("ddbtest: a WriteRequest must hold exactly one of PutRequest and DeleteRequest")
			}
			if err != nil {
				return nil, err
			}
			ops[i] = append(ops[i], op)
		}
	}
	for i, name := range names {
		name := name
		t, err := s.getTable(&name)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, op := range ops[i] {
			if err := op.bind(t); err != nil {
				return nil, batchKeyError(err)
			}
			if seen[string(op.key)] {
				return nil, validationError("Provided list of item keys contains duplicates")
			}
			seen[string(op.key)] = true
		}
	}
	var skip []bool
	if f := s.regions.faults.Load(); f != nil {
		skip = f.unprocessed("BatchWriteItem", total)
	}
	unprocessed := map[string][]writeRequest{}
	var caps []*capacity
	n := 0
	for i, name := range names {
		c := &capacity{table: name}
		t := ops[i][0].t
		err := t.locked(true, func() error {
			for j, op := range ops[i] {
				if skip != nil && skip[n] {
					n++
					unprocessed[name] = append(unprocessed[name], in.RequestItems[name][j])
					continue
				}
				n++
				res, err := op.eval(false)
				if err != nil {
					return err
				}
				if err := s.commitOne(t, op.key, res, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		caps = append(caps, c)
	}
	b := make([]byte, 0, 64)
	b = append(b, `{"UnprocessedItems":`...)
	ui, err := json.Marshal(unprocessed)
	if err != nil {
		return nil, err
	}
	b = append(b, ui...)
	b = appendCapacities(b, caps, in.ReturnConsumedCapacity)
	return append(b, '}'), nil
}

// batchKeyError is err as BatchWriteItem reports it: an item without its
// key attributes, or with one of the wrong type, does not match the
// schema (dynalite's record of DynamoDB).
func batchKeyError(err error) error {
	if ae, ok := err.(*apiError); ok && (strings.Contains(ae.msg, "Missing the key") || strings.Contains(ae.msg, "Type mismatch for key")) {
		return validationError("The provided key element does not match the schema")
	}
	return err
}

// itoa is strconv.Itoa, short.
func itoa(i int) string { return strconv.Itoa(i) }
