package ddbtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// settingsView is what the settings tests read of a table description:
// the warm and on-demand throughput of the table and of its GSI by_g
// ([read, write]; on-demand zero when not described), its encryption
// ("" or "TYPE ARN") and its table class.
type settingsView struct {
	warm, gsiWarm         [2]int64
	onDemand, gsiOnDemand [2]int64
	sse, class            string
}

func viewSettings(t *testing.T, d *types.TableDescription) settingsView {
	t.Helper()
	var v settingsView
	warm := func(r, w *int64, status string) [2]int64 {
		if status != "ACTIVE" {
			t.Errorf("warm throughput status %q, want ACTIVE", status)
		}
		return [2]int64{aws.ToInt64(r), aws.ToInt64(w)}
	}
	od := func(o *types.OnDemandThroughput) [2]int64 {
		if o == nil {
			return [2]int64{}
		}
		return [2]int64{aws.ToInt64(o.MaxReadRequestUnits), aws.ToInt64(o.MaxWriteRequestUnits)}
	}
	if d.WarmThroughput == nil {
		t.Fatal("no WarmThroughput for the table")
	}
	v.warm = warm(d.WarmThroughput.ReadUnitsPerSecond, d.WarmThroughput.WriteUnitsPerSecond, string(d.WarmThroughput.Status))
	v.onDemand = od(d.OnDemandThroughput)
	for _, g := range d.GlobalSecondaryIndexes {
		if aws.ToString(g.IndexName) != "by_g" {
			continue
		}
		if g.WarmThroughput == nil {
			t.Fatal("no WarmThroughput for the index")
		}
		v.gsiWarm = warm(g.WarmThroughput.ReadUnitsPerSecond, g.WarmThroughput.WriteUnitsPerSecond, string(g.WarmThroughput.Status))
		v.gsiOnDemand = od(g.OnDemandThroughput)
	}
	if d.SSEDescription != nil {
		if d.SSEDescription.Status != types.SSEStatusEnabled {
			t.Errorf("SSE status %q, want ENABLED", d.SSEDescription.Status)
		}
		v.sse = strings.TrimSpace(string(d.SSEDescription.SSEType) + " " + aws.ToString(d.SSEDescription.KMSMasterKeyArn))
	}
	if d.TableClassSummary != nil {
		v.class = string(d.TableClassSummary.TableClass)
	}
	return v
}

// Options of mkTable for the settings tests.

func provisioned(r, w int64) func(*dynamodb.CreateTableInput) {
	return func(in *dynamodb.CreateTableInput) {
		in.BillingMode = types.BillingModeProvisioned
		in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
		for i := range in.GlobalSecondaryIndexes {
			in.GlobalSecondaryIndexes[i].ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r - 1), WriteCapacityUnits: aws.Int64(w - 1)}
		}
	}
}

func withGSISettings(od *types.OnDemandThroughput, warm *types.WarmThroughput) func(*dynamodb.CreateTableInput) {
	return func(in *dynamodb.CreateTableInput) {
		in.GlobalSecondaryIndexes[0].OnDemandThroughput = od
		in.GlobalSecondaryIndexes[0].WarmThroughput = warm
	}
}

func warmOf(r, w int64) *types.WarmThroughput {
	return &types.WarmThroughput{ReadUnitsPerSecond: aws.Int64(r), WriteUnitsPerSecond: aws.Int64(w)}
}

func odOf(r, w int64) *types.OnDemandThroughput {
	return &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(r), MaxWriteRequestUnits: aws.Int64(w)}
}

func updateByG(od *types.OnDemandThroughput, warm *types.WarmThroughput) []types.GlobalSecondaryIndexUpdate {
	return []types.GlobalSecondaryIndexUpdate{{Update: &types.UpdateGlobalSecondaryIndexAction{
		IndexName: aws.String("by_g"), OnDemandThroughput: od, WarmThroughput: warm}}}
}

const managedKeyArn = "arn:aws:kms:us-east-1:000000000000:key/" + awsManagedKeyID

