package console

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DefaultPageSize is the Limit of a grid page when the URL gives none.
const DefaultPageSize = 25

// maxPageSize bounds the Limit a URL may ask for.
const maxPageSize = 1000

// filterRow is one condition of a filter: attribute Name, operator Op,
// and Value of type Type.
type filterRow struct{ Name, Op, Value, Type string }

// itemsForm is a Scan or Query as the items page's URL gives it.
type itemsForm struct {
	Mode     string // "scan" or "query"
	Index    string // "" for the table
	Desc     bool   // descending order (query)
	Limit    int32
	Filters  []filterRow
	Cursors  []string  // the cursors of the pages before this one
	Count    bool      // count all matching items
	Keys     []keyForm // the key fields of the table and of each index
	FilterOp []string
}

// keyForm is the key of the table or of one of its indexes as the query
// form shows it: a field per partition attribute and per sort attribute,
// in declared order. The chosen one (the URL's index) has the URL's values.
type keyForm struct {
	Index, Label    string // Index is "" for the table
	Partition, Sort []keyField
	Chosen          bool
}

// keyField is one key attribute on the query form: Value for a partition
// attribute; Op ("" for no condition), Value and Value2 (between's upper
// bound) for a sort attribute.
type keyField struct {
	keyAttr
	Op, Value, Value2 string
}

// names are the key's attribute names, partition then sort.
func (k keyForm) names() []string {
	var out []string
	for _, f := range slices.Concat(k.Partition, k.Sort) {
		out = append(out, f.Name)
	}
	return out
}

var (
	sortKeyOps = []string{"=", "<", "<=", ">", ">=", "begins_with", "between"}
	filterOps  = []string{"=", "<>", "<", "<=", ">", ">=", "begins_with", "contains", "exists", "not_exists"}
)

// readItemsForm reads the items page's URL. Key values come positionally:
// the n-th pk is the n-th partition attribute's, the n-th skop, sk and sk2
// the n-th sort attribute's.
func readItemsForm(q url.Values, t *types.TableDescription) itemsForm {
	f := itemsForm{
		Mode: q.Get("mode"), Index: q.Get("index"),
		Desc: q.Get("order") == "desc", Count: q.Get("count") == "1",
		Limit: DefaultPageSize, FilterOp: filterOps,
	}
	if f.Mode != "query" {
		f.Mode = "scan"
	}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		f.Limit = int32(min(n, maxPageSize))
	}
	if c := q.Get("c"); c != "" {
		f.Cursors = strings.Split(c, ".")
	}
	names, ops, values, typs := q["fa"], q["fo"], q["fv"], q["ft"]
	for i, name := range names {
		if name == "" {
			continue
		}
		f.Filters = append(f.Filters, filterRow{Name: name, Op: nth(ops, i, "="), Value: nth(values, i, ""), Type: nth(typs, i, "S")})
	}
	typ := attrTypes(t)
	for _, ix := range keySchemas(t) {
		k := keyForm{Index: ix.name, Label: ix.name + ": " + keyText(ix.keys, typ), Chosen: ix.name == f.Index}
		if ix.name == "" {
			k.Label = "table: " + keyText(ix.keys, typ)
		}
		partition, sort := keyParts(ix.keys, typ)
		for i, a := range partition {
			fld := keyField{keyAttr: a}
			if k.Chosen {
				fld.Value = nth(q["pk"], i, "")
			}
			k.Partition = append(k.Partition, fld)
		}
		for i, a := range sort {
			fld := keyField{keyAttr: a}
			if k.Chosen {
				fld.Op, fld.Value, fld.Value2 = nth(q["skop"], i, ""), nth(q["sk"], i, ""), nth(q["sk2"], i, "")
			}
			k.Sort = append(k.Sort, fld)
		}
		f.Keys = append(f.Keys, k)
	}
	return f
}

