package av

import "strings"

// DynamoDB's number limits.
const (
	maxDigits   = 38   // significant digits
	maxExponent = 125  // largest decimal exponent of the leading digit
	minExponent = -130 // smallest decimal exponent of the leading digit
)

// Number validation messages, as DynamoDB words them.
const (
	msgNumEmpty     = "The parameter cannot be converted to a numeric value"
	msgNumOverflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgNumUnderflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgNumDigits    = "Attempting to store more than 38 significant digits in a Number"
)

// number is a parsed decimal: the significant digits are the virtual
// concatenation intPart+fracPart restricted to [first, last], and exp is the
// decimal exponent of the leading significant digit (scientific notation).
type number struct {
	neg           bool
	intPart, frac string
	first, last   int // indexes into intPart+frac; first > last for zero
	exp           int
}

func (n *number) digit(k int) byte {
	if k < len(n.intPart) {
		return n.intPart[k]
	}
	return n.frac[k-len(n.intPart)]
}

func (n *number) zero() bool { return n.first > n.last }

// parseNumber parses the grammar [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)? ;
// DynamoDB accepts a leading plus sign.
func parseNumber(s string) (number, bool) {
	var n number
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		n.neg = s[i] == '-'
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n.intPart = s[start:i]
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		n.frac = s[fs:i]
	}
	if len(n.intPart)+len(n.frac) == 0 {
		return n, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && isDigit(s[i]) {
			if exp < 1e9 {
				exp = exp*10 + int(s[i]-'0')
			}
			i++
		}
		if i == es {
			return n, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return n, false
	}
	total := len(n.intPart) + len(n.frac)
	n.first, n.last = 0, total-1
	for n.first < total && n.digit(n.first) == '0' {
		n.first++
	}
	for n.last >= n.first && n.digit(n.last) == '0' {
		n.last--
	}
	// The point sits after len(intPart)+exp digits of the virtual sequence.
	n.exp = len(n.intPart) + exp - n.first - 1
	return n, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// CanonicalNumber validates s as a DynamoDB number and returns its canonical
// text: plain decimal notation without exponent, leading or trailing zeros
// ("1.50" -> "1.5", "1e2" -> "100", "-0" -> "0", ".5" -> "0.5"). It accepts
// at most 38 significant digits and magnitudes from 1e-130 to just under
// 1e126. Errors are *Error values with DynamoDB's ValidationException text.
// When s is already canonical, s itself is returned without allocating.
func CanonicalNumber(s string) (string, error) {
	if s == "" {
		return "", NewValidationError(msgNumEmpty)
	}
	n, ok := parseNumber(s)
	if !ok {
		return "", NewValidationError(msgNumEmpty + ": " + s)
	}
	if n.zero() {
		return "0", nil
	}
	if n.exp > maxExponent {
		return "", NewValidationError(msgNumOverflow)
	}
	if n.exp < minExponent {
		return "", NewValidationError(msgNumUnderflow)
	}
	if n.last-n.first+1 > maxDigits {
		return "", NewValidationError(msgNumDigits)
	}
	var buf [192]byte
	out := n.appendCanonical(buf[:0])
	if string(out) == s {
		return s, nil
	}
	return string(out), nil
}

// appendCanonical writes n (non-zero) in canonical form.
func (n *number) appendCanonical(b []byte) []byte {
	if n.neg {
		b = append(b, '-')
	}
	if n.exp < 0 {
		b = append(b, '0', '.')
		for k := -n.exp - 1; k > 0; k-- {
			b = append(b, '0')
		}
		for k := n.first; k <= n.last; k++ {
			b = append(b, n.digit(k))
		}
		return b
	}
	intEnd := n.first + n.exp // last virtual index of the integer part
	for k := n.first; k <= intEnd; k++ {
		if k <= n.last {
			b = append(b, n.digit(k))
		} else {
			b = append(b, '0')
		}
	}
	if intEnd < n.last {
		b = append(b, '.')
		for k := intEnd + 1; k <= n.last; k++ {
			b = append(b, n.digit(k))
		}
	}
	return b
}

// CompareNumbers compares two canonical number texts (as produced by
// CanonicalNumber) exactly, returning -1, 0 or +1.
func CompareNumbers(a, b string) int {
	if a == b {
		return 0
	}
	sa, sb := numSign(a), numSign(b)
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := compareMagnitudes(a[boolInt(sa < 0):], b[boolInt(sb < 0):])
	if sa < 0 {
		return -c
	}
	return c
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func numSign(s string) int {
	switch {
	case s == "0" || s == "":
		return 0
	case s[0] == '-':
		return -1
	}
	return 1
}

// compareMagnitudes compares unsigned canonical decimals.
func compareMagnitudes(a, b string) int {
	ai, af, _ := strings.Cut(a, ".")
	bi, bf, _ := strings.Cut(b, ".")
	if len(ai) != len(bi) {
		if len(ai) < len(bi) {
			return -1
		}
		return 1
	}
	if c := strings.Compare(ai, bi); c != 0 {
		return c
	}
	return strings.Compare(af, bf)
}

// numberSize is DynamoDB's storage size of a number: one byte per two
// significant digits (aligned on base-100 digit pairs), one byte of header
// and one more for negatives.
func numberSize(s string) int {
	n, ok := parseNumber(s)
	if !ok || n.zero() {
		return 1
	}
	digits := n.last - n.first + 1
	size := 1 + (digits+1)/2
	if digits%2 == 0 && n.exp%2 == 0 {
		size++
	}
	if n.neg {
		size++
	}
	return size
}
