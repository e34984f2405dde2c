package ddb

import (
	"bytes"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxPathDepth is DynamoDB's limit on the nesting depth of a document path.
const maxPathDepth = 32

// maxInValues is DynamoDB's limit on the number of operands of IN.
const maxInValues = 100

// pathSeg is one step of a document path: a map key or a list index.
type pathSeg struct {
	name    string
	index   int
	isIndex bool
}

// Path names an attribute, or an element nested inside one, in a
// condition, filter, projection or update. Build it with Attr, then Field
// for map keys and Index for list elements:
//
//	ddb.Attr("info").Field("rating").Index(0) // info.rating[0]
//
// Every name is sent through an expression attribute name placeholder, so
// reserved words (status, name, size...) and names containing dots,
// brackets, dashes or spaces need no escaping: Attr("a.b") is the single
// top-level attribute named "a.b", not the key b inside map a.
//
// The zero Path, like Attr(""), is empty and invalid in every expression.
type Path struct {
	head string    // the top-level attribute name
	rest []pathSeg // nested map keys and list indexes after head
}

// Attr returns the path of the top-level attribute named exactly name.
// Dots and brackets in name are ordinary characters.
func Attr(name string) Path {
	return Path{head: name}
}

// Field returns the path of map key name inside the map at p.
func (p Path) Field(name string) Path {
	return p.with(pathSeg{name: name})
}

// Index returns the path of element i of the list at p.
func (p Path) Index(i int) Path {
	return p.with(pathSeg{index: i, isIndex: true})
}

func (p Path) with(s pathSeg) Path {
	rest := make([]pathSeg, len(p.rest)+1)
	copy(rest, p.rest)
	rest[len(p.rest)] = s
	p.rest = rest
	return p
}

// String returns a readable form of p for messages, such as
// info.rating[0]. It is not an expression: names are not escaped.
func (p Path) String() string {
	var b strings.Builder
	b.WriteString(p.head)
	for _, s := range p.rest {
		if s.isIndex {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		b.WriteByte('.')
		b.WriteString(s.name)
	}
	return b.String()
}

// top returns the top-level attribute name of p.
func (p Path) top() string { return p.head }

// isZero reports whether p is empty: the zero Path or Attr("").
func (p Path) isZero() bool { return p.head == "" && len(p.rest) == 0 }

// depth returns the number of segments of p.
func (p Path) depth() int { return 1 + len(p.rest) }

// validate reports why p cannot be used in an expression, or nil.
func (p Path) validate() error {
	if p.isZero() {
		return exprErr(p.String(), "empty attribute path", nil)
	}
	if p.depth() > maxPathDepth {
		return exprErr(p.String(), "attribute path nested deeper than "+strconv.Itoa(maxPathDepth)+" levels", nil)
	}
	if p.head == "" {
		return exprErr(p.String(), "attribute path has no top-level attribute name", nil)
	}
	for _, s := range p.rest {
		switch {
		case s.isIndex && s.index < 0:
			return exprErr(p.String(), "negative list index in attribute path", nil)
		case !s.isIndex && s.name == "":
			return exprErr(p.String(), "empty attribute name in path", nil)
		}
	}
	return nil
}

// pathRelation describes how two paths relate for DynamoDB's overlap rule.
type pathRelation int

const (
	pathsDisjoint pathRelation = iota
	pathsOverlap               // equal, or one is a prefix of the other
	pathsConflict              // same prefix, then a map key in one and a list index in the other
)

func relatePaths(a, b Path) pathRelation {
	if a.head != b.head {
		return pathsDisjoint
	}
	n := min(len(a.rest), len(b.rest))
	for i := 0; i < n; i++ {
		x, y := a.rest[i], b.rest[i]
		if x.isIndex != y.isIndex {
			return pathsConflict
		}
		if x != y {
			return pathsDisjoint
		}
	}
	return pathsOverlap
}

// checkOverlap reports an error if p overlaps or conflicts with any path in
// prior, which DynamoDB rejects within one projection or update.
func checkOverlap(p Path, prior []Path) error {
	for _, q := range prior {
		switch relatePaths(p, q) {
		case pathsOverlap:
			return exprErr(p.String(), "attribute paths "+q.String()+" and "+p.String()+" overlap", nil)
		case pathsConflict:
			return exprErr(p.String(), "attribute paths "+q.String()+" and "+p.String()+" conflict (map key versus list index)", nil)
		}
	}
	return nil
}

// exprErr returns an ErrInvalidExpression error about field.
func exprErr(field, msg string, cause error) error {
	return &Error{Kind: ErrInvalidExpression, Field: field, Msg: msg, Err: cause}
}

// AttrType is a DynamoDB attribute type, for Path.HasType.
type AttrType string

// Attribute types accepted by Path.HasType.
const (
	TypeString    AttrType = "S"
	TypeNumber    AttrType = "N"
	TypeBinary    AttrType = "B"
	TypeBool      AttrType = "BOOL"
	TypeNull      AttrType = "NULL"
	TypeMap       AttrType = "M"
	TypeList      AttrType = "L"
	TypeStringSet AttrType = "SS"
	TypeNumberSet AttrType = "NS"
	TypeBinarySet AttrType = "BS"
)

func (t AttrType) valid() bool {
	switch t {
	case TypeString, TypeNumber, TypeBinary, TypeBool, TypeNull, TypeMap, TypeList,
		TypeStringSet, TypeNumberSet, TypeBinarySet:
		return true
	}
	return false
}

// operand is one side of a comparison or an argument of a function: an
// attribute path, size(path), or an encoded value.
type operand struct {
	path Path
	size bool
	av   types.AttributeValue // nil for path and size operands
	raw  any                  // a time value as given, re-encoded when compared with a time key (keytime.go)
}

// toOperand converts a user argument: a Path, a Size, or any value the
// codec can encode. field names the attribute the operand belongs to in
// error messages.
func toOperand(v any, field Path) (operand, error) {
	var o operand
	switch x := v.(type) {
	case Path:
		o.path = x
	case Size:
		o.path, o.size = x.p, true
	default:
		av, err := toValue(v, field)
		o := operand{av: av}
		if _, ok := timeArg(v); ok {
			o.raw = v
		}
		return o, err
	}
	if o.path.isZero() {
		return operand{}, exprErr(field.String(), "empty attribute path as operand", nil)
	}
	return o, o.path.validate()
}

// toValue encodes v as an attribute value for an expression.
func toValue(v any, field Path) (types.AttributeValue, error) {
	switch x := v.(type) {
	case string: // fast paths for the commonest values, as the codec encodes them
		return &types.AttributeValueMemberS{Value: x}, nil
	case bool:
		return &types.AttributeValueMemberBOOL{Value: x}, nil
	case int:
		return &types.AttributeValueMemberN{Value: strconv.Itoa(x)}, nil
	case int64:
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(x, 10)}, nil
	case SetValue:
		av, err := x.value()
		if err != nil {
			return nil, exprErr(field.String(), err.Error(), nil)
		}
		return av, nil
	case types.AttributeValue:
		return x, nil
	case Path, Size, Condition, KeyCondition, *Update:
		return nil, exprErr(field.String(), "a "+typeName(v)+" is not a value", nil)
	}
	av, err := Marshal(v)
	if err != nil {
		return nil, exprErr(field.String(), "cannot encode value", err)
	}
	if av == nil {
		return nil, exprErr(field.String(), fmt.Sprintf("cannot encode value of type %T", v), nil)
	}
	if n, ok := av.(*types.AttributeValueMemberN); ok && !validNumber(n.Value) {
		return nil, exprErr(field.String(), "cannot encode value "+n.Value, ErrInvalidValue)
	}
	return av, nil
}

// validNumber reports whether s looks like a finite decimal number (no
// NaN or infinity), as DynamoDB requires.
func validNumber(s string) bool {
	digits := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
		default:
			return false
		}
	}
	return digits
}

