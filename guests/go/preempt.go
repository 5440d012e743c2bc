package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// preempt registers itself here rather than in main.go's table, so that main.go's lines
// (which the panic and deadlock tracebacks print) stay where they were recorded.
func init() { commands["preempt"] = cmdPreempt }

// spinStop ends the spinner's loop; spinTurns is what it counted, published once it stops.
var (
	spinStop  int32
	spinTurns uint64
)

// spin counts until spinStop is set. The loop makes no calls (atomic.LoadInt32 is an
// intrinsic: one lw), so it has no cooperative preemption point: only Go's asynchronous
// preemption (sysmon or the collector signals the thread with SIGURG through tgkill, and
// the handler redirects it to asyncPreempt) can take the P away from it.
//
//go:noinline
func spin() uint64 {
	n := uint64(0)
	for atomic.LoadInt32(&spinStop) == 0 {
		n++
	}
	return n
}

// cmdPreempt: GOMAXPROCS(2), one goroutine spinning in a loop without safe points while
// main runs three forced collections and sleeps. Each collection stops the world and
// scans the spinner's stack, which needs the spinner suspended: without asynchronous
// preemption (GODEBUG=asyncpreemptoff=1) the first runtime.GC() never returns. Only facts
// that hold for every interleaving are printed.
func cmdPreempt(args []string) int {
	runtime.GOMAXPROCS(2)
	fmt.Printf("GOMAXPROCS: %d\n", runtime.GOMAXPROCS(0))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	started := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		close(started)
		atomic.StoreUint64(&spinTurns, spin())
		close(stopped)
	}()
	<-started

	const forced = 3
	for i := 0; i < forced; i++ {
		runtime.GC()
	}
	time.Sleep(20 * time.Millisecond)
	spinning := atomic.LoadUint64(&spinTurns) == 0

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	atomic.StoreInt32(&spinStop, 1)
	<-stopped

	fmt.Printf("forced gc cycles: %d\n", after.NumForcedGC-before.NumForcedGC)
	fmt.Printf("gc cycles completed >= %d: %v\n", forced, after.NumGC-before.NumGC >= forced)
	fmt.Printf("spinner still spinning after the collections and the sleep: %v\n", spinning)
	fmt.Printf("spinner stopped: true, counted: %v\n", atomic.LoadUint64(&spinTurns) > 0)
	return 0
}
