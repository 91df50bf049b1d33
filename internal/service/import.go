package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/confide/confide/internal/markup"
	"github.com/confide/confide/internal/model"
	"github.com/confide/confide/internal/wxr"
)

// ImportStore is what the WordPress import needs of the database.
type ImportStore interface {
	StartImport(ctx context.Context, imp *model.Import) error
	FinishImport(ctx context.Context, imp *model.Import) error
	ImportedThings(ctx context.Context, source, kind string) (map[int64]model.ImportedThing, error)
	RecordImported(ctx context.Context, source string, importID int64, things []model.ImportedThing) error
	AddOldLinks(ctx context.Context, importID int64, links []model.OldLink) error
	OldLink(ctx context.Context, path string) (*model.OldLink, error)
	UndoImport(ctx context.Context, importID int64, batch int) (int, error)
}

// ImportSource is an export to import: its name (for messages and the
// record of the run) and a way to read it from the start, as often as the
// import needs (it reads the file twice: once to check all of it before
// writing anything, once to write).
type ImportSource struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// ImportReport tells what an import did.
type ImportReport struct {
	ID       int64
	Source   string // the WordPress site's address
	Posts    int    // posts in the file
	Sections int    // made by this run
	Stories  int
	Comments int
	Unsplit  int // stories whose letter and reply could not be told apart: all reply
	Existing int // posts an earlier run had imported already
	Skipped  map[string]int
}

// importBatch is how many posts one transaction writes: small enough that
// the site's own writes never wait long behind an import.
const importBatch = 50

// ImportWordPress imports a WordPress export: categories become sections,
// posts become stories (divided into letter and reply where the post shows
// where; see wxr.Split), approved and waiting comments become comments with
// their threads, authors sign the replies, and the old site's addresses
// answer with a redirect (OldLinkTarget). Spam, trash, pingbacks, pages
// and media are left out. Running it again on the same export, or a newer
// one, adds only what is new. The whole file is checked before anything is
// written; writing goes in batches, and a run that fails removes what it
// wrote. progress, when set, hears the posts done and their number.
func (s *Service) ImportWordPress(ctx context.Context, src ImportSource, progress func(done, total int)) (*ImportReport, error) {
	head, total, err := checkExport(src)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Source: head.source, Skipped: map[string]int{}}
	run := &importRun{s: s, src: src, head: head, rep: rep, total: total, progress: progress,
		imp: &model.Import{Source: head.source, FileName: src.Name, Status: model.ImportRunning, StartedAt: s.Now()}}
	if err := s.store.StartImport(ctx, run.imp); err != nil {
		return nil, err
	}
	rep.ID = run.imp.ID
	err = run.write(ctx)
	// The end is recorded (and a failure undone) even when ctx was
	// cancelled: an interrupted import must not stay half done.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
	defer cancel()
	run.imp.FinishedAt = s.Now()
	run.imp.Sections, run.imp.Stories, run.imp.Comments = rep.Sections, rep.Stories, rep.Comments
	if err != nil {
		if _, uerr := s.store.UndoImport(bg, run.imp.ID, 500); uerr != nil {
			err = fmt.Errorf("%w; undoing what it wrote failed too: %w", err, uerr)
		}
		run.imp.Status, run.imp.Error = model.ImportFailed, err.Error()
		run.imp.Sections, run.imp.Stories, run.imp.Comments = 0, 0, 0
		if ferr := s.store.FinishImport(bg, run.imp); ferr != nil {
			err = fmt.Errorf("%w; %w", err, ferr)
		}
		return nil, fmt.Errorf("import of %s stopped, and what it had written was removed: %w", src.Name, err)
	}
	run.imp.Status = model.ImportDone
	if err := s.store.FinishImport(bg, run.imp); err != nil {
		return nil, err
	}
	return rep, nil
}