func typeName(v any) string {
	switch v.(type) {
	case Path:
		return "Path"
	case Size:
		return "Size"
	case Condition:
		return "Condition"
	case KeyCondition:
		return "KeyCondition"
	default:
		return "*Update"
	}
}

func isScalar(av types.AttributeValue) bool {
	switch av.(type) {
	case *types.AttributeValueMemberS, *types.AttributeValueMemberN, *types.AttributeValueMemberB:
		return true
	}
	return false
}

// compareScalars compares two scalar values of the same type (S, N or B)
// the way DynamoDB orders them. ok is false when they cannot be compared.
func compareScalars(a, b types.AttributeValue) (c int, ok bool) {
	switch x := a.(type) {
	case *types.AttributeValueMemberS:
		if y, is := b.(*types.AttributeValueMemberS); is {
			return strings.Compare(x.Value, y.Value), true
		}
	case *types.AttributeValueMemberB:
		if y, is := b.(*types.AttributeValueMemberB); is {
			return bytes.Compare(x.Value, y.Value), true
		}
	case *types.AttributeValueMemberN:
		if y, is := b.(*types.AttributeValueMemberN); is {
			fx, _, errx := big.ParseFloat(x.Value, 10, 200, big.ToNearestEven)
			fy, _, erry := big.ParseFloat(y.Value, 10, 200, big.ToNearestEven)
			if errx != nil || erry != nil {
				return 0, false
			}
			return fx.Cmp(fy), true
		}
	}
	return 0, false
}

// condOp is the operator of a condition node.
type condOp uint8

const (
	opEq condOp = iota + 1
	opNe
	opLt
	opLe
	opGt
	opGe
	opBetween
	opIn
	opExists
	opNotExists
	opType
	opBeginsWith
	opContains
	opAnd
	opOr
	opNot
)

var cmpSymbols = [...]string{opEq: " = ", opNe: " <> ", opLt: " < ", opLe: " <= ", opGt: " > ", opGe: " >= "}

var funcNames = [...]string{
	opExists:     "attribute_exists(",
	opNotExists:  "attribute_not_exists(",
	opType:       "attribute_type(",
	opBeginsWith: "begins_with(",
	opContains:   "contains(",
}

// Condition is a condition expression for a conditional write, or a
// filter for Query and Scan. Build one from a Path (Eq, Exists,
// BeginsWith...) or Size, and combine with And, Or and Not. The zero
// Condition means "no condition".
//
// Values are encoded when the Condition is built and always sent as
// expression attribute values; any problem (a value the codec cannot
// encode, IN with no values...) is reported, matching
// ErrInvalidExpression, by the operation that uses the Condition, before
// any request. A Condition is immutable and safe to share and reuse.
//
// DynamoDB's own rules still apply: a Query filter cannot name the key
// attributes of the table or index queried (use a KeyCondition), and a
// condition's expression is limited to 4 KB.
type Condition struct {
	n *condNode
}

type condNode struct {
	op     condOp
	args   []operand // the subject first, then the other operands
	kids   []Condition
	err    error
	argBuf [2]operand // backing array of args for the common cases
}

// IsZero reports whether c is the zero Condition, which means "no condition".
func (c Condition) IsZero() bool { return c.n == nil }

func errCond(err error) Condition { return Condition{&condNode{err: err}} }

