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

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/adapters/xlsx"
	"supportal/domain"
	"supportal/domain/warranty"
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
	More bool `json:"more_errors"`
	// Warnings are what the caller should know of a run that went
	// through: rows that repeated another exactly, applied once.
	Warnings []notice `json:"warnings"`
	Error    string   `json:"error,omitempty"`
	Code     string   `json:"code,omitempty"`
}

// notice is a warning of a run: its message id and text.
type notice struct {
	Code    string `json:"code"`
	Message string `json:"message"`
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
// same summary when the batch or the file was rejected, 409 while another
// import runs. A client that goes away before the body ends cancels the
// import (nothing changes, the run is recorded as cancelled) and is
// answered 499, for the log; an import cancelled on the server's side is
// answered 503.
func (h *Handler) importWarranty(c *fiber.Ctx) error {
	o, err := importOptions(c)
	if err != nil {
		return err
	}
	kind, err := bodyKind(c.Get(fiber.HeaderContentType))
	if err != nil {
		return h.fail(c, err)
	}
	t := token(c)
	o.Source = "api:" + t.Name
	o.By = warranty.Actor{TokenID: t.ID, IP: c.IP(), UserAgent: userAgent(c)}
	ctx, cancel := context.WithCancelCause(c.UserContext())
	defer cancel(nil)
	body := &bodyReader{r: web.BodyStream(c), left: h.MaxImportBytes, want: int64(c.Request().Header.ContentLength()),
		gone: func(err error) { cancel(fmt.Errorf("%w: %w", errClientGone, err)) }}
	// Opened by the import, so that a body refused at its header is a
	// recorded run too.
	src := warranty.OpenLater(func() (warranty.Source, error) { return openSource(kind, body) })
	defer src.Close()
	run, err := h.importer.Import(ctx, src, o)
	if err == nil {
		return c.JSON(h.summary(c, run, nil))
	}
	if run.Status == warranty.RunCancelled {
		cause := context.Cause(ctx)
		h.Log.WarnContext(ctx, "import cancelled", "request_id", web.RequestID(ctx), "run", run.ID, "cause", cause)
		status := fiber.StatusServiceUnavailable
		if errors.Is(cause, errClientGone) {
			status = statusClientClosed
		}
		return c.Status(status).JSON(h.summary(c, run, err))
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

// statusClientClosed answers a request whose client went away before its
// body ended (nginx's 499): nobody reads it, but the log shows it.
const statusClientClosed = 499

// errClientGone is the cause of an import cancelled because its body could
// not be read to its end.
var errClientGone = errors.New("api: client gone before the end of the body")

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

// The kinds of body an import takes.
const (
	bodyCSV   = "csv"
	bodyXLSX  = "xlsx"
	bodySniff = "sniff" // told apart by its first bytes
)

// bodyKind picks the reader of the body by its media type: text/csv or
// XLSX; a body sent without a type or as application/octet-stream is told
// apart by its first bytes. Other types are refused.
func bodyKind(ctype string) (string, error) {
	mt, _, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "text/csv", "application/csv":
		return bodyCSV, nil
	case xlsxType:
		return bodyXLSX, nil
	case "", "application/octet-stream":
		return bodySniff, nil
	}
	return "", errMediaType
}

// openSource reads body as kind says.
func openSource(kind string, body io.Reader) (warranty.Source, error) {
	br := bufio.NewReaderSize(body, 64<<10)
	if kind == bodySniff {
		head, _ := br.Peek(len(xlsx.Magic))
		if bytes.HasPrefix(head, []byte(xlsx.Magic)) {
			kind = bodyXLSX
		}
	}
	if kind == bodyXLSX {
		return xlsx.NewSource(br)
	}
	return warranty.NewCSVSource(br)
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
	r.Warnings = []notice{}
	if n := run.Counts.Duplicates; n > 0 {
		const key = "import.warning.duplicates"
		r.Warnings = append(r.Warnings, notice{Code: key, Message: h.s.T(c, key, map[string]any{"Count": n})})
	}
	if err != nil {
		de := domain.As(err)
		r.Code, r.Error = de.Key, h.s.T(c, de.Key, de.Data)
	}
	return r
}

// userAgent returns the caller's User-Agent as the audit log keeps it: at
// most 500 bytes.
func userAgent(c *fiber.Ctx) string {
	ua := string(c.Context().UserAgent())
	if len(ua) > 500 {
		ua = ua[:500]
	}
	return ua
}

// errTooLarge ends an import body longer than the handler's limit.
var errTooLarge = errors.New("api: import body too large")

// bodyReader reads at most left bytes and returns errTooLarge, rather than
// io.EOF, when the body goes on beyond them. A body that ends before its
// Content-Length (want, -1 when chunked), or that cannot be read, means
// that the client has gone: gone is called, before the error is returned,
// so that the import is cancelled rather than applied to half a file.
type bodyReader struct {
	r    io.Reader
	left int64
	want int64
	got  int64
	gone func(error)
}

func (l *bodyReader) Read(p []byte) (int, error) {
	n, err := l.read(p)
	l.got += int64(n)
	if errors.Is(err, io.EOF) && l.want >= 0 && l.got < l.want {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errTooLarge) {
		l.gone(err)
	}
	return n, err
}

func (l *bodyReader) read(p []byte) (int, error) {
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
