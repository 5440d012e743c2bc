package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

// pprof registers itself here rather than in main.go's table, so that main.go's lines
// (which the panic and deadlock tracebacks print) stay where they were recorded.
func init() { commands["pprof"] = cmdPprof }

// pprofFile is where the CPU profile is written, in the working directory.
const pprofFile = "cpu.pprof"

// pprofRounds is each workload goroutine's number of hash rounds: about 260 M instructions
// each, so that qemu-riscv64 (which samples at 100 Hz of real time) takes samples, and so
// does ZeroOS (100 Hz of virtual CPU time: one sample per 10 M instructions of a thread).
const pprofRounds = 24_000_000

// pprofWork is the profiled workload: a chain of 64-bit xorshift-multiply rounds from a
// seed. It makes no calls in its loop; Go's asynchronous preemption (SIGURG) and its
// profiler (SIGPROF) both interrupt it at instruction boundaries.
//
//go:noinline
func pprofWork(seed uint64, rounds int) uint64 {
	x := seed
	for i := 0; i < rounds; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		x *= 0x9e3779b97f4a7c15
	}
	return x
}

// cmdPprof: runtime/pprof's CPU profiler around a CPU-bound workload on 2 goroutines
// (GOMAXPROCS 2). Go 1.19 starts a CLOCK_THREAD_CPUTIME_ID timer per thread
// (timer_create with SIGEV_THREAD_ID, SIGPROF) and setitimer(ITIMER_PROF), and its
// SIGPROF handler records stacks that a goroutine writes to the file as a gzipped
// protobuf. The command then reads the file back and prints only facts that hold however
// fast the host is: the file was written and parses, its sample types and period, that
// there are samples and that the workload's function is among them, and the workload's
// result.
func cmdPprof(args []string) int {
	runtime.GOMAXPROCS(2)
	fmt.Printf("GOMAXPROCS: %d\n", runtime.GOMAXPROCS(0))
	f, err := os.Create(pprofFile)
	if err != nil {
		fmt.Println("create:", err)
		return 1
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Println("StartCPUProfile:", err)
		return 1
	}
	results := make([]uint64, 2)
	var wg sync.WaitGroup
	for g := range results {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			results[g] = pprofWork(uint64(g)+1, pprofRounds)
		}(g)
	}
	wg.Wait()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fmt.Println("close:", err)
		return 1
	}
	fmt.Printf("workload: %016x %016x\n", results[0], results[1])

	data, err := os.ReadFile(pprofFile)
	fmt.Printf("profile written: %v\n", err == nil && len(data) > 0)
	if err != nil {
		fmt.Println("read:", err)
		return 1
	}
	p, err := parseProfile(data)
	if err != nil {
		fmt.Println("parse:", err)
		return 1
	}
	fmt.Printf("sample types: %s\n", p.sampleTypes)
	fmt.Printf("period: %d %s\n", p.period, p.periodType)
	fmt.Printf("samples > 0: %v\n", p.samples > 0)
	fmt.Printf("cpu time > 0: %v\n", p.cpuNanos > 0)
	fmt.Printf("main.pprofWork in the profile: %v\n", p.functions["main.pprofWork"])
	if err := os.Remove(pprofFile); err != nil {
		fmt.Println("remove:", err)
		return 1
	}
	return 0
}

// profileFacts is what cmdPprof reads from a profile.proto (github.com/google/pprof's
// proto/profile.proto): only the fields it prints.
type profileFacts struct {
	sampleTypes string // "type/unit" of each sample value, space separated
	periodType  string // "type/unit"
	period      int64
	samples     int             // Sample messages
	cpuNanos    int64           // the sum of each sample's last value (cpu/nanoseconds)
	functions   map[string]bool // the names of the Function messages
}

// parseProfile reads a gzipped profile.proto just far enough for profileFacts: Profile's
// sample_type (1), sample (2), function (5), string_table (6), period_type (11) and
// period (12); ValueType's type (1) and unit (2); Sample's value (2, packed or not);
// Function's name (2).
func parseProfile(gz []byte) (*profileFacts, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var strs []string
	var sampleTypes, functions [][]byte
	var periodType []byte
	p := &profileFacts{functions: map[string]bool{}}
	err = eachField(raw, func(num int, wire int, v uint64, b []byte) error {
		switch {
		case num == 1 && wire == 2:
			sampleTypes = append(sampleTypes, b)
		case num == 2 && wire == 2:
			p.samples++
			var last int64
			err := eachField(b, func(num int, wire int, v uint64, b []byte) error {
				if num != 2 {
					return nil
				}
				if wire == 0 {
					last = int64(v)
					return nil
				}
				for len(b) > 0 {
					x, n := uvarint(b)
					if n <= 0 {
						return errors.New("bad packed value")
					}
					last, b = int64(x), b[n:]
				}
				return nil
			})
			p.cpuNanos += last
			return err
		case num == 5 && wire == 2:
			functions = append(functions, b)
		case num == 6 && wire == 2:
			strs = append(strs, string(b))
		case num == 11 && wire == 2:
			periodType = b
		case num == 12 && wire == 0:
			p.period = int64(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	str := func(i uint64) string {
		if i < uint64(len(strs)) {
			return strs[i]
		}
		return "?"
	}
	valueType := func(b []byte) (string, error) {
		var t, u uint64
		err := eachField(b, func(num int, wire int, v uint64, _ []byte) error {
			if wire == 0 && num == 1 {
				t = v
			} else if wire == 0 && num == 2 {
				u = v
			}
			return nil
		})
		return str(t) + "/" + str(u), err
	}
	for i, b := range sampleTypes {
		s, err := valueType(b)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			p.sampleTypes += " "
		}
		p.sampleTypes += s
	}
	if p.periodType, err = valueType(periodType); err != nil {
		return nil, err
	}
	for _, b := range functions {
		err := eachField(b, func(num int, wire int, v uint64, _ []byte) error {
			if num == 2 && wire == 0 {
				p.functions[str(v)] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// eachField calls fn for each field of a protobuf message: its number, wire type, and
// the varint (wire type 0, or a fixed64/fixed32 value) or the bytes (wire type 2).
func eachField(b []byte, fn func(num int, wire int, v uint64, b []byte) error) error {
	for len(b) > 0 {
		key, n := uvarint(b)
		if n <= 0 {
			return errors.New("bad field key")
		}
		b = b[n:]
		num, wire := int(key>>3), int(key&7)
		var v uint64
		var body []byte
		switch wire {
		case 0:
			v, n = uvarint(b)
			if n <= 0 {
				return errors.New("bad varint")
			}
			b = b[n:]
		case 1:
			if len(b) < 8 {
				return errors.New("short fixed64")
			}
			for i := 7; i >= 0; i-- {
				v = v<<8 | uint64(b[i])
			}
			b = b[8:]
		case 2:
			l, n := uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return errors.New("bad length")
			}
			body, b = b[n:n+int(l)], b[n+int(l):]
		case 5:
			if len(b) < 4 {
				return errors.New("short fixed32")
			}
			v = uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24
			b = b[4:]
		default:
			return fmt.Errorf("wire type %d", wire)
		}
		if err := fn(num, wire, v, body); err != nil {
			return err
		}
	}
	return nil
}

// uvarint decodes a protobuf varint: the value and its length, or 0 for bad input.
func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i := 0; i < len(b) && i < 10; i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1
		}
	}
	return 0, 0
}
