package partiql

import (
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// keywords cannot be bare attribute names (quote them to use them).
var keywords = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true,
	"BETWEEN": true, "IN": true, "IS": true, "MISSING": true, "NULL": true, "TRUE": true,
	"FALSE": true, "SET": true, "REMOVE": true, "INSERT": true, "INTO": true, "VALUE": true,
	"UPDATE": true, "DELETE": true, "RETURNING": true, "ORDER": true, "BY": true,
	"ASC": true, "DESC": true, "LIMIT": true,
}

// comparisons maps PartiQL's comparison operators to the expression
// language's.
var comparisons = map[string]string{"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

type parser struct {
	toks   []token
	i      int
	params int
}

// Parse parses one statement and returns it with its number of ?
// parameters.
func Parse(src string) (Statement, int, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, 0, err
	}
	p := &parser{toks: toks}
	st, err := p.statement()
	if err != nil {
		return nil, 0, err
	}
	if p.acceptKeyword("LIMIT") {
		return nil, 0, av.NewValidationError("Unsupported clause: LIMIT")
	}
	p.acceptPunct(";")
	if t := p.peek(); t.kind != tEOF {
		return nil, 0, p.unexpected()
	}
	return st, p.params, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) unexpected() error {
	t := p.peek()
	switch {
	case t.kind == tEOF:
		return syntaxError("Unexpected end of statement")
	case t.kind == tIdent && keywords[strings.ToUpper(t.text)]:
		return syntaxError("Unexpected keyword " + strings.ToUpper(t.text) + " at position " + itoa(t.pos))
	}
	return syntaxError("Unexpected token at position " + itoa(t.pos))
}

// isKeyword reports whether the next token is keyword kw.
func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

