package ddbtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// txAction is the shape shared by the four TransactWriteItems actions.
type txAction struct {
	TableName                           *string
	Key                                 av.Item
	Item                                av.Item
	ConditionExpression                 *string
	UpdateExpression                    *string
	ReturnValuesOnConditionCheckFailure string
	exprParams
}

type transactWriteInput struct {
	TransactItems []struct {
		ConditionCheck *txAction
		Put            *txAction
		Delete         *txAction
		Update         *txAction
	}
	ClientRequestToken          *string
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

// lockTables write- or read-locks the distinct tables of ts in name order
// and returns the function that unlocks them.
func lockTables(ts []*table, write bool) (unlock func(), err error) {
	uniq := map[string]*table{}
	for _, t := range ts {
		uniq[t.name] = t
	}
	names := sortedNames(uniq)
	locked := make([]*table, 0, len(names))
	unlock = func() {
		for _, t := range locked {
			t.unlock(write)
		}
	}
	for _, n := range names {
		t := uniq[n]
		if err = t.lock(write); err != nil {
			unlock()
			return nil, err
		}
		locked = append(locked, t)
	}
	return unlock, nil
}

// checkTransaction checks the ReturnConsumedCapacity rc of a transaction
// and its number of items, n.
func checkTransaction(rc string, n int) error {
	if err := checkConsumedCapacity(rc); err != nil {
		return err
	}
	if n == 0 || n > 100 {
		return validationError("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100, Member must have length greater than or equal to 1")
	}
	return nil
}

func (s *Server) transactWriteItems(body []byte) ([]byte, error) {
	var in transactWriteInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	if err := checkTransaction(in.ReturnConsumedCapacity, len(in.TransactItems)); err != nil {
		return nil, err
	}
	var token string
	if in.ClientRequestToken != nil {
		token = *in.ClientRequestToken
		if len(token) < 1 || len(token) > 36 {
			return nil, validationError("1 validation error detected: Value '" + token + "' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36")
		}
		out, done, err := s.tokens.begin(token, body, s.clock())
		if err != nil || done {
			return out, err
		}
	}
	var replay []byte
	out, err := s.doTransactWrite(&in, &replay)
	if token != "" {
		s.tokens.finish(token, replay, err, s.clock())
	}
	return out, err
}

// doTransactWrite runs a transaction and returns its response. It sets
// replay to the response to a replay of it with the same
// ClientRequestToken, which, as in DynamoDB, reports the capacity of
// reading the items written instead of writing them.
func (s *Server) doTransactWrite(in *transactWriteInput, replay *[]byte) ([]byte, error) {
	ops := make([]*writeOp, len(in.TransactItems))
	tables := make([]*table, len(in.TransactItems))
	seen := map[string]bool{}
	for i, ti := range in.TransactItems {
		var a *txAction
		var kind writeKind
		n := 0
		for _, c := range []struct {
			a *txAction
			k writeKind
		}{{ti.ConditionCheck, opCheck}, {ti.Put, opPut}, {ti.Delete, opDelete}, {ti.Update, opUpdate}} {
			if c.a != nil {
				a, kind = c.a, c.k
				n++
			}
		}
		if n != 1 {
			return nil, validationError("TransactItems can only contain one of Check, Put, Update or Delete")
		}
		t, err := s.getTable(a.TableName)
		if err != nil {
			return nil, err
		}
		retOld, err := checkReturnOnFailure(a.ReturnValuesOnConditionCheckFailure)
		if err != nil {
			return nil, err
		}
		var op *writeOp
		switch kind {
		case opPut:
			op, err = s.preparePut(t, a.Item, a.ConditionExpression, &a.exprParams)
		case opCheck:
			if a.ConditionExpression == nil {
				return nil, validationError("1 validation error detected: Value null at 'transactItems." + itoa(i+1) + ".member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null")
			}
			fallthrough
		default:
			var upd *string
			if kind == opUpdate {
				if a.UpdateExpression == nil {
					return nil, validationError("1 validation error detected: Value null at 'transactItems." + itoa(i+1) + ".member.update.updateExpression' failed to satisfy constraint: Member must not be null")
				}
				upd = a.UpdateExpression
			}
			op, err = s.prepareKeyed(t, kind, a.Key, a.ConditionExpression, upd, &a.exprParams)
		}
		if err != nil {
			return nil, err
		}
		op.returnOld = retOld
		id := t.name + "\x00" + string(op.key)
		if seen[id] {
			return nil, validationError("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
		ops[i], tables[i] = op, t
	}
	unlock, err := lockTables(tables, true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	results := make([]*writeResult, len(ops))
	reasons := make([]cancelReason, len(ops))
	failed := false
	for i, op := range ops {
		res, err := op.eval(false)
		if err != nil {
			failed = true
			ae := asAPIError(err)
			switch {
			case strings.HasSuffix(ae.typ, "#ConditionalCheckFailedException"):
				reasons[i] = cancelReason{Code: "ConditionalCheckFailed", Message: ae.msg, Item: ae.item}
			case strings.HasSuffix(ae.typ, "#ValidationException"):
				reasons[i] = cancelReason{Code: "ValidationError", Message: ae.msg}
			default:
				return nil, err
			}
			continue
		}
		reasons[i] = cancelReason{Code: "None"}
		results[i] = res
	}
	if failed {
		return nil, canceledError(reasons)
	}
	caps := map[string]*capacity{}
	var counted []func()
	// The whole transaction is one batch of the store.
	err = s.batch(func(w BatchWriter) error {
		for i, op := range ops {
			c := caps[op.t.name]
			if c == nil {
				c = &capacity{table: op.t.name, tx: true}
				caps[op.t.name] = c
			}
			if op.kind == opCheck {
				c.units += readUnits(recordSize(results[i].oldRec), true) * 2
				continue
			}
			var one capacity
			done, err := op.t.commit(w, op.key, results[i], &one)
			if err != nil {
				return err
			}
			counted = append(counted, done)
			c.units += one.units * 2
			for name, u := range one.indexes {
				c.addIndex(name, one.global[name], u*2)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, done := range counted {
		done()
	}
	reads := map[string]*capacity{}
	for i, op := range ops {
		c := reads[op.t.name]
		if c == nil {
			c = &capacity{table: op.t.name, read: true, tx: true}
			reads[op.t.name] = c
		}
		rec := results[i].newRec
		if op.kind == opCheck {
			rec = results[i].oldRec
		}
		c.units += readUnits(recordSize(rec), true) * 2
	}
	*replay = capacityResponse(reads, in.ReturnConsumedCapacity)
	return capacityResponse(caps, in.ReturnConsumedCapacity), nil
}

// capacityResponse is the response of a transaction: {} or its consumed
// capacity, by table.
func capacityResponse(caps map[string]*capacity, mode string) []byte {
	b := append(make([]byte, 0, 64), '{')
	list := make([]*capacity, 0, len(caps))
	for _, name := range sortedNames(caps) {
		list = append(list, caps[name])
	}
	b = appendCapacities(b, list, mode)
	if len(b) > 1 && b[1] == ',' {
		b = append(b[:1], b[2:]...)
	}
	return append(b, '}')
}

type transactGetInput struct {
	TransactItems []struct {
		Get *struct {
			TableName                *string
			Key                      av.Item
			ProjectionExpression     *string
			ExpressionAttributeNames map[string]string
		}
	}
	ReturnConsumedCapacity string
}

func (s *Server) transactGetItems(body []byte) ([]byte, error) {
	var in transactGetInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	if err := checkTransaction(in.ReturnConsumedCapacity, len(in.TransactItems)); err != nil {
		return nil, err
	}
	type prepared struct {
		t    *table
		proj projection
		key  []byte
	}
	preps := make([]prepared, len(in.TransactItems))
	tables := make([]*table, len(in.TransactItems))
	seen := map[string]bool{}
	for i, ti := range in.TransactItems {
		g := ti.Get
		if g == nil {
			return nil, validationError("1 validation error detected: Value null at 'transactItems." + itoa(i+1) + ".member.get' failed to satisfy constraint: Member must not be null")
		}
		t, err := s.getTable(g.TableName)
		if err != nil {
			return nil, err
		}
		proj, key, err := s.prepareGet(t, g.Key, g.ProjectionExpression, &exprParams{ExpressionAttributeNames: g.ExpressionAttributeNames}, nil)
		if err != nil {
			return nil, err
		}
		id := t.name + "\x00" + string(key)
		if seen[id] {
			return nil, validationError("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
		preps[i], tables[i] = prepared{t, proj, key}, t
	}
	unlock, err := lockTables(tables, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	caps := map[string]*capacity{}
	b := append(make([]byte, 0, 256), `{"Responses":[`...)
	for i, p := range preps {
		if i > 0 {
			b = append(b, ',')
		}
		rec, ok := p.t.tree.Get(p.key)
		size := 0
		if ok {
			size = recordSize(rec)
			b = append(b, `{"Item":`...)
			b = appendRecord(b, rec, p.proj)
			b = append(b, '}')
		} else {
			b = append(b, `{}`...)
		}
		c := caps[p.t.name]
		if c == nil {
			c = &capacity{table: p.t.name, read: true, tx: true}
			caps[p.t.name] = c
		}
		c.units += readUnits(size, true) * 2
	}
	b = append(b, ']')
	list := make([]*capacity, 0, len(caps))
	for _, name := range sortedNames(caps) {
		list = append(list, caps[name])
	}
	b = appendCapacities(b, list, in.ReturnConsumedCapacity)
	return append(b, '}'), nil
}

// Idempotency of TransactWriteItems.

// tokenTTL is how long DynamoDB remembers a ClientRequestToken.
const tokenTTL = 10 * time.Minute

type tokenEntry struct {
	sum     [32]byte
	out     []byte
	done    bool
	expires time.Time
}

// tokenCache remembers the outcome of transactions by ClientRequestToken.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]*tokenEntry
}

// begin looks token up. It returns done with the recorded response when
// the same request already succeeded, an error when the token is in use
// by another request or still running, and otherwise marks it running.
func (c *tokenCache) begin(token string, body []byte, now time.Time) (out []byte, done bool, err error) {
	sum := requestDigest(body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*tokenEntry{}
	}
	if e := c.m[token]; e != nil && now.Before(e.expires) {
		if e.sum != sum {
			return nil, false, dynamoError("IdempotentParameterMismatchException", "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.")
		}
		if !e.done {
			return nil, false, dynamoError("TransactionInProgressException", "The transaction with the given request token is already in progress.")
		}
		return e.out, true, nil
	}
	if len(c.m) > 1024 {
		for k, e := range c.m {
			if e.done && !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
	}
	c.m[token] = &tokenEntry{sum: sum, expires: now.Add(tokenTTL)}
	return nil, false, nil
}

// finish records the outcome of a transaction begun with begin. Failed
// transactions are forgotten, so that the token can be retried.
func (c *tokenCache) finish(token string, out []byte, err error, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		delete(c.m, token)
		return
	}
	e := c.m[token]
	e.out, e.done, e.expires = out, true, now.Add(tokenTTL)
}

// requestDigest hashes a request so that two requests that are the same
// for DynamoDB hash the same although their bodies differ: object members
// in another order (the SDK serializes maps in random order), or members
// of a string, number or binary set in another order.
func requestDigest(body []byte) [32]byte {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return sha256.Sum256(body)
	}
	sortSets(v)
	canon, err := json.Marshal(v) // sorts object members
	if err != nil {
		return sha256.Sum256(body)
	}
	return sha256.Sum256(canon)
}

// sortSets sorts the members of the set attribute values ({"SS": [...]},
// {"NS": [...]}, {"BS": [...]}) in a decoded request.
func sortSets(v any) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k, members := range v {
				if list, ok := members.([]any); ok && (k == "SS" || k == "NS" || k == "BS") {
					slices.SortFunc(list, func(a, b any) int { // members are strings
						x, _ := a.(string)
						y, _ := b.(string)
						return strings.Compare(x, y)
					})
					return
				}
			}
		}
		for _, e := range v {
			sortSets(e)
		}
	case []any:
		for _, e := range v {
			sortSets(e)
		}
	}
}

// canceledError is the TransactionCanceledException of a transaction
// canceled for reasons, one per item.
func canceledError(reasons []cancelReason) *apiError {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = r.Code
	}
	e := dynamoError("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons ["+strings.Join(codes, ", ")+"]")
	e.reasons = reasons
	return e
}
