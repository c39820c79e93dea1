package locales

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"supportal/views"
)

// term is the one name the portal uses for a thing, against the variants
// that creep in. A variant inside one of within is not the variant (the bare
// 信用代码 inside 社会信用代码).
type term struct {
	preferred string
	variants  []string
	within    []string
	why       string
}

// terms are checked in every Chinese text the customer or staff reads: the
// pages, the emails (mail.*) and the export's header (warranty.export.*)
// are all messages of active.zh-CN.toml; the templates hold only comments
// and markup besides, and are checked too in case a text slips in.
//
// Pairs left out on purpose: 企业认证 (also "被其他企业认证", a verb phrase);
// 动态码 and 恢复码 are other things than 验证码 (the authenticator's code and
// the one-time codes of the second factor); 公司 and 企业 both stay: 公司 names
// the customer's fields (公司名称, 公司规模, 贵公司), 企业 the enterprise that is
// verified (企业实名认证, 企业信息, 该企业), so only the crossed forms are refused.
var terms = []term{
	{"账户", []string{"账号", "帐户", "帐号"}, nil, "the account: 账户 throughout (账户信息, 员工账户)"},
	{"登录", []string{"登陆"}, nil, "to sign in: 登陆 is a common misspelling"},
	{"验证码", []string{"校验码"}, nil, "the emailed code"},
	{"邮箱", []string{"电子邮件", "邮件地址", "电子邮箱"}, nil, "the email address: the field is 邮箱"},
	{"手机号", []string{"手机号码", "移动电话"}, nil, "the mobile number: the field is 手机号"},
	{"序列号", []string{"串号", "机身号"}, nil, "a device's serial number (SN)"},
	{"维保", []string{"保修", "质保"}, nil, "the warranty services of a device (维保服务)"},
	{"两步验证", []string{"第二重验证", "双重验证", "二次验证", "双因素"}, nil, "the staff's second factor"},
	{"社会信用代码", []string{"信用代码"}, []string{"社会信用代码"}, "the field's label; its hint names it in full (统一社会信用代码)"},
	{"工单", []string{"服务单"}, nil, "a support ticket (服务请求 is one of its types, SPEC §4.1)"},
	{"服务请求", []string{"服务申请"}, nil, "the ticket type of SPEC §4.1"},
	{"审核", []string{"审批"}, nil, "a reviewer's check of a verification"},
	{"公司名称", []string{"企业名称"}, nil, "the company name field"},
	{"贵公司", []string{"贵企业"}, nil, "the customer's company, addressed"},
	{"企业实名认证", []string{"公司实名认证", "公司认证"}, nil, "the verification of the enterprise"},
	{"企业信息", []string{"公司信息"}, nil, "the menu entry and page of the enterprise"},
}

// misnamed returns the variants text uses, each with the term it should be.
func misnamed(text string) map[string]string {
	out := map[string]string{}
	for _, tm := range terms {
		t := text
		for _, w := range tm.within {
			t = strings.ReplaceAll(t, w, "\x00")
		}
		for _, v := range tm.variants {
			if strings.Contains(t, v) {
				out[v] = tm.preferred
			}
		}
	}
	return out
}

func TestMisnamed(t *testing.T) {
	for text, want := range map[string]map[string]string{
		"请输入社会信用代码。":        {},
		"统一社会信用代码应为 18 位。":  {},
		"公司名称或信用代码":         {"信用代码": "社会信用代码"},
		"请先登陆您的帐号。":         {"登陆": "登录", "帐号": "账户"},
		"信用代码已被其他企业认证":      {"信用代码": "社会信用代码"},
		"查询贵公司设备的维保服务及有效期。": {},
	} {
		got := misnamed(text)
		if len(got) != len(want) {
			t.Errorf("%q: %v, want %v", text, got, want)
			continue
		}
		for v, p := range want {
			if got[v] != p {
				t.Errorf("%q: %v, want %v", text, got, want)
			}
		}
	}
}

// TestChineseTerms: one thing, one name, on every page, mail and export.
func TestChineseTerms(t *testing.T) {
	var msgs map[string]any
	if _, err := toml.DecodeFS(FS, Files["zh-CN"], &msgs); err != nil {
		t.Fatal(err)
	}
	for id, v := range msgs {
		for form, text := range texts(v) {
			for variant, term := range misnamed(text) {
				t.Errorf("%s%s says %q: the portal calls it %q (%q)", id, form, variant, term, text)
			}
		}
	}
}

// comment matches a template comment, which users never see.
var comment = regexp.MustCompile(`(?s)\{\{-?\s*/\*.*?\*/\s*-?\}\}`)

func TestChineseTermsInTemplates(t *testing.T) {
	n := 0
	err := fs.WalkDir(views.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".js") {
			return err
		}
		b, err := fs.ReadFile(views.FS, p)
		if err != nil {
			return err
		}
		n++
		text := comment.ReplaceAllString(string(b), "")
		if strings.HasSuffix(p, ".js") {
			text = regexp.MustCompile(`(?m)//.*$`).ReplaceAllString(text, "")
		}
		for variant, term := range misnamed(text) {
			t.Errorf("%s says %q: the portal calls it %q", p, variant, term)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("templates: %d read, %v", n, err)
	}
}
