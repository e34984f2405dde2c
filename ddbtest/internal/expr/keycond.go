package expr

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// KeyCondition is a compiled KeyConditionExpression: its conditions, as
// written. Bind matches them to a key schema.
type KeyCondition struct {
	Conditions []RangeCondition
}

// RangeCondition is one condition on a key attribute.
type RangeCondition struct {
	Name   string
	Op     string     // "=", "<", "<=", ">", ">=", "BETWEEN" or "begins_with"
	Values []av.Value // one value, two for BETWEEN
}

// ParseKeyCondition compiles a key condition expression: ANDed
// conditions, one per key attribute, at most maxConds of them (2 for a
// table, MaxKeyConditions for an index: see CountError). It reports
// DynamoDB's messages for conditions no key schema could satisfy (OR, NOT,
// IN, <>, functions other than begins_with, nested paths, several
// conditions on one attribute...).
func ParseKeyCondition(src string, env *Env, maxConds int) (*KeyCondition, error) {
	const kind = "KeyConditionExpression"
	c, err := ParseCondition(kind, src, env)
	if err != nil {
		return nil, err
	}
	kc := &KeyCondition{}
	if msg := kc.collect(c.root); msg != "" {
		return nil, validationError(msg)
	}
	for _, rc := range kc.Conditions {
		if msg := rc.checkTypes(); msg != "" {
			return nil, validationError(msg)
		}
	}
	if err := CountError(len(kc.Conditions), maxConds); err != nil {
		return nil, err
	}
	return kc, nil
}

var flipped = map[tokKind]tokKind{tEq: tEq, tLt: tGt, tLe: tGe, tGt: tLt, tGe: tLe}

var cmpNames = map[tokKind]string{tEq: "=", tLt: "<", tLe: "<=", tGt: ">", tGe: ">=", tNe: "<>"}

// collect walks the condition tree, appending one RangeCondition per
// comparison, or returns DynamoDB's message for an unsupported construct.
func (kc *KeyCondition) collect(c *cond) string {
	switch c.kind {
	case cOr:
		return "Invalid operator used in KeyConditionExpression: OR"
	case cNot:
		return "Invalid operator used in KeyConditionExpression: NOT"
	case cIn:
		return "Invalid operator used in KeyConditionExpression: IN"
	case cAnd:
		if msg := kc.collect(c.kids[0]); msg != "" {
			return msg
		}
		return kc.collect(c.kids[1])
	}
	args := c.args
	rc := RangeCondition{}
	switch c.kind {
	case cCompare:
		if c.cmp == tNe {
			return "Invalid operator used in KeyConditionExpression: <>"
		}
		rc.Op = cmpNames[c.cmp]
	case cBetween:
		if args[0].kind != opPath {
			return "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"
		}
		rc.Op = "BETWEEN"
	case cFunc:
		fn := args[0]
		switch fn.fn {
		case "size":
			return "KeyConditionExpressions cannot contain nested operations"
		case "begins_with":
		default:
			return "Invalid operator used in KeyConditionExpression: " + fn.fn
		}
		if fn.args[0].kind != opPath {
			return "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"
		}
		args = fn.args
		rc.Op = "begins_with"
	}
	pathIx := -1
	for i, a := range args {
		switch a.kind {
		case opPath:
			if pathIx >= 0 {
				return "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
			}
			if a.path.Nested() {
				return "KeyConditionExpressions cannot have conditions on nested attributes"
			}
			pathIx = i
		case opFunc:
			return "KeyConditionExpressions cannot contain nested operations"
		}
	}
	if pathIx < 0 {
		return "Invalid condition in KeyConditionExpression: No key attribute specified"
	}
	rc.Name = args[pathIx].path.Head()
	for _, prev := range kc.Conditions {
		if prev.Name == rc.Name {
			return "KeyConditionExpressions must only contain one condition per key"
		}
	}
	if pathIx != 0 { // :v < k is k > :v
		rc.Op = cmpNames[flipped[c.cmp]]
		rc.Values = []av.Value{*args[0].val}
	} else {
		for _, a := range args[1:] {
			rc.Values = append(rc.Values, *a.val)
		}
	}
	kc.Conditions = append(kc.Conditions, rc)
	return ""
}

