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

// parseKeyCondition parses a key condition of at most maxConds
// conditions, without its table.
func (e *exprEnv) parseKeyCondition(src string, maxConds int) (*expr.KeyCondition, error) {
	return expr.ParseKeyCondition(src, &e.env, maxConds)
}

// exprKeys converts key attributes for package expr.
func exprKeys(kas []keyAttr) []expr.KeyAttr {
	out := make([]expr.KeyAttr, len(kas))
	for i, ka := range kas {
		out[i] = expr.KeyAttr{Name: ka.name, Type: ka.typ}
	}
	return out
}

// checkUnused reports names or values no expression used.
func (e *exprEnv) checkUnused() error { return e.env.Unused() }