// nth is vs[i], or def when vs has no i-th value.
func nth(vs []string, i int, def string) string {
	if i < len(vs) {
		return vs[i]
	}
	return def
}

// chosen is the key of the table or index the form is about.
func (f itemsForm) chosen() (keyForm, bool) {
	for _, k := range f.Keys {
		if k.Chosen {
			return k, true
		}
	}
	return keyForm{}, false
}

type index struct {
	name string
	keys []types.KeySchemaElement
}

// keySchemas lists the key schemas of a table (name "") and of its
// secondary indexes, global ones first.
func keySchemas(t *types.TableDescription) []index {
	out := []index{{"", t.KeySchema}}
	for _, g := range t.GlobalSecondaryIndexes {
		out = append(out, index{aws.ToString(g.IndexName), g.KeySchema})
	}
	for _, l := range t.LocalSecondaryIndexes {
		out = append(out, index{aws.ToString(l.IndexName), l.KeySchema})
	}
	return out
}

// request is the Scan or Query a form stands for.
type request struct {
	index     *string
	keyCond   *string
	filter    *string
	names     map[string]string
	values    Item
	forward   *bool
	limit     int32
	startKey  Item
	operation string
}

// typedValue reads text as a value of DynamoDB type typ.
func typedValue(typ, text string) (types.AttributeValue, error) {
	switch typ {
	case "S":
		return &types.AttributeValueMemberS{Value: text}, nil
	case "N":
		return &types.AttributeValueMemberN{Value: text}, nil
	case "B":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("binary value %q is not base64", text)
		}
		return &types.AttributeValueMemberB{Value: b}, nil
	case "BOOL":
		if text != "true" && text != "false" {
			return nil, fmt.Errorf("boolean value %q is not true or false", text)
		}
		return &types.AttributeValueMemberBOOL{Value: text == "true"}, nil
	case "NULL":
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	return nil, fmt.Errorf("unknown value type %q", typ)
}

// build turns the form into a request, with the placeholders of names
// (#k0, #f0, ...) and values (:k0, :f0, ...) made for the user.
func (f itemsForm) build() (request, error) {
	req := request{operation: "Scan", limit: f.Limit, names: map[string]string{}, values: Item{}}
	if f.Index != "" {
		req.index = aws.String(f.Index)
	}
	if f.Mode == "query" {
		req.operation = "Query"
		req.forward = aws.Bool(!f.Desc)
		cond, err := f.keyCondition(req)
		if err != nil {
			return req, err
		}
		req.keyCond = &cond
	}
	var parts []string
	for i, row := range f.Filters {
		n, v := fmt.Sprintf("#f%d", i), fmt.Sprintf(":f%d", i)
		req.names[n] = row.Name
		switch row.Op {
		case "exists":
			parts = append(parts, "attribute_exists("+n+")")
			continue
		case "not_exists":
			parts = append(parts, "attribute_not_exists("+n+")")
			continue
		case "begins_with", "contains":
			parts = append(parts, row.Op+"("+n+", "+v+")")
		default:
			parts = append(parts, n+" "+row.Op+" "+v)
		}
		av, err := typedValue(row.Type, row.Value)
		if err != nil {
			return req, fmt.Errorf("filter on %s: %w", row.Name, err)
		}
		req.values[v] = av
	}
	if len(parts) > 0 {
		req.filter = aws.String(strings.Join(parts, " AND "))
	}
	if len(req.names) == 0 {
		req.names = nil
	}
	if len(req.values) == 0 {
		req.values = nil
	}
	if n := len(f.Cursors); n > 0 {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursors[n-1])
		if err != nil {
			return req, fmt.Errorf("bad page cursor: %w", err)
		}
		if req.startKey, err = parseItem(string(b), false); err != nil {
			return req, fmt.Errorf("bad page cursor: %w", err)
		}
	}
	return req, nil
}

