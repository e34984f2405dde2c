package console

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// tableRow is one line of the table list.
type tableRow struct {
	Name, Status, Keys string
	Items, Size        int64
	Indexes            int
}

// tables is the table list, the console's home page.
func (c *console) tables(w http.ResponseWriter, r *http.Request) {
	var rows []tableRow
	p := dynamodb.NewListTablesPaginator(c.db, &dynamodb.ListTablesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(r.Context())
		if err != nil {
			c.apiFail(w, r, "Tables", err)
			return
		}
		for _, name := range out.TableNames {
			t, err := c.describe(r.Context(), name)
			var gone *types.ResourceNotFoundException
			if errors.As(err, &gone) { // deleted meanwhile
				continue
			}
			if err != nil {
				c.apiFail(w, r, "Tables", err)
				return
			}
			rows = append(rows, tableRow{
				Name:    name,
				Status:  string(t.TableStatus),
				Keys:    keyText(t.KeySchema, attrTypes(t)),
				Items:   aws.ToInt64(t.ItemCount),
				Size:    aws.ToInt64(t.TableSizeBytes),
				Indexes: len(t.GlobalSecondaryIndexes) + len(t.LocalSecondaryIndexes),
			})
		}
	}
	c.render(w, r, http.StatusOK, "tables", page{Title: "Tables", Data: rows})
}

// keyText is a key schema as "pk (S), sk (N)": the partition attributes,
// then the sort attributes, each joined by " + " when there are several
// ("tenant (S) + region (S), year (N) + month (N)").
func keyText(ks []types.KeySchemaElement, typ map[string]string) string {
	partition, sort := keyParts(ks, typ)
	text := func(attrs []keyAttr) string {
		parts := make([]string, len(attrs))
		for i, a := range attrs {
			parts[i] = a.Name + " (" + a.Type + ")"
		}
		return strings.Join(parts, " + ")
	}
	if len(sort) == 0 {
		return text(partition)
	}
	return text(partition) + ", " + text(sort)
}

// newTable is the create-table form's content.
type newTable struct {
	Name, PK, PKType, SK, SKType            string
	GSI, GSIPK, GSIPKType, GSISK, GSISKType string
	TTL                                     string
}

func (c *console) newTableForm(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "newtable", page{Title: "Create table", Data: newTable{PKType: "S", SKType: "S", GSIPKType: "S", GSISKType: "S"}})
}

// createTable creates an on-demand table from the form, with an optional
// global secondary index (projecting all attributes) and TTL attribute.
func (c *console) createTable(w http.ResponseWriter, r *http.Request) {
	f := newTable{
		Name: r.FormValue("name"), PK: r.FormValue("pk"), PKType: r.FormValue("pkType"),
		SK: r.FormValue("sk"), SKType: r.FormValue("skType"),
		GSI: r.FormValue("gsi"), GSIPK: r.FormValue("gsiPk"), GSIPKType: r.FormValue("gsiPkType"),
		GSISK: r.FormValue("gsiSk"), GSISKType: r.FormValue("gsiSkType"),
		TTL: r.FormValue("ttl"),
	}
	in := &dynamodb.CreateTableInput{TableName: aws.String(f.Name), BillingMode: types.BillingModePayPerRequest}
	defs := map[string]string{}
	addDef := func(name, typ string) {
		if _, ok := defs[name]; !ok {
			defs[name] = typ
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
				AttributeName: aws.String(name), AttributeType: types.ScalarAttributeType(typ)})
		}
	}
	in.KeySchema = keySchema(f.PK, f.SK)
	addDef(f.PK, f.PKType)
	if f.SK != "" {
		addDef(f.SK, f.SKType)
	}
	if f.GSI != "" {
		in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{
			IndexName:  aws.String(f.GSI),
			KeySchema:  keySchema(f.GSIPK, f.GSISK),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}
		addDef(f.GSIPK, f.GSIPKType)
		if f.GSISK != "" {
			addDef(f.GSISK, f.GSISKType)
		}
	}
	fail := func(err error) {
		c.render(w, r, errStatus(err), "newtable", page{Title: "Create table", Err: errText(err), Data: f})
	}
	if _, err := c.db.CreateTable(r.Context(), in); err != nil {
		fail(err)
		return
	}
	if f.TTL != "" {
		_, err := c.db.UpdateTimeToLive(r.Context(), &dynamodb.UpdateTimeToLiveInput{
			TableName:               in.TableName,
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(f.TTL), Enabled: aws.Bool(true)},
		})
		if err != nil {
			fail(err)
			return
		}
	}
	redirect(w, r, tablePath(f.Name, ""), "Created table "+f.Name)
}

