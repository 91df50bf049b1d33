package model

import "time"

// Role is what an account may do.
type Role string

// The roles. Admins do everything; advisors answer letters and publish
// stories; moderators look after comments.
const (
	RoleAdmin     Role = "admin"
	RoleAdvisor   Role = "advisor"
	RoleModerator Role = "moderator"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleAdvisor, RoleModerator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Permission names one area of the admin site.
type Permission string

// The areas of the admin site.
const (
	PermDashboard Permission = "dashboard"
	PermStories   Permission = "stories"
	PermSections  Permission = "sections"
	PermComments  Permission = "comments"
	PermLetters   Permission = "letters"
	PermSite      Permission = "site" // settings and editable pages
	PermUsers     Permission = "users"
	PermAudit     Permission = "audit"
	PermOutbox    Permission = "outbox"
)

var rolePermissions = map[Role][]Permission{
	RoleAdvisor:   {PermDashboard, PermStories, PermSections, PermComments, PermLetters},
	RoleModerator: {PermDashboard, PermComments},
}

// Can reports whether role r may use the area p. Admins may use every area.
func (r Role) Can(p Permission) bool {
	if r == RoleAdmin {
		return true
	}
	for _, q := range rolePermissions[r] {
		if q == p {
			return true
		}
	}
	return false
}

// User is an account of the people who run the site.
type User struct {
	ID           int64
	Email        string // lower-case
	Name         string
	Role         Role
	PasswordHash string
	TOTPSecret   string    // base32; empty while two-factor login is off
	TOTPLastStep int64     // the last 30-second step a code was accepted for
	DisabledAt   time.Time // zero while the account may log in
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// HasTwoFactor reports whether logging in needs a code too.
func (u *User) HasTwoFactor() bool { return u.TOTPSecret != "" }

// Disabled reports whether the account is switched off.
func (u *User) Disabled() bool { return !u.DisabledAt.IsZero() }

// AuditEntry is one line of the admin audit log.
type AuditEntry struct {
	ID        int64
	UserID    int64
	UserName  string // filled by reads
	Action    string // "story.publish", "user.create", …
	Detail    string
	CreatedAt time.Time
}

// Counts are the numbers on the admin dashboard.
type Counts struct {
	Stories, Published, Drafts int
	Comments, CommentsPending  int
	LettersWaiting             int // letters that need an advisor
	Users                      int
}

// Password token purposes.
const (
	TokenReset  = "reset"
	TokenInvite = "invite"
)

// PasswordToken lets its holder set an account's password once.
type PasswordToken struct {
	Hash      string
	UserID    int64
	Purpose   string
	ExpiresAt time.Time
	UsedAt    time.Time
	CreatedAt time.Time
}

// Session is one of an account's logged-in sessions, as its owner sees it.
type Session struct {
	Created, Seen, Expires time.Time
	Current                bool // the session looking at the list
}
