package helplines

import "testing"

func TestBuiltin(t *testing.T) {
	d := Builtin()
	if n := len(d.Countries()); n != 26 {
		t.Errorf("%d countries, want the 26 confirmed", n)
	}
	for _, l := range d.All() {
		if l.Phone == "" || l.Service == "" || l.Sources == "" || l.Checked == "" {
			t.Errorf("incomplete row: %+v", l)
		}
	}
	if gb := d.For("GB"); len(gb) != 1 || gb[0].Phone != "116 123" || d.Emergency("GB") != "999" {
		t.Errorf("GB: %+v %q", gb, d.Emergency("GB"))
	}
	if d.Emergency("CH") != "" {
		t.Error("an emergency number not in the sources")
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	d := Builtin()
	for header, want := range map[string]string{
		"en-GB,en;q=0.9":                "GB",
		"de-AT,de;q=0.9,en;q=0.8":       "AT",
		"de":                            "DE",
		"en":                            "",
		"en-US":                         "US",
		"fr-CA,fr;q=0.9":                "CA",
		"en;q=0.9,pt-BR":                "BR", // the higher weight wins
		"xx-YY, zz":                     "",
		"":                              "",
		"*":                             "",
		"nb-NO":                         "NO",
		"en-gb":                         "GB",
		"es-419,es;q=0.9":               "ES", // a region code that is no country: the language decides
		"en-AU;q=0.5,en-NZ;q=0.8,de-CH": "CH",
	} {
		if got := d.FromAcceptLanguage(header); got != want {
			t.Errorf("%q: %q, want %q", header, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := Parse("GB\tUK\tS\n", ""); err == nil {
		t.Error("short row accepted")
	}
	if _, err := Parse("", "gb\t999\n"); err == nil {
		t.Error("lower-case code accepted")
	}
}
