package ddbtest

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unsafe"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// The static validation every request goes through before its operation
// runs (and so before any table lookup), driven by requestShapes:
//
//  1. the body must be JSON (SerializationException);
//  2. every member must have its JSON type, checked in the shape's member
//     order (SerializationException, DynamoDB's texts);
//  3. required members, then the constraints of every member, collected
//     into one "N validation errors detected" ValidationException.
//
// The operation's own semantic checks follow, then the table lookup.
//
// Attribute values (items, keys, expression values) are only scanned here:
// their contents are decoded by package av when the operation decodes the
// request, which reports the same errors. They are decoded here only when
// another error is found, to report the first error in DynamoDB's order.

// jnode is one JSON value of a request, as far as its shape describes it.
type jnode struct {
	tok  byte   // '{', '[', '"', 't', 'f', 'n' or '0' (a number)
	raw  []byte // the value's bytes
	str  string // a string's value
	keys []string
	kids []*jnode // object member values (by keys) or array elements
	// present has bit i set when a structure's member i (in its shape's
	// order) is present and not null.
	present uint64

	// Inline room for the first members, sparing small objects an
	// allocation.
	keys0 [8]string
	kids0 [8]*jnode
}

// get returns the member called name (the last one when repeated, as
// DynamoDB reads it), nil when absent or null.
func (n *jnode) get(name string) *jnode {
	var out *jnode
	for i, k := range n.keys {
		if k == name {
			out = n.kids[i]
		}
	}
	if out != nil && out.tok == 'n' {
		return nil
	}
	return out
}

// validator holds the state of one request's validation.
//
// Validators are reused (validators), with their nodes.
type validator struct {
	chunks   [][]jnode // nodes are taken from here, a chunk at a time
	chunk    int       // the chunk nodes are taken from
	deferred [][]byte  // attribute value maps not decoded yet
	folded   bool      // an unknown member differs from a known one only in case
	rewrite  bool      // a number or boolean is to be read as DynamoDB reads it
	errs     []string  // constraint violations
	path     []byte    // the path of the member whose constraints are checked
}

// validateRequest validates body as a request of operation op. It returns
// the body the operation is to decode: body itself, or, when a member's
// name matches a known member only case-insensitively, body without the
// members DynamoDB does not know (encoding/json would take them).
func validateRequest(op string, body []byte) ([]byte, error) {
	sh := requestShapes[op]
	if sh == nil {
		return body, nil
	}
	v := validators.Get().(*validator)
	defer v.release()
	r := &jreader{b: body}
	if r.peek() != '{' {
		return nil, errSyntax()
	}
	root, err := v.parse(r, sh)
	if err != nil {
		return nil, err
	}
	if r.peek() != 0 {
		return nil, errSyntax()
	}
	if err := v.checkType(root, sh); err != nil {
		return nil, err
	}
	for i, mb := range sh.members {
		if !mb.required && !mb.tableName {
			continue
		}
		var n *jnode
		if root.present&(1<<i) != 0 {
			n = root.get(mb.name)
		}
		if mb.required && n == nil {
			return nil, v.fail(validationError("The parameter '" + mb.name + "' is required but was not present in the request"))
		}
		if mb.tableName && n != nil && n.tok == '"' {
			if l := jsLen(n.str); l < 3 || l > 255 {
				return nil, v.fail(validationError(mb.name + " must be at least 3 characters long and at most 255 characters long"))
			}
		}
	}
	v.children(root, sh)
	if len(v.errs) > 0 {
		return nil, v.fail(constraintErrors(v.errs))
	}
	if v.folded || v.rewrite {
		return v.emit(nil, root, sh), nil
	}
	return body, nil
}

// fail returns err unless an attribute value left for later has a wrong
// JSON type: that error comes first.
func (v *validator) fail(err error) error {
	for _, raw := range v.deferred {
		if _, e := av.ParseItemJSON(raw); e != nil {
			return asAPIError(e)
		}
	}
	v.deferred = nil
	return err
}

