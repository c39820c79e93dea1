// Package postgres holds the PostgreSQL stores of every module, built on sqlx
// and lib/pq, and the embedded goose migrations that create their tables.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"supportal/domain"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Connection pool settings of Open.
const (
	maxOpenConns    = 20
	maxIdleConns    = maxOpenConns // a busy server keeps its connections (and their prepared statements)
	connMaxIdleTime = 5 * time.Minute
)

// Open connects to the database at url (a postgres:// URL or a lib/pq
// key=value string), sizes the connection pool and checks that the server
// answers.
func Open(ctx context.Context, url string) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: ping: %w", err)
	}
	return db, nil
}

// Ping checks that the database answers, for health checks.
func Ping(ctx context.Context, db *sqlx.DB) error {
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Migrate applies every embedded migration that the database has not had yet.
// A PostgreSQL advisory lock keeps several instances starting at once from
// migrating together.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := newMigrator(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// newMigrator returns a goose provider over the embedded migrations, without
// goose's global state.
func newMigrator(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("postgres: migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p, nil
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation (23505).
func isUniqueViolation(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "23505"
}

// notFound maps sql.ErrNoRows to a NotFound error with the message id key and
// returns any other error unchanged.
func notFound(err error, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return domain.E(domain.NotFound, key)
	}
	return err
}
