package warranty

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	web "supportal/adapters/http"
	"supportal/adapters/xlsx"
	wty "supportal/domain/warranty"
)

// exportColumns are the message ids of the export's header, in order.
var exportColumns = []string{"warranty.col.name", "warranty.col.sn", "warranty.col.order", "warranty.col.sku",
	"warranty.col.service", "warranty.col.start", "warranty.col.end", "warranty.col.coverage"}

// coverages are the badges, for their translated labels.
var coverages = []wty.Coverage{wty.Active, wty.Expiring, wty.Expired, wty.NotStarted}

// exportRow is one row of an export: the cells as text (dates as
// yyyy-mm-dd), and the line's dates as values for a format that has date
// cells; dated is false for a device without lines.
type exportRow struct {
	cells      []string
	start, end time.Time
	dated      bool
}

// The columns of the start and end dates in an exportRow's cells.
const startCol, endCol = 5, 6

// exportRows turns the devices of an export into rows, one per service line
// (a device without lines gets one row), and hands them to fn as they come
// from the store. It is handed to a format's writer, which calls rows once.
type exportRows func(fn func(r exportRow) error) error

// exportCSV answers GET /warranty/export.csv: the current result as UTF-8
// CSV with a BOM, so that Excel opens the Chinese text correctly.
func (h *Handler) exportCSV(c *fiber.Ctx) error {
	return h.download(c, "csv", "text/csv; charset=utf-8", func(w io.Writer, header []string, rows exportRows) error {
		// The BOM and the header stay in this buffer until the service has
		// passed the access check and the first rows follow.
		bw := bufio.NewWriterSize(w, 64<<10)
		_, _ = bw.WriteString("\ufeff")
		cw := csv.NewWriter(bw)
		if err := cw.Write(header); err != nil {
			return err
		}
		err := rows(func(r exportRow) error {
			for i, v := range r.cells {
				r.cells[i] = defuse(v)
			}
			return cw.Write(r.cells)
		})
		if err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// defuse keeps a spreadsheet from reading a cell as a formula (CSV injection):
// text starting with = + - @ or a control character gets a leading quote.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// exportXLSX answers GET /warranty/export.xlsx: the current result as one
// sheet, streamed as it is read (adapters/xlsx.Writer: flat memory, nothing
// on disk). Dates are date cells shown as yyyy-mm-dd; text cells are text,
// never formulas.
func (h *Handler) exportXLSX(c *fiber.Ctx) error {
	sheet := h.s.T(c, "nav.warranty", nil)
	return h.download(c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		func(w io.Writer, header []string, rows exportRows) error {
			var x *xlsx.Writer
			start := func() error { // at the first row: nothing is written before rows runs
				var err error
				if x, err = xlsx.NewWriter(w, sheet, exportWidths); err != nil {
					return err
				}
				return x.Header(header)
			}
			cells := make([]xlsx.Cell, len(header))
			err := rows(func(r exportRow) error {
				if x == nil {
					if err := start(); err != nil {
						return err
					}
				}
				for i, v := range r.cells {
					cells[i] = xlsx.Cell{Text: v}
				}
				if r.dated {
					cells[startCol] = xlsx.Cell{Date: r.start, IsDate: true}
					cells[endCol] = xlsx.Cell{Date: r.end, IsDate: true}
				}
				return x.Row(cells)
			})
			if err != nil {
				return err
			}
			if x == nil { // an empty result: the header alone
				if err := start(); err != nil {
					return err
				}
			}
			return x.Close()
		})
}

// exportWidths are the XLSX columns' widths, in characters.
var exportWidths = []float64{32, 20, 18, 16, 28, 12, 12, 14}

// download streams an export of the current query as an attachment. write
// runs in the background over a pipe; the response starts only once the
// service has passed its access check (at the first device, or at the end
// of an empty result), so an unverified company gets the error page and
// not a broken file. write must not write to w before it has called rows.
func (h *Handler) download(c *fiber.Ctx, ext, ctype string, write func(w io.Writer, header []string, rows exportRows) error) error {
	a, _ := web.Account(c)
	in := searchInput(c)
	in.Page = 1
	header := make([]string, len(exportColumns))
	for i, id := range exportColumns {
		header[i] = h.s.T(c, id, nil)
	}
	labels := make(map[wty.Coverage]string, len(coverages))
	for _, cov := range coverages {
		labels[cov] = h.s.T(c, "coverage."+string(cov), nil)
	}
	ctx, now, loc := c.UserContext(), h.Now(), h.loc

	ready := make(chan error, 1)
	var once sync.Once
	var started atomic.Bool // the response is under way: later errors can only be logged
	signal := func(err error) {
		once.Do(func() {
			started.Store(err == nil)
			ready <- err
		})
	}
	rows := func(fn func(r exportRow) error) error {
		cells := make([]string, len(exportColumns)) // reused: a writer keeps no row
		err := h.svc.Export(ctx, a.CompanyID, in, func(d wty.Device) error {
			signal(nil)
			if len(d.Lines) == 0 {
				copy(cells, []string{d.Name, d.SN, d.OrderNo, "", "", "", "", ""})
				return fn(exportRow{cells: cells})
			}
			for _, l := range sortedLines(d.Lines, in.Sort == wty.SortEndAsc) {
				cov := wty.CoverageOn(l.Start, l.End, now, loc)
				copy(cells, []string{d.Name, d.SN, d.OrderNo, l.SKU, l.ServiceName,
					l.Start.Format(dateLayout), l.End.Format(dateLayout), labels[cov]})
				if err := fn(exportRow{cells: cells, start: l.Start, end: l.End, dated: true}); err != nil {
					return err
				}
			}
			return nil
		})
		signal(err)
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		err := write(pw, header, rows)
		signal(err)
		if err != nil && started.Load() && !errors.Is(err, io.ErrClosedPipe) {
			h.Log.ErrorContext(context.WithoutCancel(ctx), "warranty export failed", "request_id", web.RequestID(ctx), "format", ext, "err", err)
		}
		_ = pw.CloseWithError(err)
	}()
	if err := <-ready; err != nil {
		_ = pr.Close()
		return err
	}
	name := fmt.Sprintf("warranty-%s.%s", now.In(loc).Format("20060102"), ext)
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStream(pr, -1)
	return nil
}
