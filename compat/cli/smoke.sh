#!/usr/bin/env bash
# AWS CLI smoke test against ddblocal.
#
# Usage: compat/cli/smoke.sh http://127.0.0.1:PORT
#
# Runs the aws command named by $AWS (default: aws on PATH; CI uses Debian's
# awscli 2.9.x, /usr/bin/aws) with dummy credentials, no config files and an
# explicit --region: create-table, wait table-exists, put-item, get-item,
# query with --max-items (the CLI's own pagination and --starting-token),
# scan, update-item with a failing condition (exit status and error code),
# batch-write-item, transact-write-items, execute-statement, tag-resource and
# list-tags-of-resource, the dynamodbstreams commands, delete-table and wait
# table-not-exists. Outputs are checked with jq. Exits non-zero on the first
# failure, naming it.
set -euo pipefail

url=${1:?usage: smoke.sh URL}
AWS=${AWS:-aws}
conf=$(mktemp -d)
trap 'rm -rf "$conf"' EXIT
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=test
export AWS_CONFIG_FILE=$conf/config AWS_SHARED_CREDENTIALS_FILE=$conf/credentials
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE

# CLI v1 exits 255 on a service error, v2 exits 254.
version=$("$AWS" --version 2>&1)
case $version in
  aws-cli/1.*) service_error_status=255 ;;
  *) service_error_status=254 ;;
esac

ddb() { "$AWS" dynamodb --endpoint-url "$url" --region us-east-1 --output json "$@"; }
streams() { "$AWS" dynamodbstreams --endpoint-url "$url" --region us-east-1 --output json "$@"; }

# expect WHAT JSON JQ-FILTER: fails unless the filter yields true.
expect() {
  if [ "$(jq -e "$3" <<<"$2" 2>/dev/null)" != true ]; then
    echo "FAIL: $1: $3 is not true of:" >&2
    echo "$2" >&2
    exit 1
  fi
}

table=cli-smoke-$RANDOM$RANDOM

out=$(ddb create-table --table-name "$table" \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST \
  --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES)
expect create-table "$out" ".TableDescription.TableName == \"$table\" and .TableDescription.StreamSpecification.StreamViewType == \"NEW_AND_OLD_IMAGES\""
arn=$(jq -r .TableDescription.TableArn <<<"$out")
ddb wait table-exists --table-name "$table"

ddb put-item --table-name "$table" \
  --item '{"pk":{"S":"p1"},"sk":{"N":"0"},"name":{"S":"zero"},"tags":{"SS":["a","b"]}}' \
  --condition-expression 'attribute_not_exists(pk)'
out=$(ddb get-item --table-name "$table" --key '{"pk":{"S":"p1"},"sk":{"N":"0"}}' --consistent-read)
expect get-item "$out" '.Item.name.S == "zero" and (.Item.tags.SS | sort) == ["a","b"]'

# 7 items in partition p1 (sk 0..6).
requests=$(jq -nc --arg t "$table" '{($t): [range(1;7) | {PutRequest: {Item: {pk: {S: "p1"}, sk: {N: tostring}, n: {N: tostring}}}}]}')
out=$(ddb batch-write-item --request-items "$requests")
expect batch-write-item "$out" '.UnprocessedItems == {}'

# --max-items stops after 3 items and answers a NextToken; --starting-token
# goes on. --page-size 2 makes the CLI follow LastEvaluatedKey within a call.
q=(query --table-name "$table" --key-condition-expression 'pk = :p' --expression-attribute-values '{":p":{"S":"p1"}}')
out=$(ddb "${q[@]}" --page-size 2 --max-items 3)
expect "query page 1" "$out" '[.Items[].sk.N] == ["0","1","2"] and (.NextToken | type) == "string"'
token=$(jq -r .NextToken <<<"$out")
out=$(ddb "${q[@]}" --page-size 2 --max-items 3 --starting-token "$token")
expect "query page 2" "$out" '[.Items[].sk.N] == ["3","4","5"] and (.NextToken | type) == "string"'
token=$(jq -r .NextToken <<<"$out")
out=$(ddb "${q[@]}" --page-size 2 --max-items 3 --starting-token "$token")
expect "query page 3" "$out" '[.Items[].sk.N] == ["6"] and .NextToken == null'
out=$(ddb "${q[@]}" --scan-index-forward --no-paginate --limit 2)
expect "query --no-paginate" "$out" '.Count == 2 and .LastEvaluatedKey.sk.N == "1"'

out=$(ddb scan --table-name "$table" --filter-expression 'n >= :two' --expression-attribute-values '{":two":{"N":"2"}}' --page-size 3)
expect scan "$out" '.Count == 5 and .ScannedCount == 7'

# A failing condition: the CLI's service-error exit status and the error code.
status=0
err=$(ddb update-item --table-name "$table" --key '{"pk":{"S":"p1"},"sk":{"N":"0"}}' \
  --update-expression 'SET #n = :v' --condition-expression '#n = :old' \
  --expression-attribute-names '{"#n":"name"}' \
  --expression-attribute-values '{":v":{"S":"one"},":old":{"S":"not zero"}}' 2>&1 >/dev/null) || status=$?
