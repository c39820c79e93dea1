package ticket

import (
	"fmt"
	"time"
)

// NumberZone is the zone whose calendar date a ticket number carries.
var NumberZone = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return z
}

// NumberDay is the day of a ticket created at t, as its number names it:
// the date in Asia/Shanghai, "20261127".
func NumberDay(t time.Time) string { return t.In(NumberZone).Format("20060102") }

// Number formats the seq-th ticket of day: "T20261127-000123".
func Number(day string, seq int) string { return fmt.Sprintf("T%s-%06d", day, seq) }
