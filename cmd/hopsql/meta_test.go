package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseMeta(t *testing.T) {
	tests := []struct {
		text string
		want metaCommand
		err  string
	}{
		{`\q`, metaCommand{name: "q"}, ""},
		{`  \d  bank::customers_1 ; `, metaCommand{name: "d", arg: "bank::customers_1"}, ""},
		{"\\d\tbank::customers_1", metaCommand{name: "d", arg: "bank::customers_1"}, ""},
		{`\d`, metaCommand{name: "d"}, ""},
		{`\x auto`, metaCommand{name: "x", arg: "auto"}, ""},
		{`\x;`, metaCommand{name: "x"}, ""},
		{`\timing`, metaCommand{name: "timing"}, ""},
		{`\format csv`, metaCommand{name: "format", arg: "csv"}, ""},
		{`\o`, metaCommand{name: "o"}, ""},
		{`\o /tmp/out file.csv`, metaCommand{name: "o", arg: "/tmp/out file.csv"}, ""},
		{`\i script.sql`, metaCommand{name: "i", arg: "script.sql"}, ""},
		{`\e`, metaCommand{name: "e"}, ""},
		{`\?`, metaCommand{name: "?"}, ""},
		{`\i`, metaCommand{}, `\i needs an argument`},
		{`\q now`, metaCommand{}, `\q takes no argument`},
		{`\foo`, metaCommand{}, `unknown command \foo`},
		{`\`, metaCommand{}, `needs a name`},
		{`SELECT 1`, metaCommand{}, `not a meta-command`},
	}
	for _, tc := range tests {
		got, err := parseMeta(tc.text)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.text)
			continue
		}
		if assert.NoError(t, err, tc.text) {
			assert.Equal(t, tc.want, got, tc.text)
		}
	}
}

func TestParseSwitches(t *testing.T) {
	on, err := parseSwitch("timing", "", false)
	assert.NoError(t, err)
	assert.True(t, on, "no argument toggles")
	on, err = parseSwitch("timing", "OFF", true)
	assert.NoError(t, err)
	assert.False(t, on)
	_, err = parseSwitch("timing", "maybe", true)
	assert.ErrorContains(t, err, `\timing takes on or off`)

	tests := []struct {
		arg       string
		cur, want expandedMode
	}{
		{"", expandedOff, expandedOn},
		{"", expandedOn, expandedOff},
		{"", expandedAuto, expandedOff},
		{"on", expandedOff, expandedOn},
		{"auto", expandedOff, expandedAuto},
		{"off", expandedAuto, expandedOff},
	}
	for _, tc := range tests {
		got, err := parseExpanded(tc.arg, tc.cur)
		assert.NoError(t, err)
		assert.Equal(t, tc.want, got, "%q from %v", tc.arg, tc.cur)
	}
	_, err = parseExpanded("sideways", expandedOff)
	assert.ErrorContains(t, err, `\x takes on, off or auto`)
}

func TestStatementEnded(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"", true},
		{"  \n", true},
		{`\d`, true},
		{"SELECT 1", false},
		{"SELECT 1;", true},
		{"SELECT count(*)\nFROM transactions_1;", true},
		{"SELECT ';'", false},
		{"SELECT 1 -- ;", false},
		{"SELECT 1; SELECT 2", false},
		{"SELECT 'open;", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, statementEnded(tc.text), "%q", tc.text)
	}
}

func TestValidTableName(t *testing.T) {
	for _, name := range []string{"transactions_1", "bank::customers_1", "bank.customers_1", "`bank`::customers_1", "information_schema.tables"} {
		assert.True(t, validTableName(name), name)
	}
	for _, name := range []string{"", "x; DROP", "t WHERE 1=1", "a(b)"} {
		assert.False(t, validTableName(name), name)
	}
}