if [ "$status" != "$service_error_status" ] || ! grep -q 'An error occurred (ConditionalCheckFailedException) when calling the UpdateItem operation: The conditional request failed' <<<"$err"; then
  echo "FAIL: update-item with a failing condition: exit $status (want $service_error_status): $err" >&2
  exit 1
fi
out=$(ddb update-item --table-name "$table" --key '{"pk":{"S":"p1"},"sk":{"N":"0"}}' \
  --update-expression 'SET #n = :v ADD hits :one' --condition-expression '#n = :old' \
  --expression-attribute-names '{"#n":"name"}' \
  --expression-attribute-values '{":v":{"S":"one"},":old":{"S":"zero"},":one":{"N":"1"}}' --return-values ALL_NEW)
expect update-item "$out" '.Attributes.name.S == "one" and .Attributes.hits.N == "1"'

status=0
err=$(ddb get-item --table-name "$table-missing" --key '{"pk":{"S":"p1"},"sk":{"N":"0"}}' 2>&1 >/dev/null) || status=$?
if [ "$status" != "$service_error_status" ] || ! grep -q '(ResourceNotFoundException) when calling the GetItem operation: Requested resource not found' <<<"$err"; then
  echo "FAIL: get-item on a missing table: exit $status: $err" >&2
  exit 1
fi

items=$(jq -nc --arg t "$table" '[
  {Put: {TableName: $t, Item: {pk: {S: "tx"}, sk: {N: "1"}}, ConditionExpression: "attribute_not_exists(pk)"}},
  {Update: {TableName: $t, Key: {pk: {S: "p1"}, sk: {N: "0"}}, UpdateExpression: "ADD hits :one", ExpressionAttributeValues: {":one": {N: "1"}}}},
  {Delete: {TableName: $t, Key: {pk: {S: "p1"}, sk: {N: "6"}}}}]')
ddb transact-write-items --transact-items "$items" --client-request-token "cli-$table" >/dev/null
# Replayed with the same token: success, not applied again.
ddb transact-write-items --transact-items "$items" --client-request-token "cli-$table" >/dev/null
out=$(ddb get-item --table-name "$table" --key '{"pk":{"S":"p1"},"sk":{"N":"0"}}')
expect "transact-write-items" "$out" '.Item.hits.N == "2"'

ddb execute-statement --statement "INSERT INTO \"$table\" VALUE {'pk': ?, 'sk': ?, 'via': ?}" \
  --parameters '[{"S":"ql"},{"N":"1"},{"S":"partiql"}]' >/dev/null
out=$(ddb execute-statement --statement "SELECT * FROM \"$table\" WHERE pk = ?" --parameters '[{"S":"ql"}]')
expect execute-statement "$out" '.Items == [{"pk":{"S":"ql"},"sk":{"N":"1"},"via":{"S":"partiql"}}]'

ddb tag-resource --resource-arn "$arn" --tags Key=team,Value=compat Key=env,Value=ci
out=$(ddb list-tags-of-resource --resource-arn "$arn")
expect list-tags-of-resource "$out" '(.Tags | sort_by(.Key)) == [{"Key":"env","Value":"ci"},{"Key":"team","Value":"compat"}]'

out=$(streams list-streams --table-name "$table")
expect list-streams "$out" ".Streams | length == 1 and .[0].TableName == \"$table\""
stream=$(jq -r '.Streams[0].StreamArn' <<<"$out")
out=$(streams describe-stream --stream-arn "$stream")
expect describe-stream "$out" '.StreamDescription.StreamStatus == "ENABLED" and (.StreamDescription.Shards | length) >= 1'
events=()
for shard in $(jq -r '.StreamDescription.Shards[].ShardId' <<<"$out"); do
  it=$(streams get-shard-iterator --stream-arn "$stream" --shard-id "$shard" --shard-iterator-type TRIM_HORIZON | jq -r .ShardIterator)
  while [ -n "$it" ] && [ "$it" != null ]; do
    recs=$(streams get-records --shard-iterator "$it")
    [ "$(jq '.Records | length' <<<"$recs")" -gt 0 ] || break
    mapfile -t -O "${#events[@]}" events < <(jq -r '.Records[] | .eventName + " " + .dynamodb.Keys.pk.S + "/" + .dynamodb.Keys.sk.N' <<<"$recs")
    it=$(jq -r '.NextShardIterator // empty' <<<"$recs")
  done
done
got=$(printf '%s\n' "${events[@]}" | jq -Rsc 'split("\n")[:-1]')
# put, 6 batch puts, 1 update, the transaction's 3 writes (its replay
# writes nothing), the PartiQL insert.
want='["INSERT p1/0","INSERT p1/1","INSERT p1/2","INSERT p1/3","INSERT p1/4","INSERT p1/5","INSERT p1/6","MODIFY p1/0","INSERT tx/1","MODIFY p1/0","REMOVE p1/6","INSERT ql/1"]'
expect "get-records" "$got" "(. | sort) == ($want | sort) and length == 12"

ddb delete-table --table-name "$table" >/dev/null
ddb wait table-not-exists --table-name "$table"
echo "aws cli smoke (${version%% *}): OK"
