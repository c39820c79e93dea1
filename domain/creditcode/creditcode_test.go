package creditcode

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		in, key string
	}{
		{"91310110666007217T", ""},
		{"91440300MA5F0KQ2XL", ""},
		{"12100000400012345P", ""},
		{" 9131 0110-6660 0721 7t ", ""},                    // spaces, hyphen, lower case
		{"９１３１０１１０６６６００７２１７Ｔ", ""},                          // full-width
		{"91310110666007217U", "error.credit_code.check"},   // wrong check character
		{"91310110666007218T", "error.credit_code.check"},   // one digit changed
		{"9131011066600721T", "error.credit_code.length"},   // 17
		{"91310110666007217TX", "error.credit_code.length"}, // 19
		{"", "error.credit_code.required"},
		{"91310110666007217I", "error.credit_code.charset"},
		{"O1310110666007217T", "error.credit_code.charset"},
		{"9131011066600721ST", "error.credit_code.charset"},
		{"9131011066600721VT", "error.credit_code.charset"},
		{"9131011066600721ZT", "error.credit_code.charset"},
		{"91A10110666007217T", "error.credit_code.region"},
		{"9131011066600721★T", "error.credit_code.charset"},
	}
	for _, tt := range tests {
		code := Normalize(tt.in)
		err := Validate(code)
		got := ""
		if err != nil {
			got = err.Key
		}
		if got != tt.key {
			t.Errorf("%q (normalised %q): want %q, got %q", tt.in, code, tt.key, got)
		}
	}
}

func TestCharsetSaysWhere(t *testing.T) {
	err := Validate("91310110666007217I")
	if err.Data["Pos"] != 18 || err.Data["Char"] != "I" {
		t.Fatalf("want position 18 and I, got %v", err.Data)
	}
}

// FuzzCreditCode checks that validation never panics and never accepts a code
// whose check character is wrong.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"91310110666007217T", "９１３１０１１０６６６００７２１７Ｔ", "", "I", strings.Repeat("0", 18), "91310110666007217\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code := Normalize(s)
		if Validate(code) != nil {
			return
		}
		if len(code) != 18 || CheckChar(code[:17]) != code[17] {
			t.Fatalf("accepted %q with a wrong check character", code)
		}
		for i := 0; i < 31; i++ {
			other := code[:17] + string(alphabet[i])
			if other != code && Validate(other) == nil {
				t.Fatalf("accepted %q as well as %q", other, code)
			}
		}
	})
}