// newCond builds a node whose subject is subj and whose other operands
// are vs, checking the operand types op accepts.
func newCond(op condOp, subj operand, field Path, vs ...any) Condition {
	n := &condNode{op: op}
	n.args = n.argBuf[:0]
	if len(vs) >= len(n.argBuf) {
		n.args = make([]operand, 0, 1+len(vs))
	}
	n.args = append(n.args, subj)
	for _, v := range vs {
		o, err := toOperand(v, field)
		if err != nil {
			return errCond(err)
		}
		n.args = append(n.args, o)
	}
	if err := checkOperands(op, field, n.args); err != nil {
		return errCond(err)
	}
	return Condition{n}
}

// checkOperands rejects operand types DynamoDB refuses for op.
func checkOperands(op condOp, field Path, args []operand) error {
	switch op {
	case opLt, opLe, opGt, opGe, opBetween:
		for _, a := range args[1:] {
			if a.av != nil && !isScalar(a.av) {
				return exprErr(field.String(), "comparison needs a string, number or binary value, got "+avKindName(a.av), nil)
			}
		}
		if op == opBetween {
			lo, hi := args[1].av, args[2].av
			if lo != nil && hi != nil {
				c, ok := compareScalars(lo, hi)
				if tl, th := avKindName(lo), avKindName(hi); !ok && tl != th {
					return exprErr(field.String(), "BETWEEN bounds have different types "+tl+" and "+th, nil)
				} else if !ok {
					return exprErr(field.String(), "BETWEEN bounds cannot be compared", nil)
				}
				if c > 0 {
					return exprErr(field.String(), "BETWEEN lower bound is greater than upper bound", nil)
				}
			}
		}
	case opBeginsWith:
		if a := args[1].av; a != nil {
			switch a.(type) {
			case *types.AttributeValueMemberS, *types.AttributeValueMemberB:
			default:
				return exprErr(field.String(), "begins_with needs a string or binary prefix, got "+avKindName(a), nil)
			}
		}
	case opIn:
		if n := len(args) - 1; n == 0 || n > maxInValues {
			return exprErr(field.String(), "IN needs 1 to "+strconv.Itoa(maxInValues)+" values, got "+strconv.Itoa(n), nil)
		}
	}
	return nil
}

func (p Path) subject() (operand, error) {
	return operand{path: p}, p.validate()
}

func (p Path) cond(op condOp, vs ...any) Condition {
	subj, err := p.subject()
	if err != nil {
		return errCond(err)
	}
	return newCond(op, subj, p, vs...)
}

// Eq is the condition p = v. v is a value, another Path, or a Size.
func (p Path) Eq(v any) Condition { return p.cond(opEq, v) }

// Ne is the condition p <> v. v is a value, another Path, or a Size.
func (p Path) Ne(v any) Condition { return p.cond(opNe, v) }

// Lt is the condition p < v. v is a string, number or binary value,
// another Path, or a Size.
func (p Path) Lt(v any) Condition { return p.cond(opLt, v) }

// Le is the condition p <= v, with operands as for Lt.
func (p Path) Le(v any) Condition { return p.cond(opLe, v) }

// Gt is the condition p > v, with operands as for Lt.
func (p Path) Gt(v any) Condition { return p.cond(opGt, v) }

// Ge is the condition p >= v, with operands as for Lt.
func (p Path) Ge(v any) Condition { return p.cond(opGe, v) }

// Between is the condition lo <= p <= hi. The bounds are values of one
// scalar type (string, number or binary) with lo <= hi, or Paths.
func (p Path) Between(lo, hi any) Condition { return p.cond(opBetween, lo, hi) }

// In is the condition that p equals one of vs (1 to 100 values or Paths).
func (p Path) In(vs ...any) Condition { return p.cond(opIn, vs...) }

// Exists is the condition attribute_exists(p).
func (p Path) Exists() Condition { return p.cond(opExists) }

// NotExists is the condition attribute_not_exists(p).
func (p Path) NotExists() Condition { return p.cond(opNotExists) }

// HasType is the condition attribute_type(p, t): p exists and has type t.
func (p Path) HasType(t AttrType) Condition {
	if !t.valid() {
		return errCond(exprErr(p.String(), "unknown attribute type "+strconv.Quote(string(t)), nil))
	}
	return p.cond(opType, &types.AttributeValueMemberS{Value: string(t)})
}

// BeginsWith is the condition begins_with(p, prefix): the string or
// binary value at p starts with prefix.
func (p Path) BeginsWith(prefix any) Condition { return p.cond(opBeginsWith, prefix) }

// Contains is the condition contains(p, v): the string at p contains the
// substring v, or the set or list at p contains the element v.
func (p Path) Contains(v any) Condition { return p.cond(opContains, v) }

// Size returns size(p) as an operand: the length of a string or binary
// value, or the number of elements of a set, list or map. Compare it with
// its methods, or pass it as the operand of a Path comparison.
func (p Path) Size() Size { return Size{p: p} }

// Size is size(path) in a condition. Build it with Path.Size.
type Size struct {
	p Path
}

func (s Size) cond(op condOp, vs ...any) Condition {
	if err := s.p.validate(); err != nil {
		return errCond(err)
	}
	return newCond(op, operand{path: s.p, size: true}, s.p, vs...)
}

// Eq is the condition size(path) = v.
func (s Size) Eq(v any) Condition { return s.cond(opEq, v) }

// Ne is the condition size(path) <> v.
func (s Size) Ne(v any) Condition { return s.cond(opNe, v) }

// Lt is the condition size(path) < v.
func (s Size) Lt(v any) Condition { return s.cond(opLt, v) }

// Le is the condition size(path) <= v.
func (s Size) Le(v any) Condition { return s.cond(opLe, v) }

