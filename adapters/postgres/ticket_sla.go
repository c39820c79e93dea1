package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain/ticket/sla"
)

// SLAStore keeps the SLA settings (migration 00017).
type SLAStore struct {
	db sqlx.ExtContext
}

var _ sla.Store = (*SLAStore)(nil)

// NewSLAStore returns the settings store over db: a *sqlx.DB, or the
// *sqlx.Tx of a unit of work.
func NewSLAStore(db sqlx.ExtContext) *SLAStore { return &SLAStore{db: db} }

// NewSLATx returns the settings' unit-of-work runner over db: a change and
// its audit event are written in one transaction.
func NewSLATx(db *sqlx.DB) *TxRunner[sla.Stores] {
	return NewTxRunner(db, func(tx *sqlx.Tx) sla.Stores {
		return sla.Stores{Settings: NewSLAStore(tx), Audit: NewAudit(tx)}
	})
}

// Policy reads every calendar, tier and rule (six small queries).
func (s *SLAStore) Policy(ctx context.Context) (sla.Policy, error) {
	var p sla.Policy
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		var err error
		if p.Calendars, err = s.calendars(ctx, tx); err != nil {
			return err
		}
		if p.Tiers, err = s.tiers(ctx, tx); err != nil {
			return err
		}
		p.Rules, err = s.rules(ctx, tx)
		return err
	})
	return p, err
}

func (s *SLAStore) calendars(ctx context.Context, db sqlx.ExtContext) ([]sla.Calendar, error) {
	const q = `SELECT code, name, time_zone, always, makeup_weekday, version FROM sla_calendars ORDER BY code`
	var rows []struct {
		Code, Name    string
		TimeZone      string `db:"time_zone"`
		Always        bool
		MakeupWeekday int `db:"makeup_weekday"`
		Version       int
	}
	if err := sqlx.SelectContext(ctx, db, &rows, q); err != nil {
		return nil, fmt.Errorf("sla store: calendars: %w", err)
	}
	out := make([]sla.Calendar, len(rows))
	at := map[string]int{}
	for i, r := range rows {
		out[i] = sla.Calendar{Code: r.Code, Name: r.Name, Zone: r.TimeZone, Always: r.Always, MakeupDay: time.Weekday(r.MakeupWeekday), Version: r.Version}
		at[r.Code] = i
	}
	const qw = `SELECT calendar_code, weekday, start_minute, end_minute FROM sla_windows ORDER BY calendar_code, weekday, start_minute`
	var ws []struct {
		Calendar string `db:"calendar_code"`
		Weekday  int
		StartM   int `db:"start_minute"`
		EndM     int `db:"end_minute"`
	}
	if err := sqlx.SelectContext(ctx, db, &ws, qw); err != nil {
		return nil, fmt.Errorf("sla store: windows: %w", err)
	}
	for _, w := range ws {
		c := &out[at[w.Calendar]]
		c.Week[w.Weekday] = append(c.Week[w.Weekday], sla.Window{Start: w.StartM, End: w.EndM})
	}
	const qd = `SELECT calendar_code, to_char(day, 'YYYY-MM-DD') AS day, kind, name FROM sla_days ORDER BY calendar_code, day`
	var ds []struct {
		Calendar        string `db:"calendar_code"`
		Day, Kind, Name string
	}
	if err := sqlx.SelectContext(ctx, db, &ds, qd); err != nil {
		return nil, fmt.Errorf("sla store: days: %w", err)
	}
	for _, d := range ds {
		c := &out[at[d.Calendar]]
		c.Days = append(c.Days, sla.Day{Date: d.Day, Kind: sla.DayKind(d.Kind), Name: d.Name})
	}
	return out, nil
}

