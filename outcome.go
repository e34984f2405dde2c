package ddb

// Telling a retried success from a conflict.
//
// When a conditional write's response is lost (or its connection resets
// after DynamoDB applied it), the SDK retries the request, and the retry
// fails its own condition: DynamoDB answers ConditionalCheckFailed for a
// write that in fact happened. ddb counts the attempts of each conditional
// write (a Finalize middleware after the SDK's Retry step) and, only when
// the request was sent more than once and failed its condition, looks at
// the item as it is stored now (the failure's ALL_OLD item, or else a
// consistent GetItem) to recognise its own write. See the README's
// Reliability section for the rules and their limits.

import (
	"context"
	"errors"
	"math/big"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// attempts counts the HTTP attempts of one request, the SDK's retries
// included. Its count method is passed to the client as an option; a
// Client that ignores per-call options leaves the count at 0, and ddb then
// never assumes a retry.
type attempts struct{ n atomic.Int32 }

// count adds the counting middleware to the request's stack: after the
// SDK's Retry step, so that it runs once per attempt.
func (a *attempts) count(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc("ddb.Attempts", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			a.n.Add(1)
			return next.HandleFinalize(ctx, in)
		})
		if err := s.Finalize.Insert(mw, "Retry", middleware.After); err != nil {
			return s.Finalize.Add(mw, middleware.After) // no retry step: one attempt
		}
		return nil
	})
}

// retried reports whether the request was sent more than once.
func (a *attempts) retried() bool { return a.n.Load() > 1 }

// ownWrite is how a conditional write recognises, in the item stored
// under its key, that an earlier attempt of its own was applied.
type ownWrite struct {
	n    attempts
	key  map[string]types.AttributeValue
	ours func(current map[string]types.AttributeValue) bool // nil: cannot tell
}

// newOwnWrite returns how the write to the item with key k recognises its
// own result with ours. A write without a condition (cond nil) has nothing
// to recognise, since its retry cannot fail a condition, and one whose
// response the caller wants but a recognised retry cannot give (the old
// item, which is gone) is not recognised: recognisable is false.
func newOwnWrite(k map[string]types.AttributeValue, cond *string, recognisable bool, ours func(map[string]types.AttributeValue) bool) *ownWrite {
	w := &ownWrite{key: k}
	if cond != nil && recognisable {
		w.ours = ours
	}
	return w
}

// optFns returns the per-call options of the write's request: attempt
// counting when the write can recognise its own result.
func (w *ownWrite) optFns() []func(*dynamodb.Options) {
	if w.ours == nil {
		return nil
	}
	return []func(*dynamodb.Options){w.n.count}
}

// applied reports whether err, the failure of the write's request, hides
// a success: the request was retried, it failed its condition, and the
// item stored now is the one this write produced (see ours). It returns
// that item. Any other failure, or a failed read of the item, reports
// false and the caller returns err as it is.
func (t *Table[T]) applied(ctx context.Context, w *ownWrite, err error) (map[string]types.AttributeValue, bool) {
	var ccf *types.ConditionalCheckFailedException
	if w.ours == nil || !w.n.retried() || !errors.As(err, &ccf) {
		return nil, false
	}
	cur := ccf.Item
	if cur == nil {
		// No ALL_OLD item: the item is absent, or the server does not
		// support ReturnValuesOnConditionCheckFailure (dynalite). Read it.
		out, gerr := t.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &t.name, Key: w.key, ConsistentRead: aws.Bool(true)})
		if gerr != nil {
			return nil, false
		}
		cur = out.Item
	}
	return cur, w.ours(cur)
}

// keyOf returns the primary key attributes of item.
func (t *Table[T]) keyOf(item map[string]types.AttributeValue) map[string]types.AttributeValue {
	k := make(map[string]types.AttributeValue, 2)
	for _, a := range t.schema.keyAttrs() {
		k[a.Name] = item[a.Name]
	}
	return k
}

// putIsOurs recognises a Put (Create, Replace) by the stored item being
// exactly the item written, every attribute equal.
func putIsOurs(item map[string]types.AttributeValue) func(map[string]types.AttributeValue) bool {
	return func(cur map[string]types.AttributeValue) bool { return itemsEqual(cur, item) }
}

// deleteIsOurs recognises a conditional Delete by the item being absent.
func deleteIsOurs(cur map[string]types.AttributeValue) bool { return len(cur) == 0 }

