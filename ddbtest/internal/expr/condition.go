package expr

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

type opKind uint8

const (
	opPath opKind = iota
	opValue
	opFunc
)

// operand is a value in an expression: a document path, a literal from
// ExpressionAttributeValues or a function call.
type operand struct {
	kind   opKind
	path   Path
	val    *av.Value // for opValue
	fn     string
	args   []*operand
	typ    string // static type ("S", "N", "BOOL"...) or "" when unknown
	parens bool   // written in parentheses
}

// condKind is the kind of a condition node.
type condKind uint8

const (
	cAnd condKind = iota
	cOr
	cNot
	cCompare // op in cmp
	cBetween
	cIn
	cFunc // boolean function call
)

type cond struct {
	kind   condKind
	cmp    tokKind  // for cCompare
	kids   [2]*cond // operands of AND, OR (two) and NOT (one)
	args   []*operand
	parens bool
}

// Condition is a compiled ConditionExpression or FilterExpression.
type Condition struct {
	root  *cond
	paths []Path
}

// Paths returns every document path the condition refers to, in order.
func (c *Condition) Paths() []Path { return c.paths }

// Attributes returns the distinct top-level attribute names the condition
// refers to, in order of first use.
func (c *Condition) Attributes() []string { return heads(c.paths) }

func heads(paths []Path) []string {
	var out []string
	for _, p := range paths {
		found := false
		for _, h := range out {
			if h == p.Head() {
				found = true
				break
			}
		}
		if !found {
			out = append(out, p.Head())
		}
	}
	return out
}

var conditionKeywords = []string{"AND", "OR", "NOT", "BETWEEN", "IN"}

// ParseCondition compiles a condition expression; kind names the request
// parameter for messages ("ConditionExpression", "FilterExpression").
// Errors are *Error with DynamoDB's text, e.g. `Invalid ConditionExpression:
// Syntax error; token: "=", near: "a = = b"`.
func ParseCondition(kind, src string, env *Env) (*Condition, error) {
	c := &condParser{parser: parser{src: src, env: env, keywords: conditionKeywords}}
	var root *cond
	if err := c.run(kind, func() { root = c.orExpr() }); err != nil {
		return nil, err
	}
	if n := root.operators(); n > maxOperators {
		set(&c.errs.limit, operatorCountMessage(n))
	}
	e := &c.errs
	if msg := first(e.limit, e.parens, e.unknownFunction, e.misusedFunction, e.reserved, e.condition); msg != "" {
		return nil, validationError("Invalid " + kind + ": " + msg)
	}
	return &Condition{root: root, paths: c.paths}, nil
}

type condParser struct {
	parser
}

func (c *condParser) orExpr() *cond {
	x := c.andExpr()
	for c.acceptKeyword("OR") {
		x = c.newCond(cond{kind: cOr, kids: [2]*cond{x, c.andExpr()}})
	}
	return x
}

func (c *condParser) andExpr() *cond {
	x := c.notExpr()
	for c.acceptKeyword("AND") {
		x = c.newCond(cond{kind: cAnd, kids: [2]*cond{x, c.notExpr()}})
	}
	return x
}

func (c *condParser) notExpr() *cond {
	if c.acceptKeyword("NOT") {
		return c.newCond(cond{kind: cNot, kids: [2]*cond{c.notExpr()}})
	}
	return c.primary()
}

// parenthesized marks a group as parenthesized through its parens flag,
// recording redundant parentheses when it already was.
func (c *condParser) parenthesized(parens *bool) {
	if *parens {
		set(&c.errs.parens, "The expression has redundant parentheses;")
	}
	*parens = true
}

func (c *condParser) primary() *cond {
	// A parenthesis opens either an operand, as in (a) = :v, or a condition:
	// an operand is followed by a comparator, BETWEEN or IN.
	if c.tok().kind == tLParen {
		if k, kw := c.afterGroup("BETWEEN", "IN"); !kw && (k < tEq || k > tGe) {
			c.pos++
			x := c.orExpr()
			c.expect(tRParen)
			c.parenthesized(&x.parens)
			return x
		}
	}
	x := c.comparison()
	e := &c.errs
	if e.condition == "" {
		e.condition = first(e.attrNameVal, e.operand, e.distinct, e.function)
	}
	return x
}

