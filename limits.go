package ddb

// DynamoDB's limits that ddb checks before any request: the item size, and
// the rules for table and index names.

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// MaxItemSize is DynamoDB's largest item: 400 KB, attribute names and
// values counted by ItemSize.
const MaxItemSize = 400 * 1024

// ErrItemTooLarge: an item is larger than MaxItemSize; the write was not
// sent. errors.As with *ItemSizeError gives its size and key.
var ErrItemTooLarge = errors.New("ddb: item too large")

// ItemSizeError reports an item over MaxItemSize. It matches
// ErrItemTooLarge.
type ItemSizeError struct {
	Size int                             // the item's size by ItemSize
	Key  map[string]types.AttributeValue // the item's key attributes, to tell which item
}

// Error implements error.
func (e *ItemSizeError) Error() string {
	return fmt.Sprintf("item %s is %d bytes, over DynamoDB's %d-byte limit", formatKey(e.Key), e.Size, MaxItemSize)
}

// Is makes the error match ErrItemTooLarge.
func (e *ItemSizeError) Is(target error) bool { return target == ErrItemTooLarge }

// ItemSize returns the size of item under DynamoDB's item size rules: the
// UTF-8 length of every attribute name plus the size of its value, where
// strings and binaries count their length, numbers about one byte per two
// significant digits plus one (plus one when negative), BOOL and NULL one
// byte, sets the sum of their members, and lists and maps three bytes plus
// one per element plus their elements (and, for maps, the member names).
func ItemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueSize(v)
	}
	return n
}

func valueSize(av types.AttributeValue) int {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return numberSize(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		return sumLen(v.Value)
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += numberSize(s)
		}
		return n
	case *types.AttributeValueMemberBS:
		return sumLen(v.Value)
	case *types.AttributeValueMemberL:
		n := 3 + len(v.Value)
		for _, e := range v.Value {
			n += valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		return 3 + len(v.Value) + ItemSize(v.Value)
	}
	return 0
}

// sumLen is the total length of the members of a string or binary set.
func sumLen[E string | []byte](set []E) int {
	n := 0
	for _, e := range set {
		n += len(e)
	}
	return n
}

// numberSize is the stored size of the decimal number s: its significant
// digits are kept two to a byte, in pairs aligned on the decimal point,
// plus one byte of exponent, plus one when negative. Zero (or text that
// is not a number) takes one byte.
func numberSize(s string) int {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		var err error
		if exp, err = strconv.Atoi(s[i+1:]); err != nil {
			return 1
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	first := strings.IndexFunc(digits, func(r rune) bool { return r != '0' })
	if first < 0 {
		return 1
	}
	last := strings.LastIndexFunc(digits, func(r rune) bool { return r != '0' })
	sig := last - first + 1
	point := len(intPart) + exp - first - 1 // decimal exponent of the first significant digit
	size := 1 + (sig+1)/2
	if sig%2 == 0 && point%2 == 0 {
		size++ // the pairs start mid-byte
	}
	if neg {
		size++
	}
	return size
}

// checkItemSize fails with ErrItemTooLarge when item (of a table with key
// attributes keys) is over MaxItemSize.
func checkItemSize(op, table string, item map[string]types.AttributeValue, keys []KeyAttr) error {
	if len(item) == 0 {
		return nil
	}
	if n := ItemSize(item); n > MaxItemSize {
		k := make(map[string]types.AttributeValue, len(keys))
		for _, a := range keys {
			if v, ok := item[a.Name]; ok {
				k[a.Name] = v
			}
		}
		return &Error{Op: op, Table: table, Kind: ErrItemTooLarge, Err: &ItemSizeError{Size: n, Key: k}}
	}
	return nil
}

// formatKey renders key attributes for messages: name=value pairs in name
// order, strings quoted, binaries by length.
func formatKey(key map[string]types.AttributeValue) string {
	names := make([]string, 0, len(key))
	for n := range key {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		switch v := key[n].(type) {
		case *types.AttributeValueMemberS:
			parts[i] = fmt.Sprintf("%s=%q", n, v.Value)
		case *types.AttributeValueMemberN:
			parts[i] = n + "=" + v.Value
		case *types.AttributeValueMemberB:
			parts[i] = fmt.Sprintf("%s=<%d bytes>", n, len(v.Value))
		default:
			parts[i] = n + "=" + avKindName(v)
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// checkResourceName applies DynamoDB's rule for table and index names: 3 to
// 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'.
func checkResourceName(what, name string) error {
	if len(name) < 3 || len(name) > 255 {
		return fmt.Errorf("%s name %q must be 3 to 255 characters long, not %d", what, name, len(name))
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		default:
			return fmt.Errorf("%s name %q has %q at byte %d: only a-z, A-Z, 0-9, '_', '-' and '.' are allowed", what, name, c, i)
		}
	}
	return nil
}