// Gt is the condition size(path) > v.
func (s Size) Gt(v any) Condition { return s.cond(opGt, v) }

// Ge is the condition size(path) >= v.
func (s Size) Ge(v any) Condition { return s.cond(opGe, v) }

// Between is the condition lo <= size(path) <= hi.
func (s Size) Between(lo, hi any) Condition { return s.cond(opBetween, lo, hi) }

// And is true when every condition in cs is. Zero conditions in cs are
// skipped; And of nothing is the zero Condition.
func And(cs ...Condition) Condition { return combine(opAnd, cs) }

// Or is true when any condition in cs is. Zero conditions in cs are
// skipped; Or of nothing is the zero Condition.
func Or(cs ...Condition) Condition { return combine(opOr, cs) }

func combine(op condOp, cs []Condition) Condition {
	kids := make([]Condition, 0, len(cs))
	for _, c := range cs {
		if c.n == nil {
			continue
		}
		if c.n.op == op { // flatten: (a AND b) AND c is a AND b AND c
			kids = append(kids, c.n.kids...)
			continue
		}
		kids = append(kids, c)
	}
	switch len(kids) {
	case 0:
		return Condition{}
	case 1:
		return kids[0]
	}
	return Condition{&condNode{op: op, kids: kids}}
}

// Not is true when c is false. Not of the zero Condition is invalid.
func Not(c Condition) Condition {
	if c.n == nil {
		return errCond(exprErr("", "Not of an empty condition", nil))
	}
	return Condition{&condNode{op: opNot, kids: []Condition{c}}}
}

// KeyCondition is a condition on the sort key for Query, such as
// BeginsWith("2024-"). Values must have the sort key's type.
type KeyCondition struct {
	op condOp
	lo any
	hi any
}

// Eq is the sort-key condition sk = v.
func Eq(v any) KeyCondition { return KeyCondition{op: opEq, lo: v} }

// Lt is the sort-key condition sk < v.
func Lt(v any) KeyCondition { return KeyCondition{op: opLt, lo: v} }

// Le is the sort-key condition sk <= v.
func Le(v any) KeyCondition { return KeyCondition{op: opLe, lo: v} }

// Gt is the sort-key condition sk > v.
func Gt(v any) KeyCondition { return KeyCondition{op: opGt, lo: v} }

// Ge is the sort-key condition sk >= v.
func Ge(v any) KeyCondition { return KeyCondition{op: opGe, lo: v} }

// Between is the sort-key condition lo <= sk <= hi.
func Between(lo, hi any) KeyCondition { return KeyCondition{op: opBetween, lo: lo, hi: hi} }

// BeginsWith is the sort-key condition begins_with(sk, prefix), for string
// and binary sort keys.
func BeginsWith(prefix any) KeyCondition { return KeyCondition{op: opBeginsWith, lo: prefix} }

// exprBuilder turns Conditions, KeyConditions, projections and Updates
// into DynamoDB expression strings, collecting the attribute-name and
// attribute-value placeholders they use. The zero value is ready; use one
// builder per request so all expressions of the request share
// placeholders. op and table, when set, are copied into errors.
type exprBuilder struct {
	op, table string
	known     *attrSet // top-level names allowed; nil: any
	keys      *schema  // the table's key attributes, whose time values have the key encoding; nil: none
	attrErr   error    // first unknown top-level name of the expression being built

	nameList []string               // nameList[i] is the name behind #n<i>
	nameIdx  map[string]int         // index of nameList, once it is long
	valList  []types.AttributeValue // valList[i] is the value behind :v<i>
	sb       strings.Builder

	nameBuf [8]string // initial backing arrays of nameList and valList
	valBuf  [8]types.AttributeValue
}

const placeholderCache = 32

var namePH, valuePH [placeholderCache]string

func init() {
	for i := range placeholderCache {
		namePH[i] = "#n" + strconv.Itoa(i)
		valuePH[i] = ":v" + strconv.Itoa(i)
	}
}

func namePlaceholder(i int) string {
	if i < placeholderCache {
		return namePH[i]
	}
	return "#n" + strconv.Itoa(i)
}

func valuePlaceholder(i int) string {
	if i < placeholderCache {
		return valuePH[i]
	}
	return ":v" + strconv.Itoa(i)
}

// nameIndexThreshold is the number of names above which name lookups use
// a map instead of a linear scan.
const nameIndexThreshold = 16

// name returns the placeholder for attribute name n, reusing one if n
// was seen before.
func (b *exprBuilder) name(n string) string {
	if b.nameIdx != nil {
		if i, ok := b.nameIdx[n]; ok {
			return namePlaceholder(i)
		}
	} else {
		for i, m := range b.nameList {
			if m == n {
				return namePlaceholder(i)
			}
		}
	}
	i := len(b.nameList)
	if b.nameList == nil {
		b.nameList = b.nameBuf[:0]
	}
	b.nameList = append(b.nameList, n)
	if b.nameIdx != nil {
		b.nameIdx[n] = i
	} else if len(b.nameList) > nameIndexThreshold {
		b.nameIdx = make(map[string]int, 2*len(b.nameList))
		for j, m := range b.nameList {
			b.nameIdx[m] = j
		}
	}
	return namePlaceholder(i)
}

// valueReuseLimit bounds the scan for an equal earlier value.
const valueReuseLimit = 64

// value returns the placeholder for av, reusing one for an equal simple
// value seen before.
func (b *exprBuilder) value(av types.AttributeValue) string {
	for i, w := range b.valList[:min(len(b.valList), valueReuseLimit)] {
		if sameSimpleValue(av, w) {
			return valuePlaceholder(i)
		}
	}
	if b.valList == nil {
		b.valList = b.valBuf[:0]
	}
	b.valList = append(b.valList, av)
	return valuePlaceholder(len(b.valList) - 1)
}