func (s *SLAStore) tiers(ctx context.Context, db sqlx.ExtContext) ([]sla.Tier, error) {
	const q = `SELECT code, name_key, rank, calendar_code, version FROM sla_tiers ORDER BY rank DESC, code`
	var rows []struct {
		Code     string
		NameKey  string `db:"name_key"`
		Rank     int
		Calendar string `db:"calendar_code"`
		Version  int
	}
	if err := sqlx.SelectContext(ctx, db, &rows, q); err != nil {
		return nil, fmt.Errorf("sla store: tiers: %w", err)
	}
	out := make([]sla.Tier, len(rows))
	at := map[string]int{}
	for i, r := range rows {
		out[i] = sla.Tier{Code: r.Code, Name: r.NameKey, Rank: r.Rank, Calendar: r.Calendar, Version: r.Version}
		at[r.Code] = i
	}
	const qt = `SELECT tier_code, priority, first_response, next_response, resolution FROM sla_targets`
	var ts []struct {
		Tier          string `db:"tier_code"`
		Priority      int
		FirstResponse string `db:"first_response"`
		NextResponse  string `db:"next_response"`
		Resolution    string
	}
	if err := sqlx.SelectContext(ctx, db, &ts, qt); err != nil {
		return nil, fmt.Errorf("sla store: targets: %w", err)
	}
	for _, t := range ts {
		var tg sla.Targets
		var err error
		if tg.FirstResponse, err = sla.ParseSpan(t.FirstResponse); err == nil {
			if tg.NextResponse, err = sla.ParseSpan(t.NextResponse); err == nil {
				tg.Resolution, err = sla.ParseSpan(t.Resolution)
			}
		}
		if err != nil || t.Priority < 1 || t.Priority > 4 {
			return nil, fmt.Errorf("sla store: targets of %s P%d: %w", t.Tier, t.Priority, err)
		}
		out[at[t.Tier]].Targets[t.Priority-1] = tg
	}
	return out, nil
}

func (s *SLAStore) rules(ctx context.Context, db sqlx.ExtContext) ([]sla.Rule, error) {
	const q = `SELECT prefix, coalesce(tier_code, '') AS tier FROM sla_sku_rules ORDER BY prefix`
	var out []sla.Rule
	if err := sqlx.SelectContext(ctx, db, &out, q); err != nil {
		return nil, fmt.Errorf("sla store: rules: %w", err)
	}
	return out, nil
}

// bump raises the version of the row of table with code from version, or
// tells why it cannot: NotFound for an unknown code, Conflict for another
// version.
func bump(ctx context.Context, tx sqlx.ExtContext, table, code string, version int) error {
	q := `UPDATE ` + table + ` SET version = version + 1, updated_at = now() WHERE code = $1 AND version = $2`
	res, err := tx.ExecContext(ctx, q, code, version)
	if err != nil {
		return fmt.Errorf("sla store: %s %s: %w", table, code, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	const qe = `SELECT 1 FROM sla_calendars WHERE code = $1 UNION ALL SELECT 1 FROM sla_tiers WHERE code = $1`
	var one int
	if err := sqlx.GetContext(ctx, tx, &one, qe, code); errors.Is(err, sql.ErrNoRows) {
		return sla.ErrNotFound
	} else if err != nil {
		return fmt.Errorf("sla store: %s %s: %w", table, code, err)
	}
	return sla.ErrStale
}

// SaveCalendar replaces a calendar with its windows and special days.
func (s *SLAStore) SaveCalendar(ctx context.Context, c sla.Calendar) error {
	return withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		if err := bump(ctx, tx, "sla_calendars", c.Code, c.Version); err != nil {
			return err
		}
		const q = `UPDATE sla_calendars SET name = $2, time_zone = $3, always = $4, makeup_weekday = $5 WHERE code = $1`
		if _, err := tx.ExecContext(ctx, q, c.Code, c.Name, c.Zone, c.Always, int(c.MakeupDay)); err != nil {
			return fmt.Errorf("sla store: save calendar: %w", err)
		}
		const qdw = `DELETE FROM sla_windows WHERE calendar_code = $1`
		if _, err := tx.ExecContext(ctx, qdw, c.Code); err != nil {
			return fmt.Errorf("sla store: save windows: %w", err)
		}
		var days, kinds, names []string
		var wdays, starts, ends []int64
		for d, ws := range c.Week {
			for _, w := range ws {
				wdays, starts, ends = append(wdays, int64(d)), append(starts, int64(w.Start)), append(ends, int64(w.End))
			}
		}
		const qw = `INSERT INTO sla_windows (calendar_code, weekday, start_minute, end_minute)
SELECT $1, * FROM unnest($2::smallint[], $3::smallint[], $4::smallint[])`
		if _, err := tx.ExecContext(ctx, qw, c.Code, pq.Array(wdays), pq.Array(starts), pq.Array(ends)); err != nil {
			return fmt.Errorf("sla store: save windows: %w", err)
		}
		const qdd = `DELETE FROM sla_days WHERE calendar_code = $1`
		if _, err := tx.ExecContext(ctx, qdd, c.Code); err != nil {
			return fmt.Errorf("sla store: save days: %w", err)
		}
		for _, d := range c.Days {
			days, kinds, names = append(days, d.Date), append(kinds, string(d.Kind)), append(names, d.Name)
		}
		const qd = `INSERT INTO sla_days (calendar_code, day, kind, name)
SELECT $1, * FROM unnest($2::date[], $3::text[], $4::text[])`
		if _, err := tx.ExecContext(ctx, qd, c.Code, pq.Array(days), pq.Array(kinds), pq.Array(names)); err != nil {
			return fmt.Errorf("sla store: save days: %w", err)
		}
		return nil
	})
}

