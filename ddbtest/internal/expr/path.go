package expr

import (
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// PathElem is one step of a document path: a map member name, or a list
// index when IsIndex is set.
type PathElem struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a document path such as a.b[1].c, with placeholders resolved.
type Path []PathElem

// Head returns the top-level attribute name of p.
func (p Path) Head() string { return p[0].Name }

// Nested reports whether p goes below the top-level attribute.
func (p Path) Nested() bool { return len(p) > 1 }

// String formats p as DynamoDB does in messages: [a, b, [1]].
func (p Path) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.IsIndex {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Resolve returns the value p designates in item.
func (p Path) Resolve(item av.Item) (av.Value, bool) {
	v, ok := item[p[0].Name]
	for _, e := range p[1:] {
		if !ok {
			break
		}
		v, ok = step(v, e)
	}
	return v, ok
}

// step descends one path element into v.
func step(v av.Value, e PathElem) (av.Value, bool) {
	if e.IsIndex {
		if v.Type != av.L || e.Index >= len(v.List) {
			return av.Value{}, false
		}
		return v.List[e.Index], true
	}
	if v.Type != av.M {
		return av.Value{}, false
	}
	c, ok := v.Map[e.Name]
	return c, ok
}

func equalPaths(a, b Path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// overlapCheck is DynamoDB's check that the paths of one projection or
// update expression neither overlap (one is a prefix of the other) nor
// conflict (one indexes a list where the other names a map member).
type overlapCheck struct {
	paths             []Path
	overlap, conflict string
}

func (o *overlapCheck) add(p Path) {
	if o.overlap != "" {
		return
	}
	for _, q := range o.paths {
		o.compare(q, p)
		if o.overlap != "" {
			return
		}
	}
	o.paths = append(o.paths, p)
}

func (o *overlapCheck) compare(p1, p2 Path) {
	for i := 0; i < len(p1) && i < len(p2); i++ {
		if p1[i].IsIndex != p2[i].IsIndex {
			o.conflict = "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " + p1.String() + ", path two: " + p2.String()
			return
		}
		if p1[i] != p2[i] {
			return
		}
	}
	o.overlap = "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " + p1.String() + ", path two: " + p2.String()
}
