package ddb

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// updateKind is the kind of one update action.
type updateKind uint8

const (
	actSet updateKind = iota
	actSetIfNotExists
	actIncrement
	actAppend
	actPrepend
	actRemove
	actAdd
	actDelete
)

// updateAction is one action of an Update: its target path and operand.
type updateAction struct {
	kind updateKind
	path Path
	av   types.AttributeValue // the value operand, or nil
	src  *Path                // the attribute operand when av is nil
}

// Update describes the changes of an UpdateItem call: SET, REMOVE, ADD
// and DELETE actions on attribute paths. Build it with NewUpdate (or use
// the zero value) and chain its methods:
//
//	u := ddb.NewUpdate().
//		Set(ddb.Attr("status"), "shipped").
//		Increment(ddb.Attr("views"), 1).
//		Remove(ddb.Attr("draft"))
//
// Values are encoded when each method is called. Problems such as a value
// the codec cannot encode, or two actions on overlapping paths (a and
// a.b), which DynamoDB rejects, are remembered and reported, matching
// ErrInvalidExpression, by the operation that uses the Update, before any
// request. An Update with no actions is rejected with ErrInvalidInput.
// A finished Update may be used for any number of requests, also
// concurrently, as long as no method is called on it meanwhile.
type Update struct {
	acts []updateAction
	err  error
}

// NewUpdate returns an empty Update.
func NewUpdate() *Update { return &Update{} }

// IsEmpty reports whether u has no actions.
func (u *Update) IsEmpty() bool { return u == nil || len(u.acts) == 0 }

// Paths returns the top-level attributes u changes, each once, in the
// order of first use.
func (u *Update) Paths() []Path {
	if u == nil {
		return nil
	}
	var out []Path
	seen := make(map[string]bool, len(u.acts))
	for _, a := range u.acts {
		if t := a.path.top(); !seen[t] {
			seen[t] = true
			out = append(out, Attr(t))
		}
	}
	return out
}

// fail remembers the first error of u.
func (u *Update) fail(err error) *Update {
	if u.err == nil {
		u.err = err
	}
	return u
}

// add validates the target path p and records an action on it with
// operand av, or src when av is nil.
func (u *Update) add(kind updateKind, p Path, av types.AttributeValue, src *Path) *Update {
	if err := p.validate(); err != nil {
		return u.fail(err)
	}
	for _, a := range u.acts {
		if err := checkOverlap(p, []Path{a.path}); err != nil {
			return u.fail(err)
		}
	}
	if u.acts == nil {
		u.acts = make([]updateAction, 0, 8)
	}
	u.acts = append(u.acts, updateAction{kind: kind, path: p, av: av, src: src})
	return u
}

// addValue converts v (a value, or a Path when allowPath is set) and
// records an action on p.
func (u *Update) addValue(kind updateKind, p Path, v any, allowPath bool) *Update {
	var (
		o   operand
		err error
	)
	if allowPath {
		o, err = toOperand(v, p)
		if err == nil && o.size {
			err = exprErr(p.String(), "size() cannot be used in an update", nil)
		}
	} else {
		o.av, err = toValue(v, p)
	}
	if err != nil {
		return u.fail(err)
	}
	if o.av == nil {
		src := new(Path)
		*src = o.path
		return u.add(kind, p, nil, src)
	}
	return u.add(kind, p, o.av, nil)
}

// Set sets the attribute at p to v (SET p = v). v may be a Path, to copy
// another attribute.
func (u *Update) Set(p Path, v any) *Update { return u.addValue(actSet, p, v, true) }

// SetIfNotExists sets the attribute at p to v only if p does not exist
// yet (SET p = if_not_exists(p, v)). v may be a Path.
func (u *Update) SetIfNotExists(p Path, v any) *Update {
	return u.addValue(actSetIfNotExists, p, v, true)
}

// Increment adds the number by (negative to decrement) to the number at
// p, treating an absent attribute as 0
// (SET p = if_not_exists(p, 0) + by).
func (u *Update) Increment(p Path, by any) *Update {
	av, err := toValue(by, p)
	if err == nil {
		if _, ok := av.(*types.AttributeValueMemberN); !ok {
			err = exprErr(p.String(), "Increment needs a number, got "+avKindName(av), nil)
		}
	}
	if err != nil {
		return u.fail(err)
	}
	return u.add(actIncrement, p, av, nil)
}

// Append adds the elements of vs at the end of the list at p, creating
// the list if p does not exist
// (SET p = list_append(if_not_exists(p, []), vs)). vs is a slice or
// array; any other value is appended as a single element.
func (u *Update) Append(p Path, vs any) *Update { return u.list(actAppend, p, vs) }

// Prepend adds the elements of vs at the start of the list at p, creating
// the list if p does not exist. vs is as for Append.
func (u *Update) Prepend(p Path, vs any) *Update { return u.list(actPrepend, p, vs) }

