package console

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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
	PK       string // partition key value (query)
	SKOp     string // sort key operator (query), "" for none
	SK, SK2  string // sort key operands
	Desc     bool   // descending order (query)
	Limit    int32
	Filters  []filterRow
	Cursors  []string // the cursors of the pages before this one
	Count    bool     // count all matching items
	PKName   string   // the chosen index's partition key name
	SKName   string   // and its sort key, "" without one
	Indexes  []indexChoice
	Ops      []string
	FilterOp []string
}

// indexChoice is one entry of the index menu.
type indexChoice struct{ Name, Label string }

var (
	sortKeyOps = []string{"=", "<", "<=", ">", ">=", "begins_with", "between"}
	filterOps  = []string{"=", "<>", "<", "<=", ">", ">=", "begins_with", "contains", "exists", "not_exists"}
)

func readItemsForm(q url.Values, t *types.TableDescription) itemsForm {
	f := itemsForm{
		Mode: q.Get("mode"), Index: q.Get("index"), PK: q.Get("pk"),
		SKOp: q.Get("skop"), SK: q.Get("sk"), SK2: q.Get("sk2"),
		Desc: q.Get("order") == "desc", Count: q.Get("count") == "1",
		Limit: DefaultPageSize, Ops: sortKeyOps, FilterOp: filterOps,
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
		row := filterRow{Name: name, Op: "=", Type: "S"}
		if i < len(ops) {
			row.Op = ops[i]
		}
		if i < len(values) {
			row.Value = values[i]
		}
		if i < len(typs) {
			row.Type = typs[i]
		}
		f.Filters = append(f.Filters, row)
	}
	typ := attrTypes(t)
	f.Indexes = []indexChoice{{"", "table: " + keyText(t.KeySchema, typ)}}
	f.PKName, f.SKName = keyNames(t.KeySchema)
	for _, ix := range indexes(t) {
		f.Indexes = append(f.Indexes, indexChoice{ix.name, ix.name + ": " + keyText(ix.keys, typ)})
		if ix.name == f.Index {
			f.PKName, f.SKName = keyNames(ix.keys)
		}
	}
	return f
}

type index struct {
	name string
	keys []types.KeySchemaElement
}

// indexes lists a table's secondary indexes, global ones first.
func indexes(t *types.TableDescription) []index {
	var out []index
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
func (f itemsForm) build(t *types.TableDescription) (request, error) {
	req := request{operation: "Scan", limit: f.Limit, names: map[string]string{}, values: Item{}}
	if f.Index != "" {
		req.index = aws.String(f.Index)
	}
	typ := attrTypes(t)
	if f.Mode == "query" {
		req.operation = "Query"
		req.forward = aws.Bool(!f.Desc)
		v, err := typedValue(typ[f.PKName], f.PK)
		if err != nil {
			return req, err
		}
		req.names["#k0"], req.values[":k0"] = f.PKName, v
		cond := "#k0 = :k0"
		if f.SKOp != "" && f.SKName != "" {
			req.names["#k1"] = f.SKName
			if req.values[":k1"], err = typedValue(typ[f.SKName], f.SK); err != nil {
				return req, err
			}
			switch f.SKOp {
			case "begins_with":
				cond += " AND begins_with(#k1, :k1)"
			case "between":
				if req.values[":k2"], err = typedValue(typ[f.SKName], f.SK2); err != nil {
					return req, err
				}
				cond += " AND #k1 BETWEEN :k1 AND :k2"
			default:
				cond += " AND #k1 " + f.SKOp + " :k1"
			}
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
	req, err := f.build(t)
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

	pk, sk := keyNames(t.KeySchema)
	first := []string{pk, sk, f.PKName, f.SKName}
	v.Columns = sortedNames(items, first)
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
