package crisis

import (
	"math"
)

// Example is one labelled text for training the model.
type Example struct {
	Text   string
	Tier   Tier
	Weight float64 // how much it counts (1 when 0)
}

// TrainOptions are the model's few settings.
type TrainOptions struct {
	L2            float64 // weight decay: larger keeps weights small and the model general
	Iterations    int
	MinCount      int     // a feature seen in fewer examples is left out
	Threshold     float64 // Urgent's, written into the model
	HighThreshold float64 // High's
	RiskThreshold float64 // Risk's
}

// DefaultTraining are the settings the shipped model was trained with,
// chosen by leaving each labelled set out in turn (model_test.go).
var DefaultTraining = TrainOptions{L2: 0.0001, Iterations: 400, MinCount: 2, Threshold: 0.7, HighThreshold: 0.7, RiskThreshold: 0.7}

// Train fits the model's scorers to the examples: Urgent to medium and
// high against the rest, High to high against the rest, Risk to low,
// medium and high against none. It is
// deterministic: the same examples give the same model.
func Train(l *Lists, examples []Example, opt TrainOptions) *Model {
	index := map[string]int{}
	var names []string
	count := map[string]int{}
	featsOf := make([][]string, len(examples))
	d := New(l) // the words a [not] phrase covers are left out, as Detect leaves them
	for i, e := range examples {
		featsOf[i] = features(l, d.modelWords(l.replace(tokenize(e.Text))))
		for _, f := range featsOf[i] {
			count[f]++
		}
	}
	rows := make([][]int, len(examples))
	for i := range examples {
		for _, f := range featsOf[i] {
			if count[f] < opt.MinCount {
				continue
			}
			j, ok := index[f]
			if !ok {
				j = len(names)
				index[f] = j
				names = append(names, f)
			}
			rows[i] = append(rows[i], j)
		}
	}
	urgent := fit(rows, examples, len(names), opt, func(t Tier) bool { return t >= Medium })
	high := fit(rows, examples, len(names), opt, func(t Tier) bool { return t == High })
	risk := fit(rows, examples, len(names), opt, func(t Tier) bool { return t >= Low })
	m := &Model{Urgent: scorer(urgent, names, opt.Threshold), High: scorer(high, names, opt.HighThreshold), Risk: scorer(risk, names, opt.RiskThreshold)}
	return m.prepare()
}

// fitted is a trained scorer: its bias and a weight per feature index.
type fitted struct {
	bias float64
	w    []float64
}

// fit is logistic regression of one label: both classes given equal total
// weight, L2 decay, AdaGrad steps over the whole set.
func fit(rows [][]int, examples []Example, nfeat int, opt TrainOptions, label func(Tier) bool) fitted {
	ys := make([]float64, len(rows))
	wgts := make([]float64, len(rows))
	var pos, neg float64
	for i, e := range examples {
		w := e.Weight
		if w == 0 {
			w = 1
		}
		wgts[i] = w
		if label(e.Tier) {
			ys[i] = 1
			pos += w
		} else {
			neg += w
		}
	}
	for i := range wgts {
		if ys[i] == 1 {
			wgts[i] = wgts[i] / pos / 2
		} else {
			wgts[i] = wgts[i] / neg / 2
		}
	}
	w := make([]float64, nfeat)
	hist := make([]float64, nfeat)
	grad := make([]float64, nfeat)
	var bias, biasHist float64
	const rate = 0.5
	for it := 0; it < opt.Iterations; it++ {
		for j := range grad {
			grad[j] = opt.L2 * w[j]
		}
		var gb float64
		for i, r := range rows {
			z := bias
			for _, j := range r {
				z += w[j]
			}
			d := wgts[i] * (sigmoid(z) - ys[i])
			gb += d
			for _, j := range r {
				grad[j] += d
			}
		}
		for j, g := range grad {
			hist[j] += g * g
			if hist[j] > 0 {
				w[j] -= rate * g / math.Sqrt(hist[j])
			}
		}
		biasHist += gb * gb
		if biasHist > 0 {
			bias -= rate * gb / math.Sqrt(biasHist)
		}
	}
	return fitted{bias, w}
}

// scorer keeps the weights that change a passage's reading, rounded to the
// four places the file holds, so that the trained model and the one read
// back from its file are the same.
func scorer(f fitted, names []string, threshold float64) Scorer {
	s := Scorer{Bias: math.Round(f.bias*1e4) / 1e4, Threshold: threshold, Weights: map[string]float64{}}
	for j, name := range names {
		if math.Abs(f.w[j]) >= 0.005 {
			s.Weights[name] = math.Round(f.w[j]*1e4) / 1e4
		}
	}
	return s
}
