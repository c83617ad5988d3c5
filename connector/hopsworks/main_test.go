package hopsworks

import (
	"os"
	"testing"
)

// TestMain stops the AWS emulator and removes the demo warehouse that
// tests started or generated on first use.
func TestMain(m *testing.M) {
	code := m.Run()
	moto.stop()
	warehouse.remove()
	os.Exit(code)
}