// TestTableSettings: WarmThroughput, OnDemandThroughput, SSESpecification
// and TableClass on CreateTable and UpdateTable, as DescribeTable shows
// them, and the requests DynamoDB rejects.
func TestTableSettings(t *testing.T) {
	t.Parallel()
	onDemandDefault := settingsView{warm: [2]int64{12000, 4000}, gsiWarm: [2]int64{12000, 4000}}
	with := func(f func(*settingsView)) settingsView { v := onDemandDefault; f(&v); return v }
	const invalid = "One or more parameter values were invalid: "
	for _, tc := range []struct {
		name    string
		create  []func(*dynamodb.CreateTableInput)
		updates []dynamodb.UpdateTableInput // applied in order; TableName is set
		want    settingsView
		err     string // part of the ValidationException of the create or last update
	}{
		{name: "on-demand defaults", want: onDemandDefault},
		{name: "provisioned defaults", create: fns(provisioned(5, 3)),
			want: settingsView{warm: [2]int64{5, 3}, gsiWarm: [2]int64{4, 2}}},
		{name: "create warm", create: fns((func(in *dynamodb.CreateTableInput) { in.WarmThroughput = warmOf(20000, 5000) }),
			withGSISettings(nil, warmOf(15000, 4500))),
			want: with(func(v *settingsView) { v.warm, v.gsiWarm = [2]int64{20000, 5000}, [2]int64{15000, 4500} })},
		{name: "create warm read only", create: fns((func(in *dynamodb.CreateTableInput) {
			in.WarmThroughput = &types.WarmThroughput{ReadUnitsPerSecond: aws.Int64(13000)}
		})), want: with(func(v *settingsView) { v.warm = [2]int64{13000, 4000} })},
		{name: "create provisioned warm", create: fns(provisioned(5, 3), (func(in *dynamodb.CreateTableInput) { in.WarmThroughput = warmOf(100, 50) })),
			want: settingsView{warm: [2]int64{100, 50}, gsiWarm: [2]int64{4, 2}}},
		{name: "create warm below the default", create: fns((func(in *dynamodb.CreateTableInput) { in.WarmThroughput = warmOf(100, 5000) })),
			err: invalid + "Requested ReadUnitsPerSecond for WarmThroughput for table is lower than its current warm throughput. Requested: 100, current: 12000"},
		{name: "create index warm below its capacity", create: fns(provisioned(5, 3), withGSISettings(nil, warmOf(4, 1))),
			err: "Requested WriteUnitsPerSecond for WarmThroughput for index by_g is lower"},
		{name: "create empty warm", create: fns((func(in *dynamodb.CreateTableInput) { in.WarmThroughput = &types.WarmThroughput{} })),
			err: invalid + "WarmThroughput must specify ReadUnitsPerSecond, WriteUnitsPerSecond, or both"},
		{name: "create on-demand maximum", create: fns((func(in *dynamodb.CreateTableInput) { in.OnDemandThroughput = odOf(100, -1) }),
			withGSISettings(odOf(50, 60), nil)),
			want: with(func(v *settingsView) { v.onDemand, v.gsiOnDemand = [2]int64{100, -1}, [2]int64{50, 60} })},
		{name: "create on-demand maximum when provisioned", create: fns(provisioned(5, 3), (func(in *dynamodb.CreateTableInput) { in.OnDemandThroughput = odOf(100, 100) })),
			err: invalid + "OnDemandThroughput can only be specified when BillingMode is PAY_PER_REQUEST"},
		{name: "create on-demand maximum zero", create: fns((func(in *dynamodb.CreateTableInput) { in.OnDemandThroughput = odOf(0, 5) })),
			err: invalid + "MaxReadRequestUnits must be at least 1, or -1 to remove the maximum. Requested: 0"},
		{name: "create empty on-demand maximum", create: fns((func(in *dynamodb.CreateTableInput) { in.OnDemandThroughput = &types.OnDemandThroughput{} })),
			err: invalid + "OnDemandThroughput must specify MaxReadRequestUnits, MaxWriteRequestUnits, or both"},
		{name: "create encrypted, AWS managed key", create: fns((func(in *dynamodb.CreateTableInput) {
			in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true)}
		})), want: with(func(v *settingsView) { v.sse = "KMS " + managedKeyArn })},
		{name: "create encrypted, key id", create: fns((func(in *dynamodb.CreateTableInput) {
			in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true), SSEType: types.SSETypeKms, KMSMasterKeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab")}
		})), want: with(func(v *settingsView) {
			v.sse = "KMS arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		})},
		{name: "create encrypted, key arn", create: fns((func(in *dynamodb.CreateTableInput) {
			in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true), KMSMasterKeyId: aws.String("arn:aws:kms:eu-west-1:111122223333:key/k")}
		})), want: with(func(v *settingsView) { v.sse = "KMS arn:aws:kms:eu-west-1:111122223333:key/k" })},
		{name: "create with an AWS owned key", create: fns((func(in *dynamodb.CreateTableInput) {
			in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(false)}
		})), want: onDemandDefault},
		{name: "create bad SSE type", create: fns((func(in *dynamodb.CreateTableInput) {
			in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true), SSEType: "RSA"}
		})), err: "Member must satisfy enum value set: [AES256, KMS]"},
		{name: "create table class", create: fns((func(in *dynamodb.CreateTableInput) { in.TableClass = types.TableClassStandardInfrequentAccess })),
			want: with(func(v *settingsView) { v.class = "STANDARD_INFREQUENT_ACCESS" })},
		{name: "create bad table class", create: fns((func(in *dynamodb.CreateTableInput) { in.TableClass = "GLACIER" })),
			err: "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"},
		{name: "create with a resource policy", create: fns((func(in *dynamodb.CreateTableInput) { in.ResourcePolicy = aws.String(`{"Version":"2012-10-17"}`) })),
			want: onDemandDefault},
		{name: "update warm", updates: []dynamodb.UpdateTableInput{{WarmThroughput: warmOf(30000, 10000)}},
			want: with(func(v *settingsView) { v.warm = [2]int64{30000, 10000} })},
		{name: "update warm down", updates: []dynamodb.UpdateTableInput{{WarmThroughput: warmOf(30000, 10000)}, {WarmThroughput: warmOf(20000, 10000)}},
			err: "Requested ReadUnitsPerSecond for WarmThroughput for table is lower than its current warm throughput. Requested: 20000, current: 30000"},
		{name: "warm follows provisioned increases, never decreases", create: fns(provisioned(5, 3)),
			updates: []dynamodb.UpdateTableInput{
				{ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(100), WriteCapacityUnits: aws.Int64(100)}},
				{ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(200)}},
			},
			want: settingsView{warm: [2]int64{100, 200}, gsiWarm: [2]int64{4, 2}}},
		{name: "warm kept when switching to provisioned", updates: []dynamodb.UpdateTableInput{{BillingMode: types.BillingModeProvisioned,
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}}},
			want: onDemandDefault},
		{name: "update on-demand maximum, then remove it", updates: []dynamodb.UpdateTableInput{
			{OnDemandThroughput: odOf(100, 200)}, {OnDemandThroughput: &types.OnDemandThroughput{MaxWriteRequestUnits: aws.Int64(-1)}}},
			want: with(func(v *settingsView) { v.onDemand = [2]int64{100, -1} })},
		{name: "remove every on-demand maximum", updates: []dynamodb.UpdateTableInput{{OnDemandThroughput: odOf(100, 200)}, {OnDemandThroughput: odOf(-1, -1)}},
			want: onDemandDefault},
		{name: "switching to provisioned drops the on-demand maximum", create: fns((func(in *dynamodb.CreateTableInput) { in.OnDemandThroughput = odOf(100, 100) })),
			updates: []dynamodb.UpdateTableInput{{BillingMode: types.BillingModeProvisioned,
				ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}}},
			want: onDemandDefault},
		{name: "update index warm and on-demand maximum", updates: []dynamodb.UpdateTableInput{
			{GlobalSecondaryIndexUpdates: updateByG(odOf(7, 8), warmOf(12000, 9000))}},
			want: with(func(v *settingsView) { v.gsiWarm, v.gsiOnDemand = [2]int64{12000, 9000}, [2]int64{7, 8} })},
		{name: "update index warm down", updates: []dynamodb.UpdateTableInput{{GlobalSecondaryIndexUpdates: updateByG(nil, warmOf(12000, 10))}},
			err: "Requested WriteUnitsPerSecond for WarmThroughput for index by_g is lower than its current warm throughput. Requested: 10, current: 4000"},
		{name: "update index with nothing", updates: []dynamodb.UpdateTableInput{{GlobalSecondaryIndexUpdates: updateByG(nil, nil)}},
			err: "1 validation error detected: Value null at 'globalSecondaryIndexUpdates.1.member.update.provisionedThroughput' failed to satisfy constraint: Member must not be null"},
		{name: "create index with settings", updates: []dynamodb.UpdateTableInput{{
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("h"), AttributeType: types.ScalarAttributeTypeS}},
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: aws.String("by_g"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("h"), KeyType: types.KeyTypeHash}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}, OnDemandThroughput: odOf(3, 4), WarmThroughput: warmOf(12001, 4001)}}},
		}}, create: fns(func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes, in.AttributeDefinitions = nil, in.AttributeDefinitions[:1]
		}),
			want: with(func(v *settingsView) { v.gsiWarm, v.gsiOnDemand = [2]int64{12001, 4001}, [2]int64{3, 4} })},
		{name: "encrypt, then back to an AWS owned key", updates: []dynamodb.UpdateTableInput{
			{SSESpecification: &types.SSESpecification{Enabled: aws.Bool(true)}}, {SSESpecification: &types.SSESpecification{Enabled: aws.Bool(false)}}},
			want: onDemandDefault},
		{name: "update encryption", updates: []dynamodb.UpdateTableInput{{SSESpecification: &types.SSESpecification{Enabled: aws.Bool(true), SSEType: types.SSETypeKms, KMSMasterKeyId: aws.String("alias/mine")}}},
			want: with(func(v *settingsView) { v.sse = "KMS arn:aws:kms:us-east-1:000000000000:alias/mine" })},
		{name: "update table class", updates: []dynamodb.UpdateTableInput{{TableClass: types.TableClassStandardInfrequentAccess}},
			want: with(func(v *settingsView) { v.class = "STANDARD_INFREQUENT_ACCESS" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := client(t)
			name := "settings-" + strings.ReplaceAll(tc.name, " ", "-")
			name = strings.NewReplacer(",", "", "'", "").Replace(name)
			create := &dynamodb.CreateTableInput{
				TableName: aws.String(name), BillingMode: types.BillingModePayPerRequest,
				AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
				KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
			}
			withGSI("g", types.ProjectionTypeAll)(create)
			for _, f := range tc.create {
				f(create)
			}
			_, err := c.CreateTable(ctx, create)
			for i := range tc.updates {
				if err != nil {
					break
				}
				up := tc.updates[i]
				up.TableName = aws.String(name)
				_, err = c.UpdateTable(ctx, &up)
			}
			if tc.err != "" {
				wantCode(t, err, "ValidationException", tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			if got := viewSettings(t, out.Table); got != tc.want {
				t.Errorf("settings\n got %+v\nwant %+v", got, tc.want)
			}
			if tc.want.class != "" && len(tc.updates) > 0 && out.Table.TableClassSummary.LastUpdateDateTime == nil {
				t.Error("TableClassSummary has no LastUpdateDateTime after UpdateTable")
			}
		})
	}
}

func fns(f ...func(*dynamodb.CreateTableInput)) []func(*dynamodb.CreateTableInput) { return f }

// TestTableSettingsDurable: the settings survive a reopened bolt store,
// and a definition recorded before they existed loads with DynamoDB's
// defaults.
func TestTableSettingsDurable(t *testing.T) {
	t.Parallel()
	store := boltReopener(t)
	open := func() (*Server, *dynamodb.Client) {
		srv := NewTB(t, WithStore(store()))
		return srv, srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	}
	srv, c := open()
	mkTable(t, c, "durable", "", withGSI("g", types.ProjectionTypeAll), func(in *dynamodb.CreateTableInput) {
		in.WarmThroughput = warmOf(20000, 6000)
		in.OnDemandThroughput = odOf(10, 20)
		in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true)}
		in.TableClass = types.TableClassStandardInfrequentAccess
	}, withGSISettings(odOf(1, 2), warmOf(13000, 5000)))
	mkTable(t, c, "old", "", withGSI("g", types.ProjectionTypeAll), func(in *dynamodb.CreateTableInput) {
		in.WarmThroughput = warmOf(20000, 6000)
		in.TableClass = types.TableClassStandard
	})
	want := settingsView{warm: [2]int64{20000, 6000}, gsiWarm: [2]int64{13000, 5000}, onDemand: [2]int64{10, 20}, gsiOnDemand: [2]int64{1, 2},
		sse: "KMS " + managedKeyArn, class: "STANDARD_INFREQUENT_ACCESS"}
	// "old" loses what a definition recorded before these settings lacks.
	metas, err := srv.store.Metas()
	if err != nil {
		t.Fatal(err)
	}
	var old map[string]any
	if err := json.Unmarshal(metas["old"], &old); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"WarmRead", "WarmWrite", "TableClass"} {
		if _, ok := old[k]; !ok {
			t.Fatalf("meta of old has no %s: %v", k, old)
		}
		delete(old, k)
	}
	b, _ := json.Marshal(old)
	if err := srv.store.PutMeta("old", b); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	_, c = open()
	for name, want := range map[string]settingsView{
		"durable": want,
		"old":     {warm: [2]int64{12000, 4000}, gsiWarm: [2]int64{12000, 4000}},
	} {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if got := viewSettings(t, out.Table); got != want {
			t.Errorf("%s after reopening:\n got %+v\nwant %+v", name, got, want)
		}
	}
}

