// Package expr parses and evaluates DynamoDB expressions: condition and
// filter expressions, key condition expressions, projection expressions and
// update expressions, with DynamoDB's validation messages. Expressions are
// compiled once per request against an Env holding the request's
// ExpressionAttributeNames and ExpressionAttributeValues, then evaluated
// against items.
package expr

import (
	"slices"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// Error is the error type of every parse and validation failure: a
// ValidationException carrying DynamoDB's exact message text.
type Error = av.Error

func validationError(msg string) *Error { return av.NewValidationError(msg) }

// Env holds one request's expression attribute names (#n -> name) and
// values (:v -> value) and records which of them the request's expressions
// used. A nil map means the parameter was absent. One Env is shared by all
// the expressions of a request; call Unused after parsing them all.
type Env struct {
	Names  map[string]string
	Values map[string]av.Value

	usedNames  map[string]struct{}
	usedValues map[string]struct{}
}

// Validate makes DynamoDB's checks of the placeholders themselves, before
// any expression is parsed: maps present but empty, keys that are not
// #name / :name, and invalid attribute values (whose numbers it
// canonicalises in place).
func (e *Env) Validate() error {
	if e.valid() {
		return nil
	}
	// Report the first problem in key order, as DynamoDB does.
	if e.Names != nil {
		if len(e.Names) == 0 {
			return validationError("ExpressionAttributeNames must not be empty")
		}
		for _, k := range sortedKeys(e.Names) {
			if !validPlaceholder(k, '#') {
				return validationError(`ExpressionAttributeNames contains invalid key: Syntax error; key: "` + k + `"`)
			}
		}
	}
	if e.Values != nil {
		if len(e.Values) == 0 {
			return validationError("ExpressionAttributeValues must not be empty")
		}
		keys := sortedKeys(e.Values)
		for _, k := range keys {
			if !validPlaceholder(k, ':') {
				return validationError(`ExpressionAttributeValues contains invalid key: Syntax error; key: "` + k + `"`)
			}
		}
		for _, k := range keys {
			v := e.Values[k]
			if err := v.Validate(); err != nil {
				return validationError("ExpressionAttributeValues contains invalid value: " + err.(*Error).Message + " for key " + k)
			}
			e.Values[k] = v
		}
	}
	return nil
}

// valid is Validate's fast path: it reports whether every check passes,
// visiting the maps in any order (sorting the keys is only needed to
// report the first problem), and canonicalises the values' numbers in
// place like Validate.
func (e *Env) valid() bool {
	if (e.Names != nil && len(e.Names) == 0) || (e.Values != nil && len(e.Values) == 0) {
		return false
	}
	for k := range e.Names {
		if !validPlaceholder(k, '#') {
			return false
		}
	}
	for k, v := range e.Values {
		if !validPlaceholder(k, ':') || v.Validate() != nil {
			return false
		}
		e.Values[k] = v
	}
	return true
}

func validPlaceholder(k string, prefix byte) bool {
	if len(k) < 2 || k[0] != prefix {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !isIdentPart(k[i]) {
			return false
		}
	}
	return true
}

// Unused reports DynamoDB's error for names or values that no expression
// parsed with e referred to (names are reported first).
func (e *Env) Unused() error {
	if msg := unusedMessage(e.Names, e.usedNames); msg != "" {
		return validationError("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + msg + "}")
	}
	if msg := unusedMessage(e.Values, e.usedValues); msg != "" {
		return validationError("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + msg + "}")
	}
	return nil
}

func unusedMessage[V any](m map[string]V, used map[string]struct{}) string {
	if len(used) == len(m) {
		return ""
	}
	var unused []string
	for k := range m {
		if _, ok := used[k]; !ok {
			unused = append(unused, k)
		}
	}
	slices.Sort(unused)
	return strings.Join(unused, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// name resolves #n, recording its use. A placeholder standing for the
// empty string is not defined: attribute names cannot be empty (DynamoDB
// rejects it, and dynalite with the message of an undefined name).
func (e *Env) name(n string) (string, bool) {
	if e == nil {
		return "", false
	}
	s, ok := e.Names[n]
	if !ok || s == "" {
		return "", false
	}
	if e.usedNames == nil {
		e.usedNames = make(map[string]struct{}, len(e.Names))
	}
	e.usedNames[n] = struct{}{}
	return s, true
}

// value resolves :v, recording its use.
func (e *Env) value(n string) (av.Value, bool) {
	if e == nil {
		return av.Value{}, false
	}
	v, ok := e.Values[n]
	if !ok {
		return av.Value{}, false
	}
	if e.usedValues == nil {
		e.usedValues = make(map[string]struct{}, len(e.Values))
	}
	e.usedValues[n] = struct{}{}
	return v, true
}
