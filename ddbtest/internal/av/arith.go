package av

import "github.com/cockroachdb/apd/v3"

// arithContext is wide enough for any exact sum or difference of two valid
// DynamoDB numbers (exponents 125 down to -130, 38 digits each).
var arithContext = apd.Context{Precision: 300, MaxExponent: 1000, MinExponent: -1000, Traps: apd.DefaultTraps}

// AddNumbers returns the exact sum a+b of two number texts, canonical and
// validated as CanonicalNumber does (so a result needing more than 38
// significant digits or out of range is a ValidationException).
func AddNumbers(a, b string) (string, error) {
	return arith(a, b, false)
}

// SubtractNumbers returns the exact difference a-b, as AddNumbers does.
func SubtractNumbers(a, b string) (string, error) {
	return arith(a, b, true)
}

func arith(a, b string, sub bool) (string, error) {
	var x, y, z apd.Decimal
	if _, _, err := x.SetString(a); err != nil {
		return CanonicalNumber(a) // reports the invalid operand
	}
	if _, _, err := y.SetString(b); err != nil {
		return CanonicalNumber(b)
	}
	var err error
	if sub {
		_, err = arithContext.Sub(&z, &x, &y)
	} else {
		_, err = arithContext.Add(&z, &x, &y)
	}
	if err != nil {
		return "", NewValidationError(msgNumOverflow)
	}
	return CanonicalNumber(z.Text('f'))
}