// exportHead is what the check of an export found in its head.
type exportHead struct {
	source     string // the site's address, normalised: the key of what it brought
	basePath   string // the site's path ("/blog"), which its links start with
	authors    map[string]string
	categories map[string]wxr.Category // by slug
}

// checkExport reads the whole export without writing: any fault in it
// stops the import before it starts. It returns the head and the number of
// posts (of every kind, as progress counts them).
func checkExport(src ImportSource) (exportHead, int, error) {
	var head exportHead
	posts := 0
	r, err := src.Open()
	if err != nil {
		return head, 0, exportError(src.Name, err)
	}
	defer r.Close()
	err = wxr.Read(r, wxr.Handler{
		Head: func(site wxr.Site, authors []wxr.Author, cats []wxr.Category) error {
			head = newExportHead(site, authors, cats, src.Name)
			return nil
		},
		Post: func(wxr.Post) error { posts++; return nil },
	})
	if err != nil {
		return head, 0, exportError(src.Name, err)
	}
	return head, posts, nil
}

func newExportHead(site wxr.Site, authors []wxr.Author, cats []wxr.Category, name string) exportHead {
	h := exportHead{authors: map[string]string{}, categories: map[string]wxr.Category{}}
	base := strings.TrimRight(strings.TrimSpace(site.BaseURL), "/")
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		h.source = strings.ToLower(u.Host) + strings.TrimRight(u.Path, "/")
		h.basePath = strings.TrimRight(u.Path, "/")
	} else {
		h.source = "file:" + name
	}
	for _, a := range authors {
		if a.DisplayName != "" {
			h.authors[a.Login] = a.DisplayName
		}
	}
	for _, c := range cats {
		h.categories[c.Slug] = c
	}
	return h
}

// exportError is a fault of the file, for the operator.
func exportError(name string, err error) error {
	var we *wxr.Error
	if errors.As(err, &we) || errors.Is(err, wxr.ErrTooBig) {
		return &model.Error{Code: model.EINVALID, Message: "import.bad_file", Args: []any{"File", name, "Detail", err.Error()}, Err: err}
	}
	return &model.Error{Code: model.EINVALID, Message: "import.file_error", Args: []any{"File", name, "Detail", err.Error()}, Err: err}
}

// importRun is one import's state as it writes.
type importRun struct {
	s        *Service
	src      ImportSource
	head     exportHead
	rep      *ImportReport
	imp      *model.Import
	total    int
	done     int
	progress func(done, total int)

	stories, comments, sections map[int64]model.ImportedThing // what earlier runs (and this one) brought
	sectionBySlug               map[string]int64
	parents                     map[int64]int64 // our id of a comment this run wrote → its parent's (0: none)
	nextPosition                int
	batch                       []wxr.Post
}

func (run *importRun) write(ctx context.Context) error {
	var err error
	st := run.s.store
	if run.stories, err = st.ImportedThings(ctx, run.head.source, model.ImportedStory); err != nil {
		return err
	}
	if run.comments, err = st.ImportedThings(ctx, run.head.source, model.ImportedComment); err != nil {
		return err
	}
	if run.sections, err = st.ImportedThings(ctx, run.head.source, model.ImportedSection); err != nil {
		return err
	}
	secs, err := st.Sections(ctx)
	if err != nil {
		return err
	}
	run.sectionBySlug = map[string]int64{}
	run.parents = map[int64]int64{}
	for _, sec := range secs {
		run.sectionBySlug[sec.Slug] = sec.ID
		run.nextPosition = max(run.nextPosition, sec.Position+1)
	}
	r, err := run.src.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	err = wxr.Read(r, wxr.Handler{Post: func(p wxr.Post) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		run.batch = append(run.batch, p)
		if len(run.batch) >= importBatch {
			return run.flush(ctx)
		}
		return nil
	}})
	if err != nil {
		return err
	}
	return run.flush(ctx)
}