// keyCondition is the KeyConditionExpression of a query, its names (#k0,
// #k1, ... by key attribute) and values (:k0, :k1, ...) added to req:
// every partition attribute equal to its value, then each sort attribute
// with a condition. Gaps and ranges before the last condition are left
// to DynamoDB to refuse, so its message reaches the user as it is.
func (f itemsForm) keyCondition(req request) (string, error) {
	k, ok := f.chosen()
	if !ok {
		return "", fmt.Errorf("the table has no index %q", f.Index)
	}
	var conds []string
	value := func(a keyAttr, text string) (string, error) {
		av, err := typedValue(a.Type, text)
		if err != nil {
			return "", fmt.Errorf("key attribute %s: %w", a.Name, err)
		}
		p := fmt.Sprintf(":k%d", len(req.values))
		req.values[p] = av
		return p, nil
	}
	for i, fld := range k.Partition {
		if fld.Value == "" {
			return "", fmt.Errorf("a query needs a value for every partition key attribute: %s has none", fld.Name)
		}
		name := fmt.Sprintf("#k%d", i)
		req.names[name] = fld.Name
		v, err := value(fld.keyAttr, fld.Value)
		if err != nil {
			return "", err
		}
		conds = append(conds, name+" = "+v)
	}
	for i, fld := range k.Sort {
		if fld.Op == "" {
			continue
		}
		if !slices.Contains(sortKeyOps, fld.Op) {
			return "", fmt.Errorf("unknown sort key condition %q on %s", fld.Op, fld.Name)
		}
		name := fmt.Sprintf("#k%d", len(k.Partition)+i)
		req.names[name] = fld.Name
		v, err := value(fld.keyAttr, fld.Value)
		if err != nil {
			return "", err
		}
		switch fld.Op {
		case "begins_with":
			conds = append(conds, "begins_with("+name+", "+v+")")
		case "between":
			v2, err := value(fld.keyAttr, fld.Value2)
			if err != nil {
				return "", err
			}
			conds = append(conds, name+" BETWEEN "+v+" AND "+v2)
		default:
			conds = append(conds, name+" "+fld.Op+" "+v)
		}
	}
	return strings.Join(conds, " AND "), nil
}

