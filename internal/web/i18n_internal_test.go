package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/confide/confide/internal/i18n"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/spam"
)

// idsInTemplates returns the message ids the templates name with t, and
// the prefixes of ids they make with (print "prefix." value).
func idsInTemplates(t *testing.T) (ids, prefixes map[string]bool) {
	t.Helper()
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	sets, err := parseTemplates(a)
	if err != nil {
		t.Fatal(err)
	}
	ids, prefixes = map[string]bool{}, map[string]bool{}
	var walk func(n parse.Node)
	walkPipe := func(p *parse.PipeNode) {
		if p != nil {
			walk(p)
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walkPipe(n.Pipe)
		case *parse.IfNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walkPipe(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if fn, ok := n.Args[0].(*parse.IdentifierNode); ok {
					switch a := n.Args[1].(type) {
					case *parse.StringNode:
						if fn.Ident == "t" {
							ids[a.Text] = true
						}
						if fn.Ident == "print" && strings.HasSuffix(a.Text, ".") {
							prefixes[a.Text] = true
						}
					}
				}
			}
			for _, c := range n.Args {
				walk(c)
			}
		}
	}
	for _, set := range sets {
		for _, tmpl := range set {
			for _, tt := range tmpl.Templates() {
				if tt.Tree != nil {
					walk(tt.Tree.Root)
				}
			}
		}
	}
	return ids, prefixes
}

// idsInGo returns the message ids the Go code of the packages that write
// for visitors passes as literals: to model.Errorf and model.M, to T, Text,
// tr and flash, as an Error's Message, as a mail's subject or words.
func idsInGo(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range []string{".", "../service", "../store", "../spam", "../password", "../model"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			lit := func(e ast.Expr) {
				if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
					if s, err := strconv.Unquote(b.Value); err == nil && s != "" {
						out[s] = fset.Position(b.Pos()).String()
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					var fn string
					switch f := n.Fun.(type) {
					case *ast.SelectorExpr:
						fn = f.Sel.Name
					case *ast.Ident:
						fn = f.Name
					}
					arg := func(i int) {
						if i < len(n.Args) {
							lit(n.Args[i])
						}
					}
					switch fn {
					case "Errorf":
						if x, ok := n.Fun.(*ast.SelectorExpr); ok {
							if id, ok := x.X.(*ast.Ident); ok && id.Name == "model" {
								arg(1)
							}
						}
					case "M", "T", "Text":
						arg(0)
					case "tr", "flash", "discreetSubject":
						arg(1)
					case "tellStaff":
						arg(2)
						arg(3)
					case "mailWriter":
						arg(2)
					}
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Message" {
						lit(n.Value)
					}
				}
				return true
			})
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d message ids found in the Go code: the scan is broken", len(out))
	}
	return out
}

// Every message a template or the code names is in every language's own
// files: a page in German never falls back to an English sentence.
func TestEveryMessageIsTranslated(t *testing.T) {
	ids, prefixes := idsInTemplates(t)
	if len(ids) < 300 {
		t.Fatalf("only %d message ids found in the templates: the scan is broken", len(ids))
	}
	// The values templates and functions make ids from.
	made := map[string][]string{
		"role.":          {string(model.RoleAdmin), string(model.RoleAdvisor), string(model.RoleModerator)},
		"letterstate.":   model.LetterStates,
		"storystate.":    {"draft", "published", "withdrawn"},
		"commentstate.":  {model.CommentPending, model.CommentApproved, model.CommentSpam},
		"mailstate.":     {model.MailPending, model.MailSending, model.MailSent, model.MailFailed},
		"consent.":       consentChoices,
		"risk.":          {"none", "low", "medium", "high"},
		"priority.":      {"normal", "raised", "high", "urgent"},
		"rulekind.":      {spam.KindWord, spam.KindPattern, spam.KindEmail, spam.KindAddr, spam.KindRange},
		"ruleaction.":    {spam.ActionHold, spam.ActionRefuse},
		"report.reason.": model.ReportReasons,
		"pii.":           {"email", "phone", "url", "handle", "street", "postcode", "date", "age", "work", "school", "name", "place"},
		"pii.replace.":   {"email", "phone", "url", "handle", "street", "postcode", "date", "age", "work", "school", "name", "place"},
		"moderated.":     {"approve", "spam", "delete", "dismiss", "ban-email", "ban-address"},
		"month.":         {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
		// the store's notFound(err, what)
		"error.not_found.": {"account", "comment", "copy_for_publishing", "letter", "link", "message", "page", "section", "story", "subscription"},
	}
	for p := range prefixes {
		if _, ok := made[p]; !ok {
			t.Errorf("the templates make ids with %q: list its values here", p)
		}
	}
	for p, values := range made {
		for _, v := range values {
			ids[p+v] = true
		}
	}
	for id, at := range idsInGo(t) {
		if !strings.Contains(id, ".") || strings.ContainsAny(id, " /:") {
			continue // not an id (a Text of a computed id, a path)
		}
		ids[id] = true
		_ = at
	}
	for id := range ids {
		for _, l := range i18n.Languages {
			if !i18n.Get(l.Tag).Has(id) {
				t.Errorf("%s: no message %q", l.Tag, id)
			}
		}
	}
}
