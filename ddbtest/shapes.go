package ddbtest

// The request shapes of the operations ddbtest serves: for each operation,
// its members in DynamoDB's order with their wire type and constraints.
// One table drives the whole static validation of a request (validate.go):
// the JSON type of every member (SerializationException) and then its
// constraints, collected into one ValidationException. The orders, types
// and constraints are DynamoDB's, as recorded in dynalite's validation
// tables and the AWS API reference.

import "github.com/ddb-go/ddb/ddbtest/internal/legacy"

// wireKind is how DynamoDB's deserializer reads a member.
type wireKind uint8

const (
	kString      wireKind = iota + 1
	kBool                 // java.lang.Boolean
	kInteger              // java.lang.Integer
	kLong                 // java.lang.Long
	kList                 // java.util.List of elem
	kParamList            // a List that is a Map's value (BatchWriteItem)
	kMap                  // Map<String, elem>; class names the value type
	kParamMap             // an item in a List (BatchGetItem Keys), decoded by package av
	kStruct               // a structure member (FieldStruct); class names it
	kValueStruct          // a structure inside a list or map (ValueStruct)
	kItem                 // Map<String, AttributeValue>, decoded by package av
	kAttrValue            // one AttributeValue inside a list or map
	kFieldValue           // one AttributeValue as a structure member
)

// shape is the description of one member's value.
type shape struct {
	kind    wireKind
	class   string   // Java class in messages: struct name, or map value type
	members []member // kStruct, kValueStruct
	elem    *shape   // kList, kParamList, kMap

	// Constraints, checked in this order (DynamoDB's).
	required  bool // top level: "The parameter 'X' is required but was not present"
	tableName bool // top level: "X must be at least 3 characters long and at most 255 ..."
	notNull   bool
	minVal    *int64
	maxVal    *int64
	pattern   string
	minLen    int // -1: none
	maxLen    int // -1: none
	enum      []string
	keys      *shape // constraints of map keys (length, pattern)
	values    *shape // constraints of map values (length)
}

// member is a named member of a structure.
type member struct {
	name string
	*shape
}

// Constructors, so that the tables below read like DynamoDB's API model.

func sStr() *shape           { return &shape{kind: kString, minLen: -1, maxLen: -1} }
func sBool() *shape          { return &shape{kind: kBool, minLen: -1, maxLen: -1} }
func sInt() *shape           { return &shape{kind: kInteger, minLen: -1, maxLen: -1} }
func sLong() *shape          { return &shape{kind: kLong, minLen: -1, maxLen: -1} }
func sItem() *shape          { return &shape{kind: kItem, minLen: -1, maxLen: -1} }
func sAttrValue() *shape     { return &shape{kind: kAttrValue, minLen: -1, maxLen: -1} }
func sFieldValue() *shape    { return &shape{kind: kFieldValue, minLen: -1, maxLen: -1} }
func sList(e *shape) *shape  { return &shape{kind: kList, elem: e, minLen: -1, maxLen: -1} }
func sPList(e *shape) *shape { return &shape{kind: kParamList, elem: e, minLen: -1, maxLen: -1} }
func sPMap() *shape          { return &shape{kind: kParamMap, minLen: -1, maxLen: -1} }
func sMap(class string, e *shape) *shape {
	return &shape{kind: kMap, class: class, elem: e, minLen: -1, maxLen: -1}
}
func sStruct(class string, ms ...member) *shape {
	return &shape{kind: kStruct, class: class, members: ms, minLen: -1, maxLen: -1}
}
func sValueStruct(class string, ms ...member) *shape {
	return &shape{kind: kValueStruct, class: class, members: ms, minLen: -1, maxLen: -1}
}

func mem(name string, s *shape) member { return member{name, s} }

func (s *shape) notNil() *shape           { s.notNull = true; return s }
func (s *shape) req() *shape              { s.required = true; return s }
func (s *shape) oneOf(v ...string) *shape { s.enum = v; return s }
func (s *shape) re(p string) *shape       { s.pattern = p; return s }
func (s *shape) length(lo, hi int) *shape { s.minLen, s.maxLen = lo, hi; return s }
func (s *shape) atLeast(n int64) *shape   { s.minVal = &n; return s }
func (s *shape) atMost(n int64) *shape    { s.maxVal = &n; return s }
func (s *shape) keyed(k *shape) *shape    { s.keys = k; return s }
func (s *shape) valued(v *shape) *shape   { s.values = v; return s }

// namePattern is the pattern of table and index names.
const namePattern = "[a-zA-Z0-9_.-]+"

