package ddb

// Attribute names checked against the item type: for a struct T, every
// top-level attribute an expression names must be one T stores (or a key
// attribute of the table or an index), so that a misspelled or wrongly
// cased name fails before any request instead of writing a stray
// attribute or matching nothing.

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// AllowExtraAttributes lets the expressions of a Table[T] name attributes
// that T does not have, for tables that legitimately store attributes
// outside T (written by other code or other item types). Without it, an
// update, condition, filter or projection naming a top-level attribute
// that struct T does not store fails with ErrUnknownAttribute before any
// request. Map item types are never checked.
func AllowExtraAttributes() TableOption {
	return func(o *tableOptions) { o.allowExtra = true }
}

// attrSet is the set of top-level attribute names a table's expressions
// may use; a nil *attrSet allows any name.
type attrSet struct {
	typ   reflect.Type
	names map[string]bool
}

// knownAttrs returns the attributes of struct type typ plus extra (key
// attributes and the like), or nil when typ is not a plain struct (a map,
// or a type that encodes itself) or allowExtra is set.
func knownAttrs(typ reflect.Type, allowExtra bool, extra ...string) *attrSet {
	if allowExtra || typ.Kind() != reflect.Struct {
		return nil
	}
	pt := reflect.PointerTo(typ)
	if pt.Implements(rtMarshaler) || pt.Implements(rtAVMarshaler) || pt.Implements(rtUnmarshaler) || pt.Implements(rtAVUnmarshaler) {
		return nil
	}
	s := &attrSet{typ: typ, names: map[string]bool{}}
	for _, f := range structFields(typ) {
		s.names[f.Name] = true
	}
	for _, n := range extra {
		if n != "" {
			s.names[n] = true
		}
	}
	return s
}

// keyNames returns the names of the key attributes of the table and of
// its indexes.
func (s *schema) keyNames() []string {
	var out []string
	for _, a := range s.keyAttrs() {
		out = append(out, a.Name)
	}
	for _, ix := range s.indexes {
		for _, a := range ix.attrs() {
			out = append(out, a.Name)
		}
	}
	return out
}

// check returns an ErrUnknownAttribute error when name is not in s.
func (s *attrSet) check(name string) error {
	if s == nil || name == "" || s.names[name] {
		return nil
	}
	msg := fmt.Sprintf("%v has no attribute %q", s.typ, name)
	if hint := s.closest(name); hint != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", hint)
	}
	msg += "; use AllowExtraAttributes for attributes stored outside the item type"
	return &Error{Kind: ErrUnknownAttribute, Field: name, Msg: msg}
}

// closest returns the known name equal to name but for case, else the
// nearest one within a small edit distance, else "".
func (s *attrSet) closest(name string) string {
	names := make([]string, 0, len(s.names))
	for n := range s.names {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n
		}
	}
	best, bestD := "", max(2, len(name)/3)+1
	for _, n := range names {
		if d := editDistance(strings.ToLower(n), strings.ToLower(name)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// exprs returns an expression builder for op that checks attribute names
// against T.
func (t *Table[T]) exprs(op string) exprBuilder {
	return exprBuilder{op: op, table: t.name, known: t.schema.attrs, keys: t.schema}
}
