package partiql

import (
	"slices"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// Keys names the key attributes of the table or index a statement
// targets, in schema order: one partition attribute (several for a
// global secondary index's multi-attribute key), and none, one or (for
// such an index) several sort attributes.
type Keys struct{ Hash, Range []string }

// partition names the (first) partition attribute, the one a table has.
func (k Keys) partition() string { return k.Hash[0] }

// Request is the expression request equivalent to a statement, in the
// JSON shape of DynamoDB's item operations.
type Request struct {
	TableName                           string
	IndexName                           string            `json:",omitempty"`
	Key                                 av.Item           `json:",omitempty"`
	Item                                av.Item           `json:",omitempty"`
	KeyConditionExpression              string            `json:",omitempty"`
	FilterExpression                    string            `json:",omitempty"`
	ProjectionExpression                string            `json:",omitempty"`
	ConditionExpression                 string            `json:",omitempty"`
	UpdateExpression                    string            `json:",omitempty"`
	ExpressionAttributeNames            map[string]string `json:",omitempty"`
	ExpressionAttributeValues           av.Item           `json:",omitempty"`
	ScanIndexForward                    *bool             `json:",omitempty"`
	ReturnValues                        string            `json:",omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:",omitempty"`
	ReturnConsumedCapacity              string            `json:",omitempty"`
	ConsistentRead                      bool              `json:",omitempty"`
	Limit                               *int              `json:",omitempty"`
	ExclusiveStartKey                   av.Item           `json:",omitempty"`
}

// Column is one path of a projection and the name of its value.
type Column struct {
	Name string
	Path Path
}

// Plan is a translated statement: the operation to run and its request.
type Plan struct {
	Op  string // Query, Scan, PutItem, UpdateItem, DeleteItem or ConditionCheck
	Req Request
	// Get is the GetItem equivalent to a SELECT of a table that names the
	// full primary key by equalities and nothing else (what a batch or a
	// transaction runs); nil for any other statement.
	Get *Request
	// Columns are the paths of a SELECT's projection, each with the name
	// its value takes in the result: DynamoDB answers a.b[1] as "b[1]".
	// Nil for SELECT *.
	Columns []Column
	// Insert marks an INSERT, whose failed existence check DynamoDB
	// reports as a duplicate item.
	Insert bool
}

// Error messages of statements that parse but DynamoDB does not run.
const (
	msgKeyEquality = "Where clause does not contain a mandatory equality on all key attributes"
	msgInsertValue = "Unsupported operation: Inserting a value that is not a map (tuple) is not supported"
	msgOrderBy     = "Must have WHERE clause in the statement when using ORDER BY clause."
	msgExists      = "Unsupported operation: EXISTS must select the full primary key of a table"
)

func unsupported(what string) error {
	return av.NewValidationError("Unsupported operation: " + what)
}

// Translate turns st, with its parameters bound to params, into the
// equivalent expression request; keys are those of the table (or, for a
// SELECT from an index, of the index).
func Translate(st Statement, params []av.Value, keys Keys) (*Plan, error) {
	b := &builder{params: params, names: map[string]string{}, values: av.Item{}}
	var p *Plan
	var err error
	switch st := st.(type) {
	case *Select:
		p, err = b.selectPlan(st, keys, false)
	case *Insert:
		p, err = b.insertPlan(st, keys)
	case *Update:
		p, err = b.updatePlan(st, keys)
	case *Delete:
		p, err = b.deletePlan(st, keys)
	case *Exists:
		p, err = b.existsPlan(st, keys)
	}
	if err != nil {
		return nil, err
	}
	p.Req.TableName = st.TableName()
	p.Req.ExpressionAttributeNames = b.placeholders()
	if len(b.values) > 0 {
		p.Req.ExpressionAttributeValues = b.values
	}
	return p, nil
}

// builder writes expression text, collecting its names and values.
type builder struct {
	params []av.Value
	names  map[string]string // attribute name -> #placeholder
	values av.Item
}

// placeholders returns the ExpressionAttributeNames of the names used.
func (b *builder) placeholders() map[string]string {
	if len(b.names) == 0 {
		return nil
	}
	out := make(map[string]string, len(b.names))
	for n, ph := range b.names {
		out[ph] = n
	}
	return out
}

func (b *builder) name(n string) string {
	if ph, ok := b.names[n]; ok {
		return ph
	}
	ph := "#n" + itoa(len(b.names))
	b.names[n] = ph
	return ph
}

func (b *builder) value(v av.Value) string {
	ph := ":v" + itoa(len(b.values))
	b.values[ph] = v
	return ph
}

func (b *builder) path(p Path) string {
	var s strings.Builder
	for i, e := range p {
		switch {
		case e.Index >= 0:
			s.WriteString("[" + itoa(e.Index) + "]")
		case i > 0:
			s.WriteString("." + b.name(e.Name))
		default:
			s.WriteString(b.name(e.Name))
		}
	}
	return s.String()
}

// constant evaluates n if it is built of literals and parameters alone.
func (b *builder) constant(n Node) (av.Value, bool, error) {
	switch n := n.(type) {
	case Lit:
		return n.V, true, nil
	case Param:
		return b.params[n.N], true, nil
	case ListLit:
		out := av.Value{Type: av.L, List: []av.Value{}}
		for _, e := range n.Elems {
			v, ok, err := b.constant(e)
			if !ok || err != nil {
				return v, ok, err
			}
			out.List = append(out.List, v)
		}
		return out, true, nil
	case MapLit:
		out := av.Value{Type: av.M, Map: map[string]av.Value{}}
		for i, e := range n.Vals {
			v, ok, err := b.constant(e)
			if !ok || err != nil {
				return v, ok, err
			}
			out.Map[n.Keys[i]] = v
		}
		return out, true, nil
	case SetLit:
		return b.set(n)
	}
	return av.Value{}, false, nil
}

// setTypes maps a scalar type to the type of a set of it.
var setTypes = map[av.Type]av.Type{av.S: av.SS, av.N: av.NS, av.B: av.BS}

func (b *builder) set(n SetLit) (av.Value, bool, error) {
	var out av.Value
	for _, e := range n.Elems {
		if _, ok := e.(Param); ok {
			return out, true, av.NewValidationError("Unsupported data type in Bag")
		}
		v, ok, err := b.constant(e)
		if !ok || err != nil {
			return v, ok, err
		}
		st := setTypes[v.Type]
		if st == av.Invalid || out.Type != av.Invalid && out.Type != st {
			return out, true, av.NewValidationError("DynamoDB only supports either numbers or strings in bags")
		}
		out.Type = st
		if v.Type == av.B {
			out.Bins = append(out.Bins, v.Bytes)
		} else {
			out.Strs = append(out.Strs, v.Str)
		}
	}
	if out.Type == av.Invalid {
		return out, true, av.NewValidationError("Empty bags are not supported")
	}
	return out, true, nil
}

// operand writes n as an operand: a path, a value, size(...) or, in an
// update, + / -, list_append and if_not_exists.
func (b *builder) operand(n Node, update bool) (string, error) {
	if p, ok := n.(Path); ok {
		return b.path(p), nil
	}
	v, ok, err := b.constant(n)
	if err != nil {
		return "", err
	}
	if ok {
		return b.value(v), nil
	}
	switch n := n.(type) {
	case Binary:
		if update && (n.Op == "+" || n.Op == "-") {
			return b.binary(n, update)
		}
	case Call:
		if n.Name == "size" || update && (n.Name == "list_append" || n.Name == "if_not_exists") {
			return b.call(n, update)
		}
	}
	return "", unsupported("Unsupported expression in this position")
}

func (b *builder) call(c Call, update bool) (string, error) {
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		s, err := b.operand(a, update)
		if err != nil {
			return "", err
		}
		args[i] = s
	}
	return c.Name + "(" + strings.Join(args, ", ") + ")", nil
}

