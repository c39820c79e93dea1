package sla

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
)

// ChinaHolidays2026 is the mainland-China schedule of 2026 (public holidays
// and make-up working days), in the CSV format ParseDays reads; its first
// lines name its source.
//
//go:embed china-2026.csv
var ChinaHolidays2026 []byte

// MaxDays caps the special days of one calendar (and of one CSV file).
const MaxDays = 2000

// maxDayName caps the name of a special day, in characters.
const maxDayName = 60

// ParseDays reads special days from CSV: a header row "date,kind,name",
// then one day a row (date YYYY-MM-DD, kind holiday or workday, a name);
// UTF-8 with or without a byte-order mark; lines starting with # are
// comments. It returns the days sorted by date, or every problem found,
// each an Invalid error with the key error.sla.csv.* and the line number
// as Line (field "file").
func ParseDays(r io.Reader) ([]Day, domain.Errors) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, domain.Errors{lineErr(0, "error.sla.csv.read")}
	}
	if len(data) > 1<<20 {
		return nil, domain.Errors{lineErr(0, "error.sla.csv.too_big")}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, domain.Errors{lineErr(0, "error.sla.csv.encoding")}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var (
		days   []Day
		errs   domain.Errors
		header = false
		seen   = map[string]int{}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			errs = append(errs, lineErr(line, "error.sla.csv.syntax"))
			break
		}
		line, _ := cr.FieldPos(0)
		if !header {
			header = true
			if len(rec) != 3 || !strings.EqualFold(strings.TrimSpace(rec[0]), "date") ||
				!strings.EqualFold(strings.TrimSpace(rec[1]), "kind") || !strings.EqualFold(strings.TrimSpace(rec[2]), "name") {
				errs = append(errs, lineErr(line, "error.sla.csv.header"))
				break
			}
			continue
		}
		if len(rec) != 3 {
			errs = append(errs, lineErr(line, "error.sla.csv.columns"))
			continue
		}
		day, key := parseDay(rec)
		if key != "" {
			errs = append(errs, lineErr(line, key))
			continue
		}
		if first, dup := seen[day.Date]; dup {
			errs = append(errs, lineErr(line, "error.sla.csv.duplicate").With("First", first))
			continue
		}
		seen[day.Date] = line
		days = append(days, day)
		if len(days) > MaxDays {
			errs = append(errs, lineErr(line, "error.sla.csv.too_many").With("Max", MaxDays))
			break
		}
	}
	if !header {
		errs = append(errs, lineErr(1, "error.sla.csv.header"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Date < days[j].Date })
	return days, nil
}

// parseDay checks one row; it returns the message id of its problem.
func parseDay(rec []string) (Day, string) {
	date, kind, name := strings.TrimSpace(rec[0]), strings.ToLower(strings.TrimSpace(rec[1])), strings.TrimSpace(rec[2])
	t, err := time.Parse(time.DateOnly, date)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return Day{}, "error.sla.csv.date"
	}
	if kind != string(Holiday) && kind != string(Workday) {
		return Day{}, "error.sla.csv.kind"
	}
	if utf8.RuneCountInString(name) > maxDayName || strings.ContainsFunc(name, isControl) {
		return Day{}, "error.sla.csv.name"
	}
	return Day{Date: t.Format(time.DateOnly), Kind: DayKind(kind), Name: name}, ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func lineErr(line int, key string) *domain.Error {
	return (&domain.Error{Kind: domain.Invalid, Key: key, Field: "file"}).With("Line", line)
}

// WriteDays writes days as CSV that ParseDays reads back.
func WriteDays(w io.Writer, days []Day) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"date", "kind", "name"}); err != nil {
		return err
	}
	for _, d := range days {
		if err := cw.Write([]string{d.Date, string(d.Kind), d.Name}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// sortDays sorts days by date.
func sortDays(days []Day) []Day {
	sort.Slice(days, func(i, j int) bool { return days[i].Date < days[j].Date })
	return days
}
