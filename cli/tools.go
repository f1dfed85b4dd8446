//go:build tools

// Package tools pins github.com/pulumi/pulumi/pkg/v3/cmd/pulumi in go.mod/go.sum so that
// `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` from this module builds the pinned CLI.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
