package expr

import (
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// errSlots collects the semantic problems found while parsing, the first of
// each kind; every expression kind reports them in its own priority order,
// as DynamoDB does. Syntax errors always win.
type errSlots struct {
	parens, unknownFunction, misusedFunction, reserved string
	attrNameVal, attrName, attrVal                     string
	operand, distinct, function, section               string
	condition                                          string
	limit                                              string // expression size limits
}

// Expression size limits.
const (
	maxInOperands = 100 // values in the list of IN
	maxOperators  = 300 // operators and functions in one expression

	maxExpressionSize = 4096 // bytes of one expression
)

func operatorCountMessage(n int) string {
	return "The expression contains too many operators; operator count: " + strconv.Itoa(n)
}

func set(slot *string, msg string) {
	if *slot == "" {
		*slot = msg
	}
}

func first(msgs ...string) string {
	for _, m := range msgs {
		if m != "" {
			return m
		}
	}
	return ""
}

// syntaxPanic aborts parsing at a syntax error; parser.run recovers it.
type syntaxPanic struct{}

type parser struct {
	src      string
	toks     []token
	pos      int
	maxErr   int // furthest token index where parsing failed
	env      *Env
	keywords []string // words of the grammar that cannot be names
	errs     errSlots
	paths    []Path // paths of operands, in order (condition expressions)
	tokBuf   [48]token

	// Slabs the parse tree is allocated from, to allocate in bulk.
	ops   []operand
	vals  []av.Value
	conds []cond
	ptrs  []*operand
	elems []PathElem
}

// grow returns s with room for n more elements, in a new slab if needed
// (earlier elements stay where they are, still referenced by the tree).
func grow[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	return make([]T, 0, max(8, n, 2*cap(s)))
}

// newOperand allocates o from the operand slab.
func (p *parser) newOperand(o operand) *operand {
	p.ops = append(grow(p.ops, 1), o)
	return &p.ops[len(p.ops)-1]
}

// newValue allocates a copy of v from the value slab.
func (p *parser) newValue(v av.Value) *av.Value {
	p.vals = append(grow(p.vals, 1), v)
	return &p.vals[len(p.vals)-1]
}

// newCond allocates c from the condition slab.
func (p *parser) newCond(c cond) *cond {
	p.conds = append(grow(p.conds, 1), c)
	return &p.conds[len(p.conds)-1]
}

// operands copies xs into the pointer slab.
func (p *parser) operands(xs ...*operand) []*operand {
	p.ptrs = append(grow(p.ptrs, len(xs)), xs...)
	n := len(p.ptrs)
	return p.ptrs[n-len(xs) : n : n]
}

// run parses with f, turning a syntax failure into DynamoDB's message.
func (p *parser) run(kind string, f func()) (err error) {
	if strings.TrimLeft(p.src, " \t\r\n") == "" {
		return validationError("Invalid " + kind + ": The expression can not be empty;")
	}
	if len(p.src) > maxExpressionSize {
		return validationError("Invalid " + kind + ": Expression size has exceeded the maximum allowed size; expression size: " + strconv.Itoa(len(p.src)))
	}
	p.toks = lex(p.src, p.tokBuf[:])
	// Size the slabs for the expression: every operand has a name or value
	// token, every condition an operator or a name (function), every path
	// element a name or index.
	var names, values, others int
	for _, t := range p.toks {
		switch t.kind {
		case tIdent, tName:
			names++
		case tValue:
			values++
		case tNumber:
			others++
		case tEq, tNe, tLt, tLe, tGt, tGe:
			others++
		}
	}
	p.ops = make([]operand, 0, names+values)
	p.vals = make([]av.Value, 0, values)
	p.conds = make([]cond, 0, names+others)
	p.ptrs = make([]*operand, 0, names+values+2)
	p.elems = make([]PathElem, 0, names+others)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(syntaxPanic); !ok {
				panic(r)
			}
			err = validationError("Invalid " + kind + ": " + p.syntaxMessage())
		}
	}()
	f()
	if p.tok().kind != tEOF {
		p.fail()
	}
	return nil
}

// syntaxMessage describes the token at the furthest failure with its
// neighbours, as DynamoDB does.
func (p *parser) syntaxMessage() string {
	i := p.maxErr
	t := p.toks[i]
	start := t.start
	if i > 0 {
		start = p.toks[i-1].start
	}
	if t.kind == tEOF {
		return `Syntax error; token: "<EOF>", near: "` + p.src[start:] + `"`
	}
	end := t.end
	if i+1 < len(p.toks) && p.toks[i+1].kind != tEOF {
		end = p.toks[i+1].end
	}
	return `Syntax error; token: "` + p.src[t.start:t.end] + `", near: "` + p.src[start:end] + `"`
}