// comparison parses a comparison, BETWEEN, IN or a function call.
func (c *condParser) comparison() *cond {
	x := c.operand()
	t := c.tok()
	switch {
	case t.kind >= tEq && t.kind <= tGe:
		c.pos++
		y := c.operand()
		c.checkMisused(x, y)
		args := c.operands(x, y)
		c.checkDistinct(c.text(t), args)
		return c.newCond(cond{kind: cCompare, cmp: t.kind, args: args})
	case c.acceptKeyword("BETWEEN"):
		y := c.operand()
		if !c.acceptKeyword("AND") {
			c.fail()
		}
		z := c.operand()
		c.checkMisused(x, y, z)
		c.checkBetween(y, z)
		return c.newCond(cond{kind: cBetween, args: c.operands(x, y, z)})
	case c.acceptKeyword("IN"):
		c.expect(tLParen)
		args := c.operands(append([]*operand{x}, c.operandList()...)...)
		c.expect(tRParen)
		if len(args)-1 > maxInOperands {
			set(&c.errs.limit, "The IN operator is provided with too many operands; number of operands: "+strconv.Itoa(len(args)-1))
		}
		c.checkMisused(args...)
		return c.newCond(cond{kind: cIn, args: args})
	case x.kind == opFunc && !x.parens:
		if x.fn == "size" { // a number, not a condition
			set(&c.errs.misusedFunction, misusedMessage(x.fn))
		}
		return c.newCond(cond{kind: cFunc, args: c.operands(x)})
	}
	c.fail()
	return nil
}

// operandList parses operands separated by commas into a temporary slice.
func (c *condParser) operandList() []*operand {
	args := make([]*operand, 1, 4)
	args[0] = c.operand()
	for c.accept(tComma) {
		args = append(args, c.operand())
	}
	return args
}

// operand parses a path, a :value, a function call or one of them in
// parentheses.
func (c *condParser) operand() *operand {
	t := c.tok()
	switch {
	case t.kind == tLParen:
		c.pos++
		x := c.operand()
		c.expect(tRParen)
		c.parenthesized(&x.parens)
		return x
	case t.kind == tValue:
		v := c.value()
		return c.newOperand(operand{kind: opValue, val: c.newValue(v), typ: typeName(v)})
	case t.kind == tIdent && c.peekKind(1) == tLParen && !c.isKeyword(t):
		c.pos += 2
		name := c.text(t)
		args := c.operands(c.operandList()...)
		c.expect(tRParen)
		c.checkMisused(args...)
		return c.newOperand(operand{kind: opFunc, fn: name, args: args, typ: c.checkFunction(name, args)})
	}
	p := c.path()
	c.paths = append(c.paths, p)
	return c.newOperand(operand{kind: opPath, path: p})
}

func typeName(v av.Value) string {
	if v.Type == av.Invalid {
		return ""
	}
	return v.Type.String()
}

func misusedMessage(fn string) string {
	return "The function is not allowed to be used this way in an expression; function: " + fn
}

// checkMisused flags a function other than size used as an operand.
func (c *condParser) checkMisused(args ...*operand) {
	for _, a := range args {
		if a.kind == opFunc && a.fn != "size" {
			set(&c.errs.misusedFunction, misusedMessage(a.fn))
			return
		}
	}
}

// checkDistinct flags a two-operand operator or function applied to the
// same path twice.
func (c *condParser) checkDistinct(name string, args []*operand) {
	if c.errs.distinct != "" || len(args) != 2 || args[0].kind != opPath || args[1].kind != opPath ||
		!equalPaths(args[0].path, args[1].path) {
		return
	}
	c.errs.distinct = "The first operand must be distinct from the remaining operands for this operator or function; operator: " +
		name + ", first operand: " + args[0].path.String()
}

