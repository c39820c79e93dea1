package xlsx

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Writer writes a workbook of one sheet to a stream, row by row: the zip
// archive's parts are written in order and the sheet is compressed as its
// rows arrive, so memory stays flat however many rows follow and nothing
// goes to disk. Text cells are inline strings (never formulas), dates are
// date cells shown as yyyy-mm-dd, and the header row is bold and frozen.
type Writer struct {
	zw    *zip.Writer
	sheet *bufio.Writer
	rows  int
	cells []byte // the row being written, reused
}

// Cell is one cell of a row: text, or a date when IsDate is set (only its
// year, month and day count).
type Cell struct {
	Text   string
	Date   time.Time
	IsDate bool
}

// The style indexes of styles.xml below.
const (
	styleBold = 1
	styleDate = 2
)

// NewWriter starts a workbook on w whose one sheet is named name (cut to
// Excel's 31 characters, without the characters it forbids) and has columns
// of the given widths (in characters). Call Header once, then Row for each
// row, then Close.
func NewWriter(w io.Writer, name string, widths []float64) (*Writer, error) {
	zw := zip.NewWriter(w)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", fmt.Sprintf(workbookXML, escape(sheetName(name)))},
		{"xl/_rels/workbook.xml.rels", workbookRels},
		{"xl/styles.xml", styles},
	} {
		f, err := zw.Create(p.name)
		if err != nil {
			return nil, fmt.Errorf("xlsx: write %s: %w", p.name, err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return nil, fmt.Errorf("xlsx: write %s: %w", p.name, err)
		}
	}
	f, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, fmt.Errorf("xlsx: write sheet: %w", err)
	}
	x := &Writer{zw: zw, sheet: bufio.NewWriterSize(f, 32<<10)}
	x.sheet.WriteString(xml + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`)
	if len(widths) > 0 {
		x.sheet.WriteString("<cols>")
		for i, wd := range widths {
			fmt.Fprintf(x.sheet, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(wd, 'f', -1, 64))
		}
		x.sheet.WriteString("</cols>")
	}
	x.sheet.WriteString("<sheetData>")
	return x, nil
}

// Header writes the bold header row.
func (x *Writer) Header(names []string) error {
	cells := make([]Cell, len(names))
	for i, n := range names {
		cells[i] = Cell{Text: n}
	}
	return x.row(cells, styleBold)
}

// Row writes one row of cells.
func (x *Writer) Row(cells []Cell) error { return x.row(cells, 0) }

func (x *Writer) row(cells []Cell, style int) error {
	x.rows++
	b := append(x.cells[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(x.rows), 10)
	b = append(b, `">`...)
	for i, c := range cells {
		b = append(b, `<c r="`...)
		b = appendColumn(b, i)
		b = strconv.AppendInt(b, int64(x.rows), 10)
		switch {
		case c.IsDate:
			b = append(b, `" s="`...)
			b = strconv.AppendInt(b, styleDate, 10)
			b = append(b, `"><v>`...)
			b = strconv.AppendInt(b, serialDay(c.Date), 10)
			b = append(b, `</v></c>`...)
		default:
			if style != 0 {
				b = append(b, `" s="`...)
				b = strconv.AppendInt(b, int64(style), 10)
			}
			b = append(b, `" t="inlineStr"><is><t xml:space="preserve">`...)
			b = appendEscaped(b, c.Text)
			b = append(b, `</t></is></c>`...)
		}
	}
	b = append(b, `</row>`...)
	x.cells = b
	_, err := x.sheet.Write(b)
	return err
}

// Close ends the sheet and the archive.
func (x *Writer) Close() error {
	x.sheet.WriteString("</sheetData></worksheet>")
	if err := x.sheet.Flush(); err != nil {
		return fmt.Errorf("xlsx: write sheet: %w", err)
	}
	if err := x.zw.Close(); err != nil {
		return fmt.Errorf("xlsx: close: %w", err)
	}
	return nil
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts after
// February 1900 (it counts a 29 February 1900 that never was).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialDay is t's calendar day as an Excel date number.
func serialDay(t time.Time) int64 {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return (d.Unix() - excelEpoch.Unix()) / 86400 // not Sub: a Duration ends after 292 years
}

// appendColumn appends the letters of the zero-based column i (A, …, Z, AA, …).
func appendColumn(b []byte, i int) []byte {
	if i >= 26 {
		b = appendColumn(b, i/26-1)
	}
	return append(b, byte('A'+i%26))
}

// appendEscaped appends s escaped for XML text, with the characters XML 1.0
// cannot hold (control characters but tab, line feed and carriage return,
// invalid UTF-8) replaced by U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, byte(r))
		case r < 0x20 || r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF:
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

func escape(s string) string { return string(appendEscaped(nil, s)) }

// sheetName makes name a valid sheet name: without []:*?/\ and at most 31
// characters; "Sheet1" when nothing is left.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if strings.TrimSpace(name) == "" {
		return "Sheet1"
	}
	return name
}

const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypes = xml + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const rootRels = xml + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const workbookXML = xml + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>`

const workbookRels = xml + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

// styles holds the cell formats: 0 plain, 1 bold (styleBold), 2 the date
// format yyyy-mm-dd (styleDate).
const styles = xml + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`
