package console_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// createRegions creates table name (key id, S) with GSI "byRegion" whose
// key is tenant (S) + region (S), year (N) + month (N), and puts an item
// for every tenant (acme, beta), region (eu, us), year (2024, 2025) and
// month (1 to 12), with id "tenant-region-year-month", and one without a
// month (so not in the index).
func (e *env) createRegions(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	def := func(n string, typ types.ScalarAttributeType) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: typ}
	}
	key := func(n string, kt types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(n), KeyType: kt}
	}
	s, n, hash, rng := types.ScalarAttributeTypeS, types.ScalarAttributeTypeN, types.KeyTypeHash, types.KeyTypeRange
	_, err := e.db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &name,
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{def("id", s), def("tenant", s), def("region", s), def("year", n), def("month", n)},
		KeySchema:            []types.KeySchemaElement{key("id", hash)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("byRegion"),
			KeySchema:  []types.KeySchemaElement{key("tenant", hash), key("region", hash), key("year", rng), key("month", rng)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	put := func(item map[string]types.AttributeValue) {
		if _, err := e.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &name, Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tenant := range []string{"acme", "beta"} {
		for _, region := range []string{"eu", "us"} {
			for year := 2024; year <= 2025; year++ {
				for month := 1; month <= 12; month++ {
					put(map[string]types.AttributeValue{
						"id":     &types.AttributeValueMemberS{Value: fmt.Sprintf("%s-%s-%d-%02d", tenant, region, year, month)},
						"tenant": &types.AttributeValueMemberS{Value: tenant}, "region": &types.AttributeValueMemberS{Value: region},
						"year": &types.AttributeValueMemberN{Value: fmt.Sprint(year)}, "month": &types.AttributeValueMemberN{Value: fmt.Sprint(month)},
					})
				}
			}
		}
	}
	put(map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "acme-eu-2025-none"},
		"tenant": &types.AttributeValueMemberS{Value: "acme"}, "region": &types.AttributeValueMemberS{Value: "eu"},
		"year": &types.AttributeValueMemberN{Value: "2025"}})
}

// regionsQuery is a Query of index byRegion with key condition cond over
// #t, #r, #y, #m (tenant, region, year, month) and values vals (numbers
// are the N values).
func regionsQuery(cond string, vals map[string]any, limit int32, forward bool) dynamodb.QueryInput {
	av := map[string]types.AttributeValue{}
	for k, v := range vals {
		if n, ok := v.(int); ok {
			av[k] = &types.AttributeValueMemberN{Value: fmt.Sprint(n)}
		} else {
			av[k] = &types.AttributeValueMemberS{Value: v.(string)}
		}
	}
	names := map[string]string{}
	for k, v := range map[string]string{"#t": "tenant", "#r": "region", "#y": "year", "#m": "month"} {
		if strings.Contains(cond, k) {
			names[k] = v
		}
	}
	return dynamodb.QueryInput{
		IndexName: aws.String("byRegion"), KeyConditionExpression: &cond, ExpressionAttributeNames: names,
		ExpressionAttributeValues: av, Limit: &limit, ScanIndexForward: &forward,
	}
}