// Shared member shapes.
func sTableName() *shape { return sStr().notNil().re(namePattern).length(3, 255) }
func sIndexName() *shape { return sStr().re(namePattern).length(3, 255) }

// tableNameOnly is the TableName of the table management operations,
// whose length has its own message.
func sTableNameOnly() *shape {
	s := sStr().req().re(namePattern)
	s.tableName = true
	return s
}

func sConsumedCapacity() *shape { return sStr().oneOf("INDEXES", "TOTAL", "NONE") }
func sItemMetrics() *shape      { return sStr().oneOf("SIZE", "NONE") }
func sReturnValues() *shape {
	return sStr().oneOf("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW")
}
func sReturnOnFailure() *shape { return sStr().oneOf("ALL_OLD", "NONE") }
func sNames() *shape           { return sMap("java.lang.String", sStr()) }
func sValues() *shape          { return sItem() }
func sConditionalOp() *shape   { return sStr().oneOf("OR", "AND") }
func sAttributesToGet() *shape { return sList(sStr()).length(1, 255) }

var comparisonOperators = legacy.ComparisonOperators

func sExpected() *shape {
	return sMap("ExpectedAttributeValue", sValueStruct("ExpectedAttributeValue",
		mem("AttributeValueList", sList(sAttrValue())),
		mem("ComparisonOperator", sStr().oneOf(comparisonOperators...)),
		mem("Exists", sBool()),
		mem("Value", sFieldValue()),
	))
}

// conditions is KeyConditions, QueryFilter or ScanFilter; keyFirst puts
// ComparisonOperator first (KeyConditions).
func sConditions(keyFirst bool) *shape {
	avList := mem("AttributeValueList", sList(sAttrValue()))
	op := mem("ComparisonOperator", sStr().notNil().oneOf(comparisonOperators...))
	if keyFirst {
		return sMap("Condition", sValueStruct("Condition", op, avList))
	}
	return sMap("Condition", sValueStruct("Condition", avList, op))
}

func sThroughput() *shape {
	return sStruct("ProvisionedThroughput",
		mem("WriteCapacityUnits", sLong().notNil().atLeast(1)),
		mem("ReadCapacityUnits", sLong().notNil().atLeast(1)),
	)
}

// sKeySchema is a table's or an index's KeySchema, of at most max
// elements (-1: no maximum). (dynalite checks the KeyType enum of tables
// only; the API reference has it everywhere.) A table's and a local
// secondary index's have at most 2; a global secondary index's has no
// maximum in the API reference since multi-attribute keys (November 2025):
// its counts are checked with the key schema (checkMultiKeySchema).
func sKeySchema(max int) *shape {
	return sList(sValueStruct("KeySchemaElement",
		mem("AttributeName", sStr().notNil()),
		mem("KeyType", sStr().notNil().oneOf("HASH", "RANGE")),
	)).notNil().length(1, max)
}

func sProjection() *shape {
	return sStruct("Projection",
		mem("ProjectionType", sStr().oneOf("ALL", "INCLUDE", "KEYS_ONLY")),
		mem("NonKeyAttributes", sList(sStr()).length(1, -1)),
	).notNil()
}

// sOnDemand is an OnDemandThroughput: the maximum request units of an
// on-demand table or index (-1: no maximum; checked in tables.go).
func sOnDemand() *shape {
	return sStruct("OnDemandThroughput",
		mem("MaxReadRequestUnits", sLong()),
		mem("MaxWriteRequestUnits", sLong()),
	)
}

// sWarm is a WarmThroughput: the read and write units per second a table
// or index is to sustain at once (checked in tables.go).
func sWarm() *shape {
	return sStruct("WarmThroughput",
		mem("ReadUnitsPerSecond", sLong()),
		mem("WriteUnitsPerSecond", sLong()),
	)
}

// sSSESpec is a table's SSESpecification.
func sSSESpec() *shape {
	return sStruct("SSESpecification",
		mem("Enabled", sBool()),
		mem("SSEType", sStr().oneOf("AES256", "KMS")),
		mem("KMSMasterKeyId", sStr()),
	)
}

func sTableClass() *shape { return sStr().oneOf("STANDARD", "STANDARD_INFREQUENT_ACCESS") }

func sIndexes(class string, global bool) *shape {
	maxKeys := 2
	if global {
		maxKeys = -1
	}
	ms := []member{
		mem("IndexName", sStr().notNil().re(namePattern).length(3, 255)),
		mem("KeySchema", sKeySchema(maxKeys)),
		mem("Projection", sProjection()),
	}
	if global {
		ms = append(ms, mem("ProvisionedThroughput", sThroughput()),
			mem("OnDemandThroughput", sOnDemand()), mem("WarmThroughput", sWarm()))
	}
	return sList(sValueStruct(class, ms...))
}

