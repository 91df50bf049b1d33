package web

import (
	"net/http"

	"github.com/confide/confide/internal/model"
)

// adminRoute is one admin page or action and the permission it needs.
type adminRoute struct {
	Method, Pattern string
	Perm            model.Permission
	handler         func(*Server) handlerFunc
}

// adminRoutes is the whole admin area. The access-control test walks it, so
// a route added here is checked for every role.
var adminRoutes = []adminRoute{
	{"GET", "/admin/{$}", model.PermDashboard, func(s *Server) handlerFunc { return s.dashboard }},
	{"POST", "/admin/logout", model.PermDashboard, func(s *Server) handlerFunc { return s.logout }},
	{"GET", "/admin/audit", model.PermAudit, func(s *Server) handlerFunc { return s.auditLog }},
	{"GET", "/admin/account", model.PermDashboard, func(s *Server) handlerFunc { return s.accountPage }},
	{"GET", "/admin/account/2fa", model.PermDashboard, func(s *Server) handlerFunc { return s.setupTOTPForm }},
	{"POST", "/admin/account/2fa", model.PermDashboard, func(s *Server) handlerFunc { return s.setupTOTP }},
	{"POST", "/admin/account/2fa/disable", model.PermDashboard, func(s *Server) handlerFunc { return s.disableTOTP }},
	{"POST", "/admin/account/password", model.PermDashboard, func(s *Server) handlerFunc { return s.changePassword }},
	{"POST", "/admin/account/email", model.PermDashboard, func(s *Server) handlerFunc { return s.changeEmail }},
	{"POST", "/admin/account/sessions/end", model.PermDashboard, func(s *Server) handlerFunc { return s.endOtherSessions }},

	{"GET", "/admin/stories", model.PermStories, func(s *Server) handlerFunc { return s.adminStories }},
	{"GET", "/admin/search", model.PermStories, func(s *Server) handlerFunc { return s.adminSearch }},
	{"GET", "/admin/stories/new", model.PermStories, func(s *Server) handlerFunc { return s.newStory }},
	{"POST", "/admin/stories", model.PermStories, func(s *Server) handlerFunc { return s.createStory }},
	{"GET", "/admin/stories/{id}", model.PermStories, func(s *Server) handlerFunc { return s.editStory }},
	{"POST", "/admin/stories/{id}", model.PermStories, func(s *Server) handlerFunc { return s.updateStory }},
	{"POST", "/admin/stories/{id}/publish", model.PermStories, func(s *Server) handlerFunc { return s.storyStatus(model.StoryPublished) }},
	{"POST", "/admin/stories/{id}/unpublish", model.PermStories, func(s *Server) handlerFunc { return s.storyStatus(model.StoryDraft) }},
	{"GET", "/admin/stories/{id}/delete", model.PermStories, func(s *Server) handlerFunc { return s.confirmDeleteStory }},
	{"POST", "/admin/stories/{id}/delete", model.PermStories, func(s *Server) handlerFunc { return s.deleteStory }},

	{"POST", "/admin/stories/{id}/comments/close", model.PermStories, func(s *Server) handlerFunc { return s.closeComments(true) }},
	{"POST", "/admin/stories/{id}/comments/open", model.PermStories, func(s *Server) handlerFunc { return s.closeComments(false) }},

	{"GET", "/admin/letters", model.PermLetters, func(s *Server) handlerFunc { return s.adminLetters }},
	{"POST", "/admin/letters/pause", model.PermSite, func(s *Server) handlerFunc { return s.pauseLetters }},
	{"GET", "/admin/letters/{id}", model.PermLetters, func(s *Server) handlerFunc { return s.adminLetter }},
	{"POST", "/admin/letters/{id}", model.PermLetters, func(s *Server) handlerFunc { return s.letterCaseAction }},
	{"GET", "/admin/letters/{id}/publication", model.PermLetters, func(s *Server) handlerFunc { return s.adminPublication }},
	{"POST", "/admin/letters/{id}/publication", model.PermLetters, func(s *Server) handlerFunc { return s.savePublication }},

	{"GET", "/admin/templates", model.PermLetters, func(s *Server) handlerFunc { return s.replyTemplates }},
	{"POST", "/admin/templates", model.PermLetters, func(s *Server) handlerFunc { return s.saveReplyTemplate }},
	{"POST", "/admin/templates/{id}/delete", model.PermLetters, func(s *Server) handlerFunc { return s.deleteReplyTemplate }},

	{"GET", "/admin/comments", model.PermComments, func(s *Server) handlerFunc { return s.adminComments }},
	{"POST", "/admin/comments", model.PermComments, func(s *Server) handlerFunc { return s.moderateComments }},
	{"GET", "/admin/comments/{id}", model.PermComments, func(s *Server) handlerFunc { return s.editComment }},
	{"POST", "/admin/comments/{id}", model.PermComments, func(s *Server) handlerFunc { return s.updateComment }},
	{"GET", "/admin/antispam", model.PermSite, func(s *Server) handlerFunc { return s.antiSpam }},
	{"POST", "/admin/antispam", model.PermSite, func(s *Server) handlerFunc { return s.updateAntiSpam }},
	{"POST", "/admin/antispam/rules", model.PermSite, func(s *Server) handlerFunc { return s.addBlockRule }},
	{"POST", "/admin/antispam/rules/{id}/delete", model.PermSite, func(s *Server) handlerFunc { return s.deleteBlockRule }},

	{"GET", "/admin/sections", model.PermSections, func(s *Server) handlerFunc { return s.adminSections }},
	{"POST", "/admin/sections", model.PermSections, func(s *Server) handlerFunc { return s.createSection }},
	{"GET", "/admin/sections/{id}", model.PermSections, func(s *Server) handlerFunc { return s.editSection }},
	{"POST", "/admin/sections/{id}", model.PermSections, func(s *Server) handlerFunc { return s.updateSection }},
	{"POST", "/admin/sections/{id}/move", model.PermSections, func(s *Server) handlerFunc { return s.moveSection }},

	{"GET", "/admin/settings", model.PermSite, func(s *Server) handlerFunc { return s.settingsForm }},
	{"POST", "/admin/settings", model.PermSite, func(s *Server) handlerFunc { return s.updateSettings }},
	{"GET", "/admin/pages/{slug}", model.PermSite, func(s *Server) handlerFunc { return s.editPage }},
	{"POST", "/admin/pages/{slug}", model.PermSite, func(s *Server) handlerFunc { return s.updatePage }},

	{"GET", "/admin/users", model.PermUsers, func(s *Server) handlerFunc { return s.adminUsers }},
	{"POST", "/admin/users", model.PermUsers, func(s *Server) handlerFunc { return s.inviteUser }},
	{"POST", "/admin/users/{id}/role", model.PermUsers, func(s *Server) handlerFunc { return s.changeRole }},
	{"POST", "/admin/users/{id}/disable", model.PermUsers, func(s *Server) handlerFunc { return s.setDisabled(true) }},
	{"POST", "/admin/users/{id}/enable", model.PermUsers, func(s *Server) handlerFunc { return s.setDisabled(false) }},
	{"POST", "/admin/users/{id}/reset-2fa", model.PermUsers, func(s *Server) handlerFunc { return s.resetTOTP }},

	{"GET", "/admin/helplines", model.PermSite, func(s *Server) handlerFunc { return s.adminHelplines }},
	{"POST", "/admin/helplines", model.PermSite, func(s *Server) handlerFunc { return s.addHelpline }},
	{"POST", "/admin/helplines/{id}/delete", model.PermSite, func(s *Server) handlerFunc { return s.deleteHelpline }},
	{"GET", "/admin/privacy", model.PermSite, func(s *Server) handlerFunc { return s.adminPrivacy }},
	{"POST", "/admin/privacy", model.PermSite, func(s *Server) handlerFunc { return s.adminPrivacyAction }},
	{"GET", "/admin/outbox", model.PermOutbox, func(s *Server) handlerFunc { return s.adminOutbox }},
	{"GET", "/admin/outbox/{id}", model.PermOutbox, func(s *Server) handlerFunc { return s.adminOutboxMessage }},
}

