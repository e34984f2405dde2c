package ddbtest

import (
	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/expr"
)

// This file adapts the expression engine (internal/expr) to the server.

// exprEnv is one request's expression environment.
type exprEnv struct {
	env expr.Env
}

type condition interface {
	Eval(av.Item) bool
	Attributes() []string
}

type projection interface{ Apply(av.Item) av.Item }

type updater interface {
	Apply(av.Item) (av.Item, error)
	Attributes() []string
	Updated(item av.Item, after bool) av.Item
}

// keyCond is a parsed KeyConditionExpression.
type keyCond struct {
	hashName  string
	hashValue av.Value
	rng       *rangeCond
}

// rangeCond is the sort key part of a key condition: op is one of
// "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with".
type rangeCond struct {
	name   string
	op     string
	values []av.Value
}

func newEnv(names map[string]string, values av.Item) (*exprEnv, error) {
	e := &exprEnv{env: expr.Env{Names: names, Values: values}}
	if err := e.env.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *exprEnv) parseCondition(kind, src string) (condition, error) {
	return expr.ParseCondition(kind, src, &e.env)
}

func (e *exprEnv) parseProjection(src string) (projection, error) {
	return expr.ParseProjection(src, &e.env)
}

func (e *exprEnv) parseUpdate(src string) (updater, error) {
	return expr.ParseUpdate(src, &e.env)
}

// parseKeyCondition parses a key condition, without its table.
func (e *exprEnv) parseKeyCondition(src string) (*expr.KeyCondition, error) {
	return expr.ParseKeyCondition(src, &e.env)
}

// bindKeyCondition binds a parsed key condition to the key schema (hash,
// rng) of the table or index queried.
func bindKeyCondition(kc *expr.KeyCondition, hash, rng keyAttr) (*keyCond, error) {
	if err := kc.Bind(hash.name, hash.typ, rng.name, rng.typ); err != nil {
		return nil, err
	}
	out := &keyCond{hashName: kc.HashName, hashValue: kc.HashValue}
	if kc.Range != nil {
		out.rng = &rangeCond{name: kc.Range.Name, op: kc.Range.Op, values: kc.Range.Values}
	}
	return out, nil
}

// checkUnused reports names or values no expression used.
func (e *exprEnv) checkUnused() error { return e.env.Unused() }
