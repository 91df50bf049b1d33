package web

import (
	"net/http"

	"github.com/confide/confide/internal/model"
)

// The addresses of the site Confide replaced (brought by confide import)
// answer with a permanent redirect to what they became, so that old links,
// bookmarks and search engines find the stories.

// oldQueryLinks answers WordPress's plain links ("/?p=12", "/?cat=3")
// before h, the home page: its cache keys on ?page alone and would serve
// them the home page.
func (s *Server) oldQueryLinks(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		if !q.Has("p") && !q.Has("cat") {
			return h(w, r)
		}
		return s.oldLink(w, r)
	}
}

// oldLink redirects an old address, or answers 404.
func (s *Server) oldLink(w http.ResponseWriter, r *http.Request) error {
	target, err := s.svc.OldLinkTarget(r.Context(), r.URL.Path, r.URL.RawQuery)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return model.ErrNotFound
		}
		return err
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently) // #nosec G710 -- a path of this site, made from an id or a slug
	return nil
}