// TestTableSettingsWire: the settings' members are typed and constrained
// by the request validation layer, with DynamoDB's exception types.
func TestTableSettingsWire(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	t.Cleanup(srv.Close)
	const (
		ser  = `{"__type":"com.amazon.coral.service#SerializationException","Message":"`
		val  = `{"__type":"com.amazon.coral.validate#ValidationException","message":"`
		base = `"BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]`
	)
	for _, tc := range []struct{ name, body, want string }{
		{"warm throughput units are Longs", `"WarmThroughput":{"ReadUnitsPerSecond":"x"}`, ser + `STRING_VALUE cannot be converted to Long"}`},
		{"warm throughput is a structure", `"WarmThroughput":[]`, ser + `Unrecognized collection type class com.amazonaws.dynamodb.v20120810.WarmThroughput"}`},
		{"on-demand units are Longs", `"OnDemandThroughput":{"MaxReadRequestUnits":true}`, ser + `TRUE_VALUE cannot be converted to Long"}`},
		{"resource policy is a string", `"ResourcePolicy":{}`, ser + `Start of structure or map found where not expected"}`},
		{"enums collected", `"SSESpecification":{"SSEType":"X"},"TableClass":"Y"`, val + `2 validation errors detected: ` +
			`Value 'X' at 'sSESpecification.sSEType' failed to satisfy constraint: Member must satisfy enum value set: [AES256, KMS]; ` +
			`Value 'Y' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := `{"TableName":"wire-settings",` + base + `,` + tc.body + `}`
			if status, out := postRaw(t, srv, "CreateTable", body); status != 400 || out != tc.want {
				t.Errorf("CreateTable %s:\n got %d %s\nwant 400 %s", body, status, out, tc.want)
			}
		})
	}
}