var validators = sync.Pool{New: func() any { return new(validator) }}

// release clears v (its nodes point into the request body) and returns
// it to the pool.
func (v *validator) release() {
	for i := range v.chunks {
		clear(v.chunks[i])
		v.chunks[i] = v.chunks[i][:0]
	}
	v.chunk = 0
	clear(v.deferred)
	v.deferred, v.errs, v.path = v.deferred[:0], nil, v.path[:0]
	v.folded, v.rewrite = false, false
	validators.Put(v)
}

// nodeChunk is how many nodes a validator allocates at a time.
const nodeChunk = 16

// node returns a new node for a value starting with c.
func (v *validator) node(c byte) *jnode {
	if len(v.chunks) == 0 {
		v.chunks = append(v.chunks, make([]jnode, 0, nodeChunk))
	}
	if len(v.chunks[v.chunk]) == nodeChunk {
		v.chunk++
		if v.chunk == len(v.chunks) {
			v.chunks = append(v.chunks, make([]jnode, 0, nodeChunk))
		}
	}
	c0 := v.chunks[v.chunk][:len(v.chunks[v.chunk])+1]
	v.chunks[v.chunk] = c0
	n := &c0[len(c0)-1]
	n.tok = tokOf(c)
	n.keys, n.kids = n.keys0[:0], n.kids0[:0]
	return n
}

