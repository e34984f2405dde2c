package ddbtest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/partiql"
)

// This file serves ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction. Each statement is translated (internal/partiql) into
// the equivalent expression request, which the item operations of this
// package then run: PartiQL has no evaluator of its own.

// Messages of DynamoDB's PartiQL errors.
const (
	msgParamCount   = "Number of parameters in request and statement don't match."
	msgDuplicate    = "Duplicate primary key exists in table"
	msgNextToken    = "Invalid NextToken"
	msgOtherToken   = "The provided starting key is invalid"
	msgMixedBatch   = "Unsupported operation: A batch must consist of only read statements or only write statements"
	msgMixedTx      = "ExecuteTransaction API does not support both read and write operations in the same request."
	msgReadFullKey  = "Select statements within BatchExecuteStatement or ExecuteTransaction must specify the full primary key with equality conditions only"
	msgTxReturning  = "Unsupported operation: RETURNING is not supported in a transaction"
	msgExistsOnlyTx = "Unsupported operation: EXISTS can only be used in a transaction"
	statementMaxLen = 8192
)

// statementInput is one statement with its parameters, the shape shared
// by the three operations.
type statementInput struct {
	Statement                           *string
	Parameters                          []av.Value
	ConsistentRead                      bool
	ReturnValuesOnConditionCheckFailure string
}

type executeStatementInput struct {
	statementInput
	NextToken              *string
	Limit                  *int
	ReturnConsumedCapacity string
}

// itemResult is what an item operation answers, as far as PartiQL uses it.
type itemResult struct {
	Items            []av.Item
	Item             av.Item
	Attributes       av.Item
	LastEvaluatedKey av.Item
	ConsumedCapacity json.RawMessage
}

