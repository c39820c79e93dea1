package postgres

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain"
	"supportal/domain/warranty"
)

// WarrantyStore keeps the warranty module's devices and service lines, runs
// its imports (COPY into a staging table, then one set-based merge, under a
// PostgreSQL advisory lock) and records the import runs.
type WarrantyStore struct {
	*ImportRuns
	db    *sqlx.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt // the lookup's prepared statements, by text
	// timeout bounds each statement of the lookup (lookupTimeout).
	timeout time.Duration
	// exports holds a slot per export under way (maxExports).
	exports chan struct{}
}

var (
	_ warranty.Importer = (*WarrantyStore)(nil)
	_ warranty.Runs     = (*WarrantyStore)(nil)
	_ warranty.Lookup   = (*WarrantyStore)(nil)
)

// NewWarrantyStore returns the warranty store over db.
func NewWarrantyStore(db *sqlx.DB) *WarrantyStore {
	return &WarrantyStore{ImportRuns: NewImportRuns(db), db: db, timeout: lookupTimeout, exports: make(chan struct{}, maxExports)}
}

// The message ids of the errors the warranty store returns.
const (
	keyImportRunning = "import.error.running"
	keyRunNotFound   = "error.not_found"
)

// warrantyErr returns a *domain.Error unchanged and wraps anything else with
// the operation's name.
func warrantyErr(op string, err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("warranty store: %s: %w", op, err)
}
