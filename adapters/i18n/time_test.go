package i18n

import (
	"testing"
	"time"
)

func TestDateTimeNamesTheZone(t *testing.T) {
	at := time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	be, _ := time.LoadLocation("Europe/Berlin")
	ko, _ := time.LoadLocation("Asia/Kolkata")
	for _, c := range []struct {
		lang string
		loc  *time.Location
		want string
	}{
		{ZH, sh, "2026年12月1日 09:30（UTC+8，Asia/Shanghai）"},
		{EN, sh, "1 Dec 2026, 09:30 (UTC+8, Asia/Shanghai)"},
		{EN, be, "1 Dec 2026, 02:30 (UTC+1, Europe/Berlin)"},
		{ZH, ko, "2026年12月1日 07:00（UTC+5:30，Asia/Kolkata）"},
		{EN, time.UTC, "1 Dec 2026, 01:30 (UTC)"},
		{EN, nil, "1 Dec 2026, 01:30 (UTC)"},
	} {
		if got := DateTime(c.lang, at, c.loc); got != c.want {
			t.Errorf("DateTime(%s, %v) = %q, want %q", c.lang, c.loc, got, c.want)
		}
	}
	if got := ZoneLabel("America/New_York", at); got != "(UTC-5) America/New_York" {
		t.Errorf("ZoneLabel = %q", got)
	}
}