// sameSimpleValue reports whether a and b are equal strings, numbers
// (spelled alike), booleans, nulls or empty lists. It is false for
// everything else, which then gets its own placeholder.
func sameSimpleValue(a, b types.AttributeValue) bool {
	switch x := a.(type) {
	case *types.AttributeValueMemberS:
		y, ok := b.(*types.AttributeValueMemberS)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberN:
		y, ok := b.(*types.AttributeValueMemberN)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberBOOL:
		y, ok := b.(*types.AttributeValueMemberBOOL)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberNULL:
		y, ok := b.(*types.AttributeValueMemberNULL)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberL:
		y, ok := b.(*types.AttributeValueMemberL)
		return ok && len(x.Value) == 0 && len(y.Value) == 0
	}
	return false
}

// names returns the ExpressionAttributeNames of everything built so far,
// or nil.
func (b *exprBuilder) names() map[string]string {
	if len(b.nameList) == 0 {
		return nil
	}
	m := make(map[string]string, len(b.nameList))
	for i, n := range b.nameList {
		m[namePlaceholder(i)] = n
	}
	return m
}

// values returns the ExpressionAttributeValues of everything built so
// far, or nil.
func (b *exprBuilder) values() map[string]types.AttributeValue {
	if len(b.valList) == 0 {
		return nil
	}
	m := make(map[string]types.AttributeValue, len(b.valList))
	for i, v := range b.valList {
		m[valuePlaceholder(i)] = v
	}
	return m
}

// exprMark records the builder's state when one expression starts.
type exprMark struct{ names, values int }

// begin starts building one expression.
func (b *exprBuilder) begin() exprMark {
	b.sb.Reset()
	b.sb.Grow(96)
	return exprMark{len(b.nameList), len(b.valList)}
}

// finish ends the expression started at m. On error it forgets the
// placeholders added since m and returns the error with the builder's op
// and table filled in; otherwise it returns the built string.
func (b *exprBuilder) finish(m exprMark, err error) (string, error) {
	if err == nil {
		err = b.attrErr
	}
	b.attrErr = nil
	if err != nil {
		for _, n := range b.nameList[m.names:] {
			delete(b.nameIdx, n)
		}
		clear(b.nameList[m.names:])
		clear(b.valList[m.values:])
		b.nameList, b.valList = b.nameList[:m.names], b.valList[:m.values]
		b.sb.Reset()
		return "", b.wrap(err)
	}
	s := b.sb.String()
	b.sb.Reset()
	return s, nil
}

// wrap fills in the builder's op and table in a copy of err.
func (b *exprBuilder) wrap(err error) error {
	e, ok := err.(*Error)
	if !ok || (b.op == "" && b.table == "") {
		return err
	}
	c := *e
	if c.Op == "" {
		c.Op = b.op
	}
	if c.Table == "" {
		c.Table = b.table
	}
	return &c
}

func (b *exprBuilder) writePath(p Path) {
	if b.known != nil && b.attrErr == nil {
		b.attrErr = b.known.check(p.head)
	}
	b.sb.WriteString(b.name(p.head))
	for _, s := range p.rest {
		if s.isIndex {
			b.sb.WriteByte('[')
			b.sb.WriteString(strconv.Itoa(s.index))
			b.sb.WriteByte(']')
			continue
		}
		b.sb.WriteByte('.')
		b.sb.WriteString(b.name(s.name))
	}
}

func (b *exprBuilder) writeOperand(o operand) {
	switch {
	case o.av != nil:
		b.sb.WriteString(b.value(o.av))
	case o.size:
		b.sb.WriteString("size(")
		b.writePath(o.path)
		b.sb.WriteByte(')')
	default:
		b.writePath(o.path)
	}
}

// condition returns the expression for c, or "" for the zero Condition.
func (b *exprBuilder) condition(c Condition) (string, error) {
	if c.n == nil {
		return "", nil
	}
	m := b.begin()
	return b.finish(m, b.writeCond(c.n, 0))
}

func (b *exprBuilder) writeCond(n *condNode, parent condOp) error {
	if n.err != nil {
		return n.err
	}
	switch n.op {
	case opAnd, opOr:
		paren := parent != 0 && parent != n.op && parent != opNot
		if paren {
			b.sb.WriteByte('(')
		}
		for i, k := range n.kids {
			if i > 0 {
				if n.op == opAnd {
					b.sb.WriteString(" AND ")
				} else {
					b.sb.WriteString(" OR ")
				}
			}
			if err := b.writeCond(k.n, n.op); err != nil {
				return err
			}
		}
		if paren {
			b.sb.WriteByte(')')
		}
	case opNot:
		b.sb.WriteString("NOT (")
		if err := b.writeCond(n.kids[0].n, opNot); err != nil {
			return err
		}
		b.sb.WriteByte(')')
	case opEq, opNe, opLt, opLe, opGt, opGe, opBetween, opIn:
		args, err := b.keyTimeArgs(n.args)
		if err != nil {
			return err
		}
		b.writeCompare(n.op, args)
	default: // functions
		b.sb.WriteString(funcNames[n.op])
		for i, a := range n.args {
			if i > 0 {
				b.sb.WriteString(", ")
			}
			b.writeOperand(a)
		}
		b.sb.WriteByte(')')
	}
	return nil
}

