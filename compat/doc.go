// Package compat runs third-party DynamoDB clients (guregu/dynamo v2;
// boto3 from boto3_legacy.py) against ddbtest, in a module of its own so
// that their dependencies stay out of the ddb module. Beside it, js/ (a
// node package: the JS SDK v3 and ElectroDB) and cli/ (the AWS CLI) run
// against a built ddblocal; .ci/run starts them.
package compat
