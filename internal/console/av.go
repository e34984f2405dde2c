package console

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item is one DynamoDB item.
type Item = map[string]types.AttributeValue

// wireValue is an attribute value in DynamoDB JSON, the form the API
// sends and the console shows and edits.
type wireValue struct {
	S    *string              `json:"S,omitempty"`
	N    *string              `json:"N,omitempty"`
	B    []byte               `json:"B,omitempty"`
	BOOL *bool                `json:"BOOL,omitempty"`
	NULL *bool                `json:"NULL,omitempty"`
	SS   []string             `json:"SS,omitempty"`
	NS   []string             `json:"NS,omitempty"`
	BS   [][]byte             `json:"BS,omitempty"`
	L    []wireValue          `json:"L,omitempty"`
	M    map[string]wireValue `json:"M,omitempty"`
	// isL and isM tell an empty L or M from an absent one.
	isL, isM bool
}

func (w wireValue) MarshalJSON() ([]byte, error) {
	switch {
	case w.isL:
		if w.L == nil {
			return []byte(`{"L":[]}`), nil
		}
		return json.Marshal(struct {
			L []wireValue `json:"L"`
		}{w.L})
	case w.isM:
		if w.M == nil {
			return []byte(`{"M":{}}`), nil
		}
		return json.Marshal(struct {
			M map[string]wireValue `json:"M"`
		}{w.M})
	}
	if w.B != nil && len(w.B) == 0 {
		return []byte(`{"B":""}`), nil
	}
	type plain wireValue
	return json.Marshal(plain(w))
}

func (w *wireValue) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 1 {
		return fmt.Errorf("an attribute value has exactly one type key (S, N, B, BOOL, NULL, SS, NS, BS, L, M), got %d in %s", len(raw), b)
	}
	type plain wireValue
	if err := json.Unmarshal(b, (*plain)(w)); err != nil {
		return err
	}
	_, w.isL = raw["L"]
	_, w.isM = raw["M"]
	if !w.isL && !w.isM && w.S == nil && w.N == nil && w.B == nil && w.BOOL == nil && w.NULL == nil &&
		w.SS == nil && w.NS == nil && w.BS == nil {
		for k := range raw {
			return fmt.Errorf("unknown attribute value type %q", k)
		}
	}
	return nil
}

func toWire(av types.AttributeValue) wireValue {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return wireValue{S: &v.Value}
	case *types.AttributeValueMemberN:
		return wireValue{N: &v.Value}
	case *types.AttributeValueMemberB:
		return wireValue{B: v.Value}
	case *types.AttributeValueMemberBOOL:
		return wireValue{BOOL: &v.Value}
	case *types.AttributeValueMemberNULL:
		return wireValue{NULL: &v.Value}
	case *types.AttributeValueMemberSS:
		return wireValue{SS: v.Value}
	case *types.AttributeValueMemberNS:
		return wireValue{NS: v.Value}
	case *types.AttributeValueMemberBS:
		return wireValue{BS: v.Value}
	case *types.AttributeValueMemberL:
		l := make([]wireValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = toWire(e)
		}
		return wireValue{L: l, isL: true}
	case *types.AttributeValueMemberM:
		return wireValue{M: itemToWire(v.Value), isM: true}
	}
	return wireValue{}
}

func itemToWire(item Item) map[string]wireValue {
	m := make(map[string]wireValue, len(item))
	for k, v := range item {
		m[k] = toWire(v)
	}
	return m
}

func fromWire(w wireValue) types.AttributeValue {
	switch {
	case w.S != nil:
		return &types.AttributeValueMemberS{Value: *w.S}
	case w.N != nil:
		return &types.AttributeValueMemberN{Value: *w.N}
	case w.B != nil:
		return &types.AttributeValueMemberB{Value: w.B}
	case w.BOOL != nil:
		return &types.AttributeValueMemberBOOL{Value: *w.BOOL}
	case w.NULL != nil:
		return &types.AttributeValueMemberNULL{Value: *w.NULL}
	case w.SS != nil:
		return &types.AttributeValueMemberSS{Value: w.SS}
	case w.NS != nil:
		return &types.AttributeValueMemberNS{Value: w.NS}
	case w.BS != nil:
		return &types.AttributeValueMemberBS{Value: w.BS}
	case w.isL:
		l := make([]types.AttributeValue, len(w.L))
		for i, e := range w.L {
			l[i] = fromWire(e)
		}
		return &types.AttributeValueMemberL{Value: l}
	default:
		return &types.AttributeValueMemberM{Value: itemFromWire(w.M)}
	}
}

func itemFromWire(m map[string]wireValue) Item {
	item := make(Item, len(m))
	for k, v := range m {
		item[k] = fromWire(v)
	}
	return item
}

// itemJSON is item as indented DynamoDB JSON.
func itemJSON(item Item) string {
	b, _ := json.MarshalIndent(itemToWire(item), "", "  ")
	return string(b)
}

