package av

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Messages of wire-type mismatches (SerializationException), as DynamoDB
// words them.
const (
	msgStartOfStructure = "Start of structure or map found where not expected"
	msgUnexpectedField  = "Unexpected field type"
	msgUnexpectedValue  = "Unexpected value type in payload"
	msgValueArray       = "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"
	msgMapArray         = "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"
	msgBlobScalar       = "only base-64-encoded strings are convertible to bytes"
	msgBlobArray        = "Unrecognized collection type class java.nio.ByteBuffer"
	msgBase64Last       = "Invalid last non-pad Base64 character dectected"
	msgBadToken         = "Unexpected token received from parser"
)

// ParseValueJSON decodes one attribute value in DynamoDB JSON
// ({"S":"x"}, {"N":"1"}, {"M":{...}}, ...). Wrong JSON types yield a
// SerializationException *Error. Semantic problems (invalid numbers, empty
// sets, duplicates, several or no type keys, NULL:false) are not reported
// here but recorded in the value and reported by Validate; numbers are kept
// as their original text until then.
func ParseValueJSON(data []byte) (Value, error) {
	d := decoder{b: data}
	v, err := d.value()
	if err == nil {
		err = d.end()
	}
	return v, err
}

// ParseItemJSON decodes a JSON object of attribute name to attribute value,
// as ParseValueJSON does for each value. JSON null yields a nil Item.
func ParseItemJSON(data []byte) (Item, error) {
	d := decoder{b: data}
	m, err := d.valueMap()
	if err == nil {
		err = d.end()
	}
	return m, err
}

// UnmarshalJSON implements json.Unmarshaler with ParseValueJSON.
func (v *Value) UnmarshalJSON(data []byte) error {
	nv, err := ParseValueJSON(data)
	if err != nil {
		return err
	}
	*v = nv
	return nil
}

// decoder is a minimal JSON scanner specialised for attribute values.
type decoder struct {
	b []byte
	i int
}

