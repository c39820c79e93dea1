package postgres

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lib/pq"

	"supportal/domain"
	"supportal/domain/warranty"
)

// The bounds of a name search (FindDevices), in rows examined: they, not a
// clock, decide when a search is too broad, so that the same data always
// gives the same answer.
const (
	// walkRows is how many of the owner's devices a name search reads in
	// the page's order, from devices_owner_code_max_end_idx alone.
	walkRows = 8000
	// trigramRows is how many names of all owners the trigram index may
	// hand a search that the walk could not answer.
	trigramRows = 4000
)

// errTooBroad is a name search that neither bounded strategy answers: the
// fragment matches too few of the owner's first walkRows devices to fill
// the page, and more than trigramRows names of all owners.
var errTooBroad = domain.E(domain.Invalid, "warranty.error.too_broad")

// FindDevices returns the page of q and how many devices match, counted up
// to upTo. A query without a name fragment reads at most one device (an
// exact SN or id) or the owner's devices in order (OFFSET is bounded by the
// pages, the count by upTo). A name fragment is searched by matchIDs.
func (s *WarrantyStore) FindDevices(ctx context.Context, q warranty.Query, upTo int) (warranty.Found, error) {
	if (q.Name == "" && q.Text == "") || q.SN != "" || q.ID != 0 {
		devs, err := s.SearchDevices(ctx, q)
		if err != nil {
			return warranty.Found{}, err
		}
		n := max(q.Offset, 0) + len(devs)
		if len(devs) >= q.Limit || (len(devs) == 0 && q.Offset > 0) {
			if n, err = s.CountDevices(ctx, q, upTo); err != nil {
				return warranty.Found{}, err
			}
		}
		return warranty.Found{Devices: devs, Count: n}, nil
	}
	ids, found, err := s.matchIDs(ctx, q, upTo)
	if err != nil {
		return warranty.Found{}, err
	}
	off := min(max(q.Offset, 0), len(ids))
	found.Devices, err = s.devicesByID(ctx, q, ids[off:min(off+max(q.Limit, 0), len(ids))])
	return found, err
}

// matchIDs returns the ids of the devices matching q's fragment in the
// page's order, at least up to the page and one more when that many match,
// and the count. It walks the owner's first walkRows devices in the page's
// order, stopping at max(page, upTo) matches: when that finds them, or
// reads all the owner's devices, it answers exactly; when it finds the page
// but not upTo, the count is a lower bound (AtLeast). Otherwise the trigram
// index of names answers, if it has at most trigramRows candidates. A
// fragment that looks rare (a model number) asks the trigram index first.
// Either strategy is exact when it answers, so the order changes the cost,
// never the devices. What neither answers is too broad, except for the
// type-ahead (q.Text, suggestIDs).
func (s *WarrantyStore) matchIDs(ctx context.Context, q warranty.Query, upTo int) ([]int64, warranty.Found, error) {
	need := max(q.Offset, 0) + max(q.Limit, 0)
	countTo := max(need, upTo)
	frag := q.Name + q.Text
	first := q.Text == "" && looksRare(frag) // the trigram index knows no serial numbers
	if first {
		if ids, ok, err := s.trigramIDs(ctx, q); err != nil || ok {
			return ids, warranty.Found{Count: min(len(ids), countTo)}, err
		}
	}
	hits, cut, err := s.walk(ctx, q, countTo)
	switch {
	case err != nil:
		return nil, warranty.Found{}, err
	case len(hits) >= countTo || !cut:
		return hits, warranty.Found{Count: len(hits)}, nil
	case len(hits) >= need:
		return hits, warranty.Found{Count: len(hits), AtLeast: true}, nil
	}
	if q.Text != "" {
		return s.suggestIDs(ctx, q, hits)
	}
	if !first {
		if ids, ok, err := s.trigramIDs(ctx, q); err != nil || ok {
			return ids, warranty.Found{Count: min(len(ids), countTo)}, err
		}
	}
	return nil, warranty.Found{}, errTooBroad
}

// suggestIDs completes the type-ahead's walk (hits, names or serial
// numbers among the owner's latest walkRows devices) with the names the
// trigram index finds: those it finds beyond the walk come after every hit
// in the page's order, since the walk would have met them otherwise. A
// serial number beyond the walk is not found; when the trigram index has
// too many candidates, the walk's hits are the suggestions.
func (s *WarrantyStore) suggestIDs(ctx context.Context, q warranty.Query, hits []int64) ([]int64, warranty.Found, error) {
	names, ok, err := s.trigramIDs(ctx, q)
	if err != nil {
		return nil, warranty.Found{}, err
	}
	ids := hits
	if ok {
		seen := make(map[int64]bool, len(hits))
		for _, id := range hits {
			seen[id] = true
		}
		for _, id := range names {
			if !seen[id] {
				ids = append(ids, id)
			}
		}
	}
	return ids, warranty.Found{Count: len(ids), AtLeast: true}, nil
}

// looksRare tells a fragment that probably matches few devices: a run of
// five letters or digits or more that holds a digit, like a model number.
func looksRare(frag string) bool {
	for _, r := range strings.FieldsFunc(frag, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) {
		if utf8.RuneCountInString(r) >= 5 && strings.IndexFunc(r, unicode.IsDigit) >= 0 {
			return true
		}
	}
	return false
}

