package crisis

import (
	"math"
)

// Example is one labelled text for training the model.
type Example struct {
	Text   string
	Urgent bool    // medium or high
	Weight float64 // how much it counts (1 when 0)
}

// TrainOptions are the model's few settings.
type TrainOptions struct {
	L2         float64 // weight decay: larger keeps weights small and the model general
	Iterations int
	MinCount   int     // a feature seen in fewer examples is left out
	Threshold  float64 // written into the model
}

// DefaultTraining are the settings the shipped model was trained with,
// chosen by leaving each labelled set out in turn (model_test.go).
var DefaultTraining = TrainOptions{L2: 0.0003, Iterations: 400, MinCount: 2, Threshold: 0.7}

// Train fits the model to the examples: logistic regression, both classes
// given equal total weight, L2 decay, AdaGrad steps over the whole set.
// It is deterministic: the same examples give the same model.
func Train(l *Lists, examples []Example, opt TrainOptions) *Model {
	type row struct {
		feats  []int
		y, wgt float64
	}
	index := map[string]int{}
	var names []string
	count := map[string]int{}
	featsOf := make([][]string, len(examples))
	for i, e := range examples {
		featsOf[i] = features(l, l.replace(tokenize(e.Text)))
		for _, f := range featsOf[i] {
			count[f]++
		}
	}
	var pos, neg float64
	for _, e := range examples {
		w := e.Weight
		if w == 0 {
			w = 1
		}
		if e.Urgent {
			pos += w
		} else {
			neg += w
		}
	}
	rows := make([]row, len(examples))
	for i, e := range examples {
		r := row{wgt: e.Weight}
		if r.wgt == 0 {
			r.wgt = 1
		}
		if e.Urgent {
			r.y, r.wgt = 1, r.wgt/pos/2
		} else {
			r.wgt = r.wgt / neg / 2
		}
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
			r.feats = append(r.feats, j)
		}
		rows[i] = r
	}
	w := make([]float64, len(names))
	hist := make([]float64, len(names))
	grad := make([]float64, len(names))
	var bias, biasHist float64
	const rate = 0.5
	for it := 0; it < opt.Iterations; it++ {
		for j := range grad {
			grad[j] = opt.L2 * w[j]
		}
		var gb float64
		for _, r := range rows {
			z := bias
			for _, j := range r.feats {
				z += w[j]
			}
			d := r.wgt * (sigmoid(z) - r.y)
			gb += d
			for _, j := range r.feats {
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
	m := &Model{Bias: bias, Threshold: opt.Threshold, Weights: map[string]float64{}}
	for j, name := range names {
		// Weights too small to change a passage's reading are left out of
		// the file (rounded to four places when written, as here).
		if math.Abs(w[j]) >= 0.005 {
			m.Weights[name] = math.Round(w[j]*1e4) / 1e4
		}
	}
	m.Bias = math.Round(bias*1e4) / 1e4
	return m
}