// writeCompare writes a comparison, BETWEEN or IN of args.
func (b *exprBuilder) writeCompare(op condOp, args []operand) {
	switch op {
	case opEq, opNe, opLt, opLe, opGt, opGe:
		b.writeOperand(args[0])
		b.sb.WriteString(cmpSymbols[op])
		b.writeOperand(args[1])
	case opBetween:
		b.writeOperand(args[0])
		b.sb.WriteString(" BETWEEN ")
		b.writeOperand(args[1])
		b.sb.WriteString(" AND ")
		b.writeOperand(args[2])
	case opIn:
		b.writeOperand(args[0])
		b.sb.WriteString(" IN (")
		for i, a := range args[1:] {
			if i > 0 {
				b.sb.WriteString(", ")
			}
			b.writeOperand(a)
		}
		b.sb.WriteByte(')')
	}
}

// keyCondition returns the key condition expression for a Query: every
// partition key attribute pk[i] equals pkValues[i] and each sort key
// attribute sk[i] satisfies kcs[i], from the first: DynamoDB's rule for
// multi-attribute keys is equality on a leading run of sort key attributes,
// then at most one condition of another kind, last. A nil or zero condition
// at the end is no condition; one before a later condition is a gap.
// Sort-key values must encode to the attribute's type, and BeginsWith needs
// a string or binary one; otherwise the error matches ErrInvalidKey and
// names the attribute.
func (b *exprBuilder) keyCondition(pk []KeyAttr, pkValues []types.AttributeValue, sk []KeyAttr, kcs []*KeyCondition) (string, error) {
	m := b.begin()
	if len(pk) == 0 {
		return b.finish(m, &Error{Kind: ErrInvalidKey, Msg: "missing partition key"})
	}
	for i, a := range pk {
		if a.Name == "" || i >= len(pkValues) || pkValues[i] == nil {
			return b.finish(m, &Error{Kind: ErrInvalidKey, Field: a.Name, Msg: "missing partition key"})
		}
		if i > 0 {
			b.sb.WriteString(" AND ")
		}
		b.sb.WriteString(b.name(a.Name))
		b.sb.WriteString(" = ")
		b.sb.WriteString(b.value(pkValues[i]))
	}
	n := len(kcs)
	for n > 0 && (kcs[n-1] == nil || kcs[n-1].op == 0) {
		n--
	}
	switch {
	case n > 0 && len(sk) == 0:
		return b.finish(m, &Error{Kind: ErrInvalidKey, Msg: "sort key condition on a table or index without a sort key"})
	case n > len(sk):
		return b.finish(m, &Error{Kind: ErrInvalidKey, Field: sk[len(sk)-1].Name,
			Msg: fmt.Sprintf("%d sort key conditions for a sort key of %d attribute%s", n, len(sk), plural(len(sk)))})
	}
	for i, kc := range kcs[:n] {
		if err := b.sortKeyCondition(sk[i], kc, i == n-1); err != nil {
			return b.finish(m, err)
		}
	}
	return b.finish(m, nil)
}

// sortKeyCondition writes " AND " and the condition kc on sort key
// attribute a; last says whether it is the last condition given.
func (b *exprBuilder) sortKeyCondition(a KeyAttr, kc *KeyCondition, last bool) error {
	keyErr := func(msg string, cause error) error {
		return &Error{Kind: ErrInvalidKey, Field: a.Name, Msg: msg, Err: cause}
	}
	switch {
	case kc == nil || kc.op == 0:
		return keyErr("no condition on sort key attribute "+strconv.Quote(a.Name)+" before a later one: give sort key conditions left to right without gaps", nil)
	case !last && kc.op != opEq:
		return keyErr("only the last sort key condition may be other than Eq; give Eq for "+strconv.Quote(a.Name)+" or drop the conditions after it", nil)
	case kc.op == opBeginsWith && a.Type != types.ScalarAttributeTypeS && a.Type != types.ScalarAttributeTypeB:
		return keyErr("begins_with needs a string or binary sort key, not "+string(a.Type), nil)
	}
	var avs [2]types.AttributeValue
	n := 1
	if kc.op == opBetween {
		n = 2
	}
	bounds := [2]any{kc.lo, kc.hi}
	for i, v := range bounds[:n] {
		av, err := toValue(v, Attr(a.Name))
		if err != nil {
			return keyErr("cannot encode sort key value", err)
		}
		if t := avKindName(av); t != string(a.Type) {
			return keyErr("sort key value has type "+t+", want "+string(a.Type), nil)
		}
		avs[i] = av
	}
	if n == 2 {
		if c, _ := compareScalars(avs[0], avs[1]); c > 0 {
			return keyErr("BETWEEN lower bound is greater than upper bound", nil)
		}
	}
	b.sb.WriteString(" AND ")
	sk := b.name(a.Name)
	switch kc.op {
	case opBeginsWith:
		b.sb.WriteString("begins_with(")
		b.sb.WriteString(sk)
		b.sb.WriteString(", ")
		b.sb.WriteString(b.value(avs[0]))
		b.sb.WriteByte(')')
	case opBetween:
		b.sb.WriteString(sk)
		b.sb.WriteString(" BETWEEN ")
		b.sb.WriteString(b.value(avs[0]))
		b.sb.WriteString(" AND ")
		b.sb.WriteString(b.value(avs[1]))
	default:
		b.sb.WriteString(sk)
		b.sb.WriteString(cmpSymbols[kc.op])
		b.sb.WriteString(b.value(avs[0]))
	}
	return nil
}

