package ddbtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// Exception type names as DynamoDB sends them in "__type".
const (
	nsDynamo    = "com.amazonaws.dynamodb.v20120810#"
	nsCoral     = "com.amazon.coral.service#"
	nsValidate  = "com.amazon.coral.validate#"
	typeValidat = nsValidate + "ValidationException"
	// typeSerialization is the exception of a body that is not JSON or
	// holds a member of the wrong JSON type; its body spells "Message".
	typeSerialization = nsCoral + "SerializationException"
)

// apiError is an error answered to the client in DynamoDB's wire shape.
type apiError struct {
	status  int
	typ     string // full __type
	msg     string
	item    av.Item        // ConditionalCheckFailedException.Item
	reasons []cancelReason // TransactionCanceledException.CancellationReasons
	hasItem bool
}

type cancelReason struct {
	Code    string
	Message string
	Item    av.Item
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

func validationError(msg string) *apiError {
	return &apiError{status: 400, typ: typeValidat, msg: msg}
}

func serializationError(msg string) *apiError {
	return &apiError{status: 400, typ: typeSerialization, msg: msg}
}

func dynamoError(name, msg string) *apiError {
	return &apiError{status: 400, typ: nsDynamo + name, msg: msg}
}

func notFoundError() *apiError {
	return dynamoError("ResourceNotFoundException", "Requested resource not found")
}

// tableNotFoundError is the ResourceNotFoundException of the table
// management operations (DescribeTable, DeleteTable, UpdateTable, the TTL
// operations), which name the table; item operations do not.
func tableNotFoundError(name string) *apiError {
	return dynamoError("ResourceNotFoundException", "Requested resource not found: Table: "+name+" not found")
}

func conditionalError(item av.Item) *apiError {
	e := dynamoError("ConditionalCheckFailedException", "The conditional request failed")
	e.item, e.hasItem = item, item != nil
	return e
}

func internalError(msg string) *apiError {
	return &apiError{status: 500, typ: nsDynamo + "InternalServerError", msg: msg}
}

// asAPIError converts any error from an operation into the error to send:
// *av.Error (from decoding and expressions) becomes a ValidationException
// or SerializationException with its message; anything else is an
// InternalServerError.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var ve *av.Error
	if errors.As(err, &ve) {
		if ve.Type == av.SerializationException {
			return serializationError(ve.Message)
		}
		return validationError(ve.Message)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return serializationError("")
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return serializationError(typeErrorMessage(te))
	}
	return internalError(err.Error())
}

func typeErrorMessage(te *json.UnmarshalTypeError) string {
	switch te.Value {
	case "object":
		return "Start of structure or map found where not expected"
	case "array":
		return "Start of list found where not expected"
	case "string":
		return "STRING_VALUE cannot be converted to " + goTypeName(te.Type.String())
	case "number":
		return "NUMBER_VALUE cannot be converted to " + goTypeName(te.Type.String())
	case "bool":
		return "TRUE_VALUE cannot be converted to " + goTypeName(te.Type.String())
	}
	return "Unexpected value type in payload"
}

func goTypeName(t string) string {
	switch strings.TrimPrefix(t, "*") {
	case "int", "int64", "int32":
		return "Long"
	case "bool":
		return "Boolean"
	case "string":
		return "String"
	}
	return "a structure"
}