// SaveTier replaces a tier's rank, calendar and targets.
func (s *SLAStore) SaveTier(ctx context.Context, t sla.Tier) error {
	return withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		if err := bump(ctx, tx, "sla_tiers", t.Code, t.Version); err != nil {
			return err
		}
		const q = `UPDATE sla_tiers SET rank = $2, calendar_code = $3 WHERE code = $1`
		if _, err := tx.ExecContext(ctx, q, t.Code, t.Rank, t.Calendar); err != nil {
			if isForeignKey(err) {
				return sla.ErrNotFound
			}
			return fmt.Errorf("sla store: save tier: %w", err)
		}
		const qt = `INSERT INTO sla_targets (tier_code, priority, first_response, next_response, resolution)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tier_code, priority) DO UPDATE SET first_response = EXCLUDED.first_response,
    next_response = EXCLUDED.next_response, resolution = EXCLUDED.resolution`
		for i, tg := range t.Targets {
			if _, err := tx.ExecContext(ctx, qt, t.Code, i+1, tg.FirstResponse.String(), tg.NextResponse.String(), tg.Resolution.String()); err != nil {
				return fmt.Errorf("sla store: save targets: %w", err)
			}
		}
		return nil
	})
}

// SaveRules replaces the SKU rules.
func (s *SLAStore) SaveRules(ctx context.Context, rules []sla.Rule) error {
	return withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		const qd = `DELETE FROM sla_sku_rules`
		if _, err := tx.ExecContext(ctx, qd); err != nil {
			return fmt.Errorf("sla store: save rules: %w", err)
		}
		var prefixes, tiers []string
		for _, r := range rules {
			prefixes, tiers = append(prefixes, r.Prefix), append(tiers, r.Tier)
		}
		const q = `INSERT INTO sla_sku_rules (prefix, tier_code)
SELECT p, nullif(t, '') FROM unnest($1::text[], $2::text[]) AS r (p, t)`
		if _, err := tx.ExecContext(ctx, q, pq.Array(prefixes), pq.Array(tiers)); err != nil {
			if isForeignKey(err) {
				return sla.ErrNotFound
			}
			return fmt.Errorf("sla store: save rules: %w", err)
		}
		return nil
	})
}

// isForeignKey reports whether err is PostgreSQL's foreign_key_violation
// (23503): a tier or calendar that does not exist.
func isForeignKey(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "23503"
}
