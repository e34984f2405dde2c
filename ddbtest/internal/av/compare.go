package av

import (
	"bytes"
	"strings"
)

// Compare orders two scalar values of the same type: S by UTF-8 bytes, N
// numerically (canonical texts, see CompareNumbers), B by bytes. ok is false
// when the types differ or are not S, N or B.
func Compare(a, b Value) (c int, ok bool) {
	if a.Type != b.Type {
		return 0, false
	}
	switch a.Type {
	case S:
		return strings.Compare(a.Str, b.Str), true
	case N:
		return CompareNumbers(a.Str, b.Str), true
	case B:
		return bytes.Compare(a.Bytes, b.Bytes), true
	}
	return 0, false
}

// Equal reports whether a and b are equal as DynamoDB's = operator sees
// them: same type and value, sets compared as sets, lists element-wise and
// maps member-wise. Numbers must be canonical.
func Equal(a, b Value) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case S, N:
		return a.Str == b.Str
	case B:
		return bytes.Equal(a.Bytes, b.Bytes)
	case BOOL:
		return a.Bool == b.Bool
	case NULL:
		return true
	case SS, NS:
		return sameSet(a.Strs, b.Strs)
	case BS:
		return sameSet(a.Bins, b.Bins)
	case L:
		if len(a.List) != len(b.List) {
			return false
		}
		for i := range a.List {
			if !Equal(a.List[i], b.List[i]) {
				return false
			}
		}
		return true
	case M:
		if len(a.Map) != len(b.Map) {
			return false
		}
		for k, x := range a.Map {
			y, ok := b.Map[k]
			if !ok || !Equal(x, y) {
				return false
			}
		}
		return true
	}
	return false
}

// sameSet reports whether two sets without duplicates have the same members.
func sameSet[T ~string | ~[]byte](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !Contains(b, x) {
			return false
		}
	}
	return true
}

// Contains reports whether the set members s include x.
func Contains[T ~string | ~[]byte](s []T, x T) bool {
	for _, y := range s {
		if string(y) == string(x) {
			return true
		}
	}
	return false
}

// Size returns v's size in bytes under DynamoDB's item size rules: strings
// and binaries by length, numbers by significant digits, one byte for BOOL
// and NULL, the sum of the members for sets, and for lists and maps three
// bytes of overhead plus one per element (plus, for maps, the member names).
func (v Value) Size() int {
	switch v.Type {
	case S:
		return len(v.Str)
	case B:
		return len(v.Bytes)
	case N:
		return numberSize(v.Str)
	case BOOL, NULL:
		return 1
	case SS:
		n := 0
		for _, s := range v.Strs {
			n += len(s)
		}
		return n
	case NS:
		n := 0
		for _, s := range v.Strs {
			n += numberSize(s)
		}
		return n
	case BS:
		n := 0
		for _, b := range v.Bins {
			n += len(b)
		}
		return n
	case L:
		n := 3 + len(v.List)
		for i := range v.List {
			n += v.List[i].Size()
		}
		return n
	case M:
		return 3 + len(v.Map) + ItemSize(v.Map)
	}
	return 0
}

// ItemSize is the size of an item: the lengths of its attribute names plus
// the sizes of its values. DynamoDB's limit is 400 KB (409600 bytes).
func ItemSize(item Item) int {
	n := 0
	for k, v := range item {
		n += len(k) + v.Size()
	}
	return n
}

// MaxItemSize is DynamoDB's largest item size in bytes (400 KB).
const MaxItemSize = 409600

// Clone returns a deep copy of v.
func (v Value) Clone() Value {
	switch v.Type {
	case B:
		v.Bytes = bytes.Clone(v.Bytes)
	case SS, NS:
		v.Strs = append([]string(nil), v.Strs...)
	case BS:
		bins := make([][]byte, len(v.Bins))
		for i, b := range v.Bins {
			bins[i] = bytes.Clone(b)
		}
		v.Bins = bins
	case L:
		list := make([]Value, len(v.List))
		for i := range v.List {
			list[i] = v.List[i].Clone()
		}
		v.List = list
	case M:
		v.Map = CloneItem(v.Map)
	}
	return v
}

// CloneItem returns a deep copy of item (nil for nil).
func CloneItem(item Item) Item {
	if item == nil {
		return nil
	}
	out := make(Item, len(item))
	for k, v := range item {
		out[k] = v.Clone()
	}
	return out
}
