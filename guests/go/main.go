// go_demo: one static Go program with a command per feature of Go's runtime and
// standard library that ZeroOS must serve (see guests/README.md, "Go guest").
//
//	go_demo <command> [args...]
//
// Every command prints only deterministic facts, so its output under ZeroOS can be
// compared byte for byte with what qemu-riscv64 printed.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

var commands = map[string]func(args []string) int{
	"hello":      cmdHello,
	"goroutines": cmdGoroutines,
	"sleep":      cmdSleep,
	"files":      cmdFiles,
	"json":       cmdJSON,
	"regexp":     cmdRegexp,
	"sha256":     cmdSHA256,
	"cpu":        cmdCPU,
	"panic":      cmdPanic,
	"deadlock":   cmdDeadlock,
}

func usage() {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: go_demo <command> [args...]\ncommands: %s\n", strings.Join(names, " "))
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(64)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "go_demo: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(64)
	}
	os.Exit(cmd(os.Args[2:]))
}

func cmdHello(args []string) int {
	fmt.Println("Hello from Go on ZeroOS!")
	return 0
}
