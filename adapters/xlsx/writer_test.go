package xlsx

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestWriterReadBack writes a sheet with the writer and reads it back with
// excelize, as a spreadsheet program would open it: the sheet's name, the
// bold frozen header, text kept as text (markup, formulas, Chinese, a
// control character), and dates as date cells of the yyyy-mm-dd format,
// even far in the future.
func TestWriterReadBack(t *testing.T) {
	var buf bytes.Buffer
	x, err := NewWriter(&buf, "服务查询 [2026]: a/b", []float64{30, 12})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Header([]string{"设备名称", "结束时间"}); err != nil {
		t.Fatal(err)
	}
	rows := [][]Cell{
		{{Text: `<b>A&B</b> "x"`}, {Date: time.Date(2027, 3, 31, 23, 0, 0, 0, time.FixedZone("CST", 8*3600)), IsDate: true}},
		{{Text: "=1+1"}, {Date: time.Date(2900, 1, 1, 0, 0, 0, 0, time.UTC), IsDate: true}},
		{{Text: "行\x01尾 \t end "}, {Text: ""}},
	}
	for _, r := range rows {
		if err := x.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "服务查询 2026 ab" {
		t.Fatalf("sheets = %q", sheets)
	}
	sh := sheets[0]
	want := map[string]string{"A1": "设备名称", "B1": "结束时间", "A2": `<b>A&B</b> "x"`, "B2": "2027-03-31",
		"A3": "=1+1", "B3": "2900-01-01", "A4": "行\ufffd尾 \t end "}
	for cell, w := range want {
		if got, err := f.GetCellValue(sh, cell); err != nil || got != w {
			t.Errorf("%s = %q, %v; want %q", cell, got, err, w)
		}
	}
	if formula, _ := f.GetCellFormula(sh, "A3"); formula != "" {
		t.Errorf("A3 holds the formula %q, want text", formula)
	}
	for _, cell := range []string{"B2", "B3"} {
		if typ, _ := f.GetCellType(sh, cell); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("%s is a text cell, want a date number", cell)
		}
		raw, _ := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
		if raw != map[string]string{"B2": "46477", "B3": "365245"}[cell] {
			t.Errorf("%s serial = %s", cell, raw)
		}
	}
	style, _ := f.GetCellStyle(sh, "A1")
	if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header style = %+v, %v; want bold", s, err)
	}
	panes, err := f.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the header row frozen", panes, err)
	}
	if w, _ := f.GetColWidth(sh, "A"); w != 30 {
		t.Errorf("column A width = %v, want 30", w)
	}
}