// condFuncs are the functions usable as conditions.
var condFuncs = map[string]bool{"begins_with": true, "contains": true, "attribute_type": true, "attribute_exists": true, "attribute_not_exists": true}

// cond writes n as a condition.
func (b *builder) cond(n Node) (string, error) {
	switch n := n.(type) {
	case Binary:
		if n.Op == "AND" || n.Op == "OR" {
			l, err := b.cond(n.L)
			if err != nil {
				return "", err
			}
			r, err := b.cond(n.R)
			return "(" + l + ") " + n.Op + " (" + r + ")", err
		}
		if n.Op == "+" || n.Op == "-" {
			break
		}
		return b.binary(n, false)
	case Not:
		x, err := b.cond(n.X)
		return "NOT (" + x + ")", err
	case Between:
		ops, err := b.operands(false, n.X, n.Lo, n.Hi)
		if err != nil {
			return "", err
		}
		return ops[0] + " BETWEEN " + ops[1] + " AND " + ops[2], nil
	case In:
		if len(n.List) == 0 {
			return "", unsupported("IN requires at least one value")
		}
		ops, err := b.operands(false, append([]Node{n.X}, n.List...)...)
		if err != nil {
			return "", err
		}
		return ops[0] + " IN (" + strings.Join(ops[1:], ", ") + ")", nil
	case Is:
		p, ok := n.X.(Path)
		if !ok {
			return "", unsupported("IS applies to a document path")
		}
		ps := b.path(p)
		if n.What == "MISSING" {
			if n.Not {
				return "attribute_exists(" + ps + ")", nil
			}
			return "attribute_not_exists(" + ps + ")", nil
		}
		null := b.value(av.Value{Type: av.S, Str: "NULL"})
		if n.Not {
			return "attribute_exists(" + ps + ") AND NOT attribute_type(" + ps + ", " + null + ")", nil
		}
		return "attribute_not_exists(" + ps + ") OR attribute_type(" + ps + ", " + null + ")", nil
	case Call:
		if condFuncs[n.Name] {
			return b.call(n, false)
		}
	}
	return "", unsupported("Unsupported condition")
}

