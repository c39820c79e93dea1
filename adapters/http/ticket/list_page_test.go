package ticket_test

import (
	"net/http"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
)

func TestListSmoke(t *testing.T) {
	e := newThreadEnv(t)
	a := e.customer("a@example.com", "王敏", "上海示例数据科技有限公司", codeA)
	c := e.client("zh-CN", "a@example.com")
	r := c.Get("/tickets")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, "贵公司还没有工单")
	e.device(codeA, "SN-A-001", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
	tk := e.ticket(a, "阵列告警", "SN-A-001")
	r = c.Get("/tickets")
	webtest.WantText(t, r, tk.Number, "阵列告警", "SN-A-001")
	r = c.Get("/tickets/" + itoa(tk.ID))
	webtest.WantStatus(t, r, http.StatusOK)
	t.Log(r.Body)
}
