package warranty

import "time"

// Mode says how an import treats lines it does not list.
type Mode string

// The import modes.
const (
	ModeUpsert   Mode = "upsert"   // insert and update; keep what the file does not list
	ModeSnapshot Mode = "snapshot" // also remove the lines of the file's owners that it does not list
)

// Counts summarise an import.
type Counts struct {
	Read      int `json:"read"`
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
	Rejected  int `json:"rejected"`
	// Duplicates counts the rows that repeat an earlier row of the batch
	// exactly: they are applied once.
	Duplicates int `json:"duplicates"`
}

// Run statuses.
const (
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	RunDryRun    = "dry_run"
	// RunCancelled is a run whose context ended (the CLI interrupted, the
	// API's client gone) before it committed: nothing was changed.
	RunCancelled = "cancelled"
)

// Run is one recorded import.
type Run struct {
	ID         int64
	Source     string
	Mode       Mode
	DryRun     bool
	StartedAt  time.Time
	FinishedAt time.Time
	Status     string
	Counts     Counts
	Errors     []RowError // the first MaxReportedErrors problems
	Message    string     // why a run failed as a whole
}

// Line is one service line of a device.
type Line struct {
	SKU         string
	ServiceName string
	Start, End  time.Time
}

// Device is a device with its service lines.
type Device struct {
	ID        int64
	OwnerCode string
	OwnerName string
	Name      string
	SN        string
	OrderNo   string
	Lines     []Line
}

// Sort orders of the lookup.
const (
	SortEndDesc = "end_desc"
	SortEndAsc  = "end_asc"
)

// Query selects devices of one owner.
type Query struct {
	Owner string
	Name  string // case-insensitive substring of the device name
	SN    string // exact serial number (normalised)
	ID    int64  // one device by its id (0: any)
	// Text is a case-insensitive substring of the name or the serial
	// number, for the ticket form's type-ahead.
	Text   string
	Sort   string
	Offset int
	Limit  int
}

// Found is one page of a lookup and the count of its whole result.
type Found struct {
	Devices []Device
	// Count is the number of matching devices, counted up to the bound the
	// caller gave; with AtLeast it is only a lower bound.
	Count   int
	AtLeast bool
}