// binary writes the operator n between its two operands.
func (b *builder) binary(n Binary, update bool) (string, error) {
	ops, err := b.operands(update, n.L, n.R)
	if err != nil {
		return "", err
	}
	return ops[0] + " " + n.Op + " " + ops[1], nil
}

func (b *builder) operands(update bool, ns ...Node) ([]string, error) {
	out := make([]string, len(ns))
	for i, n := range ns {
		s, err := b.operand(n, update)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// conjuncts flattens the top-level ANDs of n.
func conjuncts(n Node) []Node {
	if bn, ok := n.(Binary); ok && bn.Op == "AND" {
		return append(conjuncts(bn.L), conjuncts(bn.R)...)
	}
	if n == nil {
		return nil
	}
	return []Node{n}
}

// refersTo reports whether a path of ns starts with one of attrs.
func refersTo(ns []Node, attrs ...string) bool {
	for _, n := range ns {
		var kids []Node
		switch n := n.(type) {
		case Path:
			if slices.Contains(attrs, n[0].Name) && n[0].Index < 0 {
				return true
			}
		case Binary:
			kids = []Node{n.L, n.R}
		case Not:
			kids = []Node{n.X}
		case Between:
			kids = []Node{n.X, n.Lo, n.Hi}
		case In:
			kids = append([]Node{n.X}, n.List...)
		case Is:
			kids = []Node{n.X}
		case Call:
			kids = n.Args
		}
		if refersTo(kids, attrs...) {
			return true
		}
	}
	return false
}

// attrName returns the attribute n names if n is a top-level attribute.
func attrName(n Node) string {
	if p, ok := n.(Path); ok && len(p) == 1 && p[0].Index < 0 {
		return p[0].Name
	}
	return ""
}

// flipped maps a comparison to the one with its operands swapped.
var flipped = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// keyComparison reports whether c compares attribute attr with a constant
// and returns the operator (attribute on the left) and the constant.
func (b *builder) keyComparison(c Node, attr string) (string, Node, bool) {
	bn, ok := c.(Binary)
	if !ok || flipped[bn.Op] == "" {
		return "", nil, false
	}
	isConst := func(n Node) bool { _, ok, _ := b.constant(n); return ok }
	switch {
	case attrName(bn.L) == attr && isConst(bn.R):
		return bn.Op, bn.R, true
	case attrName(bn.R) == attr && isConst(bn.L):
		return flipped[bn.Op], bn.L, true
	}
	return "", nil, false
}

// takeEquality removes from conj the first equality of attr with a
// constant and returns its value.
func (b *builder) takeEquality(conj []Node, attr string) ([]Node, av.Value, bool, error) {
	for i, c := range conj {
		if op, n, ok := b.keyComparison(c, attr); ok && op == "=" {
			v, _, err := b.constant(n)
			return append(conj[:i:i], conj[i+1:]...), v, true, err
		}
	}
	return conj, av.Value{}, false, nil
}

// takeRangeCondition removes from conj the first condition on the sort
// key attr a Query accepts and returns it written as a key condition.
func (b *builder) takeRangeCondition(conj []Node, attr string) ([]Node, string, error) {
	for i, c := range conj {
		var s string
		var err error
		if op, n, ok := b.keyComparison(c, attr); ok {
			v, _, _ := b.constant(n)
			s = b.name(attr) + " " + op + " " + b.value(v)
		} else if bt, ok := c.(Between); ok && attrName(bt.X) == attr && b.isConst(bt.Lo) && b.isConst(bt.Hi) {
			s, err = b.cond(bt)
		} else if call, ok := c.(Call); ok && call.Name == "begins_with" && len(call.Args) == 2 && attrName(call.Args[0]) == attr && b.isConst(call.Args[1]) {
			s, err = b.cond(call)
		} else {
			continue
		}
		return append(conj[:i:i], conj[i+1:]...), s, err
	}
	return conj, "", nil
}

func (b *builder) isConst(n Node) bool {
	_, ok, _ := b.constant(n)
	return ok
}

// rest writes the remaining conjuncts as one condition ("" if none).
func (b *builder) rest(conj []Node) (string, error) {
	parts := make([]string, len(conj))
	for i, c := range conj {
		s, err := b.cond(c)
		if err != nil {
			return "", err
		}
		parts[i] = "(" + s + ")"
	}
	return strings.Join(parts, " AND "), nil
}

// selectPlan translates a SELECT: a Query when the WHERE clause has an
// equality on the partition key (and scan is false), else a Scan.
func (b *builder) selectPlan(st *Select, keys Keys, scan bool) (p *Plan, err error) {
	p = &Plan{Op: "Scan"}
	p.Req.IndexName = st.Index
	// The projection is applied to whole items (Plan.Project), since
	// DynamoDB names a column by its path's last step.
	if p.Columns, err = columns(st.Proj); err != nil {
		return nil, err
	}
	conj := conjuncts(st.Where)
	// A Query needs an equality on every partition attribute.
	isQuery := !scan
	hvs := make([]av.Value, len(keys.Hash))
	for i, h := range keys.Hash {
		var ok bool
		if conj, hvs[i], ok, err = b.takeEquality(conj, h); err != nil {
			return nil, err
		}
		isQuery = isQuery && ok
	}
	if !isQuery {
		conj = conjuncts(st.Where)
	}
	var key av.Item
	if isQuery {
		p.Op = "Query"
		key = av.Item{}
		var conds []string
		for i, h := range keys.Hash {
			conds = append(conds, b.name(h)+" = "+b.value(hvs[i]))
			key[h] = hvs[i]
		}
		// Sort attributes left to right: equalities, then at most one
		// range condition.
		for _, r := range keys.Range {
			var rv av.Value
			var eq bool
			if conj, rv, eq, err = b.takeEquality(conj, r); err != nil {
				return nil, err
			}
			if eq {
				key[r] = rv
				conds = append(conds, b.name(r)+" = "+b.value(rv))
				continue
			}
			key = nil
			var rc string
			if conj, rc, err = b.takeRangeCondition(conj, r); err != nil {
				return nil, err
			}
			if rc != "" {
				conds = append(conds, rc)
			}
			break
		}
		if len(conj) > 0 {
			key = nil
		}
		if refersTo(conj, slices.Concat(keys.Hash, keys.Range)...) {
			// A Query filters on no key attribute: a Scan of the one
			// partition gives the same items (ddbtest scans a partition in
			// sort key order).
			b.names, b.values = map[string]string{}, av.Item{}
			return b.selectPlan(st, keys, true)
		}
		p.Req.KeyConditionExpression = strings.Join(conds, " AND ")
	}
	if p.Req.FilterExpression, err = b.rest(conj); err != nil {
		return nil, err
	}
	if key != nil && st.Index == "" {
		p.Get = getRequest(st, key)
	}
	if st.OrderBy != nil {
		if !isQuery || len(keys.Range) == 0 || attrName(st.OrderBy) != keys.Range[0] {
			return nil, av.NewValidationError(msgOrderBy)
		}
		fwd := !st.Desc
		p.Req.ScanIndexForward = &fwd
	}
	return p, nil
}

// columns names the paths of a projection by their last attribute name
// and the indexes after it, refusing two columns of one name.
func columns(paths []Path) ([]Column, error) {
	var out []Column
	seen := map[string]bool{}
	for _, p := range paths {
		last := len(p) - 1
		for p[last].Index >= 0 {
			last--
		}
		name := p[last].Name
		for _, e := range p[last+1:] {
			name += "[" + itoa(e.Index) + "]"
		}
		if seen[name] {
			return nil, av.NewValidationError("Duplicate identifiers in select clause: " + name)
		}
		seen[name] = true
		out = append(out, Column{name, p})
	}
	return out, nil
}

// Read reports whether the plan is a SELECT (a Query or a Scan).
func (p *Plan) Read() bool { return p.Op == "Query" || p.Op == "Scan" }

// Project gives item the shape of a SELECT's result: each column's value,
// if the item has it, under the column's name.
func (p *Plan) Project(item av.Item) av.Item {
	if p.Columns == nil || item == nil {
		return item
	}
	out := av.Item{}
	for _, c := range p.Columns {
		if v, ok := lookup(item, c.Path); ok {
			out[c.Name] = v
		}
	}
	return out
}

// lookup returns the value at path p of item.
func lookup(item av.Item, p Path) (av.Value, bool) {
	v, ok := item[p[0].Name]
	for _, e := range p[1:] {
		switch {
		case !ok:
			return v, false
		case e.Index >= 0:
			if ok = v.Type == av.L && e.Index < len(v.List); ok {
				v = v.List[e.Index]
			}
		default:
			if ok = v.Type == av.M; ok {
				v, ok = v.Map[e.Name]
			}
		}
	}
	return v, ok
}

// getRequest is the GetItem of key (Plan.Project applies the projection).
func getRequest(st *Select, key av.Item) *Request {
	return &Request{TableName: st.Table, Key: key}
}

func (b *builder) insertPlan(st *Insert, keys Keys) (*Plan, error) {
	v, ok, err := b.constant(st.Value)
	if err != nil {
		return nil, err
	}
	if !ok || v.Type != av.M {
		return nil, av.NewValidationError(msgInsertValue)
	}
	p := &Plan{Op: "PutItem", Insert: true}
	p.Req.Item = v.Map
	p.Req.ConditionExpression = "attribute_not_exists(" + b.name(keys.partition()) + ")"
	return p, nil
}

// fullKey takes the equalities on every key attribute out of where.
func (b *builder) fullKey(where Node, keys Keys) (av.Item, []Node, error) {
	conj := conjuncts(where)
	key := av.Item{}
	for _, k := range slices.Concat(keys.Hash, keys.Range) {
		var v av.Value
		var ok bool
		var err error
		if conj, v, ok, err = b.takeEquality(conj, k); err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, av.NewValidationError(msgKeyEquality)
		}
		key[k] = v
	}
	return key, conj, nil
}

// updateFuncs maps the set functions of SET to update clauses.
var updateFuncs = map[string]string{"set_add": "ADD", "set_delete": "DELETE"}

func (b *builder) updatePlan(st *Update, keys Keys) (*Plan, error) {
	key, conj, err := b.fullKey(st.Where, keys)
	if err != nil {
		return nil, err
	}
	clauses := map[string][]string{}
	for _, a := range st.Sets {
		target := b.path(a.Path)
		if c, ok := a.Value.(Call); ok && updateFuncs[c.Name] != "" {
			if len(c.Args) != 2 || !samePath(c.Args[0], a.Path) {
				return nil, unsupported(c.Name + " must take the path it sets and a set")
			}
			v, err := b.operand(c.Args[1], true)
			if err != nil {
				return nil, err
			}
			kw := updateFuncs[c.Name]
			clauses[kw] = append(clauses[kw], target+" "+v)
			continue
		}
		v, err := b.operand(a.Value, true)
		if err != nil {
			return nil, err
		}
		clauses["SET"] = append(clauses["SET"], target+" = "+v)
	}
	for _, r := range st.Removes {
		clauses["REMOVE"] = append(clauses["REMOVE"], b.path(r))
	}
	var upd []string
	for _, kw := range []string{"SET", "REMOVE", "ADD", "DELETE"} {
		if len(clauses[kw]) > 0 {
			upd = append(upd, kw+" "+strings.Join(clauses[kw], ", "))
		}
	}
	p := &Plan{Op: "UpdateItem"}
	p.Req.Key = key
	p.Req.UpdateExpression = strings.Join(upd, " ")
	p.Req.ReturnValues = st.Returning
	p.Req.ConditionExpression, err = b.existing(keys.partition(), conj)
	return p, err
}

// existing writes the condition that the item exists and meets conj.
func (b *builder) existing(hash string, conj []Node) (string, error) {
	cond := "attribute_exists(" + b.name(hash) + ")"
	rest, err := b.rest(conj)
	if rest != "" {
		cond += " AND " + rest
	}
	return cond, err
}

func samePath(n Node, p Path) bool {
	q, ok := n.(Path)
	if !ok || len(q) != len(p) {
		return false
	}
	for i := range q {
		if q[i] != p[i] {
			return false
		}
	}
	return true
}

func (b *builder) deletePlan(st *Delete, keys Keys) (*Plan, error) {
	key, conj, err := b.fullKey(st.Where, keys)
	if err != nil {
		return nil, err
	}
	p := &Plan{Op: "DeleteItem"}
	p.Req.Key = key
	p.Req.ReturnValues = st.Returning
	rest, err := b.rest(conj)
	if rest != "" {
		// A missing item is deleted successfully whatever the condition.
		p.Req.ConditionExpression = "attribute_not_exists(" + b.name(keys.partition()) + ") OR " + rest
	}
	return p, err
}

// existsPlan is the condition check of EXISTS(SELECT ...): the item at the
// full key exists and meets the rest of the WHERE clause.
func (b *builder) existsPlan(st *Exists, keys Keys) (*Plan, error) {
	sel := st.Select
	if sel.Index != "" || sel.Proj != nil || sel.OrderBy != nil {
		return nil, av.NewValidationError(msgExists)
	}
	key, conj, err := b.fullKey(sel.Where, keys)
	if err != nil {
		return nil, err
	}
	p := &Plan{Op: "ConditionCheck"}
	p.Req.Key = key
	p.Req.ConditionExpression, err = b.existing(keys.partition(), conj)
	return p, err
}
