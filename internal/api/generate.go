// Package api is the home of the Go packages generated from AWS's API
// models: one <key>api package per served service (ec2api, s3api,
// streamsdynamodbapi, ...), each holding the model's structure shapes, a
// protocol.Service descriptor and a typed handler registry. Regenerate them
// with `go generate ./internal/api/...` from the repository root.
package api

//go:generate sh -c "cd ../../tools/codegen && go run . -out ../../internal/api"
