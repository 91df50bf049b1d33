package crisis

import "testing"

// Any text gets a tier without a panic; a text the detector finds no
// phrase in is None.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{"I want to die tonight", "k m s", "I would never hurt myself", "ＫＩＬＬ myself", "sooooo tired", "\x00", ""} {
		f.Add(s)
	}
	d := English()
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<14 {
			return
		}
		r := d.Detect(text)
		if r.Tier != None && len(r.Matches) == 0 {
			t.Fatalf("%q: tier %v with no phrase behind it", text, r.Tier)
		}
		d.Touches(text)
		StyleCheck(text)
	})
}
