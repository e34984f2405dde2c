package ddb

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// mapErr turns an error returned by the SDK into a *Error whose Kind is the
// matching sentinel (ErrConditionFailed, ErrThrottled, ErrTableNotFound,
// ErrTxCanceled) and whose Err is the SDK error, so callers can use both
// errors.Is with the sentinel and errors.As with the SDK's exception type.
// nil stays nil and errors that already are *Error are returned unchanged.
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
		ccf *types.ConditionalCheckFailedException
		pte *types.ProvisionedThroughputExceededException
		rle *types.RequestLimitExceeded
		rnf *types.ResourceNotFoundException
		tce *types.TransactionCanceledException
		api smithy.APIError
	)
	switch {
	case errors.As(err, &ccf):
		e.Kind = ErrConditionFailed
	case errors.As(err, &pte), errors.As(err, &rle):
		e.Kind = ErrThrottled
	case errors.As(err, &rnf):
		e.Kind = ErrTableNotFound
	case errors.As(err, &tce):
		e.Kind = ErrTxCanceled
	case errors.As(err, &api) && (api.ErrorCode() == "ThrottlingException" || api.ErrorCode() == "ThrottledException"):
		e.Kind = ErrThrottled
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
