package legacy

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/expr"
)

var conditionalOperators = []string{"OR", "AND"}

// ComparisonOperators is DynamoDB's enum value set of ComparisonOperator
// (Expected, KeyConditions, QueryFilter, ScanFilter), in its order.
var ComparisonOperators = []string{"IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS"}

// operator is what DynamoDB allows of one comparison operator: how many
// values (max -1: no limit), of which types (nil: any), and the
// expression it is evaluated as (%a the attribute, %v its values).
type operator struct {
	min, max int
	types    []av.Type
	expr     string
}

var scalar = []av.Type{av.S, av.N, av.B}

var operators = map[string]operator{
	"EQ":           {1, 1, nil, "%a = %v"},
	"NE":           {1, 1, nil, "%a <> %v"},
	"LE":           {1, 1, scalar, "%a <= %v"},
	"LT":           {1, 1, scalar, "%a < %v"},
	"GE":           {1, 1, scalar, "%a >= %v"},
	"GT":           {1, 1, scalar, "%a > %v"},
	"NOT_NULL":     {0, 0, nil, "attribute_exists(%a)"},
	"NULL":         {0, 0, nil, "attribute_not_exists(%a)"},
	"CONTAINS":     {1, 1, scalar, "contains(%a, %v)"},
	"NOT_CONTAINS": {1, 1, scalar, "NOT contains(%a, %v)"},
	"BEGINS_WITH":  {1, 1, []av.Type{av.S, av.B}, "begins_with(%a, %v)"},
	"IN":           {1, -1, scalar, "%a IN (%v)"},
	"BETWEEN":      {2, 2, scalar, "%a BETWEEN %v"},
}

// maxIn is the number of values one IN expression takes; longer legacy
// IN lists are split into several.
const maxIn = 100

// condition is one attribute's Condition (KeyConditions, QueryFilter,
// ScanFilter) or comparison-operator ExpectedAttributeValue.
type condition struct {
	attr   string
	op     *string
	values []av.Value
}

type conditionJSON struct {
	ComparisonOperator *string
	AttributeValueList []av.Value
}

func decodeConditions(raw json.RawMessage, path string, c *constraints) ([]condition, error) {
	return decodeMap(raw, func(name string, cj *conditionJSON) condition {
		p := path + "." + name + ".member.comparisonOperator"
		c.notNull(p, cj.ComparisonOperator)
		c.enum(p, cj.ComparisonOperator, ComparisonOperators)
		return condition{attr: name, op: cj.ComparisonOperator, values: cj.AttributeValueList}
	})
}

func invalid(msg string) error {
	return av.NewValidationError("One or more parameter values were invalid: " + msg)
}

// check makes DynamoDB's checks of a condition's values: valid values,
// their number, one type, a type the operator takes, ordered BETWEEN
// bounds.
func (cd *condition) check() error {
	if err := validateValues(cd.values); err != nil {
		return err
	}
	return cd.checkShape()
}