// projection returns the projection expression listing paths, or "" for
// none. Repeated paths are listed once; overlapping ones (a and a.b) are
// an error, as in DynamoDB.
func (b *exprBuilder) projection(paths []Path) (string, error) {
	if len(paths) == 0 {
		return "", nil
	}
	m := b.begin()
	for i, p := range paths {
		if err := p.validate(); err != nil {
			return b.finish(m, err)
		}
		dup := false
		for _, q := range paths[:i] {
			if relatePaths(p, q) == pathsOverlap && len(p.rest) == len(q.rest) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		if err := checkOverlap(p, paths[:i]); err != nil {
			return b.finish(m, err)
		}
		if b.sb.Len() > 0 {
			b.sb.WriteString(", ")
		}
		b.writePath(p)
	}
	return b.finish(m, nil)
}

// Cond parses a condition written in DynamoDB's condition syntax, with
// attribute names written plainly and every value given as a ? argument:
//
//	ddb.Cond("status = ? AND (version < ? OR attribute_not_exists(version))", "open", 3)
//	ddb.Cond("size(tags) > ? AND begins_with(info.title, ?)", 2, "Go")
//	ddb.Cond("? = ?", ddb.Attr("my-attr"), 1) // any name, as a Path argument
//
// Names may be nested with dots and list indexes (info.rating[0]); each
// name is sent through a placeholder like those of Attr, so reserved words
// need no escaping. A name that is not a plain identifier (letters,
// digits and underscores, not starting with a digit), or that is one of
// the keywords AND, OR, NOT, BETWEEN and IN, is given as a Path argument
// to a ?. Arguments are matched to ? in order; a Path or Size argument is
// an attribute operand, anything else a value. The operators and
// functions are those of Path and Size: = <> < <= > >= BETWEEN IN AND OR
// NOT attribute_exists attribute_not_exists attribute_type begins_with
// contains size.
//
// A syntax error, or a mismatch between the ? and the arguments, is
// reported like any other invalid condition, matching
// ErrInvalidExpression, by the operation that uses the Condition.
func Cond(expr string, args ...any) Condition {
	p := condParser{src: expr, args: args}
	p.next()
	c := p.or()
	if p.err == nil && p.tok.kind != tokEOF {
		p.fail("unexpected " + p.tok.String())
	}
	if p.err == nil && p.argi != len(args) {
		p.fail(strconv.Itoa(len(args)) + " arguments for " + strconv.Itoa(p.argi) + " placeholders")
	}
	if p.err != nil {
		return errCond(p.err)
	}
	if c.IsZero() {
		return errCond(exprErr("", "Cond: empty condition", nil))
	}
	return c
}

type tokKind uint8

const (
	tokEOF    tokKind = iota
	tokIdent          // name, keyword or function name
	tokArg            // ?
	tokNumber         // list index digits
	tokPunct          // ( ) , . [ ] and comparators
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func (t token) String() string {
	if t.kind == tokEOF {
		return "end of condition"
	}
	return strconv.Quote(t.text) + " at offset " + strconv.Itoa(t.pos)
}

// condParser is a recursive-descent parser for Cond.
type condParser struct {
	src  string
	off  int
	tok  token
	args []any
	argi int
	err  error
}

func (p *condParser) fail(msg string) {
	if p.err == nil {
		p.err = exprErr("", "Cond: "+msg, nil)
	}
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// next reads the next token into p.tok.
func (p *condParser) next() {
	for p.off < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.off]) >= 0 {
		p.off++
	}
	start := p.off
	if p.off >= len(p.src) {
		p.tok = token{kind: tokEOF, pos: start}
		return
	}
	c := p.src[p.off]
	switch {
	case isIdentByte(c, true):
		for p.off < len(p.src) && isIdentByte(p.src[p.off], false) {
			p.off++
		}
		p.tok = token{tokIdent, p.src[start:p.off], start}
	case c >= '0' && c <= '9':
		for p.off < len(p.src) && p.src[p.off] >= '0' && p.src[p.off] <= '9' {
			p.off++
		}
		p.tok = token{tokNumber, p.src[start:p.off], start}
	case c == '?':
		p.off++
		p.tok = token{tokArg, "?", start}
	case c == '<' || c == '>':
		p.off++
		if p.off < len(p.src) && (p.src[p.off] == '=' || c == '<' && p.src[p.off] == '>') {
			p.off++
		}
		p.tok = token{tokPunct, p.src[start:p.off], start}
	case strings.IndexByte("()[],.=", c) >= 0:
		p.off++
		p.tok = token{tokPunct, p.src[start:p.off], start}
	default:
		p.fail("unexpected character " + strconv.QuoteRune(rune(c)) + " at offset " + strconv.Itoa(start))
		p.tok = token{kind: tokEOF, pos: start}
	}
}

// callFollows reports whether the next token is "(", so the current
// identifier is a function name rather than an attribute name.
func (p *condParser) callFollows() bool {
	rest := strings.TrimLeft(p.src[p.off:], " \t\r\n")
	return rest != "" && rest[0] == '('
}

// keyword reports whether the current token is keyword kw (any case).
func (p *condParser) keyword(kw string) bool {
	return p.tok.kind == tokIdent && strings.EqualFold(p.tok.text, kw)
}

func (p *condParser) isKeyword() bool {
	for _, kw := range [...]string{"AND", "OR", "NOT", "BETWEEN", "IN"} {
		if p.keyword(kw) {
			return true
		}
	}
	return false
}

// punct reports whether the current token is the punctuation s.
func (p *condParser) punct(s string) bool { return p.tok.kind == tokPunct && p.tok.text == s }

// expect consumes punctuation s or records an error.
func (p *condParser) expect(s string) {
	if !p.punct(s) {
		p.fail("expected " + strconv.Quote(s) + ", found " + p.tok.String())
		return
	}
	p.next()
}

func (p *condParser) or() Condition {
	cs := []Condition{p.and()}
	for p.err == nil && p.keyword("OR") {
		p.next()
		cs = append(cs, p.and())
	}
	return Or(cs...)
}

func (p *condParser) and() Condition {
	cs := []Condition{p.not()}
	for p.err == nil && p.keyword("AND") {
		p.next()
		cs = append(cs, p.not())
	}
	return And(cs...)
}

func (p *condParser) not() Condition {
	if p.keyword("NOT") {
		p.next()
		c := p.not()
		if p.err != nil {
			return Condition{}
		}
		return Not(c)
	}
	return p.primary()
}

var condFuncs = map[string]condOp{
	"attribute_exists":     opExists,
	"attribute_not_exists": opNotExists,
	"attribute_type":       opType,
	"begins_with":          opBeginsWith,
	"contains":             opContains,
}

var condComparators = map[string]condOp{"=": opEq, "<>": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe}

// flipped gives the comparator with its operands swapped: a < b is b > a.
var flipped = [...]condOp{opEq: opEq, opNe: opNe, opLt: opGt, opLe: opGe, opGt: opLt, opGe: opLe}

func (p *condParser) primary() Condition {
	if p.err != nil {
		return Condition{}
	}
	if p.punct("(") {
		p.next()
		c := p.or()
		p.expect(")")
		return c
	}
	if op, ok := condFuncs[p.tok.text]; ok && p.tok.kind == tokIdent && p.callFollows() {
		return p.function(op)
	}
	left := p.operand()
	if p.err != nil {
		return Condition{}
	}
	switch {
	case p.keyword("BETWEEN"):
		p.next()
		lo := p.operand()
		if !p.keyword("AND") {
			p.fail("expected AND in BETWEEN, found " + p.tok.String())
		}
		p.next()
		hi := p.operand()
		return p.subjectCond(left, opBetween, lo, hi)
	case p.keyword("IN"):
		p.next()
		p.expect("(")
		var vs []any
		for p.err == nil {
			vs = append(vs, p.operand())
			if !p.punct(",") {
				break
			}
			p.next()
		}
		p.expect(")")
		return p.subjectCond(left, opIn, vs...)
	}
	op, ok := condComparators[p.tok.text]
	if !ok || p.tok.kind != tokPunct {
		p.fail("expected a comparison, BETWEEN or IN, found " + p.tok.String())
		return Condition{}
	}
	p.next()
	right := p.operand()
	if !isAttrOperand(left) && isAttrOperand(right) { // ? < a is a > ?
		return p.subjectCond(right, flipped[op], left)
	}
	return p.subjectCond(left, op, right)
}

// isAttrOperand reports whether operand v is an attribute (a Path or
// Size), which can be the subject of a condition.
func isAttrOperand(v any) bool {
	switch v.(type) {
	case Path, Size:
		return true
	}
	return false
}

// subjectCond builds op with subject s (a Path or Size) and operands vs.
func (p *condParser) subjectCond(s any, op condOp, vs ...any) Condition {
	if p.err != nil {
		return Condition{}
	}
	switch x := s.(type) {
	case Path:
		return x.cond(op, vs...)
	case Size:
		return x.cond(op, vs...)
	}
	p.fail("a comparison needs an attribute on one side")
	return Condition{}
}

// function parses name(path[, operand]) for the condition functions.
func (p *condParser) function(op condOp) Condition {
	p.next()
	p.expect("(")
	subj := p.operand()
	path, ok := subj.(Path)
	if p.err == nil && !ok {
		p.fail("the first argument of a function must be an attribute path")
	}
	var c Condition
	switch op {
	case opExists, opNotExists:
		c = path.cond(op)
	case opType:
		p.expect(",")
		t := p.operand()
		ts, isString := t.(string)
		switch x := t.(type) {
		case AttrType:
			ts, isString = string(x), true
		case Path: // a bare type name: attribute_type(tags, SS)
			ts, isString = x.head, len(x.rest) == 0
		}
		if p.err == nil && !isString {
			p.fail("attribute_type needs a type name argument such as \"S\"")
		}
		c = path.HasType(AttrType(ts))
	default:
		p.expect(",")
		c = path.cond(op, p.operand())
	}
	p.expect(")")
	if p.err != nil {
		return Condition{}
	}
	return c
}

// operand parses a path, size(path) or ? and returns it as a Path, a Size
// or a value.
func (p *condParser) operand() any {
	if p.err != nil {
		return nil
	}
	var path Path
	switch {
	case p.tok.kind == tokArg:
		if p.argi >= len(p.args) {
			p.fail("more placeholders than arguments")
			return nil
		}
		v := p.args[p.argi]
		p.argi++
		p.next()
		pv, isPath := v.(Path)
		if !isPath {
			return v
		}
		path = pv
	case p.tok.kind == tokIdent && p.tok.text == "size" && p.callFollows():
		p.next()
		p.expect("(")
		s, ok := p.operand().(Path)
		if p.err == nil && !ok {
			p.fail("size needs an attribute path")
		}
		p.expect(")")
		return s.Size()
	case p.tok.kind == tokIdent && !p.isKeyword():
		path = Attr(p.tok.text)
		p.next()
	default:
		p.fail("expected an attribute name or ?, found " + p.tok.String())
		return nil
	}
	for p.err == nil {
		switch {
		case p.punct("."):
			p.next()
			if p.tok.kind != tokIdent {
				p.fail("expected a name after \".\", found " + p.tok.String())
				return nil
			}
			path = path.Field(p.tok.text)
			p.next()
		case p.punct("["):
			p.next()
			i, err := strconv.Atoi(p.tok.text)
			if p.tok.kind != tokNumber || err != nil {
				p.fail("expected a list index, found " + p.tok.String())
				return nil
			}
			p.next()
			p.expect("]")
			path = path.Index(i)
		default:
			return path
		}
	}
	return nil
}