// updateIsOurs recognises a version-checked update u (complete with its
// automatic attributes) in the stored item: the version is the checked
// one plus the update's increment, and every action whose result can be
// seen in the item alone shows it — SET to a value, ADD or DELETE of set
// elements, REMOVE. At least one such action besides the version is
// needed (an updated timestamp is one); otherwise, or without a version
// check, the update is not recognisable and ours is nil.
func updateIsOurs(u *Update, vc versionCheck) func(map[string]types.AttributeValue) bool {
	if vc.attr == "" || u == nil {
		return nil
	}
	base := "0"
	if n, ok := vc.expected.(*types.AttributeValueMemberN); ok {
		base = n.Value
	} else if vc.expected != nil {
		return nil
	}
	var checks []func(map[string]types.AttributeValue) bool
	distinct := false
	for _, a := range u.acts {
		a := a
		onVersion := a.path.depth() == 1 && a.path.top() == vc.attr
		var check func(map[string]types.AttributeValue) bool
		switch {
		case a.kind == actIncrement && onVersion:
			want, ok := addNumbers(base, a.av.(*types.AttributeValueMemberN).Value)
			if !ok {
				return nil
			}
			check = func(cur map[string]types.AttributeValue) bool {
				return avEqual(valueAt(cur, a.path), &types.AttributeValueMemberN{Value: want})
			}
		case a.kind == actSet && a.av != nil:
			check = func(cur map[string]types.AttributeValue) bool { return avEqual(valueAt(cur, a.path), a.av) }
		case a.kind == actRemove:
			check = func(cur map[string]types.AttributeValue) bool { return valueAt(cur, a.path) == nil }
		case (a.kind == actAdd || a.kind == actDelete) && isSet(a.av):
			present := a.kind == actAdd
			check = func(cur map[string]types.AttributeValue) bool { return setHolds(valueAt(cur, a.path), a.av, present) }
		default:
			continue // its result depends on the item before the write
		}
		distinct = distinct || !onVersion
		checks = append(checks, check)
	}
	if !distinct {
		return nil
	}
	return func(cur map[string]types.AttributeValue) bool {
		if len(cur) == 0 {
			return false
		}
		for _, c := range checks {
			if !c(cur) {
				return false
			}
		}
		return true
	}
}

// addNumbers returns a+b for two DynamoDB numbers.
func addNumbers(a, b string) (string, bool) {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		return "", false
	}
	return x.Add(x, y).RatString(), true
}

// valueAt returns the value at p in item, or nil when there is none.
func valueAt(item map[string]types.AttributeValue, p Path) types.AttributeValue {
	v := item[p.head]
	for _, s := range p.rest {
		switch x := v.(type) {
		case *types.AttributeValueMemberM:
			if s.isIndex {
				return nil
			}
			v = x.Value[s.name]
		case *types.AttributeValueMemberL:
			if !s.isIndex || s.index < 0 || s.index >= len(x.Value) {
				return nil
			}
			v = x.Value[s.index]
		default:
			return nil
		}
	}
	return v
}

// setMembers returns the members of a string, number or binary set as
// comparable keys (numbers canonical), or ok false for another value.
func setMembers(av types.AttributeValue) (m map[string]bool, ok bool) {
	m = map[string]bool{}
	switch x := av.(type) {
	case *types.AttributeValueMemberSS:
		for _, s := range x.Value {
			m[s] = true
		}
	case *types.AttributeValueMemberNS:
		for _, s := range x.Value {
			m[canonicalNumber(s)] = true
		}
	case *types.AttributeValueMemberBS:
		for _, b := range x.Value {
			m[string(b)] = true
		}
	default:
		return nil, false
	}
	return m, true
}

// isSet reports whether av is a string, number or binary set.
func isSet(av types.AttributeValue) bool {
	_, ok := setMembers(av)
	return ok
}

// setHolds reports whether every member of elems is in (present) or out
// of (!present) the set cur, which may be absent.
func setHolds(cur, elems types.AttributeValue, present bool) bool {
	want, _ := setMembers(elems)
	have, ok := setMembers(cur)
	if !ok && cur != nil {
		return false
	}
	for e := range want {
		if have[e] != present {
			return false
		}
	}
	return true
}

// itemsEqual reports whether two items hold the same attributes with
// equal values (see avEqual).
func itemsEqual(a, b map[string]types.AttributeValue) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || !avEqual(x, y) {
			return false
		}
	}
	return true
}

// avEqual reports whether two attribute values are equal as DynamoDB
// stores them: numbers by value, sets in any order, lists and maps
// element by element.
func avEqual(a, b types.AttributeValue) bool {
	switch x := a.(type) {
	case *types.AttributeValueMemberN, *types.AttributeValueMemberS, *types.AttributeValueMemberB:
		c, ok := compareScalars(a, b)
		return ok && c == 0
	case *types.AttributeValueMemberSS, *types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
		ma, _ := setMembers(a)
		mb, ok := setMembers(b)
		if !ok || len(ma) != len(mb) || avKindName(a) != avKindName(b) {
			return false
		}
		for e := range ma {
			if !mb[e] {
				return false
			}
		}
		return true
	case *types.AttributeValueMemberBOOL:
		y, ok := b.(*types.AttributeValueMemberBOOL)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberNULL:
		_, ok := b.(*types.AttributeValueMemberNULL)
		return ok
	case *types.AttributeValueMemberL:
		y, ok := b.(*types.AttributeValueMemberL)
		if !ok || len(x.Value) != len(y.Value) {
			return false
		}
		for i := range x.Value {
			if !avEqual(x.Value[i], y.Value[i]) {
				return false
			}
		}
		return true
	case *types.AttributeValueMemberM:
		y, ok := b.(*types.AttributeValueMemberM)
		return ok && itemsEqual(x.Value, y.Value)
	}
	return false
}
