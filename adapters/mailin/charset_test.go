package mailin

import (
	"encoding/base64"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// TestDecodeHeader decodes encoded words in the charsets Chinese and
// other clients send, including words split inside a character.
func TestDecodeHeader(t *testing.T) {
	gb := base64.StdEncoding.EncodeToString(gbk("服务器无法开机"))
	whole := gbk("回复：工单")
	big5, _ := traditionalchinese.Big5.NewEncoder().Bytes([]byte("風扇告警"))
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("𠀀 and € and 䶵"))
	cases := []struct{ name, in, want string }{
		{"ascii", "Re: hello", "Re: hello"},
		{"utf-8 B", "=?UTF-8?B?5pyN5Yqh5Zmo?=", "服务器"},
		{"utf-8 Q", "=?utf-8?Q?Caf=C3=A9_au_lait?=", "Café au lait"},
		{"gbk", "=?GBK?B?" + gb + "?=", "服务器无法开机"},
		{"gb2312 label reads GBK characters", "=?gb2312?B?" + base64.StdEncoding.EncodeToString(gbk("镕")) + "?=", "镕"},
		{"gb18030 four-byte characters", "=?gb18030?B?" + base64.StdEncoding.EncodeToString(gb18030) + "?=", "𠀀 and € and 䶵"},
		{"big5", "=?big5?B?" + base64.StdEncoding.EncodeToString(big5) + "?=", "風扇告警"},
		{"word split inside a character", "=?GBK?B?" + base64.StdEncoding.EncodeToString(whole[:3]) + "?= =?GBK?B?" + base64.StdEncoding.EncodeToString(whole[3:]) + "?=", "回复：工单"},
		{"text around words", "Re: =?UTF-8?B?5bel5Y2V?= [#12]", "Re: 工单 [#12]"},
		{"space between words dropped", "=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab"},
		{"language suffix", "=?UTF-8*zh?B?5bel5Y2V?=", "工单"},
		{"unknown charset keeps valid bytes", "=?x-nonsense?Q?abc?=", "abc"},
		{"raw 8-bit GBK", string(gbk("张三")), "张三"},
		{"raw utf-8", "张三", "张三"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := decodeHeader(c.in); got != c.want {
				t.Errorf("decodeHeader(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestToUTF8 converts bodies from their declared charset, and undeclared
// 8-bit text by a guess.
func TestToUTF8(t *testing.T) {
	cases := []struct {
		name, label string
		in          []byte
		want        string
	}{
		{"gbk", "GBK", gbk("您好，世界"), "您好，世界"},
		{"gb2312 quoted", `"gb2312"`, gbk("您好"), "您好"},
		{"us-ascii label over utf-8 bytes", "us-ascii", []byte("naïve 中文"), "naïve 中文"},
		{"no label, GBK bytes", "", gbk("设备清单"), "设备清单"},
		{"latin-1", "iso-8859-1", []byte{'c', 'a', 'f', 0xe9}, "café"},
		{"broken utf-8", "utf-8", []byte{'a', 0xff, 'b'}, "a\uFFFDb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := toUTF8(c.label, c.in); got != c.want {
				t.Errorf("toUTF8(%q, %q) = %q, want %q", c.label, c.in, got, c.want)
			}
		})
	}
}

// TestMediaType reads parameters the way real clients write them.
func TestMediaType(t *testing.T) {
	gbkName := ""
	for _, b := range gbk("报价单.xlsx") {
		gbkName += "%" + string("0123456789ABCDEF"[b>>4]) + string("0123456789ABCDEF"[b&15])
	}
	cases := []struct{ name, in, typ, key, want string }{
		{"simple", `text/plain; charset="gb2312"`, "text/plain", "charset", "gb2312"},
		{"upper case type", `TEXT/HTML; CHARSET=UTF-8`, "text/html", "charset", "UTF-8"},
		{"rfc 2231 utf-8", `attachment; filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95.xlsx`, "attachment", "filename", "报价单.xlsx"},
		{"rfc 2231 gbk", `attachment; filename*=gbk''` + gbkName, "attachment", "filename", "报价单.xlsx"},
		{"rfc 2231 continuations", `attachment; filename*0*=utf-8'zh'%E6%8A%A5; filename*1*=%E4%BB%B7; filename*2="单.xlsx"`, "attachment", "filename", "报价单.xlsx"},
		{"rfc 2231 literal section", `attachment; filename*0*=utf-8''a%20b; filename*1=%41`, "attachment", "filename", "a b%41"},
		{"encoded word in quotes", `attachment; filename="=?UTF-8?B?5oql5Lu35Y2VLnhsc3g=?="`, "attachment", "filename", "报价单.xlsx"},
		{"raw 8-bit name", "attachment; filename=\"" + string(gbk("报价单.xlsx")) + "\"", "attachment", "filename", "报价单.xlsx"},
		{"missing semicolon tolerated", `text/plain charset=utf-8`, "text/plain", "charset", ""},
		{"duplicate keeps first", `text/plain; charset=gbk; charset=utf-8`, "text/plain", "charset", "gbk"},
		{"boundary kept raw", `multipart/mixed; boundary="=?x?q?y?="`, "multipart/mixed", "boundary", "=?x?q?y?="},
		{"escaped quote", `attachment; filename="a \"b\".txt"`, "attachment", "filename", `a "b".txt`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ, params := mediaType(c.in)
			if typ != c.typ || params[c.key] != c.want {
				t.Errorf("mediaType(%q) = %q, %s=%q; want %q, %q", c.in, typ, c.key, params[c.key], c.typ, c.want)
			}
		})
	}
}