// show is the request as the JSON an SDK would send.
func (req request) show(table string) string {
	m := map[string]any{"TableName": table}
	if req.index != nil {
		m["IndexName"] = *req.index
	}
	if req.keyCond != nil {
		m["KeyConditionExpression"] = *req.keyCond
	}
	if req.filter != nil {
		m["FilterExpression"] = *req.filter
	}
	if req.names != nil {
		m["ExpressionAttributeNames"] = req.names
	}
	if req.values != nil {
		m["ExpressionAttributeValues"] = itemToWire(req.values)
	}
	if req.forward != nil && !*req.forward {
		m["ScanIndexForward"] = false
	}
	if req.startKey != nil {
		m["ExclusiveStartKey"] = itemToWire(req.startKey)
	}
	if req.limit > 0 {
		m["Limit"] = req.limit
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(m)
	return req.operation + " " + strings.TrimSpace(b.String())
}

// page runs one page of the request (with Select sel, "" for the
// default): its items, counts and the key to continue from.
func (c *console) page(r *http.Request, table string, req request, sel types.Select) (items []Item, count, scanned int32, next Item, err error) {
	if req.operation == "Query" {
		out, err := c.db.Query(r.Context(), &dynamodb.QueryInput{
			TableName: &table, IndexName: req.index, KeyConditionExpression: req.keyCond,
			FilterExpression: req.filter, ExpressionAttributeNames: req.names,
			ExpressionAttributeValues: req.values, ScanIndexForward: req.forward,
			Limit: limitOf(req.limit), ExclusiveStartKey: req.startKey, Select: sel,
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		})
		if err != nil {
			return nil, 0, 0, nil, err
		}
		return out.Items, out.Count, out.ScannedCount, out.LastEvaluatedKey, nil
	}
	out, err := c.db.Scan(r.Context(), &dynamodb.ScanInput{
		TableName: &table, IndexName: req.index, FilterExpression: req.filter,
		ExpressionAttributeNames: req.names, ExpressionAttributeValues: req.values,
		Limit: limitOf(req.limit), ExclusiveStartKey: req.startKey, Select: sel,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return nil, 0, 0, nil, err
	}
	return out.Items, out.Count, out.ScannedCount, out.LastEvaluatedKey, nil
}

func limitOf(n int32) *int32 {
	if n <= 0 {
		return nil
	}
	return &n
}

// gridRow is one item of the grid.
type gridRow struct {
	Link  string
	Cells []cell
}

// itemsView is the items page's content.
type itemsView struct {
	T                          *types.TableDescription
	Form                       itemsForm
	Request                    string
	Columns                    []string
	Rows                       []gridRow
	Count, Scanned             int32
	PageNo                     int
	FirstURL, PrevURL, NextURL string
	CountURL                   string
	Total, TotalScanned        int64
	Counted                    bool
}

// items is the grid of a table or index: a page of a Scan or a Query.
func (c *console) items(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	t, err := c.describe(r.Context(), name)
	if err != nil {
		c.apiFail(w, r, name, err)
		return
	}
	q := r.URL.Query()
	f := readItemsForm(q, t)
	v := itemsView{T: t, Form: f, PageNo: len(f.Cursors) + 1}
	p := page{Title: name, Table: name, Data: &v}
	req, err := f.build()
	v.Request = req.show(name)
	if err != nil {
		p.Err = err.Error()
		c.render(w, r, http.StatusBadRequest, "items", p)
		return
	}
	items, count, scanned, next, err := c.page(r, name, req, "")
	if err != nil {
		p.Err = errText(err)
		c.render(w, r, errStatus(err), "items", p)
		return
	}
	v.Count, v.Scanned = count, scanned

	chosen, _ := f.chosen()
	v.Columns = sortedNames(items, append(f.Keys[0].names(), chosen.names()...)) // table key first
	for _, it := range items {
		row := gridRow{Link: itemPath(name, keyOf(t, it)), Cells: make([]cell, len(v.Columns))}
		for i, col := range v.Columns {
			if av, ok := it[col]; ok {
				row.Cells[i] = cellOf(av)
			}
		}
		v.Rows = append(v.Rows, row)
	}

	link := func(cursors []string) string {
		u := url.Values{}
		for k, vs := range q {
			u[k] = vs
		}
		u.Del("count")
		u.Del("done")
		u.Del("c")
		if len(cursors) > 0 {
			u.Set("c", strings.Join(cursors, "."))
		}
		if s := u.Encode(); s != "" {
			return tablePath(name, "?"+s)
		}
		return tablePath(name, "")
	}
	if len(f.Cursors) > 0 {
		v.FirstURL = link(nil)
		v.PrevURL = link(f.Cursors[:len(f.Cursors)-1])
	}
	if next != nil {
		v.NextURL = link(append(f.Cursors[:len(f.Cursors):len(f.Cursors)],
			base64.RawURLEncoding.EncodeToString([]byte(compactJSON(next)))))
	}
	v.CountURL = link(f.Cursors)
	if strings.Contains(v.CountURL, "?") {
		v.CountURL += "&count=1"
	} else {
		v.CountURL += "?count=1"
	}
	if f.Count {
		req.startKey, req.limit = nil, 0
		for {
			_, n, s, next, err := c.page(r, name, req, types.SelectCount)
			if err != nil {
				p.Err = errText(err)
				break
			}
			v.Total += int64(n)
			v.TotalScanned += int64(s)
			if next == nil {
				v.Counted = true
				break
			}
			req.startKey = next
		}
	}
	c.render(w, r, http.StatusOK, "items", p)
}
