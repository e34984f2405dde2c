package ddb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// codeKinds maps DynamoDB's error codes to sentinels. Codes are given
// without their "Exception" or "Error" suffix, so that a transaction's
// cancellation reasons ("ConditionalCheckFailed", "ThrottlingError") and
// the exceptions of single requests ("ConditionalCheckFailedException",
// "ThrottlingException") share one entry.
var codeKinds = map[string]error{
	"ConditionalCheckFailed":          ErrConditionFailed,
	"ProvisionedThroughputExceeded":   ErrThrottled,
	"RequestLimitExceeded":            ErrThrottled,
	"Throttling":                      ErrThrottled,
	"Throttled":                       ErrThrottled,
	"ResourceNotFound":                ErrTableNotFound,
	"TableNotFound":                   ErrTableNotFound,
	"IndexNotFound":                   ErrTableNotFound,
	"GlobalTableNotFound":             ErrTableNotFound,
	"ReplicaNotFound":                 ErrTableNotFound,
	"TransactionCanceled":             ErrTxCanceled,
	"Validation":                      ErrValidation,
	"Serialization":                   ErrValidation,
	"IdempotentParameterMismatch":     ErrIdempotentMismatch,
	"TransactionConflict":             ErrTxConflict,
	"TransactionInProgress":           ErrTxConflict,
	"ReplicatedWriteConflict":         ErrTxConflict,
	"ItemCollectionSizeLimitExceeded": ErrItemCollectionTooLarge,
	"LimitExceeded":                   ErrLimitExceeded,
	"ResourceInUse":                   ErrResourceInUse,
	"TableInUse":                      ErrResourceInUse,
	"TableAlreadyExists":              ErrResourceInUse,
	"GlobalTableAlreadyExists":        ErrResourceInUse,
	"ReplicaAlreadyExists":            ErrResourceInUse,
	"BackupInUse":                     ErrResourceInUse,
	"ExportConflict":                  ErrResourceInUse,
	"ImportConflict":                  ErrResourceInUse,
	"InternalServer":                  ErrInternal,
	"InternalFailure":                 ErrInternal,
	"ServiceUnavailable":              ErrInternal,
}

// codeKind returns the sentinel of a DynamoDB error code (with or without
// its Exception/Error suffix), or nil.
func codeKind(code string) error {
	code = strings.TrimSuffix(strings.TrimSuffix(code, "Exception"), "Error")
	return codeKinds[code]
}

// mapErr turns an error returned by the SDK into a *Error whose Kind is the
// matching sentinel (see codeKinds; ErrInternal for any HTTP 5xx, ErrRequest
// for everything else) and whose Err is the SDK error, so callers can use
// both errors.Is with the sentinel and errors.As with the SDK's exception
// type. The end of ctx has no Kind: the *Error wraps context.Canceled or
// context.DeadlineExceeded, which errors.Is finds. nil stays nil and errors
// that already are *Error are returned unchanged.
func mapErr(op, table string, err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	e := &Error{Op: op, Table: table, Err: err}
	var (
		api  smithy.APIError
		resp *smithyhttp.ResponseError
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
	case errors.As(err, &api) && codeKind(api.ErrorCode()) != nil:
		e.Kind = codeKind(api.ErrorCode())
	case errors.As(err, &resp) && resp.HTTPStatusCode() >= 500:
		e.Kind = ErrInternal
	default:
		e.Kind = ErrRequest
	}
	return e
}

// opErr builds a *Error of the given kind for a check made before any request.
func opErr(op, table string, kind error, format string, args ...any) error {
	return &Error{Op: op, Table: table, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// wrapOpErr wraps cause in a *Error of the given kind, keeping cause's own
// kind if it already is a ddb error.
func wrapOpErr(op, table string, kind error, cause error) error {
	var de *Error
	if errors.As(cause, &de) && de.Kind != nil {
		return &Error{Op: op, Table: table, Field: de.Field, Kind: de.Kind, Msg: de.Msg, Err: de.Err}
	}
	return &Error{Op: op, Table: table, Kind: kind, Err: cause}
}

// keyErr wraps a key validation failure about attribute field as ErrInvalidKey.
func keyErr(op, table, field string, err error) error {
	return &Error{Op: op, Table: table, Field: field, Kind: ErrInvalidKey, Msg: err.Error()}
}
