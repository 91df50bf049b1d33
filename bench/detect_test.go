package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/confide/confide/internal/crisis"
)

// BenchmarkDetect is the crisis detector (lists and scored model) on what
// it reads when a comment is posted (a short one) and when a letter comes
// in (a demo letter with its reply and comments, ~600 words, read as one
// text: the longest the detector meets in a request).
func BenchmarkDetect(b *testing.B) {
	d := crisis.English()
	files, err := filepath.Glob("../internal/demo/content/stories/*.txt")
	if err != nil || len(files) == 0 {
		b.Fatalf("demo letters: %v", err)
	}
	long, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, text string }{
		{"comment", "Thank you for writing this. I went through the same after my divorce and it does get easier, one day at a time."},
		{"letter", string(long)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Detect(c.text)
			}
		})
	}
}
