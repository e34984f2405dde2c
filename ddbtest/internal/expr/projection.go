package expr

import (
	"slices"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// Projection is a compiled ProjectionExpression.
type Projection struct {
	paths  []Path
	nested bool // some path goes below the top level
}

// ParseProjection compiles a projection expression: a comma-separated list
// of document paths that may neither overlap nor conflict.
func ParseProjection(src string, env *Env) (*Projection, error) {
	p := &parser{src: src, env: env}
	var paths []Path
	err := p.run("ProjectionExpression", func() {
		paths = append(paths, p.path())
		for p.accept(tComma) {
			paths = append(paths, p.path())
		}
	})
	if err != nil {
		return nil, err
	}
	var o overlapCheck
	for _, q := range paths {
		o.add(q)
	}
	if msg := first(p.errs.reserved, p.errs.attrNameVal, o.overlap, o.conflict); msg != "" {
		return nil, validationError("Invalid ProjectionExpression: " + msg)
	}
	pr := &Projection{paths: paths}
	for _, q := range paths {
		pr.nested = pr.nested || q.Nested()
	}
	return pr, nil
}

// Paths returns the projected document paths.
func (p *Projection) Paths() []Path { return p.paths }

// Attributes returns the distinct top-level attribute names projected.
func (p *Projection) Attributes() []string { return heads(p.paths) }

// Apply returns a new item holding only the projected parts of item:
// missing paths are omitted, maps keep only the selected members and lists
// only the selected elements, in index order. Values are shared with item.
func (p *Projection) Apply(item av.Item) av.Item {
	out := make(av.Item, len(p.paths))
	if !p.nested {
		for _, q := range p.paths {
			if v, ok := item[q[0].Name]; ok {
				out[q[0].Name] = v
			}
		}
		return out
	}
	root := &projNode{}
	for _, q := range p.paths {
		v, ok := q.Resolve(item)
		if !ok {
			continue
		}
		n := root
		for _, e := range q {
			n = n.child(e)
		}
		n.leaf = &v
	}
	for name, n := range root.fields {
		out[name] = n.build()
	}
	return out
}

// projNode accumulates the selected parts of one value.
type projNode struct {
	leaf   *av.Value
	fields map[string]*projNode
	elems  map[int]*projNode
}

func (n *projNode) child(e PathElem) *projNode { return pathChild(&n.fields, &n.elems, e) }

// pathChild returns the child for e of a node of a tree of paths, whose
// children are in names and elems (created when nil), adding it if needed.
func pathChild[N any](names *map[string]*N, elems *map[int]*N, e PathElem) *N {
	if e.IsIndex {
		return mapChild(elems, e.Index)
	}
	return mapChild(names, e.Name)
}

func mapChild[K comparable, N any](m *map[K]*N, k K) *N {
	if *m == nil {
		*m = make(map[K]*N)
	}
	c := (*m)[k]
	if c == nil {
		c = new(N)
		(*m)[k] = c
	}
	return c
}

func (n *projNode) build() av.Value {
	switch {
	case n.leaf != nil:
		return *n.leaf
	case n.fields != nil:
		m := make(map[string]av.Value, len(n.fields))
		for k, c := range n.fields {
			m[k] = c.build()
		}
		return av.Value{Type: av.M, Map: m}
	}
	idx := make([]int, 0, len(n.elems))
	for i := range n.elems {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	list := make([]av.Value, len(idx))
	for j, i := range idx {
		list[j] = n.elems[i].build()
	}
	return av.Value{Type: av.L, List: list}
}
