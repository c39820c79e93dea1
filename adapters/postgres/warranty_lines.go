package postgres

import (
	"context"
	"time"

	"supportal/domain/warranty"
)

// ActiveLines returns the distinct services of owner's lines active on day
// (start and end inclusive), with the earliest start and latest end of each,
// by SKU: what a ticket without a device is entitled to.
func (s *WarrantyStore) ActiveLines(ctx context.Context, owner string, day time.Time) ([]warranty.Line, error) {
	const q = `
SELECT l.sku, l.service_name, min(l.start_date), max(l.end_date)
FROM devices d JOIN service_lines l ON l.device_id = d.id
WHERE d.owner_code = $1 AND l.start_date <= $2 AND l.end_date >= $2
GROUP BY l.sku, l.service_name
ORDER BY l.sku, l.service_name`
	var lines []warranty.Line
	err := s.lookup(ctx, "active lines", func(ctx context.Context) error {
		rows, err := s.db.QueryContext(ctx, q, owner, utcDate(day))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l warranty.Line
			if err := rows.Scan(&l.SKU, &l.ServiceName, &l.Start, &l.End); err != nil {
				return err
			}
			l.Start, l.End = utcDate(l.Start), utcDate(l.End)
			lines = append(lines, l)
		}
		return rows.Err()
	})
	return lines, err
}