// flush writes the batch of posts in one transaction. A batch that fails
// fails the whole import, which is then undone: the maps need no rollback.
func (run *importRun) flush(ctx context.Context) error {
	if len(run.batch) == 0 {
		return nil
	}
	err := run.s.store.InTx(ctx, func(ctx context.Context) error {
		var things []model.ImportedThing
		var links []model.OldLink
		for _, p := range run.batch {
			t, l, err := run.post(ctx, p)
			if err != nil {
				return fmt.Errorf("post %d (%q): %w", p.ID, p.Title, err)
			}
			things, links = append(things, t...), append(links, l...)
		}
		if err := run.s.store.RecordImported(ctx, run.head.source, run.imp.ID, things); err != nil {
			return err
		}
		return run.s.store.AddOldLinks(ctx, run.imp.ID, links)
	})
	if err != nil {
		return err
	}
	run.done += len(run.batch)
	run.batch = run.batch[:0]
	if run.progress != nil {
		run.progress(run.done, run.total)
	}
	return nil
}

// What an import leaves out, by kind (ImportReport.Skipped's keys), in
// the singular and the plural.
var skipLabels = map[string][2]string{
	"page":             {"page (copy what it says into About or Privacy)", "pages (copy what they say into About or Privacy)"},
	"attachment":       {"media file", "media files"},
	"nav_menu_item":    {"menu entry", "menu entries"},
	"other":            {"item of another kind", "items of other kinds"},
	"trashed post":     {"post in the trash or never saved", "posts in the trash or never saved"},
	"pingback":         {"pingback", "pingbacks"},
	"trackback":        {"trackback", "trackbacks"},
	"spam":             {"spam comment", "spam comments"},
	"trashed comment":  {"comment in the trash", "comments in the trash"},
	"empty comment":    {"empty comment", "empty comments"},
	"orphaned comment": {"comment of a story deleted here since", "comments of stories deleted here since"},
}

// SkipLabel says n things of an ImportReport.Skipped kind.
func SkipLabel(kind string, n int) string {
	l, ok := skipLabels[kind]
	if !ok {
		l = [2]string{kind, kind}
	}
	if n == 1 {
		return "1 " + l[0]
	}
	return strconv.Itoa(n) + " " + l[1]
}

// skippedType is the Skipped kind of a post that is not a post.
func skippedType(t string) string {
	if _, ok := skipLabels[t]; ok {
		return t
	}
	return "other"
}

// storyStatus is what a post's WordPress status becomes; "" leaves it out.
func storyStatus(p wxr.Post) string {
	switch p.Status {
	case "publish":
		if p.Password {
			return model.StoryDraft // it was not public
		}
		return model.StoryPublished
	case "draft", "pending", "future", "private":
		return model.StoryDraft
	}
	return "" // trash, auto-draft, inherit
}

