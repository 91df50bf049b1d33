package model

import "time"

// Settings are the site-wide texts an admin edits. Defaults fill what is unset.
type Settings struct {
	SiteName     string
	Tagline      string
	Mission      string // shown on the home page and under every story
	AdvisorName  string
	Signature    string
	Footer       string
	ContactEmail string
	QuickExitURL string // where "Leave this site" goes: a neutral page
	// LetterRetention is how many months a private letter is kept after
	// it was closed, then erased ("0": until its writer withdraws it).
	LetterRetention string
	// TwoFactor says which staff must log in with a second factor:
	// TwoFactorAll (the default), TwoFactorNotModerators, or TwoFactorOff
	// (the demo site only; no admin page offers it).
	TwoFactor string
	// Language is the tag of the language the site is shown and writes
	// its mail in ("en", "de"; see internal/i18n).
	Language string
}

// Two-factor policies.
const (
	TwoFactorAll           = "all"
	TwoFactorNotModerators = "not_moderators"
	TwoFactorOff           = "off"
)

// Setting keys as stored in the settings table.
const (
	SettingSiteName     = "site_name"
	SettingTagline      = "tagline"
	SettingMission      = "mission"
	SettingAdvisorName  = "advisor_name"
	SettingSignature    = "signature"
	SettingFooter       = "footer"
	SettingContactEmail = "contact_email"
	SettingQuickExitURL = "quick_exit_url"
	SettingRetention    = "letter_retention_months"
	SettingTwoFactor    = "two_factor_required"
	SettingLanguage     = "language"
)

// DefaultSettings are used for every key the database does not hold.
func DefaultSettings() Settings {
	return Settings{
		SiteName:    "Confide",
		Tagline:     "You are not alone",
		Mission:     "People share what weighs on them, an advisor answers with care, and readers who have been there add their support. Reading other stories shows that you are not alone.",
		AdvisorName: "The advisor",
		Footer:      "If you are in danger right now, call your local emergency number.",
		// A weather page: nothing on it says where the reader came from.
		QuickExitURL:    "https://www.bbc.com/weather",
		LetterRetention: "12",
		TwoFactor:       TwoFactorAll,
		Language:        "en",
	}
}

// Page is an admin-editable page such as /about or /privacy. Body is Markdown.
type Page struct {
	Slug      string
	Title     string
	Body      string
	UpdatedAt time.Time
}

// Pagination describes one page of a longer list.
type Pagination struct {
	Number int // 1-based
	Size   int
	Total  int
}

// Pages is the number of pages, at least 1.
func (p Pagination) Pages() int {
	if p.Size <= 0 || p.Total <= 0 {
		return 1
	}
	return (p.Total + p.Size - 1) / p.Size
}

// HasPrev reports whether there is a page before this one.
func (p Pagination) HasPrev() bool { return p.Number > 1 }

// HasNext reports whether there is a page after this one.
func (p Pagination) HasNext() bool { return p.Number < p.Pages() }

// Prev is the previous page number.
func (p Pagination) Prev() int { return p.Number - 1 }

// Next is the next page number.
func (p Pagination) Next() int { return p.Number + 1 }

// Offset is the number of rows before this page.
func (p Pagination) Offset() int {
	if p.Number < 1 {
		return 0
	}
	return (p.Number - 1) * p.Size
}

// Helpline is a crisis line an admin added to the directory.
type Helpline struct {
	ID          int64
	Country     string // ISO 3166 code
	CountryName string
	Service     string
	Phone       string
	Contact     string // text, chat, e-mail
	Web         string
	Hours       string
	Source      string // where it was confirmed
	Checked     string // when
	CreatedAt   time.Time
}

// WorkWaiting is the work the site holds, for metrics.
type WorkWaiting struct {
	Outbox          map[string]int // by status
	CommentsPending int
	LettersOpen     int
}
