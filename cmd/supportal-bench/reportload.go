package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The report runs (/staff/reports as agents): the page over the default
// six months, a year narrowed to one tier, the largest company's page, and
// the largest export (SLA attainment of every company).
const (
	runReport     = "report:"
	RunReportPage = runReport + "page"
	RunReportYear = runReport + "year"
	RunReportCo   = runReport + "company"
	RunReportCSV  = runReport + "export"
)

// ReportRuns are the report runs, in the order they run.
var ReportRuns = []string{RunReportPage, RunReportYear, RunReportCo, RunReportCSV}

// targetReportP99 is the report pages' target at reportConcurrency staff
// users.
const (
	targetReportP99   = 500 * time.Millisecond
	reportConcurrency = 8
)

// reportRequest asks for the run's report; a page must show its period, an
// export must start with the UTF-8 BOM.
func reportRequest(run string, t *TicketTargets, now time.Time) (func(w *worker) (string, *http.Request, Check, bool), error) {
	path := "/staff/reports"
	page := func(resp *http.Response, body []byte) string {
		if s := okStatus(resp, body); s != "" {
			return s
		}
		if !bytes.Contains(body, []byte(`id="report-period"`)) {
			return "200 without the report's period"
		}
		return ""
	}
	check := page
	switch run {
	case RunReportPage:
	case RunReportYear:
		from := now.AddDate(0, -11, 0)
		path += fmt.Sprintf("?from=%s&to=%s&tier=standard", from.Format("2006-01"), now.Format("2006-01"))
	case RunReportCo:
		path += fmt.Sprintf("?company=%d", t.CompanyID)
	case RunReportCSV:
		path += "/sla_company.csv"
		check = func(resp *http.Response, body []byte) string {
			if s := okStatus(resp, body); s != "" {
				return s
			}
			if !bytes.HasPrefix(body, []byte("\ufeff")) || !strings.Contains(string(body), "\r\n") {
				return "CSV without the BOM or CRLF"
			}
			return ""
		}
	default:
		return nil, fmt.Errorf("all: unknown report run %q (%s)", run, strings.Join(ReportRuns, ", "))
	}
	return func(w *worker) (string, *http.Request, Check, bool) {
		return run, get(w.o.Base, path, w.cookie), check, true
	}, nil
}

// timerSettings put the tickets' timed rules out of reach of the data set:
// its resolved tickets are days old, and the server's scheduler would
// otherwise close them one by one during the runs (about 100,000 for 1 M
// tickets), taking the CPU the runs measure. A setting given in env wins.
var timerSettings = []string{"SUPPORTAL_TICKET_CLOSE_AFTER=36500d", "SUPPORTAL_TICKET_REMIND_AFTER=36500d",
	"SUPPORTAL_TICKET_RESOLVE_AFTER=36500d"}

// withoutTimers adds timerSettings to a --server-env list.
func withoutTimers(env string) string {
	out := env
	for _, kv := range timerSettings {
		k, _, _ := strings.Cut(kv, "=")
		if strings.Contains(env, k+"=") {
			continue
		}
		if out != "" {
			out += ","
		}
		out += kv
	}
	return out
}