// checkTypes applies DynamoDB's operator/type rules for key conditions.
func (rc *RangeCondition) checkTypes() string {
	op := map[string]string{"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE", "BETWEEN": "BETWEEN", "begins_with": "BEGINS_WITH"}[rc.Op]
	allowed := "S N B"
	switch op {
	case "EQ":
		allowed = "S N B SS NS BS"
	case "BEGINS_WITH":
		allowed = "S B"
	}
	for _, v := range rc.Values {
		if !strings.Contains(" "+allowed+" ", " "+v.Type.String()+" ") {
			return "One or more parameter values were invalid: ComparisonOperator " + op + " is not valid for " + v.Type.String() + " AttributeValue type"
		}
	}
	if op == "BETWEEN" {
		if n, ok := av.Compare(rc.Values[0], rc.Values[1]); ok && n > 0 {
			return "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
		}
	}
	return ""
}

// Bind matches the conditions to the key schema of the table or index
// queried; see BindConditions.
func (kc *KeyCondition) Bind(hash, rng []KeyAttr) (*BoundKey, error) {
	return BindConditions(kc.Conditions, hash, rng, nil)
}

// Key schema limits. A table or local secondary index key has one
// partition (HASH) attribute and at most one sort (RANGE) attribute; a
// global secondary index key has up to MaxIndexHash partition and
// MaxIndexRange sort attributes (multi-attribute keys).
const (
	MaxIndexHash     = 4
	MaxIndexRange    = 4
	MaxKeyConditions = MaxIndexHash + MaxIndexRange
)

// CountError reports a key condition with n conditions where at most max
// are possible: DynamoDB's message for a classic key (max 2), ours (in
// its style) for a multi-attribute index key.
func CountError(n, max int) error {
	switch {
	case n >= 1 && n <= max:
		return nil
	case max <= 2:
		return validationError("Conditions can be of length 1 or 2 only")
	}
	return validationError("Conditions can be of length 1 to " + strconv.Itoa(max) + " only")
}

// KeyAttr is one attribute of a key schema.
type KeyAttr struct {
	Name string
	Type av.Type
}

// BoundKey is a key condition bound to a key schema: what a Query walks.
type BoundKey struct {
	Hash  []av.Value      // the partition attributes' values, in schema order
	Equal []av.Value      // the leading sort attributes given with =, in order
	Range *RangeCondition // the condition on the next sort attribute (not =); nil when none
}

// BindConditions matches conditions (at most one per attribute) to a key
// schema: the partition attributes hash (one or more) and the sort
// attributes rng (none or more), in schema order. Every partition
// attribute needs an equality; sort attributes are given left to right
// without a gap, with = on all but the last one given, which may have any
// condition. check, when not nil, vets a condition once it is matched to
// a key attribute, before its types (the legacy KeyConditions' operator
// check). The messages and their order are DynamoDB's for a classic key
// (one partition attribute, at most one sort attribute). A multi-attribute
// key gets the same ones (a condition on a non-key attribute misses the
// first sort attribute not given), and for a gap in the sort attributes or
// a range condition before the last one given, the message other
// emulators (moto, among others) give; the documentation has none.
func BindConditions(conds []RangeCondition, hash, rng []KeyAttr, check func(*RangeCondition) error) (*BoundKey, error) {
	maxConds := MaxKeyConditions
	if len(hash)+len(rng) <= 2 {
		maxConds = 2
	}
	if err := CountError(len(conds), maxConds); err != nil {
		return nil, err
	}
	if len(rng) == 0 && len(conds) > len(hash) {
		return nil, validationError("Query key condition not supported")
	}
	find := func(name string) *RangeCondition {
		for i := range conds {
			if conds[i].Name == name {
				return &conds[i]
			}
		}
		return nil
	}
	vet := func(rc *RangeCondition, ka KeyAttr) error {
		if check != nil {
			if err := check(rc); err != nil {
				return err
			}
		}
		return checkSchemaType(rc, ka.Type)
	}
	out := &BoundKey{}
	for _, ka := range hash {
		rc := find(ka.Name)
		if rc == nil {
			return nil, missedKey(ka.Name)
		}
		if err := vet(rc, ka); err != nil {
			return nil, err
		}
		if rc.Op != "=" {
			return nil, validationError("Query key condition not supported")
		}
		out.Hash = append(out.Hash, rc.Values[0])
	}
	// given: how many sort attributes, from the first, have a condition.
	given := 0
	for given < len(rng) && find(rng[given].Name) != nil {
		given++
	}
	inSchema := 0
	for _, ka := range slices.Concat(hash, rng) {
		if find(ka.Name) != nil {
			inSchema++
		}
	}
	switch {
	case inSchema < len(conds) && given < len(rng): // a condition on a non-key attribute
		return nil, missedKey(rng[given].Name)
	case inSchema < len(conds):
		return nil, validationError("Query key condition not supported")
	case inSchema > len(hash)+given: // a gap: a condition on a later sort attribute
		later := slices.IndexFunc(rng[given:], func(ka KeyAttr) bool { return find(ka.Name) != nil })
		return nil, needEquality(rng[given].Name, rng[given+later].Name)
	}
	for i, ka := range rng[:given] {
		rc := find(ka.Name)
		if err := vet(rc, ka); err != nil {
			return nil, err
		}
		switch {
		case rc.Op == "=":
			out.Equal = append(out.Equal, rc.Values[0])
		case i < given-1:
			return nil, needEquality(ka.Name, rng[i+1].Name)
		default:
			out.Range = rc
		}
	}
	return out, nil
}

