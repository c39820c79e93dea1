package sla

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestChinaSchedule2026(t *testing.T) {
	days, errs := ParseDays(bytes.NewReader(ChinaHolidays2026))
	if errs != nil {
		t.Fatal(errs)
	}
	if !bytes.Contains(ChinaHolidays2026, []byte("国办发明电〔2025〕7号")) {
		t.Error("the seed file names its source")
	}
	holidays, workdays := 0, 0
	for _, d := range days {
		wd, _ := time.Parse(time.DateOnly, d.Date)
		switch d.Kind {
		case Holiday:
			holidays++
		case Workday:
			workdays++
			// A make-up working day is a weekend day.
			if w := wd.Weekday(); w != time.Saturday && w != time.Sunday {
				t.Errorf("make-up day %s is a %s", d.Date, w)
			}
		}
	}
	if holidays != 33 || workdays != 6 {
		t.Errorf("holidays %d, workdays %d; want 33 and 6", holidays, workdays)
	}
}

func TestParseDays(t *testing.T) {
	cases := []struct {
		name, in string
		days     int
		keys     []string // key@line of each error
	}{
		{"with a BOM and CRLF", "\uFEFFdate,kind,name\r\n2026-01-01,holiday,元旦\r\n2026-01-04,workday,调休\r\n", 2, nil},
		{"comments and spaces", "# source\ndate, kind, name\n2026-05-01, Holiday, 劳动节\n", 1, nil},
		{"empty file", "", 0, []string{"error.sla.csv.header@1"}},
		{"no header", "2026-01-01,holiday,元旦\n", 0, []string{"error.sla.csv.header@1"}},
		{"bad lines", "date,kind,name\n2026-02-30,holiday,x\n2026-03-01,vacation,x\n2026-03-02,holiday\n2026-03-03,holiday,ok\n2026-03-03,workday,again\n",
			0, []string{"error.sla.csv.date@2", "error.sla.csv.kind@3", "error.sla.csv.columns@4", "error.sla.csv.duplicate@6"}},
		{"a long name", "date,kind,name\n2026-03-03,holiday," + strings.Repeat("节", 61) + "\n", 0, []string{"error.sla.csv.name@2"}},
		{"not UTF-8", "date,kind,name\n2026-03-03,holiday,\xff\n", 0, []string{"error.sla.csv.encoding@0"}},
		{"a stray quote", "date,kind,name\n2026-03-03,holiday,\"x\n", 0, []string{"error.sla.csv.syntax@2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			days, errs := ParseDays(strings.NewReader(c.in))
			var got []string
			for _, e := range errs {
				got = append(got, e.Key+"@"+itoa(e.Data["Line"]))
			}
			if strings.Join(got, " ") != strings.Join(c.keys, " ") || len(days) != c.days {
				t.Fatalf("ParseDays = %d days, errors %v; want %d, %v", len(days), got, c.days, c.keys)
			}
		})
	}
}

func itoa(v any) string {
	n, _ := v.(int)
	return strconv.Itoa(n)
}

func TestWriteDaysRoundTrip(t *testing.T) {
	days, _ := ParseDays(bytes.NewReader(ChinaHolidays2026))
	var b bytes.Buffer
	if err := WriteDays(&b, days); err != nil {
		t.Fatal(err)
	}
	again, errs := ParseDays(&b)
	if errs != nil || len(again) != len(days) || again[5] != days[5] {
		t.Fatalf("round trip: %d days, %v", len(again), errs)
	}
}

func FuzzParseDays(f *testing.F) {
	f.Add(string(ChinaHolidays2026))
	f.Add("date,kind,name\n2026-01-01,holiday,元旦\n")
	f.Add("\uFEFFdate,kind,name\r\n\"2026-01-01\",\"workday\",\"a,b\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		days, errs := ParseDays(strings.NewReader(in))
		if errs != nil && days != nil {
			t.Fatal("both days and errors")
		}
		for _, e := range errs {
			if !strings.HasPrefix(e.Key, "error.sla.csv.") {
				t.Fatalf("key %q", e.Key)
			}
		}
		for _, d := range days {
			if _, key := parseDay([]string{d.Date, string(d.Kind), d.Name}); key != "" {
				t.Fatalf("accepted a day it refuses: %+v", d)
			}
		}
	})
}

func TestParseWindowsAndSpans(t *testing.T) {
	ws, err := ParseWindows("13:00-18:00， 09:00–12:00")
	if err != nil || FormatWindows(ws) != "09:00-12:00, 13:00-18:00" {
		t.Fatalf("ParseWindows = %v, %v", ws, err)
	}
	for _, bad := range []string{"9-12", "09:00-08:00", "09:00-12:00,11:00-13:00", "00:00-24:30", "25:00-26:00"} {
		if _, err := ParseWindows(bad); err == nil {
			t.Errorf("ParseWindows(%q) accepted", bad)
		}
	}
	if ws, err := ParseWindows("18:00-24:00"); err != nil || ws[0].End != 1440 {
		t.Errorf("24:00 end: %v %v", ws, err)
	}
	for in, want := range map[string]string{"30m": "30m", "2h": "2h", "90m": "1h30m", "1d": "1d", "1D 4H": "1d4h", "": ""} {
		s, err := ParseSpan(in)
		if err != nil || s.String() != want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %s", in, s, err, want)
		}
	}
	for _, bad := range []string{"1", "h", "1w", "1h1h", "-1h", "400d"} {
		if _, err := ParseSpan(bad); err == nil {
			t.Errorf("ParseSpan(%q) accepted", bad)
		}
	}
}
