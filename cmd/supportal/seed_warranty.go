package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"supportal/domain/warranty"
)

// demoDevices is how many devices the demo company gets.
const demoDevices = 300

// seedWarranty imports demo devices of the verified demo company through the
// warranty service, as an import from the internal systems would, so that
// 服务查询 shows data (and 数据最后更新时间) at once. It does nothing once any
// import has succeeded.
func seedWarranty(ctx context.Context, a *app, out io.Writer) error {
	if _, ok, err := a.warranty.LastUpdated(ctx); err != nil || ok {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeDemoWarranty(pw, time.Now())) }()
	defer pr.Close()
	src, err := warranty.NewCSVSource(pr)
	if err != nil {
		return fmt.Errorf("seed: warranty: %w", err)
	}
	run, err := a.warranty.Import(ctx, src, warranty.ImportOptions{Mode: warranty.ModeUpsert, Source: "dev:seed"})
	if err != nil {
		return fmt.Errorf("seed: warranty import: %w (%+v)", err, run.Errors)
	}
	fmt.Fprintf(out, "Demo warranty data: %d devices, %d service lines for 上海示例数据科技有限公司\n", demoDevices, run.Counts.Inserted)
	return nil
}

// writeDemoWarranty writes the demo import file: demoDevices devices with
// one to four service lines each, the same names and serial numbers on every
// run, and dates around today so that every coverage badge shows.
func writeDemoWarranty(w io.Writer, now time.Time) error {
	const owner, ownerName = "91310110666007217T", "上海示例数据科技有限公司"
	models := []string{"AnyBackup 一体机 A3000", "AnyBackup 一体机 A5000", "AnyShare 存储节点 S200", "AnyDATA 图谱计算节点 D8",
		"容灾一体机 DR-800", "AnyRobot 日志分析平台 R1000"}
	services := []struct {
		sku, name string
		years     int
	}{
		{"SVC-STD-1Y", "标准维保服务(5x8)", 1}, {"SVC-PREM-1Y", "高级维保服务(7x24)", 1},
		{"SVC-SW-UPG-1Y", "软件升级服务", 1}, {"SVC-ONSITE-3Y", "原厂上门服务(3年)", 3},
	}
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	y, m, d := now.In(shanghai()).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(2026, 217))
	cw := csv.NewWriter(w)
	if err := cw.Write(warranty.Columns); err != nil {
		return err
	}
	for i := 1; i <= demoDevices; i++ {
		name := fmt.Sprintf("%s-%03d", models[r.IntN(len(models))], i)
		var sn strings.Builder
		fmt.Fprintf(&sn, "AS%d", 2020+r.IntN(7))
		for range 5 {
			sn.WriteByte(alnum[r.IntN(len(alnum))])
		}
		fmt.Fprintf(&sn, "%03X", i) // unique
		group := (i + 2) / 3        // three devices to an order
		order := fmt.Sprintf("PO-%d%05d", 2021+group%5, group*7919%100000)
		for k, s := range r.Perm(len(services))[:1+r.IntN(4)] {
			svc := services[s]
			var start, end time.Time
			switch kind := (i + k) % 10; {
			case kind < 6: // active: started, ending after the next 30 days
				end = today.AddDate(0, 0, 31+r.IntN(svc.years*365-60))
			case kind < 7: // expiring within 30 days
				end = today.AddDate(0, 0, r.IntN(30))
			case kind < 9: // expired
				end = today.AddDate(0, 0, -1-r.IntN(700))
			default: // not started
				start = today.AddDate(0, 0, 1+r.IntN(200))
			}
			if start.IsZero() {
				start = end.AddDate(-svc.years, 0, 1)
			} else {
				end = start.AddDate(svc.years, 0, -1)
			}
			rec := []string{owner, ownerName, name, sn.String(), order, svc.sku, svc.name, start.Format("2006-01-02"), end.Format("2006-01-02")}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// shanghai is the demo customers' zone (a fixed UTC+8 without a zone database).
func shanghai() *time.Location {
	if loc, err := time.LoadLocation(warranty.DefaultZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