// needEquality reports a sort attribute without = before another with a
// condition.
func needEquality(name, later string) error {
	return validationError("RANGE key attributes " + name + " must have equality conditions specified in the query because a condition is present on key attribute " + later)
}

func missedKey(name string) error {
	return validationError("Query condition missed key schema element: " + name)
}

func checkSchemaType(rc *RangeCondition, t av.Type) error {
	for _, v := range rc.Values {
		if v.Type != t {
			return validationError("One or more parameter values were invalid: Condition parameter type does not match schema type")
		}
	}
	return nil
}

// Match reports whether a sort key value satisfies the condition.
func (rc *RangeCondition) Match(v av.Value) bool {
	switch rc.Op {
	case "begins_with":
		return beginsWith(v, rc.Values[0])
	case "BETWEEN":
		lo, ok1 := av.Compare(v, rc.Values[0])
		hi, ok2 := av.Compare(v, rc.Values[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	}
	n, ok := av.Compare(v, rc.Values[0])
	if !ok {
		return false
	}
	switch rc.Op {
	case "=":
		return n == 0
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	}
	return n >= 0 // ">="
}

// Bound is one end of a sort key range.
type Bound struct {
	Value     av.Value
	Inclusive bool
}

// Bounds returns the sort key range the condition selects, for walking an
// ordered index; a nil bound means unbounded on that side. Every value
// within the bounds satisfies the condition, so Match is not needed after
// a range walk. begins_with gives [prefix, successor) where the successor
// is the smallest value above every value starting with the prefix (no
// upper bound when there is none, e.g. for an empty prefix).
func (rc *RangeCondition) Bounds() (lower, upper *Bound) {
	v := rc.Values[0]
	switch rc.Op {
	case "=":
		return &Bound{v, true}, &Bound{v, true}
	case "<":
		return nil, &Bound{v, false}
	case "<=":
		return nil, &Bound{v, true}
	case ">":
		return &Bound{v, false}, nil
	case ">=":
		return &Bound{v, true}, nil
	case "BETWEEN":
		return &Bound{v, true}, &Bound{rc.Values[1], true}
	}
	// begins_with
	var prefix []byte
	if v.Type == av.S {
		prefix = []byte(v.Str)
	} else {
		prefix = v.Bytes
	}
	succ := prefixSuccessor(prefix)
	if succ == nil {
		return &Bound{v, true}, nil
	}
	u := av.Value{Type: v.Type}
	if v.Type == av.S {
		u.Str = string(succ)
	} else {
		u.Bytes = succ
	}
	return &Bound{v, true}, &Bound{u, false}
}

// prefixSuccessor returns the smallest byte string greater than every
// string starting with p, or nil if there is none.
func prefixSuccessor(p []byte) []byte {
	s := bytes.Clone(p)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0xFF {
			s[i]++
			return s[:i+1]
		}
	}
	return nil
}
