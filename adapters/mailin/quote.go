package mailin

import (
	"regexp"
	"strings"
)

var (
	// separatorLine matches the lines clients put above a quoted message:
	// Outlook's "-----Original Message-----" and "-----原始邮件-----",
	// Foxmail's and QQ Mail's "------------------ Original ------------------",
	// Gmail's forwarded message line.
	separatorLine = regexp.MustCompile(`(?i)^[-_=]{2,}\s*(original message|original|原始邮件|原始郵件|原邮件|回复的原邮件|邮件原文|forwarded message|转发的邮件|转发邮件|已转发邮件)\s*[-_=]{2,}$`)
	// markerLine matches other lines that start a quoted or forwarded message.
	markerLine = regexp.MustCompile(`(?i)^(begin forwarded message:|reply above this line|请在此行上方回复|请在此行以上回复|請在此行以上回覆|## .*(reply above|此行.*回复).*##)$`)
	// ruleLine matches Outlook's line of underscores above its header block.
	ruleLine = regexp.MustCompile(`^_{10,}$`)
	// fromLine matches the first line of a header block of a quoted message,
	// in English, Chinese and, for Outlook, German, French and Japanese.
	fromLine = regexp.MustCompile(`(?i)^\*?(from|发件人|寄件者|寄件人|發件人|von|de|差出人)\s*:\*?\s*\S`)
	// headerLine matches the other lines of such a block.
	headerLine = regexp.MustCompile(`(?i)^\*?(sent|date|to|cc|subject|发送时间|发送日期|时间|日期|收件人|抄送|主题|主旨|寄件日期|傳送時間|收件者|副本|標題|` +
		`gesendet|datum|an|betreff|envoyé|date d'envoi|à|objet|送信日時|宛先|件名)\s*:`)
	// inlineHeaders matches a header block written on one line.
	inlineHeaders = regexp.MustCompile(`(?i)^\*?(from:.+\b(sent|date):.+\bsubject:|发件人:.+(发送时间|时间|日期):.+主题:)`)
	// attributionEnd matches the end of a "… wrote:" line.
	attributionEnd = regexp.MustCompile(`(?i)(wrote|writes|写道|寫道|a écrit|schrieb)\s*:$`)
	// attributionStart matches how such an attribution begins: "On …",
	// "在 …", a date, or a name with an address.
	attributionStart = regexp.MustCompile(`(?i)^(on\s|在\s?|\d{2,4}[-/年.]|.*@)`)
	// trailingLink matches the " (https://…)" that HTML links leave behind.
	trailingLink = regexp.MustCompile(`\s*\(https?://[^\s()]*\)$`)
	// mobileSignature matches the lines mail apps add under a message.
	mobileSignature = regexp.MustCompile(`(?i)^(` +
		`sent from (my |outlook|mail for windows|windows mail|yahoo|gmail|samsung|huawei|xiaomi|android|proton ?mail)\S?.{0,30}|` +
		`sent (via|with) (blackberry|proton ?mail|spark|airmail|superhuman).{0,20}|get outlook for \S.{0,20}|` +
		`(发自|来自|來自|寄自)\s?我的\s?.{1,20}|` +
		`(发自|来自)\s?(网易邮箱大师|网易邮箱|手机QQ邮箱|QQ邮箱|腾讯企业邮|企业微信|钉钉|飞书|阿里邮箱|139邮箱|新浪邮箱|outlook).{0,12}|` +
		`从\s?(windows\s?版\s?)?(邮件|mail)\s?发送|从我的\s?.{1,15}发送|从\s?outlook.{0,12}发送|` +
		`從.{0,20}傳送|获取\s?outlook for .{1,20}|下载\s?outlook .{0,20}` +
		`)$`)
)

// qqSignature is the line QQ Mail and Foxmail put above a signature.
const qqSignature = "------------------"

// normLine prepares a line for matching: no-break and ideographic spaces
// become spaces, full-width colons become colons, zero-width characters
// go and the ends are trimmed.
func normLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u3000', '\u2002', '\u2003', '\u2009':
			return ' '
		case '：':
			return ':'
		case '\u200b', '\u200c', '\u200d', '\ufeff':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// extractReply returns what the person wrote in a message whose text is
// given: the text above the quoted history, without lines quoted with ">"
// and without the signature. A reply written below a quote ("bottom
// posting") is found too. It returns "" when nothing is left.
func extractReply(text string) string {
	return extractReplyDepth(text, 0)
}