func (c *condParser) checkBetween(lo, hi *operand) {
	if c.errs.function != "" || lo.kind != opValue || hi.kind != opValue || lo.typ == "" || hi.typ == "" {
		return
	}
	bounds := func() string {
		return "lower bound operand: " + valueText(*lo.val) + ", upper bound operand: " + valueText(*hi.val)
	}
	if lo.typ != hi.typ {
		c.errs.function = "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds()
	} else if n, ok := av.Compare(*lo.val, *hi.val); ok && n > 0 {
		c.errs.function = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; " + bounds()
	}
}

var conditionFunctions = map[string]int{
	"attribute_exists":     1,
	"attribute_not_exists": 1,
	"attribute_type":       2,
	"begins_with":          2,
	"contains":             2,
	"size":                 1,
}

var attributeTypeNames = map[string]bool{
	"S": true, "N": true, "B": true, "NULL": true, "SS": true, "BOOL": true, "L": true, "BS": true, "NS": true, "M": true,
}

// beginsWith reports whether x is a string or binary starting with y, a
// value of the same type.
func beginsWith(x, y av.Value) bool {
	switch {
	case x.Type == av.S && y.Type == av.S:
		return strings.HasPrefix(x.Str, y.Str)
	case x.Type == av.B && y.Type == av.B:
		return bytes.HasPrefix(x.Bytes, y.Bytes)
	}
	return false
}

func operandTypeMessage(fn, typ string) string {
	return "Incorrect operand type for operator or function; operator or function: " + fn + ", operand type: " + typ
}

// checkArity checks that name is one of fns, a function name to its number
// of operands, called with nargs operands. It records an unknown name in
// unknownFunction and a wrong count in slot, and reports whether checking
// may go on: false too when either already holds a message.
func (e *errSlots) checkArity(fns map[string]int, name string, nargs int, slot *string) bool {
	if e.unknownFunction != "" {
		return false
	}
	n, ok := fns[name]
	if !ok {
		e.unknownFunction = "Invalid function name; function: " + name
		return false
	}
	if *slot != "" {
		return false
	}
	if n != nargs {
		*slot = "Incorrect number of operands for operator or function; operator or function: " + name +
			", number of operands: " + strconv.Itoa(nargs)
		return false
	}
	return true
}

// checkFunction validates a function call and returns its static type.
func (c *condParser) checkFunction(name string, args []*operand) string {
	e := &c.errs
	if !e.checkArity(conditionFunctions, name, len(args), &e.operand) {
		return ""
	}
	c.checkDistinct(name, args)
	if e.function != "" {
		return ""
	}
	switch name {
	case "attribute_exists", "attribute_not_exists":
		if args[0].kind != opPath {
			e.function = "Operator or function requires a document path; operator or function: " + name
		}
		return ""
	case "begins_with":
		for _, a := range args {
			if a.typ != "" && a.typ != "S" && a.typ != "B" {
				e.function = operandTypeMessage(name, a.typ)
				return ""
			}
		}
		return "BOOL"
	case "attribute_type":
		t := args[1].typ
		if t != "S" {
			if t == "" {
				t = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
			}
			e.function = operandTypeMessage(name, t)
			return ""
		}
		if !attributeTypeNames[args[1].val.Str] {
			e.function = "Invalid attribute type name found; type: " + args[1].val.Str +
				", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
			return ""
		}
		return "BOOL"
	case "size":
		switch t := args[0].typ; t {
		case "N", "BOOL", "NULL":
			e.function = operandTypeMessage(name, t)
			return ""
		}
		return "N"
	}
	return "BOOL" // contains
}

// operators counts the operators and function calls of a condition tree.
func (c *cond) operators() int {
	n := 1
	for _, k := range c.kids {
		if k != nil {
			n += k.operators()
		}
	}
	for _, a := range c.args {
		n += a.functions()
	}
	if c.kind == cFunc {
		n-- // the call itself is counted by its operand
	}
	return n
}

// functions counts the function calls within an operand.
func (o *operand) functions() int {
	if o.kind != opFunc {
		return 0
	}
	n := 1
	for _, a := range o.args {
		n += a.functions()
	}
	return n
}

