package hopsworks

import (
	"os/exec"
	"syscall"
)

// killWithParent makes the kernel kill cmd when the test binary dies, so
// that a crashed test run leaves no emulator behind.
func killWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
