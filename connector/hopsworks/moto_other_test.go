//go:build !linux

package hopsworks

import "os/exec"

// killWithParent does nothing outside Linux; TestMain stops the emulator.
func killWithParent(*exec.Cmd) {}
