package console

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// itemView is the item page's content.
type itemView struct {
	Key      string // the key as one line of DynamoDB JSON
	Wire     string // the item in DynamoDB JSON
	Plain    string // the item in plain JSON
	Edit     string // the editor's text
	Plainfmt bool   // the editor's text is plain JSON
	Orig     string // the item as loaded, for the unchanged condition
	New      bool   // the page creates an item
}

// item shows one item, read with a consistent GetItem, and its editor.
func (c *console) item(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	key, err := parseItem(r.URL.Query().Get("key"), false)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, name, fmt.Errorf("bad item key: %w", err))
		return
	}
	out, err := c.db.GetItem(r.Context(), &dynamodb.GetItemInput{TableName: &name, Key: key,
		ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		c.apiFail(w, r, name, err)
		return
	}
	if out.Item == nil {
		c.fail(w, r, http.StatusNotFound, name, fmt.Errorf("no item with key %s in table %s", compactJSON(key), name))
		return
	}
	c.render(w, r, http.StatusOK, "item", page{Title: name + " item", Table: name, Data: viewOf(key, out.Item)})
}

func viewOf(key, item Item) itemView {
	wire := itemJSON(item)
	return itemView{Key: compactJSON(key), Wire: wire, Plain: plainJSON(item), Edit: wire, Orig: compactJSON(item)}
}

// editedItem reads the editor's text from the form.
func editedItem(r *http.Request) (Item, error) {
	item, err := parseItem(r.FormValue("item"), r.FormValue("format") == "plain")
	if err != nil {
		return nil, err
	}
	if len(item) == 0 {
		return nil, errors.New("the item has no attributes")
	}
	return item, nil
}

// saveItem replaces (action save) or deletes (action delete) the item,
// on condition that it has not changed since the page loaded it: every
// attribute it had then still has the same value (the write's condition),
// and it has no new ones (checked by a consistent read just before).
func (c *console) saveItem(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ctx := r.Context()
	orig, err := parseItem(r.FormValue("orig"), false)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, name, fmt.Errorf("bad original item: %w", err))
		return
	}
	t, err := c.describe(ctx, name)
	if err != nil {
		c.apiFail(w, r, name, err)
		return
	}
	key := keyOf(t, orig)
	v := viewOf(key, orig)
	v.Edit, v.Plainfmt = r.FormValue("item"), r.FormValue("format") == "plain"
	fail := func(err error) {
		c.render(w, r, errStatus(err), "item", page{Title: name + " item", Table: name, Err: errText(err), Data: v})
	}
	// The condition catches changed and removed attributes atomically; an
	// attribute added meanwhile can only be seen by reading the item.
	cur, err := c.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &name, Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		fail(err)
		return
	}
	if added := addedAttrs(orig, cur.Item); len(added) > 0 {
		fail(fmt.Errorf("the item has changed since this page loaded it (attributes added: %s); nothing was written: reload the page", strings.Join(added, ", ")))
		return
	}
	cond, names, values := unchanged(orig)
	if r.FormValue("action") == "delete" {
		_, err := c.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &name, Key: key,
			ConditionExpression: &cond, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		if err != nil {
			fail(err)
			return
		}
		redirect(w, r, tablePath(name, ""), "Deleted item "+compactJSON(key))
		return
	}
	item, err := editedItem(r)
	if err != nil {
		fail(err)
		return
	}
	if newKey := keyOf(t, item); compactJSON(newKey) != compactJSON(key) {
		fail(fmt.Errorf("the key cannot change (was %s, now %s): create a new item instead", compactJSON(key), compactJSON(newKey)))
		return
	}
	_, err = c.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &name, Item: item,
		ConditionExpression: &cond, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		fail(err)
		return
	}
	redirect(w, r, itemPath(name, key), "Saved")
}

// addedAttrs lists the attributes of cur that orig does not have.
func addedAttrs(orig, cur Item) []string {
	var added []string
	for k := range cur {
		if _, ok := orig[k]; !ok {
			added = append(added, k)
		}
	}
	sort.Strings(added)
	return added
}

// unchanged is the condition that an item still has every attribute of
// orig with the same value.
func unchanged(orig Item) (cond string, names map[string]string, values Item) {
	attrs := make([]string, 0, len(orig))
	for k := range orig {
		attrs = append(attrs, k)
	}
	sort.Strings(attrs)
	names, values = make(map[string]string, len(attrs)), make(Item, len(attrs))
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		n, v := fmt.Sprintf("#u%d", i), fmt.Sprintf(":u%d", i)
		names[n], values[v] = a, orig[a]
		parts[i] = n + " = " + v
	}
	return strings.Join(parts, " AND "), names, values
}

// newItemForm is the editor of a new item, with the key attributes to fill.
func (c *console) newItemForm(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	t, err := c.describe(r.Context(), name)
	if err != nil {
		c.apiFail(w, r, name, err)
		return
	}
	typ := attrTypes(t)
	var lines []string
	for _, k := range t.KeySchema {
		lines = append(lines, fmt.Sprintf("  %q: {%q: \"\"}", *k.AttributeName, typ[*k.AttributeName]))
	}
	v := itemView{New: true, Edit: "{\n" + strings.Join(lines, ",\n") + "\n}"}
	c.render(w, r, http.StatusOK, "item", page{Title: "New item in " + name, Table: name, Data: v})
}

// createItem puts a new item, on condition that none has its key.
func (c *console) createItem(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ctx := r.Context()
	v := itemView{New: true, Edit: r.FormValue("item"), Plainfmt: r.FormValue("format") == "plain"}
	fail := func(err error) {
		c.render(w, r, errStatus(err), "item", page{Title: "New item in " + name, Table: name, Err: errText(err), Data: v})
	}
	t, err := c.describe(ctx, name)
	if err != nil {
		fail(err)
		return
	}
	item, err := editedItem(r)
	if err != nil {
		fail(err)
		return
	}
	_, err = c.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &name, Item: item,
		ConditionExpression:      aws.String("attribute_not_exists(#k)"),
		ExpressionAttributeNames: map[string]string{"#k": *t.KeySchema[0].AttributeName}, // the partition key
		ReturnConsumedCapacity:   types.ReturnConsumedCapacityTotal})
	if err != nil {
		fail(err)
		return
	}
	redirect(w, r, itemPath(name, keyOf(t, item)), "Created")
}
