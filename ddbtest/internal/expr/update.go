package expr

import (
	"maps"
	"slices"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// actionKind is the section of an update action.
type actionKind uint8

// The four sections of an update expression.
const (
	aSet actionKind = iota
	aRemove
	aAdd
	aDelete
)

// String returns the section keyword.
func (k actionKind) String() string {
	return [...]string{"SET", "REMOVE", "ADD", "DELETE"}[k]
}

type action struct {
	kind actionKind
	path Path
	set  *operand // SET right-hand side
	val  av.Value // ADD / DELETE operand
}

// Update is a compiled UpdateExpression.
type Update struct {
	actions []action     // in application order: SET, ADD, DELETE, REMOVE
	paths   []Path       // as written
	kinds   []actionKind // the section of each of paths
}

// Runtime messages of Apply.
const (
	msgMissingAttr = "The provided expression refers to an attribute that does not exist in the item"
	msgBadOperand  = "An operand in the update expression has an incorrect data type"
	msgBadPath     = "The document path provided in the update expression is invalid for update"
)

var updateKeywords = []string{"SET", "REMOVE", "ADD", "DELETE"}

// ParseUpdate compiles an update expression (SET, REMOVE, ADD and DELETE
// sections, each at most once).
func ParseUpdate(src string, env *Env) (*Update, error) {
	p := &updateParser{parser: parser{src: src, env: env, keywords: updateKeywords}}
	if err := p.run("UpdateExpression", p.sections); err != nil {
		return nil, err
	}
	var o overlapCheck
	for _, a := range p.actions {
		o.add(a.path)
	}
	e := &p.errs
	n := 0
	for _, a := range p.actions {
		if a.set != nil {
			n += a.set.functions()
		}
	}
	if n > maxOperators {
		set(&e.limit, operatorCountMessage(n))
	}
	if msg := first(e.limit, e.reserved, e.unknownFunction, e.section, e.attrName, e.attrVal, o.overlap, o.conflict, e.operand, e.function); msg != "" {
		return nil, validationError("Invalid UpdateExpression: " + msg)
	}
	u := &Update{paths: make([]Path, len(p.actions)), kinds: make([]actionKind, len(p.actions))}
	for i, a := range p.actions {
		u.paths[i], u.kinds[i] = a.path, a.kind
	}
	for _, k := range []actionKind{aSet, aAdd, aDelete} {
		for _, a := range p.actions {
			if a.kind == k {
				u.actions = append(u.actions, a)
			}
		}
	}
	// REMOVE list elements from the highest index down so that every index
	// designates an element of the original list.
	var removes []action
	for _, a := range p.actions {
		if a.kind == aRemove {
			removes = append(removes, a)
		}
	}
	slices.SortStableFunc(removes, func(a, b action) int {
		la, lb := a.path[len(a.path)-1], b.path[len(b.path)-1]
		if la.IsIndex && lb.IsIndex && equalPaths(a.path[:len(a.path)-1], b.path[:len(b.path)-1]) {
			return lb.Index - la.Index
		}
		return 0
	})
	u.actions = append(u.actions, removes...)
	return u, nil
}

// Paths returns the document path of every action, in written order.
func (u *Update) Paths() []Path { return u.paths }

// Attributes returns the distinct top-level attribute names the actions
// modify.
func (u *Update) Attributes() []string { return heads(u.paths) }

// Updated returns the parts of item the update's actions target, shaped as
// DynamoDB's ReturnValues UPDATED_OLD (item is the item before the update,
// after is false) and UPDATED_NEW (item is the updated item, after is
// true): each targeted path that exists in item, nested in maps and lists
// along its path, without the untargeted siblings. List elements keep their
// index order and are packed (REMOVE l[0], l[2] gives [l[0], l[2]]). The
// paths of REMOVE actions are not part of UPDATED_NEW. Updated returns nil
// when no targeted path exists in item.
func (u *Update) Updated(item av.Item, after bool) av.Item {
	var root *pickNode
	for i, p := range u.paths {
		if after && u.kinds[i] == aRemove {
			continue
		}
		v, ok := p.Resolve(item)
		if !ok {
			continue
		}
		if root == nil {
			root = &pickNode{}
		}
		n := root
		for _, e := range p {
			n = n.child(e)
		}
		n.val = &v
	}
	if root == nil {
		return nil
	}
	return root.value().Map
}

// pickNode is one node of the tree of picked paths: a picked value, or a
// map or list holding picked descendants.
type pickNode struct {
	val   *av.Value
	names map[string]*pickNode
	elems map[int]*pickNode
}

func (n *pickNode) child(e PathElem) *pickNode { return pathChild(&n.names, &n.elems, e) }

// value renders n. Overlapping paths are rejected by ParseUpdate, so a
// node with a picked value has no descendants.
func (n *pickNode) value() av.Value {
	switch {
	case n.val != nil:
		return *n.val
	case n.elems != nil:
		idx := slices.Sorted(maps.Keys(n.elems))
		list := make([]av.Value, len(idx))
		for i, k := range idx {
			list[i] = n.elems[k].value()
		}
		return av.Value{Type: av.L, List: list}
	}
	m := make(map[string]av.Value, len(n.names))
	for k, c := range n.names {
		m[k] = c.value()
	}
	return av.Value{Type: av.M, Map: m}
}

type updateParser struct {
	parser
	actions []action
	seen    [4]bool
}

func (p *updateParser) sections() {
	for {
		t := p.tok()
		if t.kind != tIdent {
			p.fail()
		}
		var kind actionKind
		switch s := p.text(t); {
		case keyword(s, "SET"):
			kind = aSet
		case keyword(s, "REMOVE"):
			kind = aRemove
		case keyword(s, "ADD"):
			kind = aAdd
		case keyword(s, "DELETE"):
			kind = aDelete
		default:
			p.fail()
		}
		p.pos++
		for {
			p.action(kind)
			if !p.accept(tComma) {
				break
			}
		}
		if p.seen[kind] {
			set(&p.errs.section, `The "`+kind.String()+`" section can only be used once in an update expression;`)
		}
		p.seen[kind] = true
		if p.tok().kind == tEOF {
			return
		}
	}
}

var updateOperandTypes = map[av.Type]string{
	av.S: "STRING", av.N: "NUMBER", av.B: "BINARY", av.NULL: "NULL", av.BOOL: "BOOLEAN", av.L: "LIST", av.M: "MAP",
}

func (p *updateParser) action(kind actionKind) {
	a := action{kind: kind, path: p.path()}
	switch kind {
	case aSet:
		p.expect(tEq)
		a.set = p.setValue()
	case aAdd, aDelete:
		a.val = p.value()
		if name, bad := updateOperandTypes[a.val.Type]; bad && !(kind == aAdd && a.val.Type == av.N) {
			set(&p.errs.operand, "Incorrect operand type for operator or function; operator: "+kind.String()+", operand type: "+name)
		}
	}
	p.actions = append(p.actions, a)
}

// setValue parses the right-hand side of a SET action: an operand, or two
// joined by + or -, optionally in parentheses.
func (p *updateParser) setValue() *operand {
	if p.tok().kind == tLParen {
		if k, _ := p.afterGroup(); k != tPlus && k != tMinus {
			p.pos++
			x := p.arith()
			p.expect(tRParen)
			return x
		}
	}
	return p.arith()
}

func (p *updateParser) arith() *operand {
	x := p.operand()
	if k := p.tok().kind; k == tPlus || k == tMinus {
		p.pos++
		fn := "+"
		if k == tMinus {
			fn = "-"
		}
		args := p.operands(x, p.operand())
		return p.newOperand(operand{kind: opFunc, fn: fn, args: args, typ: p.checkFunction(fn, args)})
	}
	return x
}

func (p *updateParser) operand() *operand {
	t := p.tok()
	switch {
	case t.kind == tLParen:
		p.pos++
		x := p.operand()
		p.expect(tRParen)
		return x
	case t.kind == tValue:
		v := p.value()
		return p.newOperand(operand{kind: opValue, val: p.newValue(v), typ: typeName(v)})
	case t.kind == tIdent && p.peekKind(1) == tLParen && !p.isKeyword(t):
		p.pos += 2
		name := p.text(t)
		args := make([]*operand, 1, 4)
		args[0] = p.operand()
		for p.accept(tComma) {
			args = append(args, p.operand())
		}
		p.expect(tRParen)
		args = p.operands(args...)
		return p.newOperand(operand{kind: opFunc, fn: name, args: args, typ: p.checkFunction(name, args)})
	}
	return p.newOperand(operand{kind: opPath, path: p.path()})
}

var updateFunctions = map[string]int{"if_not_exists": 2, "list_append": 2, "+": 2, "-": 2}

// checkFunction validates a function of a SET value and returns its static
// type.
func (p *updateParser) checkFunction(name string, args []*operand) string {
	e := &p.errs
	if !e.checkArity(updateFunctions, name, len(args), &e.function) {
		return ""
	}
	want := "N"
	switch name {
	case "if_not_exists":
		if args[0].kind != opPath {
			e.function = "Operator or function requires a document path; operator or function: " + name
			return ""
		}
		return args[1].typ
	case "list_append":
		want = "L"
	}
	for _, a := range args {
		if a.kind == opValue && a.typ != "" && a.typ != want {
			e.function = operandTypeMessage(name, a.typ)
			return ""
		}
	}
	return want
}

// Apply returns the item that results from applying the update to item (nil
// for an absent item). item itself is not modified; unchanged parts are
// shared. Errors are ValidationExceptions with DynamoDB's runtime messages.
func (u *Update) Apply(item av.Item) (av.Item, error) {
	// Every SET value is computed from the original item.
	vals := make([]av.Value, len(u.actions))
	for i, a := range u.actions {
		if a.kind == aSet {
			v, err := a.set.value(item)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
	}
	out := make(av.Item, len(item)+len(u.actions))
	maps.Copy(out, item)
	for i, a := range u.actions {
		var op func(cur av.Value, exists bool) (av.Value, bool, error)
		switch a.kind {
		case aSet:
			v := vals[i]
			op = func(av.Value, bool) (av.Value, bool, error) { return v, true, nil }
		case aRemove:
			op = func(av.Value, bool) (av.Value, bool, error) { return av.Value{}, false, nil }
		case aAdd:
			op = a.add
		case aDelete:
			op = a.delete
		}
		if err := updateIn(out, a.path, op); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// value evaluates a SET operand against the original item.
func (o *operand) value(item av.Item) (av.Value, error) {
	switch o.kind {
	case opValue:
		return *o.val, nil
	case opPath:
		v, ok := o.path.Resolve(item)
		if !ok {
			return av.Value{}, validationError(msgMissingAttr)
		}
		return v, nil
	}
	if o.fn == "if_not_exists" {
		if v, ok := o.args[0].path.Resolve(item); ok {
			return v, nil
		}
		return o.args[1].value(item)
	}
	x, err := o.args[0].value(item)
	if err != nil {
		return av.Value{}, err
	}
	y, err := o.args[1].value(item)
	if err != nil {
		return av.Value{}, err
	}
	if o.fn == "list_append" {
		if x.Type != av.L || y.Type != av.L {
			return av.Value{}, validationError(msgBadOperand)
		}
		list := make([]av.Value, 0, len(x.List)+len(y.List))
		return av.Value{Type: av.L, List: append(append(list, x.List...), y.List...)}, nil
	}
	if x.Type != av.N || y.Type != av.N {
		return av.Value{}, validationError(msgBadOperand)
	}
	var s string
	if o.fn == "+" {
		s, err = av.AddNumbers(x.Str, y.Str)
	} else {
		s, err = av.SubtractNumbers(x.Str, y.Str)
	}
	return av.Value{Type: av.N, Str: s}, err
}

// add implements ADD: number addition or set union; an absent attribute
// takes the operand's value.
func (a *action) add(cur av.Value, exists bool) (av.Value, bool, error) {
	if !exists {
		return a.val, true, nil
	}
	if cur.Type != a.val.Type {
		return av.Value{}, false, validationError(msgBadOperand)
	}
	switch cur.Type {
	case av.N:
		s, err := av.AddNumbers(cur.Str, a.val.Str)
		return av.Value{Type: av.N, Str: s}, true, err
	case av.SS, av.NS:
		strs := slices.Clone(cur.Strs)
		for _, s := range a.val.Strs {
			if !av.Contains(cur.Strs, s) {
				strs = append(strs, s)
			}
		}
		return av.Value{Type: cur.Type, Strs: strs}, true, nil
	case av.BS:
		bins := slices.Clone(cur.Bins)
		for _, b := range a.val.Bins {
			if !av.Contains(cur.Bins, b) {
				bins = append(bins, b)
			}
		}
		return av.Value{Type: av.BS, Bins: bins}, true, nil
	}
	return av.Value{}, false, validationError(msgBadOperand)
}

// delete implements DELETE: set difference; an emptied set is removed.
func (a *action) delete(cur av.Value, exists bool) (av.Value, bool, error) {
	if !exists {
		return av.Value{}, false, nil
	}
	if cur.Type != a.val.Type {
		return av.Value{}, false, validationError(msgBadOperand)
	}
	switch cur.Type {
	case av.SS, av.NS:
		var strs []string
		for _, s := range cur.Strs {
			if !av.Contains(a.val.Strs, s) {
				strs = append(strs, s)
			}
		}
		return av.Value{Type: cur.Type, Strs: strs}, len(strs) > 0, nil
	case av.BS:
		var bins [][]byte
		for _, b := range cur.Bins {
			if !av.Contains(a.val.Bins, b) {
				bins = append(bins, b)
			}
		}
		return av.Value{Type: av.BS, Bins: bins}, len(bins) > 0, nil
	}
	return av.Value{}, false, validationError(msgBadOperand)
}

// slotOp computes the new content of a slot from its current one; keep
// false removes the slot.
type slotOp = func(cur av.Value, exists bool) (nv av.Value, keep bool, err error)

// updateIn applies op at path in item, copying each container on the way
// so that values shared with other items are never modified.
func updateIn(item av.Item, path Path, op slotOp) error {
	head := path[0].Name
	cur, ok := item[head]
	if len(path) == 1 {
		nv, keep, err := op(cur, ok)
		if err != nil {
			return err
		}
		if keep {
			item[head] = nv
		} else {
			delete(item, head)
		}
		return nil
	}
	if !ok {
		return validationError(msgBadPath)
	}
	nv, err := updateValue(cur, path[1:], op)
	if err != nil {
		return err
	}
	item[head] = nv
	return nil
}

// updateValue returns a copy of container v with op applied at path.
func updateValue(v av.Value, path Path, op slotOp) (av.Value, error) {
	e := path[0]
	if e.IsIndex {
		if v.Type != av.L {
			return av.Value{}, validationError(msgBadPath)
		}
		list := slices.Clone(v.List)
		exists := e.Index < len(list)
		if len(path) > 1 {
			if !exists {
				return av.Value{}, validationError(msgBadPath)
			}
			c, err := updateValue(list[e.Index], path[1:], op)
			list[e.Index] = c
			return av.Value{Type: av.L, List: list}, err
		}
		var cur av.Value
		if exists {
			cur = list[e.Index]
		}
		nv, keep, err := op(cur, exists)
		switch {
		case err != nil:
			return av.Value{}, err
		case keep && exists:
			list[e.Index] = nv
		case keep: // beyond the end: append
			list = append(list, nv)
		case exists:
			list = slices.Delete(list, e.Index, e.Index+1)
		}
		return av.Value{Type: av.L, List: list}, nil
	}
	if v.Type != av.M {
		return av.Value{}, validationError(msgBadPath)
	}
	m := maps.Clone(v.Map)
	if m == nil {
		m = make(map[string]av.Value)
	}
	cur, exists := m[e.Name]
	if len(path) > 1 {
		if !exists {
			return av.Value{}, validationError(msgBadPath)
		}
		c, err := updateValue(cur, path[1:], op)
		m[e.Name] = c
		return av.Value{Type: av.M, Map: m}, err
	}
	nv, keep, err := op(cur, exists)
	if err != nil {
		return av.Value{}, err
	}
	if keep {
		m[e.Name] = nv
	} else {
		delete(m, e.Name)
	}
	return av.Value{Type: av.M, Map: m}, nil
}