func (u *Update) list(kind updateKind, p Path, vs any) *Update {
	av, err := toValue(vs, p)
	if err != nil {
		return u.fail(err)
	}
	if _, ok := av.(*types.AttributeValueMemberL); !ok {
		av = &types.AttributeValueMemberL{Value: []types.AttributeValue{av}}
	}
	return u.add(kind, p, av, nil)
}

// Remove deletes the attributes (or list elements, or map keys) at ps
// (REMOVE p, ...).
func (u *Update) Remove(ps ...Path) *Update {
	for _, p := range ps {
		u.add(actRemove, p, nil, nil)
	}
	return u
}

// Add adds the number v to the number at p, or the elements of the set v
// to the set at p, creating the attribute if it does not exist (ADD p v).
// A set is a StringSet, NumberSet or BinarySet, or a slice of strings,
// numbers or byte slices, which is sent as a set.
func (u *Update) Add(p Path, v any) *Update {
	av, err := toValue(v, p)
	if err == nil {
		av, err = asSet(av, p, true)
	}
	if err != nil {
		return u.fail(err)
	}
	return u.add(actAdd, p, av, nil)
}

// Delete removes the elements of the set set from the set at p
// (DELETE p set). set is as for Add, but must be a set.
func (u *Update) Delete(p Path, set any) *Update {
	av, err := toValue(set, p)
	if err == nil {
		av, err = asSet(av, p, false)
	}
	if err != nil {
		return u.fail(err)
	}
	return u.add(actDelete, p, av, nil)
}

// asSet returns av as a set value for ADD or DELETE: sets pass through, a
// non-empty list of strings, numbers or binaries becomes a set, and a
// number passes through when numberOK.
func asSet(av types.AttributeValue, field Path, numberOK bool) (types.AttributeValue, error) {
	switch x := av.(type) {
	case *types.AttributeValueMemberSS, *types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
		return av, nil
	case *types.AttributeValueMemberN:
		if numberOK {
			return av, nil
		}
	case *types.AttributeValueMemberL:
		if s, err := listToSet(x.Value); err == nil {
			return s, nil
		} else if len(x.Value) == 0 {
			return nil, exprErr(field.String(), err.Error(), nil)
		}
	}
	want := "a set"
	if numberOK {
		want = "a number or a set"
	}
	return nil, exprErr(field.String(), "need "+want+", got "+avKindName(av), nil)
}

var errEmptySet = errors.New("empty set: DynamoDB sets need at least one element")

// listToSet converts a non-empty list whose elements are all strings, all
// numbers or all binaries into a set, dropping duplicates.
func listToSet(l []types.AttributeValue) (types.AttributeValue, error) {
	if len(l) == 0 {
		return nil, errEmptySet
	}
	mixed := errors.New("list elements are not all strings, all numbers or all binaries")
	switch l[0].(type) {
	case *types.AttributeValueMemberS:
		ss := make([]string, 0, len(l))
		for _, e := range l {
			s, ok := e.(*types.AttributeValueMemberS)
			if !ok {
				return nil, mixed
			}
			ss = append(ss, s.Value)
		}
		return &types.AttributeValueMemberSS{Value: dedupe(ss)}, nil
	case *types.AttributeValueMemberN:
		ns := make([]string, 0, len(l))
		for _, e := range l {
			n, ok := e.(*types.AttributeValueMemberN)
			if !ok {
				return nil, mixed
			}
			ns = append(ns, n.Value)
		}
		return &types.AttributeValueMemberNS{Value: dedupe(ns)}, nil
	case *types.AttributeValueMemberB:
		bs := make([][]byte, 0, len(l))
		for _, e := range l {
			b, ok := e.(*types.AttributeValueMemberB)
			if !ok {
				return nil, mixed
			}
			bs = append(bs, b.Value)
		}
		return &types.AttributeValueMemberBS{Value: dedupeBytes(bs)}, nil
	}
	return nil, mixed
}