func keySchema(pk, sk string) []types.KeySchemaElement {
	ks := []types.KeySchemaElement{{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash}}
	if sk != "" {
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(sk), KeyType: types.KeyTypeRange})
	}
	return ks
}

func (c *console) deleteTableForm(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	c.render(w, r, http.StatusOK, "deletetable", page{Title: "Delete " + name, Table: name})
}

// deleteTable deletes the table once its name is typed to confirm.
func (c *console) deleteTable(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if r.FormValue("confirm") != name {
		c.render(w, r, http.StatusBadRequest, "deletetable", page{Title: "Delete " + name, Table: name,
			Err: "type the table's name to confirm"})
		return
	}
	if _, err := c.db.DeleteTable(r.Context(), &dynamodb.DeleteTableInput{TableName: &name}); err != nil {
		c.render(w, r, errStatus(err), "deletetable", page{Title: "Delete " + name, Table: name, Err: errText(err)})
		return
	}
	redirect(w, r, Prefix, "Deleted table "+name)
}

// indexInfo is one secondary index on the schema page.
type indexInfo struct {
	Kind, Name, Keys, Projection, Status string
	Items, Size                          int64
}

// schemaInfo is the schema page's content.
type schemaInfo struct {
	T                 *types.TableDescription
	Keys              string
	Indexes           []indexInfo
	Billing           string
	TTL, Stream, Tags string
	TagList           []types.Tag
}

// schema shows a table's keys, indexes, TTL, stream and tags.
func (c *console) schema(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ctx := r.Context()
	t, err := c.describe(ctx, name)
	if err != nil {
		c.apiFail(w, r, name, err)
		return
	}
	typ := attrTypes(t)
	s := schemaInfo{T: t, Keys: keyText(t.KeySchema, typ), Stream: "disabled"}
	proj := func(p *types.Projection) string {
		if p == nil {
			return ""
		}
		out := string(p.ProjectionType)
		if len(p.NonKeyAttributes) > 0 {
			out += " + " + strings.Join(p.NonKeyAttributes, ", ")
		}
		return out
	}
	for _, g := range t.GlobalSecondaryIndexes {
		s.Indexes = append(s.Indexes, indexInfo{Kind: "global", Name: aws.ToString(g.IndexName),
			Keys: keyText(g.KeySchema, typ), Projection: proj(g.Projection), Status: string(g.IndexStatus),
			Items: aws.ToInt64(g.ItemCount), Size: aws.ToInt64(g.IndexSizeBytes)})
	}
	for _, l := range t.LocalSecondaryIndexes {
		s.Indexes = append(s.Indexes, indexInfo{Kind: "local", Name: aws.ToString(l.IndexName),
			Keys: keyText(l.KeySchema, typ), Projection: proj(l.Projection), Status: "ACTIVE",
			Items: aws.ToInt64(l.ItemCount), Size: aws.ToInt64(l.IndexSizeBytes)})
	}
	s.Billing = "PROVISIONED"
	if b := t.BillingModeSummary; b != nil && b.BillingMode != "" {
		s.Billing = string(b.BillingMode)
	}
	if pt := t.ProvisionedThroughput; s.Billing == "PROVISIONED" && pt != nil {
		s.Billing += fmt.Sprintf(" (read %d, write %d)", aws.ToInt64(pt.ReadCapacityUnits), aws.ToInt64(pt.WriteCapacityUnits))
	}
	if ss := t.StreamSpecification; ss != nil && aws.ToBool(ss.StreamEnabled) {
		s.Stream = "enabled, " + string(ss.StreamViewType)
	}
	if ttl, err := c.db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: &name}); err != nil {
		s.TTL = errText(err)
	} else if d := ttl.TimeToLiveDescription; d != nil {
		s.TTL = string(d.TimeToLiveStatus)
		if d.AttributeName != nil {
			s.TTL += " on " + *d.AttributeName
		}
	}
	s.Tags = "none"
	in := &dynamodb.ListTagsOfResourceInput{ResourceArn: t.TableArn}
	for {
		out, err := c.db.ListTagsOfResource(ctx, in)
		if err != nil {
			s.Tags = errText(err)
			break
		}
		s.TagList = append(s.TagList, out.Tags...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	c.render(w, r, http.StatusOK, "schema", page{Title: name + " schema", Table: name, Data: s})
}
