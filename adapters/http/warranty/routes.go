// Package warranty serves 服务查询 (SPEC §3.1–3.2): the company-scoped lookup
// of devices and their service lines, and its CSV and XLSX exports. Every
// query goes through the warranty service, which scopes it to the verified
// credit code of the signed-in customer's company.
package warranty

import (
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	wty "supportal/domain/warranty"
)

// Handler holds the 服务查询 pages' dependencies.
type Handler struct {
	s   *web.Server
	svc *wty.Service
	loc *time.Location
	// Now is the clock of the coverage badges and export file names.
	Now func() time.Time
	// Log records export failures that happen after the download started.
	Log *slog.Logger
	// labels caches the results' texts by language (labelsFor).
	labels sync.Map
}

// Register installs the 服务查询 routes on the server.
func Register(s *web.Server, svc *wty.Service) *Handler {
	h := &Handler{s: s, svc: svc, loc: zone(wty.DefaultZone), Now: time.Now, Log: slog.Default()}
	g := s.App.Group("/warranty", s.RequireCustomer)
	g.Get("", h.lookupPage)
	g.Get("/export.csv", h.exportCSV)
	g.Get("/export.xlsx", h.exportXLSX)
	return h
}

// zone loads the customers' time zone. Asia/Shanghai has kept UTC+8 without
// daylight saving since 1991, so a fixed zone is exact when the system has no
// time zone database.
func zone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// searchInput reads the query string of the lookup and its exports (copied:
// Fiber's strings are only valid during the handler). The service normalises
// and bounds it.
func searchInput(c *fiber.Ctx) wty.SearchInput {
	return wty.SearchInput{
		Name: strings.Clone(c.Query("name")),
		SN:   strings.Clone(c.Query("sn")),
		Sort: strings.Clone(c.Query("sort")),
		Page: c.QueryInt("page", 1),
	}
}

// values are a normalised input as the lookup's query parameters; the
// default sort is left out.
func values(in wty.SearchInput) url.Values {
	q := url.Values{}
	if in.Name != "" {
		q.Set("name", in.Name)
	}
	if in.SN != "" {
		q.Set("sn", in.SN)
	}
	if in.Sort == wty.SortEndAsc {
		q.Set("sort", in.Sort)
	}
	return q
}

// query encodes a normalised input as the lookup's query string, for its
// first page.
func query(in wty.SearchInput) string {
	if q := values(in); len(q) > 0 {
		return "?" + q.Encode()
	}
	return ""
}