// post writes one post (unless an earlier run did) and its new comments,
// and returns what it brought and its old addresses.
func (run *importRun) post(ctx context.Context, p wxr.Post) ([]model.ImportedThing, []model.OldLink, error) {
	if p.Type != "post" {
		run.rep.Skipped[skippedType(p.Type)]++
		return nil, nil, nil
	}
	run.rep.Posts++
	status := storyStatus(p)
	if status == "" {
		run.rep.Skipped["trashed post"]++
		return nil, nil, nil
	}
	var things []model.ImportedThing
	var links []model.OldLink
	var storyID int64
	if prev, ok := run.stories[p.ID]; ok {
		run.rep.Existing++
		storyID = prev.LocalID
		if !run.hasNewComments(p) {
			return nil, nil, nil
		}
		// An advisor may have deleted the story since: its comments go
		// with it.
		if _, err := run.s.store.StoryByID(ctx, storyID); model.ErrorCode(err) == model.ENOTFOUND {
			run.rep.Skipped["orphaned comment"] += len(p.Comments)
			return nil, nil, nil
		} else if err != nil {
			return nil, nil, err
		}
	} else {
		secID, secThings, secLinks, err := run.section(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		things, links = append(things, secThings...), append(links, secLinks...)
		st, err := run.story(ctx, p, status, secID)
		if err != nil {
			return nil, nil, err
		}
		storyID = st.ID
		things = append(things, model.ImportedThing{Kind: model.ImportedStory, WPID: p.ID, LocalID: st.ID, Made: true})
		links = append(links, run.postLinks(p, st.ID)...)
	}
	cts, err := run.postComments(ctx, p, storyID)
	if err != nil {
		return nil, nil, err
	}
	return append(things, cts...), links, nil
}

func (run *importRun) hasNewComments(p wxr.Post) bool {
	for _, c := range p.Comments {
		if _, ok := run.comments[c.ID]; !ok && commentStatus(c) != "" {
			return true
		}
	}
	return false
}

// section returns the section of a post's first category, making it (or
// taking the site's section of that address) the first time.
func (run *importRun) section(ctx context.Context, p wxr.Post) (int64, []model.ImportedThing, []model.OldLink, error) {
	cat := wxr.Category{Slug: "uncategorized", Name: "Uncategorized"}
	for _, pc := range p.Categories {
		if pc.Slug == "" {
			continue
		}
		if c, ok := run.head.categories[pc.Slug]; ok {
			cat = c
		} else {
			cat = wxr.Category{Slug: pc.Slug, Name: pc.Name}
		}
		break
	}
	if cat.Name == "" {
		cat.Name = cat.Slug
	}
	key := catKey(cat)
	if prev, ok := run.sections[key]; ok {
		return prev.LocalID, nil, nil, nil
	}
	slug := markup.Slugify(cat.Slug)
	thing := model.ImportedThing{Kind: model.ImportedSection, WPID: key}
	if id, ok := run.sectionBySlug[slug]; ok {
		thing.LocalID = id
	} else {
		sec := &model.Section{Slug: slug, Name: cat.Name, Description: cat.Description, Position: run.nextPosition}
		if err := run.s.AddSection(ctx, sec); err != nil {
			return 0, nil, nil, fmt.Errorf("section %q: %w", cat.Name, err)
		}
		run.nextPosition++
		run.sectionBySlug[slug] = sec.ID
		thing.LocalID, thing.Made = sec.ID, true
		run.rep.Sections++
	}
	run.sections[key] = thing
	links := []model.OldLink{{Path: OldPath(run.head.basePath+"/category/"+cat.Slug+"/", ""), SectionID: thing.LocalID}}
	if cat.ID != 0 {
		links = append(links, model.OldLink{Path: OldPath(run.head.basePath+"/", "cat="+strconv.FormatInt(cat.ID, 10)), SectionID: thing.LocalID})
	}
	return thing.LocalID, []model.ImportedThing{thing}, links, nil
}

// catKey is the id a category is recorded under: WordPress's term id, or,
// for a category a post names that the head does not list, a number made
// from its slug (negative, so it never meets a term id).
func catKey(c wxr.Category) int64 {
	if c.ID > 0 {
		return c.ID
	}
	var h int64 = 1469598103934665603
	for _, b := range []byte(c.Slug) {
		h = (h ^ int64(b)) * 1099511628211
	}
	if h > 0 {
		h = -h
	}
	if h == 0 {
		h = -1
	}
	return h
}

// story writes a post as a story.
func (run *importRun) story(ctx context.Context, p wxr.Post, status string, sectionID int64) (*model.Story, error) {
	letter, reply, ok := wxr.Split(p.Content)
	if !ok {
		run.rep.Unsplit++
	}
	title := p.Title
	if title == "" {
		title = markup.Excerpt(wxr.PlainText(p.Content), 60)
	}
	if title == "" {
		title = "Untitled"
	}
	if strings.TrimSpace(reply) == "" && strings.TrimSpace(letter) == "" {
		status = model.StoryDraft // nothing to show
	}
	slug := "" // made from the title
	if p.Slug != "" {
		slug = markup.Slugify(p.Slug)
	}
	st := &model.Story{
		Slug: slug, SectionID: sectionID, Title: title, Letter: letter, Reply: reply,
		AdvisorName: run.head.authors[p.Creator], Status: status, CommentsClosed: p.CommentsClosed, Imported: true,
		CreatedAt: p.Date, UpdatedAt: p.Modified,
	}
	if st.AdvisorName == "" {
		st.AdvisorName = p.Creator
	}
	if st.CreatedAt.IsZero() {
		st.CreatedAt = run.s.Now()
	}
	if st.UpdatedAt.Before(st.CreatedAt) {
		st.UpdatedAt = st.CreatedAt
	}
	if status == model.StoryPublished {
		st.PublishedAt = st.CreatedAt
	}
	if err := run.s.AddStory(ctx, st); err != nil {
		return nil, err
	}
	run.rep.Stories++
	return st, nil
}

// postLinks are the addresses WordPress gave a post: its own link, and the
// forms of every permalink setting (an old link may use any of them).
func (run *importRun) postLinks(p wxr.Post, storyID int64) []model.OldLink {
	base := run.head.basePath
	var paths []string
	if u, err := url.Parse(p.Link); err == nil && (u.Path != "" || u.RawQuery != "") {
		paths = append(paths, OldPath(u.Path, u.RawQuery))
	}
	paths = append(paths, OldPath(base+"/", "p="+strconv.FormatInt(p.ID, 10)))
	if p.Slug != "" {
		paths = append(paths, OldPath(base+"/"+p.Slug+"/", ""))
		if d := p.LocalDate; !d.IsZero() {
			paths = append(paths,
				OldPath(fmt.Sprintf("%s/%04d/%02d/%02d/%s/", base, d.Year(), d.Month(), d.Day(), p.Slug), ""),
				OldPath(fmt.Sprintf("%s/%04d/%02d/%s/", base, d.Year(), d.Month(), p.Slug), ""))
		}
	}
	seen := map[string]bool{}
	var links []model.OldLink
	for _, path := range paths {
		if !seen[path] && path != "/" {
			seen[path] = true
			links = append(links, model.OldLink{Path: path, StoryID: storyID})
		}
	}
	return links
}

// commentStatus is what a WordPress comment becomes; "" leaves it out.
func commentStatus(c wxr.Comment) string {
	if c.Type != "" && c.Type != "comment" {
		return "" // pingbacks and trackbacks
	}
	switch c.Approved {
	case "1":
		return model.CommentApproved
	case "0":
		return model.CommentPending
	}
	return "" // spam, trash, post-trashed
}

// postComments writes a post's comments that no run wrote yet, parents
// before their answers. Confide threads one level deep: an answer to an
// answer joins its first comment's thread, and an answer to a comment left
// out (spam) stands alone.
func (run *importRun) postComments(ctx context.Context, p wxr.Post, storyID int64) ([]model.ImportedThing, error) {
	cs := append([]wxr.Comment(nil), p.Comments...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	byID := map[int64]wxr.Comment{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	var things []model.ImportedThing
	pending := cs
	for len(pending) > 0 {
		var later []wxr.Comment
		for _, c := range pending {
			if _, ok := run.comments[c.ID]; ok {
				continue
			}
			status := commentStatus(c)
			body := strings.TrimSpace(wxr.PlainText(c.Content))
			if status == "" || body == "" {
				run.rep.Skipped[skipReason(c, body)]++
				continue
			}
			var parent int64
			if c.ParentID != 0 {
				pc, inFile := byID[c.ParentID]
				prev, done := run.comments[c.ParentID]
				switch {
				case done:
					root, err := run.threadRoot(ctx, prev.LocalID)
					if err != nil {
						return nil, err
					}
					parent = root
				case inFile && commentStatus(pc) != "" && strings.TrimSpace(wxr.PlainText(pc.Content)) != "":
					later = append(later, c) // its parent comes later in the file
					continue
				}
			}
			cm := &model.Comment{StoryID: storyID, ParentID: parent, AuthorName: c.Author, AuthorEmail: importEmail(c.Email),
				Body: body, Status: status, CreatedAt: c.Date}
			if cm.AuthorName == "" {
				cm.AuthorName = "Anonymous"
			}
			if cm.CreatedAt.IsZero() {
				cm.CreatedAt = p.Date
			}
			if status == model.CommentPending {
				cm.HeldReason = "waiting for moderation on the old site (imported)"
			}
			if err := run.s.AddComment(ctx, cm); err != nil {
				return nil, fmt.Errorf("comment %d: %w", c.ID, err)
			}
			run.parents[cm.ID] = parent
			run.comments[c.ID] = model.ImportedThing{Kind: model.ImportedComment, WPID: c.ID, LocalID: cm.ID, Made: true}
			things = append(things, run.comments[c.ID])
			run.rep.Comments++
		}
		if len(later) == len(pending) {
			// A loop of parents (a broken export): the rest stand alone.
			for i := range later {
				later[i].ParentID = 0
			}
		}
		pending = later
	}
	return things, nil
}

// threadRoot returns the first comment of the thread of comment id (ours).
func (run *importRun) threadRoot(ctx context.Context, id int64) (int64, error) {
	parent, ok := run.parents[id]
	if !ok { // written by an earlier run
		c, err := run.s.store.CommentByID(ctx, id)
		if err != nil {
			return 0, err
		}
		parent = c.ParentID
	}
	if parent != 0 {
		return parent, nil
	}
	return id, nil
}

func skipReason(c wxr.Comment, body string) string {
	switch {
	case c.Type == "pingback" || c.Type == "trackback":
		return c.Type
	case c.Type != "" && c.Type != "comment":
		return "other"
	case c.Approved == "spam":
		return "spam"
	case c.Approved != "1" && c.Approved != "0":
		return "trashed comment"
	}
	return "empty comment"
}

// importEmail keeps a commenter's address when it looks like one.
func importEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	if at := strings.LastIndexByte(e, '@'); at <= 0 || at == len(e)-1 || strings.ContainsAny(e, " \r\n<>") {
		return ""
	}
	return e
}

// OldPath is the key an old address is kept and looked up under: the path
// lower-cased, ending in "/", and of its query only what WordPress's plain
// links use (p=ID for a post, cat=ID for a category). path is decoded
// (url.URL.Path), rawQuery as sent.
func OldPath(path, rawQuery string) string {
	path = strings.ToLower(path)
	for strings.Contains(path, "//") {
		path = strings.ReplaceAll(path, "//", "/")
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if rawQuery == "" {
		return path
	}
	q, _ := url.ParseQuery(rawQuery)
	for _, k := range []string{"p", "cat"} {
		if v := q.Get(k); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
				return path + "?" + k + "=" + strconv.FormatInt(n, 10)
			}
			return ""
		}
	}
	return path
}

// OldLinkTarget returns where an address of the site Confide replaced now
// lives (a story's or a section's address), or a not-found error.
func (s *Service) OldLinkTarget(ctx context.Context, path, rawQuery string) (string, error) {
	key := OldPath(path, rawQuery)
	if key == "" {
		return "", model.ErrNotFound
	}
	l, err := s.store.OldLink(ctx, key)
	if err != nil {
		return "", err
	}
	if l.StoryID != 0 {
		st, err := s.store.StoryByID(ctx, l.StoryID)
		if err != nil {
			return "", err
		}
		if !st.IsPublished() {
			return "", model.ErrNotFound
		}
		return "/stories/" + st.Slug, nil
	}
	sec, err := s.store.SectionByID(ctx, l.SectionID)
	if err != nil {
		return "", err
	}
	return "/sections/" + sec.Slug, nil
}