var errSyntax = serializationError("")

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at end of input).
func (d *decoder) peek() byte {
	d.ws()
	if d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

func (d *decoder) end() error {
	if d.peek() != 0 {
		return errSyntax
	}
	return nil
}

func (d *decoder) lit(word string) error {
	if !strings.HasPrefix(string(d.b[d.i:min(len(d.b), d.i+len(word))]), word) {
		return errSyntax
	}
	d.i += len(word)
	return nil
}

// null consumes a JSON null if one is next and reports whether it did.
func (d *decoder) null() (bool, error) {
	if d.peek() != 'n' {
		return false, nil
	}
	return true, d.lit("null")
}

// object iterates the members of a JSON object, calling f with each key
// (only valid during the call); f must consume the member's value.
func (d *decoder) object(f func(key []byte) error) error {
	d.i++ // '{'
	if d.peek() == '}' {
		d.i++
		return nil
	}
	for {
		if d.peek() != '"' {
			return errSyntax
		}
		key, err := d.key()
		if err != nil {
			return err
		}
		if d.peek() != ':' {
			return errSyntax
		}
		d.i++
		if err := f(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// array iterates the elements of a JSON array; f must consume each element.
func (d *decoder) array(f func() error) error {
	d.i++ // '['
	if d.peek() == ']' {
		d.i++
		return nil
	}
	for {
		if err := f(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// key decodes a JSON string without allocating when it has no escapes;
// d.b[d.i] must be '"'.
func (d *decoder) key() ([]byte, error) {
	start := d.i + 1
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			return d.b[start:j], nil
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			s, err := d.str()
			return []byte(s), err
		}
	}
	return nil, errSyntax
}

// str decodes a JSON string; d.b[d.i] must be '"'.
func (d *decoder) str() (string, error) {
	d.i++
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if !utf8.Valid(s) {
				return strings.ToValidUTF8(string(s), "\uFFFD"), nil
			}
			return string(s), nil
		case c == '\\':
			return d.strSlow(start)
		case c < 0x20:
			return "", errSyntax
		}
		d.i++
	}
	return "", errSyntax
}

// strSlow decodes a string containing escapes, from start (after the quote).
func (d *decoder) strSlow(start int) (string, error) {
	buf := make([]byte, 0, d.i-start+16)
	buf = append(buf, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(buf) {
				return strings.ToValidUTF8(string(buf), "\uFFFD"), nil
			}
			return string(buf), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			buf = append(buf, c)
			d.i++
			continue
		}
		d.i++
		if d.i >= len(d.b) {
			return "", errSyntax
		}
		e := d.b[d.i]
		d.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", errSyntax
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					if r2, ok = d.hex4(); !ok {
						return "", errSyntax
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
					} else {
						d.i = save
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// num scans a JSON number and returns its text.
func (d *decoder) num() (string, error) {
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.b) && isDigit(d.b[d.i]) {
		d.i++
	}
	if d.i == digits {
		return "", errSyntax
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		fs := d.i
		for d.i < len(d.b) && isDigit(d.b[d.i]) {
			d.i++
		}
		if d.i == fs {
			return "", errSyntax
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		es := d.i
		for d.i < len(d.b) && isDigit(d.b[d.i]) {
			d.i++
		}
		if d.i == es {
			return "", errSyntax
		}
	}
	return string(d.b[start:d.i]), nil
}

// skip consumes any JSON value.
func (d *decoder) skip() error {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) error { return d.skip() })
	case c == '[':
		return d.array(d.skip)
	case c == '"':
		_, err := d.str()
		return err
	case c == 't':
		return d.lit("true")
	case c == 'f':
		return d.lit("false")
	case c == 'n':
		return d.lit("null")
	default:
		_, err := d.num()
		return err
	}
}

// scalarMismatch consumes a scalar that is not of the expected JSON type and
// returns DynamoDB's "X_VALUE cannot be converted to T" error.
func (d *decoder) scalarMismatch(target string) error {
	switch d.b[d.i] {
	case 't':
		if err := d.lit("true"); err != nil {
			return err
		}
		return serializationError("TRUE_VALUE cannot be converted to " + target)
	case 'f':
		if err := d.lit("false"); err != nil {
			return err
		}
		return serializationError("FALSE_VALUE cannot be converted to " + target)
	}
	n, err := d.num()
	if err != nil {
		return err
	}
	if f, err := strconv.ParseFloat(n, 64); err == nil && f == math.Trunc(f) {
		return serializationError("NUMBER_VALUE cannot be converted to " + target)
	}
	return serializationError("DECIMAL_VALUE cannot be converted to " + target)
}

// stringField decodes a field of Java type String.
func (d *decoder) stringField() (string, error) {
	switch d.peek() {
	case '"':
		return d.str()
	case '{':
		return "", serializationError(msgStartOfStructure)
	case '[':
		return "", serializationError("Unrecognized collection type class java.lang.String")
	case 0:
		return "", errSyntax
	}
	return "", d.scalarMismatch("String")
}

// boolField decodes a field of Java type Boolean.
func (d *decoder) boolField() (bool, error) {
	switch d.peek() {
	case 't':
		return true, d.lit("true")
	case 'f':
		return false, d.lit("false")
	case '"':
		s, err := d.str()
		if err != nil {
			return false, err
		}
		switch strings.ToUpper(s) {
		case "TRUE", "1", "YES":
			return true, nil
		case "FALSE", "0", "NO":
			return false, nil
		}
		return false, serializationError(msgBadToken)
	case '{':
		return false, serializationError(msgStartOfStructure)
	case '[':
		return false, serializationError("Unrecognized collection type class java.lang.Boolean")
	case 0:
		return false, errSyntax
	}
	return false, d.scalarMismatch("Boolean")
}

// blobField decodes a base64 field of Java type ByteBuffer.
func (d *decoder) blobField() ([]byte, error) {
	switch d.peek() {
	case '"':
	case '{':
		return nil, serializationError(msgStartOfStructure)
	case '[':
		return nil, serializationError(msgBlobArray)
	case 0:
		return nil, errSyntax
	default:
		if err := d.skip(); err != nil {
			return nil, err
		}
		return nil, serializationError(msgBlobScalar)
	}
	s, err := d.str()
	if err != nil {
		return nil, err
	}
	if len(s)%4 != 0 {
		return nil, serializationError("Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(len(s)))
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Strict().Decode(out, []byte(s))
	if err != nil {
		return nil, serializationError(msgBase64Last)
	}
	return out[:n], nil
}

// listField checks that a field of Java type List starts with '['.
func (d *decoder) listField() error {
	switch d.peek() {
	case '[':
		return nil
	case '{':
		return serializationError(msgStartOfStructure)
	case 0:
		return errSyntax
	}
	if err := d.skip(); err != nil {
		return err
	}
	return serializationError(msgUnexpectedField)
}

// valueMap decodes a Map<String, AttributeValue>.
func (d *decoder) valueMap() (map[string]Value, error) {
	switch d.peek() {
	case '{':
	case 'n':
		return nil, d.lit("null")
	case '[':
		return nil, serializationError(msgMapArray)
	case 0:
		return nil, errSyntax
	default:
		if err := d.skip(); err != nil {
			return nil, err
		}
		return nil, serializationError(msgUnexpectedField)
	}
	// Collect the first members on the stack to size the map exactly.
	type member struct {
		key string
		v   Value
	}
	var small [12]member
	n := 0
	var m map[string]Value
	err := d.object(func(key []byte) error {
		v, err := d.value()
		if m == nil && n < len(small) {
			small[n] = member{string(key), v}
			n++
			return err
		}
		if m == nil {
			m = make(map[string]Value, 2*n)
			for _, e := range small[:n] {
				m[e.key] = e.v
			}
		}
		m[string(key)] = v
		return err
	})
	if m == nil {
		m = make(map[string]Value, n)
		for _, e := range small[:n] {
			m[e.key] = e.v
		}
	}
	return m, err
}

// value decodes one AttributeValue structure.
func (d *decoder) value() (Value, error) {
	switch d.peek() {
	case '{':
	case '[':
		return Value{}, serializationError(msgValueArray)
	case 'n':
		return Value{}, d.lit("null")
	case 0:
		return Value{}, errSyntax
	default:
		if err := d.skip(); err != nil {
			return Value{}, err
		}
		return Value{}, serializationError(msgUnexpectedValue)
	}
	var v Value
	var extra []Value // further type keys, kept to report the first problem
	err := d.object(func(key []byte) error {
		if isNull, err := d.null(); isNull || err != nil {
			return err
		}
		f, err := d.field(key)
		if err != nil || f.Type == Invalid {
			return err
		}
		switch {
		case v.Type == Invalid || v.Type == f.Type:
			v = f
		default:
			for i := range extra {
				if extra[i].Type == f.Type {
					extra[i] = f
					return nil
				}
			}
			extra = append(extra, f)
		}
		return nil
	})
	if err != nil {
		return Value{}, err
	}
	if extra != nil {
		return invalidValue(multiTypeMessage(v, extra)), nil
	}
	return v, nil
}

// field decodes the member named key of an AttributeValue; unknown members
// are skipped and yield a Value of type Invalid.
func (d *decoder) field(key []byte) (Value, error) {
	var v Value
	var err error
	switch string(key) {
	case "S":
		v.Type = S
		v.Str, err = d.stringField()
	case "N":
		v.Type = N
		v.Str, err = d.stringField()
	case "B":
		v.Type = B
		v.Bytes, err = d.blobField()
		if v.Bytes == nil {
			v.Bytes = []byte{}
		}
	case "BOOL":
		v.Type = BOOL
		v.Bool, err = d.boolField()
	case "NULL":
		v.Type = NULL
		v.Bool, err = d.boolField()
	case "SS", "NS":
		v.Type = SS
		if key[0] == 'N' {
			v.Type = NS
		}
		if err = d.listField(); err != nil {
			break
		}
		v.Strs = []string{}
		err = d.array(func() error {
			if isNull, err := d.null(); isNull || err != nil {
				return err
			}
			s, err := d.stringField()
			v.Strs = append(v.Strs, s)
			return err
		})
	case "BS":
		v.Type = BS
		if err = d.listField(); err != nil {
			break
		}
		v.Bins = [][]byte{}
		err = d.array(func() error {
			if isNull, err := d.null(); isNull || err != nil {
				return err
			}
			b, err := d.blobField()
			v.Bins = append(v.Bins, b)
			return err
		})
	case "L":
		v.Type = L
		if err = d.listField(); err != nil {
			break
		}
		v.List = []Value{}
		err = d.array(func() error {
			e, err := d.value()
			v.List = append(v.List, e)
			return err
		})
	case "M":
		v.Type = M
		v.Map, err = d.valueMap()
		if v.Map == nil && err == nil {
			v.Type = Invalid
		}
	default:
		return Value{}, d.skip()
	}
	return v, err
}

// invalidValue records a validation problem found while decoding; Validate
// reports msg.
func invalidValue(msg string) Value {
	return Value{Type: Invalid, Str: msg}
}

// multiTypeMessage is the first problem DynamoDB reports for an attribute
// value with several type keys: a problem inside one of them, else the
// "more than one datatypes" message.
func multiTypeMessage(first Value, extra []Value) string {
	if err := first.Validate(); err != nil {
		return err.(*Error).Message
	}
	for i := range extra {
		if err := extra[i].Validate(); err != nil {
			return err.(*Error).Message
		}
	}
	return msgMultiType
}