// RouteInfo describes an admin route for tests and documentation.
type RouteInfo struct {
	Method, Pattern string
	Perm            model.Permission
}

// AdminRoutes lists every admin route with the permission it needs.
func AdminRoutes() []RouteInfo {
	out := make([]RouteInfo, len(adminRoutes))
	for i, rt := range adminRoutes {
		out[i] = RouteInfo{rt.Method, rt.Pattern, rt.Perm}
	}
	return out
}

// Handler returns the whole site: every route, wrapped in the middleware.
// This list is the index of the site's features.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Reading
	// cached(h, params…) names the query parameters a page reads: only
	// they are part of its cache key.
	mux.Handle("GET /{$}", s.handle(s.oldQueryLinks(s.cached(s.home, "page"))))
	mux.Handle("GET /sections/{slug}", s.handle(s.cached(s.section, "page")))
	mux.Handle("GET /stories/{slug}", s.handle(s.cached(s.story, "page")))
	mux.Handle("GET /comments", s.handle(s.cached(s.comments, "page")))
	mux.Handle("GET /comments/{id}", s.handle(s.commentLink))
	mux.Handle("GET /s/{id}", s.handle(s.shortStory))

	// Writing comments: the form's per-visitor check, posting, the
	// writer's private page, reports and reply notifications.
	mux.Handle("GET /check/new.png", s.handle(s.checkImage))
	mux.Handle("GET /check/audio.wav", s.handle(s.checkAudio))
	mux.Handle("GET /check/{file}", s.handle(s.checkImageByID))
	mux.Handle("GET /stories/{slug}/comments/new", s.handle(s.newComment))
	mux.Handle("POST /stories/{slug}/comments", s.handle(s.postComment))
	mux.Handle("GET /comments/{id}/mine", s.handle(private(s.myComment)))
	mux.Handle("POST /comments/{id}/mine", s.handle(private(s.changeMyComment)))
	mux.Handle("GET /comments/{id}/report", s.handle(s.reportForm))
	mux.Handle("POST /comments/{id}/report", s.handle(s.reportComment))
	mux.Handle("GET /subscriptions/confirm", s.handle(private(s.subscriptionForm("confirm"))))
	mux.Handle("POST /subscriptions/confirm", s.handle(private(s.confirmSubscription)))
	mux.Handle("GET /subscriptions/unsubscribe", s.handle(private(s.subscriptionForm("unsubscribe"))))
	mux.Handle("POST /subscriptions/unsubscribe", s.handle(private(s.unsubscribe)))
	mux.Handle("GET /search", s.handle(s.search))
	mux.Handle("GET /search.atom", s.handle(s.searchFeed))

	// Pages
	mux.Handle("GET /about", s.handle(s.cached(s.editablePage("about"))))
	mux.Handle("GET /privacy", s.handle(s.cached(s.editablePage("privacy"))))
	mux.Handle("GET /help", s.handle(s.help))
	mux.Handle("GET /safety/phrases.json", s.handle(s.safetyPhrases))
	mux.Handle("GET /safety/lines", s.handle(s.safetyLines))
	mux.Handle("GET /share", s.handle(s.cached(s.share)))
	mux.Handle("POST /share", s.handle(s.shareLetter))
	mux.Handle("GET /comments/erase", s.handle(s.eraseCommentsForm))
	mux.Handle("POST /comments/erase", s.handle(s.eraseCommentsRequest))
	mux.Handle("GET /comments/erase/confirm", s.handle(private(s.eraseCommentsConfirm)))
	mux.Handle("POST /comments/erase/confirm", s.handle(private(s.eraseCommentsConfirm)))
	mux.Handle("GET /letters/lost", s.handle(s.lostLinkForm))
	mux.Handle("POST /letters/lost", s.handle(s.lostLink))
	mux.Handle("GET /letters/{token}", s.handle(private(s.letter)))
	mux.Handle("POST /letters/{token}", s.handle(private(s.letterAction)))

	// Feeds and search engines
	mux.Handle("GET /feed.atom", s.handle(s.cached(s.storiesFeed)))
	mux.Handle("GET /sections/{slug}/feed.atom", s.handle(s.cached(s.sectionFeed)))
	mux.Handle("GET /comments/feed.atom", s.handle(s.cached(s.commentsFeed)))
	mux.Handle("GET /sitemap.xml", s.handle(s.cached(s.sitemap)))
	mux.Handle("GET /sitemaps/{file}", s.handle(s.cached(s.sitemapFile)))
	mux.Handle("GET /robots.txt", s.handle(s.robots))

	// Accounts and the admin area: every admin route is in adminRoutes,
	// with the permission it needs.
	sessions := s.sm.LoadAndSave
	mux.Handle("GET /admin/login", sessions(s.handle(private(s.loginForm))))
	mux.Handle("POST /admin/login", sessions(s.handle(private(s.login))))
	mux.Handle("GET /admin/login/code", sessions(s.handle(private(s.secondStepForm))))
	mux.Handle("POST /admin/login/code", sessions(s.handle(private(s.secondStep))))
	mux.Handle("GET /admin/password/forgot", sessions(s.handle(private(s.forgotForm))))
	mux.Handle("POST /admin/password/forgot", sessions(s.handle(private(s.forgot))))
	mux.Handle("GET /admin/password/reset", sessions(s.handle(private(s.resetForm))))
	mux.Handle("POST /admin/password/reset", sessions(s.handle(private(s.reset))))
	mux.Handle("GET /setup", sessions(s.handle(private(s.setupForm))))
	mux.Handle("POST /setup", sessions(s.handle(private(s.setup))))
	mux.Handle("GET /admin", http.RedirectHandler("/admin/", http.StatusMovedPermanently))
	for _, rt := range adminRoutes {
		mux.Handle(rt.Method+" "+rt.Pattern, sessions(s.handle(s.admin(rt.Perm, rt.handler(s)))))
	}

	// Operations and files
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /static/{name}", s.static)
	mux.HandleFunc("GET /favicon.ico", s.favicon)

	// Everything else is a real 404 page.
	mux.Handle("GET /", s.handle(s.notFound))

	return s.middleware(mux)
}