// maxBottomPost is how many quoted blocks in a row are skipped looking
// for a reply written below them.
const maxBottomPost = 3

// extractReplyDepth is extractReply after depth quoted blocks were
// skipped.
func extractReplyDepth(text string, depth int) string {
	lines := strings.Split(text, "\n")
	norm := make([]string, len(lines))
	for i, l := range lines {
		norm[i] = normLine(l)
	}
	cut, attrEnd := quoteStart(norm)
	reply := cleanReply(lines[:cut], norm[:cut])
	if reply == "" && attrEnd >= 0 && depth < maxBottomPost {
		rest := lines[attrEnd+1:]
		i := 0
		for i < len(rest) && (strings.HasPrefix(normLine(rest[i]), ">") || normLine(rest[i]) == "") {
			i++
		}
		if i > 0 && i < len(rest) {
			return extractReplyDepth(strings.Join(rest[i:], "\n"), depth+1)
		}
	}
	return reply
}

// quoteStart returns the index of the first line of the quoted history
// (len(norm) when there is none) and, when that history starts with a
// "… wrote:" attribution, the index of the attribution's last line.
func quoteStart(norm []string) (int, int) {
	for i, l := range norm {
		switch {
		case l == "":
			continue
		case separatorLine.MatchString(l), markerLine.MatchString(l), inlineHeaders.MatchString(l):
			return i, -1
		case ruleLine.MatchString(l) && fromWithin(norm, i+1, 3):
			return i, -1
		case fromLine.MatchString(l) && headersFollow(norm, i+1):
			return i, -1
		}
		if len(l) < 400 && strings.HasSuffix(l, ":") && attributionEnd.MatchString(l) {
			if start, ok := attribution(norm, i); ok {
				return start, i
			}
		}
	}
	return len(norm), -1
}

// fromWithin reports a From line among the next n non-blank lines.
func fromWithin(norm []string, from, n int) bool {
	for i := from; i < len(norm) && i < from+20 && n > 0; i++ {
		if norm[i] == "" {
			continue
		}
		if fromLine.MatchString(norm[i]) {
			return true
		}
		n--
	}
	return false
}

// headersFollow reports at least two header lines (Sent, To, Subject …)
// among the six lines after a From line, as in Outlook's block.
func headersFollow(norm []string, from int) bool {
	found := 0
	for i := from; i < len(norm) && i < from+6; i++ {
		if headerLine.MatchString(norm[i]) {
			found++
		}
	}
	return found >= 2
}

// attribution checks the "… wrote:" line at end, which may be wrapped
// over up to three lines, and returns its first line. It must read like
// an attribution (a start such as "On" or "在" and a date or an address)
// or be followed by quoted lines.
func attribution(norm []string, end int) (int, bool) {
	start := end
	for k := end - 1; k >= 0 && k >= end-2; k-- {
		if norm[k] == "" || len(norm[k]) > 200 || strings.HasPrefix(norm[k], ">") {
			break
		}
		if attributionStart.MatchString(norm[k]) {
			start = k
		}
	}
	joined := strings.Join(norm[start:end+1], " ")
	if attributionStart.MatchString(joined) && strings.ContainsAny(joined, "0123456789@") && len(joined) < 500 {
		return start, true
	}
	for i := end + 1; i < len(norm); i++ {
		if norm[i] != "" {
			return start, strings.HasPrefix(norm[i], ">")
		}
	}
	return start, false
}

// isMobileSignature reports a short line that a mail app adds, such as
// "Sent from my iPhone", also when it was a link.
func isMobileSignature(n string) bool {
	if len(n) > 200 {
		return false
	}
	sig := n
	if strings.HasSuffix(n, ")") {
		sig = trailingLink.ReplaceAllString(n, "")
	}
	return len(sig) < 60 && mobileSignature.MatchString(sig)
}

// cleanReply drops quoted lines and everything from the signature on,
// then trims white space at line ends and blank lines at both ends and
// folds runs of blank lines into one.
func cleanReply(lines, norm []string) string {
	var out []string
	for i, l := range lines {
		n := norm[i]
		if l == "-- " || n == "--" || n == qqSignature || isMobileSignature(n) {
			break
		}
		if strings.HasPrefix(n, ">") {
			continue
		}
		l = strings.TrimRight(l, " \t\u00a0\u3000")
		if strings.TrimSpace(n) == "" {
			if len(out) == 0 || out[len(out)-1] == "" {
				continue
			}
			l = ""
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}
