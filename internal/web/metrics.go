package web

import (
	"context"
	"database/sql"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are what /metrics reports (on --metrics-addr only, never on the
// public listener): requests and their latency by route and status, the
// page cache, the database pools, the work waiting (outbox, comments to
// moderate, letters), search latency and the build.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	cacheHits prometheus.Counter
	cacheMiss prometheus.Counter
	search    prometheus.Histogram
	// byRoute keeps each route and status's counter and histogram
	// (routeKey to *routeMetrics): finding them in the vectors hashes the
	// labels on every request.
	byRoute sync.Map
}

type routeKey struct {
	route  string
	status int
}

type routeMetrics struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// Version is the build's version, for the build-info metric (the command
// sets it).
var Version = "dev"

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "confide_http_requests_total",
		Help: "Requests answered, by route pattern and status."}, []string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "confide_http_request_duration_seconds",
		Help: "Time to answer, by route pattern.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
		[]string{"route"})
	m.cacheHits = prometheus.NewCounter(prometheus.CounterOpts{Name: "confide_page_cache_hits_total", Help: "Pages served from the page cache."})
	m.cacheMiss = prometheus.NewCounter(prometheus.CounterOpts{Name: "confide_page_cache_misses_total", Help: "Cacheable pages rendered afresh."})
	m.search = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "confide_search_duration_seconds",
		Help: "Time to answer a reader's search.", Buckets: []float64{.0025, .005, .01, .025, .05, .1, .25, .5, 1}})
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "confide_build_info", Help: "The running build."}, []string{"version", "goversion"})
	build.WithLabelValues(Version, runtime.Version()).Set(1)
	m.reg.MustRegister(m.requests, m.latency, m.cacheHits, m.cacheMiss, m.search, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observeRequest counts an answered request.
func (m *metrics) observeRequest(route string, status int, took time.Duration) {
	if route == "" {
		route = "other"
	}
	k := routeKey{route, status}
	rm, ok := m.byRoute.Load(k)
	if !ok {
		rm, _ = m.byRoute.LoadOrStore(k, &routeMetrics{
			requests: m.requests.WithLabelValues(route, strconv.Itoa(status)),
			latency:  m.latency.WithLabelValues(route),
		})
	}
	rm.(*routeMetrics).requests.Inc()
	rm.(*routeMetrics).latency.Observe(took.Seconds())
}

// MetricsHandler serves /metrics for the metrics listener. The page cache,
// the database pools and the work waiting are read when scraped.
func (s *Server) MetricsHandler(pools map[string]*sql.DB) http.Handler {
	m := s.metrics
	if s.pages != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "confide_page_cache_bytes",
			Help: "Bytes the page cache holds."}, func() float64 {
			s.pages.mu.Lock()
			defer s.pages.mu.Unlock()
			return float64(s.pages.size)
		}))
	}
	for name, db := range pools {
		db := db
		labels := prometheus.Labels{"pool": name}
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "confide_db_connections_in_use", Help: "Connections in use.",
				ConstLabels: labels}, func() float64 { return float64(db.Stats().InUse) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "confide_db_connections_open", Help: "Connections open.",
				ConstLabels: labels}, func() float64 { return float64(db.Stats().OpenConnections) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "confide_db_waits_total", Help: "Times a query waited for a connection.",
				ConstLabels: labels}, func() float64 { return float64(db.Stats().WaitCount) }),
		)
	}
	m.reg.MustRegister(&workCollector{s: s})
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// workCollector reads the work waiting when scraped.
type workCollector struct{ s *Server }

var (
	outboxDesc  = prometheus.NewDesc("confide_outbox_messages", "Mail in the outbox, by state.", []string{"status"}, nil)
	pendingDesc = prometheus.NewDesc("confide_comments_pending", "Comments waiting for a moderator.", nil, nil)
	lettersDesc = prometheus.NewDesc("confide_letters_open", "Letters not yet answered or closed.", nil, nil)
)

func (c *workCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDesc
	ch <- pendingDesc
	ch <- lettersDesc
}

func (c *workCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	w, err := c.s.svc.WorkWaiting(ctx)
	if err != nil {
		c.s.log.Error("metrics: work waiting", "err", err)
		return
	}
	for status, n := range w.Outbox {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n), status)
	}
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(w.CommentsPending))
	ch <- prometheus.MustNewConstMetric(lettersDesc, prometheus.GaugeValue, float64(w.LettersOpen))
}
