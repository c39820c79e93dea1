package i18n

import (
	"fmt"
	"strconv"
	"time"
)

// DateTime formats the instant t in loc for lang, naming the zone by its UTC
// offset and IANA name: "2026年12月1日 09:30（UTC+8，Asia/Shanghai）" or
// "1 Dec 2026, 09:30 (UTC+8, Asia/Shanghai)". A nil loc is UTC. It is the
// one format of every time the portal shows, on pages and in emails.
func DateTime(lang string, t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	zone := Offset(t)
	if name := loc.String(); name != "UTC" && name != "" && name != "Local" {
		if lang == ZH {
			zone += "，" + name
		} else {
			zone += ", " + name
		}
	}
	if lang == ZH {
		return t.Format("2006年1月2日 15:04") + "（" + zone + "）"
	}
	return t.Format("2 Jan 2006, 15:04") + " (" + zone + ")"
}

// Offset names the UTC offset of t, like UTC+8, UTC-5 or UTC+5:30, and UTC
// itself as "UTC".
func Offset(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if m := off % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}

// ZoneLabel is how a zone is offered in a select: its offset at now and its
// name, "(UTC+8) Asia/Shanghai".
func ZoneLabel(name string, now time.Time) string {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return name
	}
	return "(" + Offset(now.In(loc)) + ") " + name
}