func (cd *condition) checkShape() error {
	op := operators[*cd.op]
	if n := len(cd.values); n < op.min || (op.max >= 0 && n > op.max) {
		return invalid("Invalid number of argument(s) for the " + *cd.op + " ComparisonOperator")
	}
	for _, v := range cd.values {
		if v.Type != cd.values[0].Type {
			return invalid("AttributeValues inside AttributeValueList must be of same type")
		}
	}
	for _, v := range cd.values {
		if op.types != nil && !slices.Contains(op.types, v.Type) {
			return invalid("ComparisonOperator " + *cd.op + " is not valid for " + v.Type.String() + " AttributeValue type")
		}
	}
	if *cd.op == "BETWEEN" {
		if n, _ := av.Compare(cd.values[0], cd.values[1]); n > 0 {
			return av.NewValidationError("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
		}
	}
	return nil
}

// compile builds the expression the condition is evaluated as.
func (cd *condition) compile() (*expr.Condition, error) {
	op := operators[*cd.op]
	env := &expr.Env{Names: map[string]string{"#a": cd.attr}, Values: map[string]av.Value{}}
	var src string
	var chunks []string
	for start := 0; start < len(cd.values) || start == 0; start += maxIn {
		var phs []string
		for i := start; i < min(start+maxIn, len(cd.values)); i++ {
			ph := ":v" + strconv.Itoa(i)
			env.Values[ph] = cd.values[i]
			phs = append(phs, ph)
		}
		sep := ", "
		if *cd.op == "BETWEEN" {
			sep = " AND "
		}
		s := strings.ReplaceAll(op.expr, "%a", "#a")
		chunks = append(chunks, strings.ReplaceAll(s, "%v", strings.Join(phs, sep)))
	}
	src = strings.Join(chunks, " OR ")
	if len(env.Values) == 0 {
		env.Values = nil
	}
	return expr.ParseCondition("ConditionExpression", src, env)
}

// Filter is compiled Expected, QueryFilter or ScanFilter conditions joined
// by ConditionalOperator. It evaluates items like a condition expression.
type Filter struct {
	or    bool
	conds []*expr.Condition
	attrs []string
}

// Eval reports whether item satisfies the conditions (nil item: absent).
func (f *Filter) Eval(item av.Item) bool {
	for _, c := range f.conds {
		if c.Eval(item) == f.or {
			return f.or
		}
	}
	return !f.or
}

// Attributes returns the attributes the conditions test, in order.
func (f *Filter) Attributes() []string { return f.attrs }

func (r *Request) newFilter(conds []condition) (*Filter, error) {
	if len(conds) == 0 {
		return nil, nil
	}
	f := &Filter{or: r.or}
	for i := range conds {
		c, err := conds[i].compile()
		if err != nil {
			return nil, err
		}
		f.conds = append(f.conds, c)
		f.attrs = append(f.attrs, conds[i].attr)
	}
	return f, nil
}

// Filter checks QueryFilter or ScanFilter and compiles it; nil when
// absent.
func (r *Request) Filter() (*Filter, error) {
	if r == nil || r.filterOf == "" {
		return nil, nil
	}
	for i := range r.filter {
		if err := r.filter[i].check(); err != nil {
			return nil, err
		}
	}
	return r.newFilter(r.filter)
}

// expected is one ExpectedAttributeValue.
type expected struct {
	attr   string
	value  *av.Value
	exists *bool
	cond   condition // op nil: Value/Exists form
	hasAVL bool
}

type expectedJSON struct {
	Value              *av.Value
	Exists             *bool
	ComparisonOperator *string
	AttributeValueList []av.Value
}

func decodeExpected(raw json.RawMessage, c *constraints) ([]expected, error) {
	return decodeMap(raw, func(name string, ej *expectedJSON) expected {
		c.enum("expected."+name+".member.comparisonOperator", ej.ComparisonOperator, ComparisonOperators)
		return expected{attr: name, value: ej.Value, exists: ej.Exists, hasAVL: ej.AttributeValueList != nil,
			cond: condition{attr: name, op: ej.ComparisonOperator, values: ej.AttributeValueList}}
	})
}

// check makes DynamoDB's checks of one ExpectedAttributeValue and turns it
// into a condition.
func (e *expected) check() error {
	if e.value != nil {
		if err := e.value.Validate(); err != nil {
			return err
		}
	}
	if err := validateValues(e.cond.values); err != nil {
		return err
	}
	k := " for Attribute: " + e.attr
	if e.hasAVL && e.value != nil {
		return invalid("Value and AttributeValueList cannot be used together" + k)
	}
	if e.cond.op != nil {
		op := *e.cond.op
		if e.exists != nil {
			return invalid("Exists and ComparisonOperator cannot be used together" + k)
		}
		if op != "NULL" && op != "NOT_NULL" && !e.hasAVL && e.value == nil {
			return invalid("Value or AttributeValueList must be used with ComparisonOperator: " + op + k)
		}
		if e.value != nil {
			e.cond.values = []av.Value{*e.value}
		}
		return e.cond.checkShape()
	}
	if e.hasAVL {
		return invalid("AttributeValueList can only be used with a ComparisonOperator" + k)
	}
	exists := e.exists == nil || *e.exists
	switch {
	case exists && e.value == nil:
		state := "null"
		if e.exists != nil {
			state = "true"
		}
		return invalid("Value must be provided when Exists is " + state + k)
	case !exists && e.value != nil:
		return invalid("Value cannot be used when Exists is false" + k)
	}
	// Value alone, or with Exists true: the attribute must equal it.
	// Exists false: the attribute must be absent.
	op := "NULL"
	if exists {
		op = "EQ"
		e.cond.values = []av.Value{*e.value}
	}
	e.cond.op = &op
	return nil
}

// Condition checks Expected and compiles it with ConditionalOperator; nil
// when absent.
func (r *Request) Condition() (*Filter, error) {
	if r == nil || r.expected == nil {
		return nil, nil
	}
	conds := make([]condition, len(r.expected))
	for i := range r.expected {
		if err := r.expected[i].check(); err != nil {
			return nil, err
		}
		conds[i] = r.expected[i].cond
	}
	return r.newFilter(conds)
}

var keyOps = map[string]string{"EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">=", "BETWEEN": "BETWEEN", "BEGINS_WITH": "begins_with"}

// CheckKeyConditions makes the checks of KeyConditions that do not need
// the key schema (BindKeys then counts them against it).
func (r *Request) CheckKeyConditions() error {
	for i := range r.keyConds {
		if err := r.keyConds[i].check(); err != nil {
			return err
		}
	}
	return nil
}

// BindKeys matches KeyConditions to the key schema queried (its partition
// and sort attributes, see expr.BindConditions), with DynamoDB's messages
// for a mismatch.
func (r *Request) BindKeys(hash, rng []expr.KeyAttr) (*expr.BoundKey, error) {
	conds := make([]expr.RangeCondition, len(r.keyConds))
	for i, c := range r.keyConds {
		conds[i] = expr.RangeCondition{Name: c.attr, Op: keyOps[*c.op], Values: c.values}
	}
	return expr.BindConditions(conds, hash, rng, func(rc *expr.RangeCondition) error {
		if rc.Op == "" {
			return av.NewValidationError("Attempted conditional constraint is not an indexable operation")
		}
		return nil
	})
}