// TestMultiAttributeIndex queries an index whose key has two partition and
// two sort attributes: the form has a field for each, the grid and its
// pages show what the SDK's Query gives, its rows open items by the table's
// key, and DynamoDB's errors reach the page as they are.
func TestMultiAttributeIndex(t *testing.T) {
	t.Parallel()
	e := start(t, false)
	e.createRegions(t, "regions")
	const keyText = "tenant (S) &#43; region (S), year (N) &#43; month (N)" // as HTML

	for _, tc := range []struct {
		name, query string
		in          dynamodb.QueryInput
		pages       int
	}{
		{"equality then between", "skop=%3D&sk=2025&sk2=&skop=between&sk=3&sk2=9&limit=4",
			regionsQuery("#t = :t AND #r = :r AND #y = :y AND #m BETWEEN :a AND :b",
				map[string]any{":t": "acme", ":r": "eu", ":y": 2025, ":a": 3, ":b": 9}, 4, true), 2},
		{"range on the first, descending", "skop=%3E&sk=2024&limit=5&order=desc",
			regionsQuery("#t = :t AND #r = :r AND #y > :y", map[string]any{":t": "acme", ":r": "eu", ":y": 2024}, 5, false), 3},
		{"equality on both", "skop=%3D&sk=2024&skop=%3D&sk=12",
			regionsQuery("#t = :t AND #r = :r AND #y = :y AND #m = :m", map[string]any{":t": "acme", ":r": "eu", ":y": 2024, ":m": 12}, 25, true), 1},
		{"partition only", "limit=10",
			regionsQuery("#t = :t AND #r = :r", map[string]any{":t": "acme", ":r": "eu"}, 10, true), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			paths := e.likeSDK(t, "regions", "mode=query&index=byRegion&pk=acme&pk=eu&"+tc.query, "id", tc.in)
			if len(paths) != tc.pages {
				t.Errorf("%d pages, want %d", len(paths), tc.pages)
			}
			if len(paths) < 2 {
				return
			}
			// The cursor of page 2 is the LastEvaluatedKey of page 1: the
			// table key and every key attribute of the index.
			u, _ := url.Parse(paths[1])
			b, err := base64.RawURLEncoding.DecodeString(u.Query().Get("c"))
			if err != nil {
				t.Fatal(err)
			}
			var cursor map[string]any
			if err := json.Unmarshal(b, &cursor); err != nil {
				t.Fatal(err)
			}
			if got := slices.Sorted(maps.Keys(cursor)); !slices.Equal(got, []string{"id", "month", "region", "tenant", "year"}) {
				t.Errorf("cursor %s has %v", b, got)
			}
		})
	}

	// Rows of index results link to their items by the table's key.
	_, body := e.get(t, "/console/tables/regions?mode=query&index=byRegion&pk=beta&pk=us&skop=%3D&sk=2025&skop=%3C%3D&sk=2")
	links := rowKey.FindAllStringSubmatch(body, -1)
	if len(links) != 2 {
		t.Fatalf("%d rows for beta/us/2025/<=2", len(links))
	}
	for i, m := range links {
		k, _ := url.QueryUnescape(unescape(m[1]))
		if want := fmt.Sprintf(`{"id":{"S":"beta-us-2025-%02d"}}`, i+1); k != want {
			t.Errorf("row %d links to key %s, want %s", i, k, want)
		}
	}
	if status, item := e.get(t, "/console/tables/regions/item?key="+unescape(links[0][1])); status != 200 || !strings.Contains(item, "&#34;month&#34;: 1") {
		t.Errorf("item page %d\n%s", status, item)
	}

	// sdkErr is the error DynamoDB gives the same query through the SDK,
	// as the console shows it.
	sdkErr := func(in dynamodb.QueryInput) string {
		in.TableName = aws.String("regions")
		_, err := e.db.Query(context.Background(), &in)
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("SDK query: %v", err)
		}
		return html.EscapeString(ae.ErrorCode() + ": " + ae.ErrorMessage())
	}
	ix := "/console/tables/regions?mode=query&index=byRegion&"
	const mustEqual = "ValidationException: RANGE key attributes year must have equality conditions specified in the query because a condition is present on key attribute month"
	e.pages(t, []pageWant{
		{ix + "pk=acme&pk=eu", 200, []string{
			`<option value="byRegion" selected>byRegion: ` + keyText + `</option>`,
			`<option value="">table: id (S)</option>`,
			`name="pk" data-attr="tenant" value="acme"`, `name="pk" data-attr="region" value="eu"`,
			`name="skop" data-attr="year"`, `name="sk2" data-attr="month"`, `placeholder="number" inputmode="decimal"`,
			`<th>id</th><th>tenant</th><th>region</th><th>year</th><th>month</th>`,
		}},
		{"/console/tables/regions/schema", 200, []string{"<td>" + keyText + "</td>"}},
		{"/console/", 200, []string{"<td>id (S)</td>"}},
		// a gap, and a range before the last condition: DynamoDB's words
		{ix + "pk=acme&pk=eu&skop=&sk=&skop=%3D&sk=3", 400, []string{sdkErr(regionsQuery("#t = :t AND #r = :r AND #m = :m",
			map[string]any{":t": "acme", ":r": "eu", ":m": 3}, 25, true)), mustEqual}},
		{ix + "pk=acme&pk=eu&skop=%3E&sk=2024&skop=%3D&sk=3", 400, []string{sdkErr(regionsQuery("#t = :t AND #r = :r AND #y > :y AND #m = :m",
			map[string]any{":t": "acme", ":r": "eu", ":y": 2024, ":m": 3}, 25, true)), mustEqual}},
		{ix + "pk=acme&pk=eu&skop=%3D&sk=soon", 400, []string{"ValidationException: "}},
		// refused before any request
		{ix + "pk=acme", 400, []string{"a query needs a value for every partition key attribute: region has none"}},
		{ix + "pk=acme&pk=", 400, []string{"region has none"}},
		{ix + "pk=acme&pk=eu&skop=~&sk=1", 400, []string{"unknown sort key condition &#34;~&#34; on year"}},
		{"/console/tables/regions?mode=query&index=nope&pk=a", 400, []string{"the table has no index &#34;nope&#34;"}},
	})
}