// dedupe drops repeated strings, keeping the first of each.
func dedupe(ss []string) []string {
	out := ss[:0]
	for i, s := range ss {
		dup := false
		for _, t := range ss[:i] {
			if s == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// dedupeBytes drops repeated byte slices, keeping the first of each.
func dedupeBytes(bs [][]byte) [][]byte {
	out := bs[:0]
	for i, b := range bs {
		dup := false
		for _, c := range bs[:i] {
			if string(b) == string(c) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, b)
		}
	}
	return out
}

// SetValue is a DynamoDB set (string, number or binary set) for use as a
// value in expressions: Update.Add and Update.Delete, or a comparison such
// as Attr("tags").Eq(ddb.StringSet("a", "b")). Build it with StringSet,
// NumberSet or BinarySet. Repeated elements are sent once; an empty set is
// an error, since DynamoDB has no empty sets.
type SetValue struct {
	av  types.AttributeValue
	err error
}

// MarshalDynamoDBAttributeValue returns the set as an attribute value.
func (s SetValue) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	av, err := s.value()
	if err != nil {
		return nil, &Error{Kind: ErrInvalidValue, Msg: err.Error()}
	}
	return av, nil
}

var errZeroSet = errors.New("zero SetValue: build sets with StringSet, NumberSet or BinarySet")

// value returns the set's attribute value, or why it has none.
func (s SetValue) value() (types.AttributeValue, error) {
	switch {
	case s.err != nil:
		return nil, s.err
	case s.av == nil:
		return nil, errZeroSet
	}
	return s.av, nil
}

func newSetValue(l []types.AttributeValue) SetValue {
	av, err := listToSet(l)
	return SetValue{av: av, err: err}
}

// StringSet returns the string set (SS) of vs.
func StringSet(vs ...string) SetValue {
	l := make([]types.AttributeValue, len(vs))
	for i, v := range vs {
		l[i] = &types.AttributeValueMemberS{Value: v}
	}
	return newSetValue(l)
}

// setNumber is the set of Go number types NumberSet accepts.
type setNumber interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// NumberSet returns the number set (NS) of vs. Numbers are encoded as the
// codec encodes them; NaN and infinities are an error.
func NumberSet[N setNumber](vs ...N) SetValue {
	l := make([]types.AttributeValue, len(vs))
	for i, v := range vs {
		av, err := Marshal(v)
		if err != nil {
			return SetValue{err: err}
		}
		if n, ok := av.(*types.AttributeValueMemberN); !ok || !validNumber(n.Value) {
			return SetValue{err: errors.New("number set element is not a finite number")}
		}
		l[i] = av
	}
	return newSetValue(l)
}

// BinarySet returns the binary set (BS) of vs.
func BinarySet(vs ...[]byte) SetValue {
	l := make([]types.AttributeValue, len(vs))
	for i, v := range vs {
		l[i] = &types.AttributeValueMemberB{Value: v}
	}
	return newSetValue(l)
}

// update returns the update expression for u. An empty Update is an
// ErrInvalidInput error; problems recorded while u was built are reported
// here.
func (b *exprBuilder) update(u *Update) (string, error) {
	m := b.begin()
	if u != nil && u.err != nil {
		return b.finish(m, u.err)
	}
	if u.IsEmpty() {
		return b.finish(m, &Error{Kind: ErrInvalidInput, Msg: "empty update"})
	}
	b.updateSection("SET ", u.acts, actSet, actPrepend)
	b.updateSection("REMOVE ", u.acts, actRemove, actRemove)
	b.updateSection("ADD ", u.acts, actAdd, actAdd)
	b.updateSection("DELETE ", u.acts, actDelete, actDelete)
	return b.finish(m, nil)
}

// writeActionOperand writes the value or attribute operand of a.
func (b *exprBuilder) writeActionOperand(a *updateAction) {
	if a.av == nil {
		b.writePath(*a.src)
		return
	}
	b.sb.WriteString(b.value(a.av))
}

var (
	zeroNumber = &types.AttributeValueMemberN{Value: "0"}
	emptyList  = &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
)

// updateSection writes the clause keyword followed by every action whose
// kind is in [lo, hi].
func (b *exprBuilder) updateSection(keyword string, acts []updateAction, lo, hi updateKind) {
	first := true
	for _, a := range acts {
		if a.kind < lo || a.kind > hi {
			continue
		}
		if first {
			if b.sb.Len() > 0 {
				b.sb.WriteByte(' ')
			}
			b.sb.WriteString(keyword)
			first = false
		} else {
			b.sb.WriteString(", ")
		}
		b.writePath(a.path)
		switch a.kind {
		case actSet:
			b.sb.WriteString(" = ")
			b.writeActionOperand(&a)
		case actSetIfNotExists:
			b.sb.WriteString(" = if_not_exists(")
			b.writePath(a.path)
			b.sb.WriteString(", ")
			b.writeActionOperand(&a)
			b.sb.WriteByte(')')
		case actIncrement:
			b.sb.WriteString(" = if_not_exists(")
			b.writePath(a.path)
			b.sb.WriteString(", ")
			b.sb.WriteString(b.value(zeroNumber))
			b.sb.WriteString(") + ")
			b.writeActionOperand(&a)
		case actAppend:
			b.sb.WriteString(" = list_append(if_not_exists(")
			b.writePath(a.path)
			b.sb.WriteString(", ")
			b.sb.WriteString(b.value(emptyList))
			b.sb.WriteString("), ")
			b.writeActionOperand(&a)
			b.sb.WriteByte(')')
		case actPrepend:
			b.sb.WriteString(" = list_append(")
			b.writeActionOperand(&a)
			b.sb.WriteString(", if_not_exists(")
			b.writePath(a.path)
			b.sb.WriteString(", ")
			b.sb.WriteString(b.value(emptyList))
			b.sb.WriteString("))")
		case actAdd, actDelete:
			b.sb.WriteByte(' ')
			b.writeActionOperand(&a)
		}
	}
}
