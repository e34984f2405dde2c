package av

import (
	"encoding/base64"
	"strings"
)

// Attribute value validation messages, as DynamoDB words them.
const (
	msgEmptyValue = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgMultiType  = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgNullFalse  = "One or more parameter values were invalid: Null attribute value types must have the value of true"
	msgEmptySS    = "One or more parameter values were invalid: An string set  may not be empty"
	msgEmptyNS    = "One or more parameter values were invalid: An number set  may not be empty"
	msgEmptyBS    = "One or more parameter values were invalid: Binary sets should not be empty"
	msgDupNS      = "Input collection contains duplicates"
	msgNesting    = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
)

// MaxNesting is the deepest nesting of maps and lists DynamoDB stores.
const MaxNesting = 32

// Validate checks v recursively against DynamoDB's rules for attribute
// values and canonicalises every number in place (N, NS and nested ones).
// It reports, as a ValidationException *Error with DynamoDB's text: values
// with no or several type keys, NULL set to false, invalid numbers (see
// CanonicalNumber), empty sets, sets with duplicate members and maps or
// lists nested more than MaxNesting levels deep.
func (v *Value) Validate() error { return v.validate(0) }

// validate checks v, found at nesting depth containers below the top.
func (v *Value) validate(depth int) error {
	switch v.Type {
	case Invalid:
		if v.Str == "" {
			return NewValidationError(msgEmptyValue)
		}
		return NewValidationError(v.Str)
	case N:
		c, err := CanonicalNumber(v.Str)
		if err != nil {
			return err
		}
		v.Str = c
	case NULL:
		if !v.Bool {
			return NewValidationError(msgNullFalse)
		}
	case SS:
		if len(v.Strs) == 0 {
			return NewValidationError(msgEmptySS)
		}
		if hasDuplicate(v.Strs) {
			return NewValidationError("One or more parameter values were invalid: Input collection " + listText(v.Strs) + " contains duplicates.")
		}
	case NS:
		if len(v.Strs) == 0 {
			return NewValidationError(msgEmptyNS)
		}
		for i, s := range v.Strs {
			c, err := CanonicalNumber(s)
			if err != nil {
				return err
			}
			v.Strs[i] = c
		}
		if hasDuplicate(v.Strs) {
			return NewValidationError(msgDupNS)
		}
	case BS:
		if len(v.Bins) == 0 {
			return NewValidationError(msgEmptyBS)
		}
		if hasDuplicate(v.Bins) {
			enc := make([]string, len(v.Bins))
			for i, b := range v.Bins {
				enc[i] = base64.StdEncoding.EncodeToString(b)
			}
			return NewValidationError("One or more parameter values were invalid: Input collection " + listText(enc) + "of type BS contains duplicates.")
		}
	case M:
		if depth >= MaxNesting {
			return NewValidationError(msgNesting)
		}
		for k, e := range v.Map {
			if err := e.validate(depth + 1); err != nil {
				return err
			}
			v.Map[k] = e
		}
	case L:
		if depth >= MaxNesting {
			return NewValidationError(msgNesting)
		}
		for i := range v.List {
			if err := v.List[i].validate(depth + 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// ValidateItem validates every value of item as Value.Validate does,
// canonicalising numbers in place.
func ValidateItem(item Item) error {
	for k, v := range item {
		if err := v.Validate(); err != nil {
			return err
		}
		item[k] = v
	}
	return nil
}

func listText(s []string) string {
	return "[" + strings.Join(s, ", ") + "]"
}

// hasDuplicate reports whether s has two equal members; small sets are
// checked pairwise without allocating.
func hasDuplicate[T ~string | ~[]byte](s []T) bool {
	if len(s) <= 16 {
		for i := 1; i < len(s); i++ {
			for j := 0; j < i; j++ {
				if string(s[i]) == string(s[j]) {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(s))
	for _, x := range s {
		if _, ok := seen[string(x)]; ok {
			return true
		}
		seen[string(x)] = struct{}{}
	}
	return false
}
