package main

import (
	"context"
	"fmt"
	"io"

	"supportal/domain"
	"supportal/domain/identity"
)

// demoPassword is the password of every demo account (printed by dev).
const demoPassword = "Spring-Harbor-2026"

// seed creates the demo accounts unless they exist already, so a second run
// of dev changes nothing.
func seed(ctx context.Context, a *app, out io.Writer) error {
	customers := []struct {
		info    identity.AccountInfo
		company identity.Company
	}{
		{identity.AccountInfo{Country: "CN", Name: "王敏", JobTitle: "it_lead", Email: "demo@example.com", Mobile: "13800138000"},
			identity.Company{Name: "上海示例数据科技有限公司", Industry: "it", Size: "101-500", Address: "上海市杨浦区示例路 88 号", Business: "数据服务"}},
		{identity.AccountInfo{Country: "CN", Name: "李新", JobTitle: "it_engineer", Email: "new@example.com"},
			identity.Company{Name: "深圳新客户科技有限公司", Industry: "manufacturing", Size: "21-100", Address: "深圳市南山区科技园 1 号"}},
	}
	for _, c := range customers {
		if _, err := a.identity.CreateCustomer(ctx, c.info, c.company, demoPassword); err != nil && domain.KindOf(err) != domain.Conflict {
			return err
		}
	}
	staff := []struct {
		email, name string
		role        identity.Role
	}{
		{"reviewer@example.com", "审核员 张", identity.RoleReviewer},
		{"agent@example.com", "工程师 陈", identity.RoleAgent},
		{"admin@example.com", "管理员 赵", identity.RoleAdmin},
	}
	for _, s := range staff {
		if _, err := a.identity.CreateStaff(ctx, s.email, s.name, s.role, demoPassword); err != nil && domain.KindOf(err) != domain.Conflict {
			return err
		}
	}
	fmt.Fprintf(out, `
Demo logins (password for all: %s)
  customer  demo@example.com      (上海示例数据科技有限公司)
  customer  new@example.com       (深圳新客户科技有限公司)
  reviewer  reviewer@example.com  (staff sign-in)
  agent     agent@example.com     (staff sign-in)
  admin     admin@example.com     (staff sign-in)
`, demoPassword)
	return nil
}