func (p *parser) acceptKeyword(kw string) bool {
	if p.isKeyword(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) keyword(kws ...string) error {
	for _, kw := range kws {
		if !p.acceptKeyword(kw) {
			return p.unexpected()
		}
	}
	return nil
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tPunct && t.text == s
}

func (p *parser) acceptPunct(s string) bool {
	if p.isPunct(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) punct(s string) error {
	if !p.acceptPunct(s) {
		return p.unexpected()
	}
	return nil
}

func (p *parser) statement() (Statement, error) {
	switch {
	case p.acceptKeyword("SELECT"):
		return p.selectStmt()
	case p.acceptKeyword("INSERT"):
		return p.insertStmt()
	case p.acceptKeyword("UPDATE"):
		return p.updateStmt()
	case p.acceptKeyword("DELETE"):
		return p.deleteStmt()
	case p.acceptKeyword("EXISTS"):
		if err := p.punct("("); err != nil {
			return nil, err
		}
		if err := p.keyword("SELECT"); err != nil {
			return nil, err
		}
		sel, err := p.selectStmt()
		if err != nil {
			return nil, err
		}
		return &Exists{sel.(*Select)}, p.punct(")")
	}
	return nil, p.unexpected()
}

// name reads an identifier, bare (not a keyword) or double-quoted.
func (p *parser) name() (string, error) {
	t := p.peek()
	if t.kind == tQuoted || t.kind == tIdent && !keywords[strings.ToUpper(t.text)] {
		p.i++
		return t.text, nil
	}
	return "", p.unexpected()
}

func (p *parser) selectStmt() (Statement, error) {
	s := &Select{}
	if !p.acceptPunct("*") {
		for {
			path, err := p.path()
			if err != nil {
				return nil, err
			}
			s.Proj = append(s.Proj, path)
			if !p.acceptPunct(",") {
				break
			}
		}
	}
	var err error
	if s.Table, err = p.tableAfter("FROM"); err != nil {
		return nil, err
	}
	if p.acceptPunct(".") {
		if s.Index, err = p.name(); err != nil {
			return nil, err
		}
	}
	if p.acceptKeyword("WHERE") {
		if s.Where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.acceptKeyword("ORDER") {
		if err := p.keyword("BY"); err != nil {
			return nil, err
		}
		if s.OrderBy, err = p.path(); err != nil {
			return nil, err
		}
		if p.acceptKeyword("DESC") {
			s.Desc = true
		} else {
			p.acceptKeyword("ASC")
		}
	}
	return s, nil
}

// tableAfter parses keyword kw and a table name.
func (p *parser) tableAfter(kw string) (string, error) {
	if err := p.keyword(kw); err != nil {
		return "", err
	}
	return p.name()
}

// where parses the WHERE clause a write requires.
func (p *parser) where() (Node, error) {
	if err := p.keyword("WHERE"); err != nil {
		return nil, err
	}
	return p.expr()
}

func (p *parser) insertStmt() (Statement, error) {
	s := &Insert{}
	var err error
	if s.Table, err = p.tableAfter("INTO"); err != nil {
		return nil, err
	}
	if err := p.keyword("VALUE"); err != nil {
		return nil, err
	}
	if s.Value, err = p.primary(); err != nil {
		return nil, err
	}
	return s, nil
}

func (p *parser) updateStmt() (Statement, error) {
	s := &Update{}
	var err error
	if s.Table, err = p.name(); err != nil {
		return nil, err
	}
	for {
		switch {
		case p.acceptKeyword("SET"):
			for {
				path, err := p.path()
				if err != nil {
					return nil, err
				}
				if err := p.punct("="); err != nil {
					return nil, err
				}
				v, err := p.additive()
				if err != nil {
					return nil, err
				}
				s.Sets = append(s.Sets, Assign{path, v})
				if !p.acceptPunct(",") {
					break
				}
			}
			continue
		case p.acceptKeyword("REMOVE"):
			for {
				path, err := p.path()
				if err != nil {
					return nil, err
				}
				s.Removes = append(s.Removes, path)
				if !p.acceptPunct(",") {
					break
				}
			}
			continue
		}
		break
	}
	if len(s.Sets)+len(s.Removes) == 0 {
		return nil, p.unexpected()
	}
	if s.Where, err = p.where(); err != nil {
		return nil, err
	}
	s.Returning, err = p.returning(true)
	return s, err
}

func (p *parser) deleteStmt() (Statement, error) {
	s := &Delete{}
	var err error
	if s.Table, err = p.tableAfter("FROM"); err != nil {
		return nil, err
	}
	if s.Where, err = p.where(); err != nil {
		return nil, err
	}
	s.Returning, err = p.returning(false)
	return s, err
}

// returning parses [RETURNING (ALL|MODIFIED) (OLD|NEW) *]; only an UPDATE
// may ask for MODIFIED or NEW.
func (p *parser) returning(update bool) (string, error) {
	if !p.acceptKeyword("RETURNING") {
		return "", nil
	}
	which := "ALL"
	if update && p.acceptKeyword("MODIFIED") {
		which = "UPDATED"
	} else if err := p.keyword("ALL"); err != nil {
		return "", err
	}
	when := "OLD"
	if update && p.acceptKeyword("NEW") {
		when = "NEW"
	} else if err := p.keyword("OLD"); err != nil {
		return "", err
	}
	if err := p.punct("*"); err != nil {
		return "", err
	}
	return which + "_" + when, nil
}

// path parses name ('.' name | '[' n ']')*.
func (p *parser) path() (Path, error) {
	n, err := p.name()
	if err != nil {
		return nil, err
	}
	return p.pathRest(Path{{Name: n, Index: -1}})
}

func (p *parser) pathRest(path Path) (Path, error) {
	for {
		switch {
		case p.acceptPunct("."):
			n, err := p.name()
			if err != nil {
				return nil, err
			}
			path = append(path, PathElem{Name: n, Index: -1})
		case p.acceptPunct("["):
			t := p.peek()
			switch t.kind {
			case tNumber:
				i, err := strconv.Atoi(t.text)
				if err != nil || i < 0 {
					return nil, p.unexpected()
				}
				path = append(path, PathElem{Index: i})
			case tString:
				path = append(path, PathElem{Name: t.text, Index: -1})
			default:
				return nil, p.unexpected()
			}
			p.i++
			if err := p.punct("]"); err != nil {
				return nil, err
			}
		default:
			return path, nil
		}
	}
}

func (p *parser) expr() (Node, error) { return p.chain("OR", p.and) }

func (p *parser) and() (Node, error) { return p.chain("AND", p.not) }

// chain parses operand (kw operand)*, left-associative.
func (p *parser) chain(kw string, operand func() (Node, error)) (Node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.acceptKeyword(kw) {
		r, err := operand()
		if err != nil {
			return nil, err
		}
		l = Binary{kw, l, r}
	}
	return l, nil
}

func (p *parser) not() (Node, error) {
	if p.acceptKeyword("NOT") {
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return Not{x}, nil
	}
	return p.predicate()
}

func (p *parser) predicate() (Node, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tPunct && comparisons[t.text] != "" {
		p.i++
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		return Binary{comparisons[t.text], l, r}, nil
	}
	if p.acceptKeyword("IS") {
		n := p.acceptKeyword("NOT")
		for _, w := range []string{"MISSING", "NULL"} {
			if p.acceptKeyword(w) {
				return Is{l, n, w}, nil
			}
		}
		return nil, p.unexpected()
	}
	neg := p.acceptKeyword("NOT")
	var out Node
	switch {
	case p.acceptKeyword("BETWEEN"):
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if err := p.keyword("AND"); err != nil {
			return nil, err
		}
		hi, err := p.additive()
		if err != nil {
			return nil, err
		}
		out = Between{l, lo, hi}
	case p.acceptKeyword("IN"):
		closer := ")"
		if p.acceptPunct("[") {
			closer = "]"
		} else if err := p.punct("("); err != nil {
			return nil, err
		}
		list, err := p.list(closer)
		if err != nil {
			return nil, err
		}
		out = In{l, list}
	case neg:
		return nil, p.unexpected()
	default:
		return l, nil
	}
	if neg {
		out = Not{out}
	}
	return out, nil
}

// list parses comma-separated expressions up to closer (consumed).
func (p *parser) list(closer string) ([]Node, error) {
	var out []Node
	if p.acceptPunct(closer) {
		return out, nil
	}
	for {
		x, err := p.additive()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
		if p.acceptPunct(closer) {
			return out, nil
		}
		if err := p.punct(","); err != nil {
			return nil, err
		}
	}
}

func (p *parser) additive() (Node, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.isPunct("+") || p.isPunct("-") {
		op := p.next().text
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = Binary{op, l, r}
	}
	return l, nil
}

func (p *parser) primary() (Node, error) {
	t := p.peek()
	switch t.kind {
	case tParam:
		p.i++
		p.params++
		return Param{p.params - 1}, nil
	case tString:
		p.i++
		return Lit{av.Value{Type: av.S, Str: t.text}}, nil
	case tNumber:
		p.i++
		return number(t.text)
	case tQuoted:
		return p.path()
	case tIdent:
		switch strings.ToUpper(t.text) {
		case "TRUE", "FALSE":
			p.i++
			return Lit{av.Value{Type: av.BOOL, Bool: strings.EqualFold(t.text, "TRUE")}}, nil
		case "NULL":
			p.i++
			return Lit{av.Value{Type: av.NULL, Bool: true}}, nil
		}
		if p.toks[p.i+1].kind == tPunct && p.toks[p.i+1].text == "(" && !keywords[strings.ToUpper(t.text)] {
			p.i += 2
			args, err := p.list(")")
			if err != nil {
				return nil, err
			}
			return Call{strings.ToLower(t.text), args}, nil
		}
		return p.path()
	case tPunct:
		p.i++
		switch t.text {
		case "(":
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			return x, p.punct(")")
		case "-":
			if n := p.peek(); n.kind == tNumber {
				p.i++
				return number("-" + n.text)
			}
		case "[":
			elems, err := p.list("]")
			return ListLit{elems}, err
		case "<<":
			elems, err := p.list(">>")
			return SetLit{elems}, err
		case "{":
			return p.mapLit()
		}
		p.i--
	}
	return nil, p.unexpected()
}

func (p *parser) mapLit() (Node, error) {
	m := MapLit{}
	if p.acceptPunct("}") {
		return m, nil
	}
	for {
		t := p.peek()
		if t.kind != tString && t.kind != tQuoted {
			return nil, p.unexpected()
		}
		p.i++
		if err := p.punct(":"); err != nil {
			return nil, err
		}
		v, err := p.additive()
		if err != nil {
			return nil, err
		}
		m.Keys, m.Vals = append(m.Keys, t.text), append(m.Vals, v)
		if p.acceptPunct("}") {
			return m, nil
		}
		if err := p.punct(","); err != nil {
			return nil, err
		}
	}
}

func number(text string) (Node, error) {
	c, err := av.CanonicalNumber(text)
	if err != nil {
		return nil, err
	}
	return Lit{av.Value{Type: av.N, Str: c}}, nil
}