// sTxWrite is one action of a TransactWriteItems item, from the AWS API
// reference: its own members, then those all four share.
func sTxWrite(class string, own ...member) *shape {
	return sStruct(class, append(own,
		mem("ExpressionAttributeNames", sNames()),
		mem("ExpressionAttributeValues", sValues()),
		mem("ReturnValuesOnConditionCheckFailure", sReturnOnFailure()),
	)...)
}

// sTags is a list of tags. CreateTable checks their lengths with the other
// constraints (constrained); TagResource checks them after the resource
// ARN (tags.go), so its shape only types them.
func sTags(constrained bool) *shape {
	key, value := sStr(), sStr()
	if constrained {
		key, value = key.notNil().length(1, 128), value.notNil().length(0, 256)
	}
	return sList(sValueStruct("Tag", mem("Key", key), mem("Value", value)))
}

// sStreamSpec is a table's StreamSpecification.
func sStreamSpec() *shape {
	return sStruct("StreamSpecification",
		mem("StreamEnabled", sBool().notNil()),
		mem("StreamViewType", sStr().oneOf("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")),
	)
}

func sStreamArn() *shape { return sStr().notNil().length(37, 1024) }

// requestShapes maps each operation to the shape of its request.
var requestShapes = map[string]*shape{
	"CreateTable": sStruct("",
		mem("AttributeDefinitions", sList(sValueStruct("AttributeDefinition",
			mem("AttributeName", sStr().notNil()),
			mem("AttributeType", sStr().notNil().oneOf("B", "N", "S")),
		)).notNil()),
		mem("TableName", sTableNameOnly()),
		mem("BillingMode", sStr().oneOf("PROVISIONED", "PAY_PER_REQUEST")),
		mem("ProvisionedThroughput", sThroughput()),
		mem("KeySchema", sKeySchema(2)),
		mem("LocalSecondaryIndexes", sIndexes("LocalSecondaryIndex", false)),
		mem("GlobalSecondaryIndexes", sIndexes("GlobalSecondaryIndex", true)),
		mem("DeletionProtectionEnabled", sBool()),
		mem("Tags", sTags(true)),
		mem("StreamSpecification", sStreamSpec()),
		mem("SSESpecification", sSSESpec()),
		mem("TableClass", sTableClass()),
		mem("ResourcePolicy", sStr()),
		mem("OnDemandThroughput", sOnDemand()),
		mem("WarmThroughput", sWarm()),
	),
	"DescribeTable":      sStruct("", mem("TableName", sTableNameOnly())),
	"TagResource":        sStruct("", mem("ResourceArn", sStr()), mem("Tags", sTags(false))),
	"UntagResource":      sStruct("", mem("ResourceArn", sStr()), mem("TagKeys", sList(sStr()))),
	"ListTagsOfResource": sStruct("", mem("ResourceArn", sStr()), mem("NextToken", sStr())),
	"DescribeLimits":     sStruct(""),
	"DescribeEndpoints":  sStruct(""),
	"DeleteTable":        sStruct("", mem("TableName", sTableNameOnly())),
	"DescribeTimeToLive": sStruct("", mem("TableName", sTableNameOnly())),
	"UpdateTimeToLive": sStruct("",
		mem("TableName", sTableNameOnly()),
		mem("TimeToLiveSpecification", sStruct("TimeToLiveSpecification",
			mem("Enabled", sBool().notNil()),
			mem("AttributeName", sStr().notNil().length(1, 255)),
		).notNil()),
	),
	"ListTables": sStruct("",
		mem("Limit", sInt().atLeast(1).atMost(100)),
		mem("ExclusiveStartTableName", sStr().re(namePattern).length(3, 255)),
	),
	"UpdateTable": sStruct("",
		mem("TableName", sTableNameOnly()),
		mem("ProvisionedThroughput", sThroughput()),
		mem("BillingMode", sStr().oneOf("PROVISIONED", "PAY_PER_REQUEST")),
		mem("GlobalSecondaryIndexUpdates", sList(sValueStruct("GlobalSecondaryIndexUpdate",
			mem("Update", sStruct("UpdateGlobalSecondaryIndexAction",
				mem("IndexName", sStr().notNil().re(namePattern).length(3, 255)),
				// One of these three (tables.go); ProvisionedThroughput
				// was required before on-demand and warm throughput.
				mem("ProvisionedThroughput", sThroughput()),
				mem("OnDemandThroughput", sOnDemand()),
				mem("WarmThroughput", sWarm()),
			)),
			mem("Create", sStruct("CreateGlobalSecondaryIndexAction",
				mem("Projection", sProjection()),
				mem("IndexName", sStr().notNil().re(namePattern).length(3, 255)),
				// Optional since on-demand tables (AWS API reference);
				// dynalite still requires it.
				mem("ProvisionedThroughput", sThroughput()),
				mem("KeySchema", sKeySchema(-1)),
				mem("OnDemandThroughput", sOnDemand()),
				mem("WarmThroughput", sWarm()),
			)),
			mem("Delete", sStruct("DeleteGlobalSecondaryIndexAction",
				mem("IndexName", sStr().notNil().re(namePattern).length(3, 255)),
			)),
		))),
		mem("AttributeDefinitions", sList(sValueStruct("AttributeDefinition",
			mem("AttributeName", sStr().notNil()),
			mem("AttributeType", sStr().notNil().oneOf("B", "N", "S")),
		))),
		mem("DeletionProtectionEnabled", sBool()),
		mem("StreamSpecification", sStreamSpec()),
		mem("SSESpecification", sSSESpec()),
		mem("TableClass", sTableClass()),
		mem("OnDemandThroughput", sOnDemand()),
		mem("WarmThroughput", sWarm()),
	),
	"PutItem": sStruct("",
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("TableName", sTableName()),
		mem("Item", sItem().notNil()),
		mem("ConditionalOperator", sConditionalOp()),
		mem("Expected", sExpected()),
		mem("ReturnValues", sReturnValues()),
		mem("ReturnItemCollectionMetrics", sItemMetrics()),
		mem("ConditionExpression", sStr()),
		mem("ExpressionAttributeValues", sValues()),
		mem("ExpressionAttributeNames", sNames()),
		mem("ReturnValuesOnConditionCheckFailure", sReturnOnFailure()),
	),
	"GetItem": sStruct("",
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("AttributesToGet", sAttributesToGet()),
		mem("TableName", sTableName()),
		mem("Key", sItem().notNil()),
		mem("ConsistentRead", sBool()),
		mem("ProjectionExpression", sStr()),
		mem("ExpressionAttributeNames", sNames()),
	),
	"DeleteItem": sStruct("",
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("TableName", sTableName()),
		mem("ReturnValues", sReturnValues()),
		mem("ReturnItemCollectionMetrics", sItemMetrics()),
		mem("Key", sItem().notNil()),
		mem("ConditionalOperator", sConditionalOp()),
		mem("Expected", sExpected()),
		mem("ConditionExpression", sStr()),
		mem("ExpressionAttributeValues", sValues()),
		mem("ExpressionAttributeNames", sNames()),
		mem("ReturnValuesOnConditionCheckFailure", sReturnOnFailure()),
	),
	"UpdateItem": sStruct("",
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("TableName", sTableName()),
		mem("ReturnItemCollectionMetrics", sItemMetrics()),
		mem("ReturnValues", sReturnValues()),
		mem("Key", sItem().notNil()),
		mem("ConditionalOperator", sConditionalOp()),
		mem("Expected", sExpected()),
		mem("AttributeUpdates", sMap("AttributeValueUpdate", sValueStruct("AttributeValueUpdate",
			mem("Action", sStr()),
			mem("Value", sFieldValue()),
		))),
		mem("ConditionExpression", sStr()),
		mem("UpdateExpression", sStr()),
		mem("ExpressionAttributeValues", sValues()),
		mem("ExpressionAttributeNames", sNames()),
		mem("ReturnValuesOnConditionCheckFailure", sReturnOnFailure()),
	),
	"Query": sStruct("",
		mem("Select", sStr().oneOf("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES")),
		mem("IndexName", sIndexName()),
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("QueryFilter", sConditions(false)),
		mem("TableName", sTableName()),
		mem("ConditionalOperator", sConditionalOp()),
		mem("AttributesToGet", sAttributesToGet()),
		mem("Limit", sInt().atLeast(1)),
		mem("KeyConditions", sConditions(true)),
		mem("ExclusiveStartKey", sItem()),
		mem("ConsistentRead", sBool()),
		mem("ScanIndexForward", sBool()),
		mem("KeyConditionExpression", sStr()),
		mem("FilterExpression", sStr()),
		mem("ProjectionExpression", sStr()),
		mem("ExpressionAttributeValues", sValues()),
		mem("ExpressionAttributeNames", sNames()),
	),
	"Scan": sStruct("",
		mem("Select", sStr().oneOf("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES")),
		mem("IndexName", sIndexName()),
		mem("TotalSegments", sInt().atLeast(1)),
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("TableName", sTableName()),
		mem("ConditionalOperator", sConditionalOp()),
		mem("ScanFilter", sConditions(false)),
		mem("Segment", sInt().atLeast(0)),
		mem("Limit", sInt().atLeast(1)),
		mem("AttributesToGet", sAttributesToGet()),
		mem("ExclusiveStartKey", sItem()),
		mem("ConsistentRead", sBool()),
		mem("FilterExpression", sStr()),
		mem("ProjectionExpression", sStr()),
		mem("ExpressionAttributeValues", sValues()),
		mem("ExpressionAttributeNames", sNames()),
	),
	"BatchGetItem": sStruct("",
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("RequestItems", sMap("KeysAndAttributes", sValueStruct("KeysAndAttributes",
			mem("Keys", sList(sPMap()).notNil().length(1, 100)),
			mem("AttributesToGet", sAttributesToGet()),
			mem("ConsistentRead", sBool()),
			mem("ProjectionExpression", sStr()),
			mem("ExpressionAttributeNames", sNames()),
		)).notNil().length(1, -1).keyed(sStr().re(namePattern).length(3, 255))),
	),
	"BatchWriteItem": sStruct("",
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("ReturnItemCollectionMetrics", sItemMetrics()),
		mem("RequestItems", sMap("java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>",
			sPList(sValueStruct("WriteRequest",
				mem("DeleteRequest", sStruct("DeleteRequest", mem("Key", sItem().notNil()))),
				mem("PutRequest", sStruct("PutRequest", mem("Item", sItem().notNil()))),
			))).notNil().length(1, -1).
			keyed(sStr().re(namePattern).length(3, 255)).
			valued(&shape{minLen: 1, maxLen: 25})),
	),
	"TransactWriteItems": sStruct("",
		mem("TransactItems", sList(sValueStruct("TransactWriteItem",
			mem("ConditionCheck", sTxWrite("ConditionCheck", mem("Key", sItem().notNil()), mem("TableName", sTableName()),
				mem("ConditionExpression", sStr().notNil()))),
			mem("Put", sTxWrite("Put", mem("Item", sItem().notNil()), mem("TableName", sTableName()),
				mem("ConditionExpression", sStr()))),
			mem("Delete", sTxWrite("Delete", mem("Key", sItem().notNil()), mem("TableName", sTableName()),
				mem("ConditionExpression", sStr()))),
			mem("Update", sTxWrite("Update", mem("Key", sItem().notNil()), mem("UpdateExpression", sStr().notNil()),
				mem("TableName", sTableName()), mem("ConditionExpression", sStr()))),
		)).notNil()),
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
		mem("ReturnItemCollectionMetrics", sItemMetrics()),
		mem("ClientRequestToken", sStr().length(1, 36)),
	),
	"TransactGetItems": sStruct("",
		mem("TransactItems", sList(sValueStruct("TransactGetItem",
			mem("Get", sStruct("Get",
				mem("Key", sItem().notNil()),
				mem("TableName", sTableName()),
				mem("ProjectionExpression", sStr()),
				mem("ExpressionAttributeNames", sNames()),
			).notNil()),
		)).notNil()),
		mem("ReturnConsumedCapacity", sConsumedCapacity()),
	),
	// The Streams API (streams.go).
	"ListStreams": sStruct("",
		mem("TableName", sStr().re(namePattern).length(3, 255)),
		mem("Limit", sInt().atLeast(1).atMost(100)),
		mem("ExclusiveStartStreamArn", sStr().length(37, 1024)),
	),
	"DescribeStream": sStruct("",
		mem("StreamArn", sStreamArn()),
		mem("Limit", sInt().atLeast(1).atMost(100)),
		mem("ExclusiveStartShardId", sStr().length(28, 65)),
	),
	"GetShardIterator": sStruct("",
		mem("StreamArn", sStreamArn()),
		mem("ShardId", sStr().notNil().length(28, 65)),
		mem("ShardIteratorType", sStr().notNil().oneOf("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")),
		mem("SequenceNumber", sStr().length(21, 40)),
	),
	"GetRecords": sStruct("",
		mem("ShardIterator", sStr().notNil().length(1, 2048)),
		mem("Limit", sInt().atLeast(1).atMost(maxGetRecords)),
	),
}
