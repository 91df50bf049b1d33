package corpus

import "strings"

// vocabulary is ordered roughly from the most to the least frequent in the
// kind of English people write in letters about their lives: function words
// first, then everyday words, then the words of feelings, family, work and
// money. Written for this project; a Zipf distribution over the order gives
// the corpus realistic word frequencies (a few words very common, a long
// tail of rare ones), which is what search and compression see in real sites.
var vocabulary = append(strings.Fields(common), tail(12000)...)

// common is the hand-written head of the vocabulary.
const common = `
the I and to a of my it that in is was me he not for but have with we on be you this so
at do she they all had his her are just what as when about or like because if him one
can from them would there no out know up been feel time how get even very think now
more really some go then want our has years life because who been did could much never
still people going way things said back tell make day love over always also only help
something year friends home work family felt dont ive told us things talk see feel new
first any other long since thought every ago started again husband wife partner mother
father son daughter children job money sister brother friend anything nothing everything
into last night through after before where lot myself why feeling good bad better same
little while say got well away few right find hard something here need take those come
months week weeks days together alone afraid lonely tired angry sad happy scared worried
these which than being down around both cannot help mind heart head hurt trust talk
understand relationship marriage divorce boyfriend girlfriend parents school university
house live living moved city town evening morning weekend night sleep eat drink cry
again told asked wanted tried thinking talking looking working trying getting nobody
everyone someone anyone without against between almost enough already sometimes often
maybe perhaps probably especially actually honestly anymore though although whether
should must might may will shall can't won't wouldn't couldn't didn't doesn't isn't
wasn't haven't hasn't hadn't I'm I've I'd you're he's she's it's that's there's
own whole next old young small big great best worst last least most many such
each another same different important difficult possible true real sure certain
world place room door phone message messages call called calls letter write wrote
day today tomorrow yesterday hour hours minute moment past future start end
change changed changes chance choice choose decision decide decided plan plans
hope hoped hopes wish wished dream dreams fear fears worry worries stress pressure
anxiety depression panic attack attacks therapy therapist counsellor doctor medicine
sleepless exhausted empty numb hopeless worthless guilty ashamed embarrassed jealous
cheated cheating lied lying lies secret secrets truth honest promise promised
argue argued arguing argument fight fought shout shouted silence quiet distance
miss missed missing lost lose losing loss grief died death funeral illness sick
debt debts loan loans rent mortgage bills bank salary pay paid unemployed fired
boss manager colleague colleagues office career promotion interview application
exam exams grades study studying student teacher class lessons homework
baby pregnant child childhood teenage teenager grandmother grandfather aunt uncle
cousin cousins neighbour neighbours group club team church volunteer walk walking
running gym music book books film films television games game garden dog cat
holiday summer winter spring autumn christmas birthday wedding anniversary party
kitchen table bed car train bus street road park sea beach mountain village
body weight tired pain ache headache heartbeat breathing breath tears smile laugh
kind kindness gentle warm cold harsh cruel unfair fair patient impatient selfish
respect respected support supported encourage listen listened listening heard hear
voice words word sentence question answer answered reply advice opinion idea
strength courage weakness failure success proud pride shame blame fault sorry
forgive forgiveness apologise apology accept accepted reject rejected refused
care cared caring comfort safe safety danger dangerous risk harm hurt hurting
normal strange weird stupid silly crazy mad upset calm relaxed nervous shy
confident confidence lonely loneliness isolated isolation connection connected
future tomorrow someday somewhere somehow anyway whatever whenever wherever
`

// tail makes n distinct made-up words from English-like syllables, in a fixed
// order. Real text has a long tail of rare words (names, places, jargon);
// without one every story would contain nearly every word, and search, which
// lives on rare words, would be measured on a corpus unlike any real site.
func tail(n int) []string {
	onsets := strings.Fields("b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sc sh sl sp st str t th tr v w")
	vowels := strings.Fields("a e i o u ai ea ee oa ou")
	codas := strings.Fields("ck ft ld lm mp nd ng nt rd rk rn rt sh sk st th")
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		// Walk the syllable space with strides that are prime to its sizes,
		// so neighbouring words differ in every part.
		a, b, c := onsets[i%len(onsets)], vowels[(i*7)%len(vowels)], codas[(i*5)%len(codas)]
		d, e := onsets[(i/len(onsets)*11+i)%len(onsets)], vowels[(i/len(vowels)*3+i)%len(vowels)]
		w := a + b + c
		if i%3 != 0 {
			w = a + b + d + e + c
		}
		if i >= 3*len(onsets)*len(vowels)*len(codas) {
			w += strings.Repeat("er", i/(3*len(onsets)*len(vowels)*len(codas)))
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// Vocabulary returns the corpus's words, commonest first.
func Vocabulary() []string { return append([]string(nil), vocabulary...) }