// encodeError renders e in DynamoDB's error body shape.
func encodeError(e *apiError) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"__type":`...)
	b = strconv.AppendQuote(b, e.typ)
	if e.msg != "" || e.reasons != nil {
		if e.reasons != nil || e.typ == typeSerialization {
			b = append(b, `,"Message":`...)
		} else {
			b = append(b, `,"message":`...)
		}
		b = appendJSONString(b, e.msg)
	}
	if e.hasItem {
		b = append(b, `,"Item":`...)
		b = appendItem(b, e.item)
	}
	if e.reasons != nil {
		b = append(b, `,"CancellationReasons":[`...)
		for i, r := range e.reasons {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"Code":`...)
			b = appendJSONString(b, r.Code)
			if r.Message != "" {
				b = append(b, `,"Message":`...)
				b = appendJSONString(b, r.Message)
			}
			if r.Item != nil {
				b = append(b, `,"Item":`...)
				b = appendItem(b, r.Item)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			out, _ := json.Marshal(s)
			return append(b, out...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

type opFunc func(s *Server, body []byte) ([]byte, error)

// ops maps X-Amz-Target operation names to their implementations.
var ops map[string]opFunc

func init() {
	ops = map[string]opFunc{
		"CreateTable":        (*Server).createTable,
		"DescribeTable":      (*Server).describeTable,
		"ListTables":         (*Server).listTables,
		"DeleteTable":        (*Server).deleteTable,
		"UpdateTable":        (*Server).updateTable,
		"UpdateTimeToLive":   (*Server).updateTimeToLive,
		"DescribeTimeToLive": (*Server).describeTimeToLive,
		"PutItem":            (*Server).putItem,
		"GetItem":            (*Server).getItem,
		"DeleteItem":         (*Server).deleteItem,
		"UpdateItem":         (*Server).updateItem,
		"Query":              (*Server).query,
		"Scan":               (*Server).scan,
		"BatchGetItem":       (*Server).batchGetItem,
		"BatchWriteItem":     (*Server).batchWriteItem,
		"TransactWriteItems": (*Server).transactWriteItems,
		"TransactGetItems":   (*Server).transactGetItems,
		"TagResource":        (*Server).tagResource,
		"UntagResource":      (*Server).untagResource,
		"ListTagsOfResource": (*Server).listTagsOfResource,
		"DescribeLimits":     (*Server).describeLimits,
		"DescribeEndpoints":  (*Server).describeEndpoints,
		// PartiQL (partiql.go)
		"ExecuteStatement":      (*Server).executeStatement,
		"BatchExecuteStatement": (*Server).batchExecuteStatement,
		"ExecuteTransaction":    (*Server).executeTransaction,
	}
}

// operation returns the operation req's X-Amz-Target names, ok false
// when it names none.
func operation(req *http.Request) (name string, op opFunc, ok bool) {
	api, name, ok := strings.Cut(req.Header.Get("X-Amz-Target"), ".")
	switch api {
	case "DynamoDB_20120810":
		op = ops[name]
	case "DynamoDBStreams_20120810": // streams.go
		op = streamOps[name]
	}
	return name, op, ok && op != nil
}

// serve answers one request: the status code and body to send, and the
// fault to inject into the HTTP exchange (see Faults).
func (s *Server) serve(ctx context.Context, req *http.Request, body []byte) (status int, out []byte, nf netFault) {
	if req.Method != http.MethodPost {
		return 404, []byte("<UnknownOperationException/>\n"), nf
	}
	opName, op, ok := operation(req)
	if !ok {
		e := &apiError{status: 400, typ: nsCoral + "UnknownOperationException"}
		return e.status, encodeError(e), nf
	}
	if len(body) == 0 {
		e := serializationError("")
		return e.status, encodeError(e), nf
	}
	defer func() {
		if r := recover(); r != nil {
			e := internalError(fmt.Sprint("ddbtest: panic: ", r))
			status, out, nf = e.status, encodeError(e), netFault{}
		}
	}()
	if f := s.regions.faults.Load(); f != nil {
		var st int
		var e *apiError
		nf, st, e = f.before(ctx, opName, body)
		switch {
		case e != nil:
			return e.status, encodeError(e), nf
		case nf.drop == FaultReset:
			return 0, nil, nf
		case st != 0:
			// A lost response answered as an empty status: apply first.
			defer func() { status, out = st, nil }()
		}
	}
	body, err := validateRequest(opName, body)
	if err != nil {
		e := asAPIError(err)
		return e.status, encodeError(e), nf
	}
	ns, err := s.namespace(requestRegion(req))
	if err != nil {
		e := asAPIError(err)
		return e.status, encodeError(e), nf
	}
	out, err = op(ns, body)
	if err != nil {
		e := asAPIError(err)
		return e.status, encodeError(e), nf
	}
	return 200, out, nf
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

var reqCounter atomic.Uint64

// requestID returns a unique request id, 52 characters like DynamoDB's.
func requestID() string {
	n := reqCounter.Add(1)
	var b [52]byte
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = digits[n&31]
		n >>= 5
	}
	return string(b[:])
}

// decodeRequest decodes a request envelope into v.
func decodeRequest(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return asAPIError(err)
	}
	return nil
}

// encodeResponse encodes a response envelope with encoding/json, for the
// operations that are not on the hot path.
func encodeResponse(v any) ([]byte, error) {
	return json.Marshal(v)
}
