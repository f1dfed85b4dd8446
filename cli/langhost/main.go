// Command langhost is a codegen-only Pulumi language host: it answers the CLI's GeneratePackage
// call, which is all `pulumi package gen-sdk` asks of a language plugin, with the code generators
// of the pinned github.com/pulumi/pulumi/pkg/v3 (the ones the real pulumi-language-nodejs,
// pulumi-language-go and pulumi-language-python hosts call from their GeneratePackage).
// scripts/pulumi-cli.sh builds it once and links it as pulumi-language-nodejs and
// pulumi-language-go beside the CLI, and as pulumi-language-python in the codegen-python/
// subdirectory; the name it is started under picks the language. The Python link is kept apart
// because the CLI finds language plugins beside its own binary and on PATH: with a Python host
// there, it would start this one for the project's own Python program (tests/cli/test_refusals.py
// relies on the CLI stopping at "failed to load language plugin python"). Only the gen-sdk tests
// put codegen-python/ on PATH.
//
// Why not the real hosts: their modules (github.com/pulumi/pulumi/sdk/nodejs/cmd/
// pulumi-language-nodejs/v3, .../sdk/go/pulumi-language-go/v3 and
// .../sdk/python/cmd/pulumi-language-python/v3) are not served by the Go module
// proxy this project installs from (403 "This module version is not available", docs/cli.md). Everything else a language host does
// (run a program, install dependencies, pack, link) answers Unimplemented here: this is for SDK
// generation only, never for `pulumi up`.
//
// The request handling follows the real hosts' GeneratePackage at pulumi/pulumi v3.259 (read, not
// copied): bind the schema with AllowDanglingReferences through the engine's schema loader,
// return binding errors as diagnostics, generate, write each file under the requested directory.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// generator is one language's GeneratePackage, as its real host calls it.
type generator func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
	loader schema.ReferenceLoader) (map[string][]byte, error)

var generators = map[string]generator{
	"nodejs": func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
		loader schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
	},
	"go": func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
		_ schema.ReferenceLoader,
	) (map[string][]byte, error) {
		if len(req.ExtraFiles) > 0 {
			return nil, errors.New("overlays are not supported for Go")
		}
		return gogen.GeneratePackage(tool, pkg, req.LocalDependencies)
	},
	"python": func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
		loader schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return python.GeneratePackage(tool, pkg, req.ExtraFiles, loader)
	},
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	language string
	generate generator
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) Handshake(
	context.Context, *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	client, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	loader := schema.NewCachedLoader(client)

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	rpcDiags := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
	}

	files, err := h.generate("pulumi-language-"+h.language, pkg, req, loader)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		out := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return nil, fmt.Errorf("could not create output directory %s: %w", filepath.Dir(name), err)
		}
		if err := os.WriteFile(out, data, 0o600); err != nil {
			return nil, fmt.Errorf("could not write output file %s: %w", name, err)
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
}

func main() {
	name := filepath.Base(os.Args[0])
	language := strings.TrimPrefix(name, "pulumi-language-")
	generate, ok := generators[language]
	if !ok {
		fmt.Fprintf(os.Stderr, "error: started as %q; link this binary as pulumi-language-nodejs, pulumi-language-go or pulumi-language-python\n", name)
		os.Exit(2)
	}
	if len(os.Args) > 1 && os.Args[1] == "-version" {
		fmt.Println(version.Version)
		return
	}
	// The engine's address (the only positional argument) and -tracing are accepted and unused:
	// generating code needs only the schema loader named in each request.
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{language: language, generate: generate})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: could not start the language host: %v\n", err)
		os.Exit(1)
	}
	// The spawner reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "error: the language host stopped: %v\n", err)
		os.Exit(1)
	}
}
