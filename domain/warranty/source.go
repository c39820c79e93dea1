package warranty

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"supportal/domain"
)

// Source yields the records of an import file, header first checked.
type Source interface {
	// Next returns the next record in Columns order with its line number, or
	// io.EOF at the end.
	Next() (line int, rec []string, err error)
}

// errHeader is returned when the header is not the SPEC §3.3 one.
func errHeader(missing []string) *domain.Error {
	return domain.E(domain.Invalid, "import.error.header").With("Missing", strings.Join(missing, ", ")).With("Columns", strings.Join(Columns, ","))
}

// ColumnOrder maps a header to the positions of Columns, so that files may
// order their columns freely. Names are matched case-insensitively.
func ColumnOrder(header []string) ([]int, error) {
	pos := map[string]int{}
	for i, h := range header {
		pos[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	order := make([]int, len(Columns))
	var missing []string
	for i, c := range Columns {
		p, ok := pos[c]
		if !ok {
			missing = append(missing, c)
		}
		order[i] = p
	}
	if len(missing) > 0 {
		return nil, errHeader(missing)
	}
	return order, nil
}

// Reorder picks the cells of rec in Columns order; missing cells are empty.
func Reorder(order []int, rec []string) []string {
	out := make([]string, len(order))
	for i, p := range order {
		if p < len(rec) {
			out[i] = rec[p]
		}
	}
	return out
}

// OpenLater returns a Source that calls open on its first Next and then
// reads the source open returned, so that the import records a file that
// open refuses (a wrong header, an empty file, a broken workbook) as a
// failed run. Close closes the opened source when it has a Close method.
func OpenLater(open func() (Source, error)) *LaterSource {
	return &LaterSource{open: open}
}

// LaterSource is the Source of OpenLater.
type LaterSource struct {
	open func() (Source, error)
	src  Source
	err  error
}

// Next opens the source on the first call and returns its next record, or
// the error of opening it.
func (l *LaterSource) Next() (int, []string, error) {
	if l.open != nil {
		l.src, l.err = l.open()
		l.open = nil
	}
	if l.err != nil {
		return 0, nil, l.err
	}
	return l.src.Next()
}

// Close releases the opened source, if any.
func (l *LaterSource) Close() error {
	if c, ok := l.src.(io.Closer); ok && l.err == nil {
		return c.Close()
	}
	return nil
}

type csvSource struct {
	r     *csv.Reader
	order []int
	width int
}

// NewCSVSource reads a UTF-8 CSV file (with or without BOM) and checks its
// header. It streams: memory does not grow with the file.
func NewCSVSource(r io.Reader) (Source, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, domain.E(domain.Invalid, "import.error.empty")
	}
	if err != nil {
		return nil, domain.E(domain.Invalid, "import.error.csv").With("Line", 1).With("Reason", err.Error())
	}
	order, err := ColumnOrder(header)
	if err != nil {
		return nil, err
	}
	return &csvSource{r: cr, order: order, width: len(header)}, nil
}

func (s *csvSource) Next() (int, []string, error) {
	rec, err := s.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return pe.StartLine, nil, domain.E(domain.Invalid, "import.error.csv").With("Line", pe.StartLine).With("Reason", pe.Err.Error())
		}
		return 0, nil, fmt.Errorf("warranty: read csv: %w", err)
	}
	line, _ := s.r.FieldPos(0)
	if len(rec) != s.width {
		return line, nil, &CellCountError{Line: line, Want: s.width, Got: len(rec)}
	}
	return line, Reorder(s.order, rec), nil
}

// CellCountError reports a record with another number of cells than the
// header. It is a problem of one row, not of the file: the import goes on
// reading and reports it with the other row errors.
type CellCountError struct {
	Line, Want, Got int
}

func (e *CellCountError) Error() string {
	return fmt.Sprintf("line %d has %d cells, the header %d", e.Line, e.Got, e.Want)
}
