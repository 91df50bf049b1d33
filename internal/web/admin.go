package web

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/service"
)

// adminView is what every admin template gets.
type adminView struct {
	Title string
	CSS   string
	JS    string
	Site  model.Settings
	User  *model.User // nil on the login and setup pages
	Nav   []navItem
	Flash template.HTML
	Form  form // the page's form, when it has one
	Data  any
}

type navItem struct {
	Path, Label string
	Current     bool
}

// adminNav lists the admin areas, each shown only to roles that may use it.
var adminNav = []struct {
	perm        model.Permission
	path, label string // label: a message id
}{
	{model.PermDashboard, "/admin/", "nav.dashboard"},
	{model.PermStories, "/admin/stories", "nav.stories"},
	{model.PermStories, "/admin/search", "nav.search"},
	{model.PermSections, "/admin/sections", "nav.sections"},
	{model.PermLetters, "/admin/letters", "nav.letters"},
	{model.PermLetters, "/admin/templates", "nav.templates"},
	{model.PermComments, "/admin/comments", "nav.comments"},
	{model.PermSite, "/admin/antispam", "nav.antispam"},
	{model.PermSite, "/admin/settings", "nav.settings"},
	{model.PermSite, "/admin/helplines", "nav.helplines"},
	{model.PermSite, "/admin/privacy", "nav.privacy"},
	{model.PermSite, "/admin/pages/about", "nav.pages"},
	{model.PermUsers, "/admin/users", "nav.users"},
	{model.PermOutbox, "/admin/outbox", "nav.outbox"},
	{model.PermAudit, "/admin/audit", "nav.audit"},
	{model.PermDashboard, "/admin/account", "nav.account"},
}

func (s *Server) adminPage(r *http.Request, title string) (*adminView, error) {
	site, err := s.svc.SiteSettings(r.Context())
	if err != nil {
		return nil, err
	}
	v := &adminView{Title: title, CSS: s.assets.cssURL, JS: s.assets.jsURL, Site: site, User: currentUser(r.Context()),
		Flash: template.HTML(s.sm.PopString(r.Context(), sessionFlashKey))} // #nosec G203 -- written by flash from our own messages, their values escaped
	if v.User != nil {
		for _, n := range adminNav {
			if v.User.Role.Can(n.perm) {
				v.Nav = append(v.Nav, navItem{Path: n.path, Label: s.lang(r).Text(n.label), Current: n.path == r.URL.Path})
			}
		}
	}
	return v, nil
}

func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, status int, page string, v *adminView) error {
	t, ok := s.template(v.Site, "admin/"+page)
	if !ok {
		return fmt.Errorf("web: no template admin/%s", page)
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.execute(w, r, status, "admin/"+page, t, v)
}

// dashboardPage is the Data of the dashboard: the counts, and for those
// who answer letters, what needs them now.
type dashboardPage struct {
	model.Counts
	Work   *service.WorkList // nil for roles without letters
	Now    time.Time
	NoMail bool // no SMTP server: nothing is delivered
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	counts, err := s.svc.Dashboard(r.Context())
	if err != nil {
		return err
	}
	d := dashboardPage{Counts: counts, Now: s.now().UTC(), NoMail: !s.svc.MailOut()}
	if u := currentUser(r.Context()); u.Role.Can(model.PermLetters) {
		if d.Work, err = s.svc.AdvisorWork(r.Context(), u.ID); err != nil {
			return err
		}
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.dashboard"))
	if err != nil {
		return err
	}
	v.Data = d
	return s.renderAdmin(w, r, http.StatusOK, "dashboard", v)
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	list, p, err := s.svc.AuditLog(r.Context(), n)
	if err != nil {
		return err
	}
	v, err := s.adminPage(r, s.lang(r).Text("title.audit_log"))
	if err != nil {
		return err
	}
	v.Data = struct {
		Entries []model.AuditEntry
		Page    model.Pagination
		BaseURL string
	}{list, p, "/admin/audit"}
	return s.renderAdmin(w, r, http.StatusOK, "audit", v)
}
