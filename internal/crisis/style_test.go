package crisis

import (
	"reflect"
	"testing"
)

func TestStyleCheck(t *testing.T) {
	for text, want := range map[string][]string{
		"Her brother committed suicide last year.":                       {"committed suicide"},
		"People who commit suicide":                                      {"commit suicide"},
		"After a failed attempt she got help. A successful suicide":      {"failed attempt", "successful suicide"},
		"It was not attention-seeking, and not a cry for help.":          {"attention-seeking", "cry for help"},
		"He died by suicide; she survived an attempt.":                   nil,
		"We will not discuss suicide methods here.":                      {"suicide methods"},
		"She is committed to her work; suicide prevention matters.":      nil,
		"Ihr Bruder hat Selbstmord begangen.":                            {"Selbstmord begangen"},
		"Er beging im Frühjahr Suizid.":                                  {"beging im Frühjahr Suizid"},
		"Der Freitod ihres Vaters":                                       {"Freitod"},
		"Nach einem gescheiterten Suizidversuch bekam sie Hilfe.":        {"gescheiterten Suizidversuch"},
		"Das war kein Hilfeschrei, sie will nur Aufmerksamkeit.":         {"Hilfeschrei", "will nur Aufmerksamkeit"},
		"Wir sprechen hier nicht über Suizidmethoden.":                   {"Suizidmethoden"},
		"Er ist durch Suizid gestorben; sie hat einen Versuch überlebt.": nil,
		"Ein Selbstmörder":                                               {"Selbstmörder"},
	} {
		var got []string
		for _, n := range StyleCheck(text) {
			got = append(got, n.Found)
			if n.Suggest == "" || n.Why == "" {
				t.Errorf("%q: a note without a suggestion", text)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}
