package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// cmdFiles: os file I/O in the working directory (WriteFile, ReadFile, Create, Seek,
// ReadAt, Truncate, Stat, Mkdir, ReadDir, Rename, Remove), os.Args, the environment
// sorted, and os.Getwd (its last component only: the full path is the host's).
func cmdFiles(args []string) int {
	fmt.Printf("args: %s %q\n", filepath.Base(os.Args[0]), os.Args[1:])
	env := os.Environ()
	sort.Strings(env)
	fmt.Printf("environ (%d): %s\n", len(env), strings.Join(env, " "))
	if v, ok := os.LookupEnv("GO_DEMO_GREETING"); ok {
		fmt.Printf("GO_DEMO_GREETING=%s\n", v)
	}
	wd, err := os.Getwd()
	if check("getwd", err) {
		return 1
	}
	fmt.Printf("getwd: absolute %v, last component %s\n", filepath.IsAbs(wd), filepath.Base(wd))

	dir := "go_demo_files"
	if check("mkdir", os.Mkdir(dir, 0o755)) {
		return 1
	}
	notes := filepath.Join(dir, "notes.txt")
	if check("writefile", os.WriteFile(notes, []byte("first line\nsecond line\n"), 0o644)) {
		return 1
	}
	data, err := os.ReadFile(notes)
	if check("readfile", err) {
		return 1
	}
	fmt.Printf("readfile: %d bytes, %q\n", len(data), data)

	f, err := os.Create(filepath.Join(dir, "data.bin"))
	if check("create", err) {
		return 1
	}
	for i := 0; i < 100; i++ {
		fmt.Fprintf(f, "%03d;", i)
	}
	pos, err := f.Seek(40, io.SeekStart)
	if check("seek", err) {
		return 1
	}
	f.Write([]byte("XXXX"))
	end, _ := f.Seek(0, io.SeekEnd)
	buf := make([]byte, 12)
	n, err := f.ReadAt(buf, 36)
	if check("readat", err) {
		return 1
	}
	fmt.Printf("seek: at %d, end %d, readat(36) %q\n", pos, end, buf[:n])
	if check("truncate", f.Truncate(100)) {
		return 1
	}
	info, err := f.Stat()
	if check("stat", err) {
		return 1
	}
	fmt.Printf("stat: size %d, mode %v, regular %v\n", info.Size(), info.Mode().Perm(), info.Mode().IsRegular())
	if check("close", f.Close()) {
		return 1
	}

	// Append mode and a read of the whole file through a reader.
	af, err := os.OpenFile(notes, os.O_APPEND|os.O_WRONLY, 0)
	if check("open append", err) {
		return 1
	}
	af.WriteString("third line\n")
	af.Close()
	rf, err := os.Open(notes)
	if check("open", err) {
		return 1
	}
	all, _ := io.ReadAll(rf)
	rf.Close()
	fmt.Printf("append: %d lines\n", strings.Count(string(all), "\n"))

	if check("rename", os.Rename(notes, filepath.Join(dir, "renamed.txt"))) {
		return 1
	}
	if check("mkdir sub", os.Mkdir(filepath.Join(dir, "sub"), 0o700)) {
		return 1
	}
	entries, err := os.ReadDir(dir)
	if check("readdir", err) {
		return 1
	}
	for _, e := range entries {
		fmt.Printf("readdir: %s dir=%v\n", e.Name(), e.IsDir())
	}
	_, err = os.Stat(notes)
	fmt.Printf("stat after rename: not exist %v\n", os.IsNotExist(err))
	_, err = os.ReadFile(filepath.Join(dir, "missing"))
	fmt.Printf("readfile missing: %v\n", err)
	err = os.Remove(dir)
	fmt.Printf("remove non-empty dir fails: %v\n", err != nil)
	if check("removeall", os.RemoveAll(dir)) {
		return 1
	}
	_, err = os.Stat(dir)
	fmt.Printf("removeall: gone %v\n", os.IsNotExist(err))
	return 0
}

func check(what string, err error) bool {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		return true
	}
	return false
}