// parse reads one value described by sh (nil: a member DynamoDB ignores).
func (v *validator) parse(r *jreader, sh *shape) (*jnode, error) {
	c := r.peek()
	start := r.i
	n := v.node(c)
	if sh.opaque() {
		raw, err := r.skip()
		n.raw = raw
		return n, err
	}
	switch c {
	case '{':
		err := r.members(true, func(k string) error {
			var sub *shape
			switch sh.kind {
			case kMap:
				sub = sh.elem
			case kStruct, kValueStruct:
				i := sh.memberIndex(k)
				if i < 0 {
					if sh.memberFold(k) {
						v.folded = true
					}
					_, err := r.skip()
					return err
				}
				sub = sh.members[i].shape
				if !r.isNullNext() {
					n.present |= 1 << i
				}
			}
			kid, err := v.parse(r, sub)
			if err != nil {
				return err
			}
			n.keys = append(n.keys, k)
			n.kids = append(n.kids, kid)
			return nil
		})
		if err != nil {
			return nil, err
		}
	case '[':
		err := r.array(func() error {
			kid, err := v.parse(r, sh.elem)
			if err == nil {
				n.kids = append(n.kids, kid)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	case '"':
		s, err := r.bodyString()
		if err != nil {
			return nil, err
		}
		n.str = s
	default:
		if _, err := r.skip(); err != nil {
			return nil, err
		}
		if n.tok == 0 {
			return nil, errSyntax()
		}
	}
	n.raw = r.b[start:r.i]
	return n, nil
}

func tokOf(c byte) byte {
	switch c {
	case '{', '[', '"', 't', 'f', 'n':
		return c
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	}
	return 0
}

// opaque reports whether values of s (nil: an unknown member) are only
// scanned, not parsed into nodes: attribute values, decoded by package av.
func (s *shape) opaque() bool {
	return s == nil || s.kind == kItem || s.kind == kParamMap || s.kind == kAttrValue || s.kind == kFieldValue
}

// memberIndex returns the index of the member called name (exactly), or
// -1.
func (s *shape) memberIndex(name string) int {
	for i := range s.members {
		if s.members[i].name == name {
			return i
		}
	}
	return -1
}

// member returns the shape of the member called name (exactly).
func (s *shape) member(name string) *shape {
	if i := s.memberIndex(name); i >= 0 {
		return s.members[i].shape
	}
	return nil
}

// isNullNext reports whether a JSON null is next, without consuming it.
func (r *jreader) isNullNext() bool {
	return r.peek() == 'n'
}

// memberFold reports whether name matches a member only case-insensitively.
func (s *shape) memberFold(name string) bool {
	for i := range s.members {
		if strings.EqualFold(s.members[i].name, name) {
			return true
		}
	}
	return false
}

const dynamoClass = "com.amazonaws.dynamodb.v20120810."

// Serialization messages.
const (
	msgStartOfStructure = "Start of structure or map found where not expected"
	msgUnexpectedField  = "Unexpected field type"
	msgUnexpectedValue  = "Unexpected value type in payload"
	msgParameterized    = "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')"
	msgAttrValueMap     = "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"
)

// scalarMessage is DynamoDB's message for a scalar of the wrong type where
// a value of Java type target is expected.
func scalarMessage(n *jnode, target string) string {
	switch n.tok {
	case 't':
		return "TRUE_VALUE cannot be converted to " + target
	case 'f':
		return "FALSE_VALUE cannot be converted to " + target
	case '"':
		return "STRING_VALUE cannot be converted to " + target
	}
	if f, err := strconv.ParseFloat(string(n.raw), 64); err == nil && f != math.Trunc(f) {
		return "DECIMAL_VALUE cannot be converted to " + target
	}
	return "NUMBER_VALUE cannot be converted to " + target
}

func isScalar(tok byte) bool { return tok == '"' || tok == '0' || tok == 't' || tok == 'f' }

// checkType checks the JSON type of n, then of its members in the shape's
// order.
func (v *validator) checkType(n *jnode, sh *shape) error {
	if n == nil || n.tok == 'n' {
		return nil
	}
	fail := func(msg string) error { return v.fail(serializationError(msg)) }
	switch sh.kind {
	case kString:
		switch n.tok {
		case '"':
			return nil
		case '{':
			return fail(msgStartOfStructure)
		case '[':
			return fail("Unrecognized collection type class java.lang.String")
		}
		return fail(scalarMessage(n, "String"))
	case kBool:
		switch n.tok {
		case 't', 'f':
			return nil
		case '"':
			if _, ok := boolString(n.str); ok {
				v.rewrite = true
				return nil
			}
			return fail("Unexpected token received from parser")
		case '{':
			return fail(msgStartOfStructure)
		case '[':
			return fail("Unrecognized collection type class java.lang.Boolean")
		}
		return fail(scalarMessage(n, "Boolean"))
	case kInteger, kLong:
		target := "Integer"
		if sh.kind == kLong {
			target = "Long"
		}
		switch n.tok {
		case '0':
			if bytes.ContainsAny(n.raw, ".eE") {
				v.rewrite = true
			}
			return nil
		case '{':
			return fail(msgStartOfStructure)
		case '[':
			return fail("Unrecognized collection type class java.lang." + target)
		}
		return fail(scalarMessage(n, target))
	case kList, kParamList:
		switch {
		case n.tok == '{':
			return fail(msgStartOfStructure)
		case isScalar(n.tok) && sh.kind == kList:
			return fail(msgUnexpectedField)
		case isScalar(n.tok):
			return fail(msgParameterized)
		}
		for _, k := range n.kids {
			if err := v.checkType(k, sh.elem); err != nil {
				return err
			}
		}
		return nil
	case kMap:
		switch {
		case n.tok == '[':
			class := sh.class
			if !strings.Contains(class, ".") {
				class = dynamoClass + class
			}
			return fail("Unrecognized collection type java.util.Map<java.lang.String, " + class + ">")
		case isScalar(n.tok):
			return fail(msgUnexpectedField)
		}
		for _, k := range n.kids {
			if err := v.checkType(k, sh.elem); err != nil {
				return err
			}
		}
		return nil
	case kStruct, kValueStruct:
		switch {
		case n.tok == '[':
			return fail("Unrecognized collection type class " + dynamoClass + sh.class)
		case isScalar(n.tok) && sh.kind == kStruct:
			return fail(msgUnexpectedField)
		case isScalar(n.tok):
			return fail(msgUnexpectedValue)
		}
		for i, mb := range sh.members {
			if n.present&(1<<i) == 0 {
				continue
			}
			if err := v.checkType(n.get(mb.name), mb.shape); err != nil {
				return err
			}
		}
		return nil
	case kItem, kParamMap: // decoded by package av when needed
		switch {
		case n.tok == '[':
			return fail(msgAttrValueMap)
		case isScalar(n.tok) && sh.kind == kItem:
			return fail(msgUnexpectedField)
		case isScalar(n.tok):
			return fail(msgParameterized)
		}
		v.deferred = append(v.deferred, n.raw)
		return nil
	case kAttrValue, kFieldValue:
		switch {
		case n.tok == '[':
			return fail("Unrecognized collection type class " + dynamoClass + "AttributeValue")
		case isScalar(n.tok) && sh.kind == kFieldValue:
			return fail(msgUnexpectedField)
		}
		if _, err := av.ParseValueJSON(n.raw); err != nil {
			return v.fail(asAPIError(err))
		}
		return nil
	}
	return nil
}

// boolString converts the strings DynamoDB accepts as booleans.
func boolString(s string) (value, ok bool) {
	switch strings.ToUpper(s) {
	case "TRUE", "1", "YES":
		return true, true
	case "FALSE", "0", "NO":
		return false, true
	}
	return false, false
}

// maxConstraintErrors is how many violations DynamoDB reports at most.
const maxConstraintErrors = 10

// add records a violation by the value n (nil: null) at the current path.
func (v *validator) add(n *jnode, sh *shape, msg string) {
	value := "null"
	if n != nil {
		value = "'" + valueString(n, sh) + "'"
	}
	v.errs = append(v.errs, "Value "+value+" at '"+string(v.path)+"' failed to satisfy constraint: "+msg)
}

func (v *validator) full() bool { return len(v.errs) >= maxConstraintErrors }

// push appends a member name to the current path, first letter lowered,
// and returns the length to restore.
func (v *validator) push(name string) int {
	mark := len(v.path)
	if mark > 0 {
		v.path = append(v.path, '.')
	}
	if c := name[0]; c >= 'A' && c <= 'Z' {
		v.path = append(append(v.path, c+'a'-'A'), name[1:]...)
	} else {
		v.path = append(v.path, name...)
	}
	return mark
}

// constraints checks the constraints of the value n at the current path,
// then those of its members.
func (v *validator) constraints(n *jnode, sh *shape) {
	if n != nil && n.tok == 'n' {
		n = nil
	}
	if sh.notNull && n == nil && !v.full() {
		v.add(nil, sh, "Member must not be null")
	}
	if n == nil {
		return
	}
	if sh.minVal != nil || sh.maxVal != nil {
		f := numberOf(n)
		if sh.minVal != nil && f < float64(*sh.minVal) && !v.full() {
			v.add(n, sh, "Member must have value greater than or equal to "+strconv.FormatInt(*sh.minVal, 10))
		}
		if sh.maxVal != nil && f > float64(*sh.maxVal) && !v.full() {
			v.add(n, sh, "Member must have value less than or equal to "+strconv.FormatInt(*sh.maxVal, 10))
		}
	}
	if sh.pattern != "" && !v.full() && !matches(sh.pattern, n.str) {
		v.add(n, sh, "Member must satisfy regular expression pattern: "+sh.pattern)
	}
	if sh.minLen >= 0 || sh.maxLen >= 0 {
		l := lengthOf(n)
		if sh.minLen >= 0 && l < sh.minLen && !v.full() {
			v.add(n, sh, "Member must have length greater than or equal to "+strconv.Itoa(sh.minLen))
		}
		if sh.maxLen >= 0 && l > sh.maxLen && !v.full() {
			v.add(n, sh, "Member must have length less than or equal to "+strconv.Itoa(sh.maxLen))
		}
	}
	if sh.enum != nil && !v.full() && !contains(sh.enum, n.str) {
		v.add(n, sh, "Member must satisfy enum value set: ["+strings.Join(sh.enum, ", ")+"]")
	}
	if sh.keys != nil {
		for _, k := range n.keys {
			if v.full() {
				break
			}
			if !sh.keys.accepts(&jnode{tok: '"', str: k}) {
				v.add(n, sh, "Map keys must satisfy constraint: ["+sh.keys.describe()+"]")
			}
		}
	}
	if sh.values != nil {
		for _, k := range n.kids {
			if v.full() {
				break
			}
			if !sh.values.accepts(k) {
				v.add(n, sh, "Map value must satisfy constraint: ["+sh.values.describe()+"]")
			}
		}
	}
	switch sh.kind {
	case kStruct, kValueStruct:
		v.children(n, sh)
	case kList, kParamList, kMap:
		for i, k := range n.kids {
			mark := len(v.path)
			v.path = append(v.path, '.')
			if sh.kind == kMap {
				v.path = append(v.path, n.keys[i]...)
			} else {
				v.path = strconv.AppendInt(v.path, int64(i+1), 10)
			}
			v.path = append(v.path, ".member"...)
			v.constraints(k, sh.elem)
			v.path = v.path[:mark]
		}
	}
}

// children checks the constraints of the members of the structure n.
func (v *validator) children(n *jnode, sh *shape) {
	for i, mb := range sh.members {
		var kid *jnode
		if n.present&(1<<i) != 0 {
			kid = n.get(mb.name)
		} else if !mb.notNull {
			continue
		}
		mark := v.push(mb.name)
		v.constraints(kid, mb.shape)
		v.path = v.path[:mark]
	}
}

// accepts reports whether n satisfies the pattern and length constraints
// of s (used for map keys and values).
func (s *shape) accepts(n *jnode) bool {
	if s.pattern != "" && !matches(s.pattern, n.str) {
		return false
	}
	l := lengthOf(n)
	return (s.minLen < 0 || l >= s.minLen) && (s.maxLen < 0 || l <= s.maxLen)
}

// describe lists the length and pattern constraints of s, in DynamoDB's
// order for map keys and values.
func (s *shape) describe() string {
	var out []string
	if s.maxLen >= 0 {
		out = append(out, "Member must have length less than or equal to "+strconv.Itoa(s.maxLen))
	}
	if s.minLen >= 0 {
		out = append(out, "Member must have length greater than or equal to "+strconv.Itoa(s.minLen))
	}
	if s.pattern != "" {
		out = append(out, "Member must satisfy regular expression pattern: "+s.pattern)
	}
	return strings.Join(out, ", ")
}

func contains(set []string, s string) bool {
	for _, e := range set {
		if e == s {
			return true
		}
	}
	return false
}

var patterns = map[string]*regexp.Regexp{}

// matches reports whether s matches pattern entirely.
func matches(pattern, s string) bool {
	if pattern == namePattern {
		return s != "" && validName(s)
	}
	re := patterns[pattern]
	if re == nil {
		panic("ddbtest: pattern not registered: " + pattern)
	}
	return re.MatchString(s)
}

// jsLen is the length of s in UTF-16 code units, as DynamoDB counts it.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func lengthOf(n *jnode) int {
	switch n.tok {
	case '"':
		return jsLen(n.str)
	case '[':
		return len(n.kids)
	case '{':
		if n.keys == nil && len(n.kids) == 0 {
			return countMembers(n.raw)
		}
		return len(n.keys)
	}
	return 0
}

// countMembers counts the members of the JSON object raw.
func countMembers(raw []byte) int {
	r := &jreader{b: raw}
	count := 0
	_ = r.object(func(string) error { count++; _, err := r.skip(); return err })
	return count
}

// numberOf is the value of a number member, truncated as DynamoDB reads
// integers.
func numberOf(n *jnode) float64 {
	f, _ := strconv.ParseFloat(string(n.raw), 64)
	return math.Floor(f)
}

// valueString renders a value in a constraint message as DynamoDB does:
// strings bare, lists as [a, b], structures and maps as JSON.
func valueString(n *jnode, sh *shape) string {
	switch n.tok {
	case '"':
		if sh != nil && sh.kind == kBool {
			b, _ := boolString(n.str)
			return strconv.FormatBool(b)
		}
		return n.str
	case '0':
		return jsNumber(n, sh)
	case '[':
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			var e *shape
			if sh != nil {
				e = sh.elem
			}
			parts[i] = valueString(k, e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case '{':
		return string(appendJS(nil, n, sh))
	}
	return string(n.raw)
}

// jsNumber renders a number as DynamoDB's messages do (integers truncated).
func jsNumber(n *jnode, sh *shape) string {
	f, err := strconv.ParseFloat(string(n.raw), 64)
	if err != nil {
		return string(n.raw)
	}
	if sh != nil && (sh.kind == kInteger || sh.kind == kLong) {
		f = math.Floor(f)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// appendJS appends n as compact JSON, with the members of structures in
// the shape's order and without null members.
func appendJS(b []byte, n *jnode, sh *shape) []byte {
	if sh.opaque() || n.tok != '[' && n.tok != '{' {
		if n.tok == '"' {
			return appendJSString(b, n.str)
		}
		if n.tok == '0' {
			return append(b, jsNumber(n, sh)...)
		}
		var buf bytes.Buffer
		if json.Compact(&buf, n.raw) == nil {
			return append(b, buf.Bytes()...)
		}
		return append(b, n.raw...)
	}
	switch n.tok {
	case '[':
		b = append(b, '[')
		for i, k := range n.kids {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJS(b, k, sh.elem)
		}
		return append(b, ']')
	case '{':
		b = append(b, '{')
		first := true
		member := func(k string, kid *jnode, s *shape) {
			if kid == nil || kid.tok == 'n' {
				return
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSString(b, k)
			b = append(b, ':')
			b = appendJS(b, kid, s)
		}
		if sh.kind == kStruct || sh.kind == kValueStruct {
			for _, mb := range sh.members {
				member(mb.name, n.get(mb.name), mb.shape)
			}
		} else {
			for i, k := range n.keys {
				member(k, n.kids[i], sh.elem)
			}
		}
		return append(b, '}')
	}
	return append(b, n.raw...)
}

func appendJSString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// emit appends n without the members its shape does not know, with
// integers truncated and booleans given as strings converted.
func (v *validator) emit(b []byte, n *jnode, sh *shape) []byte {
	if sh != nil && n.tok == '0' && (sh.kind == kInteger || sh.kind == kLong) {
		return append(b, jsNumber(n, sh)...)
	}
	if sh != nil && n.tok == '"' && sh.kind == kBool {
		return append(b, valueString(n, sh)...)
	}
	if sh.opaque() || (n.tok != '{' && n.tok != '[') {
		return append(b, n.raw...)
	}
	open, close := byte('{'), byte('}')
	if n.tok == '[' {
		open, close = '[', ']'
	}
	b = append(b, open)
	for i, k := range n.kids {
		if i > 0 {
			b = append(b, ',')
		}
		s := sh.elem
		if n.tok == '{' {
			b = appendJSString(b, n.keys[i])
			b = append(b, ':')
			if sh.kind == kStruct || sh.kind == kValueStruct {
				s = sh.member(n.keys[i])
			}
		}
		b = v.emit(b, k, s)
	}
	return append(b, close)
}

// bodyString reads a JSON string (the reader is at its quote). Without
// escapes the string shares the body's memory: the validator's nodes live
// only as long as the request, whose body is never modified.
func (r *jreader) bodyString() (string, error) {
	start := r.i
	for i := start + 1; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			r.i = i + 1
			if i == start+1 {
				return "", nil
			}
			return unsafe.String(&r.b[start+1], i-start-1), nil
		case c == '\\' || c < 0x20:
			return r.rawString()
		}
	}
	return r.rawString()
}
