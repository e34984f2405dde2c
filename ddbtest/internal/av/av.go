// Package av is ddbtest's own representation of DynamoDB attribute values:
// the server decodes the JSON wire format straight into Value, stores it,
// evaluates expressions over it and encodes it back, without going through
// the SDK's interface-based types.
package av

// Type is a DynamoDB attribute type descriptor.
type Type uint8

// The DynamoDB attribute types, named as on the wire.
const (
	Invalid Type = iota
	S
	N
	B
	BOOL
	NULL
	M
	L
	SS
	NS
	BS
)

// String returns the wire descriptor ("S", "N", "BOOL", ...).
func (t Type) String() string {
	switch t {
	case S:
		return "S"
	case N:
		return "N"
	case B:
		return "B"
	case BOOL:
		return "BOOL"
	case NULL:
		return "NULL"
	case M:
		return "M"
	case L:
		return "L"
	case SS:
		return "SS"
	case NS:
		return "NS"
	case BS:
		return "BS"
	}
	return "?"
}

// Value is one attribute value. Exactly the fields of its Type are used:
//
//	S    -> Str
//	N    -> Str (the number's canonical text, see CanonicalNumber)
//	B    -> Bytes
//	BOOL -> Bool
//	NULL -> Bool (always true)
//	M    -> Map
//	L    -> List
//	SS   -> Strs
//	NS   -> Strs (canonical number texts)
//	BS   -> Bins
type Value struct {
	Type  Type
	Str   string
	Bytes []byte
	Bool  bool
	Map   map[string]Value
	List  []Value
	Strs  []string
	Bins  [][]byte
}

// Item is a whole item: attribute name to value.
type Item = map[string]Value