// checkStatement validates the members of one statement input; field is
// its member path in validation messages.
func checkStatement(in *statementInput, field string) error {
	if in.Statement == nil {
		return validationError("1 validation error detected: Value null at '" + field + "statement' failed to satisfy constraint: Member must not be null")
	}
	if n := len(*in.Statement); n < 1 || n > statementMaxLen {
		return validationError("1 validation error detected: Value '" + *in.Statement + "' at '" + field + "statement' failed to satisfy constraint: Member must have length less than or equal to 8192, Member must have length greater than or equal to 1")
	}
	if in.Parameters != nil && len(in.Parameters) == 0 {
		return validationError("1 validation error detected: Value '[]' at '" + field + "parameters' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	for i := range in.Parameters {
		if err := in.Parameters[i].Validate(); err != nil {
			return err
		}
	}
	_, err := checkReturnOnFailure(in.ReturnValuesOnConditionCheckFailure)
	return err
}

// planStatement parses in's statement and translates it with its
// parameters for the table it names.
// EXISTS is a transaction's condition check: inTx allows it.
func (s *Server) planStatement(in *statementInput, inTx bool) (*partiql.Plan, error) {
	st, n, err := partiql.Parse(*in.Statement)
	if err != nil {
		return nil, err
	}
	if _, ok := st.(*partiql.Exists); ok && !inTx {
		return nil, validationError(msgExistsOnlyTx)
	}
	if n > len(in.Parameters) { // DynamoDB ignores extra parameters
		return nil, validationError(msgParamCount)
	}
	name := st.TableName()
	t, err := s.getTable(&name)
	if err != nil {
		return nil, err
	}
	keys, err := statementKeys(t, st)
	if err != nil {
		return nil, err
	}
	p, err := partiql.Translate(st, in.Parameters, keys)
	if err != nil {
		return nil, err
	}
	if _, ok := st.(*partiql.Select); !ok {
		p.Req.ReturnValuesOnConditionCheckFailure = in.ReturnValuesOnConditionCheckFailure
		return p, nil
	}
	p.Req.ConsistentRead = in.ConsistentRead
	if p.Get != nil {
		p.Get.ConsistentRead = in.ConsistentRead
	}
	return p, nil
}

// statementKeys returns the key attributes of the table or index st reads
// or writes.
func statementKeys(t *table, st partiql.Statement) (partiql.Keys, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	hashes, rngs := t.keyAttrs()
	if sel, ok := st.(*partiql.Select); ok && sel.Index != "" {
		i := slices.IndexFunc(t.indexes, func(ix *index) bool { return ix.name == sel.Index })
		if i < 0 {
			return partiql.Keys{}, validationError("The table does not have the specified index: " + sel.Index)
		}
		hashes, rngs = t.indexes[i].hashes, t.indexes[i].rngs
	}
	names := func(kas []keyAttr) []string {
		var out []string
		for _, ka := range kas {
			out = append(out, ka.name)
		}
		return out
	}
	return partiql.Keys{Hash: names(hashes), Range: names(rngs)}, nil
}

// runRequest runs the item operation op with request r.
func (s *Server) runRequest(op string, r *partiql.Request) (*itemResult, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	raw, err := ops[op](s, body)
	if err != nil {
		return nil, err
	}
	var res itemResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// runPlan runs a translated statement and reports a failed INSERT as the
// duplicate it is.
func (s *Server) runPlan(p *partiql.Plan) (*itemResult, error) {
	res, err := s.runRequest(p.Op, &p.Req)
	if err != nil && p.Insert && isException(err, "ConditionalCheckFailedException") {
		return nil, dynamoError("DuplicateItemException", msgDuplicate)
	}
	return res, err
}

// isException reports whether err is the DynamoDB exception name.
func isException(err error, name string) bool {
	return strings.HasSuffix(asAPIError(err).typ, "#"+name)
}

func (s *Server) executeStatement(body []byte) ([]byte, error) {
	var in executeStatementInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	if err := checkStatement(&in.statementInput, ""); err != nil {
		return nil, err
	}
	if err := checkConsumedCapacity(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	if in.Limit != nil && *in.Limit < 1 {
		return nil, validationError("1 validation error detected: Value '" + itoa(*in.Limit) + "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	}
	p, err := s.planStatement(&in.statementInput, false)
	if err != nil {
		return nil, err
	}
	p.Req.ReturnConsumedCapacity = in.ReturnConsumedCapacity
	if p.Read() {
		p.Req.Limit = in.Limit
		if in.NextToken != nil {
			if p.Req.ExclusiveStartKey, err = decodeNextToken(*in.NextToken, *in.Statement); err != nil {
				return nil, err
			}
		}
	}
	res, err := s.runPlan(p)
	if err != nil {
		return nil, err
	}
	out := struct {
		Items            []av.Item
		NextToken        string          `json:",omitempty"`
		LastEvaluatedKey av.Item         `json:",omitempty"`
		ConsumedCapacity json.RawMessage `json:",omitempty"`
	}{ConsumedCapacity: res.ConsumedCapacity}
	for _, it := range res.Items {
		out.Items = append(out.Items, p.Project(it))
	}
	switch {
	case res.Attributes != nil:
		out.Items = []av.Item{res.Attributes}
	case out.Items == nil: // DynamoDB answers a write with no items
		out.Items = []av.Item{}
	}
	if res.LastEvaluatedKey != nil {
		out.LastEvaluatedKey = res.LastEvaluatedKey
		out.NextToken = encodeNextToken(res.LastEvaluatedKey, *in.Statement)
	}
	return encodeResponse(out)
}

// encodeNextToken and decodeNextToken carry a LastEvaluatedKey in a
// NextToken, with a checksum of the statement it continues.
func encodeNextToken(k av.Item, statement string) string {
	b := binary.BigEndian.AppendUint32(nil, crc32IEEE([]byte(statement)))
	return base64.StdEncoding.EncodeToString(av.AppendItemJSON(b, k))
}

func decodeNextToken(tok, statement string) (av.Item, error) {
	if len(tok) > 32768 {
		return nil, validationError("1 validation error detected: Value at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 32768")
	}
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(raw) < 4 {
		return nil, validationError(msgNextToken)
	}
	k, err := av.ParseItemJSON(raw[4:])
	if err != nil || len(k) == 0 {
		return nil, validationError(msgNextToken)
	}
	if binary.BigEndian.Uint32(raw) != crc32IEEE([]byte(statement)) {
		return nil, validationError(msgOtherToken)
	}
	return k, nil
}

// batchErrorCodes maps exception names to BatchStatementError codes; the
// others drop their "Exception" suffix.
var batchErrorCodes = map[string]string{
	"ValidationException":   "ValidationError",
	"ThrottlingException":   "ThrottlingError",
	"InternalServerError":   "InternalServerError",
	"AccessDeniedException": "AccessDenied",
}

// batchError renders err as a BatchStatementError.
func batchError(err error) map[string]any {
	ae := asAPIError(err)
	name := ae.typ[strings.LastIndexByte(ae.typ, '#')+1:]
	code, ok := batchErrorCodes[name]
	if !ok {
		code = strings.TrimSuffix(name, "Exception")
	}
	e := map[string]any{"Code": code, "Message": ae.msg}
	if ae.hasItem {
		e["Item"] = ae.item
	}
	return e
}

type batchExecuteInput struct {
	Statements             []statementInput
	ReturnConsumedCapacity string
}

func (s *Server) batchExecuteStatement(body []byte) ([]byte, error) {
	var in batchExecuteInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	if n := len(in.Statements); n < 1 || n > 25 {
		return nil, validationError("1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25, Member must have length greater than or equal to 1")
	}
	if err := checkConsumedCapacity(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}
	plans := make([]*partiql.Plan, len(in.Statements))
	errs := make([]error, len(in.Statements))
	reads, writes := 0, 0
	for i := range in.Statements {
		st := &in.Statements[i]
		if err := checkStatement(st, "statements."+itoa(i+1)+".member."); err != nil {
			return nil, err
		}
		plans[i], errs[i] = s.planStatement(st, false)
		if errs[i] != nil {
			continue
		}
		if plans[i].Read() {
			reads++
			if plans[i].Get == nil {
				errs[i] = validationError(msgReadFullKey)
			}
		} else {
			writes++
		}
	}
	if reads > 0 && writes > 0 {
		return nil, validationError(msgMixedBatch)
	}
	responses := make([]map[string]any, len(plans))
	for i, p := range plans {
		r := map[string]any{}
		responses[i] = r
		if errs[i] != nil {
			r["Error"] = batchError(errs[i])
			continue
		}
		r["TableName"] = p.Req.TableName
		if p.Get != nil {
			res, err := s.runRequest("GetItem", p.Get)
			if err != nil {
				r["Error"] = batchError(err)
			} else if res.Item != nil {
				r["Item"] = p.Project(res.Item)
			}
			continue
		}
		if _, err := s.runPlan(p); err != nil {
			r["Error"] = batchError(err)
		}
	}
	return encodeResponse(map[string]any{"Responses": responses})
}

type executeTransactionInput struct {
	TransactStatements     []statementInput
	ClientRequestToken     *string
	ReturnConsumedCapacity string
}

// txItem is one member of TransactWriteItems or TransactGetItems.
type txItem struct {
	Get            *partiql.Request `json:",omitempty"`
	ConditionCheck *partiql.Request `json:",omitempty"`
	Put            *partiql.Request `json:",omitempty"`
	Update         *partiql.Request `json:",omitempty"`
	Delete         *partiql.Request `json:",omitempty"`
}

func (s *Server) executeTransaction(body []byte) ([]byte, error) {
	var in executeTransactionInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	if err := checkTransaction(in.ReturnConsumedCapacity, len(in.TransactStatements)); err != nil {
		return nil, err
	}
	items := make([]txItem, len(in.TransactStatements))
	plans := make([]*partiql.Plan, len(in.TransactStatements))
	reads := 0
	for i := range in.TransactStatements {
		st := &in.TransactStatements[i]
		if err := checkStatement(st, "transactStatements."+itoa(i+1)+".member."); err != nil {
			return nil, err
		}
		p, err := s.planStatement(st, true)
		if err != nil {
			return nil, err
		}
		plans[i] = p
		r := &p.Req
		r.ReturnConsumedCapacity = ""
		switch p.Op {
		case "Query", "Scan":
			if p.Get == nil {
				return nil, validationError(msgReadFullKey)
			}
			p.Get.ConsistentRead = false
			items[i].Get = p.Get
			reads++
		case "PutItem":
			items[i].Put = r
		case "UpdateItem":
			items[i].Update = r
		case "DeleteItem":
			items[i].Delete = r
		case "ConditionCheck":
			items[i].ConditionCheck = r
		}
		if r.ReturnValues != "" {
			return nil, validationError(msgTxReturning)
		}
	}
	if reads > 0 && reads < len(items) {
		return nil, validationError(msgMixedTx)
	}
	req := map[string]any{"TransactItems": items}
	if in.ReturnConsumedCapacity != "" {
		req["ReturnConsumedCapacity"] = in.ReturnConsumedCapacity
	}
	op := "TransactGetItems"
	if reads == 0 {
		op = "TransactWriteItems"
		if in.ClientRequestToken != nil {
			req["ClientRequestToken"] = *in.ClientRequestToken
		}
	}
	txBody, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	out, err := ops[op](s, txBody)
	if err != nil || reads == 0 {
		return out, duplicateReasons(err, plans)
	}
	var res struct {
		Responses        []map[string]av.Item
		ConsumedCapacity json.RawMessage `json:",omitempty"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, err
	}
	for i, r := range res.Responses {
		if r["Item"] != nil {
			r["Item"] = plans[i].Project(r["Item"])
		}
	}
	return encodeResponse(res)
}

// duplicateReasons rewrites the cancellation reasons of the INSERTs of a
// cancelled transaction: their failed existence check is a DuplicateItem.
func duplicateReasons(err error, plans []*partiql.Plan) error {
	if err == nil {
		return nil
	}
	ae := asAPIError(err)
	if ae.reasons == nil {
		return err
	}
	reasons := append([]cancelReason(nil), ae.reasons...)
	for i, r := range reasons {
		if i < len(plans) && plans[i].Insert && r.Code == "ConditionalCheckFailed" {
			reasons[i] = cancelReason{Code: "DuplicateItem", Message: msgDuplicate}
		}
	}
	return canceledError(reasons)
}
