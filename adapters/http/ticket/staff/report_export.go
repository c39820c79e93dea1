package staff

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"supportal/adapters/xlsx"
)

// exportTable computes the report of the query and returns the named
// table, with every company; an unknown name is 404.
func (h *Reports) exportTable(c *fiber.Ctx) (table, error) {
	name := strings.Clone(c.Params("name"))
	if !slices.Contains(tableNames, name) {
		return table{}, fiber.ErrNotFound
	}
	in, _ := input(c)
	in.Only, _, _ = strings.Cut(name, "_") // backlog, sla or csat
	r, err := h.svc.Report(c.UserContext(), actor(c), in)
	if err != nil {
		return table{}, err
	}
	for _, tb := range h.reportTables(c, r, nil) {
		if tb.Name == name {
			return tb, nil
		}
	}
	return table{}, fiber.ErrNotFound
}

// send answers with the file of a report.
func (h *Reports) send(c *fiber.Ctx, tb table, ext, ctype string, body []byte) error {
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="report-`+tb.Name+`.`+ext+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// exportCSV answers GET /staff/reports/<name>.csv: the report as UTF-8 CSV
// with a BOM (so that Excel reads the Chinese text), CRLF line ends, the
// header in the viewer's language and no cell a spreadsheet would take for
// a formula.
func (h *Reports) exportCSV(c *fiber.Ctx) error {
	tb, err := h.exportTable(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(tb.Header)
	for _, r := range tb.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = defuse(v)
		}
		_ = w.Write(cells)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return h.send(c, tb, "csv", "text/csv; charset=utf-8", buf.Bytes())
}

// defuse keeps a spreadsheet from reading a cell as a formula (CSV
// injection): text starting with = + - @ or a tab or carriage return gets a
// leading quote, as the warranty export does.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// exportXLSX answers GET /staff/reports/<name>.xlsx: the report as one
// sheet of text cells (never formulas), the header in the viewer's
// language.
func (h *Reports) exportXLSX(c *fiber.Ctx) error {
	tb, err := h.exportTable(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	widths := make([]float64, len(tb.Header))
	for i := range widths {
		widths[i] = 14
	}
	widths[0] = 28
	x, err := xlsx.NewWriter(&buf, h.s.T(c, "report.title", nil), widths)
	if err != nil {
		return err
	}
	if err := x.Header(tb.Header); err != nil {
		return err
	}
	cells := make([]xlsx.Cell, len(tb.Header))
	for _, r := range tb.Rows {
		for i, v := range r {
			cells[i] = xlsx.Cell{Text: v}
		}
		if err := x.Row(cells); err != nil {
			return err
		}
	}
	if err := x.Close(); err != nil {
		return err
	}
	return h.send(c, tb, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}