// walkSQL returns the walk of matchIDs: the owner's first $2 devices in
// the page's order, read from the covering index, filtered by the
// lower-cased fragment ($3; for the type-ahead, or the upper-cased serial
// number $4), at most $5 of them; then, only when fewer matched (the Limit
// stops the Append before its second branch otherwise), -1 if the owner
// has more than $2 devices.
func walkSQL(q warranty.Query) string {
	order := deviceOrder(q.Sort)
	filter := "w.name_lc LIKE $3"
	if q.Text != "" {
		filter = "(w.name_lc LIKE $3 OR w.sn LIKE $4)"
	} else {
		filter += " AND $4 = ''"
	}
	return `SELECT u.id FROM ((SELECT w.id FROM (SELECT d.id, d.name_lc, d.sn FROM devices d WHERE d.owner_code = $1
	ORDER BY ` + order + ` LIMIT $2) w WHERE ` + filter + ` LIMIT $5)
UNION ALL (SELECT -1 FROM devices d WHERE d.owner_code = $1 ORDER BY ` + order + ` OFFSET $2 LIMIT 1)) u LIMIT $5`
}

// walk returns the ids of the devices among the owner's first walkRows
// that match q's fragment, at most upTo, and whether the owner has more
// devices than the walk read (cut), when fewer than upTo matched.
func (s *WarrantyStore) walk(ctx context.Context, q warranty.Query, upTo int) (ids []int64, cut bool, err error) {
	frag := q.Name + q.Text
	sn := ""
	if q.Text != "" {
		sn = "%" + likeEscaper.Replace(strings.ToUpper(frag)) + "%"
	}
	args := []any{q.Owner, walkRows, "%" + likeEscaper.Replace(strings.ToLower(frag)) + "%", sn, upTo}
	err = s.lookup(ctx, "walk devices", func(ctx context.Context) error {
		rows, err := s.stmt(ctx, walkSQL(q), true).QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if id < 0 {
				cut = true
			} else {
				ids = append(ids, id)
			}
		}
		return rows.Err()
	})
	return ids, cut, err
}

// trigramSQL returns the query of trigramIDs: the candidates of every
// owner that warranty_name_candidates gives for the fragment's long runs
// ($2, nameWords), at most $3, then the ids of the owner's ($1) that
// contain the whole fragment ($4) in the page's order, and how many
// candidates there were.
func trigramSQL(q warranty.Query) string {
	filter := "c.name ILIKE $4"
	if q.Text != "" {
		filter = "(c.name ILIKE $4 OR c.sn ILIKE $4)"
	}
	order := strings.ReplaceAll(deviceOrder(q.Sort), "d.", "c.")
	return `SELECT coalesce(array_agg(c.id ORDER BY ` + order + `) FILTER (WHERE c.owner_code = $1 AND ` + filter + `), '{}'), count(*)
FROM warranty_name_candidates($2, $3) c`
}

// trigramIDs returns the ids of all the owner's devices matching q's
// fragment, in the page's order, when the trigram index has fewer than
// trigramRows candidates for it (ok); a fragment without a run of three
// letters or digits has no trigram to search for.
func (s *WarrantyStore) trigramIDs(ctx context.Context, q warranty.Query) (ids []int64, ok bool, err error) {
	frag := q.Name + q.Text
	if !hasRun(frag) {
		return nil, false, nil
	}
	words, _ := nameWords(frag)
	var (
		got        pq.Int64Array
		candidates int
	)
	err = s.lookup(ctx, "search names", func(ctx context.Context) error {
		return s.stmt(ctx, trigramSQL(q), true).QueryRowContext(ctx, q.Owner, words, trigramRows, namePattern(frag)).Scan(&got, &candidates)
	})
	if err != nil || candidates >= trigramRows {
		return nil, false, err
	}
	return got, true, nil
}

// hasRun tells a fragment with a run of three letters or digits or more.
func hasRun(frag string) bool {
	for _, r := range strings.FieldsFunc(frag, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) {
		if utf8.RuneCountInString(r) >= 3 {
			return true
		}
	}
	return false
}

// devicesSQL returns the query of devicesByID: the owner's devices of the
// ids ($2) with their lines, in the page's order.
func devicesSQL(q warranty.Query) string {
	order := deviceOrder(q.Sort)
	return `SELECT d.id, d.owner_code, d.owner_name, d.name, d.sn, d.order_no,
	l.sku, l.service_name, l.start_date, l.end_date
FROM devices d LEFT JOIN service_lines l ON l.device_id = d.id
WHERE d.owner_code = $1 AND d.id = ANY($2)
ORDER BY ` + order + `, l.end_date DESC, l.start_date DESC, l.sku`
}

// devicesByID reads the page's devices of q.Owner with their lines.
func (s *WarrantyStore) devicesByID(ctx context.Context, q warranty.Query, ids []int64) ([]warranty.Device, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var devs []warranty.Device
	err := s.lookup(ctx, "read devices", func(ctx context.Context) error {
		rows, err := s.stmt(ctx, devicesSQL(q), true).QueryContext(ctx, q.Owner, pq.Int64Array(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		devs, err = scanDevices(rows)
		return err
	})
	return devs, err
}
