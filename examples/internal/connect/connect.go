// Package connect gives the examples their DynamoDB client: the endpoint in
// DDB_ENDPOINT when it is set (dynalite, ddblocal, moto...), otherwise an
// in-process ddbtest server, so that every example runs with no set-up.
package connect

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/ddb-go/ddb/ddbtest"
)

// Client returns a client and a function that releases it.
func Client() (*dynamodb.Client, func()) {
	if ep := os.Getenv("DDB_ENDPOINT"); ep != "" {
		return dynamodb.New(dynamodb.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(ep),
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
			}),
		}), func() {}
	}
	srv := ddbtest.NewServer()
	return srv.Client(), srv.Close
}
