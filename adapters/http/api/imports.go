package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/adapters/xlsx"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/warranty"
	"supportal/ports"
)

// MaxErrors is how many row errors an import's answer lists.
const MaxErrors = 100

// xlsxType is the media type of XLSX files.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// importResponse is the JSON answer of an import: the run's summary, the
// first row errors, and for a failed run why it failed.
type importResponse struct {
	RunID  int64           `json:"run_id"`
	Status string          `json:"status"`
	Mode   warranty.Mode   `json:"mode"`
	DryRun bool            `json:"dry_run"`
	Counts warranty.Counts `json:"counts"`
	Errors []rowError      `json:"errors"`
	// More reports that the run found more row errors than Errors lists.
	More  bool   `json:"more_errors"`
	Error string `json:"error,omitempty"`
	Code  string `json:"code,omitempty"`
}

// rowError is one problem of one row; Column is empty when the row as a whole
// is wrong (another number of cells than the header).
type rowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// importWarranty streams the body into one import batch:
// POST /api/v1/warranty/imports?mode=upsert|snapshot&dry_run=true&skip_invalid=true
// with a text/csv or XLSX body. It answers 200 with the summary, 422 with the
// same summary when the batch was rejected, 409 while another import runs.
func (h *Handler) importWarranty(c *fiber.Ctx) error {
	o, err := importOptions(c)
	if err != nil {
		return err
	}
	t := token(c)
	o.Source = "api:" + t.Name
	body := &limitedReader{r: web.BodyStream(c), left: h.MaxImportBytes}
	src, closeSrc, err := openSource(c.Get(fiber.HeaderContentType), body)
	if err != nil {
		return h.fail(c, err)
	}
	defer closeSrc()
	run, err := h.importer.Import(c.UserContext(), src, o)
	if run.ID != 0 {
		h.record(c, t, run)
	}
	if err == nil {
		return c.JSON(h.summary(c, run, nil))
	}
	if run.ID == 0 || errors.Is(err, errTooLarge) {
		return h.fail(c, err)
	}
	switch domain.KindOf(err) {
	case domain.Invalid:
		return c.Status(fiber.StatusUnprocessableEntity).JSON(h.summary(c, run, err))
	case domain.Conflict:
		return c.Status(fiber.StatusConflict).JSON(h.summary(c, run, err))
	}
	return err
}

// importOptions reads mode, dry_run and skip_invalid from the query. The
// service checks the mode.
func importOptions(c *fiber.Ctx) (warranty.ImportOptions, error) {
	o := warranty.ImportOptions{Mode: warranty.Mode(c.Query("mode"))}
	for _, f := range []struct {
		name string
		p    *bool
	}{{"dry_run", &o.DryRun}, {"skip_invalid", &o.SkipInvalid}} {
		v := c.Query(f.name)
		if v == "" {
			continue
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, domain.E(domain.Invalid, "error.api.flag").With("Name", f.name)
		}
		*f.p = b
	}
	return o, nil
}

var errMediaType = domain.E(domain.Invalid, "error.api.media_type")

// openSource picks the reader of the body by its media type: text/csv or
// XLSX; a body sent without a type or as application/octet-stream is told
// apart by its first bytes. The returned function releases the source.
func openSource(ctype string, body io.Reader) (warranty.Source, func() error, error) {
	mt, _, _ := mime.ParseMediaType(ctype)
	br := bufio.NewReaderSize(body, 64<<10)
	var isXLSX bool
	switch mt {
	case "text/csv", "application/csv":
	case xlsxType:
		isXLSX = true
	case "", "application/octet-stream":
		head, _ := br.Peek(len(xlsx.Magic))
		isXLSX = bytes.HasPrefix(head, []byte(xlsx.Magic))
	default:
		return nil, nil, errMediaType
	}
	if isXLSX {
		src, err := xlsx.NewSource(br)
		if err != nil {
			return nil, nil, err
		}
		return src, src.Close, nil
	}
	src, err := warranty.NewCSVSource(br)
	return src, func() error { return nil }, err
}

// fail answers an error that leaves no run to report.
func (h *Handler) fail(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, errTooLarge):
		return fiber.ErrRequestEntityTooLarge
	case errors.Is(err, errMediaType):
		key := errMediaType.Key
		return c.Status(fiber.StatusUnsupportedMediaType).JSON(fiber.Map{"error": h.s.T(c, key, nil), "code": key})
	}
	return err
}

// summary builds the answer for run; err is why it failed, if it did.
func (h *Handler) summary(c *fiber.Ctx, run warranty.Run, err error) importResponse {
	r := importResponse{RunID: run.ID, Status: run.Status, Mode: run.Mode, DryRun: run.DryRun, Counts: run.Counts,
		Errors: make([]rowError, 0, min(len(run.Errors), MaxErrors))}
	for i, e := range run.Errors {
		if i == MaxErrors {
			r.More = true
			break
		}
		r.Errors = append(r.Errors, rowError{Line: e.Line, Column: e.Column, Code: e.Key, Message: h.s.T(c, e.Key, e.Data)})
	}
	if run.Counts.Rejected > len(r.Errors) {
		r.More = true
	}
	if err != nil {
		de := domain.As(err)
		r.Code, r.Error = de.Key, h.s.T(c, de.Key, de.Data)
	}
	return r
}

// record writes the import to the audit log. The import has happened by
// then, so a failure is logged rather than answered.
func (h *Handler) record(c *fiber.Ctx, t identity.ServiceToken, run warranty.Run) {
	ua := string(c.Context().UserAgent())
	if len(ua) > 500 {
		ua = ua[:500]
	}
	k := run.Counts
	e := ports.AuditEvent{At: time.Now().UTC(), Type: "import", IP: c.IP(), UserAgent: ua,
		Detail: fmt.Sprintf("run=%d token=%d source=%q mode=%s dry_run=%t status=%s read=%d inserted=%d updated=%d unchanged=%d removed=%d rejected=%d",
			run.ID, t.ID, run.Source, run.Mode, run.DryRun, run.Status, k.Read, k.Inserted, k.Updated, k.Unchanged, k.Removed, k.Rejected)}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), 5*time.Second)
	defer cancel()
	if err := h.audit.Record(ctx, e); err != nil {
		h.Log.ErrorContext(ctx, "import not audited", "request_id", web.RequestID(ctx), "run", run.ID, "err", err)
	}
}

// errTooLarge ends an import body longer than the handler's limit.
var errTooLarge = errors.New("api: import body too large")

// limitedReader reads at most left bytes and returns errTooLarge, rather
// than io.EOF, when the body goes on beyond them.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var b [1]byte
		for {
			n, err := l.r.Read(b[:])
			if n > 0 {
				return 0, errTooLarge
			}
			if err != nil {
				return 0, err
			}
		}
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