func (p *parser) fail() {
	if p.pos > p.maxErr {
		p.maxErr = p.pos
	}
	panic(syntaxPanic{})
}

func (p *parser) tok() token { return p.toks[p.pos] }

func (p *parser) text(t token) string { return p.src[t.start:t.end] }

func (p *parser) peekKind(off int) tokKind {
	if p.pos+off < len(p.toks) {
		return p.toks[p.pos+off].kind
	}
	return tEOF
}

// accept consumes the next token if it is of kind k.
func (p *parser) accept(k tokKind) bool {
	if p.toks[p.pos].kind == k {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(k tokKind) {
	if !p.accept(k) {
		p.fail()
	}
}

// acceptKeyword consumes the next token if it is the keyword kw.
func (p *parser) acceptKeyword(kw string) bool {
	t := p.toks[p.pos]
	if t.kind == tIdent && keyword(p.text(t), kw) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) isKeyword(t token) bool {
	if t.kind != tIdent {
		return false
	}
	s := p.text(t)
	for _, kw := range p.keywords {
		if keyword(s, kw) {
			return true
		}
	}
	return false
}

// afterGroup returns the kind of the token following the parenthesised
// group that starts at the current '(' token (tEOF if it is unbalanced),
// and whether that token is one of the given keywords.
func (p *parser) afterGroup(keywords ...string) (tokKind, bool) {
	depth := 0
	for i := p.pos; i < len(p.toks); i++ {
		switch p.toks[i].kind {
		case tLParen:
			depth++
		case tRParen:
			depth--
			if depth == 0 {
				if i+1 >= len(p.toks) {
					return tEOF, false
				}
				t := p.toks[i+1]
				if t.kind == tIdent {
					for _, kw := range keywords {
						if keyword(p.text(t), kw) {
							return t.kind, true
						}
					}
				}
				return t.kind, false
			}
		case tEOF:
			return tEOF, false
		}
	}
	return tEOF, false
}

// path parses a document path: name ( '.' name | '[' digits ']' )*.
func (p *parser) path() Path {
	p.elems = grow(p.elems, 4)
	start := len(p.elems)
	p.elems = append(p.elems, p.pathName())
	for {
		switch p.tok().kind {
		case tDot:
			p.pos++
			p.elems = append(p.elems, p.pathName())
		case tLBracket:
			p.pos++
			t := p.tok()
			if t.kind != tNumber {
				p.fail()
			}
			p.pos++
			p.expect(tRBracket)
			n, err := strconv.Atoi(p.text(t))
			if err != nil {
				n = int(^uint(0) >> 1)
			}
			p.elems = append(p.elems, PathElem{Index: n, IsIndex: true})
		default:
			// The path's elements are contiguous even if append moved them.
			n := len(p.elems)
			return Path(p.elems[start:n:n])
		}
	}
}

// pathName parses one attribute name or #placeholder of a path.
func (p *parser) pathName() PathElem {
	t := p.tok()
	switch {
	case t.kind == tName:
		p.pos++
		n := p.text(t)
		name, ok := p.env.name(n)
		if !ok {
			p.undefined(&p.errs.attrName, "An expression attribute name used in the document path is not defined; attribute name: "+n)
		}
		return PathElem{Name: name}
	case t.kind == tIdent && !p.isKeyword(t):
		p.pos++
		name := p.text(t)
		if isReserved(name) {
			set(&p.errs.reserved, "Attribute name is a reserved keyword; reserved keyword: "+name)
		}
		return PathElem{Name: name}
	}
	p.fail()
	return PathElem{}
}

// undefined records msg, about an undefined #name or :value, in slot (the
// attrName or attrVal slot) and, when neither it nor attrNameVal holds a
// message yet, in attrNameVal.
func (p *parser) undefined(slot *string, msg string) {
	if p.errs.attrNameVal == "" && *slot == "" {
		p.errs.attrNameVal = msg
	}
	set(slot, msg)
}

// value parses a :placeholder.
func (p *parser) value() av.Value {
	t := p.tok()
	if t.kind != tValue {
		p.fail()
	}
	p.pos++
	n := p.text(t)
	v, ok := p.env.value(n)
	if !ok {
		p.undefined(&p.errs.attrVal, "An expression attribute value used in expression is not defined; attribute value: "+n)
	}
	return v
}

// valueText formats a literal as DynamoDB does inside messages: {N:1}.
func valueText(v av.Value) string {
	var s string
	switch v.Type {
	case av.S, av.N:
		s = v.Str
	case av.B:
		j := v.AppendJSON(nil) // {"B":"..."}
		s = string(j[6 : len(j)-2])
	case av.BOOL:
		s = strconv.FormatBool(v.Bool)
	default:
		j := v.AppendJSON(nil)
		s = string(j)
	}
	return "AttributeValue: {" + v.Type.String() + ":" + s + "}"
}