// compactJSON is item (or a key) as one line of DynamoDB JSON.
func compactJSON(item Item) string {
	b, _ := json.Marshal(itemToWire(item))
	return string(b)
}

// parseItem reads an item written as DynamoDB JSON ({"id":{"S":"a"}}) or,
// when plain is set, as plain JSON ({"id":"a"}: strings, numbers, booleans,
// null, arrays as lists and objects as maps).
func parseItem(text string, plain bool) (Item, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if plain {
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not a JSON object: %w", err)
		}
		item := make(Item, len(v))
		for k, e := range v {
			item[k] = fromPlain(e)
		}
		return item, nil
	}
	var m map[string]wireValue
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not an item in DynamoDB JSON: %w", err)
	}
	if m == nil {
		return nil, errors.New("not an item in DynamoDB JSON: null")
	}
	return itemFromWire(m), nil
}

func fromPlain(v any) types.AttributeValue {
	switch v := v.(type) {
	case string:
		return &types.AttributeValueMemberS{Value: v}
	case json.Number:
		return &types.AttributeValueMemberN{Value: v.String()}
	case bool:
		return &types.AttributeValueMemberBOOL{Value: v}
	case []any:
		l := make([]types.AttributeValue, len(v))
		for i, e := range v {
			l[i] = fromPlain(e)
		}
		return &types.AttributeValueMemberL{Value: l}
	case map[string]any:
		m := make(Item, len(v))
		for k, e := range v {
			m[k] = fromPlain(e)
		}
		return &types.AttributeValueMemberM{Value: m}
	}
	return &types.AttributeValueMemberNULL{Value: true}
}

// toPlain is av as plain JSON data: numbers stay exact (json.Number),
// binary is base64 text, sets are arrays.
func toPlain(av types.AttributeValue) any {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return json.Number(v.Value)
	case *types.AttributeValueMemberB:
		return v.Value
	case *types.AttributeValueMemberBOOL:
		return v.Value
	case *types.AttributeValueMemberSS:
		return v.Value
	case *types.AttributeValueMemberNS:
		ns := make([]json.Number, len(v.Value))
		for i, n := range v.Value {
			ns[i] = json.Number(n)
		}
		return ns
	case *types.AttributeValueMemberBS:
		return v.Value
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = toPlain(e)
		}
		return l
	case *types.AttributeValueMemberM:
		return itemToPlain(v.Value)
	}
	return nil
}

func itemToPlain(item Item) map[string]any {
	m := make(map[string]any, len(item))
	for k, v := range item {
		m[k] = toPlain(v)
	}
	return m
}

// plainJSON is item as indented plain JSON.
func plainJSON(item Item) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(itemToPlain(item))
	return strings.TrimSuffix(buf.String(), "\n")
}

// cell is how the grid shows one value: scalars as text, sets in braces,
// lists and maps as one line of plain JSON (Nested, expandable).
type cell struct {
	Text   string
	Nested bool
	Full   string // indented plain JSON of a nested value
	Type   string // the DynamoDB type letter(s), shown as a hint
}

func cellOf(av types.AttributeValue) cell {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return cell{Text: v.Value, Type: "S"}
	case *types.AttributeValueMemberN:
		return cell{Text: v.Value, Type: "N"}
	case *types.AttributeValueMemberB:
		return cell{Text: base64.StdEncoding.EncodeToString(v.Value), Type: "B"}
	case *types.AttributeValueMemberBOOL:
		return cell{Text: fmt.Sprint(v.Value), Type: "BOOL"}
	case *types.AttributeValueMemberNULL:
		return cell{Text: "null", Type: "NULL"}
	case *types.AttributeValueMemberSS:
		return cell{Text: "{" + strings.Join(quoteAll(v.Value), ", ") + "}", Type: "SS"}
	case *types.AttributeValueMemberNS:
		return cell{Text: "{" + strings.Join(v.Value, ", ") + "}", Type: "NS"}
	case *types.AttributeValueMemberBS:
		s := make([]string, len(v.Value))
		for i, b := range v.Value {
			s[i] = base64.StdEncoding.EncodeToString(b)
		}
		return cell{Text: "{" + strings.Join(s, ", ") + "}", Type: "BS"}
	}
	one, _ := json.Marshal(toPlain(av))
	full, _ := json.MarshalIndent(toPlain(av), "", "  ")
	typ := "M"
	if _, ok := av.(*types.AttributeValueMemberL); ok {
		typ = "L"
	}
	return cell{Text: string(one), Nested: true, Full: string(full), Type: typ}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		b, _ := json.Marshal(s)
		out[i] = string(b)
	}
	return out
}

// sortedNames returns the attribute names of items, first those in
// first (in that order, when present), then the rest sorted.
func sortedNames(items []Item, first []string) []string {
	seen := map[string]bool{}
	var rest []string
	for _, it := range items {
		for k := range it {
			if !seen[k] {
				seen[k] = true
				rest = append(rest, k)
			}
		}
	}
	var out []string
	for _, k := range first {
		if seen[k] {
			out = append(out, k)
			delete(seen, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}
