// Package layers_test keeps the architecture of DESIGN.md true: data flows
// web → service → model, and store → model, database. A forbidden import
// fails this test, naming the file.
package layers_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/confide/confide/internal/"

// forbidden lists, for each package, the internal packages it must not import.
var forbidden = map[string][]string{
	"model":    {"config", "app", "service", "store", "database", "web", "markup", "demo"},
	"markup":   {"config", "app", "service", "store", "database", "web", "demo"},
	"service":  {"app", "store", "database", "web", "config"},
	"store":    {"app", "service", "web", "config", "markup", "demo"},
	"database": {"app", "service", "store", "web", "model", "config"},
	"web":      {"app", "store", "database", "config", "demo"},
	"config":   {"app", "service", "store", "database", "web", "model"},
	"mail":     {"app", "service", "store", "database", "web", "config", "worker"},
	"worker":   {"app", "store", "database", "web", "config"},
	"search":   {"config", "app", "service", "store", "database", "web", "model", "markup", "demo"},
	"password": {"app", "service", "store", "database", "web", "model", "config", "markup", "demo"},
	"i18n":     {"app", "service", "store", "database", "web", "config", "markup", "demo", "worker", "mail"},
}

func TestLayerImports(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		pkg := strings.Split(filepath.ToSlash(path), "/")[0]
		rules, ok := forbidden[pkg]
		if !ok {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			for _, bad := range rules {
				if p == module+bad || strings.HasPrefix(p, module+bad+"/") {
					t.Errorf("%s imports %s: %s must not depend on %s", path, p, pkg, bad)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d files checked: is the test looking in the right place?", checked)
	}
}
