package service

import "testing"

// A story list's pager offers at most its cap of pages, however many
// stories there are.
func TestCapPages(t *testing.T) {
	for _, tc := range []struct{ total, pages, want int }{
		{0, HomePages, 0},
		{12, HomePages, 12},
		{100000, HomePages, HomePages * StoriesPerPage},
		{25000, SectionPages, 25000},
		{100000, SectionPages, SectionPages * StoriesPerPage},
	} {
		if got := capPages(tc.total, tc.pages); got != tc.want {
			t.Errorf("capPages(%d, %d) = %d, want %d", tc.total, tc.pages, got, tc.want)
		}
	}
}