// Eval reports whether item satisfies the condition. A nil item is an
// absent item: only conditions such as attribute_not_exists hold.
func (c *Condition) Eval(item av.Item) bool { return c.root.eval(item) }

func (c *cond) eval(item av.Item) bool {
	switch c.kind {
	case cAnd:
		return c.kids[0].eval(item) && c.kids[1].eval(item)
	case cOr:
		return c.kids[0].eval(item) || c.kids[1].eval(item)
	case cNot:
		return !c.kids[0].eval(item)
	case cCompare:
		x, xok := c.args[0].resolve(item)
		y, yok := c.args[1].resolve(item)
		return compare(c.cmp, x, xok, y, yok)
	case cBetween:
		x, ok := c.args[0].resolve(item)
		if !ok {
			return false
		}
		lo, lok := c.args[1].resolve(item)
		hi, hok := c.args[2].resolve(item)
		return compare(tGe, x, true, lo, lok) && compare(tLe, x, true, hi, hok)
	case cIn:
		x, ok := c.args[0].resolve(item)
		if !ok {
			return false
		}
		for _, a := range c.args[1:] {
			if y, ok := a.resolve(item); ok && av.Equal(x, y) {
				return true
			}
		}
		return false
	case cFunc:
		return c.args[0].call(item)
	}
	return false
}

// compare applies a comparison operator; values of different types are
// unequal and unordered.
func compare(op tokKind, x av.Value, xok bool, y av.Value, yok bool) bool {
	if op == tNe {
		return !(xok && yok && av.Equal(x, y))
	}
	if !xok || !yok {
		return false
	}
	if op == tEq {
		return av.Equal(x, y)
	}
	n, ok := av.Compare(x, y)
	if !ok {
		return false
	}
	switch op {
	case tLt:
		return n < 0
	case tLe:
		return n <= 0
	case tGt:
		return n > 0
	}
	return n >= 0 // tGe
}

// resolve evaluates an operand against item.
func (o *operand) resolve(item av.Item) (av.Value, bool) {
	switch o.kind {
	case opPath:
		return o.path.Resolve(item)
	case opValue:
		return *o.val, true
	}
	if o.fn != "size" {
		return av.Value{}, false
	}
	v, ok := o.args[0].resolve(item)
	if !ok {
		return av.Value{}, false
	}
	var n int
	switch v.Type {
	case av.S:
		n = len(v.Str)
	case av.B:
		n = len(v.Bytes)
	case av.SS, av.NS:
		n = len(v.Strs)
	case av.BS:
		n = len(v.Bins)
	case av.L:
		n = len(v.List)
	case av.M:
		n = len(v.Map)
	default:
		return av.Value{}, false
	}
	return av.Value{Type: av.N, Str: strconv.Itoa(n)}, true
}

// call evaluates a boolean function.
func (o *operand) call(item av.Item) bool {
	x, xok := o.args[0].resolve(item)
	switch o.fn {
	case "attribute_exists":
		return xok
	case "attribute_not_exists":
		return !xok
	}
	y, yok := o.args[1].resolve(item)
	if !xok || !yok {
		return false
	}
	switch o.fn {
	case "attribute_type":
		return y.Type == av.S && x.Type.String() == y.Str
	case "begins_with":
		return beginsWith(x, y)
	case "contains":
		return contains(x, y)
	}
	return false
}

// contains implements contains(path, operand): substring of a string or
// binary, member of a set, or element of a list.
func contains(x, y av.Value) bool {
	switch x.Type {
	case av.S:
		return y.Type == av.S && strings.Contains(x.Str, y.Str)
	case av.B:
		return y.Type == av.B && bytes.Contains(x.Bytes, y.Bytes)
	case av.SS:
		return y.Type == av.S && av.Contains(x.Strs, y.Str)
	case av.NS:
		return y.Type == av.N && av.Contains(x.Strs, y.Str)
	case av.BS:
		return y.Type == av.B && av.Contains(x.Bins, y.Bytes)
	case av.L:
		for _, e := range x.List {
			if av.Equal(e, y) {
				return true
			}
		}
	}
	return false
}
