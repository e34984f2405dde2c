package legacy

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/expr"
)

var actions = []string{"ADD", "PUT", "DELETE"}

// update is one AttributeValueUpdate.
type update struct {
	attr   string
	action string // PUT when absent
	value  *av.Value
}

type updateJSON struct {
	Action *string
	Value  *av.Value
}

func decodeUpdates(raw json.RawMessage, c *constraints) ([]update, error) {
	return decodeMap(raw, func(name string, uj *updateJSON) update {
		c.enum("attributeUpdates."+name+".member.action", uj.Action, actions)
		u := update{attr: name, action: "PUT", value: uj.Value}
		if uj.Action != nil {
			u.action = *uj.Action
		}
		return u
	})
}

// setTypes are the types DELETE with a value takes; ADD also takes N and L.
var setTypes = []av.Type{av.SS, av.NS, av.BS}

// Update checks AttributeUpdates and compiles it; nil when absent.
func (r *Request) Update() (*Update, error) {
	if r == nil || r.updates == nil {
		return nil, nil
	}
	for i := range r.updates {
		u := &r.updates[i]
		if u.value != nil {
			if err := u.value.Validate(); err != nil {
				return nil, err
			}
		}
		switch {
		case u.value == nil && u.action != "DELETE":
			return nil, invalid("Only DELETE action is allowed when no attribute value is specified")
		case u.value == nil:
		case u.action == "DELETE" && !slices.Contains(setTypes, u.value.Type):
			return nil, invalid("DELETE action with value is not supported for the type " + u.value.Type.String())
		case u.action == "ADD" && !slices.Contains(setTypes, u.value.Type) && u.value.Type != av.N && u.value.Type != av.L:
			return nil, invalid("ADD action is not supported for the type " + u.value.Type.String())
		}
	}
	return compile(r.updates)
}

// Update is compiled AttributeUpdates: update expressions (of at most
// chunk actions each, within the expression limits) on distinct
// attributes.
type Update struct {
	ups   []update
	exprs []*expr.Update
}

const chunk = 50

// compile translates the updates into update expressions.
func compile(ups []update) (*Update, error) {
	u := &Update{ups: ups}
	for start := 0; start < len(ups); start += chunk {
		env := &expr.Env{Names: map[string]string{}, Values: map[string]av.Value{}}
		clauses := map[string][]string{}
		for i, x := range ups[start:min(start+chunk, len(ups))] {
			n, v := "#a"+strconv.Itoa(i), ":v"+strconv.Itoa(i)
			env.Names[n] = x.attr
			if x.value != nil {
				env.Values[v] = *x.value
			}
			switch {
			case x.action == "PUT":
				clauses["SET"] = append(clauses["SET"], n+" = "+v)
			case x.value == nil:
				clauses["REMOVE"] = append(clauses["REMOVE"], n)
			case x.action == "ADD" && x.value.Type == av.L:
				env.Values[":empty"] = av.Value{Type: av.L, List: []av.Value{}}
				clauses["SET"] = append(clauses["SET"], n+" = list_append(if_not_exists("+n+", :empty), "+v+")")
			default: // ADD or DELETE
				clauses[x.action] = append(clauses[x.action], n+" "+v)
			}
		}
		var src []string
		for _, kw := range []string{"SET", "REMOVE", "ADD", "DELETE"} {
			if len(clauses[kw]) > 0 {
				src = append(src, kw+" "+strings.Join(clauses[kw], ", "))
			}
		}
		if len(env.Values) == 0 {
			env.Values = nil
		}
		e, err := expr.ParseUpdate(strings.Join(src, " "), env)
		if err != nil {
			return nil, err
		}
		u.exprs = append(u.exprs, e)
	}
	return u, nil
}

// Attributes returns the attributes the update modifies.
func (u *Update) Attributes() []string {
	out := make([]string, len(u.ups))
	for i, x := range u.ups {
		out[i] = x.attr
	}
	return out
}

// Updated returns the updated attributes of item, as ReturnValues
// UPDATED_OLD (item before the update) or UPDATED_NEW (after) return them.
func (u *Update) Updated(item av.Item, _ bool) av.Item {
	var out av.Item
	for _, x := range u.ups {
		if v, ok := item[x.attr]; ok {
			if out == nil {
				out = av.Item{}
			}
			out[x.attr] = v
		}
	}
	return out
}

var errTypeMismatch = av.NewValidationError("Type mismatch for attribute to update")

// Apply returns the updated copy of item: PUT replaces an attribute; ADD
// adds to a number (an absent one counts as 0), unions a set or appends
// to a list; DELETE without a value removes the attribute, with a set
// removes its members (an emptied set is removed). ADD and DELETE with a
// value of another type than the attribute's fail.
func (u *Update) Apply(item av.Item) (av.Item, error) {
	for _, x := range u.ups {
		if cur, ok := item[x.attr]; ok && x.value != nil && x.action != "PUT" && cur.Type != x.value.Type {
			return nil, errTypeMismatch
		}
	}
	var err error
	for _, e := range u.exprs {
		if item, err = e.Apply(item); err != nil {
			return nil, err
		}
	}
	return item, nil
}
