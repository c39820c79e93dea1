// Package xlsx reads warranty import files in the XLSX format (SPEC §3.3):
// the first sheet, with the same header as the CSV format, row by row.
//
// An XLSX file is a zip archive, whose directory sits at its end, so it cannot
// be read from a stream. NewSource therefore copies the upload to a temporary
// file and opens that: excelize keeps the small parts of the archive in memory
// and unzips the worksheet and the shared strings to temporary files of its
// own once they are larger than a few megabytes, and the rows are read with
// excelize's streaming iterator, so memory stays flat however large the file.
// Close removes every temporary file.
package xlsx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"supportal/domain"
	"supportal/domain/warranty"
)

// Limits of the archive.
const (
	// inMemory is the largest part of the archive kept in memory; larger
	// worksheets and shared string tables are unzipped to temporary files.
	inMemory = 4 << 20
	// maxUnzipped bounds the archive's unzipped size, against zip bombs.
	maxUnzipped = 16 << 30
)

// Source yields the rows of the first sheet of an XLSX file in
// warranty.Columns order. Line numbers are the spreadsheet's row numbers.
type Source struct {
	f *excelize.File
	// text reads the cells as the spreadsheet shows them, raw the values
	// behind them; they move in step, one row at a time.
	text, raw *excelize.Rows
	order     []int
	width     int
	dates     []int // positions of the date columns in the file
	date1904  bool
	line      int
}

var _ warranty.Source = (*Source)(nil)

// errUnreadable is returned for a file that is not a readable XLSX workbook.
func errUnreadable(err error) error {
	return &domain.Error{Kind: domain.Invalid, Key: "import.error.xlsx", Err: err}
}

// NewSource reads an XLSX workbook from r, which it consumes completely into
// a temporary file, and checks the header of its first sheet. The caller must
// Close the source. Errors reading r are returned wrapped.
func NewSource(r io.Reader) (*Source, error) {
	tmp, err := os.CreateTemp("", "supportal-import-*.xlsx")
	if err != nil {
		return nil, fmt.Errorf("xlsx: temporary file: %w", err)
	}
	name := tmp.Name()
	// excelize reads the whole archive when it opens it, so the copy is
	// not needed once OpenFile returns.
	defer os.Remove(name)
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("xlsx: read upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("xlsx: write temporary file: %w", err)
	}
	f, err := excelize.OpenFile(name, excelize.Options{UnzipXMLSizeLimit: inMemory, UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, errUnreadable(err)
	}
	s := &Source{f: f}
	if err := s.open(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// open starts both row iterators on the first sheet and reads the header.
func (s *Source) open() error {
	sheets := s.f.GetSheetList()
	if len(sheets) == 0 {
		return errUnreadable(errors.New("no sheet"))
	}
	var err error
	if s.text, err = s.f.Rows(sheets[0]); err != nil {
		return errUnreadable(err)
	}
	if s.raw, err = s.f.Rows(sheets[0]); err != nil {
		return errUnreadable(err)
	}
	if props, err := s.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		s.date1904 = *props.Date1904
	}
	var header []string
	for {
		_, text, _, err := s.row()
		if errors.Is(err, io.EOF) {
			return domain.E(domain.Invalid, "import.error.empty")
		}
		if err != nil {
			return err
		}
		if len(text) > 0 {
			header = text
			break
		}
	}
	if s.order, err = warranty.ColumnOrder(header); err != nil {
		return err
	}
	s.width = len(header)
	for i, c := range warranty.Columns {
		if c == "start_date" || c == "end_date" {
			s.dates = append(s.dates, i)
		}
	}
	return nil
}

// row returns the next row of the sheet, shown and raw, without its trailing
// blank cells; a blank row comes back empty.
func (s *Source) row() (line int, text, raw []string, err error) {
	if s.text == nil || !s.text.Next() {
		if s.text != nil && s.text.Error() != nil {
			return 0, nil, nil, errUnreadable(s.text.Error())
		}
		return 0, nil, nil, io.EOF
	}
	s.raw.Next()
	s.line++
	if text, err = s.text.Columns(); err != nil {
		return s.line, nil, nil, errUnreadable(err)
	}
	if raw, err = s.raw.Columns(excelize.Options{RawCellValue: true}); err != nil {
		return s.line, nil, nil, errUnreadable(err)
	}
	for len(text) > 0 && strings.TrimSpace(text[len(text)-1]) == "" {
		text = text[:len(text)-1]
	}
	return s.line, text, raw, nil
}

// Next returns the next non-blank row in warranty.Columns order with its row
// number, or io.EOF. Rows shorter than the header are padded with empty
// cells (spreadsheets drop trailing blanks); a row with more cells than the
// header returns a *warranty.CellCountError. Date cells that do not show as
// YYYY-MM-DD are converted from their serial number.
func (s *Source) Next() (int, []string, error) {
	for {
		line, text, raw, err := s.row()
		if err != nil {
			return line, nil, err
		}
		if len(text) == 0 {
			continue
		}
		if len(text) > s.width {
			return line, nil, &warranty.CellCountError{Line: line, Want: s.width, Got: len(text)}
		}
		rec := warranty.Reorder(s.order, text)
		for _, i := range s.dates {
			if p := s.order[i]; p < len(raw) && !isISODate(rec[i]) {
				if d, ok := serialDate(raw[p], s.date1904); ok {
					rec[i] = d
				}
			}
		}
		return line, rec, nil
	}
}

// Close stops reading and removes the temporary files. It may be called more
// than once.
func (s *Source) Close() error {
	if s.f == nil {
		return nil
	}
	var errs []error
	for _, r := range []*excelize.Rows{s.text, s.raw} {
		if r != nil {
			errs = append(errs, r.Close())
		}
	}
	errs = append(errs, s.f.Close())
	s.f, s.text, s.raw = nil, nil, nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("xlsx: close: %w", err)
	}
	return nil
}

// isISODate reports whether s is a date the row parser accepts as it is.
func isISODate(s string) bool {
	_, err := time.Parse("2006-01-02", strings.ReplaceAll(strings.TrimSpace(s), "/", "-"))
	return err == nil
}

// maxSerial is 9999-12-31, the last day a spreadsheet can hold.
const maxSerial = 2958465

// serialDate turns a spreadsheet date serial number (days since 1899-12-30,
// or 1904-01-01 in the 1904 system; a fraction is the time of day) into
// YYYY-MM-DD.
func serialDate(raw string, date1904 bool) (string, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsNaN(v) || v < 1 || v > maxSerial {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(math.Floor(v), date1904)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// Magic is how every XLSX file (a zip archive) starts, so that callers can
// tell it from CSV by content rather than by name.
const Magic = "PK\x03\x04"
