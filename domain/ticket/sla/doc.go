// Package sla computes entitlement and the SLA clocks of tickets (SPEC
// §4.6): business calendars with several working windows a day, a time
// zone, public holidays and make-up working days (调休); service tiers with
// their targets per priority, and the table that maps service SKUs to
// tiers; and an Engine that turns a ticket's service lines into its tier
// and its history into the three clocks (first response, next response,
// resolution), as pure functions. The settings Service lets admins edit
// the calendars and the tier table.
package sla
